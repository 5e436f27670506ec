/**
 * Fuzz: nesting up to 10⁶ deep — parentheses, `not`, braces, brackets, prefix minus, calls, and
 * operator chains of a million — answers P005 instead of overflowing the stack, and quickly:
 * under a second in the long run (`FUZZ=long`), where it is timed; in the short run it need
 * only answer. Each case sits in a real rule file, so the rest of the file is read as well.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { MAX_EXPRESSION_DEPTH, MAX_NESTING, MAX_SOURCE_LENGTH, parse, check } from "../../src/index.js";
import { fuzzParams, FUZZ_LONG, FUZZ_MODE } from "../../src/testing/index.js";
import { diagnoseSafely } from "./support.js";

const sample = readFileSync(new URL("../fixtures/clean.rules", import.meta.url), "utf8");
const FORMULA = "formula max(0, min(2, 证书数 - 1))";
const withFormula = (expr: string) => sample.replace(FORMULA, `formula ${expr}`);
const withRequire = (cond: string) => sample.replace('require "注册地": ', `require "注册地": ${cond}`);

const DEPTHS = [65, 1_000, 100_000, 1_000_000];

const SHAPES: [string, (n: number) => string][] = [
  ["parentheses", (n) => withFormula(`${"(".repeat(n)}证书数${")".repeat(n)}`)],
  ["not", (n) => withRequire("not ".repeat(n))],
  ["braces at the end", (n) => `${sample}\n${"{".repeat(n)}`],
  ["braces inside a section", (n) => sample.replace("item ② ", `item ② ${"{".repeat(n)}`)],
  ["braces closed again", (n) => `${sample}\n${"{".repeat(n)}${"}".repeat(n)}`],
  ["brackets", (n) => withFormula(`标准分值${"[".repeat(n)}角色`)],
  ["prefix minus", (n) => withFormula(`${"-".repeat(n)}证书数`)],
  ["not with parentheses", (n) => withRequire(`${"not (".repeat(n)}true${")".repeat(n)}`)],
  ["calls", (n) => withFormula(`${"max(0, ".repeat(n)}1${")".repeat(n)}`)],
  ["a chain of additions", (n) => withFormula(Array.from({ length: n }, () => "1").join(" + "))],
  ["a chain of and", (n) => withRequire("true and ".repeat(n))],
  ["a chain of products, no spaces", (n) => withFormula(Array.from({ length: n }, () => "2").join("*"))],
];

/**
 * Parses and checks; returns the P005s and the time taken. A text past MAX_SOURCE_LENGTH (a
 * million `not (` is 5 MB) is refused whole with M002, which counts here as the refusal.
 */
function timed(text: string): { p005: number; ms: number } {
  const t0 = performance.now();
  const diagnostics = check(parse(text)).diagnostics;
  const ms = performance.now() - t0;
  const code = text.length > MAX_SOURCE_LENGTH ? "M002" : "P005";
  return { p005: diagnostics.filter((d) => d.code === code).length, ms };
}

describe(`nesting up to 10⁶ deep gives P005 (${FUZZ_MODE}; timed < 1 s in the long run)`, () => {
  for (const [name, make] of SHAPES) {
    test.each(DEPTHS)(`${name}, %i deep`, (n) => {
      const text = make(n);
      // Nested 65 deep: a chain of 65 operators is fine (its limit is 256).
      const chain = name.startsWith("a chain");
      const { p005, ms } = timed(text);
      if (chain && n <= MAX_EXPRESSION_DEPTH) expect(p005).toBe(0);
      else expect(p005).toBe(1);
      if (FUZZ_LONG) expect(ms, `${name} ${n} deep took ${ms.toFixed(0)} ms`).toBeLessThan(1000);
      if (n === 1_000_000) console.log(`[fuzz] deep ${name} ×${n.toLocaleString("en")}: ${ms.toFixed(1)} ms`);
      if (n <= 100_000) diagnoseSafely(text);
    }, 120_000);
  }

  test("the depth limits themselves: 64 deep is read, 65 is refused", () => {
    const at = (n: number) => timed(withFormula(`${"(".repeat(n)}证书数${")".repeat(n)}`)).p005;
    // The braces of the section and the item around the formula count too.
    const around = 2;
    expect(at(MAX_NESTING - around)).toBe(0);
    expect(at(MAX_NESTING - around + 1)).toBe(1);
    // A chain of n operators is a tree n + 1 deep.
    const chain = (n: number) => timed(withFormula(Array.from({ length: n + 1 }, () => "1").join(" + "))).p005;
    expect(chain(MAX_EXPRESSION_DEPTH - 1)).toBe(0);
    expect(chain(MAX_EXPRESSION_DEPTH)).toBe(1);
  });

  test("random mixtures of openers, prefixes and chains, 65 to 10⁶ deep", () => {
    const opener = fc.constantFrom("(", "{", "[", "not ", "-", "max(", "not (", "count(L where ");
    const arb = fc.tuple(fc.array(opener, { minLength: 1, maxLength: 4 }), fc.integer({ min: MAX_NESTING + 1, max: FUZZ_LONG ? 1_000_000 : 50_000 }), fc.constantFrom("formula", "require", "top"));
    fc.assert(
      fc.property(arb, ([openers, n, where]) => {
        // n rounds of the openers: each round adds a bracket level, or lengthens a prefix run.
        const round = openers.join("");
        const body = round.repeat(Math.max(MAX_NESTING + 1, Math.min(n, Math.floor(4_000_000 / round.length))));
        const text = where === "formula" ? withFormula(body) : where === "require" ? withRequire(body) : `${sample}\n${body}`;
        const { p005, ms } = timed(text);
        // Depth counts brackets and prefix runs; a mixture of them n long nests past the limit.
        expect(p005).toBe(1);
        if (FUZZ_LONG) expect(ms).toBeLessThan(1000);
      }),
      fuzzParams(20, 300),
    );
  }, FUZZ_LONG ? 30 * 60_000 : 60_000);
});
