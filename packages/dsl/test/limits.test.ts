/**
 * The language's limits, each documented in docs/reliability.md and refused with a clear
 * diagnostic that never takes long: the rule-file size (MAX_SOURCE_LENGTH → M002), nesting
 * (MAX_NESTING and MAX_EXPRESSION_DEPTH → P005), the number of diagnostics (MAX_DIAGNOSTICS →
 * M001). Then the figures: parse and check times of the costliest shapes of text we found, at
 * 100 kB (short run) or 1 MiB, the most the HTTP API accepts (`FUZZ=long`). `parse` and `check`
 * must never throw on any of them.
 */
import { describe, expect, test } from "vitest";
import { check, parse, MAX_DIAGNOSTICS, MAX_EXPRESSION_DEPTH, MAX_NESTING, MAX_SOURCE_LENGTH, MAX_TOKENS } from "../src/index.js";
import { FUZZ_LONG, runs } from "../src/testing/index.js";

function diagnose(text: string) {
  const t = performance.now();
  const diagnostics = check(parse(text)).diagnostics;
  return { diagnostics, codes: diagnostics.map((d) => d.code), ms: performance.now() - t };
}

describe("the rule-file size", () => {
  test(`MAX_SOURCE_LENGTH = ${MAX_SOURCE_LENGTH.toLocaleString("en")} UTF-16 code units: read at the limit, refused past it`, () => {
    const line = `# ${"x".repeat(77)}\n`;
    const at = line.repeat(Math.floor(MAX_SOURCE_LENGTH / line.length)).padEnd(MAX_SOURCE_LENGTH, "#");
    expect(at.length).toBe(MAX_SOURCE_LENGTH);
    expect(diagnose(at).codes).not.toContain("M002");
    const over = diagnose(`${at}#`);
    expect(over.codes).toEqual(["M002"]);
    expect(over.diagnostics[0]!.message).toBe(`规则文件过大（${MAX_SOURCE_LENGTH + 1} 字符，上限 ${MAX_SOURCE_LENGTH}）`);
    expect(over.diagnostics[0]!.messageEn).toBe(`rule file too large (${MAX_SOURCE_LENGTH + 1} characters, limit ${MAX_SOURCE_LENGTH})`);
    expect(over.ms).toBeLessThan(1_000);
  });
});

