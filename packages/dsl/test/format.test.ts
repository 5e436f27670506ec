import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { parse } from "../src/parse.js";
import { format, printRuleFile } from "../src/format.js";
import { arbRuleFileText, stripSpans } from "../src/testing/index.js";

const SAMPLE = readFileSync(new URL("./fixtures/sample.rules", import.meta.url), "utf8");

/** A syntax error: the lexer's (L…) or the parser's (P…). */
const isSyntaxError = (code: string): boolean => code.startsWith("P") || code.startsWith("L");

/** Comment texts as the formatter keeps them: trailing blanks dropped. */
const commentTexts = (text: string): string[] =>
  parse(text)
    .comments.map((c) => c.text.replace(/[ \t\u3000\ufeff]+$/, ""))
    .sort();

function expectFormats(before: string, after: string): void {
  const r = format(before);
  expect(r.diagnostics).toEqual([]);
  expect(r.text).toBe(after);
  expect(format(after).text).toBe(after);
  expect(stripSpans(parse(after).ast)).toEqual(stripSpans(parse(before).ast));
  expect(commentTexts(after)).toEqual(commentTexts(before));
}

describe("format: before and after", () => {
  test("header, enum, record and inputs with their options in a fixed order", () => {
    expectFormats(
      `# file header comment

ruleset "2024" { note "n1"  total 100 year 2024 application date 申报日期
effective 2024-01-01 to 2024-12-31 document "苏市监〔2024〕53号" }
enum 标准级别 "标准级别" { 国际 "国际标准" 国家 "国家标准" note "说明" 行业 }
record 标准记录 "标准" { note "记录说明" 角色: 标准角色 "角色" optional unit "项" min 0 }
input 证书数: count "有效证书数" optional note "n" unit "个" max 100 en "Certificates" help "h" min 0
input 标准: list of 标准记录
input 试点: set of 试点级别 "试\\"点\\\\"
`,
      `# file header comment

ruleset "2024" {
  year 2024
  document "苏市监〔2024〕53号"
  effective 2024-01-01 to 2024-12-31
  total 100
  application date 申报日期
  note "n1"
}

enum 标准级别 "标准级别" {
  国际 "国际标准"
  国家 "国家标准"
  行业
  note "说明"
}

record 标准记录 "标准" {
  note "记录说明"
  角色: 标准角色 "角色" min 0 unit "项" optional
}

input 证书数: count "有效证书数" min 0 max 100 unit "个" optional
  en "Certificates"
  help "h"
  note "n"

input 标准: list of 标准记录

input 试点: set of 试点级别 "试\\"点\\\\"
`,
    );
  });

  test("tables: rows aligned by display width, Chinese counting two columns", () => {
    expectFormats(
      `table 标准分值 "标准分" (角色: 标准角色, 级别: 标准级别) {
  columns 国际 国家标准 行业 地方
  主导: 2.5 2 1.50 1
  参与合作方: 2 1.5 1 - 0.5
  x: 10.25 0 0 0
  note "表注"
}
table 单键 (级别: 标准级别) { 国际: 3 国家: 2.5 }
`,
      `table 标准分值 "标准分" (角色: 标准角色, 级别: 标准级别) {
  columns     国际  国家标准 行业 地方
  主导:       2.5   2        1.5  1
  参与合作方: 2     1.5      1    -0.5
  x:          10.25 0        0    0
  note "表注"
}

table 单键 (级别: 标准级别) {
  国际: 3
  国家: 2.5
}
`,
    );
  });

  test("sections and items with every scoring form; a blank line between items is kept", () => {
    expectFormats(
      `section 三 "质量管理体系" weight 8 cap 9 {
  item ① "通过认证" points 4 { base 2 plus 0.5 per further 证书数 note "基础分" cap 4 }

  item ② "内部审核" points 2 {
    judged
  }
  item ③ "x" { award 1 per 发明 , 0.5 per 实用 cap 2 }
  item ④ "y" { highest { award 2.5 "国家级" when 证书数 > 3  award 2 when 证书数 >= 1 } }
  item ⑤ "z" { sum over 标准 where 角色 == 主导 of 标准分值[角色, 级别] }
  item 6 "t" { tiers 证书数 * 1.5 { >= 5 award 2 > -1 award 1 } }
  item ⑦ "f" { formula max(0, min(2, 证书数 - 1)) }
  item ⑧ "fixed" { award 2 when 获江苏精品认证 }
  item ⑨ "empty" { }
  note "section note"
}
`,
      `section 三 "质量管理体系" weight 8 cap 9 {
  item ① "通过认证" points 4 {
    base 2 plus 0.5 per further 证书数
    cap 4
    note "基础分"
  }

  item ② "内部审核" points 2 { judged }
  item ③ "x" {
    award 1 per 发明, 0.5 per 实用
    cap 2
  }
  item ④ "y" {
    highest {
      award 2.5 "国家级" when 证书数 > 3
      award 2 when 证书数 >= 1
    }
  }
  item ⑤ "z" {
    sum over 标准 where 角色 == 主导 of 标准分值[角色, 级别]
  }
  item 6 "t" {
    tiers 证书数 * 1.5 {
      >= 5 award 2
      > -1 award 1
    }
  }
  item ⑦ "f" {
    formula max(0, min(2, 证书数 - 1))
  }
  item ⑧ "fixed" {
    award 2 when 获江苏精品认证
  }
  item ⑨ "empty" {}
  note "section note"
}
`,
    );
  });

  test("vetoes, eligibility, grade and experts: clauses in order, notes where they stay theirs", () => {
    expectFormats(
      `vetoes 十一 "否决项" {
  veto ① "两年内违法"
    when any(不良记录 where 类型 == 违法 and 日期 within 2 years before 申报日期)
    note "含两端"
  veto ② "x"
    when count(不良记录) > 0
}
eligibility "基本条件" {
  require "注册地在江苏": 注册地 in {江苏, 江苏港澳台} note "n"
  require "未被通报":
    not (present(通报日期) and 通报日期 > 申报日期 - 3 years)
}
eligibility { }
grade AA "AA级" { note "grade note" require "A满2年": present(A级认定日期) and A级认定日期 <= 申报日期 - 2 years note "req note"
  quota 30 per city window 2024-03-26 to 2024-04-26 pass 75 }
experts { spread 1 note "e" round 0.01 combine trimmed mean }
experts { combine mean }
`,
      `vetoes 十一 "否决项" {
  veto ① "两年内违法"
    when any(不良记录 where 类型 == 违法 and 日期 within 2 years before 申报日期)
    note "含两端"
  veto ② "x"
    when count(不良记录) > 0
}

eligibility "基本条件" {
  require "注册地在江苏": 注册地 in {江苏, 江苏港澳台}
    note "n"
  require "未被通报": not (present(通报日期) and 通报日期 > 申报日期 - 3 years)
}

eligibility {}

grade AA "AA级" {
  pass 75
  window 2024-03-26 to 2024-04-26
  quota 30 per city
  note "grade note"
  require "A满2年": present(A级认定日期) and A级认定日期 <= 申报日期 - 2 years
    note "req note"
}

experts {
  combine trimmed mean
  round 0.01
  spread 1
  note "e"
}

experts {
  combine mean
}
`,
    );
  });

  test("a block's own notes go before the children that would take a note after them", () => {
    // In the source the group's note follows veto ②, so it is veto ②'s; the group's own note
    // (first) must stay before the vetoes to remain the group's.
    expectFormats(
      `vetoes 十一 "否决项" { note "group" veto ① "a" when a veto ② "b" when b note "b's" }
record R { a: count note "a's" note "still a's" }
`,
      `vetoes 十一 "否决项" {
  note "group"
  veto ① "a"
    when a
  veto ② "b"
    when b
    note "b's"
}

record R {
  a: count
    note "a's"
    note "still a's"
}
`,
    );
  });

  test("comments: leading, trailing, inside expressions, dangling before }", () => {
    expectFormats(
      `# leading for input
input a: count # trailing on a
input b: count "b" # first
  max 3 # second

# about section

section 一 "s" weight 2 { # after brace
  # before item
  item ① "x" points 2 { judged } # after item
  item ② "y" {
    formula a + # inside expression, trailing
      # inside expression, own line
      b
  }
  # dangling at end of section
} # after section
# end of file
`,
      `# leading for input
input a: count # trailing on a

# first
input b: count "b" max 3 # second

# about section

section 一 "s" weight 2 { # after brace
  # before item
  item ① "x" points 2 { judged } # after item
  item ② "y" {
    # inside expression, own line
    formula a + b # inside expression, trailing
  }
  # dangling at end of section
} # after section
# end of file
`,
    );
  });

  test("comments: inside empty blocks, in a judged item, at the ends; CRLF and tight source", () => {
    expectFormats(
      "input z: count\r\nruleset \"moved\" { year 2024 }   \r\n" +
        'section 一 "s"{item ① "x" points 2 {\n    # why judged\n    judged\n  }item ② "y"{judged}# c\n' +
        "item ③ \"z\" { highest { } }\n\n\n  item ④ \"w\" { tiers a { # inside\n } cap 1 }}\n" +
        "enum E {\n  # only a comment   \n}\nexperts { # c\n}\n\n\n# the end\n",
      `ruleset "moved" {
  year 2024
}

input z: count

section 一 "s" {
  item ① "x" points 2 {
    # why judged
    judged
  }
  item ② "y" { judged } # c
  item ③ "z" {
    highest {}
  }

  item ④ "w" {
    tiers a {} # inside
    cap 1
  }
}

enum E {
  # only a comment
}

experts {} # c

# the end
`,
    );
  });

  test("parentheses only where the precedence table needs them", () => {
    expectFormats(
      `eligibility {
  require "p1": a - (b - c) == (a - b) - c
  require "p2": not (a and b) or not a and b
  require "p3": (a or b) and c
  require "p4": a * (b + c) / (d / e) > -(x + 1)
  require "p5": (a == b) == (c < d)
  require "p6": (x in {A, B}) != (y not in {C})
  require "p7": - -2 < -(-x) and not not (p)
  require "p8": (日期 within 2 years before 申报日期 - 1 months) == true
  require "p9": a + (b + c) - (d * e) * (f * g) >= 1.5
  require "p10": ((a)) or (b or c)
  require "p11": not (申报日期 > 2024-01-01) and -(2) * 3 ÷ 4 × 5 < 0.50
  require "p12": (count(L where (x > 1)) + sum(L of (a - b))) >= T[(a), b - (c - d)]
}
`,
      `eligibility {
  require "p1": a - (b - c) == a - b - c
  require "p2": not (a and b) or not a and b
  require "p3": (a or b) and c
  require "p4": a * (b + c) / (d / e) > -(x + 1)
  require "p5": (a == b) == (c < d)
  require "p6": (x in {A, B}) != (y not in {C})
  require "p7": - -2 < - -x and not not p
  require "p8": (日期 within 2 years before 申报日期 - 1 months) == true
  require "p9": a + (b + c) - d * e * (f * g) >= 1.5
  require "p10": a or (b or c)
  require "p11": not (申报日期 > 2024-01-01) and -2 * 3 / 4 * 5 < 0.5
  require "p12": count(L where x > 1) + sum(L of a - b) >= T[a, b - (c - d)]
}
`,
    );
  });
});

