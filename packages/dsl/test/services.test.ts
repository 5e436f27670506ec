import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  analyze,
  applyTextEdits,
  codeActions,
  completions,
  definition,
  foldingRanges,
  hover,
  isRenameError,
  keywordWords,
  onServiceError,
  outline,
  prepareRename,
  references,
  rename,
  semanticTokens,
  type EditorPosition,
  type EditorRange,
  type OutlineSymbol,
} from "../src/index.js";

const RULES_2024 = fileURLToPath(new URL("../../../rules/2024.rules", import.meta.url));

/** Strips the `|` cursor marker and returns the text and the cursor's position. */
function cursor(src: string): { text: string; pos: EditorPosition } {
  const i = src.indexOf("|");
  if (i === -1) throw new Error("no cursor marker");
  const text = src.slice(0, i) + src.slice(i + 1);
  const lines = text.slice(0, i).split("\n");
  return { text, pos: { line: lines.length, column: lines[lines.length - 1]!.length + 1 } };
}

/** The text a range covers. */
function slice(text: string, r: EditorRange): string {
  const lines = text.split("\n");
  if (r.start.line !== r.end.line) throw new Error("multi-line range");
  return lines[r.start.line - 1]!.slice(r.start.column - 1, r.end.column - 1);
}

/** The position of the `n`th (0-based) occurrence of `needle`, plus `offset` columns. */
function find(text: string, needle: string, n = 0, offset = 0): EditorPosition {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = text.indexOf(needle, i + 1);
    if (i === -1) throw new Error(`${needle} #${n} not found`);
  }
  const lines = text.slice(0, i).split("\n");
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 + offset };
}

function codes(text: string): string[] {
  return analyze(text).diagnostics.map((d) => d.code);
}

const RULES = `# 测试规则
# 第二行注释
ruleset "测试规则" {
  year 2024
  total 10
  application date 申报日期
}

enum 级别 "级别" { 国家 "国家级" 省级 "省级" }

record 证书 "证书" {
  等级: 级别 "等级" en "Level"
  日期: date "日期"
}

input 申报日期: date "申报日期" en "Application date"
input 证书数: count "有效证书数"
  en "Valid certificates"
  max 10
  unit "个"
  help "仍在有效期内的证书"
input 证书列表: list of 证书 "证书列表"
input 奖项: 级别 "奖项级别" optional

table 分值 "每项得分" (等级: 级别) {
  国家: 2
  省级: 1
}

section 一 "质量管理体系" weight 10 {
  item ① "通过 ISO9000、IATF16949 等相关体系认证, 证书有效" points 4 {
    base 2 plus 0.5 per further 证书数
    cap 4
  }
  item ② "审核" points 2 { judged }
  item ③ "奖项" points 2 { award 2 when 奖项 == 国家 }
  item ④ "证书" points 2 {
    sum over 证书列表 of 分值[等级]
    cap 2
  }
}

vetoes 二 "否决项" {
  veto ① "两年内" when any(证书列表 where 等级 == 国家 and 日期 within 2 years before 申报日期)
}

grade A "质量信用A级" {
  pass 6
}

experts { combine mean }
`;

describe("analysis", () => {
  test("the base rules check clean", () => {
    expect(codes(RULES)).toEqual([]);
  });

  test("analyze caches by text", () => {
    const a = analyze(RULES);
    expect(analyze(RULES)).toBe(a);
    expect(a.text).toBe(RULES);
    expect(a.parse.ast.declarations.length).toBeGreaterThan(5);
    expect(a.check.model.symbols.has("证书数")).toBe(true);
  });

  test("positions round-trip, with CRLF too", () => {
    const a = analyze(RULES);
    const p = find(RULES, "证书数", 0);
    expect(a.positionAt(a.offsetAt(p))).toEqual(p);
    const crlf = analyze(RULES.replace(/\n/g, "\r\n"));
    expect(definition(crlf, find(RULES, "证书数", 1))).toEqual(definition(RULES, find(RULES, "证书数", 1)));
  });
});

