/**
 * Diagnostics → Monaco markers: the one conversion, so quick fixes can find a marker again by
 * its code and range. A diagnostic's span is 1-based with an exclusive end, columns in UTF-16
 * code units — Monaco's base — so lines and columns are copied as they are.
 */
import type { Diagnostic, Severity } from "@jsqc/dsl";
import type * as M from "monaco-editor";
import type { Monaco } from "./types.js";

/** The owner and `source` of our markers (`monaco.editor.setModelMarkers(model, MARKER_OWNER, …)`). */
export const MARKER_OWNER = "jsqc";

const SEVERITY: Record<Severity, keyof typeof M.MarkerSeverity> = { error: "Error", warning: "Warning", info: "Info" };

/** One marker: the code, the Chinese message then the English one, the span as is. Never throws. */
export function toMarker(d: Diagnostic, monaco: Pick<Monaco, "MarkerSeverity">): M.editor.IMarkerData {
  return {
    severity: monaco.MarkerSeverity[SEVERITY[d.severity] ?? "Error"],
    code: d.code,
    message: `${d.message}\n${d.messageEn}`,
    source: MARKER_OWNER,
    startLineNumber: d.span.start.line,
    startColumn: d.span.start.column,
    endLineNumber: d.span.end.line,
    endColumn: d.span.end.column,
  };
}

/** The markers for a list of diagnostics, in the same order. Never throws. */
export function toMarkers(diagnostics: readonly Diagnostic[], monaco: Pick<Monaco, "MarkerSeverity">): M.editor.IMarkerData[] {
  return diagnostics.map((d) => toMarker(d, monaco));
}

/** The same function as `toMarkers`, under the name the app uses. */
export const diagnosticsToMarkers = toMarkers;

/** The code of a marker as a string (Monaco allows `{ value, target }` too). */
export function markerCode(marker: Pick<M.editor.IMarkerData, "code">): string | undefined {
  const c = marker.code;
  return typeof c === "string" ? c : c?.value;
}
