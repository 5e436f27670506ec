/** The messages between the editor and its checking worker, and the worker's side of them. */
import { analyze, foldingRanges, semanticTokens, type Diagnostic } from "@jsqc/dsl";
import { encodeSemanticTokens } from "./semantic-tokens.js";
import { encodeFoldingRanges } from "./folding.js";

/** Bumped when the messages change, so a client can tell a worker from another build. */
export const CHECK_PROTOCOL_VERSION = 2;

/** A change of the text: `length` characters at `offset` replaced by `text` (a Monaco content change). */
export interface TextEdit {
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

/**
 * Editor → worker: check this text; `id` increases with every request. The text comes whole
 * (`text`) or, while typing, as the edits since the previous request's text (`edits`, applied in
 * order; `length` is the resulting text's, a check): a keystroke then posts a few characters,
 * not the whole file (posting the 2024 file at every keystroke cost ~1 ms of the main thread).
 */
export type CheckRequest =
  | { readonly id: number; readonly text: string }
  | { readonly id: number; readonly edits: readonly TextEdit[]; readonly length: number };

/**
 * Worker → editor: the diagnostics of request `id`, its folding ranges, and the text's semantic tokens in Monaco's
 * encoding (`encodeSemanticTokens`; the worker transfers their buffer), so that highlighting
 * never parses on the main thread while typing; `error` when checking failed (none then).
 */
export interface CheckReply {
  readonly id: number;
  readonly diagnostics: Diagnostic[];
  readonly tokens: Uint32Array;
  /** The text's folding ranges (`encodeFoldingRanges`; buffer transferred too), for folding and sticky scroll. */
  readonly folds: Uint32Array;
  /** The worker's `CHECK_PROTOCOL_VERSION`. */
  readonly version: number;
  readonly error?: string;
  /** The edits did not fit the worker's text (it has none, or another): send the whole text. */
  readonly resync?: boolean;
}

/** The diagnostics of a text: the dsl's parse then check, as the server and the CLI run them. Never throws. */
export function checkText(text: string): Diagnostic[] {
  return [...analyze(text).diagnostics];
}

/** Applies edits in order (each against the text the previous one made). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of edits) out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length);
  return out;
}

/**
 * The worker's side: keeps the text of the previous request, so that a request may bring only
 * edits. `answer` returns the reply; a failure is reported in it, never thrown.
 */
export function createAnswerer(): (request: CheckRequest) => CheckReply {
  let current: string | null = null;
  return (request) => {
    if ("text" in request) current = request.text;
    else {
      const next = current === null ? null : applyEdits(current, request.edits);
      if (next === null || next.length !== request.length) {
        current = null;
        return { id: request.id, diagnostics: [], tokens: new Uint32Array(0), folds: new Uint32Array(0), version: CHECK_PROTOCOL_VERSION, error: "out of sync", resync: true };
      }
      current = next;
    }
    return answer({ id: request.id, text: current });
  };
}

/** Answers one request with its whole text; a failure is reported in the reply, never thrown. */
export function answer(request: { readonly id: number; readonly text: string }): CheckReply {
  try {
    const a = analyze(request.text);
    return { id: request.id, diagnostics: [...a.diagnostics], tokens: encodeSemanticTokens(semanticTokens(a)), folds: encodeFoldingRanges(foldingRanges(a)), version: CHECK_PROTOCOL_VERSION };
  } catch (e) {
    return { id: request.id, diagnostics: [], tokens: new Uint32Array(0), folds: new Uint32Array(0), version: CHECK_PROTOCOL_VERSION, error: e instanceof Error ? e.message : String(e) };
  }
}
