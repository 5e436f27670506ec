/**
 * The formatter: one canonical layout for a rule file, keeping every comment.
 *
 * Layout (the decisions behind it):
 * - 2-space indentation; the header first, then the declarations in source order, one blank
 *   line between top-level declarations. Inside a block a single blank line is kept where the
 *   source had one or more between two members (items, fields, rows, clauses …); never after
 *   `{` nor before `}`. Nothing else is blank.
 * - One clause per line. Inputs and record fields are one line each with their options in a
 *   fixed order: min, max, unit, en, help, optional, then notes.
 * - Block-level notes go last, except where the grammar would give them to the child before
 *   them: a note after a record field, a veto or a requirement belongs to that field, veto or
 *   requirement. There the block's own notes come before those children (records, vetoes and
 *   eligibility: right after `{`; grades: after pass, window and quota, before the requirements).
 * - Table rows are aligned in columns by display width (CJK characters count two).
 * - Expressions are printed on one line with the fewest parentheses the precedence table of
 *   parser.ts allows.
 *
 * Comments: every printed line comes from one or more "line units" (a clause, a member, an
 * opening or a closing brace), and every token of the source the AST records belongs to one.
 * A comment with code before it on its line is *trailing*: it goes to the end of the output line
 * holding the unit of the last token before it. Any other comment is *leading*: it goes on its
 * own line before the output line holding the unit of the next token after it (so a comment
 * inside a multi-line expression moves before its statement), or at the end of the file. When
 * several trailing comments meet on one output line, all but the last become leading comments.
 * Blank lines between leading comments, and between them and their line, are kept (one at most).
 *
 * `format` never throws and never changes a file it cannot read: with a syntax error (P…, L…),
 * a duplicate header (S004, whose second header the AST drops) or a file too large to read
 * (M00x), or a section or item with two experts blocks (X002), it returns the text unchanged
 * with the diagnostics. A clause written twice (`year 2024
 * year 2025`: the AST keeps one) would be deleted by printing the AST, so then too the text is
 * left unchanged, with warning F001. Last, it checks its own output (same AST, same comments)
 * and falls back to the unchanged text should that ever fail.
 */
import type * as A from "./ast.js";
import { parse } from "./parse.js";
import { displayWidth, type Diagnostic } from "./diagnostics.js";
import { lexer } from "./tokens.js";

export interface FormatResult {
  readonly text: string;
  readonly diagnostics: Diagnostic[];
}

const INDENT = "  ";

/** Diagnostics of `parse` that mean the AST does not hold the whole file. */
function blocksFormatting(d: Diagnostic): boolean {
  // X002 from the parser: a section or item with two experts blocks, whose second the AST drops.
  return d.code.startsWith("P") || d.code.startsWith("L") || d.code === "S004" || d.code === "S020" || d.code === "X002" || d.code.startsWith("M");
}

/** Formats a rule file. Never throws; a file with syntax errors comes back unchanged. */
export function format(text: string): FormatResult {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(text);
  } catch {
    return { text, diagnostics: [] };
  }
  const diagnostics = [...parsed.diagnostics];
  if (diagnostics.some(blocksFormatting)) return { text, diagnostics };
  try {
    const out = printRuleFile(parsed.ast, parsed.comments);
    if (out === text) return { text, diagnostics };
    // A clause written twice (`year 2024 year 2025`) keeps one value in the AST; printing it
    // would delete the other. Every name, string, number and date must survive.
    if (!sameValueTokens(text, out)) return { text, diagnostics: [...diagnostics, repeatedClause()] };
    // Belt and braces: never hand back a file that reads differently.
    const again = parse(out);
    if (again.diagnostics.some(blocksFormatting)) return { text, diagnostics };
    if (!sameComments(parsed.comments, again.comments)) return { text, diagnostics };
    if (!sameTree(parsed.ast, again.ast)) return { text, diagnostics };
    return { text: out, diagnostics };
  } catch {
    return { text, diagnostics };
  }
}

