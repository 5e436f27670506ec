/// <reference types="node" />
/**
 * `buildModule(source)`: a rule file, compiled ahead of time into the text of a standalone ES
 * module exporting `evaluate(application, { trace: false })`. The module is the runtime
 * (runtime.ts, copied in) plus the rule file's expressions as plain JS functions. It imports
 * nothing. The generated text is meant to be written to a file and imported — this package never
 * evaluates it (no eval, new Function or vm). Safety rules for the text (docs/reliability.md):
 * every string from the rule file is emitted as a JSON literal (JSON.stringify, with U+2028/2029
 * and `<` escaped), every identifier is generated here (never a name from the rule file), and
 * every number is the engine's exact decimal as a scaled safe integer.
 */
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decimal as D, type Diagnostic, type Expr, type Model, type Sym, type Type, type InputDecl, type FieldDecl, type ScoreForm, type ItemDecl } from "@jsqc/dsl";
import { type Ruleset, type CompiledItem } from "../compile.js";
import { compile } from "../compile-source.js";
import type { ExpertRule } from "../experts.js";
import type { RulesetSpec, ValueSpec } from "./runtime.js";
import { fastPath, specLiteral, type FastItem, type FastRuleset } from "./fast.js";

export type BuildResult = { ok: true; code: string } | { ok: false; diagnostics: readonly Diagnostic[] };

/** Compiles rule-file text into a module's text; refuses a file with errors, as `compile` does. */
export function buildModule(source: string, file = "<rules>"): BuildResult {
  const compiled = compile(source, file);
  if (!compiled.ok) return compiled;
  try {
    return { ok: true, code: generate(compiled.ruleset) };
  } catch (err) {
    // A checked file should always generate (e.g. every number a safe integer); if not, say so
    // as a diagnostic, as compile does, rather than crash or write a module that is wrong.
    const at = { offset: 0, line: 1, column: 1 };
    return {
      ok: false,
      diagnostics: [{
        severity: "error", code: "C002", span: { start: at, end: at },
        message: `内部错误：无法生成评分模块（${(err as Error).message}）`,
        messageEn: `internal error: the scoring module could not be generated (${(err as Error).message})`,
      }],
    };
  }
}