describe("format: what it leaves alone", () => {
  test("a file with syntax errors comes back unchanged with its diagnostics", () => {
    const broken = "input a: count\ninput b: \nsection  一 \"s\" {   }\n";
    const r = format(broken);
    expect(r.text).toBe(broken);
    expect(r.diagnostics.some((d) => isSyntaxError(d.code))).toBe(true);
    const badChar = "input a: count $\n";
    expect(format(badChar).text).toBe(badChar);
    expect(format(badChar).diagnostics.map((d) => d.code)).toContain("L001");
  });

  test("a second ruleset header (which the AST drops) leaves the file unchanged", () => {
    const two = 'ruleset "a" {}\nruleset "b" {}\n';
    const r = format(two);
    expect(r.text).toBe(two);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["S004"]);
  });

  test("empty and comment-only files", () => {
    expect(format("").text).toBe("");
    expect(format("  \n\n").text).toBe("");
    expect(format("# a   \n\n\n# b").text).toBe("# a\n\n# b\n");
  });

  test("format never throws", () => {
    for (const t of ["{", "}}}", '"', "item ① {", "section", "(((((", "a".repeat(10), "#"]) {
      expect(() => format(t)).not.toThrow();
    }
  });
});

describe("format: the sample rule file", () => {
  const once = format(SAMPLE);

  test("formats without diagnostics and ends with exactly one newline", () => {
    expect(once.diagnostics).toEqual([]);
    expect(once.text.endsWith("\n")).toBe(true);
    expect(once.text.endsWith("\n\n")).toBe(false);
  });

  test("is idempotent", () => {
    expect(format(once.text).text).toBe(once.text);
  });

  test("round-trips: the same tree and the same comments", () => {
    expect(stripSpans(parse(once.text).ast)).toEqual(stripSpans(parse(SAMPLE).ast));
    expect(commentTexts(once.text)).toEqual(commentTexts(SAMPLE));
  });

  test("printRuleFile gives what format gives", () => {
    const p = parse(SAMPLE);
    expect(printRuleFile(p.ast, p.comments)).toBe(once.text);
  });
});

