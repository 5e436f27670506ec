/**
 * fast-check arbitrary of rule files that CHECK CLEAN (no errors; warnings allowed), for fuzzing
 * the engine on rule files other than the 2024 one.
 *
 * `arbRuleFileText` honours only the grammar: its names are random, so almost none of its files
 * check (in 20,000 of them, 156 did, all without a section or a grade). Here the declarations
 * come first — enums, records, inputs of every type, tables — and every expression is built from
 * what is declared, typed as the checker types it: numbers (counts and decimals, table lookups,
 * `count`/`sum`/`size`/`year`, `min`/`max`, the four operations), conditions (comparisons of
 * numbers, dates and enum values, `in`, `within`, `present`, `any`/`all`, and/or/not), dates
 * (with durations added), nested quantifiers with record fields in scope.
 *
 * Points are made to add up as the checker proves them: each item's `points` is its reachable
 * maximum or its `cap` (every form whose maximum may be unbounded gets one), each section's
 * weight the sum of its items' points, the total the sum of the weights; values that could go
 * below zero are wrapped in `max(0, …)`.
 */
import { MAX_LIST_NESTING, check } from "../checker.js";
import { parse } from "../parse.js";
import fc from "fast-check";

type Arb<T> = fc.Arbitrary<T>;

type Ty =
  | { readonly k: "bool" | "count" | "decimal" | "date" | "text" }
  | { readonly k: "enum" | "set"; readonly e: number }
  | { readonly k: "list"; readonly r: number };

interface EnumD { readonly name: string; readonly members: readonly string[] }
interface ValueD { readonly name: string; readonly ty: Ty; readonly optional: boolean; readonly min?: string; readonly max?: string }
interface RecordD { readonly name: string; readonly fields: readonly ValueD[] }
interface TableD { readonly name: string; readonly keys: readonly number[]; readonly values: readonly (readonly string[])[] }

interface Model {
  readonly enums: readonly EnumD[];
  readonly records: readonly RecordD[];
  readonly inputs: readonly ValueD[];
  readonly tables: readonly TableD[];
}

/** A sketch of the declarations, before names are given. */
interface Sketch {
  readonly enums: readonly number[];
  readonly records: readonly (readonly TySketch[])[];
  readonly inputs: readonly TySketch[];
  readonly tables: readonly { readonly keys: readonly number[]; readonly values: readonly string[] }[];
}

interface TySketch { readonly kind: number; readonly ref: number; readonly optional: boolean; readonly lo: number; readonly span: number; readonly bounded: number }

/** Name stems: Chinese, ASCII, and words that begin like keywords (the lexer's longest match). */
const STEMS = ["标准", "证书", "专利", "奖项", "日期", "类型", "级别", "记录", "a", "Bx", "q_", "in", "notes", "yearly", "count", "sumx", "of", "date"];
const DIGITS = /\d/;

const points = (): Arb<string> =>
  fc.oneof(fc.integer({ min: 0, max: 10 }).map(String), fc.integer({ min: 1, max: 40 }).map((n) => dec(n, 1)), fc.integer({ min: 1, max: 400 }).map((n) => dec(n, 2)));

/** n / 10^places as the shortest decimal text. */
function dec(n: number, places: number): string {
  const neg = n < 0;
  const s = String(Math.abs(n)).padStart(places + 1, "0");
  const int = s.slice(0, s.length - places);
  const frac = s.slice(s.length - places).replace(/0+$/, "");
  const out = frac ? `${int}.${frac}` : int;
  return neg && out !== "0" ? `-${out}` : out;
}

/** A decimal text as hundredths (the generator's numbers have at most two places). */
function hundredths(text: string): number {
  const neg = text.startsWith("-");
  const [i = "0", f = ""] = (neg ? text.slice(1) : text).split(".");
  const v = Number(i) * 100 + Number(f.padEnd(2, "0").slice(0, 2));
  return neg ? -v : v;
}

