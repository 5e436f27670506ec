/**
 * The checking worker (a module worker): receives `{ id, text }` or `{ id, edits, length }`
 * (the edits since its previous text), posts back
 * `{ id, diagnostics, tokens, folds, version }` (their buffers transferred). Large files are parsed
 * and checked here so typing stays smooth.
 */
import { createAnswerer, type CheckReply, type CheckRequest } from "./check-protocol.js";

// The project's lib is DOM, not WebWorker: name the little of the worker scope we use.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<CheckRequest>) => void) | null;
  postMessage(message: CheckReply, transfer: Transferable[]): void;
};

const answer = createAnswerer();
scope.onmessage = (event) => {
  const reply = answer(event.data);
  scope.postMessage(reply, [reply.tokens.buffer, reply.folds.buffer]);
};
