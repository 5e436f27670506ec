/** The JSON shapes shared by the routes: the error envelope and a diagnostic. */
import type { Diagnostic } from "@jsqc/dsl";

export function apiError(code: string, message: string, messageEn: string, extra: Record<string, unknown> = {}) {
  return { error: { code, message, messageEn, ...extra } };
}

export function diagnosticJson(d: Diagnostic) {
  return {
    severity: d.severity, code: d.code, message: d.message, messageEn: d.messageEn,
    line: d.span.start.line, column: d.span.start.column, endLine: d.span.end.line, endColumn: d.span.end.column,
    ...(d.data ? { data: d.data } : {}),
  };
}
