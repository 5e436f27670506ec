/**
 * A rule test's expectation brought up to the current result, for the parts it already states:
 * what "接受新结果" writes once the officer has checked a change was intended. Pure.
 */
import type { EvaluationResult, Expectation } from "@jsqc/engine";

/** `expect` with each stated value replaced by the result's; items, sections, vetoes no longer there are dropped. */
export function acceptedExpectation(e: Expectation, r: EvaluationResult): Expectation {
  const out: Record<string, unknown> = { ...e };
  if (e.total !== undefined) out["total"] = r.total.decimal;
  const pick = <T,>(stated: Readonly<Record<string, unknown>> | undefined, actual: Map<string, T>) =>
    stated === undefined ? undefined : Object.fromEntries(Object.keys(stated).flatMap((k) => (actual.has(k) ? [[k, actual.get(k)]] : [])));
  const sections = pick(e.sections, new Map(r.sections.map((s) => [s.id, s.points.decimal])));
  if (sections) out["sections"] = sections;
  const items = pick(e.items, new Map(r.sections.flatMap((s) => s.items.map((i) => [i.id, i.points.decimal] as const))));
  if (items) out["items"] = items;
  const vetoes = pick(e.vetoes, new Map(r.vetoes.map((v) => [v.id, v.applies])));
  if (vetoes) out["vetoes"] = vetoes;
  const eligibility = pick(e.eligibility, new Map(r.eligibility.map((x) => [x.grade, x.eligible])));
  if (eligibility) out["eligibility"] = eligibility;
  if (e.outcome) {
    const o = r.outcome;
    const actual = new Map<string, unknown>([["grade", o.grade], ["eligible", o.eligible], ["vetoed", o.vetoed], ["passMark", o.passMark.decimal], ["passed", o.passed], ["granted", o.granted], ["score", o.score.decimal]]);
    out["outcome"] = pick(e.outcome, actual);
  }
  if (e.flags) out["flags"] = [...new Set(r.flags.map((f) => f.item))].sort();
  return out as Expectation;
}
