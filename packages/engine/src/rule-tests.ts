/**
 * Rule tests: cases written beside a rule file (`rules/2024.tests/*.json`) that say what an
 * application must score — any subset of total, sections, items, vetoes, eligibility, outcome
 * and flags — so a revised rule file can be proved against last year's known cases before it is
 * published. Also the coverage of a suite: which items, take-highest branches, tiers, caps,
 * vetoes and eligibility conditions no case exercised. Pure functions; the CLI reads the files.
 */
import type { Ruleset } from "./compile.js";
import { evaluate } from "./evaluate.js";
import type { EvaluationResult } from "./result.js";

/** What a case expects; every part is optional. Points are decimal strings ("2.5"). */
export interface Expectation {
  readonly total?: string;
  readonly sections?: Readonly<Record<string, string>>;
  readonly items?: Readonly<Record<string, string>>;
  readonly vetoes?: Readonly<Record<string, boolean>>;
  readonly eligibility?: Readonly<Record<string, boolean>>;
  readonly outcome?: Readonly<Partial<{ grade: string; eligible: boolean; vetoed: boolean; passMark: string; passed: boolean; granted: boolean; score: string }>>;
  /** Judged items flagged for review (spread or unscored), in any order. */
  readonly flags?: readonly string[];
  /** The application must be refused; optionally with errors at these JSON paths. */
  readonly invalid?: boolean | readonly string[];
}

export interface RuleCase {
  readonly name: string;
  /** Where the case came from (file name), for messages. */
  readonly file: string;
  readonly application: unknown;
  readonly expect: Expectation;
}

export interface Difference {
  /** e.g. `items.三.1`, `outcome.granted`. */
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
}

export interface CaseResult {
  readonly case: RuleCase;
  readonly passed: boolean;
  readonly differences: readonly Difference[];
  /** The evaluation, when the application was accepted. */
  readonly result: EvaluationResult | null;
}

/** Builds a case's application: a base (inline or loaded by the caller) with overrides applied. */
export function applyOverrides(base: unknown, overrides: { grade?: unknown; inputs?: unknown; experts?: unknown }): unknown {
  if (base === null || typeof base !== "object" || Array.isArray(base)) return base;
  const app: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  if (overrides.grade !== undefined) app["grade"] = overrides.grade;
  if (overrides.experts !== undefined) app["experts"] = overrides.experts;
  if (overrides.inputs !== undefined && overrides.inputs !== null && typeof overrides.inputs === "object") {
    const inputs: Record<string, unknown> = { ...((app["inputs"] as Record<string, unknown> | undefined) ?? {}) };
    for (const [k, v] of Object.entries(overrides.inputs as Record<string, unknown>)) {
      if (v === null) delete inputs[k];
      else inputs[k] = v;
    }
    app["inputs"] = inputs;
  }
  return app;
}

