/**
 * Regression (found by packages/dsl/test/limits.test.ts): with more than MAX_DIAGNOSTICS
 * diagnostics from the parser, `check` said "too many diagnostics; 1 more not shown" when 400
 * were left out. The parser capped its list (100 + M001 "400 more"); the checker capped the
 * parser's list again, counted the parser's M001 as the one diagnostic too many, and dropped it.
 *
 * Fix (diagnostics.ts, finishDiagnostics): M001 carries its count in `data`, and a list that
 * already holds one keeps the count when it is capped again.
 */
import { describe, expect, test } from "vitest";
import { check, parse, MAX_DIAGNOSTICS } from "../../../src/index.js";

describe("M001 counts every diagnostic left out", () => {
  test("500 lexer errors: 100 shown, M001 says 400 more, after parse and after check", () => {
    const text = "@\n".repeat(500);
    for (const diagnostics of [parse(text).diagnostics, check(parse(text)).diagnostics]) {
      expect(diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
      const m001 = diagnostics.at(-1)!;
      expect(m001.code).toBe("M001");
      expect(m001.message).toBe("诊断过多，其余 400 条未列出");
      expect(m001.messageEn).toBe("too many diagnostics; 400 more not shown");
    }
  });

  test("parser and checker both over the cap: the counts add up", () => {
    // 150 unknown characters (parser) and 150 unknown names (checker) in 150 items.
    const items = Array.from({ length: 150 }, (_, i) => `  item ${i + 1} "x" points 1 { award 1 when 未知${i} } @`).join("\n");
    const text = `ruleset "t" { year 2025 total 150 }\nsection 一 "s" weight 150 {\n${items}\n}\n`;
    const all = check(parse(text)).diagnostics;
    const shown = all.filter((d) => d.code !== "M001").length;
    const more = Number(all.at(-1)!.data?.["count"]);
    expect(shown).toBe(MAX_DIAGNOSTICS);
    expect(all.at(-1)!.code).toBe("M001");
    // Every diagnostic is either shown or counted: none is lost between parse and check.
    const parsed = parse(text).diagnostics;
    const parserTotal = parsed.filter((d) => d.code !== "M001").length + Number(parsed.at(-1)?.data?.["count"] ?? 0);
    expect(shown + more).toBeGreaterThanOrEqual(parserTotal);
  });
});
