/**
 * Robustness of `parse` and `check` on any text: they never throw, every diagnostic has a valid
 * range, and nesting 10,000 deep is refused with P005 instead of overflowing the stack.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { CATALOGUE, check, parse, renderDiagnostic, type Diagnostic } from "../src/index.js";
import { lexer } from "../src/tokens.js";

const sample = readFileSync(new URL("./fixtures/clean.rules", import.meta.url), "utf8");
/** `FUZZ_RUNS=20000` for a longer search. */
const RUNS = Number(process.env["FUZZ_RUNS"] ?? 500);
const KNOWN_CODES = new Set([...Object.keys(CATALOGUE), "P001", "P002", "P003", "P004"]);

/** Line starts, counting `\r\n`, `\n` and a lone `\r` as line ends (as the lexer does). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) starts.push(i + 1);
  }
  return starts;
}

/** Parses and checks, and asserts what must hold of every diagnostic. Returns the diagnostics. */
function diagnoseSafely(text: string): readonly Diagnostic[] {
  const parsed = parse(text);
  const { diagnostics } = check(parsed);
  const starts = lineStarts(text);
  for (const d of diagnostics) {
    const where = `${d.code} ${JSON.stringify(d.span)} in ${JSON.stringify(text.slice(0, 200))}`;
    const { start, end } = d.span;
    expect(KNOWN_CODES.has(d.code), where).toBe(true);
    expect(d.message.length > 0 && d.messageEn.length > 0, where).toBe(true);
    expect(start.line >= 1 && start.column >= 1 && end.line >= 1 && end.column >= 1, where).toBe(true);
    expect(start.offset >= 0 && start.offset <= end.offset && end.offset <= text.length, where).toBe(true);
    expect(start.line < end.line || (start.line === end.line && start.column <= end.column), where).toBe(true);
    // Line and column agree with the offset.
    expect(start.line <= starts.length, where).toBe(true);
    expect(starts[start.line - 1]! + start.column - 1, where).toBe(start.offset);
    expect(typeof renderDiagnostic(d, text, "fuzz.rules", "both")).toBe("string");
  }
  return diagnostics;
}

