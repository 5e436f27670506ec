/** The checker's types of values, and how they read in messages. */

export type Type =
  | { readonly kind: "bool" }
  | { readonly kind: "count" }
  | { readonly kind: "number" }
  | { readonly kind: "date" }
  | { readonly kind: "text" }
  | { readonly kind: "duration" }
  | { readonly kind: "enum"; readonly name: string }
  | { readonly kind: "set"; readonly element: string }
  | { readonly kind: "list"; readonly record: string }
  /** After an error: compatible with everything, so one mistake is reported once. */
  | { readonly kind: "unknown" };

export const BOOL: Type = { kind: "bool" };
export const COUNT: Type = { kind: "count" };
export const NUMBER: Type = { kind: "number" };
export const DATE: Type = { kind: "date" };
export const TEXT: Type = { kind: "text" };
export const DURATION: Type = { kind: "duration" };
export const UNKNOWN: Type = { kind: "unknown" };

export function isNumeric(t: Type): boolean {
  return t.kind === "count" || t.kind === "number" || t.kind === "unknown";
}

/** Whether a value of type `found` may stand where `expected` is wanted. */
export function assignable(found: Type, expected: Type): boolean {
  if (found.kind === "unknown" || expected.kind === "unknown") return true;
  if (expected.kind === "number") return found.kind === "number" || found.kind === "count";
  if (expected.kind === "enum") return found.kind === "enum" && found.name === expected.name;
  if (expected.kind === "set") return found.kind === "set" && found.element === expected.element;
  if (expected.kind === "list") return found.kind === "list" && found.record === expected.record;
  return found.kind === expected.kind;
}

/** Whether two values can be compared with == and !=. */
export function comparable(a: Type, b: Type): boolean {
  if (a.kind === "unknown" || b.kind === "unknown") return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (a.kind === "enum" && b.kind === "enum") return a.name === b.name;
  return a.kind === b.kind && a.kind !== "list" && a.kind !== "set" && a.kind !== "duration";
}

export function typeZh(t: Type): string {
  switch (t.kind) {
    case "bool": return "是/否";
    case "count": return "计数";
    case "number": return "数值";
    case "date": return "日期";
    case "text": return "文字";
    case "duration": return "时长";
    case "enum": return `枚举 ${t.name}`;
    case "set": return `${t.element} 的集合`;
    case "list": return `${t.record} 列表`;
    case "unknown": return "未知";
  }
}

export function typeEn(t: Type): string {
  switch (t.kind) {
    case "bool": return "yes/no";
    case "count": return "a count";
    case "number": return "a number";
    case "date": return "a date";
    case "text": return "text";
    case "duration": return "a duration";
    case "enum": return `enum ${t.name}`;
    case "set": return `set of ${t.element}`;
    case "list": return `list of ${t.record}`;
    case "unknown": return "unknown";
  }
}

/** How a type is written in a rule file (for hovers). */
export function typeSource(t: Type): string {
  switch (t.kind) {
    case "bool": return "yesno";
    case "count": return "count";
    case "number": return "decimal";
    case "date": return "date";
    case "text": return "text";
    case "duration": return "duration";
    case "enum": return t.name;
    case "set": return `set of ${t.element}`;
    case "list": return `list of ${t.record}`;
    case "unknown": return "?";
  }
}
