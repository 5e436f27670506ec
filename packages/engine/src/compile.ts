/**
 * `compile(source)` turns a checked rule file into closures — no `eval`, `new Function` or `vm` —
 * so that evaluating an application is a walk over plain functions and integer arithmetic.
 * Every compiled part keeps the id and source span of the rule it came from, for the trace.
 */
import {
  hasErrors, effectiveExperts, fileExperts, decimal as D,
  type Diagnostic, type Model, type Sym, type Expr, type ItemDecl, type Span, type RuleFile, type ScoreForm,
  type SectionDecl, type Requirement, type ParseResult,
} from "@jsqc/dsl/core";
import type { ZodType } from "zod";
import { addDuration, yearOf, formatDay, type Day } from "./dates.js";
import { converter, type Converter } from "./input.js";
import { applicationSchema } from "./schema.js";
import { compileRule, DEFAULT_RULE, type CountedItem, type ExpertRule } from "./experts.js";

/** What an evaluation reads: the converted inputs, the records of enclosing quantifiers, a trace sink. */
export interface Env {
  inputs: unknown[];
  records: unknown[][];
  judged: D.Dec[];
  trace: TraceSink | null;
}

/** Collects, while explaining, the records a quantifier matched and the date windows tested. */
export interface TraceSink {
  matches: { list: string; index: number; record: unknown[] }[];
  windows: { from: Day; to: Day; date: Day | undefined }[];
  terms: { label: string; value: D.Dec }[];
}

export type Fn = (env: Env) => unknown;

export interface SourceRef {
  readonly id: string;
  readonly span: Span;
}

export interface CompiledInput {
  readonly name: string;
  readonly label: string;
  readonly index: number;
  readonly sym: Extract<Sym, { kind: "input" }>;
  readonly convert: Converter;
  /** Whether the input may be left out (optional, or a set or list: empty). */
  readonly omittable: boolean;
  readonly emptyValue: unknown;
}

export interface CompiledItem {
  readonly index: number;
  readonly id: string;
  readonly number: string;
  readonly text: string;
  readonly form: ScoreForm["type"];
  readonly max: D.Dec;
  readonly cap: D.Dec | null;
  readonly source: SourceRef;
  /** Points before the cap, without trace. */
  readonly score: (env: Env) => D.Dec;
  /** The reason, in Chinese, showing the arithmetic; called only with the trace on. */
  readonly explain: (env: Env, points: D.Dec, raw: D.Dec) => string;
  /** Indexes of the inputs the item reads. */
  readonly reads: readonly number[];
  /** For take-highest and tiers: which branch or tier (in source order) gave the points, or -1. */
  readonly branch: ((env: Env) => number) | null;
  /** For judged items, the index into `Env.judged`. */
  readonly judgedIndex: number;
  /** For judged items, the expert rule that applies (the file's, the section's or its own). */
  readonly experts: ExpertRule | null;
}

export interface CompiledSection {
  readonly id: string;
  readonly title: string;
  readonly weight: D.Dec;
  readonly cap: D.Dec | null;
  readonly items: readonly CompiledItem[];
  readonly source: SourceRef;
}

export interface CompiledCondition {
  readonly id: string;
  readonly label: string;
  readonly test: (env: Env) => boolean;
  readonly source: SourceRef;
  readonly reads: readonly number[];
}

export interface CompiledGrade {
  readonly name: string;
  readonly label: string;
  readonly pass: D.Dec | null;
  readonly quota: number | null;
  readonly window: { from: Day; to: Day; fromText: string; toText: string } | null;
  readonly requirements: readonly CompiledCondition[];
  readonly source: SourceRef;
}

export interface Ruleset {
  readonly file: string;
  readonly source: string;
  readonly ast: RuleFile;
  readonly model: Model;
  /** Warnings the checker left (errors refuse compilation). */
  readonly diagnostics: readonly Diagnostic[];
  readonly title: string;
  readonly year: number | null;
  readonly document: string | null;
  readonly total: D.Dec;
  readonly applicationDateIndex: number | null;
  readonly inputs: readonly CompiledInput[];
  readonly inputIndex: ReadonlyMap<string, number>;
  readonly sections: readonly CompiledSection[];
  readonly items: readonly CompiledItem[];
  readonly judged: readonly CompiledItem[];
  readonly vetoes: readonly CompiledCondition[];
  readonly eligibility: readonly CompiledCondition[];
  readonly grades: readonly CompiledGrade[];
  /** The file's expert rule (its top-level block); each judged item carries the rule that applies to it. */
  readonly experts: ExpertRule;
  /** Judged items whose rule requires `at least N experts`. */
  readonly counted: readonly CountedItem[];
  readonly schema: ZodType;
}

