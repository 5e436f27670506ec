/**
 * The preview's check of an application against the rule file as it now is. When the engine
 * refuses the application (an example written for last year's file, an expert score above an
 * item's lowered maximum, a count typed as 2.5), the refused values are left out and the rest is
 * evaluated: a provisional breakdown, with every refused value named by its Chinese label, where
 * it is in the form, why, and how it was counted. Pure: no React, no DOM.
 *
 * How a refused value is counted (said on screen):
 * - an optional input, a set's member, an optional field of a list's row: left out, exactly as
 *   the engine treats a value that was not given;
 * - a required number, count or yes/no input (refused or missing): its lowest value (0, or its
 *   declared minimum; 否);
 * - a required field of a list's row: the row is left out;
 * - an expert's score: as if that expert did not score the item; should that leave the item
 *   with fewer experts than its rule requires, the refused scores count as 0 instead.
 */
import { decimal as D, type FieldDecl, type InputDecl } from "@jsqc/dsl";
import { evaluate, type CompiledItem, type EvaluationResult, type InputError, type Ruleset } from "@jsqc/engine";

export type Application = { grade?: string; inputs?: Record<string, unknown>; experts?: { name: string; scores: Record<string, unknown> }[]; [k: string]: unknown };

/** How a refused value was counted in the provisional evaluation. */
export type Treatment = "absent" | "lowest" | "row" | "member" | "unscored" | "zero" | "none";

export interface Refusal {
  /** Where it is in the form: `input:名`, `input:名[i]`, `input:名[i].字段`, `score:e:项目编号`. */
  readonly key: string;
  /** The Chinese label (never a JSON path), and its English. */
  readonly label: string;
  readonly labelEn: string;
  /** The value as given, as text ("" when missing). */
  readonly found: string;
  /** Why it was refused, to follow the label ("2 超过该项现行满分 1.5"). */
  readonly reason: string;
  readonly reasonEn: string;
  /** The label and the reason in one sentence ("专家甲 对 三.② 的评分 2 超过该项现行满分 1.5"). */
  readonly message: string;
  readonly messageEn: string;
  readonly treatment: Treatment;
  /** A value within the new limits the user may take in one click (a score or number above its maximum). */
  readonly fix?: { readonly value: string | number; readonly shown: string };
}

export interface PreviewCheck {
  /** definitive: the application is valid; provisional: evaluated without the refused values; invalid: no evaluation possible. */
  readonly status: "definitive" | "provisional" | "invalid";
  readonly result: EvaluationResult | null;
  readonly refusals: readonly Refusal[];
  /** Problems not tied to one field of the form (e.g. too few experts), as the engine gives them. */
  readonly other: readonly InputError[];
}

type Loc =
  | { kind: "input"; name: string }
  | { kind: "element"; name: string; index: number }
  | { kind: "field"; name: string; index: number; field: string }
  | { kind: "score"; expert: number; id: string }
  | { kind: "grade" };

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function valueText(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  try { return JSON.stringify(v); } catch { return String(v); }
}

function asDec(v: unknown): D.Dec | null {
  if (typeof v === "number") return D.fromNumber(v);
  if (typeof v === "string" && /^-?\d+(\.\d{1,6})?$/.test(v)) return D.parseDec(v);
  return null;
}

/** `三.②` for item 三.2: the notice's way of naming an item. */
export function itemLabel(item: CompiledItem): string {
  const section = item.id.slice(0, item.id.lastIndexOf("."));
  return `${section}.${item.number}`;
}

/** Every path the engine may report for this application, mapped to where it is in the form. */
function locations(rs: Ruleset, app: Application): Map<string, Loc> {
  const m = new Map<string, Loc>([["grade", { kind: "grade" }]]);
  for (const input of rs.inputs) m.set(`inputs.${input.name}`, { kind: "input", name: input.name });
  for (const [name, v] of Object.entries(app.inputs ?? {})) {
    m.set(`inputs.${name}`, { kind: "input", name });
    if (!Array.isArray(v)) continue;
    const sym = rs.model.symbols.get(name);
    const declared = sym?.kind === "input" && sym.type.kind === "list" ? [...(rs.model.records.get(sym.type.record)?.keys() ?? [])] : [];
    v.forEach((row, i) => {
      m.set(`inputs.${name}[${i}]`, { kind: "element", name, index: i });
      const fields = new Set(declared);
      if (row !== null && typeof row === "object" && !Array.isArray(row)) for (const f of Object.keys(row)) fields.add(f);
      for (const f of fields) m.set(`inputs.${name}[${i}].${f}`, { kind: "field", name, index: i, field: f });
    });
  }
  (app.experts ?? []).forEach((e, i) => {
    for (const id of Object.keys(e?.scores ?? {})) m.set(`experts[${i}].scores.${id}`, { kind: "score", expert: i, id });
  });
  return m;
}