const arbDateText = fc
  .tuple(fc.integer({ min: 2015, max: 2026 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
  .map(([y, m, d]) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);

function arbTySketch(): Arb<TySketch> {
  return fc.record({
    kind: fc.integer({ min: 0, max: 8 }),
    ref: fc.nat({ max: 100 }),
    optional: fc.boolean(),
    lo: fc.integer({ min: -5, max: 5 }),
    span: fc.integer({ min: 0, max: 200 }),
    bounded: fc.integer({ min: 0, max: 3 }),
  });
}

function arbSketch(): Arb<Sketch> {
  return fc.record({
    enums: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
    records: fc.array(fc.array(arbTySketch(), { minLength: 1, maxLength: 4 }), { maxLength: 2 }),
    inputs: fc.array(arbTySketch(), { minLength: 2, maxLength: 10 }),
    tables: fc.array(
      fc.record({ keys: fc.array(fc.nat({ max: 100 }), { minLength: 1, maxLength: 2 }), values: fc.array(fc.integer({ min: -20, max: 60 }).map((n) => dec(n, 1)), { minLength: 16, maxLength: 16 }) }),
      { maxLength: 2 },
    ),
  });
}

/** Gives the sketch names (each unique in the file) and types. */
function nameModel(s: Sketch): Model {
  let counter = 0;
  const name = (): string => {
    const stem = STEMS[counter % STEMS.length]!;
    counter++;
    return `${stem}${DIGITS.test(stem) ? "_" : ""}${counter}`;
  };
  const enums: EnumD[] = s.enums.map((n) => {
    const enumName = name();
    return { name: enumName, members: Array.from({ length: n }, () => name()) };
  });
  const value = (t: TySketch, allowList: boolean, records: number): ValueD => {
    const kinds = ["bool", "count", "decimal", "date", "text", "enum", "set", "count", "list"] as const;
    let k = kinds[t.kind] ?? "bool";
    if (k === "list" && (!allowList || records === 0)) k = "decimal";
    const ty: Ty = k === "enum" || k === "set" ? { k, e: t.ref % enums.length } : k === "list" ? { k, r: t.ref % records } : { k };
    const optional = t.optional && k !== "list" && k !== "set";
    if (k === "count") {
      const lo = Math.max(0, t.lo);
      return { name: name(), ty, optional, ...(t.bounded & 1 ? { min: String(lo) } : {}), ...(t.bounded & 2 ? { max: String(lo + t.span) } : {}) };
    }
    if (k === "decimal") {
      return { name: name(), ty, optional, ...(t.bounded & 1 ? { min: dec(t.lo * 10, 1) } : {}), ...(t.bounded & 2 ? { max: dec(t.lo * 10 + t.span, 1) } : {}) };
    }
    return { name: name(), ty, optional };
  };
  const records: RecordD[] = s.records.map((fields) => ({ name: name(), fields: fields.map((f) => value(f, false, 0)) }));
  const inputs = s.inputs.map((t) => value(t, true, records.length));
  const tables: TableD[] = s.tables.map((t) => {
    const keys = t.keys.map((k) => k % enums.length);
    const rows = enums[keys[0]!]!.members.length;
    const cols = keys.length === 2 ? enums[keys[1]!]!.members.length : 1;
    const values = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => t.values[(r * cols + c) % t.values.length]!));
    return { name: name(), keys, values };
  });
  return { enums, records, inputs, tables };
}

/** A value in scope: an input, or a field of a record whose quantifier encloses the expression. */
type Scope = readonly number[];

class Gen {
  private readonly memo = new Map<string, Arb<string>>();
  constructor(readonly m: Model) {}

  private cached(key: string, make: () => Arb<string>): Arb<string> {
    let a = this.memo.get(key);
    if (!a) {
      a = make();
      this.memo.set(key, a);
    }
    return a;
  }

  /** Values of a kind in scope: inputs, then the fields of the records in scope. */
  private values(scope: Scope, pred: (t: Ty) => boolean): ValueD[] {
    const out = this.m.inputs.filter((v) => pred(v.ty));
    for (const r of scope) out.push(...this.m.records[r]!.fields.filter((f) => pred(f.ty)));
    return out;
  }

  private lists(): { name: string; r: number }[] {
    return this.m.inputs.flatMap((v) => (v.ty.k === "list" ? [{ name: v.name, r: v.ty.r }] : []));
  }

  /** One of the arbitraries, by weight; the list is never empty. */
  private pick(parts: [number, Arb<string> | null][]): Arb<string> {
    const present = parts.filter((p): p is [number, Arb<string>] => p[1] !== null && p[0] > 0);
    return fc.oneof(...present.map(([weight, arbitrary]) => ({ weight, arbitrary })));
  }

  private names(vs: ValueD[]): Arb<string> | null {
    return vs.length ? fc.constantFrom(...vs.map((v) => v.name)) : null;
  }

  /** A numeric expression (count or decimal). `countOnly`: of the count type (base … per further). */
  num(depth: number, scope: Scope, countOnly = false): Arb<string> {
    return this.cached(`num${depth}:${scope.join(",")}:${countOnly}`, () => {
      const countVals = this.names(this.values(scope, (t) => t.k === "count"));
      const numVals = this.names(this.values(scope, (t) => t.k === "count" || t.k === "decimal"));
      const lists = this.lists();
      const sets = this.values([], (t) => t.k === "set");
      const sizeOf = lists.length || sets.length ? fc.constantFrom(...lists.map((l) => l.name), ...sets.map((s) => s.name)).map((n) => `size(${n})`) : null;
      const leaves: [number, Arb<string> | null][] = [
        [3, fc.integer({ min: 0, max: 20 }).map(String)],
        [countOnly ? 0 : 2, fc.integer({ min: 1, max: 300 }).map((n) => dec(n, 2))],
        [4, countOnly ? countVals : numVals],
        [1, sizeOf],
        [1, this.dateLeaf(scope).map((d) => `year(${d})`)],
        [countOnly ? 0 : 2, this.lookup(scope)],
      ];
      if (depth <= 0) return this.pick(leaves);
      const sub = this.num(depth - 1, scope, countOnly);
      const wrap = (s: string) => (/^[\w\u3400-\u9fff.]+$/.test(s) || /^\w+\(.*\)$/.test(s) ? s : `(${s})`);
      // Lists nest at most two deep (T009): each enclosing quantifier is one entry of the scope.
      const quant = lists.length && scope.length < MAX_LIST_NESTING
        ? fc.constantFrom(...lists).chain((l) => {
            const inner = [...scope, l.r];
            const where = fc.option(this.bool(depth - 1, inner), { nil: undefined });
            const count = where.map((w) => `count(${l.name}${w ? ` where ${w}` : ""})`);
            if (countOnly) return count;
            const sum = fc.tuple(where, this.num(depth - 1, inner)).map(([w, v]) => `sum(${l.name}${w ? ` where ${w}` : ""} of ${v})`);
            return fc.oneof(count, sum);
          })
        : null;
      const ops = countOnly ? ["+", "*"] : ["+", "-", "*", "/", "×", "÷"];
      return this.pick([
        ...leaves,
        [4, fc.tuple(sub, fc.constantFrom(...ops), sub).map(([a, op, b]) => `${wrap(a)} ${op} ${wrap(b)}`)],
        [countOnly ? 0 : 1, sub.map((a) => `-${wrap(a)}`)],
        [2, fc.tuple(fc.constantFrom("min", "max"), fc.array(sub, { minLength: 1, maxLength: 3 })).map(([f, as]) => `${f}(${as.join(", ")})`)],
        [2, quant],
      ]);
    });
  }

  private lookup(scope: Scope): Arb<string> | null {
    if (this.m.tables.length === 0) return null;
    return fc.constantFrom(...this.m.tables).chain((t) => fc.tuple(...t.keys.map((e) => this.enumValue(e, scope))).map((ks) => `${t.name}[${ks.join(", ")}]`));
  }

  /** A value of enum `e`: a member, or an input or field of that enum. */
  enumValue(e: number, scope: Scope): Arb<string> {
    const vals = this.values(scope, (t) => t.k === "enum" && t.e === e).map((v) => v.name);
    return fc.constantFrom(...this.m.enums[e]!.members, ...vals);
  }

  private dateLeaf(scope: Scope): Arb<string> {
    const vals = this.values(scope, (t) => t.k === "date").map((v) => v.name);
    return vals.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...vals) }, { weight: 1, arbitrary: arbDateText }) : arbDateText;
  }

  date(scope: Scope): Arb<string> {
    const unit = fc.constantFrom("years", "months", "days");
    return fc.oneof(
      { weight: 3, arbitrary: this.dateLeaf(scope) },
      { weight: 1, arbitrary: fc.tuple(this.dateLeaf(scope), fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 40 }), unit).map(([d, op, n, u]) => `${d} ${op} ${n} ${u}`) },
    );
  }

  bool(depth: number, scope: Scope): Arb<string> {
    return this.cached(`bool${depth}:${scope.join(",")}`, () => {
      const boolVals = this.names(this.values(scope, (t) => t.k === "bool"));
      const anyVals = this.values(scope, (t) => t.k !== "list");
      const enumVals = this.values(scope, (t) => t.k === "enum" || t.k === "set");
      const lists = this.lists();
      const cmp = fc.constantFrom("==", "!=", "<", "<=", ">", ">=");
      const nested = Math.max(0, depth - 1);
      const leaves: [number, Arb<string> | null][] = [
        [1, fc.constantFrom("true", "false")],
        [4, boolVals],
        [1, anyVals.length ? fc.constantFrom(...anyVals.map((v) => `present(${v.name})`)) : null],
        [4, fc.tuple(this.num(nested, scope), cmp, this.num(nested, scope)).map(([a, op, b]) => `${a} ${op} ${b}`)],
        [2, fc.tuple(this.date(scope), cmp, this.date(scope)).map(([a, op, b]) => `${a} ${op} ${b}`)],
        [
          3,
          enumVals.length
            ? fc.constantFrom(...enumVals).chain((v) => {
                const e = (v.ty as { e: number }).e;
                const members = this.m.enums[e]!.members;
                const inSet = fc.tuple(fc.boolean(), fc.subarray([...members], { minLength: 1 })).map(([not, ms]) => `${v.name} ${not ? "not in" : "in"} {${ms.join(", ")}}`);
                if (v.ty.k === "set") return inSet;
                return fc.oneof(inSet, fc.tuple(fc.constantFrom("==", "!="), this.enumValue(e, scope)).map(([op, x]) => `${v.name} ${op} ${x}`));
              })
            : null,
        ],
        [
          2,
          fc.tuple(this.dateLeaf(scope), fc.integer({ min: 0, max: 5 }), fc.constantFrom("years", "months", "days"), fc.constantFrom("before", "after"), this.date(scope))
            .map(([s, n, u, dir, a]) => `${s} within ${n} ${u} ${dir} ${a}`),
        ],
      ];
      if (depth <= 0) return this.pick(leaves);
      const sub = this.bool(depth - 1, scope);
      // Lists nest at most two deep (T009): each enclosing quantifier is one entry of the scope.
      const quant = lists.length && scope.length < MAX_LIST_NESTING
        ? fc.constantFrom(...lists).chain((l) =>
            fc.tuple(fc.constantFrom("any", "all"), fc.option(this.bool(depth - 1, [...scope, l.r]), { nil: undefined })).map(([q, w]) => `${q}(${l.name}${w ? ` where ${w}` : ""})`))
        : null;
      return this.pick([
        ...leaves,
        [3, fc.tuple(sub, fc.constantFrom("and", "or"), sub).map(([a, op, b]) => `(${a}) ${op} (${b})`)],
        [1, sub.map((a) => `not (${a})`)],
        [2, quant],
      ]);
    });
  }
}

