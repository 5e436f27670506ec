/** Each visual edit → the exact minimal change of the text; comments and other rules untouched. */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { check, parse, edits as E } from "../src/index.js";

const base = `# 示例
ruleset "t" {
  year 2025
  total 10
}

input 证书数: count "证书数" max 50
input 获奖: yesno "获奖"

section 一 "第一部分" weight 6 { # 行尾注释
  # ①的说明
  item ① "甲" points 2 { judged }
  item ② "乙" points 4 {
    base 2 plus 0.5 per further 证书数
    cap 4
  }
}

section 二 "第二部分" weight 4 {
  item ① "丙" points 4 { award 4 when 获奖 }
}

grade A { pass 6 }

experts { combine mean }
`;

const run = (text: string, es: E.TextEdit[]) => E.applyEdits(text, es);

describe("visual edits as minimal text edits", () => {
  test("set an item's points: only the number changes", () => {
    const es = E.setItemPoints(base, "一.1", "2.50");
    expect(es).toEqual([{ start: base.indexOf("points 2 {") + 7, end: base.indexOf("points 2 {") + 8, text: "2.5" }]);
    expect(run(base, es)).toBe(base.replace('item ① "甲" points 2 {', 'item ① "甲" points 2.5 {'));
  });

  test("set, add and remove a cap", () => {
    expect(run(base, E.setItemCap(base, "一.2", "3"))).toBe(base.replace("    cap 4\n", "    cap 3\n"));
    expect(run(base, E.setItemCap(base, "一.2", null))).toBe(base.replace("    cap 4\n", ""));
    expect(run(base, E.setItemCap(base, "一.1", "2"))).toBe(base.replace('{ judged }\n  item ②', '{ judged cap 2 }\n  item ②'));
  });

  test("section weight, title, total, pass mark, quota, window", () => {
    expect(run(base, E.setSectionWeight(base, "二", "5"))).toBe(base.replace('"第二部分" weight 4', '"第二部分" weight 5'));
    expect(run(base, E.setSectionTitle(base, "二", "第二"))).toBe(base.replace('"第二部分"', '"第二"'));
    expect(run(base, E.setTotal(base, "11"))).toBe(base.replace("total 10", "total 11"));
    expect(run(base, E.setPassMark(base, "A", "7"))).toBe(base.replace("pass 6", "pass 7"));
    expect(run(base, E.setQuota(base, "A", "15"))).toBe(base.replace("grade A {", "grade A {\n  quota 15 per city"));
    expect(run(base, E.setWindow(base, "A", "2025-03-26", "2025-04-26"))).toBe(base.replace("grade A {", "grade A {\n  window 2025-03-26 to 2025-04-26"));
  });

  test("remove an item: its lines go, the comment above stays", () => {
    const after = run(base, E.removeItem(base, "一.1"));
    expect(after).toBe(base.replace('  item ① "甲" points 2 { judged }\n', ""));
    expect(after).toContain("# ①的说明");
  });

  test("duplicate an item: a copy below with the next number", () => {
    expect(run(base, E.duplicateItem(base, "二.1"))).toBe(base.replace('  item ① "丙" points 4 { award 4 when 获奖 }\n', '  item ① "丙" points 4 { award 4 when 获奖 }\n  item ② "丙" points 4 { award 4 when 获奖 }\n'));
  });

  test("move an item: the two swap places, numbers stay in order, comments stay put", () => {
    const after = run(base, E.moveItem(base, "一.2", -1));
    expect(after).toBe(base
      .replace('  item ① "甲" points 2 { judged }\n', "@@A")
      .replace('  item ② "乙" points 4 {\n    base 2 plus 0.5 per further 证书数\n    cap 4\n  }\n', "@@B")
      .replace("@@A", '  item ① "乙" points 4 {\n    base 2 plus 0.5 per further 证书数\n    cap 4\n  }\n')
      .replace("@@B", '  item ② "甲" points 2 { judged }\n'));
    expect(E.moveItem(base, "一.1", -1)).toEqual([]);
  });

  test("add an item with tiers", () => {
    const after = run(base, E.addItem(base, "二", "研发投入", "2", "Tiers", "证书数"));
    expect(after).toBe(base.replace('  item ① "丙" points 4 { award 4 when 获奖 }\n}', '  item ① "丙" points 4 { award 4 when 获奖 }\n  item ② "研发投入" points 2 {\n    tiers 证书数 {\n      >= 5 award 2\n      >= 3 award 1\n    }\n  }\n}'));
    expect(parse(after).diagnostics).toEqual([]);
  });

  test("change a scoring form, on one line and in a block", () => {
    expect(run(base, E.changeForm(base, "一.1", "Fixed", "获奖"))).toBe(base.replace("{ judged }\n  item ②", "{ award 2 when 获奖 }\n  item ②"));
    const block = run(base, E.changeForm(base, "一.1", "TakeMax", "获奖"));
    expect(block).toContain('  item ① "甲" points 2 {\n    highest {\n      award 2 "最高一档" when 获奖\n    }\n  }\n');
    expect(parse(block).diagnostics).toEqual([]);
    expect(run(base, E.changeForm(base, "一.2", "Judged"))).toBe(base.replace("    base 2 plus 0.5 per further 证书数\n", "    judged\n"));
  });

  test("form parameters: points of a branch, a tier's threshold", () => {
    const t = run(base, E.addItem(base, "二", "研发投入", "2", "Tiers", "证书数"));
    expect(run(t, E.setTierThreshold(t, "二.2", 1, "2"))).toBe(t.replace(">= 3 award 1", ">= 2 award 1"));
    expect(run(t, E.setFormPoints(t, "二.2", 0, "3"))).toBe(t.replace(">= 5 award 2", ">= 5 award 3"));
    expect(run(base, E.setFormPoints(base, "一.2", 1, "1"))).toBe(base.replace("plus 0.5 per", "plus 1 per"));
  });

  test("inputs, vetoes and sections", () => {
    const withInput = run(base, E.addInput(base, "研发投入占比", "decimal", "研发投入占比", 'min 0 max 100 unit "%"'));
    expect(withInput).toBe(base.replace('input 获奖: yesno "获奖"\n', 'input 获奖: yesno "获奖"\n\ninput 研发投入占比: decimal "研发投入占比" min 0 max 100 unit "%"\n'));
    const withSection = run(base, E.addSection(base, "三", "第三部分", "0"));
    expect(withSection).toContain('\nsection 三 "第三部分" weight 0 {\n}\n');
    expect(run(withSection, E.removeSection(withSection, "三"))).toBe(base);
  });

  test("a table cell", () => {
    const text = readFileSync(new URL("../../../rules/2024.rules", import.meta.url), "utf8");
    const after = run(text, E.setTableCell(text, "标准分值", "主导", "国际", "3"));
    expect(after).toBe(text.replace("主导:   2.5  2    1.5  1", "主导:   3  2    1.5  1"));
  });

  test("on rules/2024.rules every edit keeps every comment and checks as expected", () => {
    const text = readFileSync(new URL("../../../rules/2024.rules", import.meta.url), "utf8");
    let t = text;
    t = run(t, E.setItemCap(t, "七.3", "3"));
    t = run(t, E.setItemPoints(t, "七.3", "3"));
    t = run(t, E.setFormPoints(t, "七.3", 0, "1.5"));
    t = run(t, E.setSectionWeight(t, "七", "13"));
    t = run(t, E.removeItem(t, "八.10"));
    t = run(t, E.removeItem(t, "八.9"));
    t = run(t, E.setSectionWeight(t, "八", "8"));
    t = run(t, E.addItem(t, "八", "研发投入", "1", "Judged"));
    t = run(t, E.setSectionWeight(t, "八", "9"));
    const comments = (s: string) => parse(s).comments.map((c) => c.text);
    expect(comments(t)).toEqual(comments(text));
    const c = check(parse(t));
    expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(c.model.summary.weightSum).toBe(100_000_000);
  });
});