function keyOf(loc: Loc): string {
  switch (loc.kind) {
    case "input": return `input:${loc.name}`;
    case "element": return `input:${loc.name}[${loc.index}]`;
    case "field": return `input:${loc.name}[${loc.index}].${loc.field}`;
    case "score": return `score:${loc.expert}:${loc.id}`;
    case "grade": return "grade";
  }
}

/** The English of what the engine expected, from its English message. */
function expectedEn(e: InputError): string {
  const m = /expected (.*), found /.exec(e.messageEn);
  return m ? m[1]! : e.messageEn;
}

function inputDecl(rs: Ruleset, name: string) {
  const sym = rs.model.symbols.get(name);
  return sym?.kind === "input" ? sym : null;
}

function fieldDecl(rs: Ruleset, name: string, field: string) {
  const sym = inputDecl(rs, name);
  if (!sym || sym.type.kind !== "list") return null;
  const f = rs.model.records.get(sym.type.record)?.get(field);
  return f?.kind === "field" ? f : null;
}

function expertName(app: Application, i: number): { zh: string; en: string } {
  const name = app.experts?.[i]?.name?.trim();
  if (!name) return { zh: `专家 ${i + 1}`, en: `Expert ${i + 1}` };
  return { zh: name.startsWith("专家") ? name : `专家 ${name}`, en: name.startsWith("专家") ? name : `expert ${name}` };
}

/** The lowest value of a required number, count or yes/no input, or undefined when it has none. */
function lowest(rs: Ruleset, name: string): { value: unknown; shown: string } | undefined {
  const sym = inputDecl(rs, name);
  if (!sym) return undefined;
  const min = sym.decl.options.min ? D.parseDec(sym.decl.options.min.value) : null;
  switch (sym.type.kind) {
    case "count": {
      const lo = min === null || min < 0 ? 0 : Math.ceil(D.toNumber(min));
      return { value: lo, shown: String(lo) };
    }
    case "number": {
      const lo = min === null ? "0" : D.format(min);
      return { value: lo, shown: lo };
    }
    case "bool":
      return { value: false, shown: "否" };
    default:
      return undefined;
  }
}

