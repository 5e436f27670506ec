/**
 * The checking worker (a module worker): receives `{ id, text }`, posts back
 * `{ id, diagnostics, version }`. Large files are parsed and checked here so typing stays smooth.
 */
import { answer, type CheckReply, type CheckRequest } from "./check-protocol.js";

// The project's lib is DOM, not WebWorker: name the little of the worker scope we use.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<CheckRequest>) => void) | null;
  postMessage(message: CheckReply): void;
};

scope.onmessage = (event) => {
  scope.postMessage(answer(event.data));
};
