/**
 * Impact analysis: the same applications scored under an old and a new rule file, side by side —
 * who gains or loses the grade, by how much each total moves, and which items move it.
 *
 * The applications are written for the old file. To score them under the new one they are
 * carried across by the semantic diff's matching (decisions, documented in docs/compare.md):
 * - an expert's score for an item goes to the same item in the new file, whatever its new number
 *   (八.4 → 八.2 after two removals); scores for items the new file removed, or no longer judges,
 *   are dropped; a score above a judged item's new full marks is cut to them (noted on the row);
 * - inputs the new file no longer declares are dropped;
 * - nothing is invented: a new required input, or a value the new file refuses, makes the row an
 *   error (reported with every problem, never dropped). New judged items have no scores (0);
 * - with `carryDates`, every date of an application moves by the difference of the files' years
 *   (carryApplication), so last year's examples are dated into the new year.
 *
 * Every row whose outcome or total moves says why (impact-reasons.ts): which conditions — window,
 * eligibility, veto, pass mark — and which items moved it.
 *
 * Points are exact decimal strings; means are rounded half up to 6 places.
 */
import { decimal as D, diffAsts, type Pair, type RuleDiff } from "@jsqc/dsl";
import type { Ruleset } from "./compile.js";
import { evaluate } from "./evaluate.js";
import type { EvaluationResult } from "./result.js";
import type { InputError } from "./schema.js";
import { carryApplication } from "./carry.js";
import { explainRow, type ImpactReason } from "./impact-reasons.js";

export type { ImpactReason } from "./impact-reasons.js";

export interface ImpactApplication {
  /** How the row is named: a file name, or an id. */
  readonly name: string;
  readonly app: unknown;
}

export interface ImpactSide {
  readonly total: string;
  readonly granted: boolean;
  readonly eligible: boolean;
  readonly vetoed: boolean;
  readonly passed: boolean;
  readonly passMark: string;
}

/** An item whose points changed for this application. */
export interface MovedItem {
  /** The item's id in the new file (in the old file when removed). */
  readonly id: string;
  /** Its id in the old file, when different (renumbered or moved). */
  readonly oldId?: string;
  /** Points under the old file; null when the item is new. */
  readonly old: string | null;
  /** Points under the new file; null when the item was removed. */
  readonly new: string | null;
  readonly delta: string;
}

export interface SectionDelta {
  readonly id: string;
  readonly old: string | null;
  readonly new: string | null;
  readonly delta: string;
}

export interface ImpactError {
  /** The application's problems under the old file, if any. */
  readonly old?: readonly InputError[];
  /** Under the new file (after carrying it across), if any. */
  readonly new?: readonly InputError[];
  readonly message: string;
  readonly messageEn: string;
}

export interface ImpactRow {
  readonly name: string;
  readonly enterprise: string | null;
  /** The grade applied for. */
  readonly grade: string | null;
  readonly old: ImpactSide | null;
  readonly new: ImpactSide | null;
  /** New total − old total; null unless both evaluated. */
  readonly delta: string | null;
  /** `gained`: not granted → granted; `lost`: the reverse; null unless both evaluated. */
  readonly outcome: "gained" | "lost" | "unchanged" | null;
  /** Items whose points changed, largest change first. */
  readonly movedItems: readonly MovedItem[];
  /** Sections whose points changed, in the new file's order (removed ones last). */
  readonly sections: readonly SectionDelta[];
  /** How this application was carried to the new file beyond renumbering (scores cut to new full marks). */
  readonly adjustments: readonly string[];
  /**
   * Why the outcome or the total moved: conditions (window, eligibility, veto, pass mark) and
   * items, in that order; empty when neither moved. See impact-reasons.ts.
   */
  readonly reasons: readonly ImpactReason[];
  /** False only if the outcome changed with no decisive reason found. */
  readonly explained: boolean;
  /** Lost the grade only because the application date is outside the new window. */
  readonly outsideWindow: boolean;
  readonly error?: ImpactError;
}

export interface ImpactSummary {
  /** Applications given. */
  readonly count: number;
  /** Evaluated under both files. */
  readonly evaluated: number;
  /** Reported with an error. */
  readonly failed: number;
  readonly gained: number;
  readonly lost: number;
  /** Evaluated under both with the same outcome. */
  readonly unchanged: number;
  /** Of the lost: those lost only because their application date is outside the new window. */
  readonly lostOutsideWindow: number;
  /** Rows whose outcome changed with no decisive reason found (0 unless something is amiss). */
  readonly unexplained: number;
  /** Mean of the deltas of the evaluated applications; null when none was. */
  readonly meanDelta: string | null;
  /** The largest rise in total (null when no total rose), and the largest fall. */
  readonly largestGain: { readonly name: string; readonly delta: string } | null;
  readonly largestLoss: { readonly name: string; readonly delta: string } | null;
  /** Every section of either file: the mean change of its points and the largest change either way. */
  readonly perSection: readonly { readonly id: string; readonly title: string; readonly meanDelta: string; readonly maxAbsDelta: string }[];
}

