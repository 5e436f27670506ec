/**
 * The published contract accepts exactly what the engine accepts (issue 16). A validator the
 * project does not otherwise use — Ajv 8 in draft 2020-12 mode with ajv-formats, as a client in
 * another service would use it — is given the exported JSON Schema, and the engine's `validate`
 * the same application; they must agree on every one of thousands of generated applications:
 * valid ones, and near misses of every kind (bounds, decimal places, dates, enum members,
 * duplicates, unknown fields, expert scores above an item's points, missing required inputs,
 * nulls, text lengths counted in characters outside the BMP, the envelope's own fields).
 *
 * Ajv is told to check `multipleOf` to 6 decimal places (`multipleOfPrecision: 6`): the
 * specification's multipleOf is exact, Ajv's default divides in binary floating point and would
 * refuse 0.3 as a multiple of 0.000001. docs/application.md says so for every client.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { decimal as D, type Sym, type Type } from "@jsqc/dsl";
import { arbCheckedRuleFileText, fuzzParams } from "@jsqc/dsl/testing";
import { compile, validate, applicationJsonSchema, decimalRangePattern, DATE_PATTERN, MAX_LIST_LENGTH, MAX_TEXT_LENGTH, MAX_EXPERTS, type Ruleset } from "../src/index.js";
import { arbApplication } from "../src/testing/arbitraries.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const repo = new URL("../../../", import.meta.url);

function ajvFor(rs: Ruleset): (app: unknown) => boolean {
  const ajv = new Ajv2020({ strict: true, allErrors: false, multipleOfPrecision: 6, allowUnionTypes: true });
  addFormats(ajv);
  return ajv.compile(applicationJsonSchema(rs));
}

function compiled(source: string, file = "t.rules"): Ruleset {
  const c = compile(source, file);
  if (!c.ok) throw new Error(`does not compile: ${c.diagnostics.map((d) => d.message).join("; ")}`);
  return c.ruleset;
}

// ---------------------------------------------------------------------------------------------
// Near misses, derived from the rule file's declarations
// ---------------------------------------------------------------------------------------------

type Field = Extract<Sym, { kind: "input" | "field" }>;
type Json = unknown;

const ASTRAL = "𠀀"; // one character, two UTF-16 code units
const sample = <T,>(xs: readonly T[]) => fc.constantFrom(...xs);

function members(rs: Ruleset, name: string): string[] {
  const sym = rs.model.symbols.get(name);
  return sym?.kind === "enum" ? sym.decl.members.map((m) => m.name.value) : [];
}

function recordFields(rs: Ruleset, record: string): Field[] {
  return [...(rs.model.records.get(record)?.values() ?? [])].filter((f): f is Extract<Sym, { kind: "field" }> => f.kind === "field");
}

/** Decimal edges around [lo, hi]: on them, a millionth inside and outside, 7 places, text forms. */
function decimalEdges(lo: D.Dec, hi: D.Dec): Json[] {
  const out: Json[] = [];
  const ends = [lo, hi].filter((x) => Number.isFinite(x));
  for (const e of ends) {
    for (const d of [e, e - 1, e + 1, e - 500_000, e + 500_000]) {
      if (Math.abs(d) > D.MAX_ABS) continue;
      out.push(D.toNumber(d), D.format(d));
    }
    out.push(D.toNumber(e) + 0.0000001, `${D.format(e)}0`, `0${D.format(e).replace("-", "")}`);
  }
  out.push(0.3, "0.3", 0.1234567, "0.1234567", "-0", "-0.00", "+1", "1e2", " 1", "1.", ".5", "", 1e21, -1e21, 9007199254, "9007199254", 9007199255, "9007199254.000001", 1234567890.5);
  return out;
}

