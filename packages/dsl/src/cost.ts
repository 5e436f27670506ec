/**
 * The cost model: a static bound on the work one application's evaluation can take, from the rule
 * file alone and the limits every application is held to (at most MAX_LIST_LENGTH entries per
 * list or set, at most MAX_EXPERTS experts). T009 bounds how deep quantifiers nest, not how much
 * each one does: `any(L where any(M where k == a and … ))` checks clean yet makes
 * 1,000 × 1,000 × (the condition's size) steps per item. The bound counts those steps, and a file
 * over EVALUATION_BUDGET is refused (K001) at its costliest rule, so no accepted file can stall an
 * evaluation for seconds.
 *
 * A step is one expression node evaluated once. The engine compiles each node to one closure
 * (packages/engine/src/compile.ts), so steps track its run time (a few ns each, figures in
 * docs/reliability.md). The bound assumes the worst: every list at its longest, no `and`/`or`
 * short-circuit, no `any` stopping at its first match.
 */
import type * as A from "./ast.js";
import { diagnostic, type Diagnostic } from "./diagnostics.js";
import type { Type } from "./types.js";

/** Most entries of one `list of` or `set of` input in an application (the engine enforces it). */
export const MAX_LIST_LENGTH = 1000;
/** Most experts scoring one application (the engine enforces it). */
export const MAX_EXPERTS = 50;
/**
 * Most steps (expression nodes evaluated) one application's evaluation may need by the bound; a
 * file above it is refused with K001. About 0.1 s of evaluation on a slow core; the 2024 file
 * needs about 0.1 % of it.
 */
export const EVALUATION_BUDGET = 20_000_000;
/** Past this share of the budget a file is warned (K002): the next rule added may tip it over. */
export const EVALUATION_BUDGET_WARNING = 0.5;

/** One rule's share of the bound. */
export interface RuleCost {
  /** `三.1` for an item or veto; `基本条件/注册地在江苏` or `AA/…` for a requirement. */
  readonly id: string;
  readonly kind: "item" | "veto" | "requirement";
  /** Steps one evaluation of this rule can take at most. */
  readonly steps: number;
  readonly span: A.Span;
}

/** The bound for a whole file. */
export interface EvaluationCost {
  /** Steps one application's evaluation can take at most (a sum over the rules). */
  readonly steps: number;
  readonly budget: number;
  /** The costliest rules first (at most 5). */
  readonly costliest: readonly RuleCost[];
}

/** What the cost model needs of the checker's model: each expression's type (to tell sets). */
export interface CostInputs {
  readonly types: ReadonlyMap<A.Expr, Type>;
}

/**
 * The bound for a parsed file and its K001/K002 diagnostics (none when lists nested too deep were
 * reported already, T009: that is the same mistake). Never throws.
 */
export function evaluationCost(file: A.RuleFile, model: CostInputs, reported: readonly Diagnostic[] = []): { cost: EvaluationCost; diagnostics: Diagnostic[] } {
  const rules: RuleCost[] = [];
  const expr = (e: A.Expr | null): number => (e ? exprSteps(e, model) : 0);
  for (const d of file.declarations) {
    switch (d.type) {
      case "Section":
        for (const item of d.items) rules.push({ id: item.id, kind: "item", steps: formSteps(item.form, expr), span: item.span });
        break;
      case "VetoGroup":
        for (const v of d.vetoes) rules.push({ id: v.id, kind: "veto", steps: expr(v.when), span: v.span });
        break;
      case "Eligibility":
        for (const r of d.requirements) rules.push({ id: `${d.title?.value ?? "eligibility"}/${r.label.value}`, kind: "requirement", steps: expr(r.condition), span: r.span });
        break;
      case "Grade":
        for (const r of d.requirements) rules.push({ id: `${d.name.value}/${r.label.value}`, kind: "requirement", steps: expr(r.condition), span: r.span });
        break;
      case "Enum": case "Record": case "Input": case "Table": case "Experts":
        break;
      default: {
        const never: never = d;
        void never;
      }
    }
  }
  let steps = 0;
  for (const r of rules) steps += r.steps;
  const costliest = [...rules].sort((a, b) => b.steps - a.steps || a.span.start.offset - b.span.start.offset).slice(0, 5);
  const cost: EvaluationCost = { steps, budget: EVALUATION_BUDGET, costliest };
  const worst = costliest[0];
  const diagnostics: Diagnostic[] = [];
  if (worst && steps > EVALUATION_BUDGET_WARNING * EVALUATION_BUDGET && !reported.some((d) => d.code === "T009")) {
    const args = {
      steps: formatSteps(steps), budget: formatSteps(EVALUATION_BUDGET), rule: worst.id, ruleSteps: formatSteps(worst.steps),
      kindZh: { item: "评分项", veto: "否决项", requirement: "申报条件" }[worst.kind], kindEn: worst.kind,
    };
    const data = { steps: String(steps), budget: String(EVALUATION_BUDGET), rule: worst.id, ruleSteps: String(worst.steps) };
    diagnostics.push(diagnostic(steps > EVALUATION_BUDGET ? "K001" : "K002", worst.span, args, data));
  }
  return { cost, diagnostics };
}