const VALUE_TOKENS = new Set(["Identifier", "StringLiteral", "NumberLiteral", "DateLiteral", "CircledNumber"]);

/** How many names, strings, numbers and dates a text holds, by kind. */
function valueTokenCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of lexer.tokenize(text).tokens) {
    const kind = t.tokenType.name;
    if (VALUE_TOKENS.has(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

function sameValueTokens(a: string, b: string): boolean {
  const x = valueTokenCounts(a);
  const y = valueTokenCounts(b);
  return x.size === y.size && [...x].every(([k, n]) => y.get(k) === n);
}

/** F001: the file was left as it is because formatting would drop a clause written twice. */
function repeatedClause(): Diagnostic {
  const at = { offset: 0, line: 1, column: 1 };
  return {
    severity: "warning",
    code: "F001",
    message: "有子句重复（如两个 year 或两个 max），只有一个生效；格式化会删去另一个，文件未改动",
    messageEn: "a clause is written twice (e.g. year or max given twice); only one takes effect and formatting would delete the other, so the file was left unchanged",
    span: { start: at, end: at },
  };
}

function sameComments(a: readonly A.Comment[], b: readonly A.Comment[]): boolean {
  if (a.length !== b.length) return false;
  const x = a.map((c) => commentText(c)).sort();
  const y = b.map((c) => commentText(c)).sort();
  return x.every((t, i) => t === y[i]);
}

/** Structural equality ignoring `span` and `fnSpan`. */
function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => k !== "span" && k !== "fnSpan");
  const kb = Object.keys(b).filter((k) => k !== "span" && k !== "fnSpan");
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && sameTree(ra[k], rb[k]));
}

// ---------------------------------------------------------------------------------------------
// Literals and expressions
// ---------------------------------------------------------------------------------------------

/** A string literal: `\`, `"`, newlines and tabs escaped. */
export function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
}

/** A comment as printed: its text without trailing whitespace. */
function commentText(c: A.Comment): string {
  return c.text.replace(/[ \t\u3000\ufeff]+$/, "");
}

// Precedence levels, lowest first, as in parser.ts.
const OR = 1;
const AND = 2;
const NOT = 3;
const CMP = 4;
const ADD = 5;
const MUL = 6;
const NEG = 7;
const PRIMARY = 8;

function binaryLevel(op: A.BinaryOp): number {
  switch (op) {
    case "or": return OR;
    case "and": return AND;
    case "+": case "-": return ADD;
    case "*": case "/": return MUL;
    default: return CMP;
  }
}

function level(e: A.Expr): number {
  switch (e.type) {
    case "Binary": return binaryLevel(e.op);
    case "Unary": return e.op === "not" ? NOT : NEG;
    case "In": case "Within": return CMP;
    // `-2` is a folded unary minus.
    case "Number": return e.value.startsWith("-") ? NEG : PRIMARY;
    default: return PRIMARY;
  }
}

/** Prints an expression, in parentheses when its level is below `min`. */
export function printExpr(e: A.Expr, min = OR): string {
  const s = bare(e);
  return level(e) < min ? `(${s})` : s;
}

function bare(e: A.Expr): string {
  switch (e.type) {
    case "Number": return e.value;
    case "Bool": return e.value ? "true" : "false";
    case "Date": return e.value;
    case "Name": return e.name;
    case "Duration": return `${e.amount} ${e.unit}`;
    case "Unary": {
      // `not (a > b)`, not `not a > b`: the same tree, but policy staff read the first one right.
      if (e.op === "not") return `not ${printExpr(e.operand, e.operand.type === "Unary" ? NOT : PRIMARY)}`;
      const operand = printExpr(e.operand, NEG);
      // `- -2`, not `--2`.
      return operand.startsWith("-") ? `- ${operand}` : `-${operand}`;
    }
    case "Binary": {
      const l = binaryLevel(e.op);
      // Left-associative; comparisons take additive operands on both sides (non-associative).
      const [lmin, rmin] = l === CMP ? [ADD, ADD] : [l, l + 1];
      return `${printExpr(e.left, lmin)} ${e.op} ${printExpr(e.right, rmin)}`;
    }
    case "In":
      return `${printExpr(e.subject, ADD)} ${e.negated ? "not in" : "in"} {${e.values.map((v) => v.name).join(", ")}}`;
    case "Within":
      return `${printExpr(e.subject, ADD)} within ${e.amount} ${e.unit} ${e.direction} ${printExpr(e.anchor, ADD)}`;
    case "Call": return `${e.fn}(${e.args.map((a) => printExpr(a)).join(", ")})`;
    case "Quantifier":
      return `${e.kind}(${e.list.name}${e.where ? ` where ${printExpr(e.where)}` : ""}${e.of ? ` of ${printExpr(e.of)}` : ""})`;
    case "Lookup": return `${e.table.name}[${e.keys.map((k) => printExpr(k)).join(", ")}]`;
    case "Missing": return "?";
  }
}

