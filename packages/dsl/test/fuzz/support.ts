/**
 * What the parser and checker fuzz suites share: the assertions every diagnostic must meet, and
 * the mutations of a rule file (token-aware deletions, insertions, duplications, swaps and stray
 * characters). Assertions throw plain errors: they run a million times in the long run.
 */
import fc from "fast-check";
import { CATALOGUE, check, parse, renderDiagnostic, type Diagnostic } from "../../src/index.js";
import { lexer } from "../../src/tokens.js";

const KNOWN_CODES = new Set([...Object.keys(CATALOGUE), "P001", "P002", "P003", "P004"]);

/** Line starts, counting `\r\n`, `\n` and a lone `\r` as line ends (as the lexer does). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) starts.push(i + 1);
  }
  return starts;
}

function fail(what: string, d: Diagnostic, text: string): never {
  throw new Error(`${what}: ${d.code} ${JSON.stringify(d.span)} in ${JSON.stringify(text.slice(0, 300))}`);
}

/**
 * Parses and checks `text` (neither may throw) and asserts of every diagnostic: a known code,
 * both messages, a range inside the text whose lines and columns agree with its offsets, and a
 * rendering. Returns the diagnostics.
 */
export function diagnoseSafely(text: string): readonly Diagnostic[] {
  const { diagnostics } = check(parse(text));
  if (diagnostics.length === 0) return diagnostics;
  const starts = lineStarts(text);
  const agrees = (p: { offset: number; line: number; column: number }) =>
    p.line >= 1 && p.column >= 1 && p.line <= starts.length && starts[p.line - 1]! + p.column - 1 === p.offset;
  for (const d of diagnostics) {
    const { start, end } = d.span;
    if (!KNOWN_CODES.has(d.code)) fail("unknown code", d, text);
    if (!(d.message.length > 0 && d.messageEn.length > 0)) fail("empty message", d, text);
    if (!(start.offset >= 0 && start.offset <= end.offset && end.offset <= text.length)) fail("range outside the text", d, text);
    if (!agrees(start)) fail("start line/column disagree with the offset", d, text);
    if (!agrees(end)) fail("end line/column disagree with the offset", d, text);
    if (typeof renderDiagnostic(d, text, "fuzz.rules", "both") !== "string") fail("no rendering", d, text);
  }
  return diagnostics;
}

/** Things to insert: punctuation, keywords, names, numbers and Chinese text. */
export const SNIPPETS = [
  ..."{}()[]:,\"#①②⑳-+*/<>=",
  "==", "!=", "<=", ">=", "×", "÷", "；", "：", "“", "”", "　", "\r", "\r\n", "\t", "\ufeff", "\\", "\"\\", "#\n",
  "标准", "证书数", "申报日期", "主导", "国家", "标准分值", "三", "十一", "㐀", "𠀀", "é", "\u0301", "🙂",
  "0", "2.5", "100", "0.1234567", "99999999999", "2024-02-30", "2024-01-01", "2024 - 03", "\"文字\"", "\"未完", "\"\\q\"",
  "ruleset", "enum", "record", "input", "table", "columns", "section", "item", "vetoes", "veto", "eligibility",
  "require", "grade", "experts", "judged", "award", "when", "per", "base", "plus", "further", "highest", "sum",
  "over", "where", "of", "tiers", "formula", "cap", "points", "weight", "note", "and", "or", "not", "in",
  "within", "years", "before", "after", "any", "all", "count", "present", "size", "year", "min", "max",
  "true", "false", "list", "set", "date", "yesno", "decimal", "text", "optional", "pass", "window", "quota",
  "city", "combine", "trimmed", "mean", "round", "spread", "total", "application", "effective", "to", "months", "days",
];

type Mutation =
  | { kind: "delete"; at: number; length: number }
  | { kind: "insert"; at: number; snippet: string }
  | { kind: "duplicate"; at: number; length: number; to: number }
  | { kind: "swap"; a: number; b: number }
  | { kind: "char"; at: number; ch: string }
  | { kind: "truncate"; at: number };

/** Token boundaries of a text: [start, end) of each token and comment, in order. */
function tokenSlices(text: string): [number, number][] {
  const lexed = lexer.tokenize(text);
  const toks = [...lexed.tokens, ...(lexed.groups["comments"] ?? [])].sort((a, b) => a.startOffset - b.startOffset);
  return toks.map((t) => [t.startOffset, t.endOffset! + 1]);
}

function mutate(text: string, m: Mutation): string {
  if (m.kind === "char") {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + m.ch + text.slice(at);
  }
  if (m.kind === "truncate") return text.slice(0, m.at % (text.length + 1));
  const slices = tokenSlices(text);
  if (slices.length === 0) return m.kind === "insert" ? m.snippet + text : text;
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
  }
}

const arbMutation: fc.Arbitrary<Mutation> = (() => {
  const index = fc.nat({ max: 100_000 });
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("delete" as const), at: index, length: fc.nat({ max: 4 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("insert" as const), at: index, snippet: fc.constantFrom(...SNIPPETS) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("duplicate" as const), at: index, length: fc.nat({ max: 12 }), to: index }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("swap" as const), a: index, b: index }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("char" as const), at: fc.nat({ max: 1_000_000 }), ch: fc.constantFrom(..."{}()[]:,\"#①-+*/<>=标准级别\\\n\r\t\u3000", "\ud800", "\u0000") }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: fc.nat({ max: 1_000_000 }) }) },
  );
})();

/** `base` with one to `max` mutations applied. */
export function mutated(base: fc.Arbitrary<string>, max = 6): fc.Arbitrary<string> {
  return fc.tuple(base, fc.array(arbMutation, { minLength: 1, maxLength: max })).map(([text, ms]) => ms.reduce(mutate, text));
}

/** Counts the inputs a property saw, for the run's report. */
export class Tally {
  private static readonly all = new Map<string, number>();
  static add(name: string, n = 1): void {
    Tally.all.set(name, (Tally.all.get(name) ?? 0) + n);
  }
  static report(suite: string): void {
    const lines = [...Tally.all].map(([k, v]) => `  ${k}: ${v.toLocaleString("en")}`);
    const total = [...Tally.all.values()].reduce((a, b) => a + b, 0);
    console.log(`[fuzz] ${suite}: ${total.toLocaleString("en")} inputs\n${lines.join("\n")}`);
  }
}
