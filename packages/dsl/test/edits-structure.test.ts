/** The structure view's edits beyond figures: header, inputs, enums, notes, conditions — each to the exact text. */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { check, parse, format, edits as E, conditions as C } from "../src/index.js";

const base = `ruleset "t" {
  year 2025
  total 10
  application date 申报日期
}

enum 类型 "类型" {
  甲 "甲类"
  乙 "乙类"
}

record 记录 "记录" {
  类型: 类型 "类型"
  日期: date "日期"
}

input 申报日期: date "申报日期"
input 证书数: count "证书数" max 50 # 行尾注释
  help "有效证书"
input 记录表: list of 记录 "记录"
input 级别: 类型 "级别"

section 一 "第一部分" weight 10 {
  item ① "甲" points 2 { judged }
  item ② "乙" points 8 {
    tiers 证书数 {
      >= 5 award 8
      >= 3 award 1
    }
  }
}

vetoes 二 "否决项" {
  veto ① "两年内有甲类记录"
    when any(记录表 where 类型 == 甲 and 日期 within 2 years before 申报日期)
}

grade A { pass 6 }

experts { combine mean }
`;

const run = (text: string, es: E.TextEdit[] | E.EditRefusal) => {
  if (E.isRefusal(es)) throw new Error(es.error.zh);
  return E.applyEdits(text, es);
};
const clean = (t: string) => check(parse(t)).diagnostics.filter((d) => d.severity === "error");

describe("header", () => {
  test("year, document and the effective period", () => {
    let t = run(base, E.setYear(base, "2026"));
    expect(t).toBe(base.replace("year 2025", "year 2026"));
    t = run(t, E.setDocument(t, "苏市监〔2026〕1号"));
    expect(t).toBe(base.replace("  year 2025\n", '  year 2026\n  document "苏市监〔2026〕1号"\n'));
    t = run(t, E.setEffective(t, "2026-01-01", "2026-12-31"));
    expect(t).toBe(base.replace("  year 2025\n", '  year 2026\n  document "苏市监〔2026〕1号"\n  effective 2026-01-01 to 2026-12-31\n'));
    expect(run(t, E.setEffective(t, "2026-02-01", "2026-11-30"))).toBe(t.replace("effective 2026-01-01 to 2026-12-31", "effective 2026-02-01 to 2026-11-30"));
    expect(run(t, E.setDocument(t, "X"))).toBe(t.replace('"苏市监〔2026〕1号"', '"X"'));
    expect(clean(t)).toEqual([]);
  });
});

describe("inputs", () => {
  test("range, unit, optional, label, help and English label", () => {
    let t = run(base, E.setInputOption(base, "证书数", "min", "1"));
    expect(t).toBe(base.replace('max 50 # 行尾注释', 'max 50 min 1 # 行尾注释'));
    t = run(t, E.setInputOption(t, "证书数", "max", "60.50"));
    expect(t).toContain('input 证书数: count "证书数" max 60.5 min 1 # 行尾注释\n');
    t = run(t, E.setInputOption(t, "证书数", "unit", "个"));
    t = run(t, E.setInputOptional(t, "证书数", true));
    expect(t).toContain('input 证书数: count "证书数" max 60.5 min 1 unit "个" optional # 行尾注释\n  help "有效证书"\n');
    t = run(t, E.setInputOption(t, "证书数", "help", "仍在有效期内的"));
    t = run(t, E.setInputOption(t, "证书数", "en", "Certificates"));
    expect(t).toContain('optional # 行尾注释\n  help "仍在有效期内的"\n  en "Certificates"\ninput 记录表');
    t = run(t, E.setInputLabel(t, "证书数", "有效证书数"));
    // Removing: inline words go with the space before them; a line of its own goes whole.
    t = run(t, E.setInputOptional(t, "证书数", false));
    t = run(t, E.setInputOption(t, "证书数", "min", null));
    t = run(t, E.setInputOption(t, "证书数", "help", null));
    expect(t).toContain('input 证书数: count "有效证书数" max 60.5 unit "个" # 行尾注释\n  en "Certificates"\ninput 记录表');
    expect(clean(t)).toEqual([]);
  });

  test("a new decimal input with a range", () => {
    const t = run(base, E.addInput(base, "研发投入占比", "decimal", "研发投入占比", 'min 0 max 100 unit "%"'));
    expect(t).toContain('input 级别: 类型 "级别"\n\ninput 研发投入占比: decimal "研发投入占比" min 0 max 100 unit "%"\n');
  });
});

