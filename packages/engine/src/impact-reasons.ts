/**
 * Why one application's outcome or total moved between two rule files (issue 11, part 4): the
 * conditions that changed for it — the application window, an eligibility requirement, a veto,
 * the pass mark — and the items whose points moved. Each reason says whether it works toward
 * granting under the new rules and whether it alone decides a changed outcome, so that no loss
 * (or gain) goes unexplained; a loss decided by the window alone is "outside the window".
 */
import { decimal as D } from "@jsqc/dsl";
import type { Ruleset } from "./compile.js";
import type { EvaluationResult } from "./result.js";

export interface ImpactReason {
  readonly kind: "window" | "eligibility" | "veto" | "passMark" | "items";
  /** The condition's or veto's id (the new file's; the old file's when it is no longer there), `pass`, or the items' ids. */
  readonly id: string;
  /** `for`: works toward granting under the new rules; `against`: away from it. */
  readonly effect: "for" | "against";
  /** Whether this reason, by itself, changes the outcome (a lost or gained grade). */
  readonly decisive: boolean;
  readonly message: string;
  readonly messageEn: string;
}

/** An item whose points moved (as impact.ts reports it). */
interface Moved { readonly id: string; readonly delta: string }

export interface RowExplanation {
  readonly reasons: readonly ImpactReason[];
  /** True unless the outcome changed with no decisive reason found (which would be a defect). */
  readonly explained: boolean;
  /** Lost only because the application date is outside the new window. */
  readonly outsideWindow: boolean;
}

interface Condition {
  readonly id: string;
  readonly label: string;
  readonly kind: "window" | "eligibility";
  /** What pairs a condition across files: the window, or the requirement's label. */
  readonly key: string;
}

function conditions(rs: Ruleset, grade: string): Map<string, Condition> {
  const out = new Map<string, Condition>();
  for (const c of rs.eligibility) out.set(c.id, { id: c.id, label: c.label, kind: "eligibility", key: `require:${c.label}` });
  const g = rs.grades.find((x) => x.name === grade);
  for (const c of g?.requirements ?? []) out.set(c.id, { id: c.id, label: c.label, kind: "eligibility", key: `require:${c.label}` });
  if (g?.window) out.set(`${g.name}.申报期`, { id: `${g.name}.申报期`, label: `申报期 ${g.window.fromText} 至 ${g.window.toText}`, kind: "window", key: "window" });
  return out;
}

function failedKeys(rs: Ruleset, r: EvaluationResult, grade: string): Map<string, Condition> {
  const all = conditions(rs, grade);
  const failed = r.eligibility.find((e) => e.grade === grade)?.failed ?? [];
  const out = new Map<string, Condition>();
  for (const id of failed) {
    const c = all.get(id);
    if (c) out.set(c.key, c);
  }
  return out;
}

function windowOf(rs: Ruleset, grade: string): string {
  const w = rs.grades.find((x) => x.name === grade)?.window;
  return w ? `${w.fromText} 至 ${w.toText}` : "—";
}

function windowOfEn(rs: Ruleset, grade: string): string {
  const w = rs.grades.find((x) => x.name === grade)?.window;
  return w ? `${w.fromText} to ${w.toText}` : "none";
}

/** The application date the new side read, as written in the (carried) application. */
function applicationDate(rs: Ruleset, app: unknown): string {
  const k = rs.applicationDateIndex;
  if (k === null) return "—";
  const name = rs.inputs[k]!.name;
  const inputs = (app as { inputs?: Record<string, unknown> } | null)?.inputs;
  const v = inputs && typeof inputs === "object" ? inputs[name] : undefined;
  return typeof v === "string" ? v : "—";
}

const signed = (d: string): string => (d.startsWith("-") || d === "0" ? d : `+${d}`);

/**
 * The reasons `r0` (old file) became `r1` (new file) for one application applying for `grade`;
 * `newApp` is the application as the new file read it, `moved` the items whose points moved.
 */