function nearValues(rs: Ruleset, type: Type, sym: Field): Json[] {
  const lo = sym.bounds.min;
  const hi = sym.bounds.max;
  switch (type.kind) {
    case "bool": return [true, false, "true", 1, 0, null];
    case "count": return [0, 1, 2.5, -1, "3", 1.0, ...decimalEdges(lo, hi).filter((x) => typeof x === "number"), Number.MAX_SAFE_INTEGER];
    case "number": return [...decimalEdges(lo, hi), true, null];
    case "date": return ["2024-02-29", "2023-02-29", "2000-02-29", "1900-02-29", "2024-04-31", "2024-04-30", "2024-13-01", "2024-2-1", "2024-01-01T00:00:00Z", 20240101, "0000-02-29"];
    case "text": return ["", ASTRAL.repeat(MAX_TEXT_LENGTH), ASTRAL.repeat(MAX_TEXT_LENGTH + 1), "x".repeat(MAX_TEXT_LENGTH), "x".repeat(MAX_TEXT_LENGTH + 1), `${"x".repeat(MAX_TEXT_LENGTH - 1)}${ASTRAL}`, 5];
    case "enum": {
      const m = members(rs, type.name);
      return [...m, `${m[0]} `, "未知", m[0]?.toLowerCase() ?? "x", 1];
    }
    case "set": {
      const m = members(rs, type.element);
      return [[], m, [m[0], m[0]], ["未知"], [...m, ...m], m[0], [null], Array.from({ length: MAX_LIST_LENGTH + 1 }, () => m[0])];
    }
    case "list": return [[], {}, [null], "x", Array.from({ length: MAX_LIST_LENGTH + 1 }, () => ({}))];
    default: return [null];
  }
}

/** The application's inputs object, unless an earlier mutation replaced it. */
function inputsOf(app: Record<string, any>): Record<string, unknown> | null {
  const i: unknown = app["inputs"];
  return i !== null && typeof i === "object" && !Array.isArray(i) ? (i as Record<string, unknown>) : null;
}

/** A change to one application that may or may not make it invalid. */
type Mutation = (app: Record<string, any>) => void;

function arbMutation(rs: Ruleset): fc.Arbitrary<Mutation> {
  const inputs = rs.inputs.map((i) => i.sym as Field);
  const options: fc.Arbitrary<Mutation>[] = [];
  if (inputs.length > 0) {
    // An input's value replaced by a near miss of its type.
    options.push(fc.integer({ min: 0, max: inputs.length - 1 }).chain((k) => {
      const sym = inputs[k]!;
      return sample(nearValues(rs, sym.type, sym)).map((v): Mutation => (app) => { const i = inputsOf(app); if (i) i[sym.name] = v; });
    }));
    // An input removed, or null.
    options.push(fc.tuple(fc.integer({ min: 0, max: inputs.length - 1 }), fc.boolean()).map(([k, remove]): Mutation => (app) => {
      const i = inputsOf(app);
      if (!i) return;
      if (remove) delete i[inputs[k]!.name];
      else i[inputs[k]!.name] = null;
    }));
  }
  // A field of a record in a list: a near miss, removed, null, or an unknown field beside it.
  const lists = inputs.filter((s) => s.type.kind === "list");
  if (lists.length > 0) {
    options.push(fc.integer({ min: 0, max: lists.length - 1 }).chain((k) => {
      const sym = lists[k]!;
      const fields = recordFields(rs, (sym.type as Extract<Type, { kind: "list" }>).record);
      if (fields.length === 0) return fc.constant<Mutation>(() => {});
      return fc.tuple(fc.integer({ min: 0, max: fields.length - 1 }), fc.integer({ min: 0, max: 3 })).chain(([f, how]) => {
        const field = fields[f]!;
        return sample(nearValues(rs, field.type, field)).map((v): Mutation => (app) => {
          const list = inputsOf(app)?.[sym.name];
          if (!Array.isArray(list) || list.length === 0 || list[0] === null || typeof list[0] !== "object") return;
          const rec = list[0] as Record<string, unknown>;
          if (how === 0) rec[field.name] = v;
          else if (how === 1) delete rec[field.name];
          else if (how === 2) rec[field.name] = null;
          else rec["未知字段"] = v;
        });
      });
    }));
  }
  // Unknown keys at every level, prototype-poisoning names included.
  options.push(fc.tuple(sample(["top", "inputs", "enterprise", "expert"] as const), sample(["未知", "__proto__", "constructor", "toString"])).map(([where, key]): Mutation => (app) => {
    const target = where === "top" ? app : where === "inputs" ? inputsOf(app) : where === "enterprise" ? (app["enterprise"] ??= {}) : app["experts"]?.[0];
    if (target && typeof target === "object") Object.defineProperty(target, key, { value: 1, enumerable: true, configurable: true, writable: true });
  }));
  // The envelope: id, enterprise texts (lengths in characters), grade.
  options.push(sample<Mutation>([
    (app) => { app["id"] = "x".repeat(200); },
    (app) => { app["id"] = ASTRAL.repeat(200); },
    (app) => { app["id"] = "x".repeat(201); },
    (app) => { app["id"] = 7; },
    (app) => { app["enterprise"] = { name: ASTRAL.repeat(200), creditCode: ASTRAL.repeat(18), city: "南京市", county: "x".repeat(50) }; },
    (app) => { app["enterprise"] = { creditCode: "9".repeat(19) }; },
    (app) => { app["enterprise"] = null; },
    (app) => { app["enterprise"] = { city: null }; },
    (app) => { app["grade"] = "AAAA"; },
    (app) => { delete app["grade"]; },
    (app) => { delete app["inputs"]; },
    (app) => { app["inputs"] = []; },
    (app) => { app["experts"] = null; },
    (app) => { app["experts"] = Array.from({ length: MAX_EXPERTS + 1 }, (_, i) => ({ name: `专家${i}`, scores: {} })); },
    (app) => { app["experts"] = Array.from({ length: MAX_EXPERTS }, (_, i) => ({ name: `专家${i}`, scores: {} })); },
  ]));
  // Experts' scores: above the item's points, negative, text forms, 7 places, unknown items, names.
  if (rs.judged.length > 0) {
    options.push(fc.tuple(fc.integer({ min: 0, max: rs.judged.length - 1 }), fc.integer({ min: 0, max: 4 })).chain(([k, e]) => {
      const item = rs.judged[k]!;
      const values = [...decimalEdges(0, item.max), -0.5, "-0.5", 0, "0", undefined];
      return sample(values).map((v): Mutation => (app) => {
        if (!Array.isArray(app["experts"])) app["experts"] = [];
        while (app["experts"].length <= e) app["experts"].push({ name: `专家${app["experts"].length}`, scores: {} });
        const ex = app["experts"][e];
        if (ex && typeof ex === "object" && ex.scores && typeof ex.scores === "object") ex.scores[item.id] = v;
      });
    }));
    options.push(sample<Mutation>([
      (app) => { app["experts"] = [{ name: "甲", scores: { "九十九.1": 1 } }]; },
      (app) => { app["experts"] = [{ name: ASTRAL.repeat(100), scores: {} }]; },
      (app) => { app["experts"] = [{ name: ASTRAL.repeat(101), scores: {} }]; },
      (app) => { app["experts"] = [{ scores: {} }]; },
      (app) => { app["experts"] = [{ name: "甲" }]; },
      (app) => { app["experts"] = [{ name: "甲", scores: null }]; },
    ]));
  }
  return fc.oneof(...options);
}