/** A type as written in a rule file (`count`, `set of 试点级别` …). */
export function typeText(t: A.TypeRef): string {
  switch (t.type) {
    case "YesNoType": return "yesno";
    case "CountType": return "count";
    case "DecimalType": return "decimal";
    case "DateType": return "date";
    case "TextType": return "text";
    case "NamedType": return t.name.value;
    case "SetType": return `set of ${t.element.value}`;
    case "ListType": return `list of ${t.element.value}`;
  }
}

// ---------------------------------------------------------------------------------------------
// The document: lines and blocks made of line units
// ---------------------------------------------------------------------------------------------

/** What one comment can attach to; printed on exactly one output line. */
class Unit {
  readonly leading: A.Comment[] = [];
  readonly trailing: A.Comment[] = [];
  /** Offset and line of the unit's first recorded token (for blank lines); none for a `}`. */
  anchor = Number.POSITIVE_INFINITY;
  anchorLine = 0;
}

interface Boundary {
  readonly offset: number;
  readonly line: number;
  readonly isEnd: boolean;
  readonly unit: Unit;
}

/** One output line; `sub` lines follow it one level deeper with no blank lines (a veto's notes). */
interface Line {
  readonly kind: "line";
  readonly text: string;
  readonly unit: Unit;
  readonly sub: readonly Line[];
}

/** `head` ends with `{`. `compact`: may print as `head child }` (a judged item). */
interface Block {
  readonly kind: "block";
  readonly head: string;
  readonly headUnit: Unit;
  readonly children: readonly Doc[];
  readonly closeUnit: Unit;
  readonly compact: boolean;
}

type Doc = Line | Block;

type Spanned = { readonly span: A.Span } | null | undefined;

class DocBuilder {
  readonly boundaries: Boundary[] = [];

  private start(u: Unit, span: A.Span): void {
    this.boundaries.push({ offset: span.start.offset, line: span.start.line, isEnd: false, unit: u });
    if (span.start.offset < u.anchor) {
      u.anchor = span.start.offset;
      u.anchorLine = span.start.line;
    }
  }

  private end(u: Unit, span: A.Span): void {
    this.boundaries.push({ offset: span.end.offset, line: span.end.line, isEnd: true, unit: u });
  }

  private both(u: Unit, ...nodes: readonly Spanned[]): void {
    for (const n of nodes) {
      if (!n) continue;
      this.start(u, n.span);
      this.end(u, n.span);
    }
  }

  private expr(u: Unit, e: A.Expr): void {
    this.both(u, e);
    switch (e.type) {
      case "Unary": this.expr(u, e.operand); break;
      case "Binary": this.expr(u, e.left); this.expr(u, e.right); break;
      case "In": this.expr(u, e.subject); this.both(u, ...e.values); break;
      case "Within": this.expr(u, e.subject); this.expr(u, e.anchor); break;
      case "Call": this.both(u, { span: e.fnSpan }); for (const a of e.args) this.expr(u, a); break;
      case "Quantifier":
        this.both(u, e.list);
        if (e.where) this.expr(u, e.where);
        if (e.of) this.expr(u, e.of);
        break;
      case "Lookup": this.both(u, e.table); for (const k of e.keys) this.expr(u, k); break;
      default: break;
    }
  }