describe("enums", () => {
  test("add a member, change its label", () => {
    const t = run(base, E.addEnumMember(base, "类型", "丙", "丙类"));
    expect(t).toBe(base.replace('  乙 "乙类"\n}', '  乙 "乙类"\n  丙 "丙类"\n}'));
    expect(run(t, E.setEnumMemberLabel(t, "类型", "丙", "丙类记录"))).toBe(t.replace('丙 "丙类"', '丙 "丙类记录"'));
  });

  test("rename a member: every use follows", () => {
    const t = run(base, E.renameEnumMember(base, "类型", "甲", "严重"));
    expect(t).toBe(base.replace('  甲 "甲类"', '  严重 "甲类"').replace("类型 == 甲", "类型 == 严重"));
    const taken = E.renameEnumMember(base, "类型", "甲", "乙");
    expect(E.isRefusal(taken) && taken.error.zh).toContain("已被");
  });

  test("remove a member: taken out of `in` lists, refused while a rule needs it", () => {
    const withIn = base.replace("grade A { pass 6 }", 'eligibility "基本条件" {\n  require "甲或乙": 级别 in {甲, 乙}\n}\n\ngrade A { pass 6 }');
    const refused = E.removeEnumMember(withIn, "类型", "甲");
    expect(E.isRefusal(refused) && refused.error.zh).toBe("枚举值 甲 仍在 1 处规则中使用，请先修改这些规则");
    const t = run(withIn, E.removeEnumMember(withIn, "类型", "乙"));
    expect(t).toBe(withIn.replace('  乙 "乙类"\n', "").replace("级别 in {甲, 乙}", "级别 in {甲}"));
    expect(clean(t)).toEqual([]);
  });
});

describe("notes beside the rule they explain", () => {
  test("add to a one-line item, a veto, a grade; edit; remove", () => {
    let t = run(base, E.addNote(base, { kind: "item", id: "一.1" }, "说明"));
    expect(t).toContain('  item ① "甲" points 2 {\n    judged\n    note "说明"\n  }\n');
    t = run(t, E.addNote(t, { kind: "veto", id: "二.1" }, "两年内含两端"));
    expect(t).toContain('before 申报日期)\n    note "两年内含两端"\n}');
    t = run(t, E.addNote(t, { kind: "item", id: "一.2" }, "假设：档位"));
    expect(t).toContain('      >= 3 award 1\n    }\n    note "假设：档位"\n  }\n');
    t = run(t, E.setNote(t, { kind: "item", id: "一.2" }, 0, "档位已确认"));
    expect(t).toContain('note "档位已确认"');
    t = run(t, E.removeNote(t, { kind: "veto", id: "二.1" }, 0));
    expect(t).toContain('before 申报日期)\n}');
    expect(clean(t)).toEqual([]);
  });
});

describe("conditions", () => {
  test("a veto's window widened through its pattern", () => {
    const v = parse(base).ast.declarations.find((d) => d.type === "VetoGroup");
    if (v?.type !== "VetoGroup") throw new Error("no vetoes");
    const p = C.recognize(v.vetoes[0]!.when);
    expect(p).toEqual({ kind: "recordWithin", list: "记录表", field: "类型", member: "甲", dateField: "日期", amount: "2", unit: "years", anchor: "申报日期" });
    if (p?.kind !== "recordWithin") throw new Error("not recognised");
    const t = run(base, E.setVetoCondition(base, "二.1", C.conditionText({ ...p, amount: "3" })));
    expect(t).toBe(base.replace("within 2 years", "within 3 years"));
  });

  test("requirements: add, change, relabel, remove", () => {
    let t = run(base, E.addRequirement(base, null, "x", "true"));
    expect(t).toBe(base); // no eligibility block: nothing to add to
    const input = 'input A级认定日期: date "A级认定日期" optional\n';
    const g = base.replace("grade A { pass 6 }", `grade AA {\n  pass 8\n}`).replace('input 级别: 类型 "级别"\n', `input 级别: 类型 "级别"\n${input}`);
    t = run(g, E.addRequirement(g, "AA", "A级满2年", C.conditionText({ kind: "heldFor", date: "A级认定日期", amount: "2", unit: "years", anchor: "申报日期" })));
    expect(t).toContain('grade AA {\n  pass 8\n  require "A级满2年": present(A级认定日期) and A级认定日期 <= 申报日期 - 2 years\n}');
    t = run(t, E.setRequirementCondition(t, "AA", 0, C.conditionText({ kind: "heldFor", date: "A级认定日期", amount: "18", unit: "months", anchor: "申报日期" })));
    expect(t).toContain("A级认定日期 <= 申报日期 - 18 months\n");
    t = run(t, E.setRequirementLabel(t, "AA", 0, "A级满18个月"));
    expect(t).toContain('require "A级满18个月":');
    expect(clean(t)).toEqual([]);
    expect(run(t, E.removeRequirement(t, "AA", 0))).toBe(g);
  });

  test("every veto and requirement of rules/2024.rules is one of the patterns, written back byte for byte", () => {
    const text = readFileSync(new URL("../../../rules/2024.rules", import.meta.url), "utf8");
    const file = parse(text).ast;
    const conds = file.declarations.flatMap((d) =>
      d.type === "VetoGroup" ? d.vetoes.map((v) => v.when) : d.type === "Grade" || d.type === "Eligibility" ? d.requirements.map((r) => r.condition) : []);
    const kinds = conds.map((c) => {
      const p = C.recognize(c);
      if (p) expect(C.conditionText(p)).toBe(text.slice(c.span.start.offset, c.span.end.offset));
      return p?.kind ?? "expression";
    });
    expect(kinds).toEqual(["recordWithin", "recordWithin", "expression", "noRecentFinding", "heldFor", "earlierYear"]);
  });

  test("tiers name their input", () => {
    const t = run(base, E.addInput(base, "占比", "decimal", "占比", "min 0 max 100"));
    expect(run(t, E.setTiersInput(t, "一.2", "占比"))).toBe(t.replace("tiers 证书数 {", "tiers 占比 {"));
  });
});

