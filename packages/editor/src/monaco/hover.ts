/** Hover from the dsl's `hover`: a name's type and label, an item's reachable points, a keyword's meaning. */
import { analyze, hover } from "@jsqc/dsl";
import type * as M from "monaco-editor";
import { toEditorPosition, toMonacoRange, type ModelLike } from "./types.js";

/** The provider; it takes no Monaco values. The Markdown is the dsl's, Chinese first. */
export function createHoverProvider() {
  return {
    provideHover(model: ModelLike, position: M.IPosition): M.languages.Hover | null {
      const h = hover(analyze(model.getValue()), toEditorPosition(position));
      if (!h) return null;
      // The dsl escapes the text it quotes, so the Markdown needs neither HTML nor trust.
      return { contents: [{ value: h.contents, isTrusted: false, supportHtml: false }], range: toMonacoRange(h.range) };
    },
  } satisfies M.languages.HoverProvider;
}
