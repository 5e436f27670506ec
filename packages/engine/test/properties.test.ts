import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { compile, evaluate, validate, type Ruleset } from "../src/index.js";
import { arbApplication, arbInvalidApplication } from "../src/testing/arbitraries.js";
import { decimal as D } from "@jsqc/dsl";

const text = readFileSync(new URL("../../../rules/2024.rules", import.meta.url), "utf8");
const compiled = compile(text, "2024.rules");
if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
const rs: Ruleset = compiled.ruleset;
const dec = (s: string) => D.parseDec(s)!;

function score(app: unknown) {
  const r = evaluate(rs, app);
  if (!r.ok) throw new Error(`valid application refused: ${JSON.stringify(r.errors)}`);
  return r.result;
}

describe("evaluate on generated valid applications for rules/2024", () => {
  test("items stay within 0 and their maximum; sections within their weight; total is their sum", () => {
    fc.assert(
      fc.property(arbApplication(rs), (app) => {
        const r = score(app);
        let total = 0;
        for (const s of r.sections) {
          let sum = 0;
          for (const i of s.items) {
            expect(dec(i.points.decimal)).toBeGreaterThanOrEqual(0);
            expect(dec(i.points.decimal)).toBeLessThanOrEqual(dec(i.maximum.decimal));
            sum += dec(i.points.decimal);
          }
          expect(dec(s.points.decimal)).toBe(sum);
          expect(dec(s.points.decimal)).toBeLessThanOrEqual(dec(s.weight.decimal));
          total += sum;
        }
        expect(dec(r.total.decimal)).toBe(total);
        expect(r.total.number).toBe(Number(r.total.decimal));
      }),
      { numRuns: 500 },
    );
  });

  test("the same input always gives the same result, with or without the trace", () => {
    fc.assert(
      fc.property(arbApplication(rs), (app) => {
        const a = evaluate(rs, app);
        const b = evaluate(rs, structuredClone(app));
        expect(b).toEqual(a);
        const lean = evaluate(rs, app, { trace: false });
        if (!a.ok || !lean.ok) throw new Error("refused");
        expect(lean.result.total).toEqual(a.result.total);
        expect(lean.result.outcome).toEqual(a.result.outcome);
        expect(lean.result.sections.map((s) => s.items.map((i) => i.points.decimal))).toEqual(a.result.sections.map((s) => s.items.map((i) => i.points.decimal)));
      }),
      { numRuns: 300 },
    );
  });

  const more: [string, (inputs: Record<string, unknown>) => void][] = [
    ["a certificate", (i) => { i["有效体系认证证书数"] = Math.min(50, (i["有效体系认证证书数"] as number) + 1); }],
    ["an invention patent", (i) => { i["发明专利数"] = Math.min(100000, (i["发明专利数"] as number) + 1); }],
    ["a utility-model patent", (i) => { i["实用新型专利数"] = Math.min(100000, (i["实用新型专利数"] as number) + 1); }],
    ["a standard", (i) => { i["标准"] = [...((i["标准"] as unknown[]) ?? []), { 角色: "参与", 级别: "地方" }]; }],
    ["a led international standard", (i) => { i["标准"] = [...((i["标准"] as unknown[]) ?? []), { 角色: "主导", 级别: "国际" }]; }],
  ];
  for (const [what, add] of more) {
    test(`adding ${what} never lowers a score`, () => {
      fc.assert(
        fc.property(arbApplication(rs), (app) => {
          const before = score(app);
          const inputs = structuredClone(app["inputs"]) as Record<string, unknown>;
          add(inputs);
          const after = score({ ...app, inputs });
          expect(dec(after.total.decimal)).toBeGreaterThanOrEqual(dec(before.total.decimal));
          after.sections.forEach((s, k) => {
            expect(dec(s.points.decimal)).toBeGreaterThanOrEqual(dec(before.sections[k]!.points.decimal));
          });
        }),
        { numRuns: 200 },
      );
    });
  }

  test("invalid applications always give errors with a path and a label, never a throw", () => {
    fc.assert(
      fc.property(arbInvalidApplication(rs), (app) => {
        const r = evaluate(rs, app);
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.errors.length).toBeGreaterThan(0);
        for (const e of r.errors) {
          expect(e.path.length).toBeGreaterThan(0);
          expect(e.label.length).toBeGreaterThan(0);
          expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  test("the fast path and the zod contract accept exactly the same applications", () => {
    fc.assert(
      fc.property(fc.oneof(arbApplication(rs), arbInvalidApplication(rs)), (app) => {
        expect(validate(rs, app) === null).toBe(rs.schema.safeParse(app).success);
      }),
      { numRuns: 1000 },
    );
  });

  test("prototype-poisoning keys are reported and pollute nothing", () => {
    const app = JSON.parse('{"grade":"A","inputs":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}},"__proto__":{"polluted":2}}');
    const r = evaluate(rs, app);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toEqual(expect.arrayContaining(["inputs.__proto__", "inputs.constructor"]));
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