/** Steps as people read them: `3,600,000,000`; `∞` past what a number holds. */
export function formatSteps(steps: number): string {
  return Number.isFinite(steps) ? Math.round(steps).toLocaleString("en-US") : "∞";
}

function formSteps(form: A.ScoreForm, expr: (e: A.Expr | null) => number): number {
  switch (form.type) {
    case "Judged": return MAX_EXPERTS;
    case "Fixed": return 1 + expr(form.when);
    case "PerCount": return form.terms.reduce((s, t) => s + 1 + expr(t.count), 0);
    case "BaseIncrement": return 1 + expr(form.count);
    case "TakeMax": return form.branches.reduce((s, b) => s + 1 + expr(b.when), 0);
    case "Cumulative": return 1 + expr(form.list) + MAX_LIST_LENGTH * (1 + expr(form.where) + expr(form.value));
    case "Tiers": return form.tiers.length + expr(form.value);
    case "Formula": return expr(form.expr);
    case "MissingForm": return 0;
  }
}

/**
 * Steps of one evaluation of an expression. Iterative (an explicit stack) so a file near the
 * depth limits cannot overflow the call stack; a quantifier's body counts MAX_LIST_LENGTH times.
 */
function exprSteps(root: A.Expr, model: CostInputs): number {
  // Each frame: the node and the factor its steps are multiplied by (lists enclosing it).
  const stack: { e: A.Expr; times: number }[] = [{ e: root, times: 1 }];
  let steps = 0;
  while (stack.length > 0) {
    const { e, times } = stack.pop()!;
    steps += times;
    switch (e.type) {
      case "Number": case "Bool": case "Date": case "Name": case "Duration": case "Missing":
        break;
      case "Unary": stack.push({ e: e.operand, times }); break;
      case "Binary": stack.push({ e: e.left, times }, { e: e.right, times }); break;
      case "In":
        stack.push({ e: e.subject, times });
        // A set's membership test compares each of its entries with each value listed.
        if (model.types.get(e.subject)?.kind === "set") steps += times * MAX_LIST_LENGTH * e.values.length;
        else steps += times * e.values.length;
        break;
      case "Within": stack.push({ e: e.subject, times }, { e: e.anchor, times }); break;
      case "Call": for (const a of e.args) stack.push({ e: a, times }); break;
      case "Quantifier": {
        const each = times * MAX_LIST_LENGTH;
        steps += each; // binding each entry
        stack.push({ e: e.list, times });
        if (e.where) stack.push({ e: e.where, times: each });
        if (e.of) stack.push({ e: e.of, times: each });
        break;
      }
      case "Lookup": stack.push({ e: e.table, times }); for (const k of e.keys) stack.push({ e: k, times }); break;
      default: {
        const never: never = e;
        void never;
      }
    }
  }
  return steps;
}

/** The bound as plain JSON (for `jsqc check --format json` and the server's check summary). */
export function costJson(cost: EvaluationCost) {
  return {
    steps: cost.steps,
    budget: cost.budget,
    costliest: cost.costliest.map((r) => ({ id: r.id, kind: r.kind, steps: r.steps, line: r.span.start.line, column: r.span.start.column })),
  };
}

/** The bound in two lines of text, Chinese then English, for `jsqc check --summary`. */
export function renderCost(cost: EvaluationCost): string {
  const share = cost.budget > 0 ? ((100 * cost.steps) / cost.budget).toFixed(cost.steps * 1000 < cost.budget ? 3 : 1) : "—";
  const top = cost.costliest.slice(0, 3);
  const mark = cost.steps > cost.budget ? "✗" : "✓";
  return [
    `评分工作量上限：每份申请最多 ${formatSteps(cost.steps)} 步，上限 ${formatSteps(cost.budget)} 步（${share}%）${mark}${top.length ? `；最耗时：${top.map((r) => `${r.id} ${formatSteps(r.steps)} 步`).join("、")}` : ""}`,
    `evaluation work: at most ${formatSteps(cost.steps)} steps per application, budget ${formatSteps(cost.budget)} (${share}%) ${mark}${top.length ? `; costliest: ${top.map((r) => `${r.id} ${formatSteps(r.steps)}`).join(", ")}` : ""}`,
  ].join("\n");
}
