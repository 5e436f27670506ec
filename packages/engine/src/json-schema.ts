/**
 * The application contract as JSON Schema (draft 2020-12), written directly from the rule file's
 * declarations so that it accepts exactly what the engine's `validate` accepts — no refinement
 * is lost in translation (a zod → JSON Schema conversion drops every `.refine`: a set's "no
 * duplicates", a decimal string's range, a real calendar date). test/contract.test.ts holds the
 * two together with Ajv on generated applications and near misses.
 *
 * What JSON Schema cannot say by itself is said with patterns:
 * - a number given as decimal text ("2.5") must lie in the input's range: the pattern spells the
 *   range digit by digit (decimalRangePattern);
 * - a date must exist (no 2024-02-30): the pattern knows month lengths and leap years;
 * and with `multipleOf: 0.000001` for "at most 6 decimal places" on JSON numbers. That keyword is
 * exact in the specification (the instance divided by 0.000001 is a whole number), but a
 * validator that divides in binary floating point refuses 0.3 (0.3 / 0.000001 is
 * 299999.99999999994 in doubles): configure it to divide exactly or with a tolerance (Ajv:
 * `multipleOfPrecision: 6`), as docs/application.md says.
 */
import { decimal as D, type Model, type Sym, type Type, type InputDecl, type FieldDecl, type ItemInfo } from "@jsqc/dsl/core";
import { MAX_EXPERTS, MAX_LIST_LENGTH, MAX_TEXT_LENGTH, bounds as declBounds, enumMembers } from "./schema.js";
import type { Ruleset } from "./compile.js";

export type JsonSchema = { [key: string]: unknown };

/** Every JSON number the engine reads has at most this many decimal places. */
const STEP = 0.000001;
/** The largest magnitude of a decimal (decimal.ts's MAX_ABS, as a number). */
const MAX_MAGNITUDE = D.toNumber(D.MAX_ABS);
/** The largest count (the fast path's and zod's bound). */
const MAX_COUNT = Number.MAX_SAFE_INTEGER / D.SCALE;

/** A date that exists: YYYY-MM-DD with the month's length and 29 February only in leap years. */
export const DATE_PATTERN =
  "^(?:\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))" +
  "|(?:\\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)$";

type Decl = InputDecl | FieldDecl;

/** Text of at most `max` characters (code points, as JSON Schema and the engine count them). */
const text = (max: number, title?: string): JsonSchema => ({ type: "string", maxLength: max, ...(title ? { title } : {}) });

const nullable = (s: JsonSchema): JsonSchema => ({ anyOf: [s, { type: "null" }] });

// ---------------------------------------------------------------------------------------------
// Decimal text in a range, as a pattern
// ---------------------------------------------------------------------------------------------

/** Whole numbers from lo to hi (no leading zeros): one fixed-width range per number of digits. */
function range(lo: number, hi: number): string {
  const parts: string[] = [];
  for (let width = String(lo).length; width <= String(hi).length; width++) {
    const a = Math.max(lo, width === 1 ? 0 : 10 ** (width - 1));
    const b = Math.min(hi, 10 ** width - 1);
    if (a <= b) parts.push(zeroPadded(String(a), String(b)));
  }
  return parts.length === 1 ? parts[0]! : `(?:${parts.join("|")})`;
}

/**
 * The fraction digits (1 to 6 of them; what they leave out is zeros) of a value whose six
 * fraction digits, as a whole number, lie in [lo, hi] — e.g. 25 (".25" of 2.25) ≤ f.
 */
function fractionPattern(lo: number, hi: number): string {
  const alternatives: string[] = [];
  for (let k = 1; k <= 6; k++) {
    const unit = 10 ** (6 - k);
    const a = Math.ceil(lo / unit);
    const b = Math.floor(hi / unit);
    if (a > b) continue;
    const pad = (n: number) => String(n).padStart(k, "0");
    alternatives.push(a === 0 && b === 10 ** k - 1 ? `\\d{${k}}` : zeroPadded(pad(a), pad(b)));
  }
  return alternatives.length === 1 ? alternatives[0]! : `(?:${alternatives.join("|")})`;
}

