/** The lexer: Chinese names, keywords, circled numbers, dates, numbers and strings. */
import { describe, expect, test } from "vitest";
import { Lexer } from "chevrotain";
import { lexer, keywordWords, allTokens, LEXER_OPTIONS } from "../src/tokens.js";

test("the tokens pass Chevrotain's lexer validations (the shared lexer skips them for speed)", () => {
  const validated = new Lexer(allTokens, { ...LEXER_OPTIONS, skipValidations: false });
  expect(validated.lexerDefinitionErrors).toEqual([]);
});

/** `[token type, image]` of each token; lexing errors fail the test. */
function lex(text: string): [string, string][] {
  const r = lexer.tokenize(text);
  expect(r.errors).toEqual([]);
  return r.tokens.map((t) => [t.tokenType.name, t.image]);
}

describe("identifiers", () => {
  test.each(["标准分值", "A级认定日期", "㐀", "㐀䶿", "研发投入占比", "证书数2", "x_1", "﨎", "国家级_2024"])("%s is one identifier", (name) => {
    expect(lex(name)).toEqual([["Identifier", name]]);
  });

  test("a name in an expression stays whole next to operators and brackets", () => {
    expect(lex("标准分值[角色,级别]*1.5")).toEqual([
      ["Identifier", "标准分值"], ["LBracket", "["], ["Identifier", "角色"], ["Comma", ","],
      ["Identifier", "级别"], ["RBracket", "]"], ["Star", "*"], ["NumberLiteral", "1.5"],
    ]);
  });

  test("a name may not start with a digit", () => {
    expect(lex("2024年度")).toEqual([["NumberLiteral", "2024"], ["Identifier", "年度"]]);
  });
});

describe("keywords and identifiers", () => {
  test.each([
    ["input", "Kw_input"],
    ["inputs", "Identifier"],
    ["in", "Kw_in"],
    ["年度", "Identifier"],
    ["year", "Kw_year"],
    ["years", "Kw_years"],
    ["yearly", "Identifier"],
    ["not", "Kw_not"],
    ["notes", "Identifier"],
    ["note", "Kw_note"],
    ["count", "Kw_count"],
    ["countA", "Identifier"],
    ["min", "Kw_min"],
    ["minimum", "Identifier"],
    ["sum", "Kw_sum"],
    ["summary", "Identifier"],
    ["in中", "Identifier"],
    ["and中", "Identifier"],
    ["date2", "Identifier"],
    ["Input", "Identifier"],
  ])("%s lexes as %s", (text, type) => {
    expect(lex(text)).toEqual([[type, text]]);
  });

  test("every keyword lexes as itself, and as a name when followed by a letter", () => {
    for (const word of keywordWords) {
      expect(lex(word), word).toEqual([[`Kw_${word}`, word]]);
      expect(lex(`${word}x`), `${word}x`).toEqual([["Identifier", `${word}x`]]);
      expect(lex(`${word}级`), `${word}级`).toEqual([["Identifier", `${word}级`]]);
    }
  });

  test("a keyword directly before punctuation ends at it", () => {
    expect(lex("in{国家}")).toEqual([["Kw_in", "in"], ["LBrace", "{"], ["Identifier", "国家"], ["RBrace", "}"]]);
  });
});

describe("circled numbers", () => {
  test("① to ⑳ are each one item number", () => {
    const all = Array.from({ length: 20 }, (_, i) => String.fromCharCode(0x2460 + i));
    expect(all[0]).toBe("①");
    expect(all[19]).toBe("⑳");
    for (const ch of all) expect(lex(ch)).toEqual([["CircledNumber", ch]]);
  });

  test("item ① reads as keyword and number, also without a space", () => {
    expect(lex("item ①")).toEqual([["Kw_item", "item"], ["CircledNumber", "①"]]);
    expect(lex("item①")).toEqual([["Kw_item", "item"], ["CircledNumber", "①"]]);
  });

  test("㉑ (past ⑳) is not an item number", () => {
    expect(lexer.tokenize("㉑").errors).toHaveLength(1);
  });
});

describe("dates and numbers", () => {
  test("2024-03-26 is one date", () => {
    expect(lex("2024-03-26")).toEqual([["DateLiteral", "2024-03-26"]]);
  });

  test("2024 - 03 is a subtraction", () => {
    expect(lex("2024 - 03")).toEqual([["NumberLiteral", "2024"], ["Minus", "-"], ["NumberLiteral", "03"]]);
  });

  test("2024-03 is a subtraction too", () => {
    expect(lex("2024-03")).toEqual([["NumberLiteral", "2024"], ["Minus", "-"], ["NumberLiteral", "03"]]);
  });

  test("a date runs exactly to its day", () => {
    expect(lex("2024-03-260")).toEqual([
      ["NumberLiteral", "2024"], ["Minus", "-"], ["NumberLiteral", "03"], ["Minus", "-"], ["NumberLiteral", "260"],
    ]);
    expect(lex("2024-02-30")).toEqual([["DateLiteral", "2024-02-30"]]); // The parser rejects it (P007).
  });

  test("a date minus a duration", () => {
    expect(lex("2024-05-01 - 2 years")).toEqual([
      ["DateLiteral", "2024-05-01"], ["Minus", "-"], ["NumberLiteral", "2"], ["Kw_years", "years"],
    ]);
  });

  test("decimals and signs", () => {
    expect(lex("2.5 0.01 -1")).toEqual([["NumberLiteral", "2.5"], ["NumberLiteral", "0.01"], ["Minus", "-"], ["NumberLiteral", "1"]]);
    expect(lexFails("2.")).toEqual([["NumberLiteral", "2"]]);
  });

  test("× and ÷ are multiplication and division", () => {
    expect(lex("3×2÷1")).toEqual([["NumberLiteral", "3"], ["Star", "×"], ["NumberLiteral", "2"], ["Slash", "÷"], ["NumberLiteral", "1"]]);
  });
});

/** For texts that must not lex cleanly: the tokens lexed around the error. */
function lexFails(text: string): [string, string][] {
  const r = lexer.tokenize(text);
  expect(r.errors.length, text).toBeGreaterThan(0);
  return r.tokens.map((t) => [t.tokenType.name, t.image]);
}

describe("strings", () => {
  test.each([
    '"苏市监〔2024〕53号"',
    '"“优质”品牌"',
    '"‘单引号’与「直角引号」"',
    '"含两端：2024-01-01 至 2024-12-31"',
    '"a\\"b"',
    '"# 不是注释"',
    '""',
  ])("%s is one string", (text) => {
    expect(lex(text)).toEqual([["StringLiteral", text]]);
  });

  test("a string ends at its line", () => {
    expect(lexer.tokenize('"未完\n"').errors.length).toBeGreaterThan(0);
  });
});

describe("white space and comments", () => {
  test("the full-width space separates tokens", () => {
    expect(lex("total\u3000100")).toEqual([["Kw_total", "total"], ["NumberLiteral", "100"]]);
  });

  test("comments go to their own group", () => {
    const r = lexer.tokenize("pass 75 # 假设：及格分\n");
    expect(r.tokens.map((t) => t.image)).toEqual(["pass", "75"]);
    expect(r.groups["comments"]?.map((t) => t.image)).toEqual(["# 假设：及格分"]);
  });
});
