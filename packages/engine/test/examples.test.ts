/**
 * Every application in examples/ against rules/2024, compared item by item with the result
 * worked out by hand beside it (examples/<name>.expected.json).
 */
import { describe, expect, test } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { compile, evaluate, type EvaluationResult } from "../src/index.js";

const root = new URL("../../../", import.meta.url);
const compiled = compile(readFileSync(new URL("rules/2024.rules", root), "utf8"), "2024.rules");
if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
const rs = compiled.ruleset;

interface Expected {
  total: string;
  sections: Record<string, string>;
  items: Record<string, string>;
  vetoes: Record<string, boolean>;
  eligibility: Record<string, boolean>;
  outcome: { grade: string; eligible: boolean; vetoed: boolean; passMark: string; passed: boolean; granted: boolean };
  flags: string[];
}

/** The engine's result in the hand-worked file's shape, so a mismatch shows as a readable diff. */
function actual(r: EvaluationResult): Omit<Expected, never> {
  return {
    total: r.total.decimal,
    sections: Object.fromEntries(r.sections.map((s) => [s.id, s.points.decimal])),
    items: Object.fromEntries(r.sections.flatMap((s) => s.items.map((i) => [i.id, i.points.decimal]))),
    vetoes: Object.fromEntries(r.vetoes.map((v) => [v.id, v.applies])),
    eligibility: Object.fromEntries(r.eligibility.map((e) => [e.grade, e.eligible])),
    outcome: {
      grade: r.outcome.grade, eligible: r.outcome.eligible, vetoed: r.outcome.vetoed,
      passMark: r.outcome.passMark.decimal, passed: r.outcome.passed, granted: r.outcome.granted,
    },
    flags: [...new Set(r.flags.map((f) => f.item))].sort(),
  };
}

const names = readdirSync(new URL("examples/", root)).filter((f) => /^\d\d-.*(?<!\.expected)\.json$/.test(f));

describe("examples/ against rules/2024, as worked by hand", () => {
  test("there are at least 12 examples, each with its hand-worked result", () => {
    expect(names.length).toBeGreaterThanOrEqual(12);
  });
  for (const name of names) {
    test(name, () => {
      const app = JSON.parse(readFileSync(new URL(`examples/${name}`, root), "utf8")) as unknown;
      const { workings: _w, ...expected } = JSON.parse(readFileSync(new URL(`examples/${name.replace(/\.json$/, ".expected.json")}`, root), "utf8")) as Expected & { workings: unknown };
      const r = evaluate(rs, app);
      if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.errors, null, 2)}`);
      expect(actual(r.result)).toEqual({ ...expected, flags: [...expected.flags].sort() });
    });
  }
});