/** The refusal of one engine error at a known place, without its treatment yet. */
function describe(rs: Ruleset, app: Application, loc: Loc, e: InputError): Omit<Refusal, "treatment"> {
  const key = keyOf(loc);
  const out = (label: string, labelEn: string, found: string, reason: string, reasonEn: string, fix?: Refusal["fix"]) => ({
    key, label, labelEn, found, reason, reasonEn,
    message: loc.kind === "score" ? `${label} ${reason}` : `「${label}」${reason}`,
    messageEn: `${labelEn}: ${reasonEn}`,
    ...(fix ? { fix } : {}),
  });
  if (loc.kind === "grade") {
    // No grade to evaluate for: nothing is invented, the preview says so and waits for a choice.
    const found = valueText(app.grade);
    return out("申报等级", "Grade applied for", found, found ? `${found} 不是本规则文件的等级：应为${e.expected}` : `未选：应为${e.expected}`,
      found ? `${found} is not a grade of this rule file: expected ${expectedEn(e)}` : `not chosen: expected ${expectedEn(e)}`);
  }
  if (loc.kind === "score") {
    const raw = app.experts?.[loc.expert]?.scores?.[loc.id];
    const found = valueText(raw);
    const item = rs.judged.find((i) => i.id === loc.id);
    const who = expertName(app, loc.expert);
    if (!item) return out(`${who.zh} 对 ${loc.id} 的评分`, `${who.en}'s score for ${loc.id}`, found, "该项已不是专家评分项", "the item is no longer scored by experts");
    const il = itemLabel(item);
    const max = D.format(item.max);
    const d = asDec(raw);
    const label = `${who.zh} 对 ${il} 的评分`;
    const labelEn = `${who.en}'s score for ${il}`;
    if (d !== null && d > item.max) {
      return out(label, labelEn, found, `${found} 超过该项现行满分 ${max}`, `${found} is above the item's current maximum ${max}`, { value: max, shown: max });
    }
    return out(label, labelEn, found, `${found || "（空）"} 不是 0 至 ${max} 之间的分数`, `${found || "(empty)"} is not a score from 0 to ${max}`);
  }
  const sym = inputDecl(rs, loc.name);
  const inputLabel = sym?.decl.label?.value ?? loc.name;
  const inputEn = sym?.decl.options.en?.value ?? inputLabel;
  let label = inputLabel;
  let labelEn = inputEn;
  let raw: unknown = app.inputs?.[loc.name];
  let decl: InputDecl | FieldDecl | undefined = sym?.decl;
  let kind = sym?.type.kind;
  if (loc.kind === "element") {
    label = `${inputLabel} 第 ${loc.index + 1} 项`;
    labelEn = `${inputEn}, entry ${loc.index + 1}`;
    raw = Array.isArray(raw) ? raw[loc.index] : undefined;
    kind = undefined;
  } else if (loc.kind === "field") {
    const f = fieldDecl(rs, loc.name, loc.field);
    const fl = f?.decl.label?.value ?? loc.field;
    label = `${inputLabel} 第 ${loc.index + 1} 行 › ${fl}`;
    labelEn = `${inputEn}, row ${loc.index + 1} › ${f?.decl.options.en?.value ?? fl}`;
    const row = Array.isArray(raw) ? raw[loc.index] : undefined;
    raw = row !== null && typeof row === "object" ? (row as Record<string, unknown>)[loc.field] : undefined;
    decl = f?.decl;
    kind = f?.type.kind;
  }
  const found = valueText(raw);
  if (raw === undefined || raw === null) return out(label, labelEn, found, `未填：应为${e.expected}`, `missing: expected ${expectedEn(e)}`);
  if (decl && (kind === "count" || kind === "number")) {
    const max = decl.options.max ? D.parseDec(decl.options.max.value) : null;
    const d = asDec(raw);
    if (kind === "count" && d !== null && d % D.SCALE !== 0) {
      return out(label, labelEn, found, `填写的 ${found} 不是整数：应为${e.expected}`, `${found} is not a whole number: expected ${expectedEn(e)}`);
    }
    if (d !== null && max !== null && d > max) {
      const shown = D.format(max);
      return out(label, labelEn, found, `填写的 ${found} 超过上限 ${shown}`, `${found} is above the maximum ${shown}`, { value: kind === "count" ? D.toNumber(max) : shown, shown });
    }
  }
  return out(label, labelEn, found, `填写的 ${found} 不符合：应为${e.expected}`, `${found} is refused: expected ${expectedEn(e)}`);
}

function clone(app: Application): Application {
  return {
    ...app,
    inputs: Object.fromEntries(Object.entries(app.inputs ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map((r) => (r !== null && typeof r === "object" && !Array.isArray(r) ? { ...r } : r)) : v])),
    ...(app.experts ? { experts: app.experts.map((e) => ({ ...e, scores: { ...(e?.scores ?? {}) } })) } : {}),
  };
}

