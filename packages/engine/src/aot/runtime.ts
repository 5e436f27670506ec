/**
 * The runtime of a compiled module (`jsqc build`): copied verbatim, `export` words removed, into
 * every module the generator writes, ahead of the generated scorer. It imports nothing, so a
 * compiled module loads no chevrotain, zod or @jsqc/* package. It mirrors, for the no-trace path,
 * the engine's decimal arithmetic (dsl/src/decimal.ts), dates (dates.ts), input fast path
 * (input.ts, evaluate.ts's prepare), expert combination (experts.ts) and `run` (evaluate.ts);
 * test/aot/differential.test.ts holds the two together. Everything here must stay free of
 * imports and of any code made from strings.
 */

/* eslint-disable */
export type Dec = number;

export const $SCALE = 1_000_000;
const $MAX_ABS = Math.floor(Number.MAX_SAFE_INTEGER / $SCALE) * $SCALE;
const $hasOwn = Object.prototype.hasOwnProperty;
const $isEnumerable = Object.prototype.propertyIsEnumerable;

// --- decimals (dsl/src/decimal.ts) ---------------------------------------------------------------

const $DECIMAL_RE = /^([+-]?)(\d+)(?:\.(\d+))?$/;
export function $parseDec(text: string): Dec | null {
  const m = $DECIMAL_RE.exec(text.trim());
  if (!m) return null;
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  if (fraction.length > 6) return null;
  const intPart = m[2]!.replace(/^0+(?=\d)/, "");
  if (intPart.length > 10) return null;
  const value = Number(intPart) * $SCALE + Number(fraction.padEnd(6, "0"));
  if (value > $MAX_ABS) return null;
  return m[1] === "-" && value !== 0 ? -value : value;
}
export function $fromNumber(n: number): Dec | null {
  if (!Number.isFinite(n)) return null;
  if (Number.isInteger(n)) return Math.abs(n) <= $MAX_ABS / $SCALE ? n * $SCALE : null;
  if (Math.abs(n) < 1e9) {
    const scaled = Math.round(n * $SCALE);
    if (scaled / $SCALE === n) return scaled;
  }
  const s = String(n);
  return s.includes("e") ? null : $parseDec(s);
}
export function $format(d: Dec): string {
  if (d === Infinity) return "∞";
  if (d === -Infinity) return "-∞";
  const negative = d < 0;
  const abs = Math.abs(d);
  const int = Math.floor(abs / $SCALE);
  const frac = abs - int * $SCALE;
  const text = frac === 0 ? String(int) : `${int}.${String(frac).padStart(6, "0").replace(/0+$/, "")}`;
  return negative ? `-${text}` : text;
}
function $roundDiv(n: number, d: number): number {
  const q = Math.trunc(n / d);
  const r = n - q * d;
  if (2 * Math.abs(r) >= Math.abs(d)) return q + Math.sign(n) * Math.sign(d);
  return q;
}
function $roundDivBig(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n - q * d;
  const abs = (x: bigint) => (x < 0n ? -x : x);
  if (2n * abs(r) >= abs(d)) return q + ((n < 0n) !== (d < 0n) ? -1n : 1n);
  return q;
}
export function $mul(a: Dec, b: Dec): Dec {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a * b;
  const p = a * b;
  if (Number.isSafeInteger(p)) return $roundDiv(p, $SCALE);
  return Number($roundDivBig(BigInt(a) * BigInt(b), BigInt($SCALE)));
}
export function $div(a: Dec, b: Dec): Dec | null {
  if (b === 0) return null;
  const p = a * $SCALE;
  if (Number.isSafeInteger(p)) return $roundDiv(p, b);
  return Number($roundDivBig(BigInt(a) * BigInt($SCALE), BigInt(b)));
}
function $roundTo(a: Dec, step: Dec): Dec {
  if (step <= 0) return a;
  return $roundDiv(a, step) * step;
}

// --- dates (engine/src/dates.ts) -----------------------------------------------------------------

