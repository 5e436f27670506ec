/**
 * Format document with the dsl's `format`: one edit replacing the whole text. `format` hands a
 * text it cannot read (syntax errors) back unchanged, and then there is nothing to edit.
 */
import { format } from "@jsqc/dsl";
import type * as M from "monaco-editor";
import { fullRange, type ModelLike } from "./types.js";

/** The edits formatting `model` makes: none, or one full-document edit. Never throws. */
export function formattingEdits(model: ModelLike): M.languages.TextEdit[] {
  const text = model.getValue();
  const formatted = format(text).text;
  // The model may use CRLF; Monaco converts the inserted text to the model's line ends anyway.
  if (formatted === text || formatted === text.replace(/\r\n?/g, "\n")) return [];
  return [{ range: fullRange(model), text: formatted }];
}

/** The provider; it takes no Monaco values. */
export function createFormattingProvider() {
  return {
    displayName: "jsqc",
    provideDocumentFormattingEdits: (model: ModelLike): M.languages.TextEdit[] => formattingEdits(model),
  } satisfies M.languages.DocumentFormattingEditProvider;
}