/** Checks `app` against `rs`; when refused, evaluates it without the refused values. */
export function checkPreview(rs: Ruleset, app: Application): PreviewCheck {
  const first = evaluate(rs, app);
  if (first.ok) return { status: "definitive", result: first.result, refusals: [], other: [] };
  const where = locations(rs, app);
  const patched = clone(app);
  const inputs = patched.inputs!;
  const refusals: Refusal[] = [];
  const other: InputError[] = [];
  const dropRows = new Map<string, Set<number>>();
  const seen = new Set<string>();
  for (const e of first.errors) {
    const loc = where.get(e.path);
    if (!loc) { other.push(e); continue; }
    const r = describe(rs, app, loc, e);
    if (seen.has(r.key)) continue;
    seen.add(r.key);
    let treatment: Treatment = "none";
    if (loc.kind === "grade") {
      treatment = "none";
    } else if (loc.kind === "score") {
      delete patched.experts![loc.expert]!.scores[loc.id];
      treatment = "unscored";
    } else if (loc.kind === "input") {
      const ci = rs.inputs.find((i) => i.name === loc.name);
      if (!ci) { delete inputs[loc.name]; treatment = "absent"; }
      else if (ci.omittable) { delete inputs[loc.name]; treatment = "absent"; }
      else {
        const lo = lowest(rs, loc.name);
        if (lo) { inputs[loc.name] = lo.value; treatment = "lowest"; }
      }
    } else if (loc.kind === "element") {
      const sym = inputDecl(rs, loc.name);
      treatment = sym?.type.kind === "set" ? "member" : "row";
      dropRows.set(loc.name, (dropRows.get(loc.name) ?? new Set()).add(loc.index));
    } else {
      const f = fieldDecl(rs, loc.name, loc.field);
      const row = (inputs[loc.name] as Record<string, unknown>[])[loc.index]!;
      if (!f) { delete row[loc.field]; treatment = "absent"; }
      else if (f.optional) { row[loc.field] = null; treatment = "absent"; }
      else { treatment = "row"; dropRows.set(loc.name, (dropRows.get(loc.name) ?? new Set()).add(loc.index)); }
    }
    refusals.push({ ...r, treatment });
  }
  for (const [name, rows] of dropRows) {
    const v = inputs[name];
    if (Array.isArray(v)) inputs[name] = v.filter((_, i) => !rows.has(i));
  }
  let second = evaluate(rs, patched);
  if (!second.ok && refusals.some((r) => r.treatment === "unscored") && second.errors.some((e) => e.path.startsWith("experts[*]"))) {
    // Leaving the scores out leaves an item short of experts: count them as 0 instead.
    for (let k = 0; k < refusals.length; k++) {
      const r = refusals[k]!;
      if (r.treatment !== "unscored") continue;
      const [, e, id] = /^score:(\d+):(.*)$/.exec(r.key)!;
      patched.experts![Number(e)]!.scores[id!] = 0;
      refusals[k] = { ...r, treatment: "zero" };
    }
    second = evaluate(rs, patched);
  }
  if (!second.ok) {
    const known = new Set(first.errors.map((e) => e.path));
    return { status: "invalid", result: null, refusals, other: [...other, ...second.errors.filter((e) => !known.has(e.path))] };
  }
  return { status: other.length === 0 ? "provisional" : "invalid", result: other.length === 0 ? second.result : null, refusals, other };
}

/** The application with the refusal's one-click fix taken (a copy; `app` is not changed). */
export function applyFix(app: Application, refusal: Refusal): Application {
  if (!refusal.fix) return app;
  const value = refusal.fix.value;
  const score = /^score:(\d+):(.*)$/.exec(refusal.key);
  if (score) {
    const e = Number(score[1]);
    const id = score[2]!;
    return { ...app, experts: (app.experts ?? []).map((x, k) => (k === e ? { ...x, scores: { ...x.scores, [id]: value } } : x)) };
  }
  const field = /^input:(.+)\[(\d+)\]\.(.+)$/.exec(refusal.key);
  if (field) {
    const [, name, index, f] = field;
    const rows = app.inputs?.[name!];
    if (!Array.isArray(rows)) return app;
    return { ...app, inputs: { ...app.inputs, [name!]: rows.map((r, i) => (i === Number(index) ? { ...(r as object), [f!]: value } : r)) } };
  }
  const input = /^input:([^[]+)$/.exec(refusal.key);
  if (input) return { ...app, inputs: { ...app.inputs, [input[1]!]: value } };
  return app;
}

/**
 * What a typed number or count becomes in the application: a number field keeps the text as
 * typed (an exact decimal); a count becomes the number typed, so 2.5 stays 2.5 (and is refused
 * and marked), never rounded to 2.
 */
export function typedNumber(text: string, kind: "count" | "number"): unknown {
  if (text === "") return undefined;
  if (kind === "number") return text;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/**
 * The breakdown's items a refusal touches, by item id: a judged item whose score was refused, and
 * every item that reads a refused input (or a field of its list).
 */
export function affectedItems(rs: Ruleset, refusals: readonly Refusal[]): Map<string, Refusal[]> {
  const out = new Map<string, Refusal[]>();
  const add = (id: string, r: Refusal) => out.set(id, [...(out.get(id) ?? []), r]);
  for (const r of refusals) {
    const score = /^score:\d+:(.*)$/.exec(r.key);
    if (score) { add(score[1]!, r); continue; }
    const input = /^input:([^[]+)/.exec(r.key);
    const index = input ? rs.inputIndex.get(input[1]!) : undefined;
    if (index === undefined) continue;
    for (const item of rs.items) if (item.reads.includes(index)) add(item.id, r);
  }
  return out;
}