interface Item { readonly text: string; readonly points: number; readonly judged: boolean }

function arbItem(g: Gen, number: string): Arb<Item> {
  const head = (pts: number, body: string, cap?: number) =>
    `  item ${number} "第${number}项" points ${dec(pts, 2)} {\n    ${body}${cap !== undefined ? `\n    cap ${dec(cap, 2)}` : ""}\n  }`;
  const p = points();
  const capped = (body: Arb<string>): Arb<Item> =>
    fc.tuple(body, p).map(([b, cap]) => ({ text: head(hundredths(cap), b, hundredths(cap)), points: hundredths(cap), judged: false }));
  /** A form whose maximum is known: its points are that maximum (or a lower cap). */
  const bounded = (body: Arb<[string, number]>): Arb<Item> =>
    fc.tuple(body, fc.option(p, { nil: undefined })).map(([[b, max], cap]) => {
      const c = cap === undefined ? undefined : hundredths(cap);
      const pts = c === undefined ? max : Math.min(max, c);
      return { text: head(pts, b, c), points: pts, judged: false };
    });
  const lists = g.m.inputs.filter((v) => v.ty.k === "list");
  return fc.oneof(
    p.map((pts): Item => ({ text: `  item ${number} "专家评分项" points ${pts} { judged }`, points: hundredths(pts), judged: true })),
    bounded(fc.tuple(p, g.bool(2, [])).map(([pts, b]): [string, number] => [`award ${pts} when ${b}`, hundredths(pts)])),
    capped(fc.array(fc.tuple(p, g.num(2, [])), { minLength: 1, maxLength: 3 }).map((ts) => `award ${ts.map(([pts, n]) => `${pts} per ${n}`).join(", ")}`)),
    capped(fc.tuple(p, p, g.num(2, [], true)).map(([b, i, n]) => `base ${b} plus ${i} per further ${n}`)),
    bounded(
      fc.array(fc.tuple(p, fc.option(fc.constantFrom('"甲档"', '"乙档"'), { nil: undefined }), g.bool(2, [])), { maxLength: 4 }).map(([...bs]): [string, number] => [
        `highest {\n${bs.map(([pts, l, b]) => `      award ${pts}${l ? ` ${l}` : ""} when ${b}`).join("\n")}\n    }`,
        Math.max(0, ...bs.map(([pts]) => hundredths(pts))),
      ]),
    ),
    ...(lists.length
      ? [capped(fc.constantFrom(...lists).chain((l) => {
          const r = (l.ty as { r: number }).r;
          return fc.tuple(fc.option(g.bool(2, [r]), { nil: undefined }), g.num(2, [r])).map(([w, v]) => `sum over ${l.name}${w ? ` where ${w}` : ""} of max(0, ${v})`);
        }))]
      : []),
    bounded(
      fc.tuple(g.num(2, []), fc.uniqueArray(fc.tuple(fc.constantFrom(">=", ">"), fc.integer({ min: -50, max: 200 }).map((n) => dec(n, 1))), { maxLength: 4, selector: ([op, t]) => `${op}${t}` }), fc.array(p, { minLength: 4, maxLength: 4 }))
        .map(([v, ts, ps]): [string, number] => [
          `tiers ${v} {\n${ts.map(([op, t], i) => `      ${op} ${t} award ${ps[i]}`).join("\n")}\n    }`,
          Math.max(0, ...ts.map((_, i) => hundredths(ps[i]!))),
        ]),
    ),
    capped(g.num(3, []).map((n) => `formula max(0, ${n})`)),
  );
}