  private line(text: string, spans: readonly Spanned[], exprs: readonly A.Expr[] = [], sub: Line[] = []): Line {
    const unit = new Unit();
    this.both(unit, ...spans);
    for (const e of exprs) this.expr(unit, e);
    return { kind: "line", text, unit, sub };
  }

  private block(head: string, node: { readonly span: A.Span }, headSpans: readonly Spanned[], children: Doc[], compact = false, headExprs: readonly A.Expr[] = []): Block {
    const headUnit = new Unit();
    this.start(headUnit, node.span);
    this.both(headUnit, ...headSpans);
    for (const e of headExprs) this.expr(headUnit, e);
    const closeUnit = new Unit();
    this.end(closeUnit, node.span);
    return { kind: "block", head, headUnit, children, closeUnit, compact };
  }

  private note(n: A.Note): Line {
    return this.line(`note ${quote(n.text.value)}`, [n, n.text]);
  }

  private notes(ns: readonly A.Note[]): Line[] {
    return ns.map((n) => this.note(n));
  }

  file(f: A.RuleFile): Doc[] {
    const docs: Doc[] = [];
    if (f.header) docs.push(this.header(f.header));
    for (const d of f.declarations) docs.push(this.declaration(d));
    return docs;
  }

  private header(h: A.RulesetHeader): Doc {
    const children: Doc[] = [];
    if (h.year) children.push(this.line(`year ${h.year.value}`, [h.year]));
    if (h.document) children.push(this.line(`document ${quote(h.document.value)}`, [h.document]));
    if (h.effectiveFrom && h.effectiveTo) {
      children.push(this.line(`effective ${h.effectiveFrom.value} to ${h.effectiveTo.value}`, [h.effectiveFrom, h.effectiveTo]));
    }
    if (h.total) children.push(this.line(`total ${h.total.value}`, [h.total]));
    if (h.applicationDate) children.push(this.line(`application date ${h.applicationDate.name}`, [h.applicationDate]));
    children.push(...this.notes(h.notes));
    return this.block(`ruleset ${quote(h.title.value)} {`, h, [h.title], children);
  }

  private declaration(d: A.Declaration): Doc {
    switch (d.type) {
      case "Enum": return this.enumDecl(d);
      case "Record": return this.recordDecl(d);
      case "Input": return this.inputDecl(d);
      case "Table": return this.tableDecl(d);
      case "Section": return this.sectionDecl(d);
      case "VetoGroup": return this.vetoGroup(d);
      case "Eligibility": return this.eligibility(d);
      case "Grade": return this.grade(d);
      case "Experts": return this.experts(d);
    }
  }

  private label(l: A.Lit<string> | null): string {
    return l ? ` ${quote(l.value)}` : "";
  }

  private enumDecl(d: A.EnumDecl): Doc {
    const members = d.members.map((m) => this.line(`${m.name.value}${this.label(m.label)}`, [m, m.name, m.label]));
    return this.block(`enum ${d.name.value}${this.label(d.label)} {`, d, [d.name, d.label], [...members, ...this.notes(d.notes)]);
  }

  /**
   * `name: type "label" min … max … unit … optional` on one line, then `en`, `help` and each
   * `note` on a line of its own one level deeper: labels and help texts are long.
   */
  private typed(prefix: string, node: { readonly span: A.Span }, name: A.Lit<string>, type: A.TypeRef, label: A.Lit<string> | null, o: A.InputOptions): Line {
    const parts = [`${prefix}${name.value}: ${typeText(type)}${this.label(label)}`];
    if (o.min) parts.push(`min ${o.min.value}`);
    if (o.max) parts.push(`max ${o.max.value}`);
    if (o.unit) parts.push(`unit ${quote(o.unit.value)}`);
    if (o.optional) parts.push("optional");
    const typeParts: Spanned[] = [type];
    if (type.type === "NamedType") typeParts.push(type.name);
    if (type.type === "SetType" || type.type === "ListType") typeParts.push(type.element);
    const sub: Line[] = [];
    if (o.en) sub.push(this.line(`en ${quote(o.en.value)}`, [o.en]));
    if (o.help) sub.push(this.line(`help ${quote(o.help.value)}`, [o.help]));
    sub.push(...this.notes(o.notes));
    const unit = new Unit();
    this.start(unit, node.span);
    this.both(unit, name, ...typeParts, label, o.min, o.max, o.unit, o.optional);
    return { kind: "line", text: parts.join(" "), unit, sub };
  }