function $daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
/**
 * Days since 1970-01-01 of a proleptic Gregorian date, in integer arithmetic (H. Hinnant's
 * days_from_civil) rather than through Date objects; as Date.UTC, which the engine uses, a year
 * from 0 to 99 means 1900 to 1999.
 */
export function $dayOf(y: number, m: number, d: number): number {
  if (y >= 0 && y <= 99) y += 1900;
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}
/** The year, month and day of a day number (civil_from_days), into `$YMD`. */
const $YMD = [0, 0, 0];
export function $civil(day: number): number[] {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  $YMD[0] = yoe + era * 400 + (m <= 2 ? 1 : 0);
  $YMD[1] = m;
  $YMD[2] = doy - Math.floor((153 * mp + 2) / 5) + 1;
  return $YMD;
}
export function $parseDay(text: string): number | null {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return $parseDaySlow(text);
    y = y * 10 + c;
  }
  const m1 = text.charCodeAt(5) - 48, m2 = text.charCodeAt(6) - 48, d1 = text.charCodeAt(8) - 48, d2 = text.charCodeAt(9) - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return $parseDaySlow(text);
  const m = m1 * 10 + m2;
  const d = d1 * 10 + d2;
  if (m < 1 || m > 12 || d < 1 || d > $daysInMonth(y, m)) return null;
  return $dayOf(y, m, d);
}
/** The engine's parseDay, for what is not plain digits (Number() also reads " 12", "+1", "1e3"…). */
function $parseDaySlow(text: string): number | null {
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  if (m < 1 || m > 12 || d < 1 || d > $daysInMonth(y, m)) return null;
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}
/** The last shift asked for and its answer: a rule tests many records against one anchor date. */
let $shiftFrom = NaN, $shiftBy = NaN, $shiftTo = NaN;
export function $addMonths(day: number, n: number): number {
  if (day === $shiftFrom && n === $shiftBy) return $shiftTo;
  const to = $addMonthsNow(day, n);
  $shiftFrom = day; $shiftBy = n; $shiftTo = to;
  return to;
}
function $addMonthsNow(day: number, n: number): number {
  const ymd = $civil(day);
  const index = ymd[0]! * 12 + (ymd[1]! - 1) + n;
  const d = ymd[2]!;
  const ty = Math.floor(index / 12);
  const tm = index - ty * 12 + 1;
  return $dayOf(ty, tm, Math.min(d, $daysInMonth(ty, tm)));
}
function $addDuration(day: number, amount: number, unit: string): number {
  return unit === "days" ? day + amount : $addMonths(day, unit === "years" ? amount * 12 : amount);
}

// --- expression helpers the generated code calls ---------------------------------------------------

