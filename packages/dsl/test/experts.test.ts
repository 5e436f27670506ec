/**
 * Expert rules per section and item: the grammar, the AST's spans, inheritance item → section →
 * file, the checker's silence on a correct file, and the formatter's canonical form.
 */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { check, completions, diffRuleFiles, effectiveExperts, fileExperts, foldingRanges, format, hover, outline, parse, type SectionDecl } from "../src/index.js";
import { stripSpans } from "../src/testing/index.js";

const RULES_2024 = readFileSync(new URL("../../../rules/2024.rules", import.meta.url), "utf8");

/** 2024.rules with the example: 十 by at least four experts, plain mean to 0.5; 十② trimmed. */
export const WITH_SECTION_RULE = RULES_2024.replace(
  `section 十 "结果分析评价" weight 10 {
  item ① "建立绩效测量系统,监测整体绩效,支持组织的决策、改进和创新。(2分)" points 2 { judged }
  item ② "根据绩效评价结果,确定改进的优先次序,明确创新方向及路径。(2分)" points 2 { judged }`,
  `section 十 "结果分析评价" weight 10 {
  experts {
    combine mean
    round 0.5
    at least 4 experts
    note "十由至少 4 位专家评分，取平均，按 0.5 分四舍五入。"
  }
  item ① "建立绩效测量系统,监测整体绩效,支持组织的决策、改进和创新。(2分)" points 2 { judged }
  item ② "根据绩效评价结果,确定改进的优先次序,明确创新方向及路径。(2分)" points 2 {
    judged
    # 本项去掉最高分和最低分
    experts { combine trimmed mean }
  }`,
);

function section(text: string, id: string): SectionDecl {
  const d = parse(text).ast.declarations.find((x): x is SectionDecl => x.type === "Section" && x.id.value === id);
  if (!d) throw new Error(`no section ${id}`);
  return d;
}

