/**
 * The cost model (src/cost.ts): the static bound on one application's evaluation work, the budget
 * files are held to (K001 refuses, K002 warns), and the reproduction of issue 13 item 1 — a rule
 * file of two-level `any(L where any(M where k == a and …))` that checked clean and made one
 * evaluation take minutes.
 */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { check, parse, EVALUATION_BUDGET, MAX_LIST_LENGTH, type Diagnostic } from "../src/index.js";

const N = MAX_LIST_LENGTH;

function costOf(text: string) {
  const checked = check(parse(text));
  return { ...checked.model.summary.cost, diagnostics: checked.diagnostics };
}

/** A file around one item's `when`, with a list L and a set S to quantify over. */
function withCondition(when: string, items = 1): string {
  const lines = Array.from({ length: items }, (_, i) => `  item ${i + 1} "x" points 1 { award 1 when ${when} }`);
  return [
    `ruleset "t" { year 2050 total ${items} }`,
    "enum R { a b }",
    'record Rec "r" { k: R "k" }',
    'input L: list of Rec "L"',
    'input M: list of Rec "M"',
    'input S: set of R "S"',
    'input c: count "c"',
    `section 一 "s" weight ${items} {`,
    ...lines,
    "}",
    'grade A "A" { pass 0 }',
    "",
  ].join("\n");
}

/** The reproduction's generator (shared/repro/gen-slow-eval-rules.mjs), inlined. */
function slowRules(limit: number, conj: number): string {
  const cond = `any(L where any(M where ${Array(conj).fill("k==a").join(" and ")} and k==b))`;
  const head = 'ruleset "t" { year 2050 total NN }\nenum R { a b }\nrecord Rec "r" { k: R "k" }\ninput L: list of Rec "L"\ninput M: list of Rec "M"\nsection 一 "s" weight NN {\n';
  const tail = '}\ngrade A "A" { pass 0 }\n';
  let items = "";
  let n = 0;
  for (;;) {
    const line = `  item ${n + 1} "x" points 1 { award 1 when ${cond} }\n`;
    if (head.length + items.length + line.length + tail.length + 10 > limit) break;
    items += line;
    n++;
  }
  return head.replaceAll("NN", String(n)) + items + tail;
}

const codes = (ds: readonly Diagnostic[]) => ds.map((d) => d.code);
/** The cost model's codes only (the small files leave some inputs unused: N003). */
const costCodes = (ds: readonly Diagnostic[]) => codes(ds).filter((c) => c.startsWith("K"));

describe("the bound", () => {
  test("a plain condition costs its nodes; the award adds one step", () => {
    // `c >= 1`: the comparison, the name, the number.
    expect(costOf(withCondition("c >= 1")).steps).toBe(1 + 3);
  });

  test("a quantifier's condition counts once per entry of the longest list", () => {
    // any: 1 + the list's name 1 + N bindings + N × (k == a: 3 nodes)
    expect(costOf(withCondition("any(L where k == a)")).steps).toBe(1 + 1 + 1 + N + N * 3);
  });

  test("nested quantifiers multiply: N × N × the inner condition", () => {
    const inner = 1 + N + N * 3; // the inner any's own name, bindings and condition, per outer entry
    expect(costOf(withCondition("any(L where any(M where k == a))")).steps).toBe(1 + 1 + 1 + N + N * (1 + inner));
  });

  test("a set's membership test counts its longest length times the values listed", () => {
    // In: 1 + subject 1 + N × 2 values
    expect(costOf(withCondition("S in {a, b}")).steps).toBe(1 + 1 + 1 + N * 2);
  });

  test("items add up; the costliest come first, named by id", () => {
    const cost = costOf(withCondition("any(L where k == a)", 3));
    expect(cost.steps).toBe(3 * (1 + 1 + 1 + N + N * 3));
    expect(cost.costliest.map((r) => r.id)).toEqual(["一.1", "一.2", "一.3"]);
    expect(cost.budget).toBe(EVALUATION_BUDGET);
  });
});

describe("the budget", () => {
  test("rules/2024.rules checks clean and its bound is far below the budget (under 1 %)", () => {
    const text = readFileSync(new URL("../../../rules/2024.rules", import.meta.url), "utf8");
    const cost = costOf(text);
    expect(cost.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(codes(cost.diagnostics).filter((c) => c.startsWith("K"))).toEqual([]);
    expect(cost.steps).toBeGreaterThan(0);
    expect(cost.steps).toBeLessThan(EVALUATION_BUDGET / 100);
  });

  test("issue 13's reproduction (gen-slow-eval-rules 10240 … 200) is refused with K001 at its costliest item", () => {
    const text = slowRules(10240, 200);
    const cost = costOf(text);
    expect(cost.steps).toBeGreaterThan(100 * EVALUATION_BUDGET);
    expect(codes(cost.diagnostics)).toEqual(["K001"]);
    const k = cost.diagnostics[0]!;
    expect(k.severity).toBe("error");
    expect(k.span.start.line).toBe(7); // item 1, the first of the equally costly items
    expect(k.message).toContain("一.1");
    expect(k.messageEn).toContain("the costliest rule is item 一.1");
    expect(k.data).toMatchObject({ rule: "一.1", budget: String(EVALUATION_BUDGET), steps: String(cost.steps) });
  });

  test("the same shape with a short condition stays under the budget; one more level of work tips it over", () => {
    expect(costCodes(costOf(withCondition("any(L where any(M where k == a))")).diagnostics)).toEqual([]);
    const long = withCondition(`any(L where any(M where ${Array(10).fill("k == a").join(" and ")}))`);
    expect(costCodes(costOf(long).diagnostics)).toEqual(["K001"]);
  });

  test("lists nested too deep are reported once, as T009, not again as K001", () => {
    const nested = costOf(withCondition("any(L where any(M where any(L where k == a)))")).diagnostics;
    expect(codes(nested)).toContain("T009");
    expect(costCodes(nested)).toEqual([]);
  });

  test("a file near the limit of nesting and size does not overflow the cost model's stack", () => {
    const deep = withCondition(Array(200).fill("c").join(" + ") + " >= 1");
    expect(() => costOf(deep)).not.toThrow();
  });
});
