/**
 * The fast path of input validation: per declared input, a converter from the JSON value to the
 * engine's representation (Dec for numbers, day numbers for dates, strings for enum members,
 * arrays for sets and lists), or INVALID. It accepts exactly what the zod schema accepts (a
 * property test holds them together); when anything is INVALID, the zod schema is run to report
 * every problem with its path and label.
 */
import { decimal as D, type Model, type Sym, type Type, type InputDecl, type FieldDecl } from "@jsqc/dsl/core";
import { parseDay } from "./dates.js";
import { MAX_LIST_LENGTH, MAX_TEXT_LENGTH, withinLength } from "./schema.js";

export const INVALID: unique symbol = Symbol("invalid");
export type Converter = (raw: unknown) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;
export const isEnumerable = Object.prototype.propertyIsEnumerable;

/**
 * `Object.keys(o).length` without making the array: own enumerable string keys, an own enumerable
 * `__proto__` (which `for … in` may skip) included.
 */
export function ownKeyCount(o: object): number {
  let n = isEnumerable.call(o, "__proto__") ? 1 : 0;
  for (const k in o) if (hasOwn.call(o, k) && k !== "__proto__") n++;
  return n;
}
const DECIMAL_STRING = /^-?\d+(\.\d{1,6})?$/;

function limits(decl: InputDecl | FieldDecl): { min: D.Dec | null; max: D.Dec | null } {
  return {
    min: decl.options.min ? D.parseDec(decl.options.min.value) : null,
    max: decl.options.max ? D.parseDec(decl.options.max.value) : null,
  };
}

/** A converter for one value of `type`, declared by `decl`. */
export function converter(model: Model, type: Type, decl: InputDecl | FieldDecl): Converter {
  const { min, max } = limits(decl);
  switch (type.kind) {
    case "bool":
      return (v) => (v === true || v === false ? v : INVALID);
    case "count": {
      const lo = min === null ? 0 : Math.max(0, D.toNumber(min));
      const hi = max === null ? Number.MAX_SAFE_INTEGER / D.SCALE : D.toNumber(max);
      return (v) => (typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi ? v * D.SCALE : INVALID);
    }
    case "number":
      return (v) => {
        let d: D.Dec | null;
        if (typeof v === "number") d = D.fromNumber(v);
        else if (typeof v === "string" && DECIMAL_STRING.test(v)) d = D.parseDec(v);
        else return INVALID;
        if (d === null || (min !== null && d < min) || (max !== null && d > max)) return INVALID;
        return d;
      };
    case "date":
      return (v) => {
        if (typeof v !== "string") return INVALID;
        const day = parseDay(v);
        return day === null ? INVALID : day;
      };
    case "text":
      return (v) => (typeof v === "string" && withinLength(v, MAX_TEXT_LENGTH) ? v : INVALID);
    case "enum": {
      const members = enumMembers(model, type.name);
      return (v) => (typeof v === "string" && members.has(v) ? v : INVALID);
    }
    case "set": {
      const members = enumMembers(model, type.element);
      return (v) => {
        if (!Array.isArray(v) || v.length > MAX_LIST_LENGTH) return INVALID;
        for (let i = 0; i < v.length; i++) {
          const x: unknown = v[i];
          if (typeof x !== "string" || !members.has(x)) return INVALID;
          for (let j = 0; j < i; j++) if (v[j] === x) return INVALID;
        }
        return v as string[];
      };
    }
    case "list": {
      const fields = [...(model.records.get(type.record)?.values() ?? [])].filter(
        (f): f is Extract<Sym, { kind: "field" }> => f.kind === "field",
      );
      const names = fields.map((f) => f.name);
      const convs = fields.map((f) => converter(model, f.type, f.decl));
      const optional = fields.map((f) => f.optional);
      const n = fields.length;
      return (v) => {
        if (!Array.isArray(v) || v.length > MAX_LIST_LENGTH) return INVALID;
        const out: unknown[][] = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const rec: unknown = v[i];
          if (rec === null || typeof rec !== "object" || Array.isArray(rec)) return INVALID;
          let known = 0;
          const row: unknown[] = new Array(n);
          for (let j = 0; j < n; j++) {
            const name = names[j]!;
            if (!hasOwn.call(rec, name)) {
              if (!optional[j]) return INVALID;
              row[j] = undefined;
              continue;
            }
            known++;
            const raw = (rec as Record<string, unknown>)[name];
            if (raw === null && optional[j]) { row[j] = undefined; continue; }
            const x = convs[j]!(raw);
            if (x === INVALID) return INVALID;
            row[j] = x;
          }
          if (ownKeyCount(rec) !== known) return INVALID;
          out[i] = row;
        }
        return out;
      };
    }
    default:
      return () => INVALID;
  }
}

function enumMembers(model: Model, name: string): Set<string> {
  const sym = model.symbols.get(name);
  return new Set(sym?.kind === "enum" ? sym.decl.members.map((m) => m.name.value) : []);
}
