/**
 * fast-check arbitraries of applications, derived from a compiled rule file like the contract
 * is: valid ones (every value within its declared type and bounds) and invalid ones (one or more
 * values broken). Used by property tests, fuzzing and the benchmarks' generators.
 */
import fc from "fast-check";
import { decimal as D, type Type, type Sym } from "@jsqc/dsl";
import type { Ruleset } from "../compile.js";

const DAY = 86_400_000;

function dateText(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** Dates from 2015 to 2026, where the 2024 rules' windows and vetoes bite. */
const arbDate = fc.integer({ min: Date.UTC(2015, 0, 1) / DAY, max: Date.UTC(2026, 11, 31) / DAY }).map(dateText);

function members(rs: Ruleset, name: string): string[] {
  const sym = rs.model.symbols.get(name);
  return sym?.kind === "enum" ? sym.decl.members.map((m) => m.name.value) : [];
}

function bounds(sym: Extract<Sym, { kind: "input" | "field" }>): { min: number; max: number } {
  const lo = Number.isFinite(sym.bounds.min) ? D.toNumber(sym.bounds.min) : -1000;
  const hi = Number.isFinite(sym.bounds.max) ? D.toNumber(sym.bounds.max) : 1000;
  return { min: lo, max: Math.min(hi, lo + 1000) };
}

function valueOf(rs: Ruleset, type: Type, sym: Extract<Sym, { kind: "input" | "field" }>, maxList: number): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case "bool": return fc.boolean();
    case "count": {
      const { min, max } = bounds(sym);
      // Mostly small counts, as applications have, with the odd large one.
      return fc.oneof({ weight: 4, arbitrary: fc.integer({ min: Math.max(0, min), max: Math.min(max, Math.max(0, min) + 6) }) }, { weight: 1, arbitrary: fc.integer({ min: Math.max(0, min), max }) });
    }
    case "number": {
      const { min, max } = bounds(sym);
      return fc.integer({ min: Math.ceil(min * 100), max: Math.floor(max * 100) }).map((n) => n / 100);
    }
    case "date": return arbDate;
    case "text": return fc.string({ maxLength: 20 });
    case "enum": return fc.constantFrom(...members(rs, type.name));
    case "set": return fc.subarray(members(rs, type.element));
    case "list": {
      const fields = [...(rs.model.records.get(type.record)?.values() ?? [])].filter(
        (f): f is Extract<Sym, { kind: "field" }> => f.kind === "field",
      );
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const f of fields) shape[f.name] = valueOf(rs, f.type, f, maxList);
      return fc.array(fc.record(shape), { maxLength: maxList });
    }
    default: return fc.constant(null);
  }
}

export interface ArbOptions {
  /** Longest generated list (default 4). */
  readonly maxList?: number;
  /** Most experts (default 5). */
  readonly maxExperts?: number;
}

/** Valid applications for the rule file. */
export function arbApplication(rs: Ruleset, options: ArbOptions = {}): fc.Arbitrary<Record<string, unknown>> {
  const maxList = options.maxList ?? 4;
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  const optionalKeys: string[] = [];
  for (const input of rs.inputs) {
    shape[input.name] = valueOf(rs, input.sym.type, input.sym, maxList);
    if (input.omittable) optionalKeys.push(input.name);
  }
  const required = rs.inputs.filter((i) => !i.omittable).map((i) => i.name);
  const inputs = fc.record(shape, { requiredKeys: required });
  // Half points up to the maximum (floor: a maximum of 0.25 allows 0 only, not 0.5), or the maximum itself.
  const score = (max: D.Dec) =>
    fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: Math.floor(D.toNumber(max) * 2) }).map((n) => n / 2) }, { weight: 1, arbitrary: fc.constant(D.toNumber(max)) });
  const scores: Record<string, fc.Arbitrary<number>> = {};
  for (const item of rs.judged) scores[item.id] = score(item.max);
  const expert = fc.record({ name: fc.constantFrom("专家甲", "专家乙", "专家丙", "专家丁", "专家戊"), scores: fc.record(scores, { requiredKeys: [] }) });
  return fc.record({
    grade: fc.constantFrom(...rs.grades.map((g) => g.name)),
    inputs,
    experts: fc.array(expert, { maxLength: options.maxExperts ?? 5 }),
  });
}

/** A JSON value that is not what the contract wants at some path: wrong types, out of range, unknown keys. */
export function arbInvalidApplication(rs: Ruleset): fc.Arbitrary<unknown> {
  const junk = fc.oneof(
    fc.constant(null), fc.constant(-1), fc.constant(1.5), fc.constant("x"), fc.constant(""), fc.constant([]),
    fc.constant({}), fc.constant(true), fc.constant("2024-02-30"), fc.constant(1e300), fc.constant(["__proto__"]),
  );
  const inputNames = rs.inputs.filter((i) => !i.omittable).map((i) => i.name);
  return fc.oneof(
    // One required input replaced by junk of the wrong type.
    fc.tuple(arbApplication(rs), fc.constantFrom(...(inputNames.length ? inputNames : ["?"])), junk).map(([app, key, value]) => {
      const inputs = { ...(app["inputs"] as Record<string, unknown>) };
      inputs[key] = value;
      return { ...app, inputs };
    }).filter((app) => !isAcceptable(rs, app)),
    // An unknown input or envelope key, including prototype-poisoning names.
    fc.tuple(arbApplication(rs), fc.constantFrom("__proto__", "constructor", "prototype", "未知字段", "toString"), junk).map(([app, key, value]) => {
      const inputs = JSON.parse(JSON.stringify(app["inputs"])) as Record<string, unknown>;
      Object.defineProperty(inputs, key, { value, enumerable: true, configurable: true, writable: true });
      return { ...app, inputs };
    }),
    // A missing or unknown grade.
    arbApplication(rs).map((app) => ({ ...app, grade: "AAAA" })),
    // Not an application at all.
    junk,
  );
}

/** Whether the replaced value happens to be valid after all (e.g. `true` for a yes/no input). */
function isAcceptable(rs: Ruleset, app: unknown): boolean {
  return rs.schema.safeParse(app).success;
}