export function explainRow(
  o: Ruleset,
  n: Ruleset,
  grade: string,
  r0: EvaluationResult,
  r1: EvaluationResult,
  newApp: unknown,
  moved: readonly Moved[],
  delta: D.Dec,
): RowExplanation {
  const g0 = r0.outcome.granted;
  const g1 = r1.outcome.granted;
  const lost = g0 && !g1;
  const gained = !g0 && g1;
  if (!lost && !gained && delta === 0) return { reasons: [], explained: true, outsideWindow: false };
  const reasons: ImpactReason[] = [];

  // Conditions: newly failed (against), newly met (for), paired by the window or the label.
  const f0 = failedKeys(o, r0, grade);
  const f1 = failedKeys(n, r1, grade);
  for (const [key, c] of f1) {
    if (f0.has(key)) continue;
    if (c.kind === "window") {
      const date = applicationDate(n, newApp);
      reasons.push({
        kind: "window", id: c.id, effect: "against", decisive: lost,
        message: `申报日期 ${date} 不在新申报期 ${windowOf(n, grade)} 内（原申报期 ${windowOf(o, grade)}）`,
        messageEn: `the application date ${date} is outside the new window ${windowOfEn(n, grade)} (was ${windowOfEn(o, grade)})`,
      });
    } else {
      reasons.push({
        kind: "eligibility", id: c.id, effect: "against", decisive: lost,
        message: `新规则下不满足条件：${c.label}`,
        messageEn: `no longer meets the condition: ${c.label}`,
      });
    }
  }
  for (const [key, c] of f0) {
    if (f1.has(key)) continue;
    reasons.push({
      kind: c.kind, id: c.id, effect: "for", decisive: gained,
      message: c.kind === "window" ? `申报日期在新申报期 ${windowOf(n, grade)} 内（原申报期 ${windowOf(o, grade)}）` : `新规则下满足条件：${c.label}`,
      messageEn: c.kind === "window" ? `the application date is inside the new window ${windowOfEn(n, grade)} (was ${windowOfEn(o, grade)})` : `now meets the condition: ${c.label}`,
    });
  }

  // Vetoes, paired by their text.
  const v0 = new Map(r0.vetoes.filter((v) => v.applies).map((v) => [v.text, v]));
  const v1 = new Map(r1.vetoes.filter((v) => v.applies).map((v) => [v.text, v]));
  for (const [text, v] of v1) {
    if (v0.has(text)) continue;
    reasons.push({ kind: "veto", id: v.id, effect: "against", decisive: lost, message: `新规则下被否决：${v.id} ${text}`, messageEn: `vetoed under the new rules: ${v.id} ${text}` });
  }
  for (const [text, v] of v0) {
    if (v1.has(text)) continue;
    reasons.push({ kind: "veto", id: v.id, effect: "for", decisive: gained, message: `新规则下不再否决：${v.id} ${text}`, messageEn: `no longer vetoed: ${v.id} ${text}` });
  }

  // The pass mark, when passing changed: the mark itself, the total, or both moved it.
  const p0 = r0.outcome.passed;
  const p1 = r1.outcome.passed;
  const pm0 = r0.outcome.passMark.decimal;
  const pm1 = r1.outcome.passMark.decimal;
  const markMoved = pm0 !== pm1;
  if (p0 !== p1) {
    const t0 = r0.total.decimal;
    const t1 = r1.total.decimal;
    const zh = p1 ? `达到及格分：总分 ${t0} → ${t1}，及格分 ${pm0} → ${pm1}` : `未达及格分：总分 ${t0} → ${t1}，及格分 ${pm0} → ${pm1}`;
    const en = p1 ? `now passes: total ${t0} → ${t1}, pass mark ${pm0} → ${pm1}` : `no longer passes: total ${t0} → ${t1}, pass mark ${pm0} → ${pm1}`;
    if (markMoved) {
      reasons.push({ kind: "passMark", id: "pass", effect: p1 ? "for" : "against", decisive: (p1 && gained) || (!p1 && lost), message: zh, messageEn: en });
    } else {
      // The mark stayed: the items moved the total across it (their reason below is decisive).
      reasons.push({ kind: "passMark", id: "pass", effect: p1 ? "for" : "against", decisive: false, message: zh, messageEn: en });
    }
  }

  if (moved.length > 0) {
    const crossed = p0 !== p1 && ((p1 && gained) || (!p1 && lost));
    reasons.push({
      kind: "items",
      id: moved.map((m) => m.id).join(","),
      effect: delta >= 0 ? "for" : "against",
      decisive: crossed && !markMoved ? true : crossed && markMoved && crossesAlone(r0, r1),
      message: `评分项变动，总分 ${signed(D.format(delta))}：${moved.map((m) => `${m.id} ${signed(m.delta)}`).join("、")}`,
      messageEn: `items moved the total by ${signed(D.format(delta))}: ${moved.map((m) => `${m.id} ${signed(m.delta)}`).join(", ")}`,
    });
  }

  const want = lost ? "against" : "for";
  const decisive = reasons.filter((r) => r.decisive && r.effect === want);
  const explained = (!lost && !gained) || decisive.length > 0;
  const outsideWindow = lost && decisive.length > 0 && decisive.every((r) => r.kind === "window");
  return { reasons, explained, outsideWindow };
}

/** With both the mark and the total moved: whether the new total alone would have crossed the old mark. */
function crossesAlone(r0: EvaluationResult, r1: EvaluationResult): boolean {
  const pm0 = D.parseDec(r0.outcome.passMark.decimal) ?? 0;
  const t1 = D.parseDec(r1.total.decimal) ?? 0;
  return (t1 >= pm0) === r1.outcome.passed;
}
