/**
 * Regression (found by packages/engine/test/fuzz/generated-rules.test.ts on a generated rule
 * file): `arbApplication` — the generator of VALID applications used by the property tests, the
 * fuzz suites and the benchmarks — gave a judged item worth 0.25 points an expert score of 0.5:
 * it rounded twice the maximum (0.5) to 1 half-point step. The engine rightly refused the
 * application, and the property "a valid application always gives a result" failed.
 *
 * Fix (engine/src/testing/arbitraries.ts): half points up to the maximum, rounded down, or the
 * maximum itself.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { compile, evaluate } from "../../../src/index.js";
import { arbApplication } from "../../../src/testing/arbitraries.js";

const text = `ruleset "t" { year 2025 total 0.25 }
section 一 "s" weight 0.25 { item 1 "专家评分项" points 0.25 { judged } }
grade A { pass 0 }
experts { combine mean }
`;

describe("generated expert scores stay within the item's points", () => {
  test("an item worth 0.25: every generated application is valid", () => {
    const c = compile(text);
    if (!c.ok) throw new Error(JSON.stringify(c.diagnostics));
    const rs = c.ruleset;
    fc.assert(
      fc.property(arbApplication(rs), (app) => {
        const r = evaluate(rs, app);
        expect(r.ok, JSON.stringify(app)).toBe(true);
      }),
      { numRuns: 300 },
    );
    // …and the maximum itself is generated.
    const scores = fc.sample(arbApplication(rs, { maxExperts: 5 }), { numRuns: 300, seed: 1 })
      .flatMap((a) => (a["experts"] as { scores: Record<string, number> }[]).map((e) => e.scores["一.1"]));
    expect(scores).toContain(0.25);
  });
});
