/**
 * `parse(text)`: lexes, parses with recovery and builds the typed AST. Never throws; every
 * problem comes back as a diagnostic.
 */
import { createTokenInstance, tokenMatcher, type CstNode, type IToken, type CstElement, type ILexingError, type IRecognitionException, type TokenType } from "chevrotain";
import type * as A from "./ast.js";
import { diagnostic, finishDiagnostics, type Diagnostic } from "./diagnostics.js";
import { ruleParser } from "./parser.js";
import * as T from "./tokens.js";
import { normaliseDecimal, MAX_DECIMAL_PLACES, isValidDate } from "./decimal-text.js";
import { parseDec } from "./decimal.js";

/** Brackets and prefix operators deeper than this get diagnostic P005 instead of a stack overflow. */
export const MAX_NESTING = 64;
/** An expression tree deeper than this (e.g. a chain of 500 `+`) is refused with P005. */
export const MAX_EXPRESSION_DEPTH = 256;
/** The largest rule file read, in UTF-16 code units (about 100 times the 2024 file). */
export const MAX_SOURCE_LENGTH = 5_000_000;
/**
 * The most tokens a rule file may have (the 2024 file has about 1,100). Parse memory grows with
 * tokens, not characters: Chevrotain's CST costs up to ~3 KB per token (an argument of a long
 * `min(a, 1, 1, …)` passes through every precedence level), so 5 M characters of such text
 * needed more than 4 GB and killed `jsqc check`. At this limit the worst text parses in well
 * under 1 GB. Refused with M003.
 */
export const MAX_TOKENS = 200_000;
/** A text longer than this is first lexed only this far; past MAX_TOKENS there, the rest is never lexed. */
const TOKEN_PROBE_LENGTH = 4 * MAX_TOKENS;
/**
 * A text longer than this is first scanned character by character for nesting too deep (or an
 * operator chain too long); when the scan finds it, only the text up to a little past that point
 * is lexed, so a file of 10⁶ nested brackets answers P005 in milliseconds rather than seconds.
 */
export const QUICK_SCAN_LENGTH = 64 * 1024;
/** How far past the point the scan found the text is lexed (room for the lexer's lookahead). */
const QUICK_SCAN_MARGIN = 256;

export interface ParseResult {
  readonly ast: A.RuleFile;
  readonly comments: readonly A.Comment[];
  readonly diagnostics: readonly Diagnostic[];
}

const ZERO: A.Position = { offset: 0, line: 1, column: 1 };

/** Parses a rule file. Never throws. */
export function parse(text: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  if (text.length > MAX_SOURCE_LENGTH) {
    diagnostics.push(diagnostic("M002", { start: ZERO, end: ZERO }, { size: text.length, limit: MAX_SOURCE_LENGTH }));
    return { ast: emptyFile(), comments: [], diagnostics };
  }
  let lexed: Lexed | null = null;
  if (text.length > QUICK_SCAN_LENGTH) {
    // A very large text: lex only up to a little past where a quick scan finds it too deep, if
    // the tokens confirm it well before the cut (else the scan was wrong: lex it all).
    const at = quickScan(text);
    if (at !== -1 && at + QUICK_SCAN_MARGIN < text.length) {
      const part = lex(text, at + QUICK_SCAN_MARGIN);
      const deep = part.tooDeep;
      if (deep && part.tokens[deep.index]!.endOffset! < at + QUICK_SCAN_MARGIN / 2) {
        // What lies past the too-deep token is not read: drop what the cut may have made of it.
        const end = part.tokens[deep.index]!.endOffset!;
        lexed = {
          ...part,
          comments: part.comments.filter((c) => c.startOffset <= end),
          lexErrors: part.lexErrors.filter((e) => e.offset <= end),
          diagnostics: part.diagnostics.filter((d) => d.span.start.offset <= end),
        };
      }
    }
  }
  if (!lexed && text.length > TOKEN_PROBE_LENGTH) {
    const probe = lex(text, TOKEN_PROBE_LENGTH);
    if (probe.tokens.length > MAX_TOKENS + 1) return tooManyTokens(probe.tokens.length, true);
  }
  lexed ??= lex(text, text.length);
  if (lexed.tokens.length > MAX_TOKENS) return tooManyTokens(lexed.tokens.length, false);
  for (const d of lexed.diagnostics) diagnostics.push(d);
  let tokens = lexed.tokens;
  for (const err of lexed.lexErrors) diagnostics.push(lexError(err, text));
  const comments: A.Comment[] = lexed.comments.map((t) => ({ text: t.image, span: tokenSpan(t) }));

  const tooDeep = lexed.tooDeep;
  if (tooDeep) {
    diagnostics.push(diagnostic("P005", tokenSpan(tokens[tooDeep.index]!), { limit: tooDeep.limit, skipped: 1 }));
    tokens = tokens.slice(0, topLevelStartBefore(tokens, tooDeep.index));
  }

  const parser = ruleParser();
  parser.input = tokens;
  const cst = parser.ruleFile();
  for (const err of dropLeftovers(parser.errors, tokens)) diagnostics.push(parseError(err, text));
  const builder = new AstBuilder(text, diagnostics);
  const ast = builder.ruleFile(cst, text);
  return { ast, comments, diagnostics: finishDiagnostics(dedupe(diagnostics)) };
}

/** A file over MAX_TOKENS: M003, nothing parsed (`more`: the count is of a part of the text). */
function tooManyTokens(count: number, more: boolean): ParseResult {
  return { ast: emptyFile(), comments: [], diagnostics: [diagnostic("M003", { start: ZERO, end: ZERO }, { count: more ? `${count}+` : String(count), limit: MAX_TOKENS })] };
}

/**
 * Recovery that skips tokens to resynchronise does not count braces, so the rest of the declaration
 * is read out of step and trips again: the same mistake twice. After an error in a declaration, a
 * later one in the same declaration is dropped when recovery skipped tokens, and so are leftovers
 * reported at the top level (P002: the declaration's `}`, its next item) in any case.
 */
function dropLeftovers(errors: IRecognitionException[], tokens: IToken[]): IRecognitionException[] {
  const starts = tokens.filter((t) => TOP_LEVEL.has(t.tokenType));
  const sameDeclaration = (a: number, b: number) => {
    const next = starts[firstAfter(starts, a)];
    return next === undefined || next.startOffset > b;
  };
  const out: IRecognitionException[] = [];
  let last: { offset: number; resynced: boolean } | null = null;
  for (const err of errors) {
    const offset = err.token.startOffset;
    if (last && !Number.isNaN(offset) && sameDeclaration(last.offset, offset)) {
      if (messageOf(err).code === "P002" || last.resynced) continue;
    }
    out.push(err);
    const resynced = (err as { resyncedTokens?: IToken[] }).resyncedTokens !== undefined;
    if (!Number.isNaN(offset)) last = { offset, resynced };
  }
  return out;
}