/** A JSON literal that is also safe anywhere JS source may be embedded. */
export function lit(value: unknown): string {
  const s = JSON.stringify(value);
  if (s === undefined) throw new Error(`not JSON: ${String(value)}`);
  return s.replace(/[\u2028\u2029<>]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A number for the source text: an exact decimal (scaled) or a whole count, always a safe integer. */
function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${n}`);
  return String(n);
}

let runtimeText: string | null = null;
/** The runtime's JS, without its `export` words (read once from dist, or transpiled from src). */
function runtime(): string {
  if (runtimeText !== null) return runtimeText;
  const js = new URL("./runtime.js", import.meta.url);
  let text: string;
  if (existsSync(fileURLToPath(js))) text = readFileSync(js, "utf8");
  else {
    // Running from the TypeScript sources (tests): the built runtime sits in dist.
    const built = new URL("../../dist/aot/runtime.js", import.meta.url);
    if (!existsSync(fileURLToPath(built))) throw new Error("内部错误：找不到 AOT 运行时，请先构建 @jsqc/engine / internal error: the AOT runtime (dist/aot/runtime.js) is missing; build @jsqc/engine first");
    text = readFileSync(built, "utf8");
  }
  text = text.replace(/^export \{\};?$/gm, "").replace(/^export (function|const|let|class) /gm, "$1 ").replace(/^\/\/# sourceMappingURL=.*$/gm, "");
  if (/^\s*(import|export)\b/m.test(text)) throw new Error("the AOT runtime must neither import nor export anything else");
  return (runtimeText = text);
}

interface Scope { readonly record: string; readonly depth: number }

class Generator {
  private readonly out: string[] = [];
  private next = 0;
  private readonly model: Model;

  constructor(private readonly rs: Ruleset) {
    this.model = rs.model;
  }

  /** A fresh identifier: a prefix of ours and a counter, never a name from the rule file. */
  private id(prefix: string): string {
    return `${prefix}${this.next++}`;
  }

  private emit(line: string): void {
    this.out.push(line);
  }

  run(): string {
    const rs = this.rs;
    const ast = rs.ast;
    // Pair the AST's declarations with the compiled ruleset, in the order compile.ts walks them;
    // each item's, veto's and condition's generated function is named in `fast`.
    const fast: FastRuleset = {
      title: rs.title, year: rs.year, document: rs.document, total: rs.total, applicationDateIndex: rs.applicationDateIndex,
      inputs: rs.inputs.map((i) => ({ name: i.name, omittable: i.omittable, list: i.sym.type.kind === "set" || i.sym.type.kind === "list", spec: this.spec(i.sym.type, i.sym.decl) })),
      sections: [],
      judged: rs.judged.map((item) => {
        const r = item.experts ?? rs.experts;
        return { id: item.id, max: item.max, trimmed: r.combine === "trimmed mean", round: r.round, spread: r.spread, atLeast: r.atLeast };
      }),
      vetoes: [], eligibility: [], grades: [],
    };
    for (const d of ast.declarations) {
      switch (d.type) {
        case "Section": {
          const sec = rs.sections[fast.sections.length]!;
          const items = d.items.map((decl, i) => this.item(decl, sec.items[i]!));
          fast.sections.push({ id: sec.id, title: sec.title, weight: sec.weight, cap: sec.cap, items });
          break;
        }
        case "VetoGroup":
          for (const v of d.vetoes) {
            const c = rs.vetoes[fast.vetoes.length]!;
            fast.vetoes.push({ id: c.id, label: c.label, test: this.test(v.when) });
          }
          break;
        case "Eligibility":
          for (const r of d.requirements) {
            const c = rs.eligibility[fast.eligibility.length]!;
            fast.eligibility.push({ id: c.id, label: c.label, test: this.test(r.condition) });
          }
          break;
        case "Grade": {
          const g = rs.grades[fast.grades.length]!;
          const requirements = d.requirements.map((r, i) => ({ id: g.requirements[i]!.id, label: g.requirements[i]!.label, test: this.test(r.condition) }));
          fast.grades.push({ name: g.name, pass: g.pass, window: g.window ? [g.window.from, g.window.to] : null, requirements });
          break;
        }
        default: break;
      }
    }
    if (fast.sections.length !== rs.sections.length || fast.vetoes.length !== rs.vetoes.length || fast.eligibility.length !== rs.eligibility.length || fast.grades.length !== rs.grades.length) {
      throw new Error("the rule file's declarations do not match its compiled form");
    }
    // What the runtime's general check and error report read (runtime.ts, RulesetSpec).
    const inputs = fast.inputs.map((i, k) => `{name:${lit(i.name)},label:${lit(rs.inputs[k]!.label)},omittable:${i.omittable},list:${i.list},spec:${specLiteral(i.spec, lit, int)}}`);
    const judged = rs.judged.map((item) => {
      const label = `${item.id}「${item.text.length > 24 ? `${item.text.slice(0, 23)}…` : item.text}」`;
      return `{id:${lit(item.id)},label:${lit(label)},max:${int(item.max)},rule:${this.rule(item.experts ?? rs.experts)}}`;
    });
    const spec = [
      `inputs:[${inputs.join(",")}]`,
      `judged:[${judged.join(",")}]`,
      `grades:${lit(fast.grades.map((g) => g.name))}`,
    ];
    return [
      "// Generated by `jsqc build` (@jsqc/engine/aot). Do not edit: rebuild from the rule file.",
      `// Rule file: ${lit(rs.file)}; title: ${lit(rs.title)}.`,
      "// It imports nothing; evaluate(application, { trace: false }) gives the engine's no-trace answer.",
      runtime(),
      "// --- generated from the rule file ---",
      ...this.out,
      ...fastPath(fast, lit, int),
      `const $RULESET = {${spec.join(",\n")}};`,
      "const $evaluate = $evaluator($RULESET, $fastPrepare, $run);",
      "/** Evaluates an application (no trace): { ok: true, result } or { ok: false, errors }. */",
      "export function evaluate(application, options) { return $evaluate(application, options); }",
      "export const ruleset = $RULESET_INFO;",
      "",
    ].join("\n");
  }

  private rule(r: ExpertRule): string {
    return `{atLeast:${r.atLeast === null ? "null" : int(r.atLeast)},name:${lit(r.name.zh)},nameEn:${lit(r.name.en)}}`;
  }

  private spec(type: Type, decl: InputDecl | FieldDecl): ValueSpec {
    const spec: ValueSpec = {
      kind: type.kind,
      min: decl.options.min ? D.parseDec(decl.options.min.value) : null,
      max: decl.options.max ? D.parseDec(decl.options.max.value) : null,
    };
    if (type.kind === "enum" || type.kind === "set") spec.members = this.members(type.kind === "enum" ? type.name : type.element);
    if (type.kind === "list") {
      const fields = [...(this.model.records.get(type.record)?.values() ?? [])].filter((f): f is Extract<Sym, { kind: "field" }> => f.kind === "field");
      spec.fields = fields.map((f) => ({ name: f.name, label: f.decl.label?.value ?? f.name, optional: f.optional, spec: this.spec(f.type, f.decl) }));
    }
    return spec;
  }

  private members(name: string): string[] {
    const sym = this.model.symbols.get(name);
    return sym?.kind === "enum" ? sym.decl.members.map((m) => m.name.value) : [];
  }

  // --- items ----------------------------------------------------------------------------------------

  private item(decl: ItemDecl, item: CompiledItem): FastItem {
    const head = { id: item.id, max: item.max, cap: item.cap };
    if (item.judgedIndex >= 0) return { ...head, judged: item.judgedIndex, score: null };
    const fn = this.id("$s");
    this.emit(`function ${fn}(I, R) {\n${this.form(decl.form)}\n}`);
    return { ...head, judged: -1, score: fn };
  }

  private form(form: ScoreForm): string {
    const top: Scope[] = [];
    const dec = (text: string) => int(D.parseDec(text) ?? 0);
    switch (form.type) {
      case "Fixed":
        return `  return ${this.expr(form.when, top)} === true ? ${dec(form.points.value)} : 0;`;
      case "PerCount":
        return form.terms.length === 0 ? "  return 0;" : `  return ${form.terms.map((t) => `$per(${dec(t.points.value)}, ${this.expr(t.count, top)})`).join(" + ")};`;
      case "BaseIncrement":
        return `  return $baseInc(${dec(form.base.value)}, ${dec(form.increment.value)}, ${this.expr(form.count, top)});`;
      case "TakeMax": {
        const lines = ["  let bp = -Infinity;"];
        for (const b of form.branches) {
          const p = dec(b.points.value);
          lines.push(`  if (${p} > bp && ${this.expr(b.when, top)} === true) bp = ${p};`);
        }
        lines.push("  return bp === -Infinity ? 0 : bp;");
        return lines.join("\n");
      }
      case "Cumulative": {
        const scope: Scope[] = [{ record: this.recordOf(form.list), depth: 0 }];
        const where = form.where ? this.expr(form.where, scope) : null;
        return [
          `  const rows = ${this.expr(form.list, top)};`,
          "  if (!Array.isArray(rows)) return 0;",
          "  let sum = 0;",
          "  for (let i = 0; i < rows.length; i++) {",
          "    R[0] = rows[i];",
          ...(where ? [`    if (${where} !== true) continue;`] : []),
          `    const v = ${this.expr(form.value, scope)};`,
          "    if (typeof v === \"number\") sum += v;",
          "  }",
          "  return sum;",
        ].join("\n");
      }
      case "Tiers": {
        const tiers = form.tiers
          .map((t, source) => ({ source, op: t.op, threshold: D.parseDec(t.threshold.value) ?? 0, points: D.parseDec(t.points.value) ?? 0 }))
          .sort((a, b) => b.threshold - a.threshold || (a.op === ">" ? -1 : 1));
        const lines = [`  const v = ${this.expr(form.value, top)};`, "  if (typeof v !== \"number\") return 0;"];
        for (const t of tiers) lines.push(`  if (v ${t.op === ">=" ? ">=" : ">"} ${int(t.threshold)}) return ${int(t.points)};`);
        lines.push("  return 0;");
        return lines.join("\n");
      }
      case "Formula":
        return `  return $or0(${this.expr(form.expr, top)});`;
      case "Judged":
      case "MissingForm":
        return "  return 0;";
    }
  }

  private test(e: Expr): string {
    const fn = this.id("$c");
    this.emit(`function ${fn}(I, R) {\n  return ${this.expr(e, [])} === true;\n}`);
    return fn;
  }

  private recordOf(list: Expr): string {
    const t = this.model.types.get(list);
    return t?.kind === "list" ? t.record : "";
  }

  // --- expressions: each a JS expression over I (inputs) and R (records of enclosing quantifiers) --------

  private expr(e: Expr, scopes: Scope[]): string {
    switch (e.type) {
      case "Number": return `(${int(D.parseDec(e.value) ?? 0)})`;
      case "Bool": return e.value ? "true" : "false";
      case "Date": return `(${int(dayOfText(e.value))})`;
      case "Duration":
      case "Missing": return "undefined";
      case "Name": return this.name(e, scopes);
      case "Unary": {
        const f = this.expr(e.operand, scopes);
        return e.op === "not" ? `(${f} !== true)` : `$neg(${f})`;
      }
      case "Binary": {
        const l = this.expr(e.left, scopes);
        if ((e.op === "+" || e.op === "-") && e.right.type === "Duration") {
          const amount = Math.trunc(Number(e.right.amount)) * (e.op === "-" ? -1 : 1);
          return `$shift(${l}, ${int(amount)}, ${lit(e.right.unit)})`;
        }
        const r = this.expr(e.right, scopes);
        const ops: Record<string, string> = { "+": "$add", "-": "$sub", "*": "$times", "/": "$over", "<": "$lt", "<=": "$le", ">": "$gt", ">=": "$ge", "==": "$eq", "!=": "$ne" };
        if (e.op === "and") return `(${l} === true && ${r} === true)`;
        if (e.op === "or") return `(${l} === true || ${r} === true)`;
        const op = ops[e.op];
        if (!op) throw new Error(`unknown operator ${e.op}`);
        return `${op}(${l}, ${r})`;
      }
      case "In": {
        const values = this.id("$V");
        this.emit(`const ${values} = ${lit(e.values.map((v) => v.name))};`);
        const t = this.model.types.get(e.subject);
        return `${t?.kind === "set" ? "$inSet" : "$inOne"}(${this.expr(e.subject, scopes)}, ${values}, ${e.negated ? "true" : "false"})`;
      }
      case "Within": {
        const amount = Math.trunc(Number(e.amount));
        return `$within(${this.expr(e.anchor, scopes)}, ${this.expr(e.subject, scopes)}, ${int(amount)}, ${lit(e.unit)}, ${e.direction === "before"})`;
      }
      case "Call": {
        const args = e.args.map((a) => this.expr(a, scopes));
        switch (e.fn) {
          case "min":
          case "max": {
            if (args.length === 0) return "undefined";
            let out = `$num(${args[0]})`;
            for (let i = 1; i < args.length; i++) out = `$${e.fn}(${out}, ${args[i]})`;
            return out;
          }
          case "year": return `$year(${args[0] ?? "undefined"})`;
          case "present": return `(${args[0] ?? "undefined"} !== undefined)`;
          case "size": return `$size(${args[0] ?? "undefined"})`;
        }
        return "undefined";
      }
      case "Quantifier": return this.quantifier(e, scopes);
      case "Lookup": {
        const sym = this.model.resolved.get(e.table);
        if (sym?.kind !== "table") return "undefined";
        const entries: [string, number][] = [];
        const decl = sym.decl;
        for (const row of decl.rows) {
          if (decl.keys.length === 1) entries.push([row.key.value, D.parseDec(row.values[0]?.value ?? "0") ?? 0]);
          else row.values.forEach((v, j) => {
            const col = decl.columns[j];
            if (col) entries.push([`${row.key.value}\u0000${col.value}`, D.parseDec(v.value) ?? 0]);
          });
        }
        for (const [, v] of entries) int(v);
        const table = this.id("$T");
        this.emit(`const ${table} = new Map(${lit(entries)});`);
        const keys = e.keys.map((k) => this.expr(k, scopes));
        if (keys.length === 1) return `${table}.get(${keys[0]})`;
        return `${table}.get($key2(${keys[0]}, ${keys[1]}))`;
      }
    }
    return "undefined";
  }

  private name(e: import("@jsqc/dsl").NameExpr, scopes: Scope[]): string {
    const sym = this.model.resolved.get(e);
    if (!sym) return "undefined";
    switch (sym.kind) {
      case "input": {
        const i = this.rs.inputIndex.get(sym.name);
        return i === undefined ? "undefined" : `I[${int(i)}]`;
      }
      case "field": {
        let depth = -1;
        for (let s = scopes.length - 1; s >= 0; s--) if (scopes[s]!.record === sym.record) { depth = scopes[s]!.depth; break; }
        const j = [...(this.model.records.get(sym.record)?.keys() ?? [])].indexOf(sym.name);
        if (depth < 0 || j < 0) return "undefined";
        return `R[${int(depth)}]?.[${int(j)}]`;
      }
      case "member": return lit(sym.name);
      default: return "undefined";
    }
  }

  private quantifier(e: import("@jsqc/dsl").QuantifierExpr, scopes: Scope[]): string {
    const list = this.expr(e.list, scopes);
    const depth = scopes.length;
    const inner = [...scopes, { record: this.recordOf(e.list), depth }];
    const where = e.where ? this.expr(e.where, inner) : null;
    const of = e.of ? this.expr(e.of, inner) : null;
    const fn = this.id("$q");
    const d = int(depth);
    let body: string[];
    switch (e.kind) {
      case "count":
        body = where
          ? ["  if (!Array.isArray(rows)) return 0;", "  let n = 0;", `  for (let i = 0; i < rows.length; i++) { R[${d}] = rows[i]; if (${where} === true) n++; }`, "  return n * 1000000;"]
          : ["  return Array.isArray(rows) ? rows.length * 1000000 : 0;"];
        break;
      case "any":
        body = ["  if (!Array.isArray(rows)) return false;", `  for (let i = 0; i < rows.length; i++) { R[${d}] = rows[i]; if (${where ?? "true"} === true) return true; }`, "  return false;"];
        break;
      case "all":
        body = ["  if (!Array.isArray(rows)) return true;", `  for (let i = 0; i < rows.length; i++) { R[${d}] = rows[i]; if (${where ?? "true"} !== true) return false; }`, "  return true;"];
        break;
      case "sum":
        body = of
          ? ["  if (!Array.isArray(rows)) return 0;", "  let s = 0;", `  for (let i = 0; i < rows.length; i++) { R[${d}] = rows[i]; ${where ? `if (${where} !== true) continue; ` : ""}const v = ${of}; if (typeof v === "number") s += v; }`, "  return s;"]
          : ["  return 0;"];
        break;
    }
    this.emit(`function ${fn}(I, R, rows) {\n${body.join("\n")}\n}`);
    return `${fn}(I, R, ${list})`;
  }
}

function dayOfText(text: string): number {
  const [y, m, d] = text.split("-").map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** The module text of a compiled ruleset. */
export function generate(rs: Ruleset): string {
  return new Generator(rs).run();
}

export type { RulesetSpec };