  private recordDecl(d: A.RecordDecl): Doc {
    const fields = d.fields.map((f) => this.typed("", f, f.name, f.valueType, f.label, f.options));
    // A note after a field would be read as the field's: the record's notes come first.
    return this.block(`record ${d.name.value}${this.label(d.label)} {`, d, [d.name, d.label], [...this.notes(d.notes), ...fields]);
  }

  private inputDecl(d: A.InputDecl): Doc {
    return this.typed("input ", d, d.name, d.valueType, d.label, d.options);
  }

  private tableDecl(d: A.TableDecl): Doc {
    const grid: { cells: string[]; spans: readonly Spanned[] }[] = [];
    if (d.columns.length > 0) grid.push({ cells: ["columns", ...d.columns.map((c) => c.value)], spans: d.columns });
    for (const r of d.rows) grid.push({ cells: [`${r.key.value}:`, ...r.values.map((v) => v.value)], spans: [r, r.key, ...r.values] });
    const widths: number[] = [];
    for (const { cells } of grid) {
      cells.forEach((c, j) => {
        widths[j] = Math.max(widths[j] ?? 0, displayWidth(c));
      });
    }
    const rows = grid.map(({ cells, spans }) => {
      const text = cells.map((c, j) => (j === cells.length - 1 ? c : c + " ".repeat((widths[j] ?? 0) - displayWidth(c) + 1))).join("");
      return this.line(text, spans);
    });
    const keys = d.keys.map((k) => `${k.name.value}: ${k.enumName.value}`).join(", ");
    const keySpans: Spanned[] = d.keys.flatMap((k) => [k, k.name, k.enumName]);
    return this.block(`table ${d.name.value}${this.label(d.label)} (${keys}) {`, d, [d.name, d.label, ...keySpans], [...rows, ...this.notes(d.notes)]);
  }

  private sectionDecl(d: A.SectionDecl): Doc {
    const weight = d.weight ? ` weight ${d.weight.value}` : "";
    const cap = d.cap ? ` cap ${d.cap.value}` : "";
    const items = d.items.map((i) => this.item(i));
    // The section's expert rule comes first: it reads as the heading of the items it governs.
    const experts = d.experts ? [this.experts(d.experts, true)] : [];
    return this.block(`section ${d.id.value} ${quote(d.title.value)}${weight}${cap} {`, d, [d.id, d.title, d.weight, d.cap], [...experts, ...items, ...this.notes(d.notes)]);
  }

  private item(i: A.ItemDecl): Doc {
    const children: Doc[] = [];
    const form = this.form(i.form);
    if (form) children.push(form);
    if (i.cap) children.push(this.line(`cap ${i.cap.value}`, [i.cap]));
    if (i.experts) children.push(this.experts(i.experts, true));
    children.push(...this.notes(i.notes));
    const points = i.points ? ` points ${i.points.value}` : "";
    const compact = i.form.type === "Judged" && !i.cap && !i.experts && i.notes.length === 0;
    return this.block(`item ${i.number.text} ${quote(i.text.value)}${points} {`, i, [i.number, i.text, i.points], children, compact);
  }

