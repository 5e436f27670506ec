/**
 * The editor's language services: semantic tokens, outline, go to definition, references, hover,
 * completion, rename, folding and quick fixes. Pure functions of the text: no DOM, no Monaco.
 *
 * Positions in and out are `{ line, column }`, both 1-based, the column counting UTF-16 code
 * units (Monaco's convention); ranges are end-exclusive. No service throws: after an internal
 * error each returns its empty result (`[]`, `null`).
 *
 * Call `analyze(text)` once per version of the text and hand the result to every service: it
 * parses and checks once, and keeps the last few analyses so repeated calls are cheap.
 */
import { tokenMatcher, type IToken, type TokenType } from "chevrotain";
import type * as A from "./ast.js";
import { levelText, type EffectiveExperts } from "./experts.js";
import { check, type CheckResult, type Model, type Sym, type ItemInfo } from "./checker.js";
import * as D from "./decimal.js";
import { EVALUATION_BUDGET } from "./cost.js";
import type { Diagnostic } from "./diagnostics.js";
import { parse, MAX_SOURCE_LENGTH, type ParseResult } from "./parse.js";
import * as T from "./tokens.js";
import { typeSource, typeZh, typeEn, type Type } from "./types.js";

// ---------------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------------

/** A position in the editor: 1-based line and column (UTF-16 code units), as Monaco counts. */
export interface EditorPosition {
  readonly line: number;
  readonly column: number;
}

/** A range in the editor; `end` is exclusive. */
export interface EditorRange {
  readonly start: EditorPosition;
  readonly end: EditorPosition;
}

export interface EditorTextEdit {
  readonly range: EditorRange;
  readonly newText: string;
}

/** The kinds `semanticTokens` assigns, in a fixed order (a Monaco legend can use it as is). */
export const SEMANTIC_TOKEN_KINDS = [
  "keyword", "formKeyword", "type", "function", "operator", "string", "number", "date", "comment",
  "itemNumber", "input", "field", "enumMember", "enum", "record", "table", "grade", "identifier",
] as const;
export type SemanticTokenKind = (typeof SEMANTIC_TOKEN_KINDS)[number];

export interface SemanticToken {
  readonly line: number;
  readonly column: number;
  /** In UTF-16 code units; a token never spans lines. */
  readonly length: number;
  readonly kind: SemanticTokenKind;
}

/** Monaco's `SymbolKind` names, first letter lowered. */
export type OutlineKind =
  | "namespace" | "module" | "method" | "event" | "boolean" | "class" | "variable" | "enum"
  | "enumMember" | "struct" | "field" | "object";

export interface OutlineSymbol {
  readonly name: string;
  readonly detail: string;
  readonly kind: OutlineKind;
  /** The whole declaration. */
  readonly range: EditorRange;
  /** Its name or number, inside `range`. */
  readonly selectionRange: EditorRange;
  readonly children: readonly OutlineSymbol[];
}

export interface HoverResult {
  /** Markdown: Chinese first, English after. */
  readonly contents: string;
  readonly range: EditorRange;
}

/** Monaco's `CompletionItemKind` names, first letter lowered. */
export type CompletionKind =
  | "keyword" | "snippet" | "variable" | "field" | "enumMember" | "enum" | "struct" | "function"
  | "operator" | "constant";

export interface CompletionCandidate {
  readonly label: string;
  readonly kind: CompletionKind;
  /** Plain text, or Monaco snippet syntax (`${1:…}`) when `isSnippet`. */
  readonly insertText: string;
  readonly detail?: string;
  readonly documentation?: string;
  readonly isSnippet?: boolean;
}

export interface RenameError {
  readonly error: { readonly zh: string; readonly en: string };
}

export interface FoldingRange {
  /** 1-based; the line that stays visible. */
  readonly startLine: number;
  /** 1-based; the last line hidden (a closing `}` on a line of its own stays visible). */
  readonly endLine: number;
  readonly kind?: "comment";
}

export interface CodeAction {
  /** In Chinese. */
  readonly title: string;
  readonly titleEn: string;
  readonly diagnosticCode: string;
  readonly edits: readonly EditorTextEdit[];
  /** The diagnostic fixed (for attaching the action to its marker). */
  readonly diagnostic: Diagnostic;
  readonly isPreferred?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Analysis
// ---------------------------------------------------------------------------------------------

/** A place where a symbol is written: its declaration or a reference. */
interface Occurrence {
  readonly start: number;
  readonly end: number;
  readonly symbol: Sym;
  readonly declaration: boolean;
}

const WORD_RE = new RegExp(`^(?:${T.IDENTIFIER_PATTERN.source})$`);
const KEYWORDS = new Set(T.keywordWords);

/** One parse and check of a text, with the lexer's tokens and a line index, computed once. */
export class Analysis {
  readonly text: string;
  readonly parse: ParseResult;
  readonly check: CheckResult;
  private lineStartsCache: number[] | undefined;
  private tokensCache: { tokens: IToken[]; comments: IToken[] } | undefined;
  private occurrencesCache: Occurrence[] | undefined;

  constructor(text: string) {
    this.text = typeof text === "string" ? text : "";
    let parsed: ParseResult;
    let checked: CheckResult;
    try {
      parsed = parse(this.text);
      checked = check(parsed);
    } catch (e) {
      report(e);
      parsed = emptyParse();
      checked = emptyCheck();
    }
    this.parse = parsed;
    this.check = checked;
  }

  get model(): Model {
    return this.check.model;
  }

  get diagnostics(): readonly Diagnostic[] {
    return this.check.diagnostics;
  }

  /** The lexer's tokens (comments apart), in order. */
  get tokens(): readonly IToken[] {
    return this.lexed().tokens;
  }

  get comments(): readonly IToken[] {
    return this.lexed().comments;
  }

  private lexed(): { tokens: IToken[]; comments: IToken[] } {
    if (!this.tokensCache) {
      try {
        if (this.text.length > MAX_SOURCE_LENGTH) throw new Error("too large");
        const r = T.lexer.tokenize(this.text);
        this.tokensCache = { tokens: r.tokens, comments: r.groups["comments"] ?? [] };
      } catch (e) {
        if (this.text.length <= MAX_SOURCE_LENGTH) report(e);
        this.tokensCache = { tokens: [], comments: [] };
      }
    }
    return this.tokensCache;
  }

  private lineStarts(): number[] {
    this.lineStartsCache ??= lineStartsOf(this.text);
    return this.lineStartsCache;
  }

  /** The number of lines. */
  get lineCount(): number {
    return this.lineStarts().length;
  }

  /** The offset where a 1-based line starts (clamped). */
  lineStart(line: number): number {
    const starts = this.lineStarts();
    return starts[Math.min(Math.max(1, line), starts.length) - 1] ?? 0;
  }