/** k-digit strings (leading zeros kept) from `a` to `b`, both k digits. */
function zeroPadded(a: string, b: string): string {
  if (a.length === 0) return "";
  if (a === b) return a;
  // Digit by digit: common prefix, then the first differing digit splits the range in three.
  if (a[0] === b[0]) return a[0] + zeroPadded(a.slice(1), b.slice(1));
  const rest = a.length - 1;
  const lowTail = rest === 0 ? "" : a.slice(1);
  const highTail = rest === 0 ? "" : b.slice(1);
  const parts: string[] = [];
  const x = Number(a[0]);
  const y = Number(b[0]);
  const allNines = "9".repeat(rest);
  const allZeros = "0".repeat(rest);
  parts.push(rest === 0 ? String(x) : `${x}${zeroPadded(lowTail, allNines)}`);
  if (y - x > 1) parts.push(`${x + 1 === y - 1 ? x + 1 : `[${x + 1}-${y - 1}]`}${rest ? `\\d{${rest}}` : ""}`);
  parts.push(rest === 0 ? String(y) : `${y}${zeroPadded(allZeros, highTail)}`);
  return `(?:${parts.join("|")})`;
}

/** Whole numbers written with any leading zeros, from lo to hi (hi may be Infinity). */
function integerPattern(lo: number, hi: number): string {
  if (hi === Infinity) {
    // lo ≤ n: n has more digits than lo, or as many and is ≥ lo.
    const digits = String(lo).length;
    return `0*(?:[1-9]\\d{${digits},}|${lo === 0 ? "\\d" : range(lo, 10 ** digits - 1)})`;
  }
  return `0*${range(lo, hi)}`;
}

/**
 * A pattern for the magnitude (no sign) of decimal text `\d+(\.\d{1,6})?` whose value is in
 * [lo, hi], both ≥ 0 (hi may be Infinity). null when no magnitude can be.
 */
function magnitudePattern(lo: D.Dec, hi: D.Dec): string | null {
  if (lo > hi) return null;
  const loInt = Math.floor(lo / D.SCALE);
  const loFrac = lo - loInt * D.SCALE;
  const hiInt = hi === Infinity ? Infinity : Math.floor(hi / D.SCALE);
  const hiFrac = hi === Infinity ? D.SCALE - 1 : hi - hiInt * D.SCALE;
  const withFraction = (int: string, fLo: number, fHi: number): string => {
    // The fraction may be absent (= 0) when 0 is allowed; otherwise present.
    const fraction = `\\.${fractionPattern(fLo, fHi)}`;
    return fLo === 0 ? `${int}(?:${fraction})?` : `${int}${fraction}`;
  };
  const alternatives: string[] = [];
  if (loInt === hiInt) {
    alternatives.push(withFraction(integerPattern(loInt, loInt), loFrac, hiFrac));
  } else {
    alternatives.push(withFraction(integerPattern(loInt, loInt), loFrac, D.SCALE - 1));
    if (hiInt - loInt > 1) alternatives.push(withFraction(integerPattern(loInt + 1, hiInt === Infinity ? Infinity : hiInt - 1), 0, D.SCALE - 1));
    if (hiInt !== Infinity) alternatives.push(withFraction(integerPattern(hiInt, hiInt), 0, hiFrac));
  }
  return `(?:${alternatives.join("|")})`;
}

/**
 * Decimal text (`-?\d+(\.\d{1,6})?`, as the engine reads it; without the sign when `signed` is
 * false, as expert scores are read) whose value lies in [min, max]; "-0" and "-0.0" are zero.
 * Values past decimal.ts's MAX_ABS are refused as the engine does.
 */
export function decimalRangePattern(min: D.Dec | null, max: D.Dec | null, signed = true): string {
  const lo = Math.max(min ?? -D.MAX_ABS, -D.MAX_ABS);
  const hi = Math.min(max ?? D.MAX_ABS, D.MAX_ABS);
  const alternatives: string[] = [];
  // Non-negative text: magnitude in [max(lo, 0), hi].
  const plus = hi >= 0 ? magnitudePattern(Math.max(lo, 0), hi) : null;
  if (plus) alternatives.push(plus);
  // Text with a minus sign: a magnitude m > 0 is the value -m, in range when -hi ≤ m ≤ -lo;
  // a zero magnitude ("-0", "-0.00") is 0.
  if (signed && lo < 0) {
    const minus = magnitudePattern(Math.max(-hi, 1), -lo);
    if (minus) alternatives.push(`-${minus}`);
  }
  if (signed && lo <= 0 && hi >= 0) alternatives.push("-0+(?:\\.0{1,6})?");
  if (alternatives.length === 0) return "^(?!)$";
  return `^(?:${alternatives.join("|")})$`;
}

// ---------------------------------------------------------------------------------------------
// Values and the application
// ---------------------------------------------------------------------------------------------

/** A decimal: a JSON number with at most 6 decimal places, or decimal text, in [min, max]. */
function decimalSchema(min: D.Dec | null, max: D.Dec | null, meta: JsonSchema): JsonSchema {
  const lo = min === null ? -MAX_MAGNITUDE : Math.max(D.toNumber(min), -MAX_MAGNITUDE);
  const hi = max === null ? MAX_MAGNITUDE : Math.min(D.toNumber(max), MAX_MAGNITUDE);
  return {
    ...meta,
    anyOf: [
      { type: "number", minimum: lo, maximum: hi, multipleOf: STEP },
      { type: "string", pattern: decimalRangePattern(min, max) },
    ],
  };
}

