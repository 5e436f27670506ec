/**
 * Revision findings (S021–S023, H001–H005) on a realistic copy of 2024.rules for 2025, and their
 * quick fixes: each rewrites only the stale characters, after which the finding is gone.
 */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { applyTextEdits, check, codeActions, parse, type Diagnostic } from "../src/index.js";
import { moveToYear } from "../src/revision.js";

const RULES_2024 = readFileSync(new URL("../../../rules/2024.rules", import.meta.url), "utf8");

/** What an officer gets by copying 2024.rules and changing only the figures and the year. */
const COPY_2025 = RULES_2024
  .replace("  year 2024\n", "  year 2025\n")
  .replace('企业文化。(2.5 分)" points 2.5', '企业文化。(2.5 分)" points 2')
  .replace('item ② "高层领导与员工及其他相关方进行有效沟通，营造诚实守信、促进学习、改革创新和快速反应的环境。(2.5 分)" points 2.5', 'item ② "高层领导与员工及其他相关方进行有效沟通，营造诚实守信、促进学习、改革创新和快速反应的环境。(2.5 分)" points 3')
  .replace("base 2 plus 0.5 per further", "base 2 plus 1 per further")
  .replace("award 1 per 发明专利数, 0.5 per 实用新型专利数", "award 1.5 per 发明专利数, 0.5 per 实用新型专利数");

function findings(text: string): Diagnostic[] {
  return check(parse(text)).diagnostics.filter((d) => /^(S02[1-3]|H00\d)$/.test(d.code));
}

function summary(text: string): string[] {
  return findings(text).map((d) => `${d.code} ${d.span.start.line} ${text.slice(d.span.start.offset, d.span.end.offset)}`);
}

describe("revision findings", () => {
  test("rules/2024.rules checks with no findings at all", () => {
    expect(check(parse(RULES_2024)).diagnostics).toEqual([]);
  });

  test("a copy for 2025 with changed figures: every stale text, date and year is found", () => {
    const lines = summary(COPY_2025);
    expect(lines).toEqual([
      "H004 19 2024", // the title 2024年度…
      "H005 21 〔2024〕",
      "H001 22 2024-01-01",
      "H001 22 2024-12-31",
      "H004 25 2024", // the header's note
      "S022 175 2.5",
      "S022 176 2.5",
      "S022 189 0.5", // 三① 每增加 1 个加 0.5 分
      "S023 192 0.5", // its note: 其后每多 1 个加 0.5 分
      "S022 250 1", // 七③ 发明专利每个得 1 分
      "H002 331 2024-03-26",
      "H002 331 2024-04-26",
      "H002 341 2024-03-26",
      "H002 341 2024-04-26",
    ]);
    const d = findings(COPY_2025).find((x) => x.code === "S023")!;
    expect(d.message).toBe("三.1 的注释写每增加 1 个的加分 0.5 分，规则为 1 分：注释可能未随规则修改");
    expect(d.messageEn).toBe("a note of item 三.1 says increment per further one 0.5, but the rule says 1: the note may be stale");
    expect(findings(COPY_2025).every((x) => x.severity === "warning")).toBe(true);
  });

  test("quick fixes rewrite exactly the stale figure, date or year; the document number is left to the officer", () => {
    let text = COPY_2025;
    // Fix one finding at a time, as the editor does, re-checking after each edit.
    for (let guard = 0; guard < 50; guard++) {
      const d = findings(text).find((x) => x.data?.["replacement"] !== undefined);
      if (!d) break;
      const range = { start: { line: d.span.start.line, column: d.span.start.column }, end: { line: d.span.end.line, column: d.span.end.column } };
      const fix = codeActions(text, range).find((a) => a.diagnosticCode === d.code && a.isPreferred);
      expect(fix, `${d.code} on line ${d.span.start.line}`).toBeDefined();
      text = applyTextEdits(text, fix!.edits);
    }
    expect(summary(text)).toEqual(["H005 21 〔2024〕"]);
    expect(text).toContain('ruleset "2025年度质量信用等级认定工作技术指标"');
    expect(text).toContain("effective 2025-01-01 to 2025-12-31");
    expect(text).toContain("企业文化。(2 分)\" points 2");
    expect(text).toContain("快速反应的环境。(3 分)\" points 3");
    expect(text).toContain("(基础分 2 分, 每增加 1 个加 1 分, 最高不超过 4 分)");
    expect(text).toContain("其后每多 1 个加 1 分，最高 4 分");
    expect(text).toContain("发明专利每个得 1.5 分，实用新型、外观设计每个得 0.5 分");
    expect(text).toContain("window 2025-03-26 to 2025-04-26");
    // Nothing else moved: the only other changes are the ones listed above.
    expect(text.split("\n").length).toBe(COPY_2025.split("\n").length);
  });

  test("S021: a new section 十一 beside vetoes 十一 is an error, at the later of the two", () => {
    const text = RULES_2024.replace('section 十 "结果分析评价" weight 10', 'section 十一 "结果分析评价" weight 10');
    const d = check(parse(text)).diagnostics.filter((x) => x.code === "S021");
    expect(d).toHaveLength(1);
    expect(d[0]!.severity).toBe("error");
    expect(text.slice(d[0]!.span.start.offset, d[0]!.span.end.offset)).toBe("十一");
    expect(text.split("\n")[d[0]!.span.start.line - 1]).toContain("vetoes 十一");
    expect(d[0]!.messageEn).toMatch(/results would show two 十一\.1/);
  });

  test("figures that agree, and figures the rule cannot check, are left alone", () => {
    // Take-highest items print branch figures, not the item's points: no finding.
    expect(summary(RULES_2024)).toEqual([]);
    // A text naming this year, or a date in it, is fine; an ambiguous pair gives a warning without a fix.
    const ambiguous = RULES_2024.replace("award 1 per 发明专利数, 0.5 per 实用新型专利数, 0.5 per 外观设计专利数", "award 1 per 发明专利数, 0.25 per 实用新型专利数, 0.75 per 外观设计专利数");
    const d = findings(ambiguous);
    expect(d.map((x) => [x.code, x.data?.["printed"], x.data?.["replacement"]])).toEqual([["S022", "0.5", undefined]]);
  });

  test("moveToYear keeps the calendar day; 29 February becomes the 28th in a common year", () => {
    expect(moveToYear("2024-03-26", 2025)).toBe("2025-03-26");
    expect(moveToYear("2024-02-29", 2025)).toBe("2025-02-28");
    expect(moveToYear("2023-02-28", 2024)).toBe("2024-02-28");
  });
});