/** Index of the first token starting after `offset` (tokens are in source order). */
function firstAfter(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function emptyFile(): A.RuleFile {
  return { type: "RuleFile", header: null, declarations: [], span: { start: ZERO, end: ZERO } };
}

/** The parser's own syntax errors (P001–P004), which recovery can repeat; not the value checks. */
const RECOVERY_CODES = new Set(["P001", "P002", "P003", "P004"]);
/** Checks of values as written (decimals, dates, item numbers, escapes). */
const VALUE_CODES = new Set(["P006", "P007", "P008", "P009"]);

/** Recovery can report the same place twice; a user should see one message per mistake. */
function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  let lastSyntaxLine = -1;
  // A character the lexer dropped makes the parser trip on the same line: the lexer's message says it.
  const lexLines = new Set(list.filter((d) => d.code.startsWith("L")).map((d) => d.span.start.line));
  // A quote too many or too few pairs the line's other quotes wrongly: what is left over is noise.
  const quoteLines = new Set(list.filter((d) => d.code === "L002").map((d) => d.span.start.line));
  // Values on a line the parser could not read may be pieces that recovery put together.
  const recoveryLines = new Set(list.filter((d) => RECOVERY_CODES.has(d.code)).map((d) => d.span.start.line));
  for (const d of list) {
    if (d.code === "L001" && quoteLines.has(d.span.start.line)) continue;
    if (VALUE_CODES.has(d.code) && recoveryLines.has(d.span.start.line)) continue;
    const key = `${d.code}@${d.span.start.offset}`;
    if (seen.has(key)) continue;
    // After a syntax error, recovery often trips again on the same line: keep the first.
    if (RECOVERY_CODES.has(d.code)) {
      if (d.span.start.line === lastSyntaxLine || lexLines.has(d.span.start.line)) continue;
      lastSyntaxLine = d.span.start.line;
    }
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** Strings the lexer could not close; the AST builder reads them without a closing quote. */
const unterminated = new WeakSet<IToken>();

/**
 * Strings the lexer could not read, turned into string tokens so that the parser does not trip on
 * every word of their text:
 * - a string without its closing quote is taken to run up to the first keyword, brace or colon on
 *   its line (or the line's end) and reported once (L002), so that
 *   `item ② "开展内部审核 points 6 { judged }` still parses;
 * - a string in Chinese quotes `“…”` is read as a string and reported once (L001).
 */
function recoverStrings(
  text: string,
  tokens: IToken[],
  errors: ILexingError[],
  comments: IToken[],
  diagnostics: Diagnostic[],
): { tokens: IToken[]; lexErrors: ILexingError[] } {
  const QUOTE = /["“”]/;
  if (!errors.some((e) => QUOTE.test(text.slice(e.offset, e.offset + e.length)))) return { tokens, lexErrors: errors };
  const strings: IToken[] = [];
  const outErrors: ILexingError[] = [];
  let skipUntil = -1;
  for (const err of errors) {
    if (err.offset < skipUntil) continue;
    const k = text.slice(err.offset, err.offset + err.length).search(QUOTE);
    if (k === -1) { outErrors.push(err); continue; }
    // Stray characters before the quote, e.g. `@"…`, are a mistake of their own.
    if (k > 0) outErrors.push({ ...err, length: k });
    const quote = err.offset + k;
    const line = err.line ?? 1;
    const column = (err.column ?? 1) + k;
    let lineEnd = text.indexOf("\n", quote);
    if (lineEnd === -1) lineEnd = text.length;
    const comment = comments[firstAfter(comments, quote)];
    if (comment && comment.startOffset < lineEnd) lineEnd = comment.startOffset;
    let end: number;
    if (text[quote] === '"') {
      let i = firstAfter(tokens, quote);
      let stop = lineEnd;
      for (; i < tokens.length && tokens[i]!.startOffset < lineEnd; i++) {
        const t = tokens[i]!;
        if (tokenMatcher(t, T.Keyword) || t.tokenType === T.LBrace || t.tokenType === T.RBrace || t.tokenType === T.Colon) {
          stop = t.startOffset;
          break;
        }
      }
      end = stop;
      while (end > quote + 1 && /[ \t\r\u3000]/.test(text[end - 1]!)) end--;
      const p: A.Position = { offset: quote, line, column };
      diagnostics.push(diagnostic("L002", { start: p, end: { offset: quote + 1, line, column: column + 1 } }));
    } else {
      const close = text.slice(quote + 1, lineEnd).search(/[“”]/);
      if (close === -1) { outErrors.push({ ...err, offset: quote, column, length: err.length - k }); continue; }
      end = quote + 1 + close + 1;
      const p: A.Position = { offset: quote, line, column };
      const span = { start: p, end: { offset: end, line, column: column + end - quote } };
      diagnostics.push(diagnostic("L001", span, { text: text[quote]!, hintZh: "（字符串应使用半角引号 \"…\"）", hintEn: ' (strings use ASCII quotes "…")' }));
    }
    const image = text.slice(quote, end);
    const str = createTokenInstance(T.StringLiteral, image, quote, end - 1, line, line, column, column + image.length - 1);
    if (text[quote] === '"') unterminated.add(str);
    strings.push(str);
    skipUntil = end;
  }
  // Drop the tokens lexed from inside the recovered strings and put the strings in their place.
  const kept: IToken[] = [];
  let r = 0;
  for (const t of tokens) {
    while (r < strings.length && strings[r]!.endOffset! < t.startOffset) r++;
    const s = strings[r];
    if (s && t.startOffset >= s.startOffset && t.startOffset <= s.endOffset!) continue;
    kept.push(t);
  }
  const merged = [...kept, ...strings].sort((a, b) => a.startOffset - b.startOffset);
  return { tokens: merged, lexErrors: outErrors };
}

function lexError(err: ILexingError, text: string): Diagnostic {
  const start = position(text, err.offset, err.line ?? 1, err.column ?? 1);
  const ch = text.slice(err.offset, err.offset + Math.max(1, Math.min(err.length, 1)));
  const end: A.Position = { offset: start.offset + err.length, line: start.line, column: start.column + err.length };
  // (Quotes the lexer could not read are handled by recoverStrings.)
  const shown = err.length > 1 ? text.slice(err.offset, err.offset + Math.min(err.length, 20)) : ch;
  return diagnostic("L001", { start, end }, { text: shown, ...punctuationHint(ch) });
}

/** Punctuation typed with a Chinese input method, or from other languages: name what is meant. */
function punctuationHint(ch: string): { hintZh: string; hintEn: string } | Record<string, never> {
  if (ch === "；" || ch === ";") return { hintZh: "（规则文件不用分号）", hintEn: " (rule files use no semicolons)" };
  if (ch === "=" || ch === "＝") return { hintZh: "（比较相等应写 '=='）", hintEn: " (write '==' to compare)" };
  const code = ch.codePointAt(0) ?? 0;
  const ascii = ch === "“" || ch === "”" ? '"' : ch === "、" ? "," : code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0) : "";
  if (!ascii || !':,(){}[]<>=+-*/#"!'.includes(ascii)) return {};
  return { hintZh: `（应为半角 '${ascii}'）`, hintEn: ` (use ASCII '${ascii}')` };
}

function position(_text: string, offset: number, line: number, column: number): A.Position {
  return { offset, line, column };
}

/** A syntax error's message as parser.ts builds it: JSON with a code, both languages and a place. */
interface SyntaxMessage { code: string; zh: string; en: string; at?: string; ref?: number[] }

function messageOf(err: IRecognitionException): SyntaxMessage {
  try {
    return JSON.parse(err.message) as SyntaxMessage;
  } catch {
    // A message not built by our provider: show it as is in both languages.
    return { code: "P001", zh: err.message, en: err.message };
  }
}

function parseError(err: IRecognitionException, text: string): Diagnostic {
  const { code, zh, en, at: where, ref } = messageOf(err);
  const at = where && ref?.length === 6 ? { where, ref } : undefined;
  const tok = err.token;
  let span: A.Span;
  if (at) {
    // The message is about another token (a name used as a function) or about what is missing
    // right after one: a `}` left out belongs at the end of its line, not at the next line's start.
    const [startOffset, endOffset, startLine, startColumn, endLine, endColumn] = at.ref as [number, number, number, number, number, number];
    const ref = { startOffset, endOffset, startLine, startColumn, endLine, endColumn } as IToken;
    span = at.where === "after" ? afterToken(ref) : tokenSpan(ref);
  } else if (tok.tokenType.name === "EOF" || Number.isNaN(tok.startOffset)) {
    span = endOfText(text);
  } else {
    span = tokenSpan(tok);
  }
  return { severity: "error", code, message: zh, messageEn: en, span };
}

function endOfText(text: string): A.Span {
  // Lines end at "\r\n", "\n" or a lone "\r", as the lexer counts them.
  const lines = text.split(/\r\n?|\n/);
  const line = lines.length;
  const column = lines[line - 1]!.length + 1;
  const p = { offset: text.length, line, column };
  return { start: p, end: p };
}

function afterToken(t: IToken): A.Span {
  const p = { offset: t.endOffset! + 1, line: t.endLine!, column: t.endColumn! + 1 };
  return { start: p, end: p };
}

/** The span of a token; Chevrotain's ends are inclusive, ours exclusive. */
export function tokenSpan(t: IToken): A.Span {
  return {
    start: { offset: t.startOffset, line: t.startLine!, column: t.startColumn! },
    end: { offset: t.endOffset! + 1, line: t.endLine!, column: t.endColumn! + 1 },
  };
}

interface Lexed {
  readonly tokens: IToken[];
  readonly lexErrors: ILexingError[];
  readonly comments: IToken[];
  /** L001/L002 of the strings the lexer could not read. */
  readonly diagnostics: Diagnostic[];
  readonly tooDeep: TooDeep | null;
}

/** Lexes `text` up to `length` (the whole text, or a part of a very large one). */
function lex(text: string, length: number): Lexed {
  const lexed = T.lexer.tokenize(length < text.length ? text.slice(0, length) : text);
  const comments = lexed.groups["comments"] ?? [];
  const diagnostics: Diagnostic[] = [];
  const { tokens, lexErrors } = recoverStrings(text, lexed.tokens, lexed.errors, comments, diagnostics);
  return { tokens, lexErrors, comments, diagnostics, tooDeep: findTooDeep(tokens) };
}

/** The first token past a limit, and the limit: MAX_NESTING, or MAX_EXPRESSION_DEPTH for a chain. */
interface TooDeep { readonly index: number; readonly limit: number }

function findTooDeep(tokens: IToken[]): TooDeep | null {
  const meter = depthMeter();
  for (let i = 0; i < tokens.length; i++) {
    const limit = meter(tokens[i]!.tokenType);
    if (limit !== 0) return { index: i, limit };
  }
  return null;
}

/** Tokens after which a `-` is binary (subtraction), not a prefix. */
const OPERAND_END = new Set<TokenType>([T.NumberLiteral, T.Identifier, T.RParen, T.RBracket, T.DateLiteral, T.True, T.False, T.Years, T.Months, T.Days]);
/** Binary operators by precedence level (0 = or … 4 = multiplicative); a binary `-` is level 3. */
const BINARY_LEVEL = new Map<TokenType, number>([
  [T.Or, 0], [T.And, 1], [T.Eq, 2], [T.NotEq, 2], [T.Less, 2], [T.LessEq, 2], [T.Greater, 2], [T.GreaterEq, 2],
  [T.PlusSign, 3], [T.Star, 4], [T.Slash, 4],
]);
const LEVELS = 5;
/** Tokens that can stand inside one expression between its operators; any other token ends it. */
const IN_EXPRESSION = new Set<TokenType>([
  T.Identifier, T.NumberLiteral, T.DateLiteral, T.True, T.False, T.Years, T.Months, T.Days, T.Not, T.Minus,
  T.Min, T.Max, T.Year, T.Present, T.Size, T.Count, T.Any, T.All, T.Sum,
  T.LParen, T.RParen, T.LBracket, T.RBracket, T.LBrace, T.RBrace,
]);
/** Declarations that hold expressions (a table's rows of signed numbers are not one). */
const EXPRESSION_DECLARATIONS = new Set<TokenType>([T.Section, T.Vetoes, T.Eligibility, T.Grade]);

/**
 * Feeds tokens one by one; answers 0, or the limit the token goes past:
 * - MAX_NESTING: brackets and runs of prefix `not` / `-` (which recurse like brackets) deeper;
 * - MAX_EXPRESSION_DEPTH: a chain of that many operators of one precedence level at one bracket
 *   depth, which the parser nests left to right (`1 + 1 + … + 1`), so the tree is deeper still.
 *   Counting them here refuses such a chain before the parser builds a tree of a million nodes.
 */
function depthMeter(): (t: TokenType) => number {
  let depth = 0;
  let prefixRun = 0;
  let prev: TokenType | undefined;
  let inExpressions = false;
  // Operators seen in a row per bracket depth and level; a lower level's operator ends the
  // chains of the higher levels (`a * b + c`), and a token outside expressions ends them all.
  const chains = new Int32Array((MAX_NESTING + 2) * LEVELS);
  return (t) => {
    if (depth === 0 && TOP_LEVEL.has(t)) inExpressions = EXPRESSION_DECLARATIONS.has(t);
    const opening = t === T.LParen || t === T.LBrace || t === T.LBracket;
    if (opening) {
      depth++;
      if (depth <= MAX_NESTING) chains.fill(0, depth * LEVELS, depth * LEVELS + LEVELS);
    } else if (t === T.RParen || t === T.RBrace || t === T.RBracket) depth = Math.max(0, depth - 1);
    const prefix = t === T.Not || (t === T.Minus && (prev === undefined || !OPERAND_END.has(prev)));
    prefixRun = prefix ? prefixRun + 1 : 0;
    prev = t;
    if (depth + prefixRun > MAX_NESTING) return MAX_NESTING;
    if (!inExpressions || opening) return 0;
    const base = depth * LEVELS;
    const level = t === T.Minus ? (prefix ? undefined : 3) : BINARY_LEVEL.get(t);
    if (level !== undefined) {
      const n = ++chains[base + level]!;
      chains.fill(0, base + level + 1, base + LEVELS);
      if (n >= MAX_EXPRESSION_DEPTH) return MAX_EXPRESSION_DEPTH;
    } else if (!IN_EXPRESSION.has(t)) {
      chains.fill(0, base, base + LEVELS);
    }
    return 0;
  };
}

const WORD_START = /[A-Za-z_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const WORD_PART = /[A-Za-z_0-9\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const DATE_AT = /\d{4}-\d{2}-\d{2}(?![0-9])/y;
const NUMBER_AT = /\d+(?:\.\d+)?/y;
const PUNCTUATION = new Map<string, TokenType>([
  ["(", T.LParen], [")", T.RParen], ["{", T.LBrace], ["}", T.RBrace], ["[", T.LBracket], ["]", T.RBracket],
  [",", T.Comma], [":", T.Colon], ["+", T.PlusSign], ["-", T.Minus], ["*", T.Star], ["×", T.Star], ["/", T.Slash], ["÷", T.Slash],
  ["<", T.Less], [">", T.Greater],
]);

/**
 * A quick scan of the text, character by character, with the lexer's rules roughly (words,
 * numbers, strings and comments skipped whole): the offset just past the first token that
 * `depthMeter` finds too deep, or -1. Only a hint: the lexer's tokens confirm it.
 */
function quickScan(text: string): number {
  const meter = depthMeter();
  const n = text.length;
  let i = 0;
  while (i < n) {
    const ch = text[i]!;
    const c = ch.charCodeAt(0);
    let type: TokenType | undefined;
    if (ch === " " || ch === "\n" || ch === "\r" || ch === "\t" || c === 0x3000 || c === 0xfeff) { i++; continue; }
    if (ch === "#") {
      while (i < n && text[i] !== "\n" && text[i] !== "\r") i++;
      continue;
    }
    if (ch === '"') {
      i++;
      while (i < n && text[i] !== '"' && text[i] !== "\n" && text[i] !== "\r") i += text[i] === "\\" ? 2 : 1;
      i++;
      type = T.StringLiteral;
    } else if (c >= 0x30 && c <= 0x39) {
      DATE_AT.lastIndex = i;
      if (DATE_AT.test(text)) i = DATE_AT.lastIndex;
      else {
        NUMBER_AT.lastIndex = i;
        NUMBER_AT.test(text);
        i = NUMBER_AT.lastIndex;
      }
      type = T.NumberLiteral;
    } else if (WORD_START.test(ch)) {
      const start = i;
      while (i < n && WORD_PART.test(text[i]!)) i++;
      type = T.keywordTypes.get(text.slice(start, i)) ?? T.Identifier;
    } else {
      const two = text.slice(i, i + 2);
      if (two === "==" || two === "!=" || two === "<=" || two === ">=") {
        type = two === "==" ? T.Eq : two === "!=" ? T.NotEq : two === "<=" ? T.LessEq : T.GreaterEq;
        i += 2;
      } else {
        type = PUNCTUATION.get(ch);
        i++;
      }
    }
    if (type !== undefined && meter(type) !== 0) return i;
  }
  return -1;
}

const TOP_LEVEL = new Set<unknown>([T.Ruleset, T.Enum, T.Record, T.Input, T.Table, T.Section, T.Vetoes, T.Eligibility, T.Grade, T.Experts]);

/** The index where the top-level declaration holding `index` begins (what comes before is whole). */
function topLevelStartBefore(tokens: IToken[], index: number): number {
  let depth = 0;
  let start = 0;
  for (let i = 0; i < index; i++) {
    const t = tokens[i]!.tokenType;
    if (depth === 0 && TOP_LEVEL.has(t)) start = i;
    if (t === T.LParen || t === T.LBrace || t === T.LBracket) depth++;
    else if (t === T.RParen || t === T.RBrace || t === T.RBracket) depth = Math.max(0, depth - 1);
  }
  return start;
}

// ---------------------------------------------------------------------------------------------
// CST → AST
// ---------------------------------------------------------------------------------------------

type Children = Record<string, CstElement[] | undefined>;

function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && (e as IToken).image !== undefined;
}

function tok(c: Children, name: string, i = 0): IToken | undefined {
  const e = c[name]?.[i];
  return isToken(e) && !Number.isNaN(e.startOffset) && !e.isInsertedInRecovery ? e : undefined;
}

function toks(c: Children, name: string): IToken[] {
  return (c[name] ?? []).filter((e): e is IToken => isToken(e) && !Number.isNaN(e.startOffset) && !e.isInsertedInRecovery);
}

function sub(c: Children, name: string, i = 0): CstNode | undefined {
  const e = c[name]?.[i];
  return e !== undefined && !isToken(e) ? e : undefined;
}

function subs(c: Children, name: string): CstNode[] {
  return (c[name] ?? []).filter((e): e is CstNode => !isToken(e));
}

function merge(a: A.Span, b: A.Span): A.Span {
  // A node that recovery left without a location has an empty span at offset 0: leave it out.
  const nowhere = (s: A.Span) => s.end.offset === 0;
  if (nowhere(b) || b.end.offset < a.start.offset) return a;
  if (nowhere(a)) return b;
  return { start: a.start, end: b.end };
}

class AstBuilder {
  /** Depth of each expression built, to refuse overly deep trees without recursing into them. */
  private readonly depth = new WeakMap<A.Expr, number>();

  constructor(
    private readonly text: string,
    private readonly diagnostics: Diagnostic[],
  ) {}

  private nodeSpan(n: CstNode): A.Span {
    const loc = n.location;
    if (!loc || Number.isNaN(loc.startOffset)) return { start: ZERO, end: ZERO };
    const endOffset = Number.isNaN(loc.endOffset ?? NaN) ? loc.startOffset : loc.endOffset! + 1;
    return {
      start: { offset: loc.startOffset, line: loc.startLine!, column: loc.startColumn! },
      end: { offset: endOffset, line: loc.endLine ?? loc.startLine!, column: (loc.endColumn ?? loc.startColumn! - 1) + 1 },
    };
  }

  ruleFile(cst: CstNode, text: string): A.RuleFile {
    const c = cst.children as Children;
    let header: A.RulesetHeader | null = null;
    const decls: A.Declaration[] = [];
    const headers: A.RulesetHeader[] = [];
    const order: { offset: number; decl: A.Declaration }[] = [];
    for (const n of subs(c, "rulesetHeader")) headers.push(this.header(n));
    for (const n of subs(c, "enumDecl")) order.push(this.at(n, this.enumDecl(n)));
    for (const n of subs(c, "recordDecl")) order.push(this.at(n, this.recordDecl(n)));
    for (const n of subs(c, "inputDecl")) order.push(this.at(n, this.inputDecl(n)));
    for (const n of subs(c, "tableDecl")) order.push(this.at(n, this.tableDecl(n)));
    for (const n of subs(c, "sectionDecl")) order.push(this.at(n, this.sectionDecl(n)));
    for (const n of subs(c, "vetoGroupDecl")) order.push(this.at(n, this.vetoGroup(n)));
    for (const n of subs(c, "eligibilityDecl")) order.push(this.at(n, this.eligibility(n)));
    for (const n of subs(c, "gradeDecl")) order.push(this.at(n, this.grade(n)));
    for (const n of subs(c, "expertsDecl")) order.push(this.at(n, this.experts(n)));
    order.sort((a, b) => a.offset - b.offset);
    for (const o of order) decls.push(o.decl);
    headers.sort((a, b) => a.span.start.offset - b.span.start.offset);
    header = headers[0] ?? null;
    for (const extra of headers.slice(1)) {
      this.diagnostics.push(diagnostic("S004", extra.span, { line: header!.span.start.line }));
    }
    const end = endOfText(text).end;
    return { type: "RuleFile", header, declarations: decls, span: { start: ZERO, end } };
  }

  private at(n: CstNode, decl: A.Declaration): { offset: number; decl: A.Declaration } {
    return { offset: n.location?.startOffset ?? 0, decl };
  }

  // --- literals -------------------------------------------------------------------------------

  private str(t: IToken | undefined): A.Lit<string> | null {
    if (!t) return null;
    return { value: this.unquote(t), span: tokenSpan(t) };
  }

  private unquote(t: IToken): string {
    const raw = unterminated.has(t) ? t.image.slice(1) : t.image.slice(1, -1);
    return raw.replace(/\\(.)/gu, (m, ch: string, at: number) => {
      switch (ch) {
        case "n": return "\n";
        case "t": return "\t";
        case '"': return '"';
        case "\\": return "\\";
        default: {
          // Point at the escape itself; a string never spans lines.
          const s = tokenSpan(t).start;
          const start = { offset: s.offset + 1 + at, line: s.line, column: s.column + 1 + at };
          this.diagnostics.push(diagnostic("P009", { start, end: { ...start, offset: start.offset + m.length, column: start.column + m.length } }, { text: m }));
          return ch;
        }
      }
    });
  }

  private num(t: IToken | undefined, negative = false): A.Lit<A.DecimalText> | null {
    if (!t) return null;
    const text = (negative ? "-" : "") + t.image;
    const value = normaliseDecimal(text);
    const fraction = t.image.split(".")[1] ?? "";
    if (fraction.replace(/0+$/, "").length > MAX_DECIMAL_PLACES) {
      this.diagnostics.push(diagnostic("P006", tokenSpan(t), { text: t.image, places: MAX_DECIMAL_PLACES }));
    } else if (parseDec(value) === null) {
      this.diagnostics.push(diagnostic("P010", tokenSpan(t), { text: t.image }));
    }
    return { value, span: tokenSpan(t) };
  }

  private signed(n: CstNode | undefined): A.Lit<A.DecimalText> | null {
    if (!n) return null;
    const c = n.children as Children;
    const minus = tok(c, "Minus");
    const lit = this.num(tok(c, "NumberLiteral"), minus !== undefined);
    if (!lit) return null;
    return minus ? { value: lit.value, span: merge(tokenSpan(minus), lit.span) } : lit;
  }

  private date(t: IToken | undefined): A.Lit<string> | null {
    if (!t) return null;
    if (!isValidDate(t.image)) this.diagnostics.push(diagnostic("P007", tokenSpan(t), { text: t.image }));
    return { value: t.image, span: tokenSpan(t) };
  }

  private ident(t: IToken | undefined): A.Lit<string> | null {
    return t ? { value: t.image, span: tokenSpan(t) } : null;
  }

  private notes(c: Children): A.Note[] {
    return subs(c, "note")
      .map((n): A.Note | null => {
        const text = this.str(tok(n.children as Children, "StringLiteral"));
        return text ? { type: "Note", text, span: this.nodeSpan(n) } : null;
      })
      .filter((n): n is A.Note => n !== null);
  }

  private missingLit(n: CstNode): A.Lit<string> {
    const span = this.nodeSpan(n);
    return { value: "", span: { start: span.start, end: span.start } };
  }

  // --- declarations ---------------------------------------------------------------------------

  /** S020 for a clause written more than once (the first is the one kept). */
  private once(c: Children, labels: readonly [string, string][]): void {
    for (const [label, clause] of labels) {
      const all = toks(c, label);
      for (const extra of all.slice(1)) this.diagnostics.push(diagnostic("S020", tokenSpan(extra), { clause }));
    }
  }

  private header(n: CstNode): A.RulesetHeader {
    const c = n.children as Children;
    this.once(c, [["year", "year"], ["document", "document"], ["effectiveFrom", "effective"], ["total", "total"], ["applicationDate", "application date"]]);
    const appDate = tok(c, "applicationDate");
    return {
      type: "Ruleset",
      title: this.str(tok(c, "title")) ?? this.missingLit(n),
      year: this.num(tok(c, "year")),
      document: this.str(tok(c, "document")),
      effectiveFrom: this.date(tok(c, "effectiveFrom")),
      effectiveTo: this.date(tok(c, "effectiveTo")),
      total: this.num(tok(c, "total")),
      applicationDate: appDate ? { type: "Name", name: appDate.image, span: tokenSpan(appDate) } : null,
      notes: this.notes(c),
      span: this.nodeSpan(n),
    };
  }

  private enumDecl(n: CstNode): A.EnumDecl {
    const c = n.children as Children;
    return {
      type: "Enum",
      name: this.ident(tok(c, "name")) ?? this.missingLit(n),
      label: this.str(tok(c, "label")),
      members: subs(c, "enumMember").flatMap((m): A.EnumMember[] => {
        const mc = m.children as Children;
        const name = this.ident(tok(mc, "Identifier"));
        return name ? [{ type: "EnumMember", name, label: this.str(tok(mc, "StringLiteral")), span: this.nodeSpan(m) }] : [];
      }),
      notes: this.notes(c),
      span: this.nodeSpan(n),
    };
  }

  private recordDecl(n: CstNode): A.RecordDecl {
    const c = n.children as Children;
    return {
      type: "Record",
      name: this.ident(tok(c, "name")) ?? this.missingLit(n),
      label: this.str(tok(c, "label")),
      fields: subs(c, "fieldDecl").map((f): A.FieldDecl => {
        const fc = f.children as Children;
        return {
          type: "Field",
          name: this.ident(tok(fc, "name")) ?? this.missingLit(f),
          valueType: this.typeRef(sub(fc, "typeRef"), f),
          label: this.str(tok(fc, "label")),
          options: this.options(fc),
          span: this.nodeSpan(f),
        };
      }),
      notes: this.notes(c),
      span: this.nodeSpan(n),
    };
  }

  private inputDecl(n: CstNode): A.InputDecl {
    const c = n.children as Children;
    return {
      type: "Input",
      name: this.ident(tok(c, "name")) ?? this.missingLit(n),
      valueType: this.typeRef(sub(c, "typeRef"), n),
      label: this.str(tok(c, "label")),
      options: this.options(c),
      span: this.nodeSpan(n),
    };
  }

  private options(c: Children): A.InputOptions {
    let min: A.Lit<string> | null = null;
    let max: A.Lit<string> | null = null;
    let unit: A.Lit<string> | null = null;
    let en: A.Lit<string> | null = null;
    let help: A.Lit<string> | null = null;
    let optional: A.Lit<true> | null = null;
    const notes: A.Note[] = [];
    // Each option once; a repeated one is S020 and the first is kept, as for every clause.
    const twice = (lit: { span: A.Span } | null, clause: string, next: { span: A.Span } | null) => {
      if (lit && next) this.diagnostics.push(diagnostic("S020", next.span, { clause }));
    };
    for (const o of subs(c, "inputOption")) {
      const oc = o.children as Children;
      const m = this.signed(sub(oc, "min")); twice(min, "min", m); min ??= m;
      const x = this.signed(sub(oc, "max")); twice(max, "max", x); max ??= x;
      const u = this.str(tok(oc, "unit")); twice(unit, "unit", u); unit ??= u;
      const e = this.str(tok(oc, "en")); twice(en, "en", e); en ??= e;
      const h = this.str(tok(oc, "help")); twice(help, "help", h); help ??= h;
      const opt = tok(oc, "Kw_optional");
      if (opt) { twice(optional, "optional", { span: tokenSpan(opt) }); optional ??= { value: true, span: tokenSpan(opt) }; }
      notes.push(...this.notes(oc));
    }
    return { min, max, unit, en, help, optional, notes };
  }

  private typeRef(n: CstNode | undefined, parent: CstNode): A.TypeRef {
    if (!n) return { type: "NamedType", name: this.missingLit(parent), span: this.missingLit(parent).span };
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    if (tok(c, "Kw_yesno")) return { type: "YesNoType", span };
    if (tok(c, "Kw_count")) return { type: "CountType", span };
    if (tok(c, "Kw_decimal")) return { type: "DecimalType", span };
    if (tok(c, "Kw_date")) return { type: "DateType", span };
    if (tok(c, "Kw_text")) return { type: "TextType", span };
    const setOf = this.ident(tok(c, "setOf"));
    if (tok(c, "Kw_set")) return { type: "SetType", element: setOf ?? this.missingLit(n), span };
    const listOf = this.ident(tok(c, "listOf"));
    if (tok(c, "Kw_list")) return { type: "ListType", element: listOf ?? this.missingLit(n), span };
    return { type: "NamedType", name: this.ident(tok(c, "named")) ?? this.missingLit(n), span };
  }

  private tableDecl(n: CstNode): A.TableDecl {
    const c = n.children as Children;
    const columns = sub(c, "tableColumns");
    return {
      type: "Table",
      name: this.ident(tok(c, "name")) ?? this.missingLit(n),
      label: this.str(tok(c, "label")),
      keys: subs(c, "tableKey").flatMap((k): A.TableKey[] => {
        const kc = k.children as Children;
        const name = this.ident(tok(kc, "name"));
        const enumName = this.ident(tok(kc, "enumName"));
        return name && enumName ? [{ name, enumName, span: this.nodeSpan(k) }] : [];
      }),
      columns: columns ? toks(columns.children as Children, "Identifier").map((t) => this.ident(t)!) : [],
      rows: subs(c, "tableRow").flatMap((r): A.TableRow[] => {
        const rc = r.children as Children;
        const key = this.ident(tok(rc, "Identifier"));
        if (!key) return [];
        const values = subs(rc, "signedNumber").map((s) => this.signed(s)).filter((v): v is A.Lit<string> => v !== null);
        return [{ type: "TableRow", key, values, span: this.nodeSpan(r) }];
      }),
      notes: this.notes(c),
      span: this.nodeSpan(n),
    };
  }

  private sectionDecl(n: CstNode): A.SectionDecl {
    const c = n.children as Children;
    const id = this.ident(tok(c, "id")) ?? this.missingLit(n);
    return {
      type: "Section",
      id,
      title: this.str(tok(c, "title")) ?? this.missingLit(n),
      weight: this.num(tok(c, "weight")),
      cap: this.num(tok(c, "cap")),
      items: subs(c, "itemDecl").map((i) => this.item(i, id.value)),
      experts: this.nestedExperts(c),
      notes: this.notes(c),
      span: this.nodeSpan(n),
    };
  }

  private itemNumber(n: CstNode | undefined, parent: CstNode): A.ItemNumber {
    const t = n ? tok(n.children as Children, "CircledNumber") ?? tok(n.children as Children, "NumberLiteral") : undefined;
    if (!t) return { value: 0, text: "", span: this.missingLit(parent).span };
    const circled = t.tokenType === T.CircledNumber;
    const value = circled ? t.image.charCodeAt(0) - 0x2460 + 1 : Number(t.image);
    if (!Number.isInteger(value) || value < 1) this.diagnostics.push(diagnostic("P008", tokenSpan(t), { text: t.image }));
    return { value, text: t.image, span: tokenSpan(t) };
  }

  private item(n: CstNode, sectionId: string): A.ItemDecl {
    const c = n.children as Children;
    this.once(c, [["cap", "cap"]]);
    const number = this.itemNumber(sub(c, "itemNumber"), n);
    const formNode = sub(c, "scoreForm");
    const span = this.nodeSpan(n);
    return {
      type: "Item",
      number,
      id: `${sectionId}.${number.value}`,
      text: this.str(tok(c, "text")) ?? this.missingLit(n),
      points: this.num(tok(c, "points")),
      form: formNode ? this.scoreForm(formNode) : { type: "MissingForm", span },
      cap: this.num(tok(c, "cap")),
      experts: this.nestedExperts(c),
      notes: this.notes(c),
      span,
    };
  }

  /** A section's or an item's own experts block; a second one is X002 (once per level) and is not read. */
  private nestedExperts(c: Children): A.ExpertsDecl | null {
    const blocks = subs(c, "expertsDecl");
    for (const extra of blocks.slice(1)) this.diagnostics.push(diagnostic("X002", this.nodeSpan(extra)));
    return blocks[0] ? this.experts(blocks[0]) : null;
  }

  private scoreForm(n: CstNode): A.ScoreForm {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    if (tok(c, "Kw_judged")) return { type: "Judged", span };
    if (c["fixed"]) {
      const points = this.num(tok(c, "points"));
      if (!points) return { type: "MissingForm", span };
      return { type: "Fixed", points, when: this.expr(sub(c, "when"), n), span };
    }
    if (c["perCount"]) {
      const terms = subs(c, "perTerm").flatMap((t): A.PerCountTerm[] => {
        const tc = t.children as Children;
        const points = this.num(tok(tc, "points"));
        return points ? [{ points, count: this.expr(sub(tc, "count"), t), span: this.nodeSpan(t) }] : [];
      });
      return { type: "PerCount", terms, span };
    }
    if (tok(c, "Kw_base")) {
      const base = this.num(tok(c, "base"));
      const increment = this.num(tok(c, "increment"));
      if (!base || !increment) return { type: "MissingForm", span };
      return { type: "BaseIncrement", base, increment, count: this.expr(sub(c, "count"), n), span };
    }
    if (tok(c, "Kw_highest")) {
      const branches = subs(c, "takeMaxBranch").flatMap((b): A.TakeMaxBranch[] => {
        const bc = b.children as Children;
        const points = this.num(tok(bc, "points"));
        return points ? [{ points, label: this.str(tok(bc, "label")), when: this.expr(sub(bc, "when"), b), span: this.nodeSpan(b) }] : [];
      });
      return { type: "TakeMax", branches, span };
    }
    if (tok(c, "Kw_sum")) {
      const list = tok(c, "list");
      if (!list) return { type: "MissingForm", span };
      const where = sub(c, "where");
      return {
        type: "Cumulative",
        list: { type: "Name", name: list.image, span: tokenSpan(list) },
        where: where ? this.expr(where, n) : null,
        value: this.expr(sub(c, "value"), n),
        span,
      };
    }
    if (tok(c, "Kw_tiers")) {
      const tiers = subs(c, "tier").flatMap((t): A.Tier[] => {
        const tc = t.children as Children;
        const op = tok(tc, "op");
        const threshold = this.signed(sub(tc, "threshold"));
        const points = this.num(tok(tc, "points"));
        if (!op || !threshold || !points) return [];
        return [{ op: op.image === ">" ? ">" : ">=", threshold, points, span: this.nodeSpan(t) }];
      });
      return { type: "Tiers", value: this.expr(sub(c, "tierValue"), n), tiers, span };
    }
    if (tok(c, "Kw_formula")) return { type: "Formula", expr: this.expr(sub(c, "formula"), n), span };
    return { type: "MissingForm", span };
  }

  private vetoGroup(n: CstNode): A.VetoGroupDecl {
    const c = n.children as Children;
    const id = this.ident(tok(c, "id")) ?? this.missingLit(n);
    return {
      type: "VetoGroup",
      id,
      title: this.str(tok(c, "title")) ?? this.missingLit(n),
      vetoes: subs(c, "vetoDecl").map((v): A.VetoDecl => {
        const vc = v.children as Children;
        const number = this.itemNumber(sub(vc, "itemNumber"), v);
        return {
          type: "Veto",
          number,
          id: `${id.value}.${number.value}`,
          text: this.str(tok(vc, "text")) ?? this.missingLit(v),
          when: this.expr(sub(vc, "when"), v),
          notes: this.notes(vc),
          span: this.nodeSpan(v),
        };
      }),
      notes: this.notes(c),
      span: this.nodeSpan(n),
    };
  }

  private requirements(c: Children): A.Requirement[] {
    return subs(c, "requirement").map((r): A.Requirement => {
      const rc = r.children as Children;
      return {
        type: "Require",
        label: this.str(tok(rc, "label")) ?? this.missingLit(r),
        condition: this.expr(sub(rc, "condition"), r),
        notes: this.notes(rc),
        span: this.nodeSpan(r),
      };
    });
  }

  private eligibility(n: CstNode): A.EligibilityDecl {
    const c = n.children as Children;
    return {
      type: "Eligibility",
      title: this.str(tok(c, "title")),
      requirements: this.requirements(c),
      notes: this.notes(c),
      span: this.nodeSpan(n),
    };
  }

  private grade(n: CstNode): A.GradeDecl {
    const c = n.children as Children;
    this.once(c, [["pass", "pass"], ["windowFrom", "window"], ["quota", "quota"]]);
    return {
      type: "Grade",
      name: this.ident(tok(c, "name")) ?? this.missingLit(n),
      label: this.str(tok(c, "label")),
      pass: this.num(tok(c, "pass")),
      windowFrom: this.date(tok(c, "windowFrom")),
      windowTo: this.date(tok(c, "windowTo")),
      quota: this.num(tok(c, "quota")),
      requirements: this.requirements(c),
      notes: this.notes(c),
      span: this.nodeSpan(n),
    };
  }

  private experts(n: CstNode): A.ExpertsDecl {
    const c = n.children as Children;
    this.once(c, [["Kw_combine", "combine"], ["round", "round"], ["spread", "spread"], ["atLeast", "at least"]]);
    const mean = tok(c, "Kw_mean");
    const trimmed = tok(c, "Kw_trimmed");
    const combine = tok(c, "Kw_combine");
    return {
      type: "Experts",
      combine: combine && mean ? { value: trimmed ? "trimmed mean" : "mean", span: merge(tokenSpan(combine), tokenSpan(mean)) } : null,
      round: this.num(tok(c, "round")),
      spread: this.num(tok(c, "spread")),
      atLeast: this.num(tok(c, "atLeast")),
      notes: this.notes(c),
      span: this.nodeSpan(n),
    };
  }

  // --- expressions ------------------------------------------------------------------------------

  /** Builds an expression; a missing or too-deep one becomes `Missing` (already reported). */
  private expr(n: CstNode | undefined, parent: CstNode): A.Expr {
    if (!n) {
      const s = this.nodeSpan(parent);
      return { type: "Missing", span: { start: s.end, end: s.end } };
    }
    const e = this.exprNode(n);
    if (this.depthOf(e) > MAX_EXPRESSION_DEPTH) {
      this.diagnostics.push(diagnostic("P005", e.span, { limit: MAX_EXPRESSION_DEPTH }));
      return { type: "Missing", span: e.span };
    }
    return e;
  }

  private depthOf(e: A.Expr): number {
    return this.depth.get(e) ?? 1;
  }

  private made<E extends A.Expr>(e: E, ...children: (A.Expr | null)[]): E {
    return this.madeOf(e, children);
  }

  /** `made` for a list of any length (a call of a million arguments is not spread on the stack). */
  private madeOf<E extends A.Expr>(e: E, children: readonly (A.Expr | null)[]): E {
    let d = 0;
    for (const ch of children) if (ch) d = Math.max(d, this.depthOf(ch));
    this.depth.set(e, d + 1);
    return e;
  }

  private missing(n: CstNode): A.MissingExpr {
    const s = this.nodeSpan(n);
    return { type: "Missing", span: s };
  }

  private exprNode(n: CstNode): A.Expr {
    const c = n.children as Children;
    switch (n.name) {
      case "expression":
        return this.chain(subs(c, "operands"), () => "or");
      case "andExpr":
        return this.chain(subs(c, "operands"), () => "and");
      case "notExpr": {
        const not = tok(c, "Kw_not");
        const negated = sub(c, "negated");
        if (not) {
          const operand = negated ? this.exprNode(negated) : this.missing(n);
          // The operand's own node: its span keeps the parentheses the expression dropped.
          const end = negated ? this.nodeSpan(negated) : operand.span;
          return this.made({ type: "Unary", op: "not", operand, span: merge(tokenSpan(not), end.end.offset >= operand.span.end.offset ? end : operand.span) }, operand);
        }
        const cmp = sub(c, "comparison");
        return cmp ? this.exprNode(cmp) : this.missing(n);
      }
      case "comparison":
        return this.comparison(n, c);
      case "additive":
      case "multiplicative": {
        const ops = toks(c, "ops");
        return this.chain(subs(c, "operands"), (i) => {
          const image = ops[i]?.image ?? "+";
          return image === "×" ? "*" : image === "÷" ? "/" : (image as A.BinaryOp);
        });
      }
      case "unary": {
        const minus = tok(c, "Minus");
        const negated = sub(c, "negated");
        if (minus) {
          const operand = negated ? this.exprNode(negated) : this.missing(n);
          // Fold `-2` into a literal so that it prints back as written.
          if (operand.type === "Number" && !operand.value.startsWith("-")) {
            return { type: "Number", value: normaliseDecimal(`-${operand.value}`), span: merge(tokenSpan(minus), operand.span) };
          }
          return this.made({ type: "Unary", op: "-", operand, span: merge(tokenSpan(minus), operand.span) }, operand);
        }
        const p = sub(c, "primary");
        return p ? this.primary(p) : this.missing(n);
      }
      default:
        return this.missing(n);
    }
  }

  /** Folds `a op b op c` to the left without recursion. */
  private chain(operands: CstNode[], opAt: (i: number) => A.BinaryOp): A.Expr {
    if (operands.length === 0) return { type: "Missing", span: { start: ZERO, end: ZERO } };
    let left = this.exprNode(operands[0]!);
    for (let i = 1; i < operands.length; i++) {
      const right = this.exprNode(operands[i]!);
      left = this.made({ type: "Binary", op: opAt(i - 1), left, right, span: merge(left.span, right.span) }, left, right);
    }
    return left;
  }

  private comparison(n: CstNode, c: Children): A.Expr {
    const leftNode = sub(c, "left");
    const left = leftNode ? this.exprNode(leftNode) : this.missing(n);
    const span = this.nodeSpan(n);
    const op = tok(c, "op");
    if (op) {
      const rightNode = sub(c, "right");
      const right = rightNode ? this.exprNode(rightNode) : this.missing(n);
      return this.made({ type: "Binary", op: op.image as A.BinaryOp, left, right, span: merge(left.span, right.span) }, left, right);
    }
    if (tok(c, "Kw_in")) {
      const values = toks(c, "members").map((t): A.NameExpr => ({ type: "Name", name: t.image, span: tokenSpan(t) }));
      return this.made({ type: "In", subject: left, values, negated: tok(c, "negated") !== undefined, span }, left);
    }
    if (tok(c, "Kw_within")) {
      const amount = tok(c, "amount");
      const unit = tok(c, "unit");
      const direction = tok(c, "direction");
      const anchorNode = sub(c, "anchor");
      const anchor = anchorNode ? this.exprNode(anchorNode) : this.missing(n);
      if (!amount || !unit || !direction) return this.missing(n);
      return this.made(
        {
          type: "Within",
          subject: left,
          amount: normaliseDecimal(amount.image),
          unit: unit.image as A.DurationUnit,
          direction: direction.image === "after" ? "after" : "before",
          anchor,
          span,
        },
        left,
        anchor,
      );
    }
    return left;
  }

  private primary(n: CstNode): A.Expr {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    const number = tok(c, "NumberLiteral");
    if (number) {
      const lit = this.num(number)!;
      const unit = tok(c, "unit");
      if (unit) return { type: "Duration", amount: lit.value, unit: unit.image as A.DurationUnit, span };
      return { type: "Number", value: lit.value, span };
    }
    const date = tok(c, "DateLiteral");
    if (date) return { type: "Date", value: this.date(date)!.value, span };
    if (tok(c, "Kw_true")) return { type: "Bool", value: true, span };
    if (tok(c, "Kw_false")) return { type: "Bool", value: false, span };
    const id = tok(c, "Identifier");
    if (id) {
      const name: A.NameExpr = { type: "Name", name: id.image, span: tokenSpan(id) };
      if (!c["LBracket"]) return name;
      const keys = subs(c, "keys").map((k) => this.exprNode(k));
      return this.madeOf({ type: "Lookup", table: name, keys, span }, keys);
    }
    const fn = tok(c, "fn");
    if (fn) {
      const args = subs(c, "args").map((a) => this.exprNode(a));
      const name = fn.image as A.BuiltinFunction;
      return this.madeOf({ type: "Call", fn: name, fnSpan: tokenSpan(fn), args, span }, args);
    }
    const q = tok(c, "quantifier");
    if (q) {
      const list = tok(c, "list");
      if (!list) return this.missing(n);
      const whereNode = sub(c, "where");
      const ofNode = sub(c, "of");
      const where = whereNode ? this.exprNode(whereNode) : null;
      const of = ofNode ? this.exprNode(ofNode) : null;
      return this.made(
        {
          type: "Quantifier",
          kind: q.image as A.QuantifierKind,
          list: { type: "Name", name: list.image, span: tokenSpan(list) },
          where,
          of,
          span,
        },
        where,
        of,
      );
    }
    const inner = sub(c, "inner");
    if (inner) return this.exprNode(inner);
    return this.missing(n);
  }
}