const CIRCLED = Array.from({ length: 20 }, (_, i) => String.fromCharCode(0x2460 + i));

function arbSection(g: Gen, id: string): Arb<{ text: string; weight: number; judged: boolean }> {
  return fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.option(points(), { nil: undefined }))
    .chain(([n, circled, cap]) =>
      fc.tuple(...Array.from({ length: n }, (_, i) => arbItem(g, circled ? CIRCLED[i]! : String(i + 1)))).map((items) => {
        const weight = items.reduce((a, it) => a + it.points, 0);
        const capText = cap !== undefined ? ` cap ${cap}` : "";
        return {
          text: `section ${id} "第${id}部分" weight ${dec(weight, 2)}${capText} {\n${items.map((it) => it.text).join("\n")}\n}`,
          weight,
          judged: items.some((it) => it.judged),
        };
      }),
    );
}

function typeText(m: Model, t: Ty): string {
  switch (t.k) {
    case "bool": return "yesno";
    case "enum": return m.enums[t.e]!.name;
    case "set": return `set of ${m.enums[t.e]!.name}`;
    case "list": return `list of ${m.records[t.r]!.name}`;
    default: return t.k;
  }
}

function valueText(m: Model, v: ValueD): string {
  return `${v.name}: ${typeText(m, v.ty)} "${v.name}"${v.min !== undefined ? ` min ${v.min}` : ""}${v.max !== undefined ? ` max ${v.max}` : ""}${v.optional ? " optional" : ""}`;
}