/** How the applications were carried to the new file, the same for all. */
export interface Carried {
  /** Judged items whose scores were carried to another id. */
  readonly renumbered: readonly Pair[];
  /** Old judged items whose scores were dropped (removed, or no longer judged). */
  readonly dropped: readonly string[];
  /** New judged items no old score carries to: unscored, 0 points. */
  readonly unscored: readonly string[];
  /** Inputs the new file no longer declares, dropped from the applications. */
  readonly droppedInputs: readonly string[];
  /** Years every date of the applications was moved by (`carryDates`), 0 when not moved. */
  readonly datesMovedBy: number;
}

export interface ImpactReport {
  readonly rows: readonly ImpactRow[];
  readonly summary: ImpactSummary;
  readonly carried: Carried;
}

const fmt = D.format;

function side(r: EvaluationResult): ImpactSide {
  const o = r.outcome;
  return { total: r.total.decimal, granted: o.granted, eligible: o.eligible, vetoed: o.vetoed, passed: o.passed, passMark: o.passMark.decimal };
}

const dec = (s: string): D.Dec => D.parseDec(s) ?? 0;

function errorText(errors: readonly InputError[], en: boolean): string {
  const first = errors[0];
  if (!first) return "";
  const more = errors.length > 1 ? (en ? ` (and ${errors.length - 1} more)` : `（另有 ${errors.length - 1} 处）`) : "";
  return `${en ? first.messageEn : first.message}${more}`;
}

export interface ImpactOptions {
  /** The diff, when already computed. */
  readonly diff?: RuleDiff;
  /**
   * Date the applications into the new file's year (carryApplication) before scoring them under
   * it, when the two files' `year`s differ. Without it, an application that falls outside the
   * new window is reported so (`outsideWindow`), never as an unexplained loss.
   */
  readonly carryDates?: boolean;
}

/**
 * Scores every application under both rule files. Applications are written for the old file and
 * carried to the new one (see the module comment); `diff` may be given when already computed.
 */
export function impact(oldRuleset: Ruleset, newRuleset: Ruleset, applications: readonly ImpactApplication[], options: ImpactOptions = {}): ImpactReport {
  const diff = options.diff ?? diffAsts({ ast: oldRuleset.ast, model: oldRuleset.model }, { ast: newRuleset.ast, model: newRuleset.model });
  const years = options.carryDates && oldRuleset.year !== null && newRuleset.year !== null ? newRuleset.year - oldRuleset.year : 0;
  const carry = carrier(oldRuleset, newRuleset, diff, years);
  const rows = applications.map((a) => row(oldRuleset, newRuleset, diff, carry, a));
  return { rows, summary: summarise(oldRuleset, newRuleset, diff, rows), carried: carry.carried };
}

/**
 * One application written for the old file, carried across to the new one by the rules above
 * (what a row of `impact` evaluates under the new file, `carryDates` as there), with the
 * adjustments made; never throws. (`carryApplication` only moves an application's dates.)
 */
export function carryToRuleset(oldRuleset: Ruleset, newRuleset: Ruleset, app: unknown, options: { diff?: RuleDiff; carryDates?: boolean } = {}): { app: unknown; adjustments: string[] } {
  const diff = options.diff ?? diffAsts({ ast: oldRuleset.ast, model: oldRuleset.model }, { ast: newRuleset.ast, model: newRuleset.model });
  const years = options.carryDates && oldRuleset.year !== null && newRuleset.year !== null ? newRuleset.year - oldRuleset.year : 0;
  return carryAcross(app, carrier(oldRuleset, newRuleset, diff, years));
}

interface Carrier {
  readonly carried: Carried;
  readonly fromYear: number;
  readonly toYear: number;
  /** old judged id → new judged id (with its full marks). */
  readonly scoreMap: ReadonlyMap<string, { id: string; max: D.Dec }>;
  readonly oldJudged: ReadonlySet<string>;
  readonly newInputs: ReadonlySet<string>;
}

