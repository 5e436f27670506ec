/** The messages between the editor and its checking worker, and the worker's side of them. */
import { check, parse, type Diagnostic } from "@jsqc/dsl";

/** Bumped when the messages change, so a client can tell a worker from another build. */
export const CHECK_PROTOCOL_VERSION = 1;

/** Editor → worker: check this text; `id` increases with every request. */
export interface CheckRequest {
  readonly id: number;
  readonly text: string;
}

/** Worker → editor: the diagnostics of request `id`; `error` when checking failed (none then). */
export interface CheckReply {
  readonly id: number;
  readonly diagnostics: Diagnostic[];
  /** The worker's `CHECK_PROTOCOL_VERSION`. */
  readonly version: number;
  readonly error?: string;
}

/** The diagnostics of a text: the dsl's parse then check, as the server and the CLI run them. Never throws. */
export function checkText(text: string): Diagnostic[] {
  return [...check(parse(text)).diagnostics];
}

/** Answers one request; a failure is reported in the reply, never thrown. */
export function answer(request: CheckRequest): CheckReply {
  try {
    return { id: request.id, diagnostics: checkText(request.text), version: CHECK_PROTOCOL_VERSION };
  } catch (e) {
    return { id: request.id, diagnostics: [], version: CHECK_PROTOCOL_VERSION, error: e instanceof Error ? e.message : String(e) };
  }
}
