/**
 * Quick fixes from the dsl's `codeActions` (a section's weight, an item's cap, a missing table
 * row, a misspelt name …), each attached to the marker it fixes.
 */
import { analyze, codeActions, type CodeAction } from "@jsqc/dsl";
import type * as M from "monaco-editor";
import { markerCode, toMarker } from "./markers.js";
import { toEditorRange, toWorkspaceEdit, type ModelLike, type Monaco } from "./types.js";

/** The kind of every action we offer. */
export const QUICK_FIX_KIND = "quickfix";

/** The marker among `markers` that `action` fixes (same code, same range), else a fresh one like it. */
function markerFor(action: CodeAction, markers: readonly M.editor.IMarkerData[], monaco: Monaco): M.editor.IMarkerData {
  const own = toMarker(action.diagnostic, monaco);
  const same = markers.find(
    (m) =>
      markerCode(m) === action.diagnosticCode &&
      m.startLineNumber === own.startLineNumber &&
      m.startColumn === own.startColumn &&
      m.endLineNumber === own.endLineNumber &&
      m.endColumn === own.endColumn,
  );
  return same ?? own;
}

/** The provider; register it with `{ providedCodeActionKinds: [QUICK_FIX_KIND] }`. Titles are in Chinese. */
export function createCodeActionProvider(monaco: Monaco) {
  return {
    provideCodeActions(model: ModelLike, range: M.IRange, context: Pick<M.languages.CodeActionContext, "markers" | "only">): M.languages.CodeActionList {
      const none = { actions: [], dispose() {} };
      // Asked for refactorings or source actions only: we have none.
      if (context.only && context.only !== QUICK_FIX_KIND) return none;
      const actions = codeActions(analyze(model.getValue()), toEditorRange(range)).map(
        (a): M.languages.CodeAction => ({
          title: a.title,
          kind: QUICK_FIX_KIND,
          diagnostics: [markerFor(a, context.markers, monaco)],
          edit: toWorkspaceEdit(model, a.edits),
          isPreferred: a.isPreferred === true,
        }),
      );
      return { actions, dispose() {} };
    },
  } satisfies M.languages.CodeActionProvider;
}