const show = (v: unknown) => (v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

/** Runs one case. Never throws. */
export function runCase(rs: Ruleset, c: RuleCase): CaseResult {
  const evaluation = evaluate(rs, c.application);
  const diffs: Difference[] = [];
  const e = c.expect;
  if (!evaluation.ok) {
    if (e.invalid) {
      if (Array.isArray(e.invalid)) {
        const paths = new Set(evaluation.errors.map((x) => x.path));
        for (const p of e.invalid) if (!paths.has(p)) diffs.push({ path: `invalid.${p}`, expected: "error", actual: "no error" });
      }
      return { case: c, passed: diffs.length === 0, differences: diffs, result: null };
    }
    diffs.push({ path: "application", expected: "accepted", actual: evaluation.errors.map((x) => x.message).join("; ") });
    return { case: c, passed: false, differences: diffs, result: null };
  }
  const r = evaluation.result;
  if (e.invalid) diffs.push({ path: "invalid", expected: "refused", actual: "accepted" });
  const compare = (path: string, expected: unknown, actual: unknown) => {
    if (expected !== undefined && expected !== actual) diffs.push({ path, expected: show(expected), actual: show(actual) });
  };
  compare("total", e.total, r.total.decimal);
  const sections = new Map(r.sections.map((s) => [s.id, s]));
  for (const [id, v] of Object.entries(e.sections ?? {})) compare(`sections.${id}`, v, sections.get(id)?.points.decimal);
  const items = new Map(r.sections.flatMap((s) => s.items.map((i) => [i.id, i] as const)));
  for (const [id, v] of Object.entries(e.items ?? {})) compare(`items.${id}`, v, items.get(id)?.points.decimal);
  const vetoes = new Map(r.vetoes.map((v) => [v.id, v.applies]));
  for (const [id, v] of Object.entries(e.vetoes ?? {})) compare(`vetoes.${id}`, v, vetoes.get(id));
  const elig = new Map(r.eligibility.map((x) => [x.grade, x.eligible]));
  for (const [g, v] of Object.entries(e.eligibility ?? {})) compare(`eligibility.${g}`, v, elig.get(g));
  if (e.outcome) {
    const o = r.outcome;
    const actual: Record<string, unknown> = { grade: o.grade, eligible: o.eligible, vetoed: o.vetoed, passMark: o.passMark.decimal, passed: o.passed, granted: o.granted, score: o.score.decimal };
    for (const [k, v] of Object.entries(e.outcome)) compare(`outcome.${k}`, v, actual[k]);
  }
  if (e.flags) {
    const want = [...new Set(e.flags)].sort().join(", ");
    const got = [...new Set(r.flags.map((f) => f.item))].sort().join(", ");
    compare("flags", want, got);
  }
  return { case: c, passed: diffs.length === 0, differences: diffs, result: r };
}

/** One thing a suite should exercise. */
export interface CoverageGoal {
  readonly key: string;
  /** What it is, in Chinese: "七.2 取最高分支 2「市级质量奖」". */
  readonly description: string;
  readonly line: number;
}

export interface Coverage {
  readonly goals: readonly CoverageGoal[];
  readonly covered: ReadonlySet<string>;
  readonly missed: readonly CoverageGoal[];
  /** covered / goals, 0…1 (1 when there is nothing to cover). */
  readonly ratio: number;
}

/**
 * What a suite should exercise: every item scoring above zero; every cap reached; every
 * take-highest branch and tier giving the points; every veto both applying and not; every
 * eligibility condition (and grade window) both met and failed.
 */
export function coverageGoals(rs: Ruleset): CoverageGoal[] {
  const goals: CoverageGoal[] = [];
  for (const item of rs.items) {
    const line = item.source.span.start.line;
    goals.push({ key: `item:${item.id}`, description: `${item.id} 得分大于 0`, line });
    if (item.cap !== null) goals.push({ key: `cap:${item.id}`, description: `${item.id} 达到封顶`, line });
    const form = rs.model.items.get(item.id)?.item.form;
    if (form?.type === "TakeMax") {
      form.branches.forEach((b, n) => goals.push({ key: `branch:${item.id}#${n}`, description: `${item.id} 取最高分支 ${n + 1}（${b.label?.value ?? b.points.value}）`, line: b.span.start.line }));
    } else if (form?.type === "Tiers") {
      form.tiers.forEach((t, n) => goals.push({ key: `branch:${item.id}#${n}`, description: `${item.id} 分档 ${t.op} ${t.threshold.value}`, line: t.span.start.line }));
    }
  }
  for (const v of rs.vetoes) {
    const line = v.source.span.start.line;
    goals.push({ key: `veto:${v.id}:applies`, description: `否决项 ${v.id} 成立`, line });
    goals.push({ key: `veto:${v.id}:clear`, description: `否决项 ${v.id} 不成立`, line });
  }
  const conditions = [...rs.eligibility, ...rs.grades.flatMap((g) => g.requirements)];
  for (const c of conditions) {
    const line = c.source.span.start.line;
    goals.push({ key: `condition:${c.id}:met`, description: `条件 ${c.id}「${c.label}」满足`, line });
    goals.push({ key: `condition:${c.id}:failed`, description: `条件 ${c.id}「${c.label}」不满足`, line });
  }
  for (const g of rs.grades) {
    if (!g.window) continue;
    const line = g.source.span.start.line;
    goals.push({ key: `condition:${g.name}.申报期:met`, description: `${g.name} 在申报期内`, line });
    goals.push({ key: `condition:${g.name}.申报期:failed`, description: `${g.name} 不在申报期内`, line });
  }
  return goals;
}

/** The goals an evaluation exercised. */
export function exercised(r: EvaluationResult, into: Set<string>): void {
  for (const s of r.sections) {
    for (const i of s.items) {
      if (i.points.number > 0) into.add(`item:${i.id}`);
      if (i.capped) into.add(`cap:${i.id}`);
      if (i.branch !== undefined && i.branch >= 0) into.add(`branch:${i.id}#${i.branch}`);
    }
  }
  for (const v of r.vetoes) into.add(`veto:${v.id}:${v.applies ? "applies" : "clear"}`);
  for (const e of r.eligibility) for (const c of e.conditions ?? []) into.add(`condition:${c.id}:${c.met ? "met" : "failed"}`);
}

/** The coverage of a suite's results. */
export function coverage(rs: Ruleset, results: readonly CaseResult[]): Coverage {
  const goals = coverageGoals(rs);
  const covered = new Set<string>();
  for (const r of results) if (r.result) exercised(r.result, covered);
  const missed = goals.filter((g) => !covered.has(g.key));
  return { goals, covered, missed, ratio: goals.length === 0 ? 1 : (goals.length - missed.length) / goals.length };
}