describe("semanticTokens", () => {
  const tokens = semanticTokens(analyze(RULES));
  const kindAt = (needle: string, n = 0) => {
    const p = find(RULES, needle, n);
    return tokens.find((t) => t.line === p.line && t.column === p.column)?.kind;
  };

  test("keywords by category, names by what they resolve to", () => {
    expect(kindAt("ruleset")).toBe("keyword");
    expect(kindAt("award")).toBe("formKeyword");
    expect(kindAt("base")).toBe("formKeyword");
    expect(kindAt("count")).toBe("type");
    expect(kindAt("any(")).toBe("function");
    expect(kindAt("within")).toBe("operator");
    expect(kindAt("==")).toBe("operator");
    expect(kindAt('"测试规则"')).toBe("string");
    expect(kindAt("2024")).toBe("number");
    expect(kindAt("# 测试规则")).toBe("comment");
    expect(kindAt("①")).toBe("itemNumber");
    expect(kindAt("一 ")).toBe("itemNumber");
    expect(kindAt("A ")).toBe("grade");
    // Definition sites.
    expect(kindAt("级别 \"级别\"")).toBe("enum");
    expect(kindAt("国家 \"国家级\"")).toBe("enumMember");
    expect(kindAt("证书 \"证书\"")).toBe("record");
    expect(kindAt("等级: 级别 \"等级\"")).toBe("field");
    expect(kindAt("证书数: count")).toBe("input");
    expect(kindAt("分值 \"每项得分\"")).toBe("table");
    // References.
    expect(kindAt("证书数", 2)).toBe("input");
    expect(kindAt("国家", 2)).toBe("enumMember");
    expect(kindAt("分值[")).toBe("table");
    expect(kindAt("等级]")).toBe("field");
    expect(kindAt("申报日期", 0)).toBe("input");
  });

  test("every reserved word is coloured as a keyword kind", () => {
    for (const w of keywordWords) {
      const [t] = semanticTokens(w);
      expect(t, w).toBeDefined();
      expect(["keyword", "formKeyword", "type", "function", "operator"], w).toContain(t!.kind);
    }
    // A function word is a function only when called.
    expect(semanticTokens("max(1, 2)")[0]!.kind).toBe("function");
  });

  test("tokens are in order and lengths are in UTF-16 units", () => {
    for (let i = 1; i < tokens.length; i++) {
      const a = tokens[i - 1]!;
      const b = tokens[i]!;
      expect(a.line < b.line || (a.line === b.line && a.column < b.column)).toBe(true);
    }
    const p = find(RULES, "证书列表");
    expect(tokens.find((t) => t.line === p.line && t.column === p.column)?.length).toBe(4);
  });
});

describe("outline", () => {
  const symbols = outline(analyze(RULES));

  test("top-level symbols in source order", () => {
    expect(symbols.map((s) => [s.name, s.kind])).toEqual([
      ["测试规则", "namespace"],
      ["级别", "enum"],
      ["证书", "struct"],
      ["申报日期", "variable"],
      ["证书数", "variable"],
      ["证书列表", "variable"],
      ["奖项", "variable"],
      ["分值", "object"],
      ["一 质量管理体系 (10 分)", "module"],
      ["二 否决项", "module"],
      ["A 质量信用A级", "class"],
      ["experts", "object"],
    ]);
  });

  test("sections hold their items, with truncated text", () => {
    const section = symbols.find((s) => s.name.startsWith("一"))!;
    expect(section.children.map((c) => c.name)).toEqual([
      "① 通过 ISO9000、IATF1… (4 分)",
      "② 审核 (2 分)",
      "③ 奖项 (2 分)",
      "④ 证书 (2 分)",
    ]);
    const first = section.children[0]!;
    expect(slice(RULES, first.selectionRange)).toBe("①");
    expect(first.range.start.line).toBe(find(RULES, "item ①").line);
    expect(first.range.end.line).toBe(first.range.start.line + 3);
    expect(slice(RULES, section.selectionRange)).toBe("一");
  });

  test("enums and records list their members and fields", () => {
    expect(symbols[1]!.children.map((c) => c.name)).toEqual(["国家", "省级"]);
    expect(symbols[2]!.children.map((c) => [c.name, c.detail])).toEqual([["等级", "级别 等级"], ["日期", "date 日期"]]);
    expect(symbols[4]!.detail).toBe("count 有效证书数");
  });

  test("every selection range lies inside its range", () => {
    const inside = (r: EditorRange, s: EditorRange) =>
      (s.start.line > r.start.line || (s.start.line === r.start.line && s.start.column >= r.start.column)) &&
      (s.end.line < r.end.line || (s.end.line === r.end.line && s.end.column <= r.end.column));
    const walk = (list: readonly OutlineSymbol[]) => {
      for (const s of list) {
        expect(inside(s.range, s.selectionRange), s.name).toBe(true);
        walk(s.children);
      }
    };
    walk(symbols);
  });
});

