/**
 * The Monaco types the providers share, and the conversions between the dsl's positions and
 * Monaco's. Both count from 1, columns in UTF-16 code units, ends exclusive — so a conversion
 * only renames fields, and this is the one place that does it.
 */
import type { EditorPosition, EditorRange, EditorTextEdit } from "@jsqc/dsl";
import type * as M from "monaco-editor";

/** The Monaco namespace (`import * as monaco from "monaco-editor"`), passed in rather than imported. */
export type Monaco = typeof import("monaco-editor");

/** What the providers read from a text model: a real `ITextModel`, or a small fake in tests. */
export type ModelLike = Pick<
  M.editor.ITextModel,
  "uri" | "getValue" | "getVersionId" | "getWordUntilPosition" | "getLineCount" | "getLineMaxColumn"
>;

/** The dsl's position for a Monaco position. */
export function toEditorPosition(p: M.IPosition): EditorPosition {
  return { line: p.lineNumber, column: p.column };
}

/** The dsl's range for a Monaco range. */
export function toEditorRange(r: M.IRange): EditorRange {
  return { start: { line: r.startLineNumber, column: r.startColumn }, end: { line: r.endLineNumber, column: r.endColumn } };
}

/** Monaco's range (a plain `IRange`, which every provider result accepts) for a dsl range. */
export function toMonacoRange(r: EditorRange): M.IRange {
  return { startLineNumber: r.start.line, startColumn: r.start.column, endLineNumber: r.end.line, endColumn: r.end.column };
}

/** The whole text of a model as a range. */
export function fullRange(model: ModelLike): M.IRange {
  const last = model.getLineCount();
  return { startLineNumber: 1, startColumn: 1, endLineNumber: last, endColumn: model.getLineMaxColumn(last) };
}

/** A workspace edit of one model from dsl edits, pinned to the model's current version. */
export function toWorkspaceEdit(model: ModelLike, edits: readonly EditorTextEdit[]): M.languages.WorkspaceEdit {
  const versionId = model.getVersionId();
  return {
    edits: edits.map((e) => ({ resource: model.uri, textEdit: { range: toMonacoRange(e.range), text: e.newText }, versionId })),
  };
}