describe("a new section where the vetoes were", () => {
  test("section 二 beside vetoes 二: the vetoes become 三", () => {
    const t = run(base, E.addSectionRenumberingVetoes(base, "二", "第二部分", "0"));
    expect(t).toBe(base.replace('}\n\nvetoes 二 "否决项" {', '}\n\nsection 二 "第二部分" weight 0 {\n}\n\nvetoes 三 "否决项" {'));
    expect(E.chineseNumberValue("十一")).toBe(11);
    expect(E.chineseNumberText(12)).toBe("十二");
    expect(E.chineseNumberText(20)).toBe("二十");
    expect(E.chineseNumberValue("二十一")).toBe(21);
  });
});

describe("conditions as text", () => {
  test("recognised from text; not when it is another shape or broken", () => {
    expect(C.recognizeText("present(X) and year(X) < year(申报日期)")).toEqual({ kind: "earlierYear", date: "X", anchor: "申报日期" });
    expect(C.recognizeText("not (present(X) and X > 申报日期 - 3 years)")).toEqual({ kind: "noRecentFinding", date: "X", amount: "3", unit: "years", anchor: "申报日期" });
    expect(C.recognizeText("注册地 in {江苏}")).toBeNull();
    expect(C.recognizeText("any(不良记录 where")).toBeNull();
  });
});

describe("a section's own expert rule", () => {
  test("added first in the section, changed, removed; the file's rule stays the default", () => {
    let t = run(base, E.setSectionExperts(base, "一", { combine: "mean", round: "0.5", atLeast: "4" }));
    expect(t).toBe(base.replace('section 一 "第一部分" weight 10 {\n', 'section 一 "第一部分" weight 10 {\n  experts { combine mean round 0.5 at least 4 experts }\n'));
    expect(clean(t)).toEqual([]);
    t = run(t, E.setSectionExperts(t, "一", { combine: "trimmed mean" }));
    expect(t).toContain("  experts { combine trimmed mean }\n");
    expect(run(t, E.setSectionExperts(t, "一", {}))).toBe(base);
  });
});

describe("an item's own expert rule", () => {
  const item = '  item ① "甲" points 2 { judged }\n';
  test("a one-line item opens into a block for its rule, and closes again when the rule goes", () => {
    const t = run(base, E.setItemExperts(base, "一.1", { combine: "trimmed mean", atLeast: "5" }));
    expect(t).toBe(base.replace(item, '  item ① "甲" points 2 {\n    judged\n    experts { combine trimmed mean at least 5 experts }\n  }\n'));
    expect(clean(t)).toEqual([]);
    const u = run(t, E.setItemExperts(t, "一.1", { round: "0.5" }));
    expect(u).toBe(t.replace("experts { combine trimmed mean at least 5 experts }", "experts { round 0.5 }"));
    expect(run(u, E.setItemExperts(u, "一.1", {}))).toBe(base);
  });
  test("in an item with a note, after the form and before the note; removed with its line", () => {
    const withNote = run(base, E.addNote(base, { kind: "item", id: "一.1" }, "说明"));
    const t = run(withNote, E.setItemExperts(withNote, "一.1", { combine: "mean" }));
    expect(t).toBe(base.replace(item, '  item ① "甲" points 2 {\n    judged\n    experts { combine mean }\n    note "说明"\n  }\n'));
    expect(format(t).text).toContain('  item ① "甲" points 2 {\n    judged\n    experts { combine mean }\n    note "说明"\n  }\n');
    expect(run(t, E.setItemExperts(t, "一.1", {}))).toBe(withNote);
  });
  test("an unknown item gives no edits", () => {
    expect(E.setItemExperts(base, "九.9", { combine: "mean" })).toEqual([]);
  });
});