function declarations(m: Model, appDate: string | null, total: number): string {
  const out: string[] = [`ruleset "生成的规则" {\n  year 2025\n  total ${dec(total, 2)}${appDate ? `\n  application date ${appDate}` : ""}\n}`];
  for (const e of m.enums) out.push(`enum ${e.name} {\n${e.members.map((x) => `  ${x} "${x}"`).join("\n")}\n}`);
  for (const r of m.records) out.push(`record ${r.name} "${r.name}" {\n${r.fields.map((f) => `  ${valueText(m, f)}`).join("\n")}\n}`);
  for (const v of m.inputs) out.push(`input ${valueText(m, v)}`);
  for (const t of m.tables) {
    const rowEnum = m.enums[t.keys[0]!]!;
    const colEnum = t.keys.length === 2 ? m.enums[t.keys[1]!]! : null;
    const keys = t.keys.map((k, i) => `k${i}: ${m.enums[k]!.name}`).join(", ");
    const rows = rowEnum.members.map((x, r) => `  ${x}: ${t.values[r]!.join(" ")}`);
    out.push(`table ${t.name} (${keys}) {\n${colEnum ? `  columns ${colEnum.members.join(" ")}\n` : ""}${rows.join("\n")}\n}`);
  }
  return out.join("\n\n");
}