  private form(f: A.ScoreForm): Doc | null {
    switch (f.type) {
      case "Judged": return this.line("judged", [f]);
      case "Fixed": return this.line(`award ${f.points.value} when ${printExpr(f.when)}`, [f, f.points], [f.when]);
      case "PerCount": {
        const terms = f.terms.map((t) => `${t.points.value} per ${printExpr(t.count)}`).join(", ");
        return this.line(`award ${terms}`, [f, ...f.terms, ...f.terms.map((t) => t.points)], f.terms.map((t) => t.count));
      }
      case "BaseIncrement":
        return this.line(`base ${f.base.value} plus ${f.increment.value} per further ${printExpr(f.count)}`, [f, f.base, f.increment], [f.count]);
      case "TakeMax": {
        const branches = f.branches.map((b) =>
          this.line(`award ${b.points.value}${this.label(b.label)} when ${printExpr(b.when)}`, [b, b.points, b.label], [b.when]),
        );
        return this.block("highest {", f, [], branches);
      }
      case "Cumulative": {
        const where = f.where ? ` where ${printExpr(f.where)}` : "";
        return this.line(`sum over ${f.list.name}${where} of ${printExpr(f.value)}`, [f, f.list], f.where ? [f.where, f.value] : [f.value]);
      }
      case "Tiers": {
        const tiers = f.tiers.map((t) => this.line(`${t.op} ${t.threshold.value} award ${t.points.value}`, [t, t.threshold, t.points]));
        return this.block(`tiers ${printExpr(f.value)} {`, f, [], tiers, false, [f.value]);
      }
      case "Formula": return this.line(`formula ${printExpr(f.expr)}`, [f], [f.expr]);
      case "MissingForm": return null;
    }
  }

  /** A veto or requirement: its line, then its notes one level deeper. Only its start is recorded:
   * its span ends where its last note does. */
  private statement(text: string, node: { readonly span: A.Span }, spans: readonly Spanned[], expr: A.Expr, notes: readonly A.Note[]): Line {
    const unit = new Unit();
    this.start(unit, node.span);
    this.both(unit, ...spans);
    this.expr(unit, expr);
    return { kind: "line", text, unit, sub: this.notes(notes) };
  }

  private vetoGroup(d: A.VetoGroupDecl): Doc {
    // `veto ① "…"`, then `when …` and the notes one level deeper: the notice's text is long.
    const vetoes = d.vetoes.map((v): Line => {
      const unit = new Unit();
      this.start(unit, v.span);
      this.both(unit, v.number, v.text);
      const when = this.line(`when ${printExpr(v.when)}`, [], [v.when]);
      return { kind: "line", text: `veto ${v.number.text} ${quote(v.text.value)}`, unit, sub: [when, ...this.notes(v.notes)] };
    });
    // A note after a veto would be read as the veto's: the group's notes come first.
    return this.block(`vetoes ${d.id.value} ${quote(d.title.value)} {`, d, [d.id, d.title], [...this.notes(d.notes), ...vetoes]);
  }

  private requirement(r: A.Requirement): Line {
    return this.statement(`require ${quote(r.label.value)}: ${printExpr(r.condition)}`, r, [r.label], r.condition, r.notes);
  }

  private eligibility(d: A.EligibilityDecl): Doc {
    const reqs = d.requirements.map((r) => this.requirement(r));
    // A note after a requirement would be read as the requirement's: the block's notes come first.
    return this.block(`eligibility${this.label(d.title)} {`, d, [d.title], [...this.notes(d.notes), ...reqs]);
  }

  private grade(d: A.GradeDecl): Doc {
    const children: Doc[] = [];
    if (d.pass) children.push(this.line(`pass ${d.pass.value}`, [d.pass]));
    if (d.windowFrom && d.windowTo) children.push(this.line(`window ${d.windowFrom.value} to ${d.windowTo.value}`, [d.windowFrom, d.windowTo]));
    if (d.quota) children.push(this.line(`quota ${d.quota.value} per city`, [d.quota]));
    // Notes before the requirements, which would take a note that follows them.
    children.push(...this.notes(d.notes));
    children.push(...d.requirements.map((r) => this.requirement(r)));
    return this.block(`grade ${d.name.value}${this.label(d.label)} {`, d, [d.name, d.label], children);
  }