/** Valid applications, and valid ones with one to three mutations. */
function arbCandidate(rs: Ruleset): fc.Arbitrary<unknown> {
  return fc.tuple(arbApplication(rs, { maxList: 2, maxExperts: 3 }), fc.array(arbMutation(rs), { maxLength: 3 })).map(([app, mutations]) => {
    const copy = JSON.parse(JSON.stringify(app)) as Record<string, any>;
    for (const m of mutations) m(copy);
    // What a client sends is JSON: a round trip drops undefined and keeps own __proto__ keys.
    return JSON.parse(JSON.stringify(copy)) as unknown;
  });
}

/** Ajv and the engine on `count` candidates; the disagreements, shrunk by fast-check. */
function agree(rs: Ruleset, count: number, seed?: number): { valid: number; invalid: number } {
  const ajv = ajvFor(rs);
  const tally = { valid: 0, invalid: 0 };
  fc.assert(
    fc.property(arbCandidate(rs), (app) => {
      const engine = validate(rs, app) === null;
      const schema = ajv(app);
      if (engine) tally.valid++;
      else tally.invalid++;
      if (engine !== schema) throw new Error(`engine ${engine ? "accepts" : "refuses"}, schema ${schema ? "accepts" : "refuses"}: ${JSON.stringify(app).slice(0, 600)}`);
    }),
    { numRuns: count, ...(seed !== undefined ? { seed } : {}) },
  );
  return tally;
}

// ---------------------------------------------------------------------------------------------

