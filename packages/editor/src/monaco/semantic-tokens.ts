/**
 * Semantic highlighting from the dsl's `semanticTokens`: names coloured by what they resolve to
 * (an input, an enum member, a table …), which the Monarch tokenizer cannot know.
 */
import { analyze, SEMANTIC_TOKEN_KINDS, semanticTokens, type SemanticToken, type SemanticTokenKind } from "@jsqc/dsl";
import type * as M from "monaco-editor";
import type { ModelLike } from "./types.js";

/** The legend: token types in `SEMANTIC_TOKEN_KINDS` order, no modifiers. */
export const SEMANTIC_TOKENS_LEGEND: M.languages.SemanticTokensLegend = {
  tokenTypes: [...SEMANTIC_TOKEN_KINDS],
  tokenModifiers: [],
};

const KIND_INDEX = new Map<SemanticTokenKind, number>(SEMANTIC_TOKEN_KINDS.map((k, i) => [k, i]));

/**
 * Monaco's encoding: five integers a token — line delta, start delta (from the previous token's
 * start on the same line, else from column 0), length, type index, modifier bits — lines and
 * characters 0-based, characters in UTF-16 code units. Expects tokens in document order (as
 * `semanticTokens` returns them) and skips any out of order or overlapping at the start. Never throws.
 */
export function encodeSemanticTokens(tokens: readonly SemanticToken[]): Uint32Array {
  const data = new Uint32Array(tokens.length * 5);
  let n = 0;
  let prevLine = 0;
  let prevChar = 0;
  for (const t of tokens) {
    const line = t.line - 1;
    const char = t.column - 1;
    const type = KIND_INDEX.get(t.kind);
    if (type === undefined || line < prevLine || (line === prevLine && n > 0 && char <= prevChar) || char < 0 || t.length <= 0) continue;
    data[n++] = line - prevLine;
    data[n++] = line === prevLine ? char - prevChar : char;
    data[n++] = t.length;
    data[n++] = type;
    data[n++] = 0;
    prevLine = line;
    prevChar = char;
  }
  return n === data.length ? data : data.slice(0, n);
}

/** Where a model's tokens come from instead of a parse on this thread: the editor's checker. */
export type SemanticTokensSource = (text: string) => Promise<Uint32Array>;

/** Sources by model URI (`setSemanticTokensSource`); a model without one is analysed here. */
const sources = new Map<string, SemanticTokensSource>();

/**
 * Gives the model `uri` its tokens from `source` (null: back to this thread's analysis). The
 * editor passes its checker's `semanticTokens`, so that while typing the checking worker computes
 * them with the diagnostics and highlighting never parses the file on the main thread.
 */
export function setSemanticTokensSource(uri: string, source: SemanticTokensSource | null): void {
  if (source) sources.set(uri, source);
  else sources.delete(uri);
}

/**
 * The provider; it takes no Monaco values. A source's refusal (the text changed meanwhile) is
 * passed on: Monaco keeps its tokens and asks again.
 */
export function createSemanticTokensProvider() {
  return {
    getLegend: () => SEMANTIC_TOKENS_LEGEND,
    provideDocumentSemanticTokens(model: ModelLike): M.languages.SemanticTokens | Promise<M.languages.SemanticTokens> {
      const text = model.getValue();
      const source = model.uri ? sources.get(model.uri.toString()) : undefined;
      if (source) return source(text).then((data) => ({ data }));
      return { data: encodeSemanticTokens(semanticTokens(analyze(text))) };
    },
    releaseDocumentSemanticTokens(): void {
      // Nothing is kept between results.
    },
  } satisfies M.languages.DocumentSemanticTokensProvider;
}