  /** The offset where a line's text ends, before its line break. */
  lineEnd(line: number): number {
    const starts = this.lineStarts();
    if (line >= starts.length) return this.text.length;
    let end = (starts[line] ?? this.text.length) - 1;
    if (end > 0 && this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** The offset of a position, clamped into the text. */
  offsetAt(pos: EditorPosition): number {
    const starts = this.lineStarts();
    const line = Math.min(Math.max(1, Math.floor(pos.line) || 1), starts.length);
    const start = this.lineStart(line);
    const end = this.lineEnd(line);
    const col = Math.max(1, Math.floor(pos.column) || 1);
    return Math.min(start + col - 1, end);
  }

  positionAt(offset: number): EditorPosition {
    const starts = this.lineStarts();
    const o = Math.min(Math.max(0, offset), this.text.length);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - starts[lo]! + 1 };
  }

  rangeOf(start: number, end: number): EditorRange {
    return { start: this.positionAt(start), end: this.positionAt(Math.max(start, end)) };
  }

  spanRange(span: A.Span): EditorRange {
    return this.rangeOf(span.start.offset, span.end.offset);
  }

  /** Declarations and references of every symbol, by position. */
  occurrences(): readonly Occurrence[] {
    if (this.occurrencesCache) return this.occurrencesCache;
    const out: Occurrence[] = [];
    const seen = new Set<string>();
    const add = (span: A.Span, symbol: Sym, declaration: boolean) => {
      const start = span.start.offset;
      const end = span.end.offset;
      if (end <= start) return;
      const key = `${start}:${end}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push({ start, end, symbol, declaration });
    };
    const m = this.model;
    for (const s of m.symbols.values()) add(s.span, s, true);
    for (const list of m.members.values()) for (const s of list) add(s.span, s, true);
    for (const fields of m.records.values()) for (const s of fields.values()) add(s.span, s, true);
    for (const r of m.references) add(r.span, r.symbol, false);
    out.sort((a, b) => a.start - b.start);
    this.occurrencesCache = out;
    return out;
  }

  /** The symbol written at an offset (or ending right at it). */
  occurrenceAt(offset: number): Occurrence | undefined {
    const occ = this.occurrences();
    return occ.find((o) => o.start <= offset && offset < o.end) ?? occ.find((o) => o.start <= offset && offset <= o.end);
  }

  /** The token at an offset (or ending right at it); comments included. */
  tokenAt(offset: number): IToken | undefined {
    const inside = (t: IToken) => t.startOffset <= offset && offset < t.startOffset + t.image.length;
    const touching = (t: IToken) => t.startOffset <= offset && offset <= t.startOffset + t.image.length;
    const all = [...this.tokens, ...this.comments];
    return all.find(inside) ?? all.find(touching);
  }
}

/** Offsets where lines start; a line ends at \n, \r\n or \r (as the lexer counts). */
function lineStartsOf(t: string): number[] {
  const starts = [0];
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (t.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

function emptyParse(): ParseResult {
  const zero = { offset: 0, line: 1, column: 1 };
  return { ast: { type: "RuleFile", header: null, declarations: [], span: { start: zero, end: zero } }, comments: [], diagnostics: [] };
}

function emptyCheck(): CheckResult {
  return {
    diagnostics: [],
    model: {
      symbols: new Map(), members: new Map(), resolved: new Map(), references: [], types: new Map(),
      items: new Map(), records: new Map(),
      summary: { total: null, weightSum: 0, sections: [], reachable: { min: 0, max: 0 }, cost: { steps: 0, budget: EVALUATION_BUDGET, costliest: [] } },
    },
  };
}

const CACHE_SIZE = 4;
const cache: Analysis[] = [];

/** Parses and checks `text`, reusing a recent analysis of the same text. Never throws. */
export function analyze(text: string): Analysis {
  try {
    const hit = cache.findIndex((a) => a.text === text);
    if (hit !== -1) {
      const a = cache[hit]!;
      cache.splice(hit, 1);
      cache.push(a);
      return a;
    }
    const a = new Analysis(text);
    cache.push(a);
    if (cache.length > CACHE_SIZE) cache.shift();
    return a;
  } catch (e) {
    report(e);
    return new Analysis("");
  }
}

function toAnalysis(input: Analysis | string): Analysis {
  return input instanceof Analysis ? input : analyze(input);
}

let errorHandler: ((error: unknown) => void) | null = null;

/**
 * Sets a function told of every internal error a service swallowed (for logging and tests);
 * null to stop. The services still return their empty results.
 */
export function onServiceError(handler: ((error: unknown) => void) | null): void {
  errorHandler = handler;
}

function report(error: unknown): void {
  try {
    errorHandler?.(error);
  } catch {
    // A failing handler must not make a service throw.
  }
}

function safe<R>(fallback: R, f: () => R): R {
  try {
    return f();
  } catch (e) {
    report(e);
    return fallback;
  }
}

// ---------------------------------------------------------------------------------------------
// Semantic tokens
// ---------------------------------------------------------------------------------------------

const SYMBOL_TOKEN_KIND: Record<Sym["kind"], SemanticTokenKind> = {
  input: "input", field: "field", enum: "enum", member: "enumMember", record: "record", table: "table", grade: "grade",
};

function is(t: IToken | undefined, type: TokenType): boolean {
  return t !== undefined && tokenMatcher(t, type);
}

/** The kind of a keyword token, from its categories in tokens.ts and, for words of two roles, its neighbour. */
function keywordKind(t: IToken, prev: IToken | undefined, next: IToken | undefined): SemanticTokenKind {
  if (is(t, T.FunctionKeyword) && is(next, T.LParen)) return "function";
  if (is(t, T.FormKeyword)) return "formKeyword";
  if (is(t, T.TypeKeyword)) return t.tokenType === T.DateKw && is(prev, T.Application) ? "keyword" : "type";
  if (is(t, T.WordOperator)) return "operator";
  return "keyword";
}

/** Every token with its kind, for highlighting; punctuation is left out. */
export function semanticTokens(input: Analysis | string): SemanticToken[] {
  return safe([], () => {
    const a = toAnalysis(input);
    const tokens = a.tokens;
    const occ = new Map<number, Occurrence>();
    for (const o of a.occurrences()) occ.set(o.start, o);
    const out: { offset: number; token: SemanticToken }[] = [];
    const push = (t: IToken, kind: SemanticTokenKind) => {
      const p = a.positionAt(t.startOffset);
      out.push({ offset: t.startOffset, token: { line: p.line, column: p.column, length: t.image.length, kind } });
    };
    tokens.forEach((t, i) => {
      const prev = tokens[i - 1];
      const next = tokens[i + 1];
      const type = t.tokenType;
      if (type === T.StringLiteral) push(t, "string");
      else if (type === T.NumberLiteral) {
        push(t, is(prev, T.Item) || is(prev, T.Veto) || is(prev, T.Section) || is(prev, T.Vetoes) ? "itemNumber" : "number");
      } else if (type === T.DateLiteral) push(t, "date");
      else if (type === T.CircledNumber) push(t, "itemNumber");
      else if (type === T.Identifier) {
        const o = occ.get(t.startOffset);
        if (o && o.end === t.startOffset + t.image.length) push(t, SYMBOL_TOKEN_KIND[o.symbol.kind]);
        else push(t, is(prev, T.Section) || is(prev, T.Vetoes) ? "itemNumber" : "identifier");
      } else if (tokenMatcher(t, T.Keyword)) push(t, keywordKind(t, prev, next));
      else if (tokenMatcher(t, T.Comparison) || tokenMatcher(t, T.AdditiveOp) || tokenMatcher(t, T.MultiplicativeOp)) push(t, "operator");
    });
    for (const c of a.comments) push(c, "comment");
    out.sort((x, y) => x.offset - y.offset);
    return out.map((x) => x.token);
  });
}

// ---------------------------------------------------------------------------------------------
// Outline
// ---------------------------------------------------------------------------------------------

function truncate(s: string, max = 16): string {
  const chars = Array.from(s.replace(/\s+/g, " ").trim());
  return chars.length > max ? `${chars.slice(0, max).join("")}…` : chars.join("");
}

function nonEmpty(s: string, fallback: string): string {
  return s.trim() ? s : fallback;
}

/** The document symbols tree, in source order. */
export function outline(input: Analysis | string): OutlineSymbol[] {
  return safe([], () => {
    const a = toAnalysis(input);
    const file = a.parse.ast;
    const out: OutlineSymbol[] = [];
    const node = (name: string, detail: string, kind: OutlineKind, span: A.Span, sel: A.Span, children: OutlineSymbol[] = []): OutlineSymbol => {
      const range = a.spanRange(span);
      const inside = sel.start.offset >= span.start.offset && sel.end.offset <= span.end.offset && sel.end.offset >= sel.start.offset;
      const selectionRange = inside ? a.spanRange(sel) : { start: range.start, end: range.start };
      return { name: nonEmpty(name, "?"), detail, kind, range, selectionRange, children };
    };
    const source = (span: A.Span) => a.text.slice(span.start.offset, span.end.offset);
    // An experts block at any level: its clauses as the detail ("trimmed mean · 0.01 · ≥ 4").
    const expertsNode = (d: A.ExpertsDecl): OutlineSymbol => {
      const detail = [d.combine?.value ?? "", d.round ? `round ${d.round.value}` : "", d.atLeast ? `at least ${d.atLeast.value}` : ""].filter(Boolean).join(" · ");
      return node("experts", detail, "object", d.span, d.span);
    };
    const h = file.header;
    const entries: { offset: number; sym: OutlineSymbol }[] = [];
    if (h) {
      const detail = [h.year ? `year ${h.year.value}` : "", h.total ? `total ${h.total.value}` : ""].filter(Boolean).join(" · ");
      entries.push({ offset: h.span.start.offset, sym: node(h.title.value || "ruleset", detail, "namespace", h.span, h.title.span) });
    }
    for (const d of file.declarations) {
      let sym: OutlineSymbol | null = null;
      switch (d.type) {
        case "Section": {
          const items = d.items.map((it) =>
            node(
              `${it.number.text || "?"} ${truncate(it.text.value)}${it.points ? ` (${it.points.value} 分)` : ""}`,
              it.id,
              "method",
              it.span,
              it.number.span,
              it.experts ? [expertsNode(it.experts)] : [],
            ),
          );
          if (d.experts) items.unshift(expertsNode(d.experts));
          sym = node(`${d.id.value} ${d.title.value}${d.weight ? ` (${d.weight.value} 分)` : ""}`, d.cap ? `cap ${d.cap.value}` : "", "module", d.span, d.id.span, items);
          break;
        }
        case "VetoGroup": {
          const vetoes = d.vetoes.map((v) => node(`${v.number.text || "?"} ${truncate(v.text.value)}`, v.id, "event", v.span, v.number.span));
          sym = node(`${d.id.value} ${d.title.value}`, "vetoes", "module", d.span, d.id.span, vetoes);
          break;
        }
        case "Eligibility": {
          const reqs = d.requirements.map((r) => node(truncate(r.label.value, 24), "require", "boolean", r.span, r.label.span));
          sym = node(d.title?.value || "eligibility", "eligibility", "module", d.span, d.title?.span ?? d.span, reqs);
          break;
        }
        case "Grade": {
          const reqs = d.requirements.map((r) => node(truncate(r.label.value, 24), "require", "boolean", r.span, r.label.span));
          const detail = [d.pass ? `pass ${d.pass.value}` : "", d.quota ? `quota ${d.quota.value}` : ""].filter(Boolean).join(" · ");
          sym = node(`${d.name.value}${d.label ? ` ${d.label.value}` : ""}`, detail, "class", d.span, d.name.span, reqs);
          break;
        }
        case "Input":
          sym = node(d.name.value, `${source(d.valueType.span)}${d.label ? ` ${d.label.value}` : ""}`, "variable", d.span, d.name.span);
          break;
        case "Enum": {
          const members = d.members.map((m) => node(m.name.value, m.label?.value ?? "", "enumMember", m.span, m.name.span));
          sym = node(d.name.value, d.label?.value ?? "", "enum", d.span, d.name.span, members);
          break;
        }
        case "Record": {
          const fields = d.fields.map((f) => node(f.name.value, `${source(f.valueType.span)}${f.label ? ` ${f.label.value}` : ""}`, "field", f.span, f.name.span));
          sym = node(d.name.value, d.label?.value ?? "", "struct", d.span, d.name.span, fields);
          break;
        }
        case "Table": {
          const keys = d.keys.map((k) => `${k.name.value}: ${k.enumName.value}`).join(", ");
          sym = node(d.name.value, `${d.label ? `${d.label.value} ` : ""}(${keys})`, "object", d.span, d.name.span);
          break;
        }
        case "Experts":
          sym = expertsNode(d);
          break;
      }
      if (sym) entries.push({ offset: d.span.start.offset, sym });
    }
    entries.sort((x, y) => x.offset - y.offset);
    for (const e of entries) out.push(e.sym);
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Definition and references
// ---------------------------------------------------------------------------------------------

/** Where the name at `pos` is declared, or null. */
export function definition(input: Analysis | string, pos: EditorPosition): EditorRange | null {
  return safe(null, () => {
    const a = toAnalysis(input);
    const o = a.occurrenceAt(a.offsetAt(pos));
    return o ? a.spanRange(o.symbol.span) : null;
  });
}

/** Every place the symbol at `pos` is written, in order. */
export function references(input: Analysis | string, pos: EditorPosition, includeDeclaration = true): EditorRange[] {
  return safe([], () => {
    const a = toAnalysis(input);
    const o = a.occurrenceAt(a.offsetAt(pos));
    if (!o) return [];
    return a
      .occurrences()
      .filter((x) => x.symbol === o.symbol && (includeDeclaration || !x.declaration))
      .map((x) => a.rangeOf(x.start, x.end));
  });
}

// ---------------------------------------------------------------------------------------------
// Hover
// ---------------------------------------------------------------------------------------------

interface Explanation { readonly zh: string; readonly en: string }

/** One line on each main keyword; `fn` is the reading when the word is called with `(`. */
const KEYWORD_HELP: Readonly<Record<string, Explanation & { fn?: Explanation }>> = {
  ruleset: { zh: "规则集头部：标题、年度、文号、有效期、总分与申报日期", en: "the ruleset header: title, year, document, validity, total and application date" },
  year: {
    zh: "规则适用的年度", en: "the year the rules apply to",
    fn: { zh: "year(日期)：取日期所在的年份", en: "year(date): the calendar year of a date" },
  },
  document: { zh: "发文文号", en: "the notice's document number" },
  effective: { zh: "有效期：effective 起 to 止", en: "the period the rules are in force: effective from to until" },
  total: { zh: "总分：各部分满分之和", en: "the total: the sum of the sections' weights" },
  application: { zh: "application date：指定作为申报日期的输入项", en: "application date: the date input that is the application date" },
  note: { zh: "注：对规则的解读，记在所解释的规则旁", en: "a note: an interpretation recorded beside the rule it explains" },
  enum: { zh: "枚举：一组固定的可选值", en: "an enum: a fixed set of choices" },
  record: { zh: "记录类型：列表中每一行的字段", en: "a record: the fields of each entry of a list" },
  input: { zh: "输入项：申报时填写的事实", en: "an input: a fact filled in by the applicant" },
  table: { zh: "查分表：按一个或两个枚举查得分值", en: "a lookup table of points keyed by one or two enums" },
  columns: { zh: "双键查分表的列", en: "the columns of a two-key table" },
  section: { zh: "评价部分：满分 weight 与其评分项", en: "a section of the notice: its weight and its items" },
  weight: { zh: "本部分满分", en: "the section's full marks" },
  item: { zh: "评分项：序号、原文、分值与计分方式", en: "an item: number, text, points and scoring form" },
  points: { zh: "本项分值（通知所印满分）", en: "the item's points as the notice prints them" },
  cap: { zh: "封顶：得分最高不超过此值", en: "a cap: the points never exceed this" },
  vetoes: { zh: "否决项：满足任一条即不予认定", en: "vetoes: any one that holds disqualifies the application" },
  veto: { zh: "否决条款：when 条件成立即否决", en: "a veto: disqualifies when its condition holds" },
  eligibility: { zh: "基本条件：每个等级都须满足", en: "eligibility: conditions every grade must meet" },
  require: { zh: "条件：require \"说明\": 条件，须成立", en: "a requirement: require \"label\": condition, which must hold" },
  grade: { zh: "等级：及格分、申报期、名额与附加条件", en: "a grade: pass mark, window, quota and conditions" },
  pass: { zh: "及格分：总分达到此分方可认定该等级", en: "the pass mark for the grade" },
  window: { zh: "申报期：window 起 to 止", en: "the application window: window from to until" },
  quota: { zh: "名额：每个设区市推荐不超过 N 家", en: "the quota: at most N per city" },
  city: { zh: "设区市", en: "city" },
  experts: {
    zh: "专家评分的汇总规则；写在部分或评分项内时只管该部分或该项，未写的子句沿用上一层（评分项 → 部分 → 全文件）",
    en: "how the experts' scores are combined; inside a section or an item it governs only that, inheriting every clause it leaves out (item → section → file)",
  },
  at: { zh: "at least N experts：每个专家评分项至少须有 N 位专家评分，否则申请有误", en: "at least N experts: each judged item needs N experts' scores, or the application is in error" },
  least: { zh: "at least N experts：每个专家评分项至少须有 N 位专家评分，否则申请有误", en: "at least N experts: each judged item needs N experts' scores, or the application is in error" },
  combine: { zh: "汇总方式：mean 平均，trimmed mean 去掉最高最低后平均", en: "how scores are combined: mean, or trimmed mean without the highest and lowest" },
  mean: { zh: "取平均", en: "the mean" },
  trimmed: { zh: "去掉一个最高分和一个最低分", en: "drop one highest and one lowest score" },
  round: { zh: "取整步长（四舍五入），如 0.01", en: "the rounding step (half up), e.g. 0.01" },
  spread: { zh: "同一项专家评分相差超过此值时提示复核", en: "flag an item when the experts differ by more than this" },
  judged: { zh: "专家评分：专家在 0 至本项分值之间打分", en: "judged: experts award 0 up to the item's points" },
  award: { zh: "得分：award N when 条件（成立得 N 分），或 award N per 数量（每个得 N 分）", en: "award N when a condition holds, or N per each of a count" },
  when: { zh: "条件：其后为成立时得分（或否决）的条件", en: "the condition under which the points (or the veto) apply" },
  per: { zh: "每个：按数量计分", en: "per: points for each one counted" },
  base: { zh: "基础分：第一个得基础分，其后每个另加分（base 2 plus 0.5 per further 数量）", en: "base points for the first, then an increment for each further one" },
  plus: { zh: "其后每个另加的分", en: "the increment for each further one" },
  further: { zh: "第一个之后的每一个", en: "each one after the first" },
  highest: { zh: "取单项最高分：取条件成立的分支中分数最高者", en: "take the highest: the best branch whose condition holds" },
  sum: {
    zh: "得分可累计：sum over 列表 of 分值，对列表各行的分值求和", en: "cumulative: sum over a list of each entry's points",
    fn: { zh: "sum(列表 where 条件 of 值)：列表中满足条件的行之和", en: "sum(list where condition of value): the sum over matching entries" },
  },
  over: { zh: "遍历列表的每一行", en: "over each entry of a list" },
  where: { zh: "筛选：只计满足条件的行", en: "where: only the entries that meet the condition" },
  of: { zh: "取值：每行计入的数", en: "of: the value each entry contributes" },
  tiers: { zh: "分档：取达到的最高一档的分值", en: "tiers: the points of the highest threshold reached" },
  formula: { zh: "公式：按算式计分", en: "formula: points from an arithmetic expression" },
  and: { zh: "并且", en: "and: both hold" },
  or: { zh: "或者", en: "or: either holds" },
  not: { zh: "非；not in 表示不属于", en: "not; not in means none of" },
  in: { zh: "属于：x in {a, b}", en: "in: x is one of {a, b}" },
  within: { zh: "在期限内：日期 within 2 years before 申报日期（含两端）", en: "within a period: date within 2 years before the application date (inclusive)" },
  before: { zh: "之前", en: "before" },
  after: { zh: "之后", en: "after" },
  count: {
    zh: "类型：计数（非负整数）", en: "type: a count (a whole number ≥ 0)",
    fn: { zh: "count(列表 where 条件)：满足条件的行数", en: "count(list where condition): the number of matching entries" },
  },
  any: { zh: "any(列表 where 条件)：有一行满足条件", en: "any(list where condition): some entry matches" },
  all: { zh: "all(列表 where 条件)：每行都满足条件", en: "all(list where condition): every entry matches" },
  present: { zh: "present(x)：x 已填写", en: "present(x): x was filled in" },
  size: { zh: "size(列表或集合)：行数或选项数", en: "size(list or set): the number of entries or choices" },
  min: {
    zh: "最小值", en: "the least allowed value",
    fn: { zh: "min(a, b, …)：取最小者", en: "min(a, b, …): the least" },
  },
  max: {
    zh: "最大值", en: "the greatest allowed value",
    fn: { zh: "max(a, b, …)：取最大者", en: "max(a, b, …): the greatest" },
  },
  unit: { zh: "单位", en: "the unit" },
  en: { zh: "英文名称", en: "the English label" },
  help: { zh: "填写说明", en: "help for the applicant" },
  optional: { zh: "可不填", en: "may be left empty" },
  yesno: { zh: "类型：是/否", en: "type: yes/no" },
  decimal: { zh: "类型：数值（可有小数）", en: "type: a decimal number" },
  text: { zh: "类型：文字", en: "type: text" },
  date: { zh: "类型：日期 YYYY-MM-DD", en: "type: a date YYYY-MM-DD" },
  set: { zh: "类型：set of 枚举，可多选", en: "type: set of an enum, several choices" },
  list: { zh: "类型：list of 记录，多行", en: "type: list of a record, several entries" },
  to: { zh: "至", en: "until" },
  true: { zh: "是", en: "yes" },
  false: { zh: "否", en: "no" },
  years: { zh: "年", en: "years" },
  months: { zh: "月", en: "months" },
  days: { zh: "日", en: "days" },
};

function md(s: string): string {
  return s.replace(/([\\`*_[\]<>#|])/g, "\\$1");
}

function fmtRange(i: { min: D.Dec; max: D.Dec }): string {
  return i.min === i.max ? D.format(i.min) : `${D.format(i.min)}–${D.format(i.max)}`;
}

function symbolTypeText(a: Analysis, sym: Sym & { kind: "input" | "field" }): string {
  if (sym.type.kind !== "unknown") return typeSource(sym.type);
  const s = sym.decl.valueType.span;
  return a.text.slice(s.start.offset, s.end.offset) || "?";
}

function notesLines(notes: readonly A.Note[]): string[] {
  return notes.map((n) => `注 note: ${md(n.text.value)}`);
}

function symbolHover(a: Analysis, sym: Sym): string {
  const parts: string[] = [];
  switch (sym.kind) {
    case "input":
    case "field": {
      const o = sym.decl.options;
      const what = sym.kind === "input" ? "输入项 · input" : `记录 ${md(sym.record)} 的字段 · field of ${md(sym.record)}`;
      parts.push(`**${md(sym.name)}**（${what}）: \`${symbolTypeText(a, sym)}\``);
      if (sym.decl.label) parts.push(md(sym.decl.label.value));
      if (o.en) parts.push(`*${md(o.en.value)}*`);
      const zh: string[] = [];
      const en: string[] = [];
      if (o.min) { zh.push(`最小 ${o.min.value}`); en.push(`min ${o.min.value}`); }
      if (o.max) { zh.push(`最大 ${o.max.value}`); en.push(`max ${o.max.value}`); }
      if (o.unit) { zh.push(`单位 ${md(o.unit.value)}`); en.push(`unit ${md(o.unit.value)}`); }
      if (zh.length) parts.push(`${zh.join("，")} · ${en.join(", ")}`);
      parts.push(`类型 ${md(typeZh(sym.type))} · ${md(typeEn(sym.type))}`);
      if (o.optional) parts.push("可不填 · optional");
      if (o.help) parts.push(`说明 help: ${md(o.help.value)}`);
      parts.push(...notesLines(o.notes));
      break;
    }
    case "member": {
      const e = a.model.symbols.get(sym.enumName);
      const enumLabel = e?.kind === "enum" && e.decl.label ? `（${md(e.decl.label.value)}）` : "";
      parts.push(`**${md(sym.name)}**（枚举值 · enum member）`);
      if (sym.decl.label) parts.push(md(sym.decl.label.value));
      parts.push(`枚举 ${md(sym.enumName)}${enumLabel} 的值 · a value of enum ${md(sym.enumName)}`);
      break;
    }
    case "enum": {
      parts.push(`**${md(sym.name)}**（枚举 · enum）${sym.decl.label ? ` ${md(sym.decl.label.value)}` : ""}`);
      const values = sym.decl.members.map((m) => `${md(m.name.value)}${m.label ? `（${md(m.label.value)}）` : ""}`);
      parts.push(`可选值 values: ${values.join("、")}`);
      parts.push(...notesLines(sym.decl.notes));
      break;
    }
    case "record": {
      parts.push(`**${md(sym.name)}**（记录类型 · record）${sym.decl.label ? ` ${md(sym.decl.label.value)}` : ""}`);
      const fields = sym.decl.fields.map((f) => {
        const s = f.valueType.span;
        return `- ${md(f.name.value)}: \`${a.text.slice(s.start.offset, s.end.offset)}\`${f.label ? ` ${md(f.label.value)}` : ""}`;
      });
      if (fields.length) parts.push(`字段 fields:\n${fields.join("\n")}`);
      parts.push(...notesLines(sym.decl.notes));
      break;
    }
    case "table": {
      parts.push(`**${md(sym.name)}**（查分表 · table）${sym.decl.label ? ` ${md(sym.decl.label.value)}` : ""}`);
      const keys = sym.decl.keys.map((k) => `${md(k.name.value)}: ${md(k.enumName.value)}`).join(", ");
      parts.push(`键 keys: (${keys})`);
      parts.push(`分值 ${fmtRange(sym.bounds)} 分 · values ${fmtRange(sym.bounds)}`);
      parts.push(...notesLines(sym.decl.notes));
      break;
    }
    case "grade": {
      const g = sym.decl;
      parts.push(`**${md(sym.name)}**（等级 · grade）${g.label ? ` ${md(g.label.value)}` : ""}`);
      if (g.pass) parts.push(`及格分 ${g.pass.value} 分 · pass mark ${g.pass.value}`);
      if (g.windowFrom && g.windowTo) parts.push(`申报期 ${g.windowFrom.value} 至 ${g.windowTo.value} · window ${g.windowFrom.value} to ${g.windowTo.value}`);
      if (g.quota) parts.push(`每市名额 ${g.quota.value} · quota ${g.quota.value} per city`);
      parts.push(...notesLines(g.notes));
      break;
    }
  }
  return parts.join("\n\n");
}

function itemHover(info: ItemInfo | undefined, item: A.ItemDecl): string {
  const parts = [`**${md(item.id)}** ${md(item.text.value)}`];
  const points = item.points ? D.parseDec(item.points.value) : null;
  if (info) {
    const reach = fmtRange(info.bounds);
    const zh = [`可得 ${reach} 分`];
    const en = [`reachable ${reach}`];
    if (points !== null) { zh.push(`分值 ${D.format(points)} 分`); en.push(`of ${D.format(points)} points`); }
    if (item.cap) {
      zh.push(`封顶 ${item.cap.value} 分（未封顶时最高 ${D.format(info.uncapped.max)} 分）`);
      en.push(`cap ${item.cap.value} (uncapped up to ${D.format(info.uncapped.max)})`);
    }
    parts.push(zh.join("，"), en.join(", "));
    if (info.experts) parts.push(expertsLine(info.experts, info.section.id.value, item.id));
  } else if (points !== null) {
    parts.push(`分值 ${D.format(points)} 分 · ${D.format(points)} points`);
  }
  parts.push(...notesLines(item.notes));
  return parts.join("\n\n");
}

/** Which expert rule a judged item follows, every clause as inherited: for the item's hover. */
function expertsLine(e: EffectiveExperts, sectionId: string, itemId: string): string {
  const name = levelText(e.level, sectionId, itemId);
  const zh = [e.combine === "trimmed mean" ? "去掉最高最低后平均" : "取平均"];
  const en: string[] = [e.combine ?? "mean"];
  if (e.round !== null) { zh.push(`按 ${e.round} 取整`); en.push(`rounded to ${e.round}`); }
  if (e.spread !== null) { zh.push(`相差超过 ${e.spread} 分提示复核`); en.push(`flagged beyond a spread of ${e.spread}`); }
  if (e.atLeast !== null) { zh.push(`至少 ${e.atLeast} 位专家`); en.push(`at least ${e.atLeast} experts`); }
  return `专家评分：${md(name.zh)}，${md(zh.join("，"))}\n\nexperts: ${md(name.en)}: ${md(en.join(", "))}`;
}

function sectionHover(a: Analysis, s: A.SectionDecl): string {
  const parts = [`**${md(s.id.value)} ${md(s.title.value)}**（评价部分 · section）`];
  const sum = a.model.summary.sections.find((x) => x.id === s.id.value && x.title === s.title.value);
  const weight = s.weight ? D.parseDec(s.weight.value) : null;
  if (sum) {
    const reach = fmtRange(sum.reachable);
    const zh = [`可得 ${reach} 分`];
    const en = [`reachable ${reach}`];
    if (weight !== null) { zh.push(`满分 ${D.format(weight)} 分`); en.push(`of ${D.format(weight)} points`); }
    if (s.cap) { zh.push(`封顶 ${s.cap.value} 分`); en.push(`cap ${s.cap.value}`); }
    zh.push(`共 ${sum.items} 项`);
    en.push(`${sum.items} items`);
    parts.push(zh.join("，"), en.join(", "));
  }
  parts.push(...notesLines(s.notes));
  return parts.join("\n\n");
}

function within(span: A.Span, offset: number): boolean {
  return span.end.offset > span.start.offset && span.start.offset <= offset && offset < span.end.offset;
}

/** Markdown for what is under `pos`: a name, a keyword, an item or a section; or null. */
export function hover(input: Analysis | string, pos: EditorPosition): HoverResult | null {
  return safe(null, () => {
    const a = toAnalysis(input);
    const offset = a.offsetAt(pos);
    const occ = a.occurrenceAt(offset);
    if (occ) return { contents: symbolHover(a, occ.symbol), range: a.rangeOf(occ.start, occ.end) };
    for (const d of a.parse.ast.declarations) {
      if (d.type !== "Section" || !within(d.span, offset)) continue;
      if (within(d.id.span, offset) || within(d.title.span, offset) || (d.weight && within(d.weight.span, offset))) {
        return { contents: sectionHover(a, d), range: a.spanRange(within(d.id.span, offset) ? d.id.span : within(d.title.span, offset) ? d.title.span : d.weight!.span) };
      }
      for (const item of d.items) {
        const hit = [item.number.span, item.text.span, item.points?.span].find((s) => s && within(s, offset));
        if (hit) {
          const info = [...a.model.items.values()].find((i) => i.item === item);
          return { contents: itemHover(info, item), range: a.spanRange(hit) };
        }
      }
    }
    const t = a.tokenAt(offset);
    if (t && tokenMatcher(t, T.Keyword)) {
      const help = KEYWORD_HELP[t.image];
      const tokens = a.tokens;
      const i = tokens.indexOf(t);
      const next = i >= 0 ? tokens[i + 1] : undefined;
      const prev = i > 0 ? tokens[i - 1] : undefined;
      const prev2 = i > 1 ? tokens[i - 2] : undefined;
      let reading: Explanation | undefined = help?.fn && is(next, T.LParen) ? help.fn : help;
      // Words whose reading depends on the clause they stand in.
      if (t.tokenType === T.DateKw && is(prev, T.Application)) reading = KEYWORD_HELP["application"];
      if ((t.tokenType === T.Per && is(prev2, T.Quota)) || (t.tokenType === T.City && is(prev, T.Per))) reading = KEYWORD_HELP["quota"];
      const contents = reading
        ? `**${t.image}** — ${md(reading.zh)}\n\n${md(reading.en)}`
        : `**${t.image}** — 关键字\n\nkeyword`;
      return { contents, range: a.rangeOf(t.startOffset, t.startOffset + t.image.length) };
    }
    return null;
  });
}

// ---------------------------------------------------------------------------------------------
// Completion
// ---------------------------------------------------------------------------------------------

type FrameKind =
  | "root" | "ruleset" | "enum" | "record" | "table" | "section" | "item" | "highest" | "tiers" | "vetoes"
  | "eligibility" | "grade" | "experts" | "block" | "inSet" | "tableKeys" | "quantifier" | "call" | "paren" | "lookup";

interface Frame {
  readonly kind: FrameKind;
  readonly open: IToken | null;
  /** Tokens directly in this frame; a nested block shows as its opening and closing tokens. */
  readonly direct: IToken[];
  /** The last keyword at this depth that introduces a `{ … }` block. */
  opener: IToken | null;
  /** A quantifier's list, a lookup's table. */
  readonly name?: string;
}

const BLOCK_OPENERS = new Map<TokenType, FrameKind>([
  [T.Ruleset, "ruleset"], [T.Enum, "enum"], [T.Record, "record"], [T.Table, "table"], [T.Section, "section"],
  [T.Item, "item"], [T.Highest, "highest"], [T.Tiers, "tiers"], [T.Vetoes, "vetoes"], [T.Eligibility, "eligibility"],
  [T.Grade, "grade"], [T.Experts, "experts"],
]);

const TOP_LEVEL = new Set<TokenType>([T.Ruleset, T.Enum, T.Record, T.Input, T.Table, T.Section, T.Vetoes, T.Eligibility, T.Grade, T.Experts]);
const QUANTIFIERS = new Set<TokenType>([T.Count, T.Any, T.All, T.Sum]);
const BRACE_FRAMES = new Set<FrameKind>(["ruleset", "enum", "record", "table", "section", "item", "highest", "tiers", "vetoes", "eligibility", "grade", "experts", "block", "inSet"]);

/** The blocks enclosing the end of `tokens`, outermost first, from brace and bracket nesting alone. */
function frameStack(tokens: readonly IToken[]): Frame[] {
  const stack: Frame[] = [{ kind: "root", open: null, direct: [], opener: null }];
  tokens.forEach((t, i) => {
    const top = stack[stack.length - 1]!;
    const type = t.tokenType;
    const prev = top.direct[top.direct.length - 1];
    if (type === T.LBrace) {
      top.direct.push(t);
      let kind: FrameKind = "block";
      if (is(prev, T.In)) kind = "inSet";
      else if (top.opener) kind = BLOCK_OPENERS.get(top.opener.tokenType) ?? "block";
      top.opener = null;
      stack.push({ kind, open: t, direct: [], opener: null });
    } else if (type === T.LParen) {
      top.direct.push(t);
      const next = tokens[i + 1];
      if (prev && QUANTIFIERS.has(prev.tokenType)) {
        stack.push({ kind: "quantifier", open: t, direct: [], opener: null, ...(next && next.tokenType === T.Identifier ? { name: next.image } : {}) });
      } else if (prev && tokenMatcher(prev, T.FunctionKeyword)) stack.push({ kind: "call", open: t, direct: [], opener: null });
      else if (top.kind === "root" && top.opener?.tokenType === T.Table) stack.push({ kind: "tableKeys", open: t, direct: [], opener: null });
      else stack.push({ kind: "paren", open: t, direct: [], opener: null });
    } else if (type === T.LBracket) {
      top.direct.push(t);
      stack.push({ kind: "lookup", open: t, direct: [], opener: null, ...(prev?.tokenType === T.Identifier ? { name: prev.image } : {}) });
    } else if (type === T.RBrace || type === T.RParen || type === T.RBracket) {
      const want = type === T.RBrace ? T.LBrace : type === T.RParen ? T.LParen : T.LBracket;
      for (let j = stack.length - 1; j > 0; j--) {
        if (stack[j]!.open?.tokenType === want) {
          stack.length = j;
          break;
        }
      }
      stack[stack.length - 1]!.direct.push(t);
    } else {
      top.direct.push(t);
      if (BLOCK_OPENERS.has(type)) top.opener = t;
    }
  });
  return stack;
}

/** Whether the cursor is inside a string or a comment on its line (`prefix`: the line up to the cursor). */
export function inStringOrComment(prefix: string): boolean {
  let inString = false;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "#") return true;
  }
  return inString;
}

const CIRCLED = (n: number) => (n >= 1 && n <= 20 ? String.fromCharCode(0x2460 + n - 1) : String(n));

function kw(word: string, detail?: string): CompletionCandidate {
  const help = KEYWORD_HELP[word];
  return {
    label: word, kind: "keyword", insertText: word,
    ...(detail ? { detail } : help ? { detail: help.zh } : {}),
    ...(help ? { documentation: `${help.zh}\n\n${help.en}` } : {}),
  };
}

function snippet(label: string, insertText: string, detail: string, kind: CompletionKind = "snippet"): CompletionCandidate {
  return { label, kind, insertText, detail, isSnippet: true };
}

const DECLARATION_SNIPPETS: readonly CompletionCandidate[] = [
  snippet("ruleset", 'ruleset "${1:标题}" {\n\tyear ${2:2025}\n\tdocument "${3:文号}"\n\teffective ${4:2025-01-01} to ${5:2025-12-31}\n\ttotal ${6:100}\n\tapplication date ${7:申报日期}\n}', "规则集头部 · ruleset header"),
  snippet("enum", 'enum ${1:名称} "${2:说明}" {\n\t${3:值} "${4:说明}"\n}', "枚举 · enum"),
  snippet("record", 'record ${1:名称} "${2:说明}" {\n\t${3:字段}: ${4:text} "${5:说明}"\n}', "记录类型 · record"),
  snippet("input", 'input ${1:名称}: ${2|count,yesno,decimal,date,text|} "${3:说明}"', "输入项 · input"),
  snippet("table", 'table ${1:名称} "${2:说明}" (${3:键}: ${4:枚举}) {\n\t${5:值}: ${6:0}\n}', "查分表 · table"),
  snippet("section", 'section ${1:一} "${2:标题}" weight ${3:10} {\n\t$0\n}', "评价部分 · section"),
  snippet("vetoes", 'vetoes ${1:十一} "${2:否决项}" {\n\tveto ① "${3:说明}" when ${4:条件}\n}', "否决项 · vetoes"),
  snippet("eligibility", 'eligibility "${1:基本条件}" {\n\trequire "${2:说明}": ${3:条件}\n}', "基本条件 · eligibility"),
  snippet("grade", 'grade ${1:A} "${2:质量信用A级}" {\n\tpass ${3:60}\n}', "等级 · grade"),
  snippet("experts", "experts {\n\tcombine ${1|trimmed mean,mean|}\n\tround ${2:0.01}\n\tspread ${3:1}\n}", "专家评分汇总 · experts"),
];

const FORM_SNIPPETS: readonly CompletionCandidate[] = [
  snippet("judged", "judged", "专家评分 · judged by experts", "keyword"),
  snippet("award … when …", "award ${1:2} when ${2:条件}", "满足条件得分 · fixed points when a condition holds"),
  snippet("award … per …", "award ${1:1} per ${2:数量}", "按数量计分 · points per each counted"),
  snippet("base … plus … per further …", "base ${1:2} plus ${2:0.5} per further ${3:数量}", "基础分加每增一个加分 · base plus each further"),
  snippet("highest { … }", 'highest {\n\taward ${1:3} "${2:说明}" when ${3:条件}\n\taward ${4:2} "${5:说明}" when ${6:条件}\n}', "取单项最高分 · take the highest branch"),
  snippet("sum over … of table[…]", "sum over ${1:列表} of ${2:查分表}[${3:键}]", "得分可累计 · cumulative over a list"),
  snippet("tiers … { >= … }", "tiers ${1:数值} {\n\t>= ${2:5} award ${3:2}\n\t>= ${4:3} award ${5:1}\n}", "分档 · tiers"),
  snippet("formula", "formula ${1:表达式}", "公式 · formula"),
];

const CAP = snippet("cap", "cap ${1:分}", "封顶 · cap", "keyword");
const NOTE = snippet("note", 'note "${1:说明}"', "注 · note", "keyword");

const HEADER_CLAUSES: readonly CompletionCandidate[] = [
  snippet("year", "year ${1:2025}", "年度 · year", "keyword"),
  snippet("document", 'document "${1:文号}"', "文号 · document", "keyword"),
  snippet("effective", "effective ${1:2025-01-01} to ${2:2025-12-31}", "有效期 · effective", "keyword"),
  snippet("total", "total ${1:100}", "总分 · total", "keyword"),
  snippet("application date", "application date ${1:申报日期}", "申报日期 · application date", "keyword"),
  NOTE,
];

const GRADE_CLAUSES: readonly CompletionCandidate[] = [
  snippet("pass", "pass ${1:60}", "及格分 · pass mark", "keyword"),
  snippet("window", "window ${1:2025-03-01} to ${2:2025-04-30}", "申报期 · window", "keyword"),
  snippet("quota", "quota ${1:30} per city", "名额 · quota", "keyword"),
  snippet("require", 'require "${1:说明}": ${2:条件}', "条件 · requirement", "keyword"),
  NOTE,
];

const EXPERTS_CLAUSES: readonly CompletionCandidate[] = [
  snippet("combine mean", "combine mean", "取平均 · mean", "keyword"),
  snippet("combine trimmed mean", "combine trimmed mean", "去最高最低后平均 · trimmed mean", "keyword"),
  snippet("round", "round ${1:0.01}", "取整步长 · rounding step", "keyword"),
  snippet("spread", "spread ${1:1}", "差异提示 · spread", "keyword"),
  snippet("at least … experts", "at least ${1:3} experts", "至少几位专家 · required number of experts", "keyword"),
  NOTE,
];

/** An experts block inside a section or an item: only the clauses that differ from the level above. */
const NESTED_EXPERTS = snippet("experts", "experts {\n\tcombine ${1|mean,trimmed mean|}\n}", "本部分/本项的专家评分规则 · experts for this section or item");

const INPUT_OPTIONS: readonly CompletionCandidate[] = [
  snippet("min", "min ${1:0}", "最小值 · min", "keyword"),
  snippet("max", "max ${1:100}", "最大值 · max", "keyword"),
  snippet("unit", 'unit "${1:个}"', "单位 · unit", "keyword"),
  snippet("en", 'en "${1:English label}"', "英文名称 · English label", "keyword"),
  snippet("help", 'help "${1:填写说明}"', "填写说明 · help", "keyword"),
  kw("optional"),
  NOTE,
];

const FUNCTIONS: readonly CompletionCandidate[] = [
  snippet("min", "min(${1:a}, ${2:b})", "最小者 · the least", "function"),
  snippet("max", "max(${1:a}, ${2:b})", "最大者 · the greatest", "function"),
  snippet("year", "year(${1:日期})", "年份 · year of a date", "function"),
  snippet("present", "present(${1:输入项})", "已填写 · filled in", "function"),
  snippet("size", "size(${1:列表})", "行数或选项数 · number of entries", "function"),
  snippet("count", "count(${1:列表} where ${2:条件})", "满足条件的行数 · entries that match", "function"),
  snippet("any", "any(${1:列表} where ${2:条件})", "有一行满足 · some entry matches", "function"),
  snippet("all", "all(${1:列表} where ${2:条件})", "每行都满足 · every entry matches", "function"),
  snippet("sum", "sum(${1:列表} of ${2:值})", "各行之和 · sum over entries", "function"),
];

const OPERAND_WORDS: readonly CompletionCandidate[] = [
  { label: "not", kind: "operator", insertText: "not ", detail: "非 · not" },
  kw("true"),
  kw("false"),
];

const INFIX_WORDS: readonly CompletionCandidate[] = [
  { label: "and", kind: "operator", insertText: "and ", detail: "并且 · and" },
  { label: "or", kind: "operator", insertText: "or ", detail: "或者 · or" },
  snippet("in { … }", "in {${1:值}}", "属于 · one of", "operator"),
  snippet("not in { … }", "not in {${1:值}}", "不属于 · none of", "operator"),
  snippet("within … before …", "within ${1:2} ${2|years,months,days|} before ${3:申报日期}", "在期限内 · within a period", "operator"),
];

const TYPE_WORDS: readonly CompletionCandidate[] = ["yesno", "count", "decimal", "date", "text"].map((w) => kw(w));

interface Ctx {
  readonly a: Analysis;
  readonly stack: Frame[];
  readonly frame: Frame;
  readonly before: readonly IToken[];
  readonly atLineStart: boolean;
  readonly lineIndented: boolean;
}

function back(ctx: Ctx, n: number): IToken | undefined {
  return ctx.before[ctx.before.length - n];
}

/** Record fields in scope: of the lists of enclosing quantifiers and `sum over`. */
function fieldScope(ctx: Ctx): Map<string, Sym> {
  const scope = new Map<string, Sym>();
  const addList = (name: string | undefined) => {
    if (!name) return;
    const sym = ctx.a.model.symbols.get(name);
    if (sym?.kind !== "input" || sym.type.kind !== "list") return;
    for (const [k, f] of ctx.a.model.records.get(sym.type.record) ?? []) if (!scope.has(k)) scope.set(k, f);
  };
  for (let i = ctx.stack.length - 1; i >= 0; i--) {
    const f = ctx.stack[i]!;
    if (f.kind === "quantifier") addList(f.name);
    if (f.kind === "item") {
      f.direct.forEach((t, j) => {
        if (t.tokenType === T.Over && f.direct[j - 1]?.tokenType === T.Sum) addList(f.direct[j + 1]?.image);
      });
    }
  }
  return scope;
}

function symDetail(sym: Sym & { kind: "input" | "field" }): string {
  const type = sym.type.kind === "unknown" ? "" : typeSource(sym.type);
  return [sym.decl.label?.value ?? "", type].filter(Boolean).join(" · ");
}

function symDoc(sym: Sym & { kind: "input" | "field" }): string | undefined {
  const o = sym.decl.options;
  const parts = [o.en?.value, o.help?.value].filter((x): x is string => !!x);
  return parts.length ? parts.join("\n\n") : undefined;
}

function nameCandidate(sym: Sym & { kind: "input" | "field" }): CompletionCandidate {
  const doc = symDoc(sym);
  return { label: sym.name, kind: sym.kind === "input" ? "variable" : "field", insertText: sym.name, detail: symDetail(sym), ...(doc ? { documentation: doc } : {}) };
}

function inputs(a: Analysis, filter: (t: Type) => boolean = () => true): CompletionCandidate[] {
  const out: CompletionCandidate[] = [];
  for (const s of a.model.symbols.values()) if (s.kind === "input" && filter(s.type)) out.push(nameCandidate(s));
  return out;
}

function expressionCandidates(ctx: Ctx): CompletionCandidate[] {
  const out: CompletionCandidate[] = [];
  const scope = fieldScope(ctx);
  for (const f of scope.values()) if (f.kind === "field") out.push(nameCandidate(f));
  for (const s of ctx.a.model.symbols.values()) {
    if (s.kind === "input" && !scope.has(s.name)) out.push(nameCandidate(s));
  }
  for (const s of ctx.a.model.symbols.values()) {
    if (s.kind !== "table") continue;
    const keys = s.keyEnums.map((k, i) => `\${${i + 1}:${k}}`).join(", ");
    out.push({ label: s.name, kind: "constant", insertText: `${s.name}[${keys}]`, detail: `${s.decl.label?.value ?? "查分表"} · table`, isSnippet: true });
  }
  out.push(...FUNCTIONS, ...OPERAND_WORDS);
  return out;
}

function memberCandidates(a: Analysis, enumName: string, exclude: ReadonlySet<string> = new Set()): CompletionCandidate[] {
  const e = a.model.symbols.get(enumName);
  if (e?.kind !== "enum") return [];
  return e.decl.members
    .filter((m) => !exclude.has(m.name.value))
    .map((m) => ({ label: m.name.value, kind: "enumMember" as const, insertText: m.name.value, detail: `${m.label?.value ?? ""}${m.label ? " · " : ""}${enumName}` }));
}

function enumCandidates(a: Analysis): CompletionCandidate[] {
  const out: CompletionCandidate[] = [];
  for (const s of a.model.symbols.values()) if (s.kind === "enum") out.push({ label: s.name, kind: "enum", insertText: s.name, detail: `${s.decl.label?.value ?? ""} · enum` });
  return out;
}

function recordCandidates(a: Analysis): CompletionCandidate[] {
  const out: CompletionCandidate[] = [];
  for (const s of a.model.symbols.values()) if (s.kind === "record") out.push({ label: s.name, kind: "struct", insertText: s.name, detail: `${s.decl.label?.value ?? ""} · record` });
  return out;
}

function typeCandidates(a: Analysis, allowList: boolean): CompletionCandidate[] {
  return [
    ...TYPE_WORDS,
    snippet("set of", "set of ${1:枚举}", "可多选 · set of an enum", "keyword"),
    ...(allowList ? [snippet("list of", "list of ${1:记录}", "多行 · list of a record", "keyword")] : []),
    ...enumCandidates(a),
  ];
}

/** The enum a name's values belong to (an enum input or field, or a set's element). */
function enumOfName(ctx: Ctx, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const sym = fieldScope(ctx).get(name) ?? ctx.a.model.symbols.get(name);
  if (sym?.kind !== "input" && sym?.kind !== "field") return undefined;
  if (sym.type.kind === "enum") return sym.type.name;
  if (sym.type.kind === "set") return sym.type.element;
  return undefined;
}

/** The last top-level keyword at the root (input, section, …). */
function lastDeclaration(root: Frame): IToken | undefined {
  for (let i = root.direct.length - 1; i >= 0; i--) {
    const t = root.direct[i]!;
    if (TOP_LEVEL.has(t.tokenType)) return t;
  }
  return undefined;
}

function tokensSince(frame: Frame, t: IToken | undefined): IToken[] {
  if (!t) return frame.direct;
  const i = frame.direct.indexOf(t);
  return i === -1 ? [] : frame.direct.slice(i + 1);
}

function isOperandEnd(t: IToken | undefined): boolean {
  if (!t) return false;
  const type = t.tokenType;
  return type === T.Identifier || type === T.NumberLiteral || type === T.DateLiteral || type === T.RParen || type === T.RBracket ||
    type === T.True || type === T.False || tokenMatcher(t, T.DurationUnitKeyword);
}

/** Whether an expression's operand is expected right after the tokens before the cursor. */
function expectsOperand(ctx: Ctx): boolean {
  const prev = back(ctx, 1);
  if (!prev) return false;
  const type = prev.tokenType;
  const f = ctx.frame.kind;
  if (type === T.When || type === T.Further || type === T.Where || type === T.Formula || type === T.Tiers) return true;
  if (type === T.And || type === T.Or || type === T.Not || type === T.Before || type === T.After || type === T.LBracket) return true;
  if (tokenMatcher(prev, T.Comparison) || tokenMatcher(prev, T.AdditiveOp) || tokenMatcher(prev, T.MultiplicativeOp)) {
    return !(f === "tiers" || f === "table" || f === "root" || f === "record");
  }
  if (type === T.LParen) return f === "call" || f === "paren";
  if (type === T.Comma) return f === "call" || f === "lookup";
  if (type === T.Per) return !is(back(ctx, 3), T.Plus) && !is(back(ctx, 3), T.Quota);
  if (type === T.Of) return f === "quantifier" || f === "item";
  if (type === T.Colon) return f === "eligibility" || f === "grade";
  return false;
}

/** Keywords that continue the statement after the tokens before the cursor. */
function continuations(ctx: Ctx): CompletionCandidate[] {
  const p1 = back(ctx, 1);
  const p2 = back(ctx, 2);
  const p3 = back(ctx, 3);
  const out: CompletionCandidate[] = [];
  if (is(p1, T.NumberLiteral) && is(p2, T.Award)) out.push(kw("when"), ...(ctx.frame.kind === "item" ? [kw("per")] : []));
  if (is(p1, T.StringLiteral) && is(p3, T.Award)) out.push(kw("when"));
  if (is(p1, T.NumberLiteral) && is(p2, T.Base)) out.push(kw("plus"));
  if (is(p1, T.NumberLiteral) && is(p2, T.Plus)) out.push(snippet("per further", "per further ${1:数量}", "其后每个 · each further one", "keyword"));
  if (is(p1, T.Per) && is(p3, T.Plus)) out.push(kw("further"));
  if (is(p1, T.NumberLiteral) && is(p2, T.Quota)) out.push(kw("per city"));
  if (is(p1, T.Per) && is(p3, T.Quota)) out.push(kw("city"));
  if (is(p1, T.Combine)) out.push(kw("mean"), kw("trimmed mean"));
  if (is(p1, T.Application)) out.push(kw("date"));
  if (is(p1, T.DateLiteral) && (is(p2, T.Effective) || is(p2, T.Window))) out.push(kw("to"));
  if (is(p1, T.Identifier) && is(p2, T.Over)) out.push(kw("where"), kw("of"));
  if (is(p1, T.StringLiteral) && (is(p3, T.Item) || is(p3, T.Section))) out.push(snippet(is(p3, T.Item) ? "points" : "weight", `${is(p3, T.Item) ? "points" : "weight"} \${1:分}`, is(p3, T.Item) ? "分值 · points" : "满分 · weight", "keyword"));
  if (is(p1, T.StringLiteral) && is(p3, T.Veto)) out.push(kw("when"));
  if (ctx.frame.kind === "quantifier" && isOperandEnd(p1)) {
    const words = ctx.frame.direct.map((t) => t.tokenType);
    if (!words.includes(T.Where) && !words.includes(T.Of)) out.push(kw("where"));
    if (!words.includes(T.Of)) out.push(kw("of"));
  }
  if (ctx.frame.kind === "item" && isOperandEnd(p1)) {
    const words = ctx.frame.direct.map((t) => t.tokenType);
    if (words.includes(T.Sum) && words.includes(T.Over) && !words.includes(T.Of)) out.push(kw("of"));
  }
  return out;
}

function nextNumber(frame: Frame, keyword: TokenType): string {
  let n = 0;
  frame.direct.forEach((t, i) => {
    if (t.tokenType !== keyword) return;
    const num = frame.direct[i + 1];
    if (num?.tokenType === T.CircledNumber) n = Math.max(n, num.image.charCodeAt(0) - 0x2460 + 1);
    else if (num?.tokenType === T.NumberLiteral) n = Math.max(n, Number(num.image) || 0);
    else n++;
  });
  return CIRCLED(n + 1);
}

/** Statements that can start a line in a block. */
function statementStarts(ctx: Ctx): CompletionCandidate[] {
  const f = ctx.frame;
  switch (f.kind) {
    case "root": {
      const last = lastDeclaration(f);
      const options = ctx.lineIndented && last?.tokenType === T.Input ? INPUT_OPTIONS : [];
      return [...options, ...DECLARATION_SNIPPETS];
    }
    case "ruleset": return [...HEADER_CLAUSES];
    case "enum": case "record": return [NOTE];
    case "table": {
      const t = ctx.a.parse.ast.declarations.find((d): d is A.TableDecl => d.type === "Table" && f.open !== null && d.span.start.offset <= f.open.startOffset && f.open.startOffset < d.span.end.offset);
      const keyEnum = t?.keys[0]?.enumName.value;
      const present = new Set(f.direct.filter((x, i) => x.tokenType === T.Identifier && f.direct[i + 1]?.tokenType === T.Colon).map((x) => x.image));
      const rows = keyEnum ? memberCandidates(ctx.a, keyEnum, present).map((c) => ({ ...c, insertText: `${c.label}: ` })) : [];
      const columns = t && t.keys.length === 2 && !f.direct.some((x) => x.tokenType === T.Columns)
        ? [snippet("columns", `columns ${memberCandidates(ctx.a, t.keys[1]!.enumName.value).map((c) => c.label).join(" ") || "${1:列}"}`, "列 · columns", "keyword")]
        : [];
      return [...columns, ...rows, NOTE];
    }
    case "section":
      return [snippet("item", `item \${1:${nextNumber(f, T.Item)}} "\${2:评分内容}" points \${3:2} {\n\t\${4:judged}\n}`, "评分项 · item"), NESTED_EXPERTS, NOTE];
    case "item":
      return f.direct.length === 0 ? [...FORM_SNIPPETS, CAP, NOTE] : [CAP, NESTED_EXPERTS, NOTE];
    case "highest":
      return [snippet("award … when …", 'award ${1:2} "${2:说明}" when ${3:条件}', "分支 · branch")];
    case "tiers":
      return [snippet(">= … award …", ">= ${1:5} award ${2:2}", "分档 · tier"), snippet("> … award …", "> ${1:5} award ${2:2}", "分档 · tier")];
    case "vetoes":
      return [snippet("veto", `veto \${1:${nextNumber(f, T.Veto)}} "\${2:说明}" when \${3:条件}`, "否决条款 · veto"), NOTE];
    case "eligibility":
      return [snippet("require", 'require "${1:说明}": ${2:条件}', "条件 · requirement", "keyword"), NOTE];
    case "grade": return [...GRADE_CLAUSES];
    case "experts": return [...EXPERTS_CLAUSES];
    default: return [];
  }
}

function dedupe(list: CompletionCandidate[]): CompletionCandidate[] {
  const seen = new Set<string>();
  return list.filter((c) => {
    const key = `${c.kind}:${c.label}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function complete(a: Analysis, offset: number): CompletionCandidate[] {
  const text = a.text;
  const pos = a.positionAt(offset);
  const lineStart = a.lineStart(pos.line);
  if (inStringOrComment(text.slice(lineStart, offset))) return [];
  let before = a.tokens.filter((t) => t.startOffset + t.image.length <= offset);
  const last = before[before.length - 1];
  let wordStart = offset;
  if (last && last.startOffset + last.image.length === offset && (last.tokenType === T.Identifier || tokenMatcher(last, T.Keyword))) {
    before = before.slice(0, -1);
    wordStart = last.startOffset;
  }
  const linePrefix = text.slice(lineStart, wordStart);
  const stack = frameStack(before);
  const ctx: Ctx = {
    a, stack, before,
    frame: stack[stack.length - 1]!,
    atLineStart: /^[\s\u3000]*$/.test(linePrefix),
    lineIndented: /^[ \t\u3000]+$/.test(linePrefix),
  };
  const f = ctx.frame;
  const p1 = back(ctx, 1);
  const p2 = back(ctx, 2);

  // Types of inputs and fields.
  if (is(p1, T.Of) && is(p2, T.List)) return recordCandidates(a);
  if (is(p1, T.Of) && is(p2, T.SetKw)) return enumCandidates(a);
  if (is(p1, T.Colon)) {
    if (f.kind === "tableKeys") return enumCandidates(a);
    if (f.kind === "record") return typeCandidates(a, false);
    if (f.kind === "root") return lastDeclaration(f)?.tokenType === T.Input ? typeCandidates(a, true) : [];
    if (f.kind === "table") return [];
  }
  // Lists, dates and enum members.
  if (is(p1, T.Over) || (f.kind === "quantifier" && f.direct.length === 0)) return inputs(a, (t) => t.kind === "list");
  if (is(p1, T.DateKw) && is(p2, T.Application)) return inputs(a, (t) => t.kind === "date");
  if (is(p1, T.Eq) || is(p1, T.NotEq)) {
    const e = p2?.tokenType === T.Identifier ? enumOfName(ctx, p2.image) : undefined;
    if (e) return memberCandidates(a, e);
  }
  if (f.kind === "inSet") {
    const parent = stack[stack.length - 2];
    const i = parent ? parent.direct.lastIndexOf(f.open!) : -1;
    let j = i - 1;
    if (parent && is(parent.direct[j], T.In)) j--;
    if (parent && is(parent.direct[j], T.Not)) j--;
    const subject = parent?.direct[j];
    const e = subject?.tokenType === T.Identifier ? enumOfName(ctx, subject.image) : undefined;
    const listed = new Set(f.direct.filter((t) => t.tokenType === T.Identifier).map((t) => t.image));
    return e ? memberCandidates(a, e, listed) : [];
  }
  if (f.kind === "lookup" && (is(p1, T.LBracket) || is(p1, T.Comma))) {
    const table = f.name ? a.model.symbols.get(f.name) : undefined;
    const keyIndex = f.direct.filter((t) => t.tokenType === T.Comma).length;
    const keyEnum = table?.kind === "table" ? table.keyEnums[keyIndex] : undefined;
    if (keyEnum) {
      const typed = expressionCandidates(ctx).filter((c) => {
        if (c.kind !== "variable" && c.kind !== "field") return false;
        return enumOfName(ctx, c.label) === keyEnum;
      });
      return dedupe([...memberCandidates(a, keyEnum), ...typed]);
    }
    return expressionCandidates(ctx);
  }
  if (f.kind === "tableKeys" || f.kind === "enum") return [];

  if (expectsOperand(ctx)) return dedupe(expressionCandidates(ctx));
  // `award 1 per 发明专利数, |`: a number comes next.
  if (is(p1, T.Comma) && f.kind === "item") return [];

  const cont = continuations(ctx);
  if (cont.length && !ctx.atLineStart) return cont;

  const inExpression = isOperandEnd(p1) && ["item", "highest", "vetoes", "eligibility", "grade", "quantifier", "call", "paren", "lookup"].includes(f.kind);
  const infix = inExpression ? INFIX_WORDS : [];
  if (f.kind === "quantifier" || f.kind === "call" || f.kind === "paren" || f.kind === "lookup") return dedupe([...cont, ...infix]);

  if (ctx.atLineStart || is(p1, T.LBrace) || is(p1, T.RBrace) || f.direct.length === 0) {
    return dedupe([...statementStarts(ctx), ...cont, ...infix]);
  }
  // Mid-line after something complete.
  switch (f.kind) {
    case "root": {
      const last = lastDeclaration(f);
      if (last?.tokenType === T.Input && tokensSince(f, last).some((t) => t.tokenType === T.Colon)) return dedupe([...cont, ...INPUT_OPTIONS]);
      if (last?.tokenType === T.Section && is(p1, T.NumberLiteral)) return [snippet("cap", "cap ${1:分}", "封顶 · cap", "keyword")];
      return cont;
    }
    case "record":
      return dedupe([...cont, ...INPUT_OPTIONS]);
    case "item":
      return dedupe([...cont, ...infix, CAP, NOTE]);
    default:
      return dedupe([...cont, ...infix]);
  }
}

/** Completion candidates at `pos`, from the tokens before it (the text may not parse). */
export function completions(input: Analysis | string, pos: EditorPosition): CompletionCandidate[] {
  return safe([], () => {
    const a = toAnalysis(input);
    return complete(a, a.offsetAt(pos));
  });
}

// ---------------------------------------------------------------------------------------------
// Rename
// ---------------------------------------------------------------------------------------------

function renameError(zh: string, en: string): RenameError {
  return { error: { zh, en } };
}

export function isRenameError(r: unknown): r is RenameError {
  return typeof r === "object" && r !== null && "error" in r;
}

/** The name at `pos` that `rename` can change, with its range; null where there is none. */
export function prepareRename(input: Analysis | string, pos: EditorPosition): { range: EditorRange; placeholder: string } | null {
  return safe(null, () => {
    const a = toAnalysis(input);
    const o = a.occurrenceAt(a.offsetAt(pos));
    return o ? { range: a.rangeOf(o.start, o.end), placeholder: o.symbol.name } : null;
  });
}

/** Why `newName` cannot replace `sym`'s name, or null when it can. */
function renameConflict(a: Analysis, sym: Sym, newName: string): RenameError | null {
  if (!WORD_RE.test(newName)) return renameError(`“${newName}”不是合法的名称：须以字母、汉字或 _ 开头，只含字母、汉字、数字和 _`, `“${newName}” is not a valid name: it must start with a letter, a Chinese character or _ and hold only those and digits`);
  if (KEYWORDS.has(newName)) return renameError(`“${newName}”是关键字，不能用作名称`, `“${newName}” is a keyword and cannot be a name`);
  const m = a.model;
  const taken = (zh: string, en: string) => renameError(`名称 ${newName} 已被${zh}使用`, `${newName} is already used by ${en}`);
  const symbol = m.symbols.get(newName);
  if (sym.kind === "member") {
    if (m.members.get(newName)?.some((s) => s.kind === "member" && s.enumName === sym.enumName)) return taken(`枚举 ${sym.enumName} 的另一个值`, `another value of enum ${sym.enumName}`);
    if (symbol) return taken(`${kindZh(symbol)} ${newName}`, `the ${symbol.kind} ${newName}`);
    return null;
  }
  if (sym.kind === "field") {
    if (m.records.get(sym.record)?.has(newName)) return taken(`记录 ${sym.record} 的另一个字段`, `another field of record ${sym.record}`);
    if (symbol) return taken(`${kindZh(symbol)} ${newName}`, `the ${symbol.kind} ${newName}`);
    if (m.members.has(newName)) return taken("枚举值", "an enum member");
    return null;
  }
  if (symbol) return taken(`${kindZh(symbol)} ${newName}`, `the ${symbol.kind} ${newName}`);
  if (sym.kind === "input" || sym.kind === "table") {
    if (m.members.has(newName)) return taken("枚举值", "an enum member");
    for (const fields of m.records.values()) if (fields.has(newName)) return taken("记录字段", "a record field");
  }
  return null;
}

function kindZh(s: Sym): string {
  switch (s.kind) {
    case "input": return "输入项";
    case "field": return "记录字段";
    case "enum": return "枚举";
    case "member": return "枚举值";
    case "record": return "记录类型";
    case "table": return "查分表";
    case "grade": return "等级";
  }
}

/**
 * Renames the input, field, enum, member, record, table or grade at `pos` everywhere it is
 * written, or explains why not.
 */
export function rename(input: Analysis | string, pos: EditorPosition, newName: string): EditorTextEdit[] | RenameError {
  try {
    const a = toAnalysis(input);
    const o = a.occurrenceAt(a.offsetAt(pos));
    if (!o) return renameError("此处没有可重命名的名称", "there is no name to rename here");
    const sym = o.symbol;
    if (newName === sym.name) return [];
    const conflict = renameConflict(a, sym, newName);
    if (conflict) return conflict;
    return a
      .occurrences()
      .filter((x) => x.symbol === sym)
      .map((x) => ({ range: a.rangeOf(x.start, x.end), newText: newName }));
  } catch (e) {
    report(e);
    return renameError("重命名失败", "rename failed");
  }
}

// ---------------------------------------------------------------------------------------------
// Folding
// ---------------------------------------------------------------------------------------------

/** Multi-line `{ … }` blocks, multi-line inputs, and runs of two or more comment lines. */
export function foldingRanges(input: Analysis | string): FoldingRange[] {
  return safe([], () => {
    const a = toAnalysis(input);
    const out: FoldingRange[] = [];
    const open: IToken[] = [];
    const lineOf = (offset: number) => a.positionAt(offset).line;
    for (const t of a.tokens) {
      if (t.tokenType === T.LBrace) open.push(t);
      else if (t.tokenType === T.RBrace) {
        const o = open.pop();
        if (!o) continue;
        const startLine = lineOf(o.startOffset);
        const closeLine = lineOf(t.startOffset);
        const ownLine = /^[\s\u3000]*$/.test(a.text.slice(a.lineStart(closeLine), t.startOffset));
        const endLine = ownLine ? closeLine - 1 : closeLine;
        if (endLine > startLine) out.push({ startLine, endLine });
      }
    }
    for (const d of a.parse.ast.declarations) {
      if (d.type !== "Input") continue;
      const startLine = lineOf(d.span.start.offset);
      const endLine = lineOf(d.span.end.offset);
      if (endLine > startLine) out.push({ startLine, endLine });
    }
    // Runs of whole-line comments.
    let runStart = -1;
    let runEnd = -1;
    const flush = () => {
      if (runStart !== -1 && runEnd > runStart) out.push({ startLine: runStart, endLine: runEnd, kind: "comment" });
      runStart = runEnd = -1;
    };
    for (const c of a.comments) {
      const line = lineOf(c.startOffset);
      const alone = /^[\s\u3000]*$/.test(a.text.slice(a.lineStart(line), c.startOffset));
      if (!alone) { flush(); continue; }
      if (runStart !== -1 && line === runEnd + 1) runEnd = line;
      else { flush(); runStart = runEnd = line; }
    }
    flush();
    out.sort((x, y) => x.startLine - y.startLine || y.endLine - x.endLine);
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Quick fixes
// ---------------------------------------------------------------------------------------------

function levenshtein(x: string, y: string): number {
  const a = Array.from(x);
  const b = Array.from(y);
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function indentOf(a: Analysis, offset: number): string {
  const line = a.positionAt(offset).line;
  return /^[ \t\u3000]*/.exec(a.text.slice(a.lineStart(line), a.lineEnd(line)))?.[0] ?? "";
}

/** An edit that adds `line` as the last statement of the block that `span` closes with `}`. */
function insertBeforeClose(a: Analysis, span: A.Span, line: string): EditorTextEdit | null {
  const close = span.end.offset - 1;
  if (a.text[close] !== "}") return null;
  const closeLine = a.positionAt(close).line;
  const startLine = a.positionAt(span.start.offset).line;
  const lineStart = a.lineStart(closeLine);
  if (closeLine > startLine && /^[ \t\u3000]*$/.test(a.text.slice(lineStart, close))) {
    const prevLine = closeLine - 1;
    const indent = prevLine > startLine
      ? indentOf(a, a.lineStart(prevLine))
      : `${indentOf(a, span.start.offset)}  `;
    const at = a.positionAt(lineStart);
    return { range: { start: at, end: at }, newText: `${indent}${line}\n` };
  }
  const space = /\s/.test(a.text[close - 1] ?? "") ? "" : " ";
  const at = a.positionAt(close);
  return { range: { start: at, end: at }, newText: `${space}${line} ` };
}

function replace(a: Analysis, span: A.Span, newText: string): EditorTextEdit {
  return { range: a.spanRange(span), newText };
}

function finite(s: string | undefined): s is string {
  return s !== undefined && D.parseDec(s) !== null;
}

function fixesFor(a: Analysis, d: Diagnostic): Omit<CodeAction, "diagnostic" | "diagnosticCode">[] {
  const data = d.data ?? {};
  const decls = a.parse.ast.declarations;
  const at = d.span.start.offset;
  switch (d.code) {
    // Revision findings: the right text is in `data.replacement` when it is certain.
    case "S022":
    case "S023":
    case "H001":
    case "H002":
    case "H004": {
      const to = data.replacement;
      if (to === undefined) return [];
      const from = a.text.slice(d.span.start.offset, d.span.end.offset);
      return [{ title: `把 ${from} 改为 ${to}`, titleEn: `change ${from} to ${to}`, edits: [replace(a, d.span, to)], isPreferred: true }];
    }
    case "S007":
    case "S008": {
      const out: Omit<CodeAction, "diagnostic" | "diagnosticCode">[] = [];
      if (finite(data.reachable)) {
        out.push({ title: `把满分改为 ${data.reachable}`, titleEn: `set the weight to ${data.reachable}`, edits: [replace(a, d.span, data.reachable)], isPreferred: d.code === "S008" });
      }
      if (d.code === "S007" && finite(data.weight)) {
        const section = decls.find((s): s is A.SectionDecl => s.type === "Section" && s.weight?.span.start.offset === at);
        const edit = section?.cap
          ? replace(a, section.cap.span, data.weight)
          : { range: a.rangeOf(d.span.end.offset, d.span.end.offset), newText: ` cap ${data.weight}` };
        out.push({ title: `为本部分加封顶 cap ${data.weight}`, titleEn: `add cap ${data.weight}`, edits: [edit] });
      }
      return out;
    }
    case "S006":
      return finite(data.sum) ? [{ title: `把总分改为 ${data.sum}`, titleEn: `set the total to ${data.sum}`, edits: [replace(a, d.span, data.sum)] }] : [];
    case "S009":
    case "S010": {
      const out: Omit<CodeAction, "diagnostic" | "diagnosticCode">[] = [];
      if (finite(data.reachable)) {
        out.push({ title: `把分值改为 ${data.reachable}`, titleEn: `set the points to ${data.reachable}`, edits: [replace(a, d.span, data.reachable)], isPreferred: d.code === "S010" });
      }
      if (d.code === "S009" && finite(data.points)) {
        let item: A.ItemDecl | undefined;
        for (const s of decls) if (s.type === "Section") item ??= s.items.find((i) => i.points?.span.start.offset === at);
        const edit = item?.cap ? replace(a, item.cap.span, data.points) : item ? insertBeforeClose(a, item.span, `cap ${data.points}`) : null;
        if (edit) out.push({ title: `加封顶 cap ${data.points}`, titleEn: `add cap ${data.points}`, edits: [edit], isPreferred: true });
      }
      return out;
    }
    case "E001": {
      const member = data.member;
      const enumName = data.enum;
      const table = decls.find((t): t is A.TableDecl => t.type === "Table" && t.name.span.start.offset === at);
      if (!table || !member || !enumName) return [];
      const out: Omit<CodeAction, "diagnostic" | "diagnosticCode">[] = [];
      const rowEnum = table.keys[0]?.enumName.value;
      const colEnum = table.keys[1]?.enumName.value;
      if (rowEnum === enumName && !table.rows.some((r) => r.key.value === member)) {
        const values = table.keys.length === 2 ? table.columns.map(() => "0").join(" ") : "0";
        const edit = values ? insertBeforeClose(a, table.span, `${member}: ${values}`) : null;
        if (edit) out.push({ title: `为查分表 ${table.name.value} 加一行 ${member}: ${values}`, titleEn: `add the row ${member}: ${values} to ${table.name.value}`, edits: [edit] });
      }
      if (table.keys.length === 2 && colEnum === enumName && table.columns.length > 0 && !table.columns.some((c) => c.value === member)) {
        const lastCol = table.columns[table.columns.length - 1]!;
        const edits: EditorTextEdit[] = [{ range: a.rangeOf(lastCol.span.end.offset, lastCol.span.end.offset), newText: ` ${member}` }];
        for (const r of table.rows) {
          const v = r.values[r.values.length - 1];
          const end = v ? v.span.end.offset : r.key.span.end.offset + 1;
          edits.push({ range: a.rangeOf(end, end), newText: " 0" });
        }
        out.push({ title: `为查分表 ${table.name.value} 加一列 ${member}（各行 0 分）`, titleEn: `add the column ${member} to ${table.name.value} (0 in every row)`, edits });
      }
      return out;
    }
    case "N001": {
      const name = a.text.slice(d.span.start.offset, d.span.end.offset);
      if (!name) return [];
      const m = a.model;
      const names = new Set<string>();
      for (const s of m.symbols.values()) if (s.kind === "input" || s.kind === "table") names.add(s.name);
      for (const fields of m.records.values()) for (const f of fields.keys()) names.add(f);
      for (const k of m.members.keys()) names.add(k);
      const len = Array.from(name).length;
      const scored = [...names]
        .filter((n) => n !== name)
        .map((n) => ({ n, dist: levenshtein(name, n) }))
        .filter((x) => x.dist <= 2 && x.dist < Math.max(len, Array.from(x.n).length))
        .sort((x, y) => x.dist - y.dist || x.n.localeCompare(y.n))
        .slice(0, 5);
      return scored.map((x, i) => ({ title: `改为 ${x.n}`, titleEn: `did you mean ${x.n}?`, edits: [replace(a, d.span, x.n)], isPreferred: i === 0 && x.dist === 1 }));
    }
    default:
      return [];
  }
}

/** Quick fixes for the diagnostics that touch `range`. */
export function codeActions(input: Analysis | string, range: EditorRange): CodeAction[] {
  return safe([], () => {
    const a = toAnalysis(input);
    const from = a.offsetAt(range.start);
    const to = a.offsetAt(range.end);
    const lo = Math.min(from, to);
    const hi = Math.max(from, to);
    const out: CodeAction[] = [];
    const seen = new Set<string>();
    for (const d of a.diagnostics) {
      if (d.span.start.offset > hi || d.span.end.offset < lo) continue;
      for (const fix of safe([], () => fixesFor(a, d))) {
        const key = `${d.code}:${fix.title}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ ...fix, diagnosticCode: d.code, diagnostic: d });
      }
    }
    return out;
  });
}

/** Applies edits to a text (for tests and for callers without an editor). Edits must not overlap. */
export function applyTextEdits(text: string, edits: readonly EditorTextEdit[]): string {
  const starts = lineStartsOf(text);
  const offset = (p: EditorPosition) => Math.min((starts[p.line - 1] ?? text.length) + p.column - 1, text.length);
  const sorted = edits
    .map((e, i) => ({ from: offset(e.range.start), to: offset(e.range.end), text: e.newText, i }))
    .sort((x, y) => y.from - x.from || y.to - x.to || y.i - x.i);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}
