/** Test helper: an AST without its source positions, for comparing trees parsed from different texts. */

/** `T` with every `span` and `fnSpan` key removed, deeply. */
export type WithoutSpans<T> = T extends readonly (infer U)[]
  ? WithoutSpans<U>[]
  : T extends object
    ? { [K in keyof T as K extends "span" | "fnSpan" ? never : K]: WithoutSpans<T[K]> }
    : T;

/** A deep copy of `value` without any key named `span` or `fnSpan`. */
export function stripSpans<T>(value: T): WithoutSpans<T> {
  return strip(value) as WithoutSpans<T>;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "span" || k === "fnSpan") continue;
      out[k] = strip(v);
    }
    return out;
  }
  return value;
}