export function $add(a: unknown, b: unknown): unknown { return typeof a === "number" && typeof b === "number" ? a + b : undefined; }
export function $sub(a: unknown, b: unknown): unknown { return typeof a === "number" && typeof b === "number" ? a - b : undefined; }
export function $times(a: unknown, b: unknown): unknown { return typeof a === "number" && typeof b === "number" ? $mul(a, b) : undefined; }
export function $over(a: unknown, b: unknown): unknown { return typeof a === "number" && typeof b === "number" ? $div(a, b) ?? undefined : undefined; }
export function $neg(a: unknown): unknown { return typeof a === "number" ? -a : undefined; }
export function $lt(a: unknown, b: unknown): boolean { return typeof a === "number" && typeof b === "number" && a < b; }
export function $le(a: unknown, b: unknown): boolean { return typeof a === "number" && typeof b === "number" && a <= b; }
export function $gt(a: unknown, b: unknown): boolean { return typeof a === "number" && typeof b === "number" && a > b; }
export function $ge(a: unknown, b: unknown): boolean { return typeof a === "number" && typeof b === "number" && a >= b; }
export function $eq(a: unknown, b: unknown): boolean { return a !== undefined && b !== undefined && a === b; }
export function $ne(a: unknown, b: unknown): boolean { return a !== undefined && b !== undefined && a !== b; }
export function $shift(d: unknown, amount: number, unit: string): unknown { return typeof d === "number" ? $addDuration(d, amount, unit) : undefined; }
export function $inSet(s: unknown, values: readonly string[], negated: boolean): boolean {
  let hit = false;
  if (Array.isArray(s)) {
    for (let i = 0; i < s.length && !hit; i++) for (let j = 0; j < values.length; j++) if (s[i] === values[j]) { hit = true; break; }
  }
  return negated ? !hit : hit;
}
export function $inOne(s: unknown, values: readonly string[], negated: boolean): boolean {
  if (s === undefined) return false;
  const hit = values.includes(s as string);
  return negated ? !hit : hit;
}
export function $within(a: unknown, s: unknown, amount: number, unit: string, before: boolean): boolean {
  if (typeof a !== "number") return false;
  const edge = $addDuration(a, before ? -amount : amount, unit);
  const from = before ? edge : a;
  const to = before ? a : edge;
  return typeof s === "number" && s >= from && s <= to;
}
export function $min(a: unknown, b: unknown): unknown { return typeof a !== "number" || typeof b !== "number" ? undefined : b < a ? b : a; }
export function $max(a: unknown, b: unknown): unknown { return typeof a !== "number" || typeof b !== "number" ? undefined : b > a ? b : a; }
export function $num(a: unknown): unknown { return typeof a === "number" ? a : undefined; }
export function $year(d: unknown): unknown { return typeof d === "number" ? $civil(d)[0]! * $SCALE : undefined; }
export function $size(v: unknown): number { return Array.isArray(v) ? v.length * $SCALE : 0; }
export function $key2(a: unknown, b: unknown): string { return `${a as string}\u0000${b as string}`; }
export function $per(points: Dec, c: unknown): Dec { return typeof c === "number" && c > 0 ? $mul(points, c) : 0; }
export function $baseInc(base: Dec, inc: Dec, c: unknown): Dec { return typeof c !== "number" || c < $SCALE ? 0 : base + $mul(inc, c - $SCALE); }
export function $or0(v: unknown): Dec { return typeof v === "number" ? v : 0; }

// --- the ruleset's description, as the generator writes it ------------------------------------------

export interface ValueSpec {
  kind: string;
  min: Dec | null;
  max: Dec | null;
  members?: string[];
  fields?: { name: string; label: string; optional: boolean; spec: ValueSpec }[];
}
export interface InputSpec { name: string; label: string; omittable: boolean; list: boolean; spec: ValueSpec }
/** What the general check and the error report need of a judged item's expert rule. */
export interface ExpertSpec { atLeast: number | null; name: string; nameEn: string }
export interface JudgedSpec { id: string; label: string; max: Dec; rule: ExpertSpec }
/**
 * The rule file as the runtime's general input check and first-error report read it; scoring
 * and the result are generated per rule file (fast.ts), so nothing else is written here.
 */
export interface RulesetSpec {
  inputs: InputSpec[];
  judged: JudgedSpec[];
  /** The grades' names, in the file's order. */
  grades: string[];
}

// --- input validation: the engine's fast path, and the first problem when it fails ---------------------

const $INVALID = Symbol("invalid");
const $DECIMAL_STRING = /^-?\d+(\.\d{1,6})?$/;
const $SCORE_STRING = /^\d+(\.\d{1,6})?$/;
const $MAX_LIST = 1000;
const $MAX_TEXT = 1000;
const $MAX_EXPERTS = 50;

function $withinLength(s: string, max: number): boolean {
  if (s.length <= max) return true;
  if (s.length > 2 * max) return false;
  let n = 0;
  for (const _ of s) if (++n > max) return false;
  return true;
}
/** Own enumerable keys (for-in lists an own "__proto__" too; the check is one TurboFan folds). */
function $ownKeyCount(o: object): number {
  let n = 0;
  for (const k in o) if ($hasOwn.call(o, k)) n++;
  return n;
}
function $isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
function $toNumber(d: Dec): number { return Number($format(d)); }

type Conv = (v: unknown) => unknown;