describe("the exported JSON Schema accepts exactly what the engine accepts", () => {
  const rules2024 = compiled(readFileSync(new URL("rules/2024.rules", repo), "utf8"), "rules/2024.rules");

  test("rules/2024.rules: 2,000+ generated applications and near misses, no disagreement", () => {
    const { numRuns } = fuzzParams(3_000, 100_000);
    const { valid, invalid } = agree(rules2024, numRuns);
    console.log(`[contract] rules/2024.rules: ${numRuns} applications, ${valid} valid, ${invalid} invalid, Ajv and the engine agree on all`);
    // Both kinds are well represented, or the test would prove little.
    expect(valid).toBeGreaterThan(numRuns / 10);
    expect(invalid).toBeGreaterThan(numRuns / 10);
  });

  test("generated rule files: 2,000 applications each, no disagreement", () => {
    const files = fc.sample(arbCheckedRuleFileText(), { numRuns: 12, seed: 16 });
    let checked = 0;
    for (const text of files) {
      const c = compile(text, "generated.rules");
      if (!c.ok) continue;
      agree(c.ruleset, fuzzParams(2_000, 20_000).numRuns);
      checked++;
    }
    console.log(`[contract] ${checked} generated rule files × ${fuzzParams(2_000, 20_000).numRuns} applications: Ajv and the engine agree on all`);
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  test("the cases that used to slip through: a repeated set member, a decimal text out of range, a date that does not exist, 7 decimal places", () => {
    const ajv = ajvFor(rules2024);
    const example = JSON.parse(readFileSync(new URL("examples/01-kunshan-ruitai-jingmi-muju.json", repo), "utf8")) as Record<string, any>;
    expect(ajv(example)).toBe(true);
    expect(validate(rules2024, example)).toBeNull();
    const set = rules2024.inputs.find((i) => i.sym.type.kind === "set")!;
    const member = members(rules2024, (set.sym.type as Extract<Type, { kind: "set" }>).element)[0]!;
    const withRepeat = { ...example, inputs: { ...example["inputs"], [set.name]: [member, member] } };
    expect(validate(rules2024, withRepeat)).not.toBeNull();
    expect(ajv(withRepeat)).toBe(false);
    const item = rules2024.judged[0]!;
    const above = { ...example, experts: [{ name: "甲", scores: { [item.id]: `${D.format(item.max)}.000001` } }] };
    expect(validate(rules2024, above)).not.toBeNull();
    expect(ajv(above)).toBe(false);
    const sevenPlaces = { ...example, experts: [{ name: "甲", scores: { [item.id]: 0.1234567 } }] };
    expect(validate(rules2024, sevenPlaces)).not.toBeNull();
    expect(ajv(sevenPlaces)).toBe(false);
    const tenths = { ...example, experts: [{ name: "甲", scores: { [item.id]: 0.3 } }] };
    expect(validate(rules2024, tenths)).toBeNull();
    expect(ajv(tenths)).toBe(true);
  });
});

describe("decimalRangePattern spells a range digit by digit", () => {
  const ranges: [string | null, string | null][] = [["0", "2.5"], ["-3.25", "100"], ["1.5", "1.75"], [null, null], ["0.000001", "0.3"], ["-10", "-2.5"], ["0", "0"], ["2024", null]];
  test.each(ranges)("[%s, %s] agrees with the engine's reading of decimal text", (lo, hi) => {
    const min = lo === null ? null : D.parseDec(lo)!;
    const max = hi === null ? null : D.parseDec(hi)!;
    const re = new RegExp(decimalRangePattern(min, max), "u");
    const decimalText = fc.oneof(
      fc.tuple(fc.boolean(), fc.nat({ max: 3 }), fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.option(fc.stringMatching(/^\d{1,7}$/), { nil: undefined }))
        .map(([minus, zeros, int, frac]) => `${minus ? "-" : ""}${"0".repeat(zeros)}${int}${frac === undefined ? "" : `.${frac}`}`),
      fc.constantFrom("0", ...[lo, hi].filter((x): x is string => x !== null).flatMap((x) => [x, `${x}0`, `${x}1`, `${x}00001`, `0${x}`])),
    );
    fc.assert(fc.property(decimalText, (t) => {
      const d = /^-?\d+(\.\d{1,6})?$/.test(t) ? D.parseDec(t) : null;
      const inRange = d !== null && (min === null || d >= min) && (max === null || d <= max);
      expect(re.test(t), t).toBe(inRange);
    }), { numRuns: 3_000 });
  });

  test("the date pattern knows month lengths and leap years", () => {
    const re = new RegExp(DATE_PATTERN, "u");
    for (let y = 1896; y <= 2404; y += 1) {
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      expect(re.test(`${y}-02-29`), String(y)).toBe(leap);
    }
    expect(re.test("2024-04-31")).toBe(false);
    expect(re.test("2024-12-31")).toBe(true);
    expect(re.test("2024-00-10")).toBe(false);
  });
});
