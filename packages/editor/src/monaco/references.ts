/** Find references from the dsl's `references`: every place a name is written. */
import { analyze, references } from "@jsqc/dsl";
import type * as M from "monaco-editor";
import { toEditorPosition, toMonacoRange, type ModelLike } from "./types.js";

/** The provider; it takes no Monaco values. Includes the declaration when Monaco asks for it. */
export function createReferenceProvider() {
  return {
    provideReferences(model: ModelLike, position: M.IPosition, context: M.languages.ReferenceContext): M.languages.Location[] {
      const ranges = references(analyze(model.getValue()), toEditorPosition(position), context.includeDeclaration);
      return ranges.map((r) => ({ uri: model.uri, range: toMonacoRange(r) }));
    },
  } satisfies M.languages.ReferenceProvider;
}