function carrier(o: Ruleset, n: Ruleset, diff: RuleDiff, years: number): Carrier {
  const newJudged = new Map(n.judged.map((i) => [i.id, i.max]));
  const oldJudged = new Set(o.judged.map((i) => i.id));
  const scoreMap = new Map<string, { id: string; max: D.Dec }>();
  const renumbered: Pair[] = [];
  for (const p of diff.items) {
    const max = newJudged.get(p.new);
    if (!oldJudged.has(p.old) || max === undefined) continue;
    scoreMap.set(p.old, { id: p.new, max });
    if (p.old !== p.new) renumbered.push(p);
  }
  const carriedTo = new Set([...scoreMap.values()].map((v) => v.id));
  const newInputs = new Set(n.inputs.map((i) => i.name));
  return {
    carried: {
      renumbered,
      dropped: o.judged.map((i) => i.id).filter((id) => !scoreMap.has(id)),
      unscored: n.judged.map((i) => i.id).filter((id) => !carriedTo.has(id)),
      droppedInputs: o.inputs.map((i) => i.name).filter((name) => !newInputs.has(name)),
      datesMovedBy: years,
    },
    fromYear: o.year ?? 0,
    toYear: (o.year ?? 0) + years,
    scoreMap,
    oldJudged,
    newInputs,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The application in the new file's terms, and what had to be adjusted beyond renumbering. */
function carryAcross(app: unknown, c: Carrier): { app: unknown; adjustments: string[] } {
  if (!isObject(app)) return { app, adjustments: [] };
  const adjustments: string[] = [];
  const out = { ...(carryApplication(app, c.fromYear, c.toYear) as Record<string, unknown>) };
  if (isObject(out["inputs"])) {
    out["inputs"] = Object.fromEntries(Object.entries(out["inputs"]).filter(([k]) => c.newInputs.has(k)));
  }
  if (Array.isArray(app["experts"])) {
    out["experts"] = app["experts"].map((e: unknown) => {
      if (!isObject(e) || !isObject(e["scores"])) return e;
      const scores: Record<string, unknown> = {};
      for (const [id, v] of Object.entries(e["scores"])) {
        const to = c.scoreMap.get(id);
        if (!to) {
          // Not a judged item of the old file: leave it, so the new file reports it as the old one does.
          if (!c.oldJudged.has(id)) scores[id] = v;
          continue;
        }
        const d = typeof v === "number" ? D.fromNumber(v) : typeof v === "string" ? D.parseDec(v) : null;
        if (d !== null && d > to.max) {
          scores[to.id] = D.toNumber(to.max);
          adjustments.push(`${String(e["name"])} 对 ${to.id} 的评分 ${fmt(d)} 超过新满分，按 ${fmt(to.max)} 计`);
        } else scores[to.id] = v;
      }
      return { ...e, scores };
    });
  }
  return { app: out, adjustments };
}

function itemPoints(r: EvaluationResult): Map<string, D.Dec> {
  return new Map(r.sections.flatMap((s) => s.items.map((i) => [i.id, dec(i.points.decimal)] as const)));
}

function row(o: Ruleset, n: Ruleset, diff: RuleDiff, c: Carrier, a: ImpactApplication): ImpactRow {
  const app = a.app as { enterprise?: { name?: unknown }; grade?: unknown } | null;
  const enterprise = typeof app?.enterprise?.name === "string" ? app.enterprise.name : null;
  const grade = typeof app?.grade === "string" ? app.grade : null;
  const before = evaluate(o, a.app, { trace: false });
  const carried = carryAcross(a.app, c);
  const after = evaluate(n, carried.app, { trace: false });
  const base = { name: a.name, enterprise, grade, adjustments: carried.adjustments, reasons: [], explained: true, outsideWindow: false };
  if (!before.ok || !after.ok) {
    const parts = [!before.ok ? ["原规则下", "under the old rules", before.errors] as const : null, !after.ok ? ["新规则下", "under the new rules", after.errors] as const : null]
      .filter((x) => x !== null);
    return {
      ...base,
      old: before.ok ? side(before.result) : null,
      new: after.ok ? side(after.result) : null,
      delta: null,
      outcome: null,
      movedItems: [],
      sections: [],
      error: {
        ...(!before.ok ? { old: before.errors } : {}),
        ...(!after.ok ? { new: after.errors } : {}),
        message: parts.map(([zh, , errs]) => `${zh}申请无效：${errorText(errs, false)}`).join("；"),
        messageEn: parts.map(([, en, errs]) => `invalid ${en}: ${errorText(errs, true)}`).join("; "),
      },
    };
  }
  const r0 = before.result;
  const r1 = after.result;
  // Items: pairs first (new order), then new items, then removed ones.
  const p0 = itemPoints(r0);
  const p1 = itemPoints(r1);
  const moved: (MovedItem & { d: D.Dec; order: number })[] = [];
  const oldIdOf = new Map(diff.items.map((p) => [p.new, p.old]));
  const pairedOld = new Set(diff.items.map((p) => p.old));
  let order = 0;
  for (const [id, pts] of p1) {
    const oldId = oldIdOf.get(id);
    const was = oldId !== undefined ? p0.get(oldId) ?? null : null;
    const d = pts - (was ?? 0);
    if (d !== 0) moved.push({ id, ...(oldId !== undefined && oldId !== id ? { oldId } : {}), old: was === null ? null : fmt(was), new: fmt(pts), delta: fmt(d), d, order: order++ });
    else order++;
  }
  for (const [id, pts] of p0) {
    if (pairedOld.has(id) || pts === 0) continue;
    moved.push({ id, old: fmt(pts), new: null, delta: fmt(-pts), d: -pts, order: order++ });
  }
  moved.sort((x, y) => Math.abs(y.d) - Math.abs(x.d) || x.order - y.order);
  const delta = dec(r1.total.decimal) - dec(r0.total.decimal);
  const g0 = r0.outcome.granted;
  const g1 = r1.outcome.granted;
  const movedItems = moved.map(({ d: _d, order: _o, ...m }) => m);
  const why = explainRow(o, n, r0.outcome.grade, r0, r1, carried.app, movedItems, delta);
  return {
    ...base,
    reasons: why.reasons,
    explained: why.explained,
    outsideWindow: why.outsideWindow,
    old: side(r0),
    new: side(r1),
    delta: fmt(delta),
    outcome: g0 === g1 ? "unchanged" : g1 ? "gained" : "lost",
    movedItems,
    sections: sectionDeltas(diff, r0, r1).filter((s) => s.delta !== "0"),
  };
}

function sectionDeltas(diff: RuleDiff, r0: EvaluationResult, r1: EvaluationResult): SectionDelta[] {
  const s0 = new Map(r0.sections.map((s) => [s.id, dec(s.points.decimal)]));
  const oldOf = new Map(diff.sections.map((p) => [p.new, p.old]));
  const paired = new Set(diff.sections.map((p) => p.old));
  const out: SectionDelta[] = [];
  for (const s of r1.sections) {
    const oldId = oldOf.get(s.id);
    const was = oldId !== undefined ? s0.get(oldId) ?? 0 : null;
    const now = dec(s.points.decimal);
    out.push({ id: s.id, old: was === null ? null : fmt(was), new: fmt(now), delta: fmt(now - (was ?? 0)) });
  }
  for (const s of r0.sections) {
    if (paired.has(s.id)) continue;
    const was = dec(s.points.decimal);
    out.push({ id: s.id, old: fmt(was), new: null, delta: fmt(-was) });
  }
  return out;
}

function mean(sum: D.Dec, n: number): string {
  return fmt(D.div(sum, D.fromInt(n)) ?? 0);
}

function summarise(o: Ruleset, n: Ruleset, diff: RuleDiff, rows: readonly ImpactRow[]): ImpactSummary {
  const done = rows.filter((r) => r.delta !== null);
  let sum = 0;
  let gain: { name: string; d: D.Dec } | null = null;
  let loss: { name: string; d: D.Dec } | null = null;
  for (const r of done) {
    const d = dec(r.delta!);
    sum += d;
    if (d > 0 && (gain === null || d > gain.d)) gain = { name: r.name, d };
    if (d < 0 && (loss === null || d < loss.d)) loss = { name: r.name, d };
  }
  // Every section of the new file, then those the new file removed.
  const removed = o.sections.filter((s) => !diff.sections.some((p) => p.old === s.id));
  const sections = [...n.sections.map((s) => ({ id: s.id, title: s.title, gone: false })), ...removed.map((s) => ({ id: s.id, title: s.title, gone: true }))];
  const perSection = sections.map((s) => {
    let total = 0;
    let maxAbs = 0;
    for (const r of done) {
      const d = r.sections.find((x) => x.id === s.id && (x.new === null) === s.gone);
      const v = d ? dec(d.delta) : 0;
      total += v;
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    return { id: s.id, title: s.title, meanDelta: done.length ? mean(total, done.length) : "0", maxAbsDelta: fmt(maxAbs) };
  });
  return {
    count: rows.length,
    evaluated: done.length,
    failed: rows.length - done.length,
    gained: done.filter((r) => r.outcome === "gained").length,
    lost: done.filter((r) => r.outcome === "lost").length,
    unchanged: done.filter((r) => r.outcome === "unchanged").length,
    lostOutsideWindow: done.filter((r) => r.outcome === "lost" && r.outsideWindow).length,
    unexplained: done.filter((r) => !r.explained).length,
    meanDelta: done.length ? mean(sum, done.length) : null,
    largestGain: gain ? { name: gain.name, delta: fmt(gain.d) } : null,
    largestLoss: loss ? { name: loss.name, delta: fmt(loss.d) } : null,
    perSection,
  };
}
