/**
 * Regression (found by the fuzz harness's deep-nesting property, packages/dsl/test/fuzz/deep.test.ts):
 * a rule file nested 10⁶ deep took 0.7–1.7 s to answer P005 (the whole text was lexed before the
 * nesting was measured), and a chain of 10⁶ additions (4 MB, under MAX_SOURCE_LENGTH) took 20 s:
 * the parser built a tree of a million nodes before the depth check refused it.
 *
 * Fix (parse.ts): a quick character scan of a text over QUICK_SCAN_LENGTH finds where nesting
 * (brackets and prefix runs) or an operator chain goes past its limit, and only the text up to
 * there is lexed; the token-level check now also counts operator chains, so P005 comes before
 * the parser builds anything.
 */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { check, parse, MAX_EXPRESSION_DEPTH, MAX_NESTING } from "../../../src/index.js";

const sample = readFileSync(new URL("../../fixtures/clean.rules", import.meta.url), "utf8");
const FORMULA = "formula max(0, min(2, 证书数 - 1))";

function p005(text: string) {
  const t = performance.now();
  const result = parse(text);
  const diagnostics = check(result).diagnostics;
  return { ms: performance.now() - t, result, p005: diagnostics.filter((d) => d.code === "P005") };
}

describe("deep nesting and long chains are refused before the whole text is read", () => {
  test("10⁶ parentheses: P005 at the 63rd, and the text after it is not lexed", () => {
    const text = `${sample.replace(FORMULA, `formula ${"(".repeat(1_000_000)}证书数${")".repeat(1_000_000)}`)}\n# a comment after the deep part\n`;
    const { ms, result, p005: found } = p005(text);
    expect(found).toHaveLength(1);
    expect(found[0]!.messageEn).toContain(`deeper than ${MAX_NESTING} levels`);
    // The quick path: what follows the P005 point was not lexed, so its comment is not there.
    expect(result.comments.map((c) => c.text)).not.toContain("# a comment after the deep part");
    expect(result.comments.map((c) => c.text)).toContain("# 2024 sample: every construct of the language, no mistakes");
    expect(ms).toBeLessThan(5_000); // 0.7–1.7 s before the fix, milliseconds after
  });

  test("a chain of 10⁶ additions: P005 for the chain, in well under the 20 s it took", () => {
    const text = sample.replace(FORMULA, `formula ${Array.from({ length: 1_000_000 }, () => "1").join(" + ")}`);
    const { ms, p005: found } = p005(text);
    expect(found).toHaveLength(1);
    expect(found[0]!.messageEn).toContain(`deeper than ${MAX_EXPRESSION_DEPTH} levels`);
    expect(found[0]!.span.start.line).toBe(sample.split("\n").findIndex((l) => l.includes(FORMULA)) + 1);
    expect(ms).toBeLessThan(5_000);
  });

  test("a chain just under the limit is read as before; a large file without deep nesting is lexed whole", () => {
    const chain = (n: number) => sample.replace(FORMULA, `formula ${Array.from({ length: n }, () => "1").join(" + ")}`);
    expect(p005(chain(MAX_EXPRESSION_DEPTH)).p005).toHaveLength(0);
    expect(p005(chain(MAX_EXPRESSION_DEPTH + 1)).p005).toHaveLength(1);
    // Table rows of negative numbers are not an operator chain.
    const rows = Array.from({ length: 400 }, () => "-1").join(" ");
    const table = `ruleset "t" { year 2025 total 1 }\nenum E { a }\ntable T (k: E) {\n  a: ${rows}\n}\n${"# padding\n".repeat(10_000)}`;
    const r = p005(table);
    expect(r.p005).toHaveLength(0);
    expect(r.result.comments).toHaveLength(10_000);
  });
});
