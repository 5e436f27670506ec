/**
 * The two workloads of `pnpm bench:peers` (and `bench:cold`), as applications parsed from JSON text:
 *
 * - `experts`: today's expert-heavy shape — 0 to 5 experts, each scoring any of the 41 judged
 *   items in half points (trimmed means dominate the work), any grade, up to 4 list entries;
 * - `neutral`: the shape of issue 14's independent measurement — ONE expert giving every judged
 *   item its full score or zero, the same counts, standards, awards and dated records, grade A.
 */
import fc from "fast-check";
import { decimal as D } from "@jsqc/dsl";
import type { Ruleset } from "@jsqc/engine";
import { arbApplication } from "@jsqc/engine/testing";

export type WorkloadName = "experts" | "neutral";
export const WORKLOADS: readonly WorkloadName[] = ["experts", "neutral"];

export const WORKLOAD_TEXT: Record<WorkloadName, string> = {
  experts: "expert-heavy: 0–5 experts scoring the 41 judged items in half points, any grade",
  neutral: "neutral: one expert, each of the 41 judged items full or zero; counts, standards, awards, dated records; grade A",
};

function arbNeutral(rs: Ruleset): fc.Arbitrary<Record<string, unknown>> {
  const full = fc.array(fc.boolean(), { minLength: rs.judged.length, maxLength: rs.judged.length });
  return fc.tuple(arbApplication(rs, { maxList: 4, maxExperts: 0 }), full).map(([app, marks]) => {
    const scores: Record<string, number> = {};
    rs.judged.forEach((item, k) => { scores[item.id] = marks[k] ? D.toNumber(item.max) : 0; });
    return { grade: "A", inputs: app["inputs"], experts: [{ name: "专家甲", scores }] };
  });
}

/** `count` applications of a workload, deterministic for a seed, as plain JSON values. */
export function generateWorkload<T = unknown>(rs: Ruleset, name: WorkloadName, count: number, seed: number): T[] {
  const arb = name === "neutral" ? arbNeutral(rs) : arbApplication(rs, { maxList: 4, maxExperts: 5 });
  return fc.sample(arb, { numRuns: count, seed }).map((a) => JSON.parse(JSON.stringify(a)) as T);
}