describe("definition and references", () => {
  const a = analyze(RULES);

  test("an input used in an item", () => {
    const def = definition(a, find(RULES, "证书数", 2, 1));
    expect(def).toEqual({ start: find(RULES, "证书数: count"), end: find(RULES, "证书数: count", 0, 3) });
  });

  test("a field used in a table lookup and a quantifier", () => {
    const def = definition(a, find(RULES, "等级]"));
    expect(def?.start).toEqual(find(RULES, "等级: 级别 \"等级\""));
    const refs = references(a, find(RULES, "等级]"), false);
    expect(refs.map((r) => slice(RULES, r))).toEqual(["等级", "等级"]);
    expect(refs[0]!.start).toEqual(find(RULES, "等级]"));
  });

  test("an enum member everywhere it is written", () => {
    const refs = references(a, find(RULES, "== 国家", 0, 3), true);
    const starts = refs.map((r) => r.start);
    expect(starts).toEqual([
      find(RULES, "国家 \"国家级\""),
      find(RULES, "国家: 2"),
      find(RULES, "== 国家", 0, 3),
      find(RULES, "== 国家", 1, 3),
    ]);
    expect(references(a, find(RULES, "== 国家", 0, 3), false)).toHaveLength(3);
  });

  test("nothing at a keyword or in a string", () => {
    expect(definition(a, find(RULES, "award"))).toBeNull();
    expect(references(a, find(RULES, "\"审核\"", 0, 1), true)).toEqual([]);
  });

  test("a cursor right after a name still finds it", () => {
    expect(definition(a, find(RULES, "证书数", 2, 3))?.start).toEqual(find(RULES, "证书数: count"));
  });
});

