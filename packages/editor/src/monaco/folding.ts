/** Folding from the dsl's `foldingRanges`: `{ … }` blocks, multi-line inputs and runs of comment lines. */
import { analyze, foldingRanges, type FoldingRange } from "@jsqc/dsl";
import type * as M from "monaco-editor";
import type { ModelLike, Monaco } from "./types.js";

/** Folding ranges as three integers each (start line, end line, 1 for a comment run else 0), for the worker's reply. */
export function encodeFoldingRanges(ranges: readonly FoldingRange[]): Uint32Array {
  const data = new Uint32Array(ranges.length * 3);
  ranges.forEach((r, i) => {
    data[i * 3] = r.startLine;
    data[i * 3 + 1] = r.endLine;
    data[i * 3 + 2] = r.kind === "comment" ? 1 : 0;
  });
  return data;
}

/** The ranges `encodeFoldingRanges` encoded. */
export function decodeFoldingRanges(data: Uint32Array): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (let i = 0; i + 2 < data.length; i += 3) out.push(data[i + 2] === 1 ? { startLine: data[i]!, endLine: data[i + 1]!, kind: "comment" } : { startLine: data[i]!, endLine: data[i + 1]! });
  return out;
}

/** Where a model's folding ranges come from instead of a parse on this thread: the editor's checker. */
export type FoldingSource = (text: string) => Promise<Uint32Array>;
const sources = new Map<string, FoldingSource>();

/**
 * Gives the model `uri` its folding ranges from `source` (null: back to this thread's analysis).
 * The editor passes its checker's, so that folding and sticky scroll (which the editor builds from
 * the folding ranges) never parse the file on the main thread while typing.
 */
export function setFoldingSource(uri: string, source: FoldingSource | null): void {
  if (source) sources.set(uri, source);
  else sources.delete(uri);
}

/** The provider. Both count lines from 1 and keep the start line visible. */
export function createFoldingRangeProvider(monaco: Monaco) {
  const toMonaco = (ranges: readonly FoldingRange[]): M.languages.FoldingRange[] => ranges.map((r) => ({
    start: r.startLine,
    end: r.endLine,
    ...(r.kind === "comment" ? { kind: monaco.languages.FoldingRangeKind.Comment } : {}),
  }));
  return {
    provideFoldingRanges(model: ModelLike): M.languages.FoldingRange[] | Promise<M.languages.FoldingRange[]> {
      const text = model.getValue();
      const source = model.uri ? sources.get(model.uri.toString()) : undefined;
      if (source) return source(text).then((data) => toMonaco(decodeFoldingRanges(data)));
      return toMonaco(foldingRanges(analyze(text)));
    },
  } satisfies M.languages.FoldingRangeProvider;
}
