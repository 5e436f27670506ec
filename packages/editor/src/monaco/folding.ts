/** Folding from the dsl's `foldingRanges`: `{ … }` blocks, multi-line inputs and runs of comment lines. */
import { analyze, foldingRanges } from "@jsqc/dsl";
import type * as M from "monaco-editor";
import type { ModelLike, Monaco } from "./types.js";

/** The provider. Both count lines from 1 and keep the start line visible. */
export function createFoldingRangeProvider(monaco: Monaco) {
  return {
    provideFoldingRanges(model: ModelLike): M.languages.FoldingRange[] {
      return foldingRanges(analyze(model.getValue())).map((r) => ({
        start: r.startLine,
        end: r.endLine,
        ...(r.kind === "comment" ? { kind: monaco.languages.FoldingRangeKind.Comment } : {}),
      }));
    },
  } satisfies M.languages.FoldingRangeProvider;
}