describe("hover", () => {
  const a = analyze(RULES);

  test("an input: type, labels, bounds, unit, help", () => {
    const h = hover(a, find(RULES, "证书数", 2, 1))!;
    expect(h.contents).toContain("`count`");
    expect(h.contents).toContain("有效证书数");
    expect(h.contents).toContain("Valid certificates");
    expect(h.contents).toContain("最大 10");
    expect(h.contents).toContain("个");
    expect(h.contents).toContain("仍在有效期内的证书");
    expect(h.contents.indexOf("有效证书数")).toBeLessThan(h.contents.indexOf("Valid certificates"));
    expect(slice(RULES, h.range)).toBe("证书数");
  });

  test("an optional enum input and a list input show their types as written", () => {
    expect(hover(a, find(RULES, "奖项 =="))!.contents).toMatch(/`级别`[\s\S]*optional/);
    expect(hover(a, find(RULES, "证书列表 of"))!.contents).toContain("`list of 证书`");
  });

  test("an enum member: its enum and label", () => {
    const h = hover(a, find(RULES, "== 国家", 0, 3))!;
    expect(h.contents).toContain("国家级");
    expect(h.contents).toContain("级别");
    expect(h.contents).toContain("enum member");
  });

  test("a table: keys and value range", () => {
    const h = hover(a, find(RULES, "分值["))!;
    expect(h.contents).toContain("等级: 级别");
    expect(h.contents).toContain("1–2");
  });

  test("an item's number: reachable range against its points and cap", () => {
    const h = hover(a, find(RULES, "①"))!;
    expect(h.contents).toContain("可得 0–4 分");
    expect(h.contents).toContain("分值 4 分");
    expect(h.contents).toContain("封顶 4");
    expect(h.contents).toContain("reachable 0–4");
    expect(slice(RULES, h.range)).toBe("①");
    expect(hover(a, find(RULES, "\"审核\"", 0, 1))!.contents).toContain("可得 0–2 分");
  });

  test("a section's id: reachable total against weight", () => {
    const h = hover(a, find(RULES, "一 \"质量"))!;
    expect(h.contents).toContain("可得 0–10 分，满分 10 分");
    expect(h.contents).toContain("reachable 0–10, of 10 points");
  });

  test("a keyword: one line in Chinese and English", () => {
    const h = hover(a, find(RULES, "judged", 0, 2))!;
    expect(h.contents).toContain("专家");
    expect(h.contents).toContain("experts award");
    expect(slice(RULES, h.range)).toBe("judged");
    expect(hover(a, find(RULES, "any(", 0, 1))!.contents).toContain("any(列表 where 条件)");
  });

  test("nothing on blank space", () => {
    expect(hover(a, { line: 8, column: 1 })).toBeNull();
  });
});