export type CompileResult = { ok: true; ruleset: Ruleset } | { ok: false; diagnostics: readonly Diagnostic[] };

/** What `compileChecked` takes: a parsed rule file and what the checker found in it. */
export interface Checked { parse: ParseResult; diagnostics: readonly Diagnostic[]; model: Model }

/**
 * Compiles a rule file already parsed and checked (`compile` in compile-source.ts parses and checks
 * text first). This module and its imports do not load the parser (Chevrotain): a caller with
 * a parsed file — the CLI's cache — compiles without it. Refuses a file with errors.
 */
export function compileChecked(source: string, file: string, checked: Checked): CompileResult {
  const p = checked.parse;
  const model = checked.model;
  const diagnostics = checked.diagnostics;
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  try {
    return { ok: true, ruleset: new Compiler(source, file, p.ast, model, diagnostics).build() };
  } catch (err) {
    // A checked file should always compile; if not, say so as a diagnostic rather than crash.
    const at = { offset: 0, line: 1, column: 1 };
    return {
      ok: false,
      diagnostics: [{
        severity: "error", code: "C001", span: { start: at, end: at },
        message: `内部错误：规则文件无法编译（${(err as Error).message}）`,
        messageEn: `internal error: the rule file could not be compiled (${(err as Error).message})`,
      }],
    };
  }
}

interface Scope { readonly record: string; readonly depth: number }