  /** `nested`: a section's or item's block, printed on one line when it holds one clause. */
  private experts(d: A.ExpertsDecl, nested = false): Doc {
    const children: Doc[] = [];
    if (d.combine) children.push(this.line(`combine ${d.combine.value}`, [d.combine]));
    if (d.round) children.push(this.line(`round ${d.round.value}`, [d.round]));
    if (d.spread) children.push(this.line(`spread ${d.spread.value}`, [d.spread]));
    if (d.atLeast) children.push(this.line(`at least ${d.atLeast.value} experts`, [d.atLeast]));
    children.push(...this.notes(d.notes));
    return this.block("experts {", d, [], children, nested);
  }
}

// ---------------------------------------------------------------------------------------------
// Attaching comments
// ---------------------------------------------------------------------------------------------

interface Element {
  readonly offset: number;
  readonly line: number;
  readonly isEnd: boolean;
}

/** Where things are in the source: for "was there a blank line before this?". */
class SourceMap {
  private readonly elements: Element[];

  constructor(boundaries: readonly Boundary[], comments: readonly A.Comment[]) {
    const els: Element[] = boundaries.map((b) => ({ offset: b.offset, line: b.line, isEnd: b.isEnd }));
    for (const c of comments) {
      els.push({ offset: c.span.start.offset, line: c.span.start.line, isEnd: false });
      els.push({ offset: c.span.end.offset, line: c.span.end.line, isEnd: true });
    }
    // By offset; at equal offsets ends first (`}item`: the `}` ends where `item` starts).
    els.sort((a, b) => a.offset - b.offset || Number(b.isEnd) - Number(a.isEnd));
    this.elements = els;
  }

  /** Whether a blank line separates the thing starting at `offset` (on `line`) from what precedes it. */
  blankBefore(offset: number, line: number): boolean {
    if (!Number.isFinite(offset)) return false;
    // Elements before it: those at a smaller offset, and ends at the same offset.
    let lo = 0;
    let hi = this.elements.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = this.elements[mid]!;
      if (e.offset < offset || (e.offset === offset && e.isEnd)) lo = mid + 1;
      else hi = mid;
    }
    const prev = this.elements[lo - 1];
    return prev !== undefined && line - prev.line >= 2;
  }
}

/** Gives each comment to a unit as leading or trailing; returns those left for the file's end. */
function attach(boundaries: Boundary[], comments: readonly A.Comment[]): A.Comment[] {
  // By offset; at equal offsets an end comes before a start (`}item`: the `}` is first).
  const sorted = [...boundaries].sort((a, b) => a.offset - b.offset || (a.isEnd === b.isEnd ? 0 : a.isEnd ? -1 : 1));
  const atEnd: A.Comment[] = [];
  const ordered = [...comments].sort((a, b) => a.span.start.offset - b.span.start.offset);
  for (const c of ordered) {
    const at = c.span.start.offset;
    // First boundary after the comment's start.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.offset <= at) lo = mid + 1;
      else hi = mid;
    }
    // The last token before the comment: at equal offsets starts sort last, and a start is the later token.
    const prev = sorted[lo - 1];
    if (prev && prev.line === c.span.start.line) {
      prev.unit.trailing.push(c);
      continue;
    }
    // The first token after it: of those at the least offset, an end (it is the earlier token).
    const next = sorted[lo];
    if (next) next.unit.leading.push(c);
    else atEnd.push(c);
  }
  return atEnd;
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

type Blank = "none" | "force" | "auto";

class Renderer {
  readonly out: string[] = [];

  constructor(private readonly source: SourceMap) {}

  private blank(): void {
    if (this.out.length > 0 && this.out[this.out.length - 1] !== "") this.out.push("");
  }

  private before(c: A.Comment): boolean {
    return this.source.blankBefore(c.span.start.offset, c.span.start.line);
  }