describe("completions", () => {
  const labels = (src: string) => {
    const { text, pos } = cursor(src);
    return completions(analyze(text), pos).map((c) => c.label);
  };
  const head = RULES.slice(0, RULES.indexOf("section 一"));

  test("at the start of a top-level line: declarations", () => {
    const l = labels(`${head}|`);
    expect(l).toEqual(expect.arrayContaining(["ruleset", "enum", "record", "input", "table", "section", "vetoes", "eligibility", "grade", "experts"]));
    const { text, pos } = cursor(`${head}|`);
    const section = completions(analyze(text), pos).find((c) => c.label === "section")!;
    expect(section.isSnippet).toBe(true);
    expect(section.insertText).toContain("${1:");
  });

  test("inside a section: the item snippet, numbered next", () => {
    const { text, pos } = cursor(`${head}section 三 "x" weight 2 {\n  item ① "a" points 2 { judged }\n  |\n}\n`);
    const item = completions(analyze(text), pos).find((c) => c.label === "item")!;
    expect(item.insertText).toContain("②");
  });

  test("at the start of a half-typed item body: scoring forms, cap, note", () => {
    for (const src of [`${head}section 三 "x" weight 2 {\n  item ① "x" points 2 {|`, `${head}section 三 "x" weight 2 {\n  item ① "x" points 2 {\n    |`]) {
      const l = labels(src);
      expect(l).toEqual(expect.arrayContaining(["judged", "award … when …", "award … per …", "base … plus … per further …", "highest { … }", "sum over … of table[…]", "tiers … { >= … }", "formula", "cap", "note"]));
    }
  });

  test("after the form, on a new line: cap and note", () => {
    const l = labels(`${head}section 三 "x" weight 2 {\n  item ① "x" points 2 {\n    award 2 when 获奖\n    |`);
    expect(l).toContain("cap");
    expect(l).toContain("note");
    expect(l).not.toContain("judged");
  });

  test("in an expression: inputs with their Chinese labels, functions, word operators", () => {
    const { text, pos } = cursor(`${head}section 三 "x" weight 2 {\n  item ① "x" points 2 {\n    award 2 when 证|`);
    const list = completions(analyze(text), pos);
    const input = list.find((c) => c.label === "证书数")!;
    expect(input.kind).toBe("variable");
    expect(input.detail).toContain("有效证书数");
    const l = list.map((c) => c.label);
    expect(l).toEqual(expect.arrayContaining(["申报日期", "证书列表", "min", "max", "year", "present", "size", "count", "any", "all", "sum", "not"]));
    expect(list.find((c) => c.label === "count")!.insertText).toBe("count(${1:列表} where ${2:条件})");
    const after = labels(`${head}section 三 "x" weight 2 {\n  item ① "x" points 2 {\n    award 2 when 证书数 > 1 |`);
    expect(after).toEqual(expect.arrayContaining(["and", "or"]));
  });

  test("inside a quantifier: the list's record fields", () => {
    const l = labels(`${head}section 三 "x" weight 2 {\n  item ① "x" points 2 {\n    award 2 when count(证书列表 where |`);
    expect(l).toEqual(expect.arrayContaining(["等级", "日期", "证书数"]));
    expect(labels(`${head}section 三 "x" weight 2 {\n  item ① "x" { sum over 证书列表 where |`)).toContain("等级");
    // Right after the bracket: only lists.
    expect(labels(`${head}section 三 "x" weight 2 {\n  item ① "x" points 2 { award 1 when any(|`)).toEqual(["证书列表"]);
  });

  test("after == and in { with an enum on the left: that enum's members", () => {
    expect(labels(`${head}section 三 "x" weight 2 {\n  item ① "x" points 2 { award 2 when 奖项 == |`)).toEqual(["国家", "省级"]);
    expect(labels(`${head}section 三 "x" weight 2 {\n  item ① "x" points 2 { award 2 when any(证书列表 where 等级 != |`)).toEqual(["国家", "省级"]);
    expect(labels(`${head}section 三 "x" weight 2 {\n  item ① "x" points 2 { award 2 when 奖项 not in {国家, |`)).toEqual(["省级"]);
  });

  test("after [ of a table: the key enum's members", () => {
    const l = labels(`${head}section 三 "x" weight 2 {\n  item ① "x" { sum over 证书列表 of 分值[|`);
    expect(l.slice(0, 2)).toEqual(["国家", "省级"]);
    expect(l).toContain("等级");
  });

  test("types after : and list of / set of in an input", () => {
    const t = labels(`${head}input 新输入: |`);
    expect(t).toEqual(expect.arrayContaining(["yesno", "count", "decimal", "date", "text", "set of", "list of", "级别"]));
    expect(labels(`${head}input 新输入: list of |`)).toEqual(["证书"]);
    expect(labels(`${head}input 新输入: set of |`)).toEqual(["级别"]);
    expect(labels(`${head}record 新记录 {\n  字段: |`)).not.toContain("list of");
  });

  test("inside grade { }: its clauses", () => {
    expect(labels(`${head}grade AA "x" {\n  |`)).toEqual(["pass", "window", "quota", "require", "note"]);
    expect(labels(`${head}grade AA "x" {\n  require "y": |`)).toContain("申报日期");
  });

  test("in the ruleset header and in a table", () => {
    expect(labels(`ruleset "x" {\n  |`)).toEqual(["year", "document", "effective", "total", "application date", "note"]);
    expect(labels(`${head.replace("application date 申报日期", "application date |")}`)).toEqual(["申报日期"]);
    expect(labels(`${head}table 新表 (等级: |`)).toEqual(["级别"]);
    const rows = labels(`${head}table 新表 (等级: 级别) {\n  国家: 1\n  |`);
    expect(rows).toContain("省级");
    expect(rows).not.toContain("国家");
  });

  test("after award N: when and per", () => {
    expect(labels(`${head}section 三 "x" weight 2 {\n  item ① "x" points 2 { award 2 |`)).toEqual(["when", "per"]);
  });

  test("nothing inside a string or a comment", () => {
    expect(labels(`${head}section 三 "x|`)).toEqual([]);
    expect(labels(`${head}# 注释 |`)).toEqual([]);
  });
});

