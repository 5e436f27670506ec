/** Go to definition from the dsl's `definition`: where an input, field, enum, member, record, table or grade is declared. */
import { analyze, definition } from "@jsqc/dsl";
import type * as M from "monaco-editor";
import { toEditorPosition, toMonacoRange, type ModelLike } from "./types.js";

/** The provider; it takes no Monaco values. Declarations are always in the same model. */
export function createDefinitionProvider() {
  return {
    provideDefinition(model: ModelLike, position: M.IPosition): M.languages.Location | null {
      const range = definition(analyze(model.getValue()), toEditorPosition(position));
      return range ? { uri: model.uri, range: toMonacoRange(range) } : null;
    },
  } satisfies M.languages.DefinitionProvider;
}