describe("an expert rule clause by clause", () => {
  const file2024 = `experts {
  combine trimmed mean
  round 0.01
  spread 1
  note "假设"
}
`;
  const big = base.replace("experts { combine mean }\n", file2024);
  const fileRule: E.ExpertOwner = { kind: "file" };
  test("the file's block: each clause changed, cleared and added in place; notes and the rest untouched", () => {
    let t = run(big, E.setExpertClause(big, fileRule, "combine", "mean"));
    expect(t).toBe(big.replace("combine trimmed mean", "combine mean"));
    t = run(t, E.setExpertClause(t, fileRule, "round", "0.50"));
    expect(t).toBe(big.replace("combine trimmed mean", "combine mean").replace("round 0.01", "round 0.5"));
    t = run(big, E.setExpertClause(big, fileRule, "spread", null));
    expect(t).toBe(big.replace("  spread 1\n", ""));
    t = run(t, E.setExpertClause(t, fileRule, "spread", "2"));
    expect(t).toBe(big.replace("spread 1", "spread 2"));
    t = run(big, E.setExpertClause(big, fileRule, "atLeast", "3"));
    expect(t).toBe(big.replace("  spread 1\n", "  spread 1\n  at least 3 experts\n"));
    expect(clean(t)).toEqual([]);
    expect(format(t).text).toContain("experts {\n  combine trimmed mean\n  round 0.01\n  spread 1\n  at least 3 experts\n  note");
    t = run(t, E.setExpertClause(t, fileRule, "atLeast", ""));
    expect(t).toBe(big);
    t = run(big, E.setExpertClause(big, fileRule, "combine", null));
    expect(t).toBe(big.replace("  combine trimmed mean\n", ""));
    t = run(t, E.setExpertClause(t, fileRule, "combine", "trimmed mean"));
    expect(t).toBe(big);
    expect(E.setExpertClause(big, fileRule, "combine", "median")).toEqual([]);
  });
  test("a one-line block gets and loses clauses in its line", () => {
    const fileRule1: E.ExpertOwner = { kind: "file" };
    let t = run(base, E.setExpertClause(base, fileRule1, "spread", "1"));
    expect(t).toBe(base.replace("experts { combine mean }", "experts { combine mean spread 1 }"));
    t = run(t, E.setExpertClause(t, fileRule1, "round", "0.5"));
    expect(t).toBe(base.replace("experts { combine mean }", "experts { combine mean round 0.5 spread 1 }"));
    t = run(t, E.setExpertClause(t, fileRule1, "combine", null));
    expect(t).toBe(base.replace("experts { combine mean }", "experts { round 0.5 spread 1 }"));
  });
  test("a section's or an item's rule: the first clause makes the block, the last one cleared removes it", () => {
    const sec: E.ExpertOwner = { kind: "section", id: "一" };
    let t = run(base, E.setExpertClause(base, sec, "atLeast", "4"));
    expect(t).toBe(base.replace('weight 10 {\n', 'weight 10 {\n  experts { at least 4 experts }\n'));
    t = run(t, E.setExpertClause(t, sec, "round", "0.5"));
    expect(t).toContain("  experts { round 0.5 at least 4 experts }\n");
    t = run(t, E.setExpertClause(t, sec, "round", null));
    t = run(t, E.setExpertClause(t, sec, "atLeast", null));
    expect(t).toBe(base);
    const it: E.ExpertOwner = { kind: "item", id: "一.1" };
    t = run(base, E.setExpertClause(base, it, "combine", "trimmed mean"));
    expect(t).toBe(base.replace('points 2 { judged }', 'points 2 {\n    judged\n    experts { combine trimmed mean }\n  }'));
    expect(run(t, E.setExpertClause(t, it, "combine", null))).toBe(base);
  });
  test("an unknown section or item, or clearing a clause that is not there, gives no edits", () => {
    expect(E.setExpertClause(base, { kind: "section", id: "九" }, "round", "0.5")).toEqual([]);
    expect(E.setExpertClause(base, { kind: "item", id: "一.9" }, "round", "0.5")).toEqual([]);
    expect(E.setExpertClause(base, { kind: "file" }, "spread", null)).toEqual([]);
    expect(E.setExpertClause(base, { kind: "section", id: "一" }, "spread", "")).toEqual([]);
  });
  test("no file rule yet: a block before the first section", () => {
    const none = base.replace("\nexperts { combine mean }\n", "");
    const t = run(none, E.setExpertClause(none, { kind: "file" }, "combine", "mean"));
    expect(t).toBe(none.replace('section 一', 'experts {\n  combine mean\n}\n\nsection 一'));
    expect(clean(t)).toEqual([]);
  });
});
