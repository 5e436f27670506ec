/**
 * Combining the experts' scores of one judged item (专家评分的汇总), by the expert rule that applies
 * to it: the file's, its section's or its own (the dsl's `effectiveExperts` resolves which).
 * `combineItem` is the only place scores are combined; `atLeastErrors` says, as input errors,
 * which items an application scores with fewer experts than their rule requires.
 */
import { decimal as D, levelText, type EffectiveExperts, type ExpertLevel, type Span } from "@jsqc/dsl/core";
import type { InputError } from "./schema.js";
import type { ExpertRuleTrace } from "./result.js";

/** An item's expert rule, compiled: decimals parsed, and where it was written (for the trace). */
export interface ExpertRule {
  readonly combine: "mean" | "trimmed mean";
  readonly round: D.Dec | null;
  readonly spread: D.Dec | null;
  /** The number of experts' scores the item needs; null for no requirement. */
  readonly atLeast: number | null;
  /** The innermost level whose block applies ("none": the file has no experts block). */
  readonly level: ExpertLevel;
  /** That block's span; null for "none". */
  readonly span: Span | null;
  /** Which rule, in Chinese and English: "第十部分的专家评分规则". */
  readonly name: { readonly zh: string; readonly en: string };
  /** "，按 0.5 取整" or "": the reason's rounding words, made once. */
  readonly roundText: string;
}

/** The rule used when a file has no experts block at all: the plain mean, unrounded. */
export const DEFAULT_RULE: ExpertRule = {
  combine: "mean", round: null, spread: null, atLeast: null, level: "none", span: null,
  name: levelText("none", "", ""), roundText: "",
};

/** Compiles the dsl's effective rule of an item (`sectionId`, `itemId` name the level in words). */
export function compileRule(e: EffectiveExperts, sectionId: string, itemId: string): ExpertRule {
  const round = e.round !== null ? D.parseDec(e.round) : null;
  return {
    combine: e.combine ?? "mean",
    round,
    spread: e.spread !== null ? D.parseDec(e.spread) : null,
    atLeast: e.atLeast,
    level: e.level,
    span: e.span,
    name: levelText(e.level, sectionId, itemId),
    roundText: round !== null ? `，按 ${D.format(round)} 取整` : "",
  };
}

/** One expert's score of an item; `dropped` when a trimmed mean left it out. */
export interface Figure {
  readonly expert: string;
  readonly score: D.Dec;
  readonly dropped: boolean;
}

/** The combined score of one judged item, with what went into it. */
export interface JudgedScore {
  readonly points: D.Dec;
  /** Every score given (only collected with the trace on). */
  readonly figures: Figure[];
  /** How many scores the mean was taken over. */
  readonly used: number;
  /** How many experts scored the item. */
  readonly scored: number;
  readonly spread: D.Dec;
  readonly flagged: "spread" | "unscored" | null;
  readonly rule: ExpertRule;
}

/**
 * Combines item `k`'s scores from the dense matrix `scores[e × width + k]` (NaN where expert `e`
 * gave none) by `rule`, capped at `max`. A trimmed mean of three or more scores drops one lowest
 * and one highest (the first of each, in the experts' order); fewer scores take the plain mean.
 */
export function combineItem(
  rule: ExpertRule,
  scores: ArrayLike<number>,
  width: number,
  k: number,
  names: readonly string[],
  max: D.Dec,
  withFigures: boolean,
): JudgedScore {
  const experts = names.length;
  let lo = Infinity;
  let hi = -Infinity;
  let loAt = -1;
  let hiAt = -1;
  let sum = 0;
  let n = 0;
  for (let e = 0; e < experts; e++) {
    const d = scores[e * width + k]!;
    if (d !== d) continue; // NaN: this expert did not score the item
    sum += d;
    n++;
    if (d < lo) { lo = d; loAt = e; }
    if (d > hi) { hi = d; hiAt = e; }
  }
  const scored = n;
  const trim = rule.combine === "trimmed mean" && n >= 3;
  if (trim) {
    // All scores equal: the lowest and the highest are still two different experts.
    if (hiAt === loAt) hiAt = lastAt(scores, width, k, experts, hi, loAt);
    sum -= lo + hi;
    n -= 2;
  }
  let pts = n === 0 ? 0 : n === 1 ? sum : D.div(sum, n * D.SCALE) ?? 0;
  if (rule.round !== null && rule.round > 0) pts = D.roundTo(pts, rule.round);
  if (pts > max) pts = max;
  const figures: Figure[] = [];
  if (withFigures) {
    for (let e = 0; e < experts; e++) {
      const d = scores[e * width + k]!;
      if (d !== d) continue;
      figures.push({ expert: names[e]!, score: d, dropped: trim && (e === loAt || e === hiAt) });
    }
  }
  const spread = scored > 0 ? hi - lo : 0;
  const flagged = scored === 0 ? "unscored" : rule.spread !== null && spread > rule.spread ? "spread" : null;
  return { points: pts, figures, used: n, scored, spread, flagged, rule };
}