  /**
   * One output line with its comments. `mode`: blank line before the group; `inside`: keep the
   * source's blank lines between its leading comments and between them and the line.
   */
  private emit(depth: number, text: string, units: readonly Unit[], mode: Blank, inside: boolean): void {
    const byOffset = (a: A.Comment, b: A.Comment): number => a.span.start.offset - b.span.start.offset;
    const leading = units.flatMap((u) => u.leading).sort(byOffset);
    const trailing = units.flatMap((u) => u.trailing).sort(byOffset);
    const last = trailing.pop();
    const anchor = units[0]!;
    const pad = INDENT.repeat(depth);
    const first = leading[0];
    const blankFirst = first ? this.before(first) : this.source.blankBefore(anchor.anchor, anchor.anchorLine);
    if (mode === "force" || (mode === "auto" && blankFirst)) this.blank();
    leading.forEach((c, i) => {
      if (i > 0 && inside && this.before(c)) this.blank();
      this.out.push(pad + commentText(c));
    });
    if (leading.length > 0 && inside && this.source.blankBefore(anchor.anchor, anchor.anchorLine)) this.blank();
    for (const c of trailing) this.out.push(pad + commentText(c));
    this.out.push(pad + text + (last ? ` ${commentText(last)}` : ""));
  }

  docs(docs: readonly Doc[], depth: number): void {
    docs.forEach((d, i) => {
      const mode: Blank = depth === 0 ? (i === 0 ? "none" : "force") : i === 0 ? "none" : "auto";
      this.doc(d, depth, mode);
    });
  }

  private doc(d: Doc, depth: number, mode: Blank): void {
    if (d.kind === "line") {
      this.emit(depth, d.text, [d.unit], mode, true);
      for (const s of d.sub) this.emit(depth + 1, s.text, [s.unit], "none", false);
      return;
    }
    const closeBare = d.closeUnit.leading.length === 0;
    if (d.children.length === 0 && closeBare) {
      this.emit(depth, `${d.head}}`, [d.headUnit, d.closeUnit], mode, true);
      return;
    }
    const only = d.children[0];
    if (d.compact && d.children.length === 1 && only?.kind === "line" && only.sub.length === 0 && only.unit.leading.length === 0 && closeBare) {
      this.emit(depth, `${d.head} ${only.text} }`, [d.headUnit, only.unit, d.closeUnit], mode, true);
      return;
    }
    this.emit(depth, d.head, [d.headUnit], mode, true);
    this.docs(d.children, depth + 1);
    // Comments before `}` sit at the children's depth; never a blank line right before `}`.
    const closeComments = [...d.closeUnit.leading].sort((a, b) => a.span.start.offset - b.span.start.offset);
    if (closeComments.length > 0) {
      const c0 = closeComments[0]!;
      if (d.children.length > 0 && this.before(c0)) this.blank();
      const pad = INDENT.repeat(depth + 1);
      closeComments.forEach((c, i) => {
        if (i > 0 && this.before(c)) this.blank();
        this.out.push(pad + commentText(c));
      });
    }
    const trailing = [...d.closeUnit.trailing].sort((a, b) => a.span.start.offset - b.span.start.offset);
    const last = trailing.pop();
    const pad = INDENT.repeat(depth);
    for (const c of trailing) this.out.push(INDENT.repeat(depth + 1) + commentText(c));
    this.out.push(`${pad}}${last ? ` ${commentText(last)}` : ""}`);
  }

  /** Comments after the last declaration. */
  tail(comments: readonly A.Comment[]): void {
    comments.forEach((c) => {
      if (this.before(c)) this.blank();
      this.out.push(commentText(c));
    });
  }
}

/** Prints a rule file in the canonical layout, with its comments. Ends with one newline (or is empty). */
export function printRuleFile(ast: A.RuleFile, comments: readonly A.Comment[]): string {
  const builder = new DocBuilder();
  const docs = builder.file(ast);
  const atEnd = attach(builder.boundaries, comments);
  const renderer = new Renderer(new SourceMap(builder.boundaries, comments));
  renderer.docs(docs, 0);
  renderer.tail([...atEnd].sort((a, b) => a.span.start.offset - b.span.start.offset));
  const lines = renderer.out;
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
