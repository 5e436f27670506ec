/**
 * The static checker: names, types, structure and reachable points, before any application is
 * seen. `check(parsed)` never throws. After an error an expression gets the `unknown` type, so one
 * mistake gives one diagnostic.
 */
import type * as A from "./ast.js";
import * as D from "./decimal.js";
import { diagnostic, finishDiagnostics, type Diagnostic, type DiagnosticCode } from "./diagnostics.js";
import type { ParseResult } from "./parse.js";
import { evaluationCost, type EvaluationCost } from "./cost.js";
import { revisionFindings } from "./revision.js";
import { MAX_EXPERTS, effectiveExperts, fileExperts, type EffectiveExperts } from "./experts.js";
import {
  BOOL, COUNT, DATE, DURATION, NUMBER, TEXT, UNKNOWN,
  assignable, comparable, isNumeric, typeEn, typeZh, type Type,
} from "./types.js";

/** A closed interval of exact decimals; ±Infinity where unbounded. */
export interface Interval { readonly min: D.Dec; readonly max: D.Dec }

const ANY: Interval = { min: -Infinity, max: Infinity };
const NONNEG: Interval = { min: 0, max: Infinity };

export type Sym =
  | { readonly kind: "input"; readonly name: string; readonly span: A.Span; readonly decl: A.InputDecl; readonly type: Type; readonly optional: boolean; readonly bounds: Interval }
  | { readonly kind: "field"; readonly name: string; readonly span: A.Span; readonly decl: A.FieldDecl; readonly record: string; readonly type: Type; readonly optional: boolean; readonly bounds: Interval }
  | { readonly kind: "enum"; readonly name: string; readonly span: A.Span; readonly decl: A.EnumDecl }
  | { readonly kind: "member"; readonly name: string; readonly span: A.Span; readonly decl: A.EnumMember; readonly enumName: string }
  | { readonly kind: "record"; readonly name: string; readonly span: A.Span; readonly decl: A.RecordDecl }
  | { readonly kind: "table"; readonly name: string; readonly span: A.Span; readonly decl: A.TableDecl; readonly keyEnums: readonly string[]; readonly bounds: Interval }
  | { readonly kind: "grade"; readonly name: string; readonly span: A.Span; readonly decl: A.GradeDecl };

export interface ItemInfo {
  readonly item: A.ItemDecl;
  readonly section: A.SectionDecl;
  /** Reachable points after the cap. */
  readonly bounds: Interval;
  /** Reachable points before the cap. */
  readonly uncapped: Interval;
  /** For a judged item, the expert rule its scores are combined by (inherited item → section → file). */
  readonly experts: EffectiveExperts | null;
}

export interface SectionSummary {
  readonly id: string;
  readonly title: string;
  readonly weight: D.Dec | null;
  readonly reachable: Interval;
  readonly items: number;
}

/** What the checker proves of the points, from the file alone. */
export interface Summary {
  readonly total: D.Dec | null;
  readonly weightSum: D.Dec;
  readonly sections: readonly SectionSummary[];
  /** Reachable total, the sum of the sections' reachable points. */
  readonly reachable: Interval;
  /** The bound on one application's evaluation work (cost.ts). */
  readonly cost: EvaluationCost;
}

export interface Model {
  /** Inputs, enums, records, tables and grades by name. */
  readonly symbols: ReadonlyMap<string, Sym>;
  /** Enum members by name (a name may be a member of several enums). */
  readonly members: ReadonlyMap<string, readonly Sym[]>;
  /** What each name in an expression refers to. */
  readonly resolved: ReadonlyMap<A.NameExpr, Sym>;
  /** Every written reference to a symbol (expressions, types, table keys, rows and columns). */
  readonly references: readonly { readonly span: A.Span; readonly symbol: Sym }[];
  readonly types: ReadonlyMap<A.Expr, Type>;
  readonly items: ReadonlyMap<string, ItemInfo>;
  readonly records: ReadonlyMap<string, ReadonlyMap<string, Sym>>;
  readonly summary: Summary;
}

export interface CheckResult {
  /** Parse and check diagnostics together, sorted and capped. */
  readonly diagnostics: readonly Diagnostic[];
  readonly model: Model;
}

/** Checks a parsed rule file. Never throws. */
export function check(parsed: ParseResult): CheckResult {
  const c = new Checker(parsed);
  c.run();
  // On a line the parser could not read, what the checker finds is the same mistake again.
  const syntaxLines = new Set(parsed.diagnostics.filter((d) => /^[PL]/.test(d.code)).map((d) => d.span.start.line));
  const found = c.diagnostics.filter((d) => !syntaxLines.has(d.span.start.line));
  const model = c.model();
  const { cost, diagnostics: costly } = evaluationCost(parsed.ast, model, found);
  return { diagnostics: finishDiagnostics([...parsed.diagnostics, ...found, ...costly]), model: { ...model, summary: { ...model.summary, cost } } };
}