/** An item's text, shortened for a message. */
function short(text: string): string {
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

const truthy = (v: unknown): boolean => v === true;

class Compiler {
  private readonly inputIndex = new Map<string, number>();
  private readonly inputs: CompiledInput[] = [];
  private judgedCount = 0;

  constructor(
    private readonly source: string,
    private readonly file: string,
    private readonly ast: RuleFile,
    private readonly model: Model,
    private readonly diagnostics: readonly Diagnostic[],
  ) {}

  build(): Ruleset {
    for (const sym of this.model.symbols.values()) {
      if (sym.kind !== "input") continue;
      const index = this.inputs.length;
      this.inputIndex.set(sym.name, index);
      const omittable = sym.optional || sym.type.kind === "set" || sym.type.kind === "list";
      this.inputs.push({
        name: sym.name,
        label: sym.decl.label?.value ?? sym.name,
        index,
        sym,
        convert: converter(this.model, sym.type, sym.decl),
        omittable,
        emptyValue: sym.type.kind === "set" || sym.type.kind === "list" ? [] : undefined,
      });
    }
    const header = this.ast.header;
    const sections: CompiledSection[] = [];
    const vetoes: CompiledCondition[] = [];
    const eligibility: CompiledCondition[] = [];
    const grades: CompiledGrade[] = [];
    const fileRule = fileExperts(this.ast);
    const experts: ExpertRule = fileRule ? compileRule(effectiveExperts(fileRule, null, null), "", "") : DEFAULT_RULE;
    for (const d of this.ast.declarations) {
      switch (d.type) {
        case "Section": sections.push(this.section(d)); break;
        case "VetoGroup":
          for (const v of d.vetoes) vetoes.push(this.condition(v.id, v.text.value, v.when, v.span));
          break;
        case "Eligibility":
          // Numbered across blocks, so two eligibility blocks never share an id.
          for (const r of d.requirements) eligibility.push(this.requirement(`基本条件.${eligibility.length + 1}`, r));
          break;
        case "Grade": grades.push(this.grade(d)); break;
        default: break;
      }
    }
    const items = sections.flatMap((s) => s.items);
    const appDate = header?.applicationDate?.name;
    // The zod schema is needed only when an application fails the fast path (and for the JSON
    // Schema): built on first use, not at every start.
    const model = this.model;
    const gradeNames = grades.map((g) => g.name);
    let schema: ZodType | null = null;
    return {
      file: this.file,
      source: this.source,
      ast: this.ast,
      model: this.model,
      diagnostics: this.diagnostics,
      title: header?.title.value ?? "",
      year: header?.year ? Number(header.year.value) : null,
      document: header?.document?.value ?? null,
      total: header?.total ? D.parseDec(header.total.value) ?? 0 : 0,
      applicationDateIndex: appDate !== undefined ? this.inputIndex.get(appDate) ?? null : null,
      inputs: this.inputs,
      inputIndex: this.inputIndex,
      sections,
      items,
      judged: items.filter((i) => i.judgedIndex >= 0),
      vetoes,
      eligibility,
      grades,
      experts,
      counted: items.flatMap((i): CountedItem[] => (i.experts?.atLeast != null ? [{ id: i.id, label: `${i.id}「${short(i.text)}」`, rule: i.experts }] : [])),
      get schema() { return (schema ??= applicationSchema(model, gradeNames)); },
    };
  }

  private text(span: Span): string {
    return this.source.slice(span.start.offset, span.end.offset).replace(/\s+/g, " ");
  }

  private ref(id: string, span: Span): SourceRef {
    return { id, span };
  }

  // --- sections and items ----------------------------------------------------------------------

  private itemIndex = 0;

  private section(s: SectionDecl): CompiledSection {
    return {
      id: s.id.value,
      title: s.title.value,
      weight: s.weight ? D.parseDec(s.weight.value) ?? 0 : 0,
      cap: s.cap ? D.parseDec(s.cap.value) : null,
      items: s.items.map((i) => this.item(i)),
      source: this.ref(s.id.value, s.span),
    };
  }

  private item(item: ItemDecl): CompiledItem {
    const info = this.model.items.get(item.id);
    const max = info?.bounds.max ?? 0;
    const cap = item.cap ? D.parseDec(item.cap.value) : null;
    const reads = new Set<number>();
    const { score, explain, judgedIndex, branch } = this.form(item, item.form, reads, max);
    return {
      index: this.itemIndex++,
      id: item.id,
      number: item.number.text,
      text: item.text.value,
      form: item.form.type,
      max: Number.isFinite(max) ? max : 0,
      cap,
      source: this.ref(item.id, item.span),
      score,
      explain,
      reads: [...reads],
      judgedIndex,
      branch: branch ?? null,
      experts: info?.experts ? compileRule(info.experts, info.section.id.value, item.id) : null,
    };
  }

  private form(
    item: ItemDecl,
    form: ScoreForm,
    reads: Set<number>,
    max: D.Dec,
  ): { score: (env: Env) => D.Dec; explain: CompiledItem["explain"]; judgedIndex: number; branch?: (env: Env) => number } {
    const capText = (points: D.Dec, raw: D.Dec) => (points < raw ? `，封顶 ${D.format(points)}` : "");
    const top: Scope[] = [];
    switch (form.type) {
      case "Judged": {
        const k = this.judgedCount++;
        return {
          score: (env) => env.judged[k] ?? 0,
          explain: () => "",
          judgedIndex: k,
        };
      }
      case "Fixed": {
        const points = D.parseDec(form.points.value) ?? 0;
        const when = this.expr(form.when, top, reads);
        const cond = this.text(form.when.span);
        return {
          score: (env) => (truthy(when(env)) ? points : 0),
          explain: (_env, p, raw) => (raw > 0 ? `${cond}：是 → ${D.format(raw)}${capText(p, raw)}` : `${cond}：否 → 0`),
          judgedIndex: -1,
        };
      }
      case "PerCount": {
        const terms = form.terms.map((t) => ({
          points: D.parseDec(t.points.value) ?? 0,
          count: this.expr(t.count, top, reads),
          label: this.text(t.count.span),
        }));
        const value = (env: Env, i: number): D.Dec => {
          const c = terms[i]!.count(env);
          return typeof c === "number" && c > 0 ? D.mul(terms[i]!.points, c) : 0;
        };
        return {
          score: (env) => {
            let sum = 0;
            for (let i = 0; i < terms.length; i++) sum += value(env, i);
            return sum;
          },
          explain: (env, p, raw) => {
            const parts = terms.map((t) => {
              const c = t.count(env);
              return `${t.label} ${typeof c === "number" ? D.format(c) : "—"} × ${D.format(t.points)}`;
            });
            return `${parts.join(" + ")} = ${D.format(raw)}${capText(p, raw)}`;
          },
          judgedIndex: -1,
        };
      }
      case "BaseIncrement": {
        const base = D.parseDec(form.base.value) ?? 0;
        const inc = D.parseDec(form.increment.value) ?? 0;
        const count = this.expr(form.count, top, reads);
        const raw = (env: Env): D.Dec => {
          const c = count(env);
          if (typeof c !== "number" || c < D.ONE) return 0;
          return base + D.mul(inc, c - D.ONE);
        };
        return {
          score: raw,
          explain: (env, p, r) => {
            const c = count(env);
            const n = typeof c === "number" ? D.format(c) : "0";
            if (r === 0) return `${n} 个 → 0`;
            if (typeof c === "number" && c === D.ONE) return `1 个：基础分 ${D.format(base)}${capText(p, r)}`;
            return `${n} 个：${D.format(base)} + ${D.format(inc)} × ${D.format((c as number) - D.ONE)} = ${D.format(r)}${capText(p, r)}`;
          },
          judgedIndex: -1,
        };
      }
      case "TakeMax": {
        const branches = form.branches.map((b) => ({
          points: D.parseDec(b.points.value) ?? 0,
          when: this.expr(b.when, top, reads),
          label: b.label?.value ?? this.text(b.when.span),
        }));
        const best = (env: Env): number => {
          let bi = -1;
          let bp = -Infinity;
          for (let i = 0; i < branches.length; i++) {
            const b = branches[i]!;
            if (b.points > bp && truthy(b.when(env))) { bi = i; bp = b.points; }
          }
          return bi;
        };
        return {
          score: (env) => { const i = best(env); return i < 0 ? 0 : branches[i]!.points; },
          explain: (env, p, raw) => {
            const i = best(env);
            if (i < 0) return "取最高：无符合条件的项 → 0";
            const met = branches.filter((b) => truthy(b.when(env))).length;
            return `取最高：${branches[i]!.label} ${D.format(raw)}${met > 1 ? `（符合 ${met} 项，取其最高）` : ""}${capText(p, raw)}`;
          },
          judgedIndex: -1,
          branch: best,
        };
      }
      case "Cumulative": {
        const list = this.listAccess(form.list, top, reads);
        const recordName = this.recordOf(form.list);
        const scope: Scope[] = [{ record: recordName, depth: 0 }];
        const where = form.where ? this.expr(form.where, scope, reads) : null;
        const value = this.expr(form.value, scope, reads);
        const describeRecord = this.recordDescriber(recordName);
        const each = (env: Env, visit: (rec: unknown[], v: D.Dec) => void) => {
          const rows = list(env);
          if (!Array.isArray(rows)) return;
          for (let i = 0; i < rows.length; i++) {
            const rec = rows[i] as unknown[];
            env.records[0] = rec;
            if (where && !truthy(where(env))) continue;
            const v = value(env);
            if (typeof v === "number") visit(rec, v);
          }
        };
        return {
          score: (env) => {
            let sum = 0;
            each(env, (_r, v) => { sum += v; });
            return sum;
          },
          explain: (env, p, raw) => {
            const parts: string[] = [];
            each(env, (r, v) => parts.push(`${describeRecord(r)} ${D.format(v)}`));
            if (parts.length === 0) return "累计 0（无记录）";
            const shown = parts.length > 8 ? [...parts.slice(0, 8), `…共 ${parts.length} 项`] : parts;
            return `累计 ${D.format(raw)}（${shown.join(" + ")}）${capText(p, raw)}`;
          },
          judgedIndex: -1,
        };
      }
      case "Tiers": {
        const value = this.expr(form.value, top, reads);
        const label = this.text(form.value.span);
        const tiers = form.tiers
          .map((t, source) => ({ source, op: t.op, threshold: D.parseDec(t.threshold.value) ?? 0, points: D.parseDec(t.points.value) ?? 0 }))
          .sort((a, b) => b.threshold - a.threshold || (a.op === ">" ? -1 : 1));
        // The points of the highest tier reached (tiers are sorted by threshold, highest first).
        const pick = (v: unknown) => {
          if (typeof v !== "number") return -1;
          for (let i = 0; i < tiers.length; i++) {
            const t = tiers[i]!;
            if (t.op === ">=" ? v >= t.threshold : v > t.threshold) return i;
          }
          return -1;
        };
        return {
          score: (env) => { const i = pick(value(env)); return i < 0 ? 0 : tiers[i]!.points; },
          explain: (env, p, raw) => {
            const v = value(env);
            const vt = typeof v === "number" ? D.format(v) : "—";
            const i = pick(v);
            if (i < 0) return `${label} ${vt}，未达最低档 → 0`;
            const t = tiers[i]!;
            return `${label} ${vt} ${t.op === ">=" ? "≥" : ">"} ${D.format(t.threshold)} → ${D.format(raw)}${capText(p, raw)}`;
          },
          judgedIndex: -1,
          branch: (env) => { const i = pick(value(env)); return i < 0 ? -1 : tiers[i]!.source; },
        };
      }
      case "Formula": {
        const f = this.expr(form.expr, top, reads);
        const label = this.text(form.expr.span);
        return {
          score: (env) => { const v = f(env); return typeof v === "number" ? v : 0; },
          explain: (env, p, raw) => {
            const v = f(env);
            return typeof v === "number" ? `${label} = ${D.format(raw)}${capText(p, raw)}` : `${label} 无法计算（缺少数据或除以零）→ 0`;
          },
          judgedIndex: -1,
        };
      }
      case "MissingForm":
        return { score: () => 0, explain: () => "", judgedIndex: -1 };
    }
    void item; void max;
  }

  private recordOf(list: Expr): string {
    const t = this.model.types.get(list);
    return t?.kind === "list" ? t.record : "";
  }

  private recordFields(record: string): string[] {
    return [...(this.model.records.get(record)?.keys() ?? [])];
  }

  /** "主导·国家": a record's enum and date fields, for reasons. */
  private recordDescriber(record: string): (rec: unknown[]) => string {
    const fields = [...(this.model.records.get(record)?.values() ?? [])];
    return (rec) =>
      fields
        .map((f, j) => {
          const v = rec[j];
          if (f.kind !== "field" || v === undefined) return null;
          if (f.type.kind === "date") return formatDay(v as Day);
          if (f.type.kind === "enum" || f.type.kind === "text") return String(v);
          if (f.type.kind === "bool") return v ? "是" : "否";
          if (typeof v === "number") return D.format(v);
          return null;
        })
        .filter((s): s is string => s !== null)
        .join("·");
  }

  // --- conditions ------------------------------------------------------------------------------

  private condition(id: string, label: string, e: Expr, span: Span): CompiledCondition {
    const reads = new Set<number>();
    const f = this.expr(e, [], reads);
    return { id, label, test: (env) => truthy(f(env)), source: this.ref(id, span), reads: [...reads] };
  }

  private requirement(id: string, r: Requirement): CompiledCondition {
    return this.condition(id, r.label.value, r.condition, r.span);
  }

  private grade(g: import("@jsqc/dsl").GradeDecl): CompiledGrade {
    const from = g.windowFrom ? dayOfText(g.windowFrom.value) : null;
    const to = g.windowTo ? dayOfText(g.windowTo.value) : null;
    return {
      name: g.name.value,
      label: g.label?.value ?? g.name.value,
      pass: g.pass ? D.parseDec(g.pass.value) : null,
      quota: g.quota ? Number(g.quota.value) : null,
      window: from !== null && to !== null ? { from, to, fromText: g.windowFrom!.value, toText: g.windowTo!.value } : null,
      requirements: g.requirements.map((r, i) => this.requirement(`${g.name.value}.${i + 1}`, r)),
      source: this.ref(g.name.value, g.span),
    };
  }

  // --- expressions ------------------------------------------------------------------------------

  private listAccess(list: Expr, scopes: Scope[], reads: Set<number>): Fn {
    return this.expr(list, scopes, reads);
  }

  private expr(e: Expr, scopes: Scope[], reads: Set<number>): Fn {
    switch (e.type) {
      case "Number": { const v = D.parseDec(e.value) ?? 0; return () => v; }
      case "Bool": { const v = e.value; return () => v; }
      case "Date": { const v = dayOfText(e.value); return () => v; }
      case "Duration": return () => undefined;
      case "Missing": return () => undefined;
      case "Name": return this.name(e, scopes, reads);
      case "Unary": {
        const f = this.expr(e.operand, scopes, reads);
        if (e.op === "not") return (env) => !truthy(f(env));
        return (env) => { const v = f(env); return typeof v === "number" ? -v : undefined; };
      }
      case "Binary": return this.binary(e, scopes, reads);
      case "In": {
        const subject = this.expr(e.subject, scopes, reads);
        const values = e.values.map((v) => v.name);
        const negated = e.negated;
        const t = this.model.types.get(e.subject);
        if (t?.kind === "set") {
          return (env) => {
            const s = subject(env);
            const hit = Array.isArray(s) && s.some((x) => values.includes(x as string));
            return negated ? !hit : hit;
          };
        }
        return (env) => {
          const s = subject(env);
          if (s === undefined) return false;
          const hit = values.includes(s as string);
          return negated ? !hit : hit;
        };
      }
      case "Within": {
        const subject = this.expr(e.subject, scopes, reads);
        const anchor = this.expr(e.anchor, scopes, reads);
        const amount = Math.trunc(Number(e.amount));
        const unit = e.unit;
        const before = e.direction === "before";
        return (env) => {
          const a = anchor(env);
          if (typeof a !== "number") return false;
          const edge = addDuration(a, before ? -amount : amount, unit);
          const from = before ? edge : a;
          const to = before ? a : edge;
          const s = subject(env);
          const inside = typeof s === "number" && s >= from && s <= to;
          if (env.trace && inside) env.trace.windows.push({ from, to, date: s as number });
          return inside;
        };
      }
      case "Call": return this.call(e, scopes, reads);
      case "Quantifier": {
        const list = this.expr(e.list, scopes, reads);
        const record = this.recordOf(e.list);
        const depth = scopes.length;
        const inner = [...scopes, { record, depth }];
        const where = e.where ? this.expr(e.where, inner, reads) : null;
        const of = e.of ? this.expr(e.of, inner, reads) : null;
        const listName = e.list.name;
        switch (e.kind) {
          case "count":
            return (env) => {
              const rows = list(env);
              if (!Array.isArray(rows)) return 0;
              if (!where) return rows.length * D.SCALE;
              let n = 0;
              for (const rec of rows) { env.records[depth] = rec as unknown[]; if (truthy(where(env))) n++; }
              return n * D.SCALE;
            };
          case "any":
            return (env) => {
              const rows = list(env);
              if (!Array.isArray(rows)) return false;
              for (let i = 0; i < rows.length; i++) {
                const rec = rows[i] as unknown[];
                env.records[depth] = rec;
                if (!where || truthy(where(env))) {
                  if (env.trace) env.trace.matches.push({ list: listName, index: i, record: rec });
                  return true;
                }
              }
              return false;
            };
          case "all":
            return (env) => {
              const rows = list(env);
              if (!Array.isArray(rows)) return true;
              for (const rec of rows) { env.records[depth] = rec as unknown[]; if (where && !truthy(where(env))) return false; }
              return true;
            };
          case "sum":
            return (env) => {
              const rows = list(env);
              if (!Array.isArray(rows) || !of) return 0;
              let s = 0;
              for (const rec of rows) {
                env.records[depth] = rec as unknown[];
                if (where && !truthy(where(env))) continue;
                const v = of(env);
                if (typeof v === "number") s += v;
              }
              return s;
            };
        }
        break;
      }
      case "Lookup": {
        const sym = this.model.resolved.get(e.table);
        if (sym?.kind !== "table") return () => undefined;
        const table = new Map<string, D.Dec>();
        const decl = sym.decl;
        for (const row of decl.rows) {
          if (decl.keys.length === 1) table.set(row.key.value, D.parseDec(row.values[0]?.value ?? "0") ?? 0);
          else row.values.forEach((v, j) => {
            const col = decl.columns[j];
            if (col) table.set(`${row.key.value}\u0000${col.value}`, D.parseDec(v.value) ?? 0);
          });
        }
        const keys = e.keys.map((k) => this.expr(k, scopes, reads));
        if (keys.length === 1) {
          const k0 = keys[0]!;
          return (env) => table.get(k0(env) as string);
        }
        const [k0, k1] = keys as [Fn, Fn];
        return (env) => table.get(`${k0(env) as string}\u0000${k1(env) as string}`);
      }
    }
    return () => undefined;
  }

  private name(e: import("@jsqc/dsl").NameExpr, scopes: Scope[], reads: Set<number>): Fn {
    const sym = this.model.resolved.get(e);
    if (!sym) return () => undefined;
    switch (sym.kind) {
      case "input": {
        const i = this.inputIndex.get(sym.name)!;
        reads.add(i);
        return (env) => env.inputs[i];
      }
      case "field": {
        let depth = -1;
        for (let s = scopes.length - 1; s >= 0; s--) if (scopes[s]!.record === sym.record) { depth = scopes[s]!.depth; break; }
        const j = this.recordFields(sym.record).indexOf(sym.name);
        if (depth < 0 || j < 0) return () => undefined;
        return (env) => env.records[depth]?.[j];
      }
      case "member": { const v = sym.name; return () => v; }
      default: return () => undefined;
    }
  }

  private binary(e: import("@jsqc/dsl").BinaryExpr, scopes: Scope[], reads: Set<number>): Fn {
    const l = this.expr(e.left, scopes, reads);
    if ((e.op === "+" || e.op === "-") && e.right.type === "Duration") {
      const amount = Math.trunc(Number(e.right.amount)) * (e.op === "-" ? -1 : 1);
      const unit = e.right.unit;
      return (env) => { const d = l(env); return typeof d === "number" ? addDuration(d, amount, unit) : undefined; };
    }
    const r = this.expr(e.right, scopes, reads);
    const num = (f: (a: number, b: number) => unknown): Fn => (env) => {
      const a = l(env);
      const b = r(env);
      return typeof a === "number" && typeof b === "number" ? f(a, b) : undefined;
    };
    switch (e.op) {
      case "and": return (env) => truthy(l(env)) && truthy(r(env));
      case "or": return (env) => truthy(l(env)) || truthy(r(env));
      case "+": return num((a, b) => a + b);
      case "-": return num((a, b) => a - b);
      case "*": return num((a, b) => D.mul(a, b));
      case "/": return num((a, b) => D.div(a, b) ?? undefined);
      case "<": return (env) => { const a = l(env); const b = r(env); return typeof a === "number" && typeof b === "number" && a < b; };
      case "<=": return (env) => { const a = l(env); const b = r(env); return typeof a === "number" && typeof b === "number" && a <= b; };
      case ">": return (env) => { const a = l(env); const b = r(env); return typeof a === "number" && typeof b === "number" && a > b; };
      case ">=": return (env) => { const a = l(env); const b = r(env); return typeof a === "number" && typeof b === "number" && a >= b; };
      case "==": return (env) => { const a = l(env); const b = r(env); return a !== undefined && b !== undefined && a === b; };
      case "!=": return (env) => { const a = l(env); const b = r(env); return a !== undefined && b !== undefined && a !== b; };
    }
  }

  private call(e: import("@jsqc/dsl").CallExpr, scopes: Scope[], reads: Set<number>): Fn {
    const args = e.args.map((a) => this.expr(a, scopes, reads));
    switch (e.fn) {
      case "min":
      case "max": {
        const pickMin = e.fn === "min";
        return (env) => {
          let best: number | undefined;
          for (const a of args) {
            const v = a(env);
            if (typeof v !== "number") return undefined;
            if (best === undefined || (pickMin ? v < best : v > best)) best = v;
          }
          return best;
        };
      }
      case "year": {
        const a = args[0]!;
        return (env) => { const d = a(env); return typeof d === "number" ? yearOf(d) * D.SCALE : undefined; };
      }
      case "present": {
        const a = args[0]!;
        return (env) => a(env) !== undefined;
      }
      case "size": {
        const a = args[0]!;
        return (env) => { const v = a(env); return Array.isArray(v) ? v.length * D.SCALE : 0; };
      }
    }
  }
}

function dayOfText(text: string): Day {
  const [y, m, d] = text.split("-").map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

export type { SectionDecl };