function $converter(spec: ValueSpec): Conv {
  const { min, max } = spec;
  switch (spec.kind) {
    case "bool": return (v) => (v === true || v === false ? v : $INVALID);
    case "count": {
      const lo = min === null ? 0 : Math.max(0, $toNumber(min));
      const hi = max === null ? Number.MAX_SAFE_INTEGER / $SCALE : $toNumber(max);
      return (v) => (typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi ? v * $SCALE : $INVALID);
    }
    case "number":
      return (v) => {
        let d: Dec | null;
        if (typeof v === "number") d = $fromNumber(v);
        else if (typeof v === "string" && $DECIMAL_STRING.test(v)) d = $parseDec(v);
        else return $INVALID;
        if (d === null || (min !== null && d < min) || (max !== null && d > max)) return $INVALID;
        return d;
      };
    case "date":
      return (v) => {
        if (typeof v !== "string") return $INVALID;
        const day = $parseDay(v);
        return day === null ? $INVALID : day;
      };
    case "text": return (v) => (typeof v === "string" && $withinLength(v, $MAX_TEXT) ? v : $INVALID);
    case "enum": {
      const members = new Set(spec.members);
      return (v) => (typeof v === "string" && members.has(v) ? v : $INVALID);
    }
    case "set": {
      const members = new Set(spec.members);
      return (v) => {
        if (!Array.isArray(v) || v.length > $MAX_LIST) return $INVALID;
        for (let i = 0; i < v.length; i++) {
          const x: unknown = v[i];
          if (typeof x !== "string" || !members.has(x)) return $INVALID;
          for (let j = 0; j < i; j++) if (v[j] === x) return $INVALID;
        }
        return v;
      };
    }
    case "list": {
      const fields = spec.fields ?? [];
      const names = fields.map((f) => f.name);
      const convs = fields.map((f) => $converter(f.spec));
      const optional = fields.map((f) => f.optional);
      const n = fields.length;
      return (v) => {
        if (!Array.isArray(v) || v.length > $MAX_LIST) return $INVALID;
        const out: unknown[][] = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const rec: unknown = v[i];
          if (!$isObject(rec)) return $INVALID;
          let known = 0;
          const row: unknown[] = new Array(n);
          for (let j = 0; j < n; j++) {
            const name = names[j]!;
            if (!$hasOwn.call(rec, name)) {
              if (!optional[j]) return $INVALID;
              row[j] = undefined;
              continue;
            }
            known++;
            const raw = rec[name];
            if (raw === null && optional[j]) { row[j] = undefined; continue; }
            const x = convs[j]!(raw);
            if (x === $INVALID) return $INVALID;
            row[j] = x;
          }
          if ($ownKeyCount(rec) !== known) return $INVALID;
          out[i] = row;
        }
        return out;
      };
    }
    default: return () => $INVALID;
  }
}

/** One problem with an application: where, what it is called, and what is wrong, in both languages. */
export interface AotError { path: string; label: string; message: string; messageEn: string }

const $ENVELOPE: Record<string, string> = { id: "申请编号", enterprise: "企业信息", grade: "申报等级", inputs: "申报事实", experts: "专家评分" };
const $ENTERPRISE: Record<string, [number, string]> = { name: [200, "企业名称"], creditCode: [18, "统一社会信用代码"], city: [50, "所在设区市"], county: [50, "所在县(市、区)"] };

function $err(path: string, label: string, zh: string, en: string): AotError {
  return { path, label, message: `${path}（${label}）：${zh}`, messageEn: `${path} (${label}): ${en}` };
}
function $unknown(path: string, key: string): AotError {
  return { path, label: key, message: `${path}：未知字段 ${key}，规则文件未声明`, messageEn: `${path}: unknown field ${key}, not declared by the rule file` };
}
const $BAD_ZH = "值不符合规则文件的声明";
const $BAD_EN = "the value does not match the rule file's declaration";

