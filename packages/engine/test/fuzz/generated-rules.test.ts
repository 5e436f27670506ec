/**
 * Fuzz: the engine on generated RULE FILES, not only the 2024 one.
 *
 * - `arbRuleFileText()` (grammar-shaped): `compile` never throws; the few outputs that check
 *   clean compile, and are evaluated when they declare a grade.
 * - `arbCheckedRuleFileText()` (files built to check clean: every type, form and operator,
 *   nested quantifiers, tables, vetoes, grades): each must check clean and compile; on
 *   applications generated for it (`arbApplication`, `arbInvalidApplication`) valid ones give a
 *   result within the declared and proved bounds, invalid ones errors, the fast path and the zod
 *   contract agree, nothing throws, and nothing is poisoned.
 */
import { afterAll, beforeAll, describe, test } from "vitest";
import fc from "fast-check";
import { arbCheckedRuleFileText, arbRuleFileText, fuzzParams, FUZZ_LONG, FUZZ_MODE } from "@jsqc/dsl/testing";
import { compile, evaluate, type Ruleset } from "../../src/index.js";
import { arbApplication, arbInvalidApplication } from "../../src/testing/arbitraries.js";
import { noPoisoning, snapshotGlobals } from "./poisoning.js";
import { checkContract, checkInvalid, checkValid } from "./invariants.js";

const LONG_TIMEOUT = FUZZ_LONG ? 30 * 60_000 : 60_000;

const tally = new Map<string, number>();
const count = (what: string, n = 1) => tally.set(what, (tally.get(what) ?? 0) + n);
afterAll(() => {
  console.log(`[fuzz] engine generated-rules (${FUZZ_MODE}):\n${[...tally].map(([k, v]) => `  ${k}: ${v.toLocaleString("en")}`).join("\n")}`);
});

function compileChecked(text: string): Ruleset {
  let c: ReturnType<typeof compile>;
  try {
    c = compile(text, "generated.rules");
  } catch (err) {
    throw new Error(`compile threw ${(err as Error).stack}\n${text}`);
  }
  if (!c.ok) throw new Error(`a generated file does not compile: ${c.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.messageEn} @${d.span.start.line}:${d.span.start.column}`).join("; ")}\n${text}`);
  return c.ruleset;
}

beforeAll(() => snapshotGlobals(() => {
  for (const text of fc.sample(arbCheckedRuleFileText(), { numRuns: 5, seed: 1 })) {
    const rs = compileChecked(text);
    for (const app of fc.sample(fc.oneof(arbApplication(rs), arbInvalidApplication(rs)), { numRuns: 20, seed: 1 })) evaluate(rs, app);
  }
}));

/** Compiled files by text (kept out of the generated values, which a failure prints). */
const compiledCache = new Map<string, Ruleset>();
function rulesetOf(text: string): Ruleset {
  let rs = compiledCache.get(text);
  if (!rs) {
    rs = compileChecked(text);
    if (compiledCache.size > 200) compiledCache.delete(compiledCache.keys().next().value!);
    compiledCache.set(text, rs);
  }
  return rs;
}

/** A checked file with valid and invalid applications for it. */
const arbCase = arbCheckedRuleFileText().chain((text) => {
  const rs = rulesetOf(text);
  return fc.record({
    text: fc.constant(text),
    valid: fc.array(arbApplication(rs, { maxList: 6, maxExperts: 6 }), { minLength: 1, maxLength: 6 }),
    invalid: fc.array(arbInvalidApplication(rs), { minLength: 1, maxLength: 4 }),
  });
});

describe(`engine on generated rule files (${FUZZ_MODE})`, () => {
  test("grammar-shaped files: compile never throws; those that check clean are evaluated", () => {
    fc.assert(
      fc.property(arbRuleFileText(), (text) => {
        count("grammar-shaped files");
        let c: ReturnType<typeof compile>;
        try {
          c = compile(text);
        } catch (err) {
          throw new Error(`compile threw ${(err as Error).stack}\n${text}`);
        }
        if (!c.ok) return;
        count("… of which compiled");
        if (c.ruleset.grades.length === 0) return;
        for (const app of fc.sample(arbApplication(c.ruleset), 5)) { count("… applications"); checkValid(c.ruleset, app); }
      }).afterEach(noPoisoning),
      fuzzParams(150, 10_000),
    );
  }, LONG_TIMEOUT);

  test("checked files: valid applications give results within bounds, invalid ones errors", () => {
    fc.assert(
      fc.property(arbCase, ({ text, valid, invalid }) => {
        const rs = rulesetOf(text);
        count("checked files");
        for (const app of valid) {
          count("valid applications");
          checkValid(rs, app);
          checkContract(rs, app);
        }
        for (const app of invalid) {
          count("invalid applications");
          checkInvalid(rs, app);
          checkContract(rs, app);
        }
      }).afterEach(noPoisoning),
      fuzzParams(80, 4_000),
    );
  }, LONG_TIMEOUT);
});
