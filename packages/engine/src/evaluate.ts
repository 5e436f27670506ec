/**
 * `evaluate(ruleset, application, options)`: synchronous, pure and deterministic. Returns the
 * breakdown, or every problem with the application; never throws on any input.
 */
import { decimal as D } from "@jsqc/dsl/core";
import type { CompiledCondition, Env, Ruleset, SourceRef, TraceSink } from "./compile.js";
import { formatDay, type Day } from "./dates.js";
import { INVALID, isEnumerable, ownKeyCount } from "./input.js";
import { toInputErrors, withinLength, type InputError } from "./schema.js";
import { atLeastErrors, combineItem, judgedReason, ruleTrace, type JudgedScore } from "./experts.js";
import type * as R from "./result.js";

export interface EvaluateOptions {
  /** Include reasons, the inputs each item read, expert figures and vetoes' records (default true). */
  readonly trace?: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type Evaluation = { ok: true; result: R.EvaluationResult } | { ok: false; errors: InputError[] };

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Shared `{ decimal, number }` objects: few distinct point values recur in every result. Whole
 * hundredths from 0 to 200 (every item and section, and the usual totals) sit in an array by
 * hundredths; others in a map.
 */
const HUNDREDTH = D.SCALE / 100;
const roundAmounts: (R.Amount | undefined)[] = new Array(20_001);
const amounts = new Map<D.Dec, R.Amount>();
export function amount(d: D.Dec): R.Amount {
  // d / HUNDREDTH and an integer test, not d % HUNDREDTH: a float modulus is a call into C.
  const k = d / HUNDREDTH;
  if (k >= 0 && k <= 20_000 && Math.floor(k) === k) return roundAmounts[k] ?? (roundAmounts[k] = Object.freeze({ decimal: D.format(d), number: D.toNumber(d) }));
  let a = amounts.get(d);
  if (!a) {
    a = Object.freeze({ decimal: D.format(d), number: D.toNumber(d) });
    if (amounts.size < 100_000) amounts.set(d, a);
  }
  return a;
}

/** Where a rule stands never changes: one frozen object per rule, shared by every result. */
const sources = new WeakMap<SourceRef, R.Source>();
function source(ref: SourceRef): R.Source {
  let s = sources.get(ref);
  if (!s) {
    s = Object.freeze({ id: ref.id, line: ref.span.start.line, column: ref.span.start.column, endLine: ref.span.end.line, endColumn: ref.span.end.column });
    sources.set(ref, s);
  }
  return s;
}

interface Prepared {
  inputs: unknown[];
  grade: string;
  /** Expert names, and their scores as a dense matrix: scores[e × judged + k], NaN where unscored. */
  expertNames: string[];
  scores: number[];
}

const ENVELOPE_KEYS = new Set(["id", "enterprise", "grade", "inputs", "experts"]);
const NO_SCORES: number[] = [];

/** Converts an application on the fast path; null when anything is off (zod then says what). */
function prepare(rs: Ruleset, app: unknown): Prepared | null {
  if (app === null || typeof app !== "object" || Array.isArray(app)) return null;
  const a = app as Record<string, unknown>;
  for (const k in a) {
    if (hasOwn.call(a, k) && !ENVELOPE_KEYS.has(k)) return null;
  }
  // `for … in` skips an own `__proto__` made by JSON.parse on some engines: it is not an envelope key.
  if (isEnumerable.call(a, "__proto__")) return null;
  if (a["id"] !== undefined && (typeof a["id"] !== "string" || !withinLength(a["id"], 200))) return null;
  if (a["enterprise"] !== undefined && !validEnterprise(a["enterprise"])) return null;
  const grade = a["grade"];
  if (typeof grade !== "string" || !rs.grades.some((g) => g.name === grade)) return null;
  const raw = a["inputs"];
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return null;
  const rawInputs = raw as Record<string, unknown>;
  const inputs: unknown[] = new Array(rs.inputs.length);
  let seen = 0;
  for (let i = 0; i < rs.inputs.length; i++) {
    const input = rs.inputs[i]!;
    if (!hasOwn.call(rawInputs, input.name) || rawInputs[input.name] === null) {
      if (!input.omittable) return null;
      if (hasOwn.call(rawInputs, input.name)) seen++;
      inputs[i] = input.emptyValue;
      continue;
    }
    seen++;
    const v = input.convert(rawInputs[input.name]);
    if (v === INVALID) return null;
    inputs[i] = v;
  }
  if (ownKeyCount(rawInputs) !== seen) return null;
  const experts = a["experts"];
  if (experts === undefined) return rs.counted.length > 0 ? null : { inputs, grade, expertNames: [], scores: NO_SCORES };
  return readExperts(rs, experts, inputs, grade);
}

const ENTERPRISE_KEYS: Record<string, number> = { name: 200, creditCode: 18, city: 50, county: 50 };

function validEnterprise(e: unknown): boolean {
  if (e === null || typeof e !== "object" || Array.isArray(e)) return false;
  for (const k of Object.keys(e)) {
    if (!hasOwn.call(ENTERPRISE_KEYS, k)) return false;
    const v = (e as Record<string, unknown>)[k];
    if (v !== undefined && (typeof v !== "string" || !withinLength(v, ENTERPRISE_KEYS[k]!))) return false;
  }
  return true;
}

const EXPERT_KEYS = 2;

function readExperts(rs: Ruleset, experts: unknown, inputs: unknown[], grade: string): Prepared | null {
  if (!Array.isArray(experts) || experts.length > 50) return null;
  const judged = judgedIndex(rs);
  const width = rs.judged.length;
  // A plain array of doubles: a Float64Array of this size is an off-heap buffer, several times
  // slower to allocate than the whole rest of reading the scores.
  const scores: number[] = new Array<number>(experts.length * width).fill(NaN);
  const names: string[] = new Array(experts.length);
  for (let e = 0; e < experts.length; e++) {
    const ex: unknown = experts[e];
    if (ex === null || typeof ex !== "object" || Array.isArray(ex)) return null;
    const { name, scores: s } = ex as { name?: unknown; scores?: unknown };
    if (typeof name !== "string" || !withinLength(name, 100)) return null;
    if (s === null || typeof s !== "object" || Array.isArray(s)) return null;
    if (ownKeyCount(ex) !== EXPERT_KEYS) return null;
    names[e] = name;
    const base = e * width;
    // An own `__proto__` (JSON.parse makes one) is never a judged item: refused before the loop,
    // so counting keys with `for … in` (no Object.keys array per expert) cannot miss one.
    if (isEnumerable.call(s, "__proto__")) return null;
    // Usually every key is a judged item with a score: read them by id, and count.
    if (readScores(rs, s as Record<string, unknown>, scores, base)) continue;
    scores.fill(NaN, base, base + width);
    for (const id in s) {
      if (!hasOwn.call(s, id)) continue;
      const k = judged.get(id);
      if (k === undefined) return null;
      const v = (s as Record<string, unknown>)[id];
      if (v === undefined) continue;
      const d = scoreDec(v);
      if (d === null || d < 0 || d > rs.judged[k]!.max) return null;
      scores[base + k] = d;
    }
  }
  // An item scored by fewer experts than its rule requires: fullErrors says which.
  for (const c of rs.counted) {
    const k = judged.get(c.id)!;
    let given = 0;
    for (let e = 0; e < experts.length; e++) if (scores[e * width + k] === scores[e * width + k]) given++;
    if (given < c.rule.atLeast!) return null;
  }
  return { inputs, grade, expertNames: names, scores };
}

/**
 * One expert's scores read item by item (a property load each, no map lookup per key): true when
 * every own key was a judged item's score, all valid; false when anything else is there (a key
 * of no item, an own key holding undefined, a bad score), and the caller reads key by key.
 */
function readScores(rs: Ruleset, s: Record<string, unknown>, scores: number[], base: number): boolean {
  const judged = rs.judged;
  // An item named like something every object inherits ("constructor"…) would read that: key by key.
  if (inheritsAnId(rs)) return false;
  let n = 0;
  for (let k = 0; k < judged.length; k++) {
    const item = judged[k]!;
    const v = s[item.id];
    if (v === undefined) continue;
    const d = scoreDec(v);
    if (d === null || d < 0 || d > item.max) return false;
    scores[base + k] = d;
    n++;
  }
  return n === ownKeyCount(s);
}

const inheriting = new WeakMap<Ruleset, boolean>();
function inheritsAnId(rs: Ruleset): boolean {
  let b = inheriting.get(rs);
  if (b === undefined) inheriting.set(rs, (b = rs.judged.some((item) => item.id in Object.prototype || item.id === "__proto__")));
  return b;
}

const judgedMaps = new WeakMap<Ruleset, Map<string, number>>();
function judgedIndex(rs: Ruleset): Map<string, number> {
  let m = judgedMaps.get(rs);
  if (!m) {
    m = new Map(rs.judged.map((item, k) => [item.id, k]));
    judgedMaps.set(rs, m);
  }
  return m;
}

function scoreDec(v: unknown): D.Dec | null {
  if (typeof v === "number") return D.fromNumber(v);
  if (typeof v === "string" && /^\d+(\.\d{1,6})?$/.test(v)) return D.parseDec(v);
  return null;
}

/** Validates an application against the rule file's contract: every problem, or null. */
export function validate(rs: Ruleset, application: unknown): InputError[] | null {
  if (prepare(rs, application)) return null;
  return fullErrors(rs, application);
}

function fullErrors(rs: Ruleset, application: unknown): InputError[] {
  const parsed = rs.schema.safeParse(application);
  const few = atLeastErrors(rs.counted, application);
  if (!parsed.success) return [...toInputErrors(rs.model, parsed.error.issues, application), ...few];
  if (few.length > 0) return few;
  // zod accepts what the fast path refused: say so plainly rather than pretend all is well.
  return [{ path: "(根)", label: "申请", expected: "符合规则文件的申请", found: "…", message: "申请无法读取", messageEn: "the application could not be read" }];
}

/** Combines every judged item's scores, each by the expert rule that applies to it. */
function combineExperts(rs: Ruleset, p: Prepared, withFigures: boolean): { points: D.Dec[]; details: JudgedScore[] } {
  const judged = rs.judged;
  const width = judged.length;
  const points: D.Dec[] = new Array(width);
  const details: JudgedScore[] = new Array(width);
  for (let k = 0; k < width; k++) {
    const item = judged[k]!;
    const d = combineItem(item.experts ?? rs.experts, p.scores, width, k, p.expertNames, item.max, withFigures);
    points[k] = d.points;
    details[k] = d;
  }
  return { points, details };
}

/** Evaluates an application. Never throws: a malformed application gives every error at once. */
export function evaluate(rs: Ruleset, application: unknown, options: EvaluateOptions = {}): Evaluation {
  let prepared: Prepared | null;
  try {
    prepared = prepare(rs, application);
  } catch {
    prepared = null;
  }
  if (!prepared) {
    try {
      return { ok: false, errors: fullErrors(rs, application) };
    } catch {
      return { ok: false, errors: [{ path: "(根)", label: "申请", expected: "JSON 对象", found: "…", message: "申请无法读取", messageEn: "the application could not be read" }] };
    }
  }
  return { ok: true, result: run(rs, prepared, application as Record<string, unknown>, options.trace !== false) };
}

/** The amounts a ruleset always shows (items' maxima, sections' weights), made once. */
interface FixedAmounts { maxima: R.Amount[]; weights: R.Amount[] }
const fixedAmounts = new WeakMap<Ruleset, FixedAmounts>();
function fixedOf(rs: Ruleset): FixedAmounts {
  let f = fixedAmounts.get(rs);
  if (!f) {
    f = { maxima: rs.items.map((i) => amount(i.max)), weights: rs.sections.map((sec) => amount(sec.weight)) };
    fixedAmounts.set(rs, f);
  }
  return f;
}

function run(rs: Ruleset, p: Prepared, app: Record<string, unknown>, trace: boolean): R.EvaluationResult {
  const fixed = fixedOf(rs);
  const experts = combineExperts(rs, p, trace);
  const env: Env = { inputs: p.inputs, records: [], judged: experts.points, trace: null };
  const sink: TraceSink | null = trace ? { matches: [], windows: [], terms: [] } : null;
  let total = 0;
  const sections: R.SectionResult[] = new Array(rs.sections.length);
  const flags: R.Flag[] = [];
  for (let s = 0; s < rs.sections.length; s++) {
    const sec = rs.sections[s]!;
    let sum = 0;
    const items: R.ItemResult[] = new Array(sec.items.length);
    for (let i = 0; i < sec.items.length; i++) {
      const item = sec.items[i]!;
      const raw = item.score(env);
      let pts = raw < 0 ? 0 : raw;
      if (item.cap !== null && pts > item.cap) pts = item.cap;
      sum += pts;
      const detail = item.judgedIndex >= 0 ? experts.details[item.judgedIndex]! : null;
      if (detail?.flagged) {
        flags.push({
          item: item.id,
          kind: detail.flagged,
          message: detail.flagged === "unscored"
            ? `${item.id} 无专家评分，按 0 分计`
            : `${item.id} 专家评分相差 ${D.format(detail.spread)} 分，超过 ${D.format(detail.rule.spread ?? 0)} 分，请复核`,
        });
      }
      if (trace) {
        // Optional keys added in place, in the result's key order (no object spreads: each is
        // a temporary object and a copy).
        const it: Mutable<R.ItemResult> = {
          id: item.id,
          number: item.number,
          text: item.text,
          form: item.form,
          points: amount(pts),
          maximum: fixed.maxima[item.index]!,
          reason: detail ? judgedReason(detail, decimalText) : item.explain(env, pts, raw),
        };
        if (item.branch) it.branch = item.branch(env);
        if (item.cap !== null) it.capped = raw > item.cap;
        it.inputs = item.reads.map((k) => inputValue(rs, p.inputs, k));
        if (detail) {
          it.experts = detail.figures.map((f) => (f.dropped ? { name: f.expert, score: amount(f.score), dropped: true } : { name: f.expert, score: amount(f.score) }));
          it.expertRule = ruleTrace(detail.rule);
        }
        it.source = source(item.source);
        items[i] = it;
      } else {
        items[i] = { id: item.id, points: amount(pts), maximum: fixed.maxima[item.index]! };
      }
    }
    let capped = false;
    if (sec.cap !== null && sum > sec.cap) { sum = sec.cap; capped = true; }
    total += sum;
    if (!trace) sections[s] = { id: sec.id, title: sec.title, points: amount(sum), weight: fixed.weights[s]!, items };
    else if (capped) sections[s] = { id: sec.id, title: sec.title, points: amount(sum), weight: fixed.weights[s]!, capped, items, source: source(sec.source) };
    else sections[s] = { id: sec.id, title: sec.title, points: amount(sum), weight: fixed.weights[s]!, items, source: source(sec.source) };
  }

  let vetoed = false;
  const vetoes: R.VetoResult[] = [];
  for (const v of rs.vetoes) {
    if (sink) { sink.matches.length = 0; sink.windows.length = 0; }
    env.trace = sink;
    const hit = v.test(env);
    env.trace = null;
    if (hit) vetoed = true;
    if (trace) vetoes.push(vetoResult(rs, v, hit, sink!));
    else vetoes.push({ id: v.id, text: v.label, applies: hit });
  }

  const appDate = rs.applicationDateIndex !== null ? (p.inputs[rs.applicationDateIndex] as Day | undefined) : undefined;
  const eligibility = trace ? tracedEligibility(rs, env, p.inputs, appDate) : leanEligibility(rs, env, appDate);

  const applied = rs.grades.find((g) => g.name === p.grade)!;
  const appliedElig = eligibility.find((e) => e.grade === p.grade)!;
  const passMark = applied.pass ?? 0;
  const passed = total >= passMark;
  const outcome: R.Outcome = {
    grade: p.grade,
    eligible: appliedElig.eligible,
    vetoed,
    score: amount(total),
    passMark: amount(passMark),
    passed,
    granted: appliedElig.eligible && !vetoed && passed,
  };
  const ruleset = { title: rs.title, year: rs.year, document: rs.document };
  const id = app["id"];
  if (typeof id === "string") return { ruleset, id, total: amount(total), maximum: amount(rs.total), sections, vetoes, eligibility, outcome, flags };
  return { ruleset, total: amount(total), maximum: amount(rs.total), sections, vetoes, eligibility, outcome, flags };
}

/** Eligibility with the trace: every condition with what it read. */
function tracedEligibility(rs: Ruleset, env: Env, inputs: unknown[], appDate: Day | undefined): R.EligibilityResult[] {
  const trace = true;
  const commonResults = rs.eligibility.map((c) => conditionResult(rs, c, env, trace, inputs));
  const commonOk = commonResults.every((c) => c.met);
  return rs.grades.map((g) => {
    const own = g.requirements.map((c) => conditionResult(rs, c, env, trace, inputs));
    const conditions = [...commonResults, ...own];
    if (g.window) {
      const met = appDate !== undefined && appDate >= g.window.from && appDate <= g.window.to;
      conditions.push({
        id: `${g.name}.申报期`,
        label: `在申报期 ${g.window.fromText} 至 ${g.window.toText} 内申报`,
        met,
        detail: `申报日期 ${appDate !== undefined ? formatDay(appDate) : "—"}${met ? "在" : "不在"}申报期内`,
        source: source(g.source),
      });
    }
    const eligible = commonOk && conditions.every((c) => c.met);
    return { grade: g.name, eligible, failed: conditions.filter((c) => !c.met).map((c) => c.id), conditions };
  });
}

/** Eligibility without the trace: the same answers, no condition objects. */
function leanEligibility(rs: Ruleset, env: Env, appDate: Day | undefined): R.EligibilityResult[] {
  const common: string[] = [];
  for (const c of rs.eligibility) if (!c.test(env)) common.push(c.id);
  const out: R.EligibilityResult[] = new Array(rs.grades.length);
  for (let i = 0; i < rs.grades.length; i++) {
    const g = rs.grades[i]!;
    const failed = common.slice();
    for (const c of g.requirements) if (!c.test(env)) failed.push(c.id);
    if (g.window && !(appDate !== undefined && appDate >= g.window.from && appDate <= g.window.to)) failed.push(`${g.name}.申报期`);
    out[i] = { grade: g.name, eligible: failed.length === 0, failed };
  }
  return out;
}

/** Cached decimal text of a point value (hot with the trace on: most items are judged). */
function decimalText(d: D.Dec): string {
  return amount(d).decimal;
}

function inputValue(rs: Ruleset, inputs: unknown[], k: number): R.InputValue {
  const input = rs.inputs[k]!;
  return { name: input.name, label: input.label, value: displayValue(rs, input.sym.type.kind, inputs[k], input.sym.type) };
}

function displayValue(rs: Ruleset, kind: string, v: unknown, type: import("@jsqc/dsl").Type): R.InputValue["value"] {
  if (v === undefined) return null;
  switch (kind) {
    case "count": case "number": return D.format(v as number);
    case "date": return formatDay(v as Day);
    case "list": {
      const record = type.kind === "list" ? type.record : "";
      const fields = [...(rs.model.records.get(record)?.values() ?? [])];
      return (v as unknown[][]).map((rec) => {
        const o: Record<string, string | boolean | null> = Object.create(null);
        fields.forEach((f, j) => {
          if (f.kind !== "field") return;
          const x = displayValue(rs, f.type.kind, rec[j], f.type);
          o[f.name] = Array.isArray(x) ? x.join("、") : (x as string | boolean | null);
        });
        return o;
      });
    }
    default: return v as string | boolean | string[];
  }
}

function conditionResult(rs: Ruleset, c: CompiledCondition, env: Env, trace: boolean, inputs: unknown[]): R.ConditionResult {
  const met = c.test(env);
  if (!trace) return { id: c.id, label: c.label, met };
  const values = c.reads.map((k) => inputValue(rs, inputs, k));
  const detail = values.map((v) => `${v.label}：${v.value === null ? "未填" : Array.isArray(v.value) ? (v.value.length ? JSON.stringify(v.value) : "无") : String(v.value)}`).join("；");
  return { id: c.id, label: c.label, met, detail, source: source(c.source) };
}

function vetoResult(rs: Ruleset, v: CompiledCondition, hit: boolean, sink: TraceSink): R.VetoResult {
  const out: R.VetoResult = { id: v.id, text: v.label, applies: hit, source: source(v.source) };
  if (!hit) return out;
  const m = sink.matches[0];
  const w = sink.windows[0];
  const input = m ? rs.inputs[rs.inputIndex.get(m.list) ?? -1] : undefined;
  let record: R.VetoResult["record"];
  if (m && input) {
    const shown = displayValue(rs, "list", [m.record], input.sym.type) as Record<string, string | boolean | null>[];
    record = { list: m.list, index: m.index, values: shown[0] ?? {} };
  }
  const traced: Mutable<R.VetoResult> = out;
  if (record) traced.record = record;
  if (w) traced.window = { from: formatDay(w.from), to: formatDay(w.to) };
  return traced;
}
