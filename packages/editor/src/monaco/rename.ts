/**
 * Rename from the dsl's `prepareRename` and `rename`: an input, field, enum, member, record,
 * table or grade, everywhere it is written. A name that is not valid, is a keyword or is taken
 * is refused with the dsl's reason in Chinese.
 */
import { analyze, isRenameError, prepareRename, rename } from "@jsqc/dsl";
import type * as M from "monaco-editor";
import { toEditorPosition, toMonacoRange, toWorkspaceEdit, type ModelLike } from "./types.js";

/** The provider; it takes no Monaco values. */
export function createRenameProvider() {
  return {
    provideRenameEdits(model: ModelLike, position: M.IPosition, newName: string): M.languages.WorkspaceEdit & M.languages.Rejection {
      const result = rename(analyze(model.getValue()), toEditorPosition(position), newName);
      if (isRenameError(result)) return { edits: [], rejectReason: result.error.zh };
      return toWorkspaceEdit(model, result);
    },
    resolveRenameLocation(model: ModelLike, position: M.IPosition): M.languages.RenameLocation & M.languages.Rejection {
      const a = analyze(model.getValue());
      const pos = toEditorPosition(position);
      const target = prepareRename(a, pos);
      if (target) return { range: toMonacoRange(target.range), text: target.placeholder };
      // No name here: `rename` words the refusal, so the message stays in the dsl's catalogue.
      const refusal = rename(a, pos, "");
      const reason = isRenameError(refusal) ? refusal.error.zh : "此处没有可重命名的名称";
      const at = { startLineNumber: position.lineNumber, startColumn: position.column, endLineNumber: position.lineNumber, endColumn: position.column };
      return { range: at, text: "", rejectReason: reason };
    },
  } satisfies M.languages.RenameProvider;
}