describe("the number of tokens (issue 13: jsqc check of 4.99 MB died out of heap)", () => {
  const minText = (args: number) =>
    `ruleset "t" { year 2025 total 10 }\ninput a: decimal "a"\nsection 一 "s" weight 10 {\n  item 1 "x" points 10 { formula max(0, min(a${",1".repeat(args)})) }\n}\ngrade A "A" { pass 0 }\n`;

  test(`MAX_TOKENS = ${MAX_TOKENS.toLocaleString("en")}: a file at the limit is parsed, one past it gets M003 alone`, () => {
    // A shape that parses fast: one set of n members (each ", a" is two tokens).
    const inSet = (n: number) => `ruleset "t" { year 2025 total 1 }\nenum R { a b }\ninput x: R "x"\nsection 一 "s" weight 1 {\n  item 1 "x" points 1 { award 1 when x in {a${", a".repeat(n)}} }\n}\ngrade A "A" { pass 0 }\n`;
    const probe = parse(inSet(MAX_TOKENS)).diagnostics[0]!;
    expect(probe.code).toBe("M003");
    const fixed = Number(/\((\d+),/.exec(probe.messageEn)![1]) - 2 * MAX_TOKENS;
    const n = Math.floor((MAX_TOKENS - fixed) / 2);
    expect(parse(inSet(n)).diagnostics.map((d) => d.code)).not.toContain("M003");
    const over = parse(inSet(n + 1));
    expect(over.diagnostics.map((d) => d.code)).toEqual(["M003"]);
    expect(over.diagnostics[0]!.messageEn).toBe(`rule file has too many tokens (${fixed + 2 * (n + 1)}, limit ${MAX_TOKENS}); not parsed`);
    expect(over.diagnostics[0]!.message).toContain("记号过多");
  });

  test("4.99 M characters of min(a, 1, 1, …): M003 from a part of the text, without lexing the rest", () => {
    const text = minText(Math.floor((MAX_SOURCE_LENGTH - 10_000) / 2));
    const before = process.memoryUsage().heapUsed;
    const { codes, diagnostics } = diagnose(text);
    expect(codes).toEqual(["M003"]);
    expect(diagnostics[0]!.messageEn).toMatch(/too many tokens \(\d+\+, limit/);
    console.log(`[limits] ${text.length} characters of min(…): M003, heap ${((process.memoryUsage().heapUsed - before) / 2 ** 20).toFixed(0)} MiB more after`);
  });
});

describe("nesting", () => {
  const inFormula = (expr: string) => `ruleset "t" { year 2025 total 1 }\ninput a: count\nsection 一 "s" weight 1 { item 1 "x" points 1 { formula ${expr} cap 1 } }\n`;

  test(`MAX_NESTING = ${MAX_NESTING}: brackets and prefix not/- past it give P005`, () => {
    // The section's and the item's braces count: 62 parentheses inside are 64 levels.
    expect(diagnose(inFormula(`${"(".repeat(MAX_NESTING - 2)}a${")".repeat(MAX_NESTING - 2)}`)).codes).not.toContain("P005");
    const deep = diagnose(inFormula(`${"(".repeat(MAX_NESTING - 1)}a${")".repeat(MAX_NESTING - 1)}`));
    expect(deep.codes).toContain("P005");
    const d = deep.diagnostics.find((x) => x.code === "P005")!;
    expect(d.message).toBe(`嵌套过深（超过 ${MAX_NESTING} 层），此声明及其后的内容未读取`);
    expect(d.messageEn).toBe(`nesting deeper than ${MAX_NESTING} levels; this declaration and the rest of the file were not read`);
  });

  test(`MAX_EXPRESSION_DEPTH = ${MAX_EXPRESSION_DEPTH}: a chain of that many operators gives P005`, () => {
    const chain = (ops: number) => inFormula(Array.from({ length: ops + 1 }, () => "a").join(" + "));
    expect(diagnose(chain(MAX_EXPRESSION_DEPTH - 1)).codes).not.toContain("P005");
    const d = diagnose(chain(MAX_EXPRESSION_DEPTH)).diagnostics.find((x) => x.code === "P005")!;
    expect(d.messageEn).toContain(`deeper than ${MAX_EXPRESSION_DEPTH} levels`);
  });
});

describe("the number of diagnostics", () => {
  test(`MAX_DIAGNOSTICS = ${MAX_DIAGNOSTICS}: the rest are counted in one M001`, () => {
    const { diagnostics } = diagnose("@\n".repeat(500));
    expect(diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(diagnostics.at(-1)!.code).toBe("M001");
    expect(diagnostics.at(-1)!.messageEn).toBe(`too many diagnostics; ${500 - MAX_DIAGNOSTICS} more not shown`);
    expect(diagnostics.at(-1)!.data).toEqual({ count: String(500 - MAX_DIAGNOSTICS) });
  });
});

describe(`parse and check times of the costliest texts (${FUZZ_LONG ? "1 MiB" : "100 kB"}; never a throw)`, () => {
  const size = runs(100_000, 1_048_576);
  const fill = (head: string, unit: string, tail: string) => head + unit.repeat(Math.floor((size - head.length - tail.length) / unit.length)) + tail;
  const header = 'ruleset "t" { year 2025 total 1 }\n';
  const shapes: [string, string][] = [
    ["comment lines", fill("", "# 注释注释注释注释注释注释注释注释\n", "")],
    ["realistic items", fill(`${header}input a: yesno\nsection 一 "s" weight 1 {\n`, '  item 1 "x" points 1 { award 1 when a }\n', "}\n")],
    ["one table row of numbers", fill(`${header}enum E { a }\ntable T (k: E) {\n  a: `, "1 ", "\n}\n")],
    ["enum members, all the same name", fill("enum E {\n", " m", "\n}\n")],
    ["min() of one-number arguments", fill(`${header}input a: count\nsection 一 "s" weight 1 { item 1 "x" points 1 { formula min(a`, ", 1", ") } }\n")],
    ["x in {a, a, a, …}", fill(`${header}enum E { a }\ninput x: E\neligibility { require "r": x in {a`, ", a", "} }\n")],
    ["characters the lexer rejects", fill("", "@", "")],
    ["unclosed strings", fill("", '"abc\n', "")],
  ];
  test.each(shapes)("%s", (name, text) => {
    let r: ReturnType<typeof diagnose> | undefined;
    expect(() => { r = diagnose(text); }).not.toThrow();
    console.log(`[limits] ${name}: ${(text.length / 1024).toFixed(0)} kB parse+check ${r!.ms.toFixed(0)} ms (${[...new Set(r!.codes)].slice(0, 3).join(", ") || "clean"})`);
    expect(r!.ms).toBeLessThan(FUZZ_LONG ? 120_000 : 30_000);
  }, 180_000);
});
