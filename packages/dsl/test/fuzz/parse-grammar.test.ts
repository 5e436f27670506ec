/**
 * Fuzz: `parse` and `check` on grammar-shaped rule files (`arbRuleFileText`: every declaration,
 * random expressions, comments anywhere) and on mutations of them. Never an exception; valid
 * diagnostic ranges; a generated file has no syntax error.
 */
import { afterAll, describe, test } from "vitest";
import fc from "fast-check";
import { arbRuleFileText, fuzzParams, FUZZ_MODE, FUZZ_LONG } from "../../src/testing/index.js";
import { diagnoseSafely, mutated, Tally } from "./support.js";

const LONG_TIMEOUT = FUZZ_LONG ? 30 * 60_000 : 60_000;

afterAll(() => Tally.report(`dsl parse-grammar (${FUZZ_MODE})`));

describe(`parse and check on grammar-shaped rule files (${FUZZ_MODE})`, () => {
  test("generated files: no syntax error, every diagnostic well placed", () => {
    fc.assert(
      fc.property(arbRuleFileText(), (t) => {
        Tally.add("grammar-shaped");
        const syntax = diagnoseSafely(t).filter((d) => /^[LP]/.test(d.code));
        if (syntax.length > 0) throw new Error(`syntax error in a generated file: ${JSON.stringify(syntax[0])}\n${t}`);
      }),
      fuzzParams(200, 100_000),
    );
  }, LONG_TIMEOUT);

  test("generated files with mutations", () => {
    fc.assert(fc.property(mutated(arbRuleFileText()), (t) => { Tally.add("mutated grammar-shaped"); diagnoseSafely(t); }), fuzzParams(200, 60_000));
  }, LONG_TIMEOUT);
});