describe("rename", () => {
  const a = analyze(RULES);

  test("an input: definition, references and the application date", () => {
    const edits = rename(a, find(RULES, "申报日期", 3), "申请日期");
    if (isRenameError(edits)) throw new Error(edits.error.en);
    expect(edits).toHaveLength(3);
    const out = applyTextEdits(RULES, edits);
    expect(out).toContain("application date 申请日期\n");
    expect(out).toContain('input 申请日期: date "申报日期"');
    expect(out).toContain("within 2 years before 申请日期)");
    // Only the label, a string, still reads 申报日期.
    expect(out.match(/申报日期/g)).toHaveLength(1);
    expect(codes(out)).toEqual([]);
  });

  test("an enum member: the enum, the table row and every comparison", () => {
    const edits = rename(a, find(RULES, "国家: 2"), "国家级别");
    if (isRenameError(edits)) throw new Error(edits.error.en);
    const out = applyTextEdits(RULES, edits);
    expect(out).toContain('{ 国家级别 "国家级" 省级 "省级" }');
    expect(out).toContain("  国家级别: 2");
    expect(out).toContain("奖项 == 国家级别");
    expect(out).toContain("等级 == 国家级别");
    expect(codes(out)).toEqual([]);
  });

  test("a field and a table", () => {
    const field = rename(a, find(RULES, "等级]"), "级");
    if (isRenameError(field)) throw new Error(field.error.en);
    const out = applyTextEdits(RULES, field);
    expect(out).toContain("  级: 级别 \"等级\"");
    expect(out).toContain("分值[级]");
    expect(out).toContain("where 级 == 国家");
    expect(out).toContain("table 分值 \"每项得分\" (等级: 级别)");
    expect(codes(out)).toEqual([]);
    const table = rename(a, find(RULES, "分值["), "标准分");
    if (isRenameError(table)) throw new Error(table.error.en);
    expect(applyTextEdits(RULES, table)).toContain("of 标准分[等级]");
  });

  test("an enum: its type uses, table keys and the enum itself", () => {
    const edits = rename(a, find(RULES, "等级: 级别", 0, 4), "等级类别");
    if (isRenameError(edits)) throw new Error(edits.error.en);
    const out = applyTextEdits(RULES, edits);
    expect(out).toContain('enum 等级类别 "级别"');
    expect(out).toContain('等级: 等级类别 "等级"');
    expect(out).toContain("input 奖项: 等级类别");
    expect(out).toContain("(等级: 等级类别)");
    expect(out.match(/等级类别/g)).toHaveLength(4);
    expect(codes(out)).toEqual([]);
  });

  test("refuses invalid names, keywords and collisions", () => {
    const at = find(RULES, "证书数", 2);
    for (const bad of ["1个", "证书 数", "a-b", "", "item", "award"]) {
      const r = rename(a, at, bad);
      expect(isRenameError(r), bad).toBe(true);
    }
    const clash = rename(a, at, "申报日期");
    expect(isRenameError(clash) && clash.error.zh).toContain("申报日期");
    expect(isRenameError(rename(a, find(RULES, "省级: 1"), "国家"))).toBe(true);
    expect(isRenameError(rename(a, find(RULES, "award"), "x"))).toBe(true);
    expect(rename(a, at, "证书数")).toEqual([]);
  });

  test("prepareRename gives the name's range", () => {
    const p = prepareRename(a, find(RULES, "证书数", 2));
    expect(p?.placeholder).toBe("证书数");
    expect(slice(RULES, p!.range)).toBe("证书数");
    expect(prepareRename(a, find(RULES, "weight"))).toBeNull();
  });
});

describe("foldingRanges", () => {
  const ranges = foldingRanges(analyze(RULES));

  test("multi-line blocks fold, leaving the closing brace visible", () => {
    const ruleset = find(RULES, "ruleset").line;
    expect(ranges).toContainEqual({ startLine: ruleset, endLine: ruleset + 3 });
    const section = find(RULES, "section 一").line;
    expect(ranges).toContainEqual({ startLine: section, endLine: find(RULES, "vetoes").line - 3 });
    const item = find(RULES, "item ①").line;
    expect(ranges).toContainEqual({ startLine: item, endLine: item + 2 });
    // One-line blocks do not fold.
    expect(ranges.some((r) => r.startLine === find(RULES, "enum 级别").line)).toBe(false);
    expect(ranges.some((r) => r.startLine === find(RULES, "item ②").line)).toBe(false);
  });

  test("runs of comment lines and multi-line inputs fold", () => {
    expect(ranges).toContainEqual({ startLine: 1, endLine: 2, kind: "comment" });
    const input = find(RULES, "input 证书数").line;
    expect(ranges).toContainEqual({ startLine: input, endLine: input + 4 });
  });
});