/** The first unknown own key of `o` (an own `__proto__` included), or null. */
function $firstUnknownKey(o: object, known: (k: string) => boolean): string | null {
  if ($isEnumerable.call(o, "__proto__") && !known("__proto__")) return "__proto__";
  for (const k of Object.keys(o)) if (!known(k)) return k;
  return null;
}

/** The first bad value of one input (the engine's zod schema reports every one). */
function $valueError(spec: ValueSpec, v: unknown, path: string, label: string, conv: Conv): AotError | null {
  if (conv(v) !== $INVALID) return null;
  if (spec.kind === "set" && Array.isArray(v) && v.length <= $MAX_LIST) {
    const members = new Set(spec.members);
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== "string" || !members.has(v[i] as string)) return $err(`${path}[${i}]`, label, $BAD_ZH, $BAD_EN);
    }
    return $err(path, label, "值重复 / 不符合声明", "a value is repeated");
  }
  if (spec.kind === "list" && Array.isArray(v) && v.length <= $MAX_LIST) {
    const fields = spec.fields ?? [];
    for (let i = 0; i < v.length; i++) {
      const rec: unknown = v[i];
      if (!$isObject(rec)) return $err(`${path}[${i}]`, label, "应为记录对象", "expected a record object");
      for (const f of fields) {
        const fp = `${path}[${i}].${f.name}`;
        const fl = `${label} › ${f.label}`;
        if (!$hasOwn.call(rec, f.name)) {
          if (!f.optional) return $err(fp, fl, "缺少此字段", "this field is missing");
          continue;
        }
        const raw = rec[f.name];
        if (raw === null && f.optional) continue;
        const e = $valueError(f.spec, raw, fp, fl, $converter(f.spec));
        if (e) return e;
      }
      const extra = $firstUnknownKey(rec, (k) => fields.some((f) => f.name === k));
      if (extra !== null) return $unknown(`${path}[${i}].${extra}`, extra);
    }
  }
  return $err(path, label, $BAD_ZH, $BAD_EN);
}

interface Prepared { inputs: unknown[]; grade: string; experts: number; scores: Float64Array }

function $scoreDec(v: unknown): Dec | null {
  if (typeof v === "number") return $fromNumber(v);
  if (typeof v === "string" && $SCORE_STRING.test(v)) return $parseDec(v);
  return null;
}
/** An input number (a JSON number or decimal text) as a decimal, or null. */
function $numberDec(v: unknown): Dec | null {
  if (typeof v === "number") return $fromNumber(v);
  if (typeof v === "string" && $DECIMAL_STRING.test(v)) return $parseDec(v);
  return null;
}

function $enterpriseError(e: unknown): AotError | null {
  if (!$isObject(e)) return $err("enterprise", "企业信息", "应为对象", "expected an object");
  for (const k of Object.keys(e)) {
    if (!$hasOwn.call($ENTERPRISE, k)) return $unknown(`enterprise.${k}`, k);
    const v = e[k];
    const [max, label] = $ENTERPRISE[k]!;
    if (v !== undefined && (typeof v !== "string" || !$withinLength(v, max))) return $err(`enterprise.${k}`, label, `应为文字（不超过 ${max} 字）`, `expected text (at most ${max} characters)`);
  }
  return null;
}

// --- amounts: { decimal, number }, one frozen object per value ----------------------------------------

interface Amount { decimal: string; number: number }
/** Amounts of whole hundredths from 0 to 200 (every item, section and usual total), by hundredths. */
const $AMOUNTS: (Amount | undefined)[] = new Array(20_001);
const $otherAmounts = new Map<Dec, Amount>();
export function $amount(d: Dec): Amount {
  // d / 10_000 and an integer test, not d % 10_000: a float modulus is a call into C.
  const k = d / 10_000;
  const a = k >= 0 && k <= 20_000 && Math.floor(k) === k ? $AMOUNTS[k] : undefined;
  return a !== undefined ? a : $newAmount(d);
}
function $newAmount(d: Dec): Amount {
  if (d >= 0 && d <= 200_000_000 && d % 10_000 === 0) return ($AMOUNTS[d / 10_000] = Object.freeze({ decimal: $format(d), number: $toNumber(d) }));
  let a = $otherAmounts.get(d);
  if (!a) {
    a = Object.freeze({ decimal: $format(d), number: $toNumber(d) });
    if ($otherAmounts.size < 100_000) $otherAmounts.set(d, a);
  }
  return a;
}