/** The last expert other than `not` who gave item `k` the score `value`. */
function lastAt(scores: ArrayLike<number>, width: number, k: number, experts: number, value: D.Dec, not: number): number {
  for (let e = experts - 1; e >= 0; e--) if (e !== not && scores[e * width + k] === value) return e;
  return not;
}

/** The reason shown for a judged item: the scores, what was dropped, the rule that applied, the result. */
export function judgedReason(d: JudgedScore, amountText: (x: D.Dec) => string): string {
  const n = d.figures.length;
  const which = d.rule.level === "file" || d.rule.level === "none" ? "" : `（${d.rule.name.zh}）`;
  if (n === 0) return `无专家评分 → 0${which}`;
  let list = amountText(d.figures[0]!.score);
  for (let i = 1; i < n; i++) list += `、${amountText(d.figures[i]!.score)}`;
  const how = d.used < d.scored ? "，去掉一个最高分和一个最低分后取平均" : n > 1 ? "，取平均" : "";
  return `专家评分 ${list}${how}${d.rule.roundText} → ${amountText(d.points)}${which}`;
}

const traces = new WeakMap<ExpertRule, ExpertRuleTrace>();
/** One frozen description per rule, shared by every result. */
export function ruleTrace(rule: ExpertRule): ExpertRuleTrace {
  let t = traces.get(rule);
  if (!t) {
    const s = rule.span;
    t = Object.freeze({
      level: rule.level,
      combine: rule.combine,
      round: rule.round !== null ? D.format(rule.round) : null,
      spread: rule.spread !== null ? D.format(rule.spread) : null,
      atLeast: rule.atLeast,
      line: s ? s.start.line : null,
      column: s ? s.start.column : null,
      endLine: s ? s.end.line : null,
      endColumn: s ? s.end.column : null,
    });
    traces.set(rule, t);
  }
  return t;
}

/** The judged items an `at least` applies to: id, label, section id and rule. */
export interface CountedItem {
  readonly id: string;
  readonly label: string;
  readonly rule: ExpertRule;
}

/**
 * Input errors for every judged item scored by fewer experts than its rule's `at least` (an item
 * no expert scored counts as 0). Reads an application of any shape without throwing: only
 * `experts[*].scores[id]` values that are present count.
 */
export function atLeastErrors(items: readonly CountedItem[], application: unknown): InputError[] {
  const out: InputError[] = [];
  if (items.length === 0) return out;
  const raw = application !== null && typeof application === "object" ? (application as Record<string, unknown>)["experts"] : undefined;
  const experts = Array.isArray(raw) ? raw : [];
  for (const item of items) {
    const need = item.rule.atLeast;
    if (need === null) continue;
    let given = 0;
    for (const ex of experts) {
      const s = ex !== null && typeof ex === "object" ? (ex as Record<string, unknown>)["scores"] : undefined;
      if (s !== null && typeof s === "object" && Object.prototype.hasOwnProperty.call(s, item.id) && (s as Record<string, unknown>)[item.id] !== undefined) given++;
    }
    if (given >= need) continue;
    const path = `experts[*].scores.${item.id}`;
    const label = `专家评分 ${item.label}`;
    out.push({
      path,
      label,
      expected: `至少 ${need} 位专家的评分`,
      found: `${given} 位`,
      message: `${path}（${label}）：按${item.rule.name.zh}，须至少 ${need} 位专家评分，实有 ${given} 位`,
      messageEn: `${path} (expert scores for ${item.id}): ${item.rule.name.en} requires at least ${need} experts' scores, found ${given}`,
    });
  }
  return out;
}