function valueSchema(model: Model, type: Type, decl: Decl): JsonSchema {
  const title = decl.label?.value ?? decl.name.value;
  const description = [decl.options.en?.value, decl.options.help?.value].filter(Boolean).join(" — ");
  const meta: JsonSchema = { title, ...(description ? { description } : {}) };
  const { min, max } = declBounds(decl);
  switch (type.kind) {
    case "bool":
      return { ...meta, type: "boolean" };
    case "count":
      return { ...meta, type: "integer", minimum: min === null ? 0 : Math.max(0, D.toNumber(min)), maximum: max === null ? MAX_COUNT : D.toNumber(max) };
    case "number":
      return decimalSchema(min, max, meta);
    case "date":
      return { ...meta, type: "string", format: "date", pattern: DATE_PATTERN };
    case "text":
      return { ...meta, ...text(MAX_TEXT_LENGTH) };
    case "enum":
      return { ...meta, type: "string", enum: enumMembers(model, type.name) };
    case "set":
      return { ...meta, type: "array", maxItems: MAX_LIST_LENGTH, uniqueItems: true, items: { type: "string", enum: enumMembers(model, type.element) } };
    case "list": {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const f of model.records.get(type.record)?.values() ?? []) {
        if (f.kind !== "field") continue;
        const s = valueSchema(model, f.type, f.decl);
        properties[f.name] = f.optional ? nullable(s) : s;
        if (!f.optional) required.push(f.name);
      }
      return { ...meta, type: "array", maxItems: MAX_LIST_LENGTH, items: { type: "object", properties, required, additionalProperties: false } };
    }
    case "duration":
    case "unknown":
      return { ...meta, not: {} };
  }
}

function judgedItems(model: Model): ItemInfo[] {
  return [...model.items.values()].filter((i) => i.item.form.type === "Judged");
}

/**
 * The JSON Schema (draft 2020-12) of an application to a rule file: exactly the applications its
 * `validate` accepts (docs/application.md).
 */
export function exactApplicationJsonSchema(model: Model, grades: readonly string[], title: string): JsonSchema {
  const inputs: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const sym of model.symbols.values()) {
    if (sym.kind !== "input") continue;
    const input = sym as Extract<Sym, { kind: "input" }>;
    const s = valueSchema(model, input.type, input.decl);
    const omittable = input.optional || input.type.kind === "set" || input.type.kind === "list";
    inputs[input.name] = omittable ? nullable(s) : s;
    if (!omittable) required.push(input.name);
  }
  const scores: Record<string, JsonSchema> = {};
  for (const info of judgedItems(model)) {
    const title = `${info.section.id}${info.item.number.text} 专家评分（0–${D.format(info.bounds.max)}）`;
    scores[info.item.id] = decimalScore(info.bounds.max, title);
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title,
    type: "object",
    properties: {
      id: text(200, "申请编号"),
      enterprise: {
        type: "object",
        properties: { name: text(200, "企业名称"), creditCode: text(18, "统一社会信用代码"), city: text(50, "所在设区市"), county: text(50, "所在县(市、区)") },
        additionalProperties: false,
      },
      grade: { title: "申报等级", type: "string", enum: [...grades] },
      inputs: { title: "申报事实", type: "object", properties: inputs, required, additionalProperties: false },
      experts: {
        title: "专家评分",
        type: "array",
        maxItems: MAX_EXPERTS,
        items: {
          type: "object",
          properties: { name: text(100, "专家"), scores: { type: "object", properties: scores, additionalProperties: false } },
          required: ["name", "scores"],
          additionalProperties: false,
        },
      },
    },
    required: ["grade", "inputs"],
    additionalProperties: false,
  };
}

/** An expert's score: 0 … the item's points, as a number or as decimal text without a sign. */
function decimalScore(max: D.Dec, title: string): JsonSchema {
  return {
    title,
    anyOf: [
      { type: "number", minimum: 0, maximum: D.toNumber(max), multipleOf: STEP },
      // The engine reads scores' text without a sign: "-0" is not a score.
      { type: "string", pattern: decimalRangePattern(0, max, false) },
    ],
  };
}

/** The JSON Schema of an application to a compiled rule file, titled "<title> 申请" by default. */
export function applicationJsonSchema(rs: Pick<Ruleset, "model" | "grades" | "title">, title = `${rs.title} 申请`): JsonSchema {
  return exactApplicationJsonSchema(rs.model, rs.grades.map((g) => g.name), title);
}