/** How many experts scored the item $combine last combined, and the spread of their scores. */
let $scored = 0;
let $spreadOf = 0;
/**
 * Judged item k's points from the score matrix S (row width `width`, `end` = experts × width,
 * NaN where an expert gave none): the mean, or with `trimmed` and 3 or more scores the mean
 * without one lowest and one highest; rounded to `round` (0: not), capped at `max`. Leaves the
 * count and spread in $scored and $spreadOf for the flags.
 */
export function $combine(S: Float64Array, end: number, k: number, width: number, trimmed: boolean, round: Dec, max: Dec): Dec {
  let lo = Infinity, hi = -Infinity, sum = 0, n = 0;
  for (let e = k; e < end; e += width) {
    const d = S[e]!;
    if (d !== d) continue;
    sum += d;
    n++;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  $scored = n;
  $spreadOf = n > 0 ? hi - lo : 0;
  if (trimmed && n >= 3) { sum -= lo + hi; n -= 2; }
  let pts = n === 0 ? 0 : n === 1 ? sum : ($div(sum, n * $SCALE) ?? 0);
  // Round to the step unless already on it (a division and a floor: a float % calls into C).
  if (round > 0 && Math.floor(pts / round) * round !== pts) pts = $roundTo(pts, round);
  return pts > max ? max : pts;
}
/** The flag of the item $combine last combined: unscored, or scores further apart than `limit`. */
export function $flagOf(id: string, limit: Dec): { item: string; kind: string; message: string } {
  return $scored === 0
    ? { item: id, kind: "unscored", message: `${id} 无专家评分，按 0 分计` }
    : { item: id, kind: "spread", message: `${id} 专家评分相差 ${$format($spreadOf)} 分，超过 ${$format(limit)} 分，请复核` };
}

/**
 * An item's entry in a result, `{ id, points, maximum }`: a shared frozen value, as amounts are —
 * from the item's cache (by hundredths of points, 0 to its maximum) or, outside it, made anew.
 */
export function $item(cache: (object | undefined)[], id: string, d: Dec, maximum: Amount): object {
  const k = d / 10_000;
  if (k >= 0 && k < cache.length && Math.floor(k) === k) return cache[k] ?? (cache[k] = Object.freeze({ id, points: $amount(d), maximum }));
  return Object.freeze({ id, points: $amount(d), maximum });
}

// --- the evaluator ----------------------------------------------------------------------------------

/** The generated fast path of the input check (fast.ts); null when the general `prepare` must decide. */
export type FastPrepare = (app: unknown, fresh: boolean) => Prepared | null;
/** The generated result assembly (fast.ts). */
export type Run = (p: Prepared, app: Record<string, unknown>) => unknown;

/**
 * Makes `evaluate(application, options)` for one ruleset description, its generated fast input
 * check and its generated result assembly.
 */
export function $evaluator(rs: RulesetSpec, fastPrepare: FastPrepare, run: Run): (application: unknown, options?: { trace?: boolean }) => unknown {
  const convs = rs.inputs.map((i) => $converter(i.spec));
  const judgedIndex = new Map(rs.judged.map((j, k) => [j.id, k] as [string, number]));
  const counted = rs.judged.map((j, k) => [j, k] as [JudgedSpec, number]).filter(([j]) => j.rule.atLeast !== null);
  const gradeNames = rs.grades;
  const inputNames = new Set(rs.inputs.map((i) => i.name));
  const width = rs.judged.length;
  /** Whether a call is under way: a getter of an application that calls evaluate again gets fresh scratch space. */
  let busy = false;

  /** The general input check: the engine's fast path, for whatever the generated one declines. */
  function prepare(app: unknown): Prepared | null {
    if (!$isObject(app)) return null;
    for (const k in app) if ($hasOwn.call(app, k) && !$hasOwn.call($ENVELOPE, k)) return null;
    if ($isEnumerable.call(app, "__proto__")) return null;
    const id = app["id"];
    if (id !== undefined && (typeof id !== "string" || !$withinLength(id, 200))) return null;
    if (app["enterprise"] !== undefined && $enterpriseError(app["enterprise"]) !== null) return null;
    const grade = app["grade"];
    if (typeof grade !== "string" || !gradeNames.includes(grade)) return null;
    const raw = app["inputs"];
    if (!$isObject(raw)) return null;
    const inputs: unknown[] = new Array(rs.inputs.length);
    let seen = 0;
    for (let i = 0; i < rs.inputs.length; i++) {
      const input = rs.inputs[i]!;
      if (!$hasOwn.call(raw, input.name) || raw[input.name] === null) {
        if (!input.omittable) return null;
        if ($hasOwn.call(raw, input.name)) seen++;
        inputs[i] = input.list ? [] : undefined;
        continue;
      }
      seen++;
      const v = convs[i]!(raw[input.name]);
      if (v === $INVALID) return null;
      inputs[i] = v;
    }
    if ($ownKeyCount(raw) !== seen) return null;
    const experts = app["experts"];
    if (experts === undefined) return counted.length > 0 ? null : { inputs, grade, experts: 0, scores: new Float64Array(0) };
    if (!Array.isArray(experts) || experts.length > $MAX_EXPERTS) return null;
    const scores = new Float64Array(experts.length * width).fill(NaN);
    for (let e = 0; e < experts.length; e++) {
      const ex: unknown = experts[e];
      if (!$isObject(ex)) return null;
      const name = ex["name"];
      const s = ex["scores"];
      if (typeof name !== "string" || !$withinLength(name, 100)) return null;
      if (!$isObject(s)) return null;
      if ($ownKeyCount(ex) !== 2) return null;
      if ($isEnumerable.call(s, "__proto__")) return null;
      const base = e * width;
      for (const id in s) {
        if (!$hasOwn.call(s, id)) continue;
        const k = judgedIndex.get(id);
        if (k === undefined) return null;
        const v = s[id];
        if (v === undefined) continue;
        const d = $scoreDec(v);
        if (d === null || d < 0 || d > rs.judged[k]!.max) return null;
        scores[base + k] = d;
      }
    }
    for (const [c, k] of counted) {
      let given = 0;
      for (let e = 0; e < experts.length; e++) if (scores[e * width + k] === scores[e * width + k]) given++;
      if (given < c.rule.atLeast!) return null;
    }
    return { inputs, grade, experts: experts.length, scores };
  }

  /** The first problem, in the order of the application's parts. */
  function firstError(app: unknown): AotError {
    if (!$isObject(app)) return $err("(根)", "申请", "应为 JSON 对象", "expected a JSON object");
    const extra = $firstUnknownKey(app, (k) => $hasOwn.call($ENVELOPE, k));
    if (extra !== null) return $unknown(extra, extra);
    const id = app["id"];
    if (id !== undefined && (typeof id !== "string" || !$withinLength(id, 200))) return $err("id", "申请编号", "应为文字（不超过 200 字）", "expected text (at most 200 characters)");
    if (app["enterprise"] !== undefined) { const e = $enterpriseError(app["enterprise"]); if (e) return e; }
    const grade = app["grade"];
    if (typeof grade !== "string" || !gradeNames.includes(grade)) return $err("grade", "申报等级", `应为${gradeNames.join("、")}之一`, `expected one of ${gradeNames.join(", ")}`);
    const raw = app["inputs"];
    if (!$isObject(raw)) return $err("inputs", "申报事实", "应为对象", "expected an object");
    for (let i = 0; i < rs.inputs.length; i++) {
      const input = rs.inputs[i]!;
      const path = `inputs.${input.name}`;
      if (!$hasOwn.call(raw, input.name) || raw[input.name] === null) {
        if (!input.omittable) return $err(path, input.label, "缺少此输入项", "this input is missing");
        continue;
      }
      const e = $valueError(input.spec, raw[input.name], path, input.label, convs[i]!);
      if (e) return e;
    }
    const extraInput = $firstUnknownKey(raw, (k) => inputNames.has(k));
    if (extraInput !== null) return $unknown(`inputs.${extraInput}`, extraInput);
    const experts = app["experts"];
    if (experts !== undefined) {
      if (!Array.isArray(experts) || experts.length > $MAX_EXPERTS) return $err("experts", "专家评分", `应为专家评分数组，至多 ${$MAX_EXPERTS} 位专家`, `expected an array of at most ${$MAX_EXPERTS} experts`);
      for (let e = 0; e < experts.length; e++) {
        const ex: unknown = experts[e];
        if (!$isObject(ex)) return $err(`experts[${e}]`, "专家评分", "应为 { name, scores }", "expected { name, scores }");
        const name = ex["name"];
        if (typeof name !== "string" || !$withinLength(name, 100)) return $err(`experts[${e}].name`, "专家姓名", "应为专家姓名（不超过 100 字）", "expected the expert's name (at most 100 characters)");
        const s = ex["scores"];
        if (!$isObject(s)) return $err(`experts[${e}].scores`, "评分", "应为 { 项目编号: 分数 }", "expected { itemId: score }");
        const extraKey = $firstUnknownKey(ex, (k) => k === "name" || k === "scores");
        if (extraKey !== null) return $unknown(`experts[${e}].${extraKey}`, extraKey);
        const badId = $firstUnknownKey(s, (k) => judgedIndex.has(k));
        if (badId !== null) return $unknown(`experts[${e}].scores.${badId}`, badId);
        for (const id of Object.keys(s)) {
          const v = s[id];
          if (v === undefined) continue;
          const d = $scoreDec(v);
          const j = rs.judged[judgedIndex.get(id)!]!;
          if (d === null || d < 0 || d > j.max) return $err(`experts[${e}].scores.${id}`, `专家评分 ${id}`, `应为 0 至 ${$format(j.max)} 之间的分数`, `expected a score from 0 to ${$format(j.max)}`);
        }
      }
    }
    const list = Array.isArray(experts) ? experts : [];
    for (const [c] of counted) {
      let given = 0;
      for (const ex of list) { const s = $isObject(ex) ? ex["scores"] : undefined; if ($isObject(s) && $hasOwn.call(s, c.id) && s[c.id] !== undefined) given++; }
      if (given < c.rule.atLeast!) {
        const path = `experts[*].scores.${c.id}`;
        return { path, label: `专家评分 ${c.label}`, message: `${path}（专家评分 ${c.label}）：按${c.rule.name}，须至少 ${c.rule.atLeast} 位专家评分，实有 ${given} 位`, messageEn: `${path} (expert scores for ${c.id}): ${c.rule.nameEn} requires at least ${c.rule.atLeast} experts' scores, found ${given}` };
      }
    }
    return $err("(根)", "申请", "申请无法读取", "the application could not be read");
  }

  return function evaluate(application: unknown, options?: { trace?: boolean }): unknown {
    if (options !== undefined && options !== null && options.trace !== undefined && options.trace !== false) {
      throw new Error("编译后的模块不提供评分依据（trace），请用引擎 @jsqc/engine 的 evaluate 取得完整依据 / a compiled module gives no trace: pass { trace: false } or use @jsqc/engine's evaluate for the full trace");
    }
    const fresh = busy;
    busy = true;
    let p: Prepared | null;
    try { p = fastPrepare(application, fresh); if (p === null) p = prepare(application); } catch { p = null; }
    busy = fresh;
    if (!p) {
      let e: AotError;
      try { e = firstError(application); } catch { e = $err("(根)", "申请", "申请无法读取", "the application could not be read"); }
      return { ok: false, errors: [e] };
    }
    return { ok: true, result: run(p, application as Record<string, unknown>) };
  };
}
