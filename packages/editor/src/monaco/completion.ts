/** Completion from the dsl's `completions`: keywords, snippets of each form, names in scope, enum members. */
import { analyze, completions, inStringOrComment, type CompletionCandidate, type CompletionKind } from "@jsqc/dsl";
import type * as M from "monaco-editor";
import { toEditorPosition, type ModelLike, type Monaco } from "./types.js";

/** Typing one of these opens the list: after a space, an opening bracket, or a dot. */
export const COMPLETION_TRIGGER_CHARACTERS = [" ", "{", "[", "(", "."];

const KIND: Record<CompletionKind, keyof typeof M.languages.CompletionItemKind> = {
  keyword: "Keyword",
  snippet: "Snippet",
  variable: "Variable",
  field: "Field",
  enumMember: "EnumMember",
  enum: "Enum",
  struct: "Struct",
  function: "Function",
  operator: "Operator",
  constant: "Constant",
};

/** Monaco's completion item for a dsl candidate, replacing `range`; `index` keeps the dsl's order. */
export function toCompletionItem(c: CompletionCandidate, range: M.IRange, index: number, monaco: Monaco): M.languages.CompletionItem {
  const { CompletionItemKind, CompletionItemInsertTextRule } = monaco.languages;
  return {
    label: c.label,
    kind: CompletionItemKind[KIND[c.kind] ?? "Text"],
    insertText: c.insertText,
    ...(c.isSnippet ? { insertTextRules: CompletionItemInsertTextRule.InsertAsSnippet } : {}),
    ...(c.detail ? { detail: c.detail } : {}),
    ...(c.documentation ? { documentation: c.documentation } : {}),
    // The dsl lists the likeliest first (fields in scope before inputs, and so on).
    sortText: String(index).padStart(4, "0"),
    range,
  };
}

// The dsl's own test of whether a line up to the cursor ends inside a string or a comment, where
// it offers no completions: asked here first, so that a space typed in a note does not parse the
// whole file on the main thread.
export { inStringOrComment };

/** Line `lineNumber` (1-based) of `text` before `column`; null when the text has fewer lines. */
function linePrefix(text: string, lineNumber: number, column: number): string | null {
  let start = 0;
  for (let line = 1; line < lineNumber; line++) {
    const nl = text.indexOf("\n", start);
    if (nl === -1) return null;
    start = nl + 1;
  }
  return text.slice(start, start + column - 1);
}

/** The provider. The range replaced is the word being typed (empty after a space or bracket). */
export function createCompletionProvider(monaco: Monaco) {
  return {
    triggerCharacters: COMPLETION_TRIGGER_CHARACTERS,
    provideCompletionItems(model: ModelLike, position: M.IPosition): M.languages.CompletionList {
      const word = model.getWordUntilPosition(position);
      const range: M.IRange = {
        startLineNumber: position.lineNumber,
        startColumn: word.startColumn,
        endLineNumber: position.lineNumber,
        endColumn: word.endColumn,
      };
      const text = model.getValue();
      const prefix = linePrefix(text, position.lineNumber, position.column);
      if (prefix !== null && inStringOrComment(prefix)) return { suggestions: [] };
      const candidates = completions(analyze(text), toEditorPosition(position));
      return { suggestions: candidates.map((c, i) => toCompletionItem(c, range, i, monaco)) };
    },
  } satisfies M.languages.CompletionItemProvider;
}
