import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { compile, evaluate } from "../src/index.js";
import { decimal as D } from "@jsqc/dsl";

/** A rule file of `sections` sections × `items` items, each worth `points` when its yes/no input holds. */
function tenthsFile(sections: number, items: number, points: string): string {
  const weight = D.format(D.mulInt(D.parseDec(points)!, items));
  const total = D.format(D.mulInt(D.parseDec(points)!, items * sections));
  const lines = [`ruleset "0.1 分测试" {\n  year 2025\n  total ${total}\n}`, `input 达标: yesno "达标"`];
  for (let s = 1; s <= sections; s++) {
    lines.push(`section S${s} "第${s}部分" weight ${weight} {`);
    for (let i = 1; i <= items; i++) lines.push(`  item ${i} "第${i}项" points ${points} { award ${points} when 达标 }`);
    lines.push("}");
  }
  lines.push(`grade A { pass ${total} }`);
  return lines.join("\n");
}

describe("exact decimals", () => {
  test("1,000 items of 0.1 points sum to exactly 100, and the checker proves it", () => {
    const c = compile(tenthsFile(10, 100, "0.1"));
    if (!c.ok) throw new Error(JSON.stringify(c.diagnostics));
    expect(c.ruleset.diagnostics).toEqual([]);
    const r = evaluate(c.ruleset, { grade: "A", inputs: { 达标: true } });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.result.total).toEqual({ decimal: "100", number: 100 });
    expect(r.result.sections.every((s) => s.points.decimal === "10")).toBe(true);
    // The pass mark is the whole 100: a float sum (99.9999999…) would fail it.
    expect(r.result.outcome.passed).toBe(true);
  });

  test("0.1 + 0.2 is 0.3 in a formula, a cap and a comparison", () => {
    const text = `ruleset "t" { year 2025 total 0.3 }
input a: decimal "a" min 0 max 1
section S "s" weight 0.3 {
  item 1 "x" points 0.3 { formula a + 0.2  cap 0.3 }
}
eligibility { require "和为 0.3": a + 0.2 == 0.3 }
grade A { pass 0.3 }`;
    const c = compile(text);
    if (!c.ok) throw new Error(JSON.stringify(c.diagnostics));
    const r = evaluate(c.ruleset, { grade: "A", inputs: { a: 0.1 } });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.result.total.decimal).toBe("0.3");
    expect(r.result.eligibility[0]!.eligible).toBe(true);
    expect(r.result.outcome.granted).toBe(true);
  });

  test("every sum of two one-decimal numbers in 0.0…100.0 is exact (sampled)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (a, b) => {
        const x = D.parseDec((a / 10).toString())!;
        const y = D.fromNumber(b / 10)!;
        expect(D.format(D.add(x, y))).toBe(D.format(D.fromInt(a + b) / 10));
        expect(D.parseDec(D.format(x + y))).toBe(x + y);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("numbers from JSON", () => {
  test("fromNumber is exact for every value with up to six decimals, and refuses more", () => {
    fc.assert(
      fc.property(fc.integer({ min: -999_999_999_999, max: 999_999_999_999 }), fc.integer({ min: 0, max: 6 }), (m, places) => {
        const text = (m / 10 ** places).toFixed(places);
        expect(D.fromNumber(Number(text))).toBe(D.parseDec(text));
      }),
      { numRuns: 20_000 },
    );
    expect(D.fromNumber(0.1 + 0.2)).toBeNull(); // 0.30000000000000004: more than six places
    expect(D.fromNumber(0.1)).toBe(100_000);
    expect(D.fromNumber(2.125)).toBe(2_125_000);
    expect(D.fromNumber(1e-7)).toBeNull();
  });
});