describe("experts per section and item", () => {
  test("the issue's example parses and checks with no findings", () => {
    expect(WITH_SECTION_RULE).not.toBe(RULES_2024);
    const p = parse(WITH_SECTION_RULE);
    expect(p.diagnostics).toEqual([]);
    expect(check(p).diagnostics).toEqual([]);
  });

  test("the AST holds each level's block with the spans of its clauses", () => {
    const ten = section(WITH_SECTION_RULE, "十");
    expect(ten.experts?.combine?.value).toBe("mean");
    expect(ten.experts?.round?.value).toBe("0.5");
    expect(ten.experts?.atLeast?.value).toBe("4");
    expect(ten.experts?.notes.map((n) => n.text.value)).toEqual(["十由至少 4 位专家评分，取平均，按 0.5 分四舍五入。"]);
    const at = ten.experts!.atLeast!.span;
    expect(WITH_SECTION_RULE.slice(at.start.offset, at.end.offset)).toBe("4");
    const blockText = WITH_SECTION_RULE.slice(ten.experts!.span.start.offset, ten.experts!.span.end.offset);
    expect(blockText.startsWith("experts {")).toBe(true);
    expect(blockText.endsWith("}")).toBe(true);
    expect(ten.items[0]!.experts).toBeNull();
    expect(ten.items[1]!.experts?.combine?.value).toBe("trimmed mean");
    expect(ten.items[1]!.experts?.round).toBeNull();
    expect(section(WITH_SECTION_RULE, "九").experts).toBeNull();
  });

  test("a nested block inherits every clause it leaves out: item → section → file", () => {
    const ast = parse(WITH_SECTION_RULE).ast;
    const file = fileExperts(ast);
    const ten = section(WITH_SECTION_RULE, "十");
    const nine = section(WITH_SECTION_RULE, "九");
    expect(effectiveExperts(file, nine, nine.items[0]!)).toMatchObject({
      combine: "trimmed mean", round: "0.01", spread: "1", atLeast: null, level: "file",
      from: { combine: "file", round: "file", spread: "file", atLeast: "none" },
    });
    expect(effectiveExperts(file, ten, ten.items[0]!)).toMatchObject({
      combine: "mean", round: "0.5", spread: "1", atLeast: 4, level: "section", span: ten.experts!.span,
      from: { combine: "section", round: "section", spread: "file", atLeast: "section" },
    });
    expect(effectiveExperts(file, ten, ten.items[1]!)).toMatchObject({
      combine: "trimmed mean", round: "0.5", spread: "1", atLeast: 4, level: "item", span: ten.items[1]!.experts!.span,
      from: { combine: "item", round: "section", spread: "file", atLeast: "section" },
    });
    expect(effectiveExperts(null, null, null)).toMatchObject({ combine: null, level: "none", span: null });
  });

  test("the checker records each judged item's effective rule in the model", () => {
    const { model } = check(parse(WITH_SECTION_RULE));
    expect(model.items.get("十.1")?.experts?.level).toBe("section");
    expect(model.items.get("十.2")?.experts?.combine).toBe("trimmed mean");
    expect(model.items.get("一.1")?.experts?.level).toBe("file");
    expect(model.items.get("三.1")?.experts).toBeNull();
  });

  test("the formatter puts a section's rule first and an item's after its form, keeps comments, and is idempotent", () => {
    const messy = `ruleset "t" { year 2025 total 4 }
section 一 "甲" weight 4 {
  item ① "a" points 2 { judged }
  item ② "b" points 2 { judged experts { round 0.5  combine mean } }
  experts { at least 3 experts   combine trimmed mean # 三位以上
  }
}
experts { combine mean }
grade A { pass 1 }
`;
    const expected = `ruleset "t" {
  year 2025
  total 4
}

section 一 "甲" weight 4 {
  experts {
    combine trimmed mean # 三位以上
    at least 3 experts
  }
  item ① "a" points 2 { judged }
  item ② "b" points 2 {
    judged
    experts {
      combine mean
      round 0.5
    }
  }
}

experts {
  combine mean
}

grade A {
  pass 1
}
`;
    const r = format(messy);
    expect(r.diagnostics).toEqual([]);
    expect(r.text).toBe(expected);
    expect(format(expected).text).toBe(expected);
    expect(stripSpans(parse(expected).ast)).toEqual(stripSpans(parse(messy).ast));
  });

  test("2024.rules and the example with a section rule are already in canonical form", () => {
    expect(format(RULES_2024).text).toBe(RULES_2024);
    expect(format(WITH_SECTION_RULE).text).toBe(WITH_SECTION_RULE);
  });

  test("two blocks at one level: X002 from the parser, and the formatter leaves the text alone", () => {
    const text = `ruleset "t" { year 2025 total 2 }
section 一 "甲" weight 2 {
  item ① "a" points 2 { judged experts { combine mean } experts { round 1 } }
}
experts { combine mean }
grade A { pass 1 }
`;
    const codes = check(parse(text)).diagnostics.map((d) => d.code);
    expect(codes).toEqual(["X002"]);
    expect(format(text).text).toBe(text);
  });

  test("editor services: outline, folding, completion and hover know nested blocks", () => {
    const text = WITH_SECTION_RULE;
    const lines = text.split("\n");
    const lineOf = (needle: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
    const tenLine = lineOf('section 十 "结果分析评价"');
    const ten = outline(text).find((s) => s.name.startsWith("十 "))!;
    expect(ten.children[0]).toMatchObject({ name: "experts", detail: "mean · round 0.5 · at least 4" });
    expect(ten.children.find((c) => c.detail === "十.2")!.children.map((c) => [c.name, c.detail])).toEqual([["experts", "trimmed mean"]]);
    const blockLine = lineOf("experts {", tenLine);
    expect(foldingRanges(text).some((f) => f.startLine === blockLine)).toBe(true);
    // Inside the section's block, the clauses; `at least … experts` among them.
    const inBlock = completions(text, { line: blockLine + 1, column: 5 }).map((c) => c.label);
    expect(inBlock).toContain("at least … experts");
    // In the section's body, an experts block is offered beside item.
    const sectionBody = lineOf("item ①", tenLine);
    expect(completions(text, { line: sectionBody, column: 3 }).map((c) => c.label)).toEqual(expect.arrayContaining(["item", "experts"]));
    // Hovering an item's number says which rule its scores follow.
    const item2 = lineOf("item ②", tenLine);
    const h = hover(text, { line: item2, column: lines[item2 - 1]!.indexOf("②") + 1 })!;
    expect(h.contents).toContain("专家评分：十.2 项的专家评分规则，去掉最高最低后平均，按 0.5 取整，相差超过 1 分提示复核，至少 4 位专家");
    const nine = lineOf("item ①", lineOf('section 九 "顾客满意调查"'));
    expect(hover(text, { line: nine, column: lines[nine - 1]!.indexOf("①") + 1 })!.contents).toContain("专家评分：全文件的专家评分规则");
    const least = lines[blockLine + 2]!;
    expect(least.trim()).toBe("at least 4 experts");
    expect(hover(text, { line: blockLine + 3, column: least.indexOf("least") + 1 })!.contents).toContain("至少须有 N 位专家评分");
  });

  test("the diff reports a section's and an item's expert rule added, changed and removed", () => {
    const d = diffRuleFiles(RULES_2024, WITH_SECTION_RULE);
    expect(d.changes.filter((c) => c.path.startsWith("experts")).map((c) => [c.kind, c.path, c.what])).toEqual([
      ["experts-added", "experts@十", "新增第十部分的专家评分规则（平均，取整 0.5，至少 4 位专家）"],
      ["experts-added", "experts@十.2", "新增第十部分②的专家评分规则（去掉最高最低分后平均）"],
    ]);
    const changed = diffRuleFiles(WITH_SECTION_RULE, WITH_SECTION_RULE.replace("at least 4 experts", "at least 5 experts"));
    expect(changed.changes.map((c) => [c.kind, c.path, c.what, c.whatEn])).toEqual([
      ["experts-changed", "experts@十", "第十部分的专家评分 至少专家人数 4 → 5", "section 十's experts: at least 4 → 5"],
    ]);
    expect(diffRuleFiles(WITH_SECTION_RULE, RULES_2024).changes.map((c) => c.kind)).toEqual(["experts-removed", "experts-removed"]);
  });
});