/**
 * A random rule file that checks clean: 1–3 enums, up to 2 records, 2–10 inputs, up to 2 tables,
 * 1–4 sections of 1–6 items in every scoring form, vetoes, eligibility, 1–3 grades (pass marks,
 * windows, quotas, requirements) and the experts declaration when an item is judged.
 */
export function arbCheckedRuleFileText(): Arb<string> {
  return arbSketch().map(nameModel).chain((m) => {
    const g = new Gen(m);
    const dates = m.inputs.filter((v) => v.ty.k === "date").map((v) => v.name);
    return fc
      .tuple(
        fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbSection(g, ["一", "二", "三", "四"][i]!)))),
        fc.array(g.bool(2, []), { maxLength: 3 }),
        fc.array(fc.tuple(fc.string({ unit: fc.constantFrom(..."条件资格年满无"), minLength: 1, maxLength: 6 }), g.bool(2, [])), { maxLength: 3 }),
        fc.array(fc.tuple(fc.nat({ max: 1000 }), fc.option(fc.tuple(arbDateText, arbDateText), { nil: undefined }), fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }), fc.array(g.bool(1, []), { maxLength: 2 })), { minLength: 1, maxLength: 3 }),
        fc.tuple(fc.constantFrom("mean", "trimmed mean"), fc.option(fc.constantFrom("0.5", "0.1", "1", "0.01"), { nil: undefined }), fc.option(fc.constantFrom("1", "2.5"), { nil: undefined })),
        fc.option(fc.constantFrom(...(dates.length ? dates : [""])), { nil: undefined }),
      )
      .map(([sections, vetoes, requirements, grades, [combine, round, spread], appDateChoice]) => {
        const appDate = appDateChoice ? appDateChoice : null;
        const total = sections.reduce((a, s) => a + s.weight, 0);
        const parts = [declarations(m, appDate, total), ...sections.map((s) => s.text)];
        if (vetoes.length) parts.push(`vetoes 十一 "否决项" {\n${vetoes.map((b, i) => `  veto ${CIRCLED[i]} "否决${i + 1}" when ${b}`).join("\n")}\n}`);
        if (requirements.length) parts.push(`eligibility "基本条件" {\n${requirements.map(([l, b]) => `  require "${l}": ${b}`).join("\n")}\n}`);
        grades.forEach(([pass, window, quota, reqs], i) => {
          const lines = [`  pass ${dec(Math.round((total * pass) / 1000), 2)}`];
          if (window && appDate) {
            const [a, b] = window[0] <= window[1] ? window : [window[1], window[0]];
            lines.push(`  window ${a} to ${b}`);
          }
          if (quota !== undefined) lines.push(`  quota ${quota} per city`);
          reqs.forEach((r, k) => lines.push(`  require "等级条件${k + 1}": ${r}`));
          parts.push(`grade ${["A", "AA", "AAA"][i]} "${["A", "AA", "AAA"][i]}级" {\n${lines.join("\n")}\n}`);
        });
        if (sections.some((s) => s.judged)) parts.push(`experts { combine ${combine}${round ? ` round ${round}` : ""}${spread ? ` spread ${spread}` : ""} }`);
        return `${parts.join("\n\n")}\n`;
      });
  }).filter((text) => !overBudget(text));
}

/**
 * Whether the checker's cost model refuses the text (K001): a few in a thousand generated files
 * nest list conditions deeply enough; they are not "clean", so they are left out.
 */
function overBudget(text: string): boolean {
  return check(parse(text)).diagnostics.some((d) => d.code === "K001");
}