describe("parse and check never throw and give valid ranges", () => {
  test("on arbitrary Unicode text", () => {
    const text = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc.string({ unit: "grapheme-composite", maxLength: 100 }),
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.string({ unit: fc.constantFrom(..."{}()[]:,\"#①⑳-+*/<>=!\\ \n\r\t　“”：；标准ab1.2024-"), maxLength: 300 }),
    );
    fc.assert(fc.property(text, (t) => { diagnoseSafely(t); }), { numRuns: RUNS });
  });

  test("on mutations of the sample rule file", () => {
    fc.assert(fc.property(mutatedSample(), (t) => { diagnoseSafely(t); }), { numRuns: RUNS });
  });

  test("on soups of the language's own tokens", () => {
    const soup = fc.array(fc.constantFrom(...SNIPPETS), { maxLength: 80 }).chain((toks) =>
      fc.array(fc.constantFrom(" ", "\n", "", "\t"), { minLength: toks.length, maxLength: toks.length })
        .map((seps) => toks.map((tok, i) => tok + seps[i]!).join("")),
    );
    fc.assert(fc.property(soup, (t) => { diagnoseSafely(t); }), { numRuns: RUNS });
  });

  test("the sample itself has no diagnostics", () => {
    expect(diagnoseSafely(sample)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Mutations of the sample
// ---------------------------------------------------------------------------------------------

/** Things to insert: punctuation, keywords, names, numbers and Chinese text. */
const SNIPPETS = [
  ..."{}()[]:,\"#①②⑳-+*/<>=",
  "==", "!=", "<=", ">=", "×", "÷", "；", "：", "“", "”", "　",
  "标准", "证书数", "申报日期", "主导", "国家", "标准分值", "三", "十一", "㐀",
  "0", "2.5", "100", "0.1234567", "2024-02-30", "2024-01-01", "2024 - 03", "\"文字\"", "\"未完", "\"\\q\"",
  "ruleset", "enum", "record", "input", "table", "columns", "section", "item", "vetoes", "veto", "eligibility",
  "require", "grade", "experts", "judged", "award", "when", "per", "base", "plus", "further", "highest", "sum",
  "over", "where", "of", "tiers", "formula", "cap", "points", "weight", "note", "and", "or", "not", "in",
  "within", "years", "before", "after", "any", "all", "count", "present", "size", "year", "min", "max",
  "true", "false", "list", "set", "date", "yesno", "decimal", "text", "optional", "pass", "window", "quota",
  "city", "combine", "trimmed", "mean", "round", "spread", "total", "application", "effective", "to",
];

type Mutation =
  | { kind: "delete"; at: number; length: number }
  | { kind: "insert"; at: number; snippet: string }
  | { kind: "duplicate"; at: number; length: number; to: number }
  | { kind: "swap"; a: number; b: number }
  | { kind: "char"; at: number; ch: string };

/** Token boundaries of a text: [start, end) of each token and comment, in order. */
function tokenSlices(text: string): [number, number][] {
  const lexed = lexer.tokenize(text);
  const toks = [...lexed.tokens, ...(lexed.groups["comments"] ?? [])].sort((a, b) => a.startOffset - b.startOffset);
  return toks.map((t) => [t.startOffset, t.endOffset! + 1]);
}

function mutate(text: string, m: Mutation): string {
  const slices = tokenSlices(text);
  if (slices.length === 0) return m.kind === "insert" ? m.snippet + text : m.kind === "char" ? m.ch + text : text;
  const slice = (i: number) => slices[i % slices.length]!;
  switch (m.kind) {
    case "delete": {
      const [from] = slice(m.at);
      const [, to] = slices[Math.min(slices.length - 1, (m.at % slices.length) + m.length)]!;
      return text.slice(0, from) + text.slice(to);
    }
    case "insert": {
      const [from] = slice(m.at);
      return `${text.slice(0, from)}${m.snippet} ${text.slice(from)}`;
    }
    case "duplicate": {
      const [from] = slice(m.at);
      const [, to] = slices[Math.min(slices.length - 1, (m.at % slices.length) + m.length)]!;
      const [target] = slice(m.to);
      return `${text.slice(0, target)}${text.slice(from, to)} ${text.slice(target)}`;
    }
    case "swap": {
      const [a0, a1] = slice(Math.min(m.a, m.b));
      const [b0, b1] = slice(Math.max(m.a, m.b));
      if (a0 >= b0) return text;
      return text.slice(0, a0) + text.slice(b0, b1) + text.slice(a1, b0) + text.slice(a0, a1) + text.slice(b1);
    }
    case "char": {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.ch + text.slice(at);
    }
  }
}

function mutatedSample(): fc.Arbitrary<string> {
  const index = fc.nat({ max: 10_000 });
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant("delete" as const), at: index, length: fc.nat({ max: 4 }) }),
    fc.record({ kind: fc.constant("insert" as const), at: index, snippet: fc.constantFrom(...SNIPPETS) }),
    fc.record({ kind: fc.constant("duplicate" as const), at: index, length: fc.nat({ max: 12 }), to: index }),
    fc.record({ kind: fc.constant("swap" as const), a: index, b: index }),
    fc.record({ kind: fc.constant("char" as const), at: fc.nat({ max: 100_000 }), ch: fc.constantFrom(..."{}()[]:,\"#①-+*/<>=标准级别\\\n") }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 6 }).map((ms) => ms.reduce(mutate, sample));
}

// ---------------------------------------------------------------------------------------------
// Deep nesting
// ---------------------------------------------------------------------------------------------

const DEEP = 10_000;

/** The sample with `formula <expr>` as item ⑦'s form. */
function withFormula(expr: string): string {
  const text = sample.replace("formula max(0, min(2, 证书数 - 1))", `formula ${expr}`);
  expect(text).not.toBe(sample);
  return text;
}

describe(`nesting ${DEEP} deep gives P005, not a stack overflow`, () => {
  const cases: [string, () => string][] = [
    ["parentheses", () => withFormula(`${"(".repeat(DEEP)}证书数${")".repeat(DEEP)}`)],
    ["not", () => sample.replace('require "注册地": ', `require "注册地": ${"not ".repeat(DEEP)}`)],
    ["unary minus", () => withFormula(`${"-".repeat(DEEP)}证书数`)],
    ["braces", () => `${sample}\n${"{".repeat(DEEP)}`],
    ["a chain of additions", () => withFormula(Array.from({ length: DEEP }, () => "1").join(" + "))],
    ["a chain of and", () => sample.replace('require "注册地": ', `require "注册地": ${"true and ".repeat(DEEP)}`)],
    ["brackets", () => withFormula(`标准分值${"[".repeat(DEEP)}角色`)],
    ["calls", () => withFormula(`${"max(0, ".repeat(DEEP)}1${")".repeat(DEEP)}`)],
    ["braces inside a section", () => sample.replace("item ② ", `item ② ${"{".repeat(DEEP)}`)],
  ];
  test.each(cases)("%s", (_name, make) => {
    const text = make();
    const codes = diagnoseSafely(text).map((d) => d.code);
    expect(codes).toContain("P005");
  });
});