describe("codeActions", () => {
  const all = (text: string) => ({ start: { line: 1, column: 1 }, end: { line: text.split("\n").length + 1, column: 1 } });
  const fix = (text: string, code: string, titleEn: RegExp) => {
    const actions = codeActions(analyze(text), all(text)).filter((x) => x.diagnosticCode === code);
    const action = actions.find((x) => titleEn.test(x.titleEn));
    if (!action) throw new Error(`no ${code} action ${titleEn}: ${actions.map((x) => x.titleEn).join("; ")}`);
    return { action, out: applyTextEdits(text, action.edits) };
  };

  test("S007: set the weight to the reachable points, or cap the section", () => {
    const text = RULES.replace('weight 10 {', 'weight 8 {').replace("total 10", "total 8");
    expect(codes(text)).toContain("S007");
    const set = fix(text, "S007", /set the weight to 10/);
    expect(set.action.title).toBe("把满分改为 10");
    expect(set.out).toContain('"质量管理体系" weight 10 {');
    expect(codes(set.out)).not.toContain("S007");
    const cap = fix(text, "S007", /add cap 8/);
    expect(cap.action.title).toBe("为本部分加封顶 cap 8");
    expect(cap.out).toContain('"质量管理体系" weight 8 cap 8 {');
    expect(codes(cap.out)).toEqual([]);
  });

  test("S008 and S006", () => {
    const text = RULES.replace("weight 10 {", "weight 12 {");
    expect(codes(text)).toEqual(expect.arrayContaining(["S006", "S008"]));
    const w = fix(text, "S008", /set the weight to 10/);
    expect(codes(w.out)).toEqual([]);
    const t = fix(text, "S006", /set the total to 12/);
    expect(t.out).toContain("total 12");
    expect(codes(t.out)).not.toContain("S006");
  });

  test("S009: set the points, or add a cap line to the item", () => {
    const text = RULES.replace('item ③ "奖项" points 2', 'item ③ "奖项" points 1');
    expect(codes(text)).toContain("S009");
    const points = fix(text, "S009", /set the points to 2/);
    expect(codes(points.out)).not.toContain("S009");
    const cap = fix(text, "S009", /add cap 1/);
    expect(cap.out).toContain("award 2 when 奖项 == 国家 cap 1 }");
    expect(codes(cap.out)).not.toContain("S009");
    // A multi-line item gets a line of its own.
    const multi = RULES.replace('points 2 {\n    sum over', 'points 1 {\n    sum over').replace("    cap 2\n", "");
    expect(codes(multi)).toContain("S009");
    const line = fix(multi, "S009", /add cap 1/);
    expect(line.out).toContain("    sum over 证书列表 of 分值[等级]\n    cap 1\n  }");
    expect(codes(line.out)).not.toContain("S009");
  });

  test("S010: set the points to the reachable points", () => {
    const text = RULES.replace('item ③ "奖项" points 2', 'item ③ "奖项" points 3').replace("weight 10", "weight 11").replace("total 10", "total 11");
    expect(codes(text)).toContain("S010");
    const r = fix(text, "S010", /set the points to 2/);
    expect(codes(r.out)).not.toContain("S010");
  });

  test("E001: add the missing row to a one-key table", () => {
    const text = RULES.replace("  省级: 1\n", "");
    expect(codes(text)).toContain("E001");
    const r = fix(text, "E001", /add the row 省级: 0/);
    expect(r.out).toContain("  国家: 2\n  省级: 0\n}");
    expect(codes(r.out)).toEqual([]);
  });

  test("E001 in a two-key table: a row or a column", () => {
    const two = `${RULES}
enum 角色 { 主导 参与 }
table 双键 (角色: 角色, 级别: 级别) {
  columns 国家
  主导: 2
}
`;
    const row = fix(two, "E001", /add the row 参与: 0/);
    expect(row.out).toContain("  主导: 2\n  参与: 0\n}");
    const col = fix(two, "E001", /add the column 省级/);
    expect(col.out).toContain("columns 国家 省级\n  主导: 2 0\n");
    expect(analyze(col.out).diagnostics.filter((d) => d.code === "E001" && d.message.includes("省级"))).toEqual([]);
  });

  test("N001: did you mean a near name", () => {
    const text = RULES.replace("per further 证书数", "per further 证书个数");
    expect(codes(text)).toContain("N001");
    const r = fix(text, "N001", /did you mean 证书数/);
    expect(r.action.title).toBe("改为 证书数");
    expect(codes(r.out)).toEqual([]);
  });

  test("only the diagnostics in the range", () => {
    const text = RULES.replace("weight 10 {", "weight 12 {");
    const a = analyze(text);
    const atTotal = find(text, "total 10", 0, 6);
    const actions = codeActions(a, { start: atTotal, end: atTotal });
    expect(actions.map((x) => x.diagnosticCode)).toEqual(["S006"]);
  });
});

