/**
 * The common shapes of a veto's or a requirement's condition, as a form can show them: the
 * structure view recognises a condition written in one of these shapes, lets policy staff change
 * its figures and names in fields, and writes the condition back with `conditionText`. Anything
 * else stays an expression, edited as text with live diagnostics. Pure; never throws.
 *
 * The shapes follow the 2024 notice's wording (DOMAIN.md's readings):
 * - `recordWithin`: 截至申报日期起两年内存在某类记录 —
 *   `any(L where F == K and D within N years before 申报日期)`;
 * - `heldFor`: 经认定为A级等级满2年以上 — `present(X) and X <= 申报日期 - N years`;
 * - `earlierYear`: 认定后次年可申报 — `present(X) and year(X) < year(申报日期)`;
 * - `noRecentFinding`: 通报后三年内不得申报 — `not (present(X) and X > 申报日期 - N years)`.
 */
import type * as A from "./ast.js";
import { parse } from "./parse.js";

export type Unit = "years" | "months";

export type ConditionPattern =
  | { readonly kind: "recordWithin"; readonly list: string; readonly field: string; readonly member: string; readonly dateField: string; readonly amount: string; readonly unit: Unit; readonly anchor: string }
  | { readonly kind: "heldFor"; readonly date: string; readonly amount: string; readonly unit: Unit; readonly anchor: string }
  | { readonly kind: "earlierYear"; readonly date: string; readonly anchor: string }
  | { readonly kind: "noRecentFinding"; readonly date: string; readonly amount: string; readonly unit: Unit; readonly anchor: string };

export type PatternKind = ConditionPattern["kind"];

const name = (e: A.Expr | null | undefined): string | null => (e?.type === "Name" ? e.name : null);
const isUnit = (u: string): u is Unit => u === "years" || u === "months";

/** `present(X)` → X */
function presentOf(e: A.Expr): string | null {
  return e.type === "Call" && e.fn === "present" && e.args.length === 1 ? name(e.args[0]) : null;
}

/** `ANCHOR - N unit` → its parts */
function minusDuration(e: A.Expr): { anchor: string; amount: string; unit: Unit } | null {
  if (e.type !== "Binary" || e.op !== "-" || e.right.type !== "Duration" || !isUnit(e.right.unit)) return null;
  const anchor = name(e.left);
  return anchor ? { anchor, amount: e.right.amount, unit: e.right.unit } : null;
}

/** The pattern a condition is written in, or null when it is none of the common ones. */
export function recognize(e: A.Expr): ConditionPattern | null {
  if (e.type === "Quantifier" && e.kind === "any" && e.where?.type === "Binary" && e.where.op === "and" && !e.of) {
    const { left, right } = e.where;
    if (left.type === "Binary" && left.op === "==" && right.type === "Within" && right.direction === "before" && isUnit(right.unit)) {
      const field = name(left.left), member = name(left.right), dateField = name(right.subject), anchor = name(right.anchor);
      if (field && member && dateField && anchor) return { kind: "recordWithin", list: e.list.name, field, member, dateField, amount: right.amount, unit: right.unit, anchor };
    }
  }
  if (e.type === "Binary" && e.op === "and") {
    const date = presentOf(e.left);
    const r = e.right;
    if (date && r.type === "Binary" && r.op === "<=" && name(r.left) === date) {
      const d = minusDuration(r.right);
      if (d) return { kind: "heldFor", date, ...d };
    }
    if (date && r.type === "Binary" && r.op === "<" && r.left.type === "Call" && r.left.fn === "year" && name(r.left.args[0]) === date
      && r.right.type === "Call" && r.right.fn === "year" && r.right.args.length === 1) {
      const anchor = name(r.right.args[0]);
      if (anchor) return { kind: "earlierYear", date, anchor };
    }
  }
  if (e.type === "Unary" && e.op === "not" && e.operand.type === "Binary" && e.operand.op === "and") {
    const date = presentOf(e.operand.left);
    const r = e.operand.right;
    if (date && r.type === "Binary" && r.op === ">" && name(r.left) === date) {
      const d = minusDuration(r.right);
      if (d) return { kind: "noRecentFinding", date, ...d };
    }
  }
  return null;
}

/** The condition's text for a pattern, as the formatter would print it. */
export function conditionText(p: ConditionPattern): string {
  switch (p.kind) {
    case "recordWithin": return `any(${p.list} where ${p.field} == ${p.member} and ${p.dateField} within ${p.amount} ${p.unit} before ${p.anchor})`;
    case "heldFor": return `present(${p.date}) and ${p.date} <= ${p.anchor} - ${p.amount} ${p.unit}`;
    case "earlierYear": return `present(${p.date}) and year(${p.date}) < year(${p.anchor})`;
    case "noRecentFinding": return `not (present(${p.date}) and ${p.date} > ${p.anchor} - ${p.amount} ${p.unit})`;
  }
}

/** The pattern of a condition given as text (read on its own, names unresolved); null when it is none or does not parse. */
export function recognizeText(condition: string): ConditionPattern | null {
  const r = parse(`vetoes 一 "" {\n  veto ① ""\n    when ${condition}\n}\n`);
  if (r.diagnostics.some((d) => d.severity === "error")) return null;
  const g = r.ast.declarations[0];
  const when = g?.type === "VetoGroup" ? g.vetoes[0]?.when : undefined;
  return when ? recognize(when) : null;
}
