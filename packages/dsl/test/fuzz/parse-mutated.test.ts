/**
 * Fuzz: `parse` and `check` on mutations of real rule files: the sample with every construct
 * (test/fixtures/clean.rules) and the whole 2024 notice (rules/2024.rules). Never an exception;
 * valid diagnostic ranges; `format` never throws and, when it changes a text, keeps its tree.
 */
import { afterAll, describe, test } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { format, parse } from "../../src/index.js";
import { fuzzParams, FUZZ_MODE, FUZZ_LONG, stripSpans } from "../../src/testing/index.js";
import { diagnoseSafely, mutated, Tally } from "./support.js";

const LONG_TIMEOUT = FUZZ_LONG ? 30 * 60_000 : 60_000;
const sample = readFileSync(new URL("../fixtures/clean.rules", import.meta.url), "utf8");
const rules2024 = readFileSync(new URL("../../../../rules/2024.rules", import.meta.url), "utf8");

afterAll(() => Tally.report(`dsl parse-mutated (${FUZZ_MODE})`));

describe(`parse and check on mutated rule files (${FUZZ_MODE})`, () => {
  test("the sample with every construct, mutated", () => {
    fc.assert(fc.property(mutated(fc.constant(sample)), (t) => { Tally.add("mutated sample"); diagnoseSafely(t); }), fuzzParams(300, 80_000));
  }, LONG_TIMEOUT);

  test("rules/2024.rules, mutated", () => {
    fc.assert(fc.property(mutated(fc.constant(rules2024), 3), (t) => { Tally.add("mutated rules/2024"); diagnoseSafely(t); }), fuzzParams(30, 5_000));
  }, LONG_TIMEOUT);

  test("format on mutated text: never throws; a changed text keeps the tree and is stable", () => {
    fc.assert(
      fc.property(mutated(fc.constant(sample), 3), (t) => {
        Tally.add("format of mutated sample");
        const once = format(t);
        if (once.text === t) return;
        const again = format(once.text);
        if (again.text !== once.text) throw new Error(`format is not idempotent on ${JSON.stringify(t)}`);
        if (JSON.stringify(stripSpans(parse(once.text).ast)) !== JSON.stringify(stripSpans(parse(t).ast))) {
          throw new Error(`format changed the tree of ${JSON.stringify(t)}`);
        }
      }),
      fuzzParams(100, 15_000),
    );
  }, LONG_TIMEOUT);
});