describe("robustness", () => {
  const errors: unknown[] = [];
  beforeAll(() => onServiceError((e) => errors.push(e)));
  afterAll(() => onServiceError(null));

  test("no service fails on any prefix of the rules, at any line", () => {
    const lines = RULES.split("\n");
    for (let n = 0; n <= RULES.length; n += 7) {
      const text = RULES.slice(0, n);
      const a = analyze(text);
      const end = a.positionAt(text.length);
      expect(Array.isArray(completions(a, end))).toBe(true);
      semanticTokens(a);
      outline(a);
      foldingRanges(a);
      hover(a, end);
      definition(a, end);
      references(a, end, true);
      codeActions(a, { start: { line: 1, column: 1 }, end });
      rename(a, end, "新名");
    }
    const a = analyze(RULES);
    lines.forEach((l, i) => {
      for (let c = 1; c <= l.length + 1; c += 3) {
        const pos = { line: i + 1, column: c };
        hover(a, pos);
        completions(a, pos);
        definition(a, pos);
      }
    });
    expect(errors).toEqual([]);
  });

  test.skipIf(!existsSync(RULES_2024))("the 2024 rules: outline, hover and completion throughout", () => {
    const text = readFileSync(RULES_2024, "utf8");
    const a = analyze(text);
    const sections = outline(a).filter((s) => s.kind === "module");
    expect(sections.length).toBeGreaterThanOrEqual(10);
    // Every name resolves, except a table's key names (which name no symbol).
    const keyNames = a.parse.ast.declarations.flatMap((d) => (d.type === "Table" ? d.keys.map((k) => k.name.span.start) : []));
    const identifiers = semanticTokens(a).filter((t) => t.kind === "identifier");
    expect(identifiers.map((t) => [t.line, t.column])).toEqual(keyNames.map((p) => [p.line, p.column]));
    text.split("\n").forEach((l, i) => {
      for (let c = 1; c <= l.length + 1; c += 5) {
        const pos = { line: i + 1, column: c };
        hover(a, pos);
        completions(a, pos);
      }
    });
    expect(errors).toEqual([]);
  });

  test("garbage in, empty results out", () => {
    const text = '"unterminated\n}}}{{{ ((( ]]] ① ② ==';
    expect(() => semanticTokens(text)).not.toThrow();
    expect(outline(text)).toEqual([]);
    expect(completions(text, { line: 99, column: 99 })).toBeInstanceOf(Array);
    expect(hover(text, { line: -1, column: 0 })).toBeNull();
  });
});
