/**
 * Robustness of `parse` and `check` on any text: they never throw, every diagnostic has a valid
 * range, and nesting 10,000 deep is refused with P005 instead of overflowing the stack.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
// The assertions every diagnostic must meet and the mutations are shared with the fuzz suites.
import { SNIPPETS, diagnoseSafely, mutated } from "./fuzz/support.js";

const sample = readFileSync(new URL("./fixtures/clean.rules", import.meta.url), "utf8");
/** `FUZZ_RUNS=20000` for a longer search. */
const RUNS = Number(process.env["FUZZ_RUNS"] ?? 500);
describe("parse and check never throw and give valid ranges", () => {
  test("on arbitrary Unicode text", () => {
    const text = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc.string({ unit: "grapheme-composite", maxLength: 100 }),
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.string({ unit: fc.constantFrom(..."{}()[]:,\"#①⑳-+*/<>=!\\ \n\r\t　“”：；标准ab1.2024-"), maxLength: 300 }),
    );
    fc.assert(fc.property(text, (t) => { diagnoseSafely(t); }), { numRuns: RUNS });
  });

  test("on mutations of the sample rule file", () => {
    fc.assert(fc.property(mutated(fc.constant(sample)), (t) => { diagnoseSafely(t); }), { numRuns: RUNS });
  });

  test("on soups of the language's own tokens", () => {
    const soup = fc.array(fc.constantFrom(...SNIPPETS), { maxLength: 80 }).chain((toks) =>
      fc.array(fc.constantFrom(" ", "\n", "", "\t"), { minLength: toks.length, maxLength: toks.length })
        .map((seps) => toks.map((tok, i) => tok + seps[i]!).join("")),
    );
    fc.assert(fc.property(soup, (t) => { diagnoseSafely(t); }), { numRuns: RUNS });
  });

  test("the sample itself has no diagnostics", () => {
    expect(diagnoseSafely(sample)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Deep nesting
// ---------------------------------------------------------------------------------------------

const DEEP = 10_000;

/** The sample with `formula <expr>` as item ⑦'s form. */
function withFormula(expr: string): string {
  const text = sample.replace("formula max(0, min(2, 证书数 - 1))", `formula ${expr}`);
  expect(text).not.toBe(sample);
  return text;
}

describe(`nesting ${DEEP} deep gives P005, not a stack overflow`, () => {
  const cases: [string, () => string][] = [
    ["parentheses", () => withFormula(`${"(".repeat(DEEP)}证书数${")".repeat(DEEP)}`)],
    ["not", () => sample.replace('require "注册地": ', `require "注册地": ${"not ".repeat(DEEP)}`)],
    ["unary minus", () => withFormula(`${"-".repeat(DEEP)}证书数`)],
    ["braces", () => `${sample}\n${"{".repeat(DEEP)}`],
    ["a chain of additions", () => withFormula(Array.from({ length: DEEP }, () => "1").join(" + "))],
    ["a chain of and", () => sample.replace('require "注册地": ', `require "注册地": ${"true and ".repeat(DEEP)}`)],
    ["brackets", () => withFormula(`标准分值${"[".repeat(DEEP)}角色`)],
    ["calls", () => withFormula(`${"max(0, ".repeat(DEEP)}1${")".repeat(DEEP)}`)],
    ["braces inside a section", () => sample.replace("item ② ", `item ② ${"{".repeat(DEEP)}`)],
  ];
  test.each(cases)("%s", (_name, make) => {
    const text = make();
    const codes = diagnoseSafely(text).map((d) => d.code);
    expect(codes).toContain("P005");
  });
});