/** Whether a list of diagnostics holds an error (warnings do not block publishing). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

type Scope = ReadonlyMap<string, Sym> | null;

function dec(lit: A.Lit<string> | null | undefined): D.Dec | null {
  return lit ? D.parseDec(lit.value) : null;
}

function fmt(d: D.Dec): string {
  return D.format(d);
}

/** Index of the first number in the sorted list at least `n`. */
function firstAtLeast(sorted: readonly number[], n: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class Checker {
  readonly diagnostics: Diagnostic[] = [];
  private readonly symbols = new Map<string, Sym>();
  private readonly members = new Map<string, Sym[]>();
  private readonly records = new Map<string, Map<string, Sym>>();
  private readonly resolved = new Map<A.NameExpr, Sym>();
  private readonly references: { span: A.Span; symbol: Sym }[] = [];
  private readonly types = new Map<A.Expr, Type>();
  private readonly items = new Map<string, ItemInfo>();
  private readonly used = new Set<Sym>();
  private summary: Omit<Summary, "cost"> = { total: null, weightSum: 0, sections: [], reachable: { min: 0, max: 0 } };
  private readonly syntaxSpans: A.Span[];
  /** Start offsets of the syntax errors, sorted. */
  private readonly syntaxOffsets: number[];
  /**
   * Where each declaration's stretch of text ends: at the next one's start. Recovery can end a
   * node before the error that broke it, so "broken" looks at the whole stretch.
   */
  private readonly extentEnd = new Map<object, number>();
  private namesMayBeMissing: boolean | undefined;

  constructor(private readonly parsed: ParseResult) {
    this.syntaxSpans = parsed.diagnostics.filter((d) => /^[PL]/.test(d.code)).map((d) => d.span);
    this.syntaxOffsets = this.syntaxSpans.map((s) => s.start.offset).sort((a, b) => a - b);
    const file = parsed.ast;
    const decls: (A.RulesetHeader | A.Declaration)[] = [...(file.header ? [file.header] : []), ...file.declarations];
    decls.sort((a, b) => a.span.start.offset - b.span.start.offset);
    decls.forEach((d, i) => this.extentEnd.set(d, decls[i + 1]?.span.start.offset ?? Infinity));
  }

  /** The model before the cost model adds its bound to the summary. */
  model(): Omit<Model, "summary"> & { readonly summary: Omit<Summary, "cost"> } {
    return {
      symbols: this.symbols,
      members: this.members,
      resolved: this.resolved,
      references: this.references,
      types: this.types,
      items: this.items,
      records: this.records,
      summary: this.summary,
    };
  }

  private report(code: DiagnosticCode, span: A.Span, args: Record<string, string | number> = {}, data?: Record<string, string>): void {
    this.diagnostics.push(diagnostic(code, span, args, data));
  }

  /**
   * N001 or N004, unless a syntax error broke a declaration of names (an enum, record, input or
   * table) or lies between declarations, where one may have been left unread: what they declare
   * may be missing from the tree, and would be reported at every use.
   */
  private unknownName(code: "N001" | "N004", span: A.Span, name: string): void {
    this.namesMayBeMissing ??= this.parsed.ast.declarations.some((d) =>
      d.type === "Enum" || d.type === "Record" || d.type === "Input" || d.type === "Table" ? this.brokenWithin(d) : this.brokenAfter(d),
    ) || (this.parsed.ast.header !== null && this.brokenAfter(this.parsed.ast.header)) || this.brokenBefore();
    if (!this.namesMayBeMissing) this.report(code, span, { name });
  }

  /** Whether a syntax error lies after a declaration's end and before the next one begins. */
  private brokenAfter(node: { readonly span: A.Span }): boolean {
    return this.syntaxIn(node.span.end.offset, this.extentEnd.get(node) ?? node.span.end.offset);
  }

  /** Whether a syntax error lies before the first declaration. */
  private brokenBefore(): boolean {
    const file = this.parsed.ast;
    let first = file.header?.span.start.offset ?? Infinity;
    for (const d of file.declarations) first = Math.min(first, d.span.start.offset);
    return this.syntaxIn(0, first);
  }

  /** Whether a syntax error starts in [from, to). */
  private syntaxIn(from: number, to: number): boolean {
    const first = this.syntaxOffsets[firstAtLeast(this.syntaxOffsets, from)];
    return first !== undefined && first < to;
  }

  /**
   * Whether a syntax error was reported in a declaration's stretch of text (then structural
   * findings there are noise).
   */
  private brokenWithin(node: { readonly span: A.Span }): boolean {
    return this.syntaxIn(node.span.start.offset, this.extentEnd.get(node) ?? node.span.end.offset);
  }

  private reference(span: A.Span, symbol: Sym): void {
    this.references.push({ span, symbol });
    this.used.add(symbol);
  }

  run(): void {
    const file = this.parsed.ast;
    this.declare(file);
    this.header(file.header);
    for (const d of file.declarations) {
      switch (d.type) {
        case "Enum": case "Record": case "Input": break;
        case "Table": this.table(d); break;
        case "Section": break;
        case "VetoGroup": this.vetoes(d); break;
        case "Eligibility": for (const r of d.requirements) this.condition(r.condition, null); break;
        case "Grade": break;
        case "Experts": break;
      }
    }
    this.sections(file);
    this.grades(file);
    this.experts(file);
    // Stale text and dates are noise while the file does not read (a half-typed number or date).
    if (this.syntaxSpans.length === 0) this.diagnostics.push(...revisionFindings(file));
    this.unused(file);
  }

  // --- declarations ------------------------------------------------------------------------------

  private define(sym: Sym): void {
    const prior = this.symbols.get(sym.name);
    if (prior) {
      this.report("N002", sym.span, { name: sym.name, line: prior.span.start.line });
      return;
    }
    this.symbols.set(sym.name, sym);
  }

  private declare(file: A.RuleFile): void {
    // Enums and records first: inputs' and tables' types refer to them wherever they stand.
    for (const d of file.declarations) {
      if (d.type === "Enum" && d.name.value) {
        this.define({ kind: "enum", name: d.name.value, span: d.name.span, decl: d });
        const seen = new Map<string, A.EnumMember>();
        for (const m of d.members) {
          const prior = seen.get(m.name.value);
          if (prior) {
            this.report("N002", m.name.span, { name: m.name.value, line: prior.span.start.line });
            continue;
          }
          seen.set(m.name.value, m);
          const sym: Sym = { kind: "member", name: m.name.value, span: m.name.span, decl: m, enumName: d.name.value };
          const list = this.members.get(m.name.value) ?? [];
          list.push(sym);
          this.members.set(m.name.value, list);
        }
      } else if (d.type === "Record" && d.name.value) {
        this.define({ kind: "record", name: d.name.value, span: d.name.span, decl: d });
      }
    }
    for (const d of file.declarations) {
      if (d.type === "Record" && d.name.value) {
        const fields = new Map<string, Sym>();
        for (const f of d.fields) {
          if (!f.name.value) continue;
          const type = this.resolveType(f.valueType, false);
          this.options(f.options, type);
          const prior = fields.get(f.name.value);
          if (prior) {
            this.report("N002", f.name.span, { name: f.name.value, line: prior.span.start.line });
            continue;
          }
          fields.set(f.name.value, {
            kind: "field", name: f.name.value, span: f.name.span, decl: f, record: d.name.value, type,
            optional: f.options.optional !== null, bounds: this.inputBounds(type, f.options),
          });
        }
        this.records.set(d.name.value, fields);
      }
    }
    for (const d of file.declarations) {
      if (d.type === "Input" && d.name.value) {
        const type = this.resolveType(d.valueType, true);
        this.options(d.options, type);
        this.define({
          kind: "input", name: d.name.value, span: d.name.span, decl: d, type,
          optional: d.options.optional !== null, bounds: this.inputBounds(type, d.options),
        });
      } else if (d.type === "Table" && d.name.value) {
        const keyEnums = d.keys.map((k) => k.enumName.value);
        this.define({ kind: "table", name: d.name.value, span: d.name.span, decl: d, keyEnums, bounds: this.tableBounds(d) });
      } else if (d.type === "Grade" && d.name.value) {
        // A second grade of the same name is reported as G002, not also as N002.
        if (this.symbols.get(d.name.value)?.kind !== "grade") this.define({ kind: "grade", name: d.name.value, span: d.name.span, decl: d });
      }
    }
  }

  private resolveType(t: A.TypeRef, allowList: boolean): Type {
    switch (t.type) {
      case "YesNoType": return BOOL;
      case "CountType": return COUNT;
      case "DecimalType": return NUMBER;
      case "DateType": return DATE;
      case "TextType": return TEXT;
      case "NamedType": {
        if (!t.name.value) return UNKNOWN;
        const sym = this.symbols.get(t.name.value);
        if (!sym) { this.unknownName("N004", t.name.span, t.name.value); return UNKNOWN; }
        this.reference(t.name.span, sym);
        if (sym.kind === "enum") return { kind: "enum", name: sym.name };
        if (sym.kind === "record") { this.report("I003", t.name.span, { name: sym.name }); return UNKNOWN; }
        this.report("N004", t.name.span, { name: t.name.value });
        return UNKNOWN;
      }
      case "SetType": {
        if (!t.element.value) return UNKNOWN;
        const sym = this.symbols.get(t.element.value);
        if (!sym) { this.unknownName("N004", t.element.span, t.element.value); return UNKNOWN; }
        this.reference(t.element.span, sym);
        if (sym.kind !== "enum") { this.report("I004", t.element.span, { name: sym.name }); return UNKNOWN; }
        return { kind: "set", element: sym.name };
      }
      case "ListType": {
        if (!t.element.value) return UNKNOWN;
        const sym = this.symbols.get(t.element.value);
        if (!sym) { this.unknownName("N004", t.element.span, t.element.value); return UNKNOWN; }
        this.reference(t.element.span, sym);
        if (sym.kind !== "record" || !allowList) { this.report("I005", t.element.span, { name: sym.name }); return UNKNOWN; }
        return { kind: "list", record: sym.name };
      }
    }
  }

  private options(o: A.InputOptions, type: Type): void {
    const numeric = isNumeric(type);
    for (const [lit, name] of [[o.min, "min"], [o.max, "max"], [o.unit, "unit"]] as const) {
      if (lit && !numeric) this.report("I002", lit.span, { option: name });
    }
    const min = dec(o.min);
    const max = dec(o.max);
    if (min !== null && max !== null && min > max && o.min) this.report("I001", o.min.span, { min: fmt(min), max: fmt(max) });
    if (type.kind === "count" && min !== null && min < 0 && o.min) this.report("I006", o.min.span, { min: fmt(min) });
  }

  private inputBounds(type: Type, o: A.InputOptions): Interval {
    if (type.kind === "count") return { min: Math.max(0, dec(o.min) ?? 0), max: dec(o.max) ?? Infinity };
    if (type.kind === "number") return { min: dec(o.min) ?? -Infinity, max: dec(o.max) ?? Infinity };
    return ANY;
  }

  private tableBounds(t: A.TableDecl): Interval {
    let min = Infinity;
    let max = -Infinity;
    for (const r of t.rows) for (const v of r.values) {
      const d = dec(v);
      if (d === null) continue;
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    return min === Infinity ? { min: 0, max: 0 } : { min, max };
  }

  // --- header ---------------------------------------------------------------------------------

  private header(h: A.RulesetHeader | null): void {
    if (!h) {
      if (!this.parsed.diagnostics.some((d) => d.severity === "error")) {
        this.report("S003", { start: this.parsed.ast.span.start, end: this.parsed.ast.span.start });
      }
      return;
    }
    if (this.brokenWithin(h)) return;
    if (!h.year) this.report("S005", h.title.span, { clause: "year" });
    if (!h.total) this.report("S005", h.title.span, { clause: "total" });
    if (h.effectiveFrom && h.effectiveTo && h.effectiveFrom.value > h.effectiveTo.value) {
      this.report("S018", h.effectiveFrom.span, { from: h.effectiveFrom.value, to: h.effectiveTo.value });
    }
    if (h.applicationDate) {
      const sym = this.lookupName(h.applicationDate, null);
      if (sym) {
        const t = this.symType(sym);
        if (t.kind !== "date" && t.kind !== "unknown") {
          this.report("S019", h.applicationDate.span, { name: sym.name, found: typeZh(t), foundEn: typeEn(t) });
        }
      }
    }
  }

  // --- expressions ----------------------------------------------------------------------------

  private symType(sym: Sym): Type {
    switch (sym.kind) {
      // A declaration a syntax error broke may have lost part of its type or bounds.
      case "input": return this.brokenWithin(sym.decl) ? UNKNOWN : sym.type;
      case "field": {
        const record = this.symbols.get(sym.record);
        return record && this.brokenWithin(record.decl) ? UNKNOWN : sym.type;
      }
      case "member": return { kind: "enum", name: sym.enumName };
      default: return UNKNOWN;
    }
  }

  /** Resolves a name: record fields in scope, then inputs and tables, then enum members. */
  private lookupName(n: A.NameExpr, scope: Scope, expectedEnum?: string): Sym | undefined {
    const found = this.findName(n.name, scope, expectedEnum);
    if (!found) {
      if (expectedEnum) this.report("N005", n.span, { name: n.name, enum: expectedEnum });
      else this.unknownName("N001", n.span, n.name);
      return undefined;
    }
    this.resolved.set(n, found);
    this.reference(n.span, found);
    return found;
  }

  private findName(name: string, scope: Scope, expectedEnum?: string): Sym | undefined {
    if (expectedEnum) {
      const m = this.members.get(name)?.find((s) => s.kind === "member" && s.enumName === expectedEnum);
      if (m) return m;
    }
    const field = scope?.get(name);
    if (field) return field;
    const sym = this.symbols.get(name);
    if (sym && (sym.kind === "input" || sym.kind === "table")) return sym;
    const members = this.members.get(name);
    if (members && members.length > 0) return members[0];
    return sym;
  }

  private expect(e: A.Expr, expected: Type, scope: Scope): Type {
    const t = this.typeOf(e, scope, expected.kind === "enum" ? expected.name : undefined);
    if (!assignable(t, expected)) this.mismatch(e.span, expected, t);
    return t;
  }

  /** A number's type; unknown after reporting that it is not one, so that the mistake is told once. */
  private numeric(e: A.Expr, scope: Scope): Type {
    const t = this.expect(e, NUMBER, scope);
    return assignable(t, NUMBER) ? t : UNKNOWN;
  }

  /** Yes/no, or unknown after reporting that the operand is not (or is unknown itself). */
  private boolean(e: A.Expr, scope: Scope): Type {
    const t = this.expect(e, BOOL, scope);
    return t.kind === "bool" ? BOOL : UNKNOWN;
  }

  private mismatch(span: A.Span, expected: Type, found: Type): void {
    this.report("T001", span, { expected: typeZh(expected), found: typeZh(found), expectedEn: typeEn(expected), foundEn: typeEn(found) });
  }

  private condition(e: A.Expr, scope: Scope): void {
    this.expect(e, BOOL, scope);
  }

  private typeOf(e: A.Expr, scope: Scope, expectedEnum?: string): Type {
    const t = this.computeType(e, scope, expectedEnum);
    this.types.set(e, t);
    return t;
  }

  private computeType(e: A.Expr, scope: Scope, expectedEnum?: string): Type {
    switch (e.type) {
      case "Number": return D.isWhole(D.parseDec(e.value) ?? 1) && !e.value.startsWith("-") ? COUNT : NUMBER;
      case "Bool": return BOOL;
      case "Date": return DATE;
      case "Duration":
        if (!D.isWhole(D.parseDec(e.amount) ?? 0)) this.report("T008", e.span, { amount: e.amount, unit: e.unit });
        return DURATION;
      case "Missing": return UNKNOWN;
      case "Name": {
        const sym = this.lookupName(e, scope, expectedEnum);
        if (!sym) return UNKNOWN;
        if (sym.kind === "table" || sym.kind === "enum" || sym.kind === "record" || sym.kind === "grade") {
          const what = { table: ["查分表", "a table"], enum: ["枚举", "an enum"], record: ["记录类型", "a record"], grade: ["等级", "a grade"] }[sym.kind];
          this.report("N009", e.span, { name: e.name, what: what[0]!, whatEn: what[1]! });
          return UNKNOWN;
        }
        return this.symType(sym);
      }
      case "Unary":
        if (e.op === "not") return this.boolean(e.operand, scope);
        return this.numeric(e.operand, scope).kind === "unknown" ? UNKNOWN : NUMBER;
      case "Binary": return this.binary(e, scope);
      case "In": {
        const subject = this.typeOf(e.subject, scope);
        let enumName: string | undefined;
        if (subject.kind === "enum") enumName = subject.name;
        else if (subject.kind === "set") enumName = subject.element;
        else if (subject.kind !== "unknown") {
          this.report("T001", e.subject.span, { expected: "枚举或集合", found: typeZh(subject), expectedEn: "an enum or a set", foundEn: typeEn(subject) });
          return UNKNOWN;
        }
        for (const v of e.values) {
          if (!enumName) continue;
          const m = this.members.get(v.name)?.find((s) => s.kind === "member" && s.enumName === enumName);
          if (!m) {
            // An enum that a syntax error cut short may have lost the member.
            const decl = this.symbols.get(enumName);
            if (decl?.kind === "enum" && !this.brokenWithin(decl.decl)) this.report("N005", v.span, { name: v.name, enum: enumName });
            continue;
          }
          this.resolved.set(v, m);
          this.reference(v.span, m);
          this.types.set(v, { kind: "enum", name: enumName });
        }
        return BOOL;
      }
      case "Within": {
        if (!D.isWhole(D.parseDec(e.amount) ?? 0)) this.report("T008", e.span, { amount: e.amount, unit: e.unit });
        const ok = [this.expect(e.subject, DATE, scope), this.expect(e.anchor, DATE, scope)].every((t) => assignable(t, DATE));
        return ok ? BOOL : UNKNOWN;
      }
      case "Call": return this.call(e, scope);
      case "Quantifier": return this.quantifier(e, scope);
      case "Lookup": return this.lookup(e, scope);
    }
  }

  private binary(e: A.BinaryExpr, scope: Scope): Type {
    switch (e.op) {
      case "and": case "or": {
        const l = this.boolean(e.left, scope);
        const r = this.boolean(e.right, scope);
        return l.kind === "unknown" || r.kind === "unknown" ? UNKNOWN : BOOL;
      }
      case "+": case "-": {
        const l = this.typeOf(e.left, scope);
        const r = this.typeOf(e.right, scope);
        if (l.kind === "date" || (l.kind === "unknown" && r.kind === "duration")) {
          if (!assignable(r, DURATION)) this.mismatch(e.right.span, DURATION, r);
          return DATE;
        }
        if (l.kind === "duration") { this.report("T005", e.left.span); return UNKNOWN; }
        if (r.kind === "duration") { this.report("T005", e.right.span); return UNKNOWN; }
        if (!isNumeric(l)) { this.mismatch(e.left.span, NUMBER, l); return UNKNOWN; }
        if (!isNumeric(r)) { this.mismatch(e.right.span, NUMBER, r); return UNKNOWN; }
        if (l.kind === "unknown" || r.kind === "unknown") return UNKNOWN;
        return l.kind === "count" && r.kind === "count" && e.op === "+" ? COUNT : NUMBER;
      }
      case "*": case "/": {
        const l = this.numeric(e.left, scope);
        const r = this.numeric(e.right, scope);
        if (l.kind === "unknown" || r.kind === "unknown") return UNKNOWN;
        return l.kind === "count" && r.kind === "count" && e.op === "*" ? COUNT : NUMBER;
      }
      case "==": case "!=": {
        // Type the side that is not a bare enum member first, so the member resolves in context.
        const leftFirst = !(e.left.type === "Name" && this.isMemberOnly(e.left.name, scope));
        const [first, second] = leftFirst ? [e.left, e.right] : [e.right, e.left];
        const a = this.typeOf(first, scope);
        const b = this.typeOf(second, scope, a.kind === "enum" ? a.name : undefined);
        if (!comparable(a, b)) {
          const [l, r] = leftFirst ? [a, b] : [b, a];
          this.report("T002", e.span, { left: typeZh(l), right: typeZh(r), leftEn: typeEn(l), rightEn: typeEn(r) });
          return UNKNOWN;
        }
        return BOOL;
      }
      case "<": case "<=": case ">": case ">=": {
        const l = this.typeOf(e.left, scope);
        const r = this.typeOf(e.right, scope);
        const ordered = (t: Type) => isNumeric(t) || t.kind === "date";
        const ok = l.kind === "unknown" || r.kind === "unknown" ||
          (isNumeric(l) && isNumeric(r)) || (l.kind === "date" && r.kind === "date");
        if (!ok || !ordered(l) || !ordered(r)) {
          this.report("T002", e.span, { left: typeZh(l), right: typeZh(r), leftEn: typeEn(l), rightEn: typeEn(r) });
          return UNKNOWN;
        }
        return BOOL;
      }
    }
  }

  private isMemberOnly(name: string, scope: Scope): boolean {
    if (scope?.has(name)) return false;
    const sym = this.symbols.get(name);
    if (sym && (sym.kind === "input" || sym.kind === "table")) return false;
    return (this.members.get(name)?.length ?? 0) > 0;
  }

  private call(e: A.CallExpr, scope: Scope): Type {
    const arity = (n: number) => {
      if (e.args.length !== n) this.report("T003", e.span, { fn: e.fn, expected: n, found: e.args.length });
    };
    switch (e.fn) {
      case "min": case "max": {
        if (e.args.length < 1) this.report("T003", e.span, { fn: e.fn, expected: "1+", found: 0 });
        let allCount = true;
        let anyUnknown = false;
        for (const a of e.args) {
          const t = this.numeric(a, scope);
          if (t.kind !== "count") allCount = false;
          if (t.kind === "unknown") anyUnknown = true;
        }
        return anyUnknown ? UNKNOWN : allCount ? COUNT : NUMBER;
      }
      case "year":
        arity(1);
        for (const a of e.args) this.expect(a, DATE, scope);
        return COUNT;
      case "present": {
        arity(1);
        const a = e.args[0];
        if (a) this.typeOf(a, scope);
        return BOOL;
      }
      case "size": {
        arity(1);
        const a = e.args[0];
        if (a) {
          const t = this.typeOf(a, scope);
          if (t.kind !== "list" && t.kind !== "set" && t.kind !== "unknown") {
            this.report("T001", a.span, { expected: "列表或集合", found: typeZh(t), expectedEn: "a list or a set", foundEn: typeEn(t) });
          }
        }
        return COUNT;
      }
    }
  }

  /** The scope of a list's records, or null after reporting why there is none. */
  private listScope(list: A.NameExpr, scope: Scope, what: string): Map<string, Sym> | null {
    const sym = this.lookupName(list, scope);
    if (!sym) return null;
    const t = this.symType(sym);
    if (t.kind !== "list") {
      if (t.kind !== "unknown") this.report("N006", list.span, { name: list.name, what });
      return null;
    }
    this.types.set(list, t);
    return this.records.get(t.record) ?? null;
  }

  /** How many lists the expression being checked iterates at once (`sum over` counts as one). */
  private listDepth = 0;

  private quantifier(e: A.QuantifierExpr, scope: Scope): Type {
    const inner = this.listScope(e.list, scope, `${e.kind}(…)`);
    const innerScope: Scope = inner ? mergeScope(scope, inner) : null;
    // Each level multiplies the work by a list's length (up to 1,000 entries): a third level
    // could take seconds per application, so two is the limit.
    if (this.listDepth >= MAX_LIST_NESTING) this.report("T009", e.span, { limit: MAX_LIST_NESTING });
    this.listDepth++;
    if (inner) {
      if (e.where) this.condition(e.where, innerScope);
      if (e.of) this.expect(e.of, NUMBER, innerScope);
    }
    this.listDepth--;
    if (e.kind === "sum" && !e.of) this.report("T006", e.span);
    if (e.kind !== "sum" && e.of) this.report("T007", e.of.span, { fn: e.kind });
    return e.kind === "count" ? COUNT : e.kind === "sum" ? NUMBER : BOOL;
  }

  private lookup(e: A.LookupExpr, scope: Scope): Type {
    const sym = this.symbols.get(e.table.name);
    if (!sym) { this.unknownName("N001", e.table.span, e.table.name); return UNKNOWN; }
    this.resolved.set(e.table, sym);
    this.reference(e.table.span, sym);
    if (sym.kind !== "table") { this.report("N007", e.table.span, { name: e.table.name }); return UNKNOWN; }
    // A table with a syntax error may have lost its keys; one with more than two is reported (E005).
    if (this.brokenWithin(sym.decl)) { for (const k of e.keys) this.typeOf(k, scope); return UNKNOWN; }
    if (e.keys.length !== sym.keyEnums.length && sym.keyEnums.length <= 2) {
      this.report("T004", e.span, { table: sym.name, expected: sym.keyEnums.length, found: e.keys.length });
    }
    e.keys.forEach((k, i) => {
      const enumName = sym.keyEnums[i];
      // A key whose type is not an enum has been reported (N004, E003): the key is not checked.
      if (enumName && this.symbols.get(enumName)?.kind === "enum") this.expect(k, { kind: "enum", name: enumName }, scope);
      else this.typeOf(k, scope);
    });
    return NUMBER;
  }

  // --- bounds ---------------------------------------------------------------------------------

  /** Reachable values of a numeric expression (after type checking). */
  private bounds(e: A.Expr, scope: Scope): Interval {
    switch (e.type) {
      case "Number": { const d = D.parseDec(e.value) ?? 0; return { min: d, max: d }; }
      case "Name": {
        const sym = this.resolved.get(e) ?? scope?.get(e.name);
        if (sym && (sym.kind === "input" || sym.kind === "field")) return sym.bounds;
        return ANY;
      }
      case "Unary":
        if (e.op === "-") { const b = this.bounds(e.operand, scope); return { min: -b.max, max: -b.min }; }
        return ANY;
      case "Binary": {
        const l = this.bounds(e.left, scope);
        const r = this.bounds(e.right, scope);
        switch (e.op) {
          case "+": return { min: l.min + r.min, max: l.max + r.max };
          case "-": return { min: l.min - r.max, max: l.max - r.min };
          case "*": return mulInterval(l, r);
          default: return ANY;
        }
      }
      case "Call": {
        if (e.fn === "min" || e.fn === "max") {
          const bs = e.args.map((a) => this.bounds(a, scope));
          if (bs.length === 0) return ANY;
          const pick = e.fn === "min" ? Math.min : Math.max;
          // Folded, not spread: a call may have a million arguments.
          return bs.reduce((acc, b) => ({ min: pick(acc.min, b.min), max: pick(acc.max, b.max) }));
        }
        if (e.fn === "size") return NONNEG;
        return ANY;
      }
      case "Quantifier": {
        if (e.kind === "count") return NONNEG;
        if (e.kind === "sum" && e.of) {
          const t = this.types.get(e.list);
          const inner = t?.kind === "list" ? this.records.get(t.record) : undefined;
          const b = this.bounds(e.of, inner ? mergeScope(scope, inner) : scope);
          return { min: b.min < 0 ? -Infinity : 0, max: b.max > 0 ? Infinity : 0 };
        }
        return ANY;
      }
      case "Lookup": {
        const sym = this.resolved.get(e.table);
        return sym?.kind === "table" ? sym.bounds : ANY;
      }
      default:
        return ANY;
    }
  }

  // --- tables ---------------------------------------------------------------------------------

  private table(t: A.TableDecl): void {
    if (this.brokenWithin(t)) return;
    if (t.keys.length > 2) { this.report("E005", t.keys[2]!.span, { found: t.keys.length }); return; }
    const enums: (string | null)[] = t.keys.map((k) => {
      const sym = this.symbols.get(k.enumName.value);
      if (!sym) { this.unknownName("N004", k.enumName.span, k.enumName.value); return null; }
      this.reference(k.enumName.span, sym);
      if (sym.kind !== "enum") { this.report("E003", k.enumName.span, { name: k.enumName.value }); return null; }
      return sym.name;
    });
    // An enum that a syntax error cut short may lack members: rows and columns are not held to it.
    const intact = (name: string | null | undefined) => {
      const sym = name ? this.symbols.get(name) : undefined;
      return sym?.kind === "enum" && !this.brokenWithin(sym.decl) ? sym.name : null;
    };
    const rowEnum = intact(enums[0]);
    const colEnum = intact(enums[1]);
    if (t.keys.length === 2 && t.columns.length === 0) { this.report("E006", t.name.span); return; }
    const expectedValues = t.keys.length === 2 ? t.columns.length : 1;
    const seenCols = new Set<string>();
    // A row or column that is not a member (N005) is most likely the missing member misspelt.
    let strayRow = false;
    let columnsWrong = false;
    for (const col of t.columns) {
      if (colEnum && !this.member(col, colEnum)) columnsWrong = true;
      if (seenCols.has(col.value)) { this.report("E004", col.span, { member: col.value }); columnsWrong = true; }
      seenCols.add(col.value);
    }
    const missingCols = t.keys.length === 2 && !columnsWrong ? this.missingMembers(t, colEnum, seenCols) : 0;
    const seenRows = new Set<string>();
    for (const r of t.rows) {
      if (rowEnum && !this.member(r.key, rowEnum)) strayRow = true;
      if (seenRows.has(r.key.value)) this.report("E004", r.key.span, { member: r.key.value });
      seenRows.add(r.key.value);
      // When the columns line is wrong, every row looks wrong: the columns are the mistake.
      if (r.values.length !== expectedValues && !columnsWrong && missingCols === 0) {
        this.report("E002", r.span, { found: r.values.length, expected: expectedValues });
      }
    }
    if (!strayRow) this.missingMembers(t, rowEnum, seenRows);
  }

  /** Checks that a row or column names a member of the enum; false after reporting it does not. */
  private member(lit: A.Lit<string>, enumName: string): boolean {
    const m = this.members.get(lit.value)?.find((s) => s.kind === "member" && s.enumName === enumName);
    if (!m) this.report("N005", lit.span, { name: lit.value, enum: enumName });
    else this.reference(lit.span, m);
    return m !== undefined;
  }

  /** Reports the enum's members the table lacks (E001); returns how many. */
  private missingMembers(t: A.TableDecl, enumName: string | null, present: Set<string>): number {
    if (!enumName) return 0;
    const sym = this.symbols.get(enumName);
    if (sym?.kind !== "enum") return 0;
    let missing = 0;
    for (const m of sym.decl.members) {
      if (!present.has(m.name.value)) {
        this.report("E001", t.name.span, { table: t.name.value, enum: enumName, member: m.name.value }, { member: m.name.value, enum: enumName });
        missing++;
      }
    }
    return missing;
  }

  // --- sections and items -----------------------------------------------------------------------

  private sections(file: A.RuleFile): void {
    const seen = new Map<string, A.SectionDecl>();
    const summaries: SectionSummary[] = [];
    let weightSum = 0;
    let reachMin = 0;
    let reachMax = 0;
    for (const d of file.declarations) {
      if (d.type !== "Section") continue;
      const prior = seen.get(d.id.value);
      if (prior) this.report("S002", d.id.span, { id: d.id.value, line: prior.span.start.line });
      else seen.set(d.id.value, d);
      const broken = this.brokenWithin(d);
      const numbers = new Map<number, A.ItemDecl>();
      let min = 0;
      let max = 0;
      // An item already reported (a wrong form, points it cannot reach) makes the section's sum moot.
      let settled = true;
      let short = false;
      for (const item of d.items) {
        const p = numbers.get(item.number.value);
        if (p && item.number.value > 0) {
          this.report("S001", item.number.span, { what: "评分项", whatEn: "item", number: item.number.text, line: p.span.start.line });
        } else numbers.set(item.number.value, item);
        const b = this.item(item, d, broken);
        if (!b.settled) settled = false;
        if (b.short) short = true;
        min += b.bounds.min;
        max += b.bounds.max;
      }
      const cap = dec(d.cap);
      if (cap !== null) { max = Math.min(max, cap); min = Math.min(min, cap); }
      const weight = dec(d.weight);
      if (weight === null) {
        if (!broken) this.report("S015", d.id.span, { id: d.id.value });
      } else {
        weightSum += weight;
        if (!broken && settled && max > weight) {
          this.report("S007", d.weight!.span, { id: d.id.value, reachable: fmt(max), weight: fmt(weight) }, { reachable: fmt(max), weight: fmt(weight), section: d.id.value });
        } else if (!broken && settled && !short && max < weight) {
          // (An item that cannot reach its own points already says why the section falls short.)
          this.report("S008", d.weight!.span, { id: d.id.value, reachable: fmt(max), weight: fmt(weight) }, { reachable: fmt(max), weight: fmt(weight), section: d.id.value });
        }
      }
      summaries.push({ id: d.id.value, title: d.title.value, weight, reachable: { min, max }, items: d.items.length });
      reachMin += min;
      reachMax += max;
    }
    const total = dec(file.header?.total);
    // A section without a weight has been reported (S015); its share of the total is unknown.
    const weighed = summaries.every((s) => s.weight !== null);
    if (total !== null && summaries.length > 0 && weighed && weightSum !== total && this.syntaxSpans.length === 0) {
      this.report("S006", file.header!.total!.span, { sum: fmt(weightSum), total: fmt(total) }, { sum: fmt(weightSum), total: fmt(total) });
    }
    this.summary = { total, weightSum, sections: summaries, reachable: { min: reachMin, max: reachMax } };
  }

  /**
   * Checks an item of a section (`broken` when the section holds a syntax error) and returns its
   * reachable points after the cap, and whether they are settled:
   * not after an error in its form, nor after a finding on its points (then the section's sum
   * would report the same mistake again).
   */
  private item(item: A.ItemDecl, section: A.SectionDecl, broken: boolean): { bounds: Interval; settled: boolean; short: boolean } {
    this.listDepth = 0;
    const points = dec(item.points);
    const reportedBefore = this.diagnostics.length;
    // Set when a value the points depend on has no type (an error reported elsewhere, e.g. N004).
    let unknown = false;
    const known = (t: Type): void => { if (t.kind === "unknown") unknown = true; };
    const form = item.form;
    let raw: Interval;
    switch (form.type) {
      case "Judged":
        if (points === null && !broken) this.report("S013", item.number.span.end.offset > 0 ? item.number.span : item.span, { id: item.id });
        raw = { min: 0, max: points ?? 0 };
        break;
      case "Fixed":
        this.condition(form.when, null);
        raw = { min: 0, max: dec(form.points) ?? 0 };
        break;
      case "PerCount": {
        let max = 0;
        for (const t of form.terms) {
          known(this.expect(t.count, NUMBER, null));
          const b = this.bounds(t.count, null);
          max += mulInterval({ min: 0, max: dec(t.points) ?? 0 }, { min: Math.max(0, b.min), max: b.max }).max;
        }
        raw = { min: 0, max };
        break;
      }
      case "BaseIncrement": {
        known(this.expect(form.count, COUNT, null));
        const b = this.bounds(form.count, null);
        const base = dec(form.base) ?? 0;
        const inc = dec(form.increment) ?? 0;
        const n = Math.max(0, b.max);
        raw = { min: 0, max: n === 0 ? 0 : base + mulInterval({ min: inc, max: inc }, { min: n - D.ONE, max: n - D.ONE }).max };
        break;
      }
      case "TakeMax": {
        let max = 0;
        for (const br of form.branches) {
          this.condition(br.when, null);
          max = Math.max(max, dec(br.points) ?? 0);
        }
        this.shadowedBranches(form);
        raw = { min: 0, max };
        break;
      }
      case "Cumulative": {
        const inner = this.listScope(form.list, null, "sum over");
        const scope = inner ? mergeScope(null, inner) : null;
        this.listDepth = 1;
        if (inner) {
          if (form.where) this.condition(form.where, scope);
          known(this.expect(form.value, NUMBER, scope));
          const b = this.bounds(form.value, scope);
          raw = { min: b.min < 0 ? -Infinity : 0, max: b.max > 0 ? Infinity : 0 };
        } else {
          unknown = true;
          raw = { min: 0, max: 0 };
        }
        break;
      }
      case "Tiers": {
        this.expect(form.value, NUMBER, null);
        this.tiers(form);
        let max = 0;
        let min = Infinity;
        for (const t of form.tiers) { const p = dec(t.points) ?? 0; max = Math.max(max, p); min = Math.min(min, p); }
        raw = { min: Math.min(0, min), max };
        break;
      }
      case "Formula":
        known(this.expect(form.expr, NUMBER, null));
        raw = this.bounds(form.expr, null);
        break;
      case "MissingForm":
        if (!broken) this.report("S014", item.number.span, { id: item.id });
        raw = { min: 0, max: 0 };
        break;
    }
    // After a syntax error in the section (recovery may have cut or made up items), or a name or
    // type error in the form, its bounds prove nothing.
    const sound = !broken && form.type !== "MissingForm" && !unknown &&
      !this.diagnostics.slice(reportedBefore).some((d) => d.severity === "error");
    let settled = sound;
    const cap = dec(item.cap);
    let bounds = raw;
    if (cap !== null) {
      if (raw.max <= cap && sound) {
        this.report("S011", item.cap!.span, { cap: fmt(cap), reachable: fmt(raw.max) });
      }
      bounds = { min: Math.min(raw.min, cap), max: Math.min(raw.max, cap) };
    }
    if (form.type === "Judged" && points !== null) bounds = { min: 0, max: points };
    if (sound) {
      if (bounds.min < 0) this.report("S012", item.number.span, { id: item.id, min: fmt(bounds.min) });
      // An item that can exceed its points is wrong by itself; one that falls short still adds up.
      if (points !== null && bounds.max > points) settled = false;
      if (points !== null && bounds.max > points) {
        this.report("S009", item.points!.span, { id: item.id, reachable: fmt(bounds.max), points: fmt(points) }, { reachable: fmt(bounds.max), points: fmt(points), item: item.id });
      } else if (points !== null && bounds.max < points) {
        this.report("S010", item.points!.span, { id: item.id, reachable: fmt(bounds.max), points: fmt(points) }, { reachable: fmt(bounds.max), points: fmt(points), item: item.id });
      }
    }
    const experts = form.type === "Judged" ? effectiveExperts(fileExperts(this.parsed.ast), section, item) : null;
    this.items.set(item.id, { item, section, bounds, uncapped: raw, experts });
    return { bounds, settled, short: sound && points !== null && bounds.max < points };
  }

  /**
   * S016: a branch of `highest` never counts when another with the same condition as written gives
   * more points (or as many and comes first), or one whose condition is `true` gives as many.
   */
  private shadowedBranches(form: A.TakeMaxForm): void {
    const points = (b: A.TakeMaxBranch) => dec(b.points) ?? 0;
    const keys = form.branches.map((b) => (b.when.type === "Missing" ? null : exprKey(b.when)));
    const best = new Map<string, A.TakeMaxBranch>();
    form.branches.forEach((b, i) => {
      const key = keys[i];
      if (key == null) return;
      const prior = best.get(key);
      if (!prior || points(prior) < points(b)) best.set(key, b);
    });
    const always = best.get(exprKey({ type: "Bool", value: true, span: form.span }));
    form.branches.forEach((b, i) => {
      const key = keys[i];
      if (key == null) return;
      const same = best.get(key);
      const shadow = same && same !== b ? same : always && always !== b && points(always) >= points(b) ? always : undefined;
      if (shadow) this.report("S016", b.span, { n: i + 1, line: shadow.span.start.line });
    });
  }

  private tiers(form: A.TiersForm): void {
    const seen = new Map<string, A.Tier>();
    for (const t of form.tiers) {
      const key = `${t.op}${D.parseDec(t.threshold.value)}`;
      const prior = seen.get(key);
      if (prior) this.report("R001", t.threshold.span, { threshold: t.threshold.value, line: prior.span.start.line });
      else seen.set(key, t);
    }
    const sorted = [...seen.values()].sort((a, b) => (dec(a.threshold) ?? 0) - (dec(b.threshold) ?? 0) || (a.op === ">" ? 1 : -1));
    for (let i = 1; i < sorted.length; i++) {
      const lo = sorted[i - 1]!;
      const hi = sorted[i]!;
      if ((dec(hi.points) ?? 0) < (dec(lo.points) ?? 0)) {
        this.report("R002", hi.points.span, { high: hi.threshold.value, highPoints: hi.points.value, low: lo.threshold.value, lowPoints: lo.points.value });
      }
    }
  }

  // --- vetoes, grades, experts ----------------------------------------------------------------------

  private vetoes(g: A.VetoGroupDecl): void {
    const numbers = new Map<number, A.VetoDecl>();
    for (const v of g.vetoes) {
      const p = numbers.get(v.number.value);
      if (p && v.number.value > 0) this.report("S001", v.number.span, { what: "否决项", whatEn: "veto", number: v.number.text, line: p.span.start.line });
      else numbers.set(v.number.value, v);
      this.condition(v.when, null);
    }
  }

  private grades(file: A.RuleFile): void {
    // A header a syntax error broke may have the wrong total.
    const total = file.header && !this.brokenWithin(file.header) ? dec(file.header.total) : null;
    const seen = new Map<string, A.GradeDecl>();
    let lower: { name: string; pass: D.Dec } | null = null;
    for (const d of file.declarations) {
      if (d.type !== "Grade") continue;
      const prior = seen.get(d.name.value);
      if (prior && prior !== d) {
        this.report("G002", d.name.span, { name: d.name.value, line: prior.span.start.line });
      }
      seen.set(d.name.value, d);
      for (const r of d.requirements) this.condition(r.condition, null);
      if (this.brokenWithin(d)) continue;
      const pass = dec(d.pass);
      if (pass === null) this.report("G004", d.name.span, { name: d.name.value });
      else {
        if (pass < 0 || (total !== null && pass > total)) {
          this.report("G001", d.pass!.span, { pass: fmt(pass), total: total === null ? "?" : fmt(total) });
        }
        if (lower && pass < lower.pass) {
          this.report("G005", d.pass!.span, { name: d.name.value, pass: fmt(pass), lower: lower.name, lowerPass: fmt(lower.pass) });
        }
        lower = { name: d.name.value, pass };
      }
      const quota = dec(d.quota);
      if (quota !== null && (quota <= 0 || !D.isWhole(quota))) this.report("G003", d.quota!.span);
      if (d.windowFrom && d.windowTo && d.windowFrom.value > d.windowTo.value) {
        this.report("S018", d.windowFrom.span, { from: d.windowFrom.value, to: d.windowTo.value });
      }
      // Without a header (S003) or with a broken one, the mistake is there.
      if (d.windowFrom && file.header && !file.header.applicationDate && !this.brokenWithin(file.header)) this.report("G006", d.windowFrom.span);
    }
  }

  private experts(file: A.RuleFile): void {
    const decls = file.declarations.filter((d): d is A.ExpertsDecl => d.type === "Experts");
    for (const extra of decls.slice(1)) this.report("X002", extra.span);
    if (decls[0]) this.expertClauses(decls[0]);
    for (const d of file.declarations) {
      if (d.type !== "Section") continue;
      if (d.experts) {
        this.expertClauses(d.experts);
        // A rule for judged items where there are none is a leftover of an earlier revision.
        if (!d.items.some((i) => i.form.type === "Judged") && !this.brokenWithin(d)) {
          this.report("X004", d.experts.span, { where: `第${d.id.value}部分没有专家评分项`, whereEn: `section ${d.id.value} has no judged items` });
        }
      }
      for (const item of d.items) {
        if (!item.experts) continue;
        this.expertClauses(item.experts);
        if (item.form.type !== "Judged" && item.form.type !== "MissingForm") {
          this.report("X004", item.experts.span, { where: `${item.id} 项不是专家评分项`, whereEn: `item ${item.id} is not judged` });
        }
      }
    }
    // After a syntax error the experts declaration may be what was not read.
    const uncombined = [...this.items.values()].find((i) => i.experts !== null && i.experts.combine === null);
    if (uncombined && this.syntaxSpans.length === 0) this.report("X003", uncombined.item.form.span);
  }

  /** Checks one experts block's figures: a positive rounding step, a whole `at least` within the limit. */
  private expertClauses(d: A.ExpertsDecl): void {
    const step = dec(d.round);
    if (d.round && step !== null && step <= 0) this.report("X001", d.round.span, { step: d.round.value });
    const least = dec(d.atLeast);
    if (d.atLeast && least !== null) {
      if (least < D.ONE || !D.isWhole(least)) this.report("X005", d.atLeast.span, { n: d.atLeast.value });
      else if (least > MAX_EXPERTS * D.ONE) this.report("X006", d.atLeast.span, { n: d.atLeast.value, max: MAX_EXPERTS });
    }
  }

  private unused(file: A.RuleFile): void {
    // After an error, what was cut out of the tree or left unchecked may be what uses them (a
    // mistyped list leaves its table unread): unused names are reported once the file checks.
    if (hasErrors(this.parsed.diagnostics) || hasErrors(this.diagnostics)) return;
    const appDate = file.header?.applicationDate?.name;
    for (const sym of this.symbols.values()) {
      if (sym.kind === "input" && !this.used.has(sym) && sym.name !== appDate) {
        this.report("N003", sym.span, { name: sym.name });
      } else if ((sym.kind === "enum" || sym.kind === "table" || sym.kind === "record") && !this.used.has(sym)) {
        this.report("N008", sym.span, { name: sym.name });
      }
    }
  }
}

/** An expression as written, spans aside: equal keys for expressions written alike. */
function exprKey(e: A.Expr): string {
  return JSON.stringify(e, (key, v: unknown) => (key === "span" || key === "fnSpan" ? undefined : v));
}

function mergeScope(outer: Scope, inner: ReadonlyMap<string, Sym>): Scope {
  if (!outer || outer.size === 0) return inner;
  return new Map([...outer, ...inner]);
}

/** Quantifiers (and `sum over`) nested deeper than this get T009. */
export const MAX_LIST_NESTING = 2;

/** Interval product, treating 0 × ∞ as 0 (an absent count scores nothing). */
function mulInterval(a: Interval, b: Interval): Interval {
  const m = (x: number, y: number) => (x === 0 || y === 0 ? 0 : D.mul(x, y));
  const products = [m(a.min, b.min), m(a.min, b.max), m(a.max, b.min), m(a.max, b.max)];
  return { min: Math.min(...products), max: Math.max(...products) };
}
