/**
 * Differential: today's engine against the engine as it was before issue 14's speed work
 * (test/fixtures/baseline/, a verbatim copy of compile.ts, evaluate.ts and input.ts at main
 * ad4b7f5, with issue 11's per-section expert rules). On generated applications for rules/2024 — the expert-heavy shape, the neutral shape
 * (one expert, full or zero), and invalid applications — both give deeply equal answers, with the
 * full trace and without: every amount, reason, input list, expert figure, source, veto record,
 * eligibility detail, flag and error. A few thousand applications in the short run, 10⁶ with
 * `FUZZ=long`.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { decimal as D } from "@jsqc/dsl";
import { FUZZ_LONG, FUZZ_MODE, runs } from "@jsqc/dsl/testing";
import { compile, evaluate, type Ruleset } from "../../src/index.js";
import { arbApplication, arbInvalidApplication } from "../../src/testing/arbitraries.js";
import { compile as compileBefore } from "../fixtures/baseline/compile.js";
import { evaluate as evaluateBefore } from "../fixtures/baseline/evaluate.js";

const text = readFileSync(new URL("../../../../rules/2024.rules", import.meta.url), "utf8");
const now = compile(text, "2024.rules");
const before = compileBefore(text, "2024.rules");
if (!now.ok || !before.ok) throw new Error("rules/2024.rules does not compile");
const rs: Ruleset = now.ruleset;
const rsBefore = before.ruleset;

/** One expert giving each judged item its full score or zero, grade A (issue 14's neutral shape). */
const arbNeutral = fc.tuple(arbApplication(rs, { maxExperts: 0 }), fc.array(fc.boolean(), { minLength: rs.judged.length, maxLength: rs.judged.length }))
  .map(([app, full]) => ({
    grade: "A",
    inputs: app["inputs"],
    experts: [{ name: "专家甲", scores: Object.fromEntries(rs.judged.map((item, k) => [item.id, full[k] ? D.toNumber(item.max) : 0])) }],
  }));

const arbAny = fc.oneof(
  { weight: 4, arbitrary: arbApplication(rs) },
  { weight: 4, arbitrary: arbNeutral },
  { weight: 1, arbitrary: arbInvalidApplication(rs) },
);

const TIMEOUT = FUZZ_LONG ? 120 * 60_000 : 120_000;

describe(`today's engine gives exactly the answers of the engine before issue 14 (${FUZZ_MODE})`, () => {
  test("with and without the trace, on valid (expert-heavy and neutral) and invalid applications", () => {
    let compared = 0;
    let ok = 0;
    fc.assert(
      fc.property(arbAny, (app) => {
        // As a service receives it: parsed from JSON text.
        const parsed: unknown = JSON.parse(JSON.stringify(app));
        for (const trace of [true, false]) {
          const got = evaluate(rs, parsed, { trace });
          const want = evaluateBefore(rsBefore, parsed, { trace });
          expect(got).toStrictEqual(want);
          if (got.ok) ok++;
          compared++;
        }
      }),
      { numRuns: runs(1_500, 1_000_000), seed: FUZZ_LONG ? undefined : 14 },
    );
    console.log(`[differential] ${compared.toLocaleString("en")} evaluations compared (${ok.toLocaleString("en")} with a result)`);
    expect(ok).toBeGreaterThan(compared / 2);
  }, TIMEOUT);
});
