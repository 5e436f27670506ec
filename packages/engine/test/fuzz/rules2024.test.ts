/**
 * Fuzz: the engine on generated applications for rules/2024. Valid ones always give a result
 * within the declared bounds (invariants.ts); invalid ones always give errors; nothing throws;
 * the fast path and the zod contract agree; prototype-poisoning keys anywhere in an application
 * are refused and pollute nothing — `assertNoPoisoning` (@fast-check/poisoning) runs after every
 * run. Run counts: `runs(short, long)`; `FUZZ=long` for the long run.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { fuzzParams, FUZZ_LONG, FUZZ_MODE } from "@jsqc/dsl/testing";
import { compile, evaluate, type Ruleset } from "../../src/index.js";
import { arbApplication, arbInvalidApplication } from "../../src/testing/arbitraries.js";
import { noPoisoning, snapshotGlobals } from "./poisoning.js";
import { checkContract, checkInvalid, checkValid, evaluateSafely } from "./invariants.js";

const LONG_TIMEOUT = FUZZ_LONG ? 30 * 60_000 : 60_000;
const compiled = compile(readFileSync(new URL("../../../../rules/2024.rules", import.meta.url), "utf8"), "2024.rules");
if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
const rs: Ruleset = compiled.ruleset;

beforeAll(() => snapshotGlobals(() => {
  for (const app of fc.sample(fc.oneof(arbApplication(rs), arbInvalidApplication(rs)), { numRuns: 50, seed: 1 })) evaluate(rs, app);
}));

const tally = new Map<string, number>();
const count = (what: string) => tally.set(what, (tally.get(what) ?? 0) + 1);
afterAll(() => {
  const total = [...tally.values()].reduce((a, b) => a + b, 0);
  console.log(`[fuzz] engine rules2024 (${FUZZ_MODE}): ${total.toLocaleString("en")} applications\n${[...tally].map(([k, v]) => `  ${k}: ${v.toLocaleString("en")}`).join("\n")}`);
});

/** Keys that poison prototypes when an object is merged or assigned carelessly. */
const POISON_KEYS = ["__proto__", "constructor", "prototype"] as const;

/** Puts `key: value` as an own property of the object at `path` (created by JSON.parse, as a server would). */
function poisoned(app: Record<string, unknown>, where: number, key: string, value: unknown, viaJson: boolean): unknown {
  const copy = structuredClone(app) as Record<string, any>;
  const targets: Record<string, unknown>[] = [copy, copy["inputs"]];
  if (copy["experts"]?.[0]) targets.push(copy["experts"][0], copy["experts"][0].scores);
  const 标准 = copy["inputs"]?.["标准"];
  if (Array.isArray(标准) && 标准[0]) targets.push(标准[0]);
  copy["enterprise"] = { name: "某公司" };
  targets.push(copy["enterprise"]);
  const target = targets[where % targets.length]!;
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  return viaJson ? JSON.parse(JSON.stringify(copy)) : copy;
}

describe(`engine on generated applications for rules/2024 (${FUZZ_MODE})`, () => {
  test("the poisoning guard itself: a polluted prototype or a new global is caught", () => {
    (Object.prototype as Record<string, unknown>)["polluted"] = 1;
    try {
      expect(() => noPoisoning()).toThrow(/Object\.prototype\.polluted/);
    } finally {
      delete (Object.prototype as Record<string, unknown>)["polluted"];
    }
    (globalThis as Record<string, unknown>)["leaked"] = 1;
    try {
      expect(() => noPoisoning()).toThrow(/Poisoning detected/);
    } finally {
      delete (globalThis as Record<string, unknown>)["leaked"];
    }
    noPoisoning();
  });

  test("valid applications: a result within the declared bounds", () => {
    fc.assert(
      fc.property(arbApplication(rs, { maxList: 8, maxExperts: 7 }), (app) => { count("valid"); checkValid(rs, app); checkContract(rs, app); })
        .afterEach(noPoisoning),
      fuzzParams(150, 15_000),
    );
  }, LONG_TIMEOUT);

  test("invalid applications: errors with a path and a label, never a throw", () => {
    fc.assert(
      fc.property(arbInvalidApplication(rs), (app) => { count("invalid"); checkInvalid(rs, app); checkContract(rs, app); }).afterEach(noPoisoning),
      fuzzParams(150, 15_000),
    );
  }, LONG_TIMEOUT);

  test("prototype-poisoning keys anywhere: refused, and nothing is polluted", () => {
    const value = fc.constantFrom<unknown>({ polluted: 1 }, { prototype: { polluted: 1 } }, { toString: "x" }, [], null, 1, "x");
    fc.assert(
      fc.property(arbApplication(rs), fc.nat(), fc.constantFrom(...POISON_KEYS), value, fc.boolean(), (app, where, key, v, viaJson) => {
        count("poisoned");
        const bad = poisoned(app, where, key, v, viaJson);
        const r = evaluateSafely(rs, bad);
        if (r.ok) throw new Error(`a ${key} key was accepted: ${JSON.stringify(bad)}`);
        if (!r.errors.some((e) => e.path.endsWith(key) || e.path.includes(`${key}`))) throw new Error(`no error names ${key}: ${JSON.stringify(r.errors)}`);
        if (({} as Record<string, unknown>)["polluted"] !== undefined || ([] as unknown as Record<string, unknown>)["polluted"] !== undefined) throw new Error("Object.prototype polluted");
      }).afterEach(noPoisoning),
      fuzzParams(100, 10_000),
    );
  }, LONG_TIMEOUT);

  test("any JSON value, and any JavaScript value: never a throw", () => {
    const anything = fc.oneof(
      fc.jsonValue(),
      fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, withBoxedValues: true }),
      arbApplication(rs).map((app) => ({ ...app, inputs: { ...(app["inputs"] as object), 标准: [{ 角色: "主导", 级别: "国家", __proto__: { polluted: 1 } }] } })),
    );
    fc.assert(fc.property(anything, (v) => { count("any value"); const r = evaluateSafely(rs, v); if (r.ok) checkValid(rs, v); }).afterEach(noPoisoning), fuzzParams(150, 20_000));
  }, LONG_TIMEOUT);

  test("the same application always gives the same result", () => {
    fc.assert(
      fc.property(arbApplication(rs), (app) => {
        count("determinism");
        expect(evaluate(rs, structuredClone(app))).toEqual(evaluate(rs, app));
      }).afterEach(noPoisoning),
      fuzzParams(50, 3_000),
    );
  }, LONG_TIMEOUT);
});