describe("stripSpans", () => {
  test("removes span and fnSpan at every depth and copies the rest", () => {
    const span = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 1, line: 1, column: 2 } };
    const tree = { type: "Call", fn: "min", fnSpan: span, span, args: [{ type: "Name", name: "a", span }], nested: { deep: [{ span, keep: null }] } };
    const out = stripSpans(tree);
    expect(out).toEqual({ type: "Call", fn: "min", args: [{ type: "Name", name: "a" }], nested: { deep: [{ keep: null }] } });
    expect(out.args).not.toBe(tree.args);
    expect(tree.span).toBe(span);
  });
});

describe("format: properties of random rule files", () => {
  test("valid, idempotent, same tree, same comments (300 runs)", () => {
    fc.assert(
      fc.property(arbRuleFileText(), (text) => {
        const before = parse(text);
        expect(before.diagnostics.filter((d) => isSyntaxError(d.code))).toEqual([]);
        const once = format(text);
        expect(once.diagnostics).toEqual([]);
        // The formatter's own check never had to fall back to the unchanged text.
        expect(once.text).toBe(printRuleFile(before.ast, before.comments));
        expect(format(once.text).text).toBe(once.text);
        const after = parse(once.text);
        expect(after.diagnostics).toEqual([]);
        expect(stripSpans(after.ast)).toEqual(stripSpans(before.ast));
        expect(commentTexts(once.text)).toEqual(commentTexts(text));
        expect(once.text === "" || (once.text.endsWith("\n") && !once.text.endsWith("\n\n"))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("format: clauses written twice", () => {
  test("are not silently deleted: the file is left unchanged, with S020 at the second", () => {
    for (const t of ['ruleset "t" { year 2024 year 2025 }\n', "input a: count max 1 max 2\n", 'section 一 "s" { item ① "x" { judged cap 1 cap 2 } }\n']) {
      const r = format(t);
      expect(r.text).toBe(t);
      expect(r.diagnostics.map((d) => d.code)).toEqual(["S020"]);
    }
  });
});
