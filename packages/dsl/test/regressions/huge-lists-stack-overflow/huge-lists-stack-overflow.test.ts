/**
 * Regression (found while measuring the worst parse times within MAX_SOURCE_LENGTH, see
 * docs/reliability.md): `parse` and `check` threw "RangeError: Maximum call stack size exceeded"
 * — they must never throw — on a call with ~1.5 × 10⁵ arguments (`min(a, 1, 1, …)`: the AST builder
 * spread the arguments into a call, and the checker spread their bounds into Math.min), and on
 * ~1.5 × 10⁵ declarations after a syntax error at the top and before an unknown name (the checker
 * spread every declaration's offset into Math.min).
 *
 * Fix: loops and folds instead of spreading an unbounded list into a call (parse.ts `madeOf`;
 * checker.ts `brokenBefore`, the bounds of min/max).
 */
import { describe, expect, test } from "vitest";
import { check, parse, MAX_TOKENS } from "../../../src/index.js";

/**
 * Past what a spread into a call survives (about 125,000 on Node 20's default stack). Since
 * MAX_TOKENS (M003) such a file is refused before it is parsed; the largest accepted ones (just
 * under MAX_TOKENS) are parsed and checked too, and must not throw either.
 */
const N = 160_000;

function diagnose(text: string): string[] {
  return check(parse(text)).diagnostics.map((d) => d.code);
}

describe("lists of any length are looped over, never spread onto the stack", () => {
  test(`min() of ${N.toLocaleString("en")} arguments`, () => {
    const text = `ruleset "t" { year 2025 total 1 }\ninput a: count "a" max 3\nsection 一 "s" weight 1 { item 1 "x" points 1 { formula min(a${", 1".repeat(N)}) cap 1 } }\ngrade A { pass 1 }\n`;
    let codes: string[] = [];
    expect(() => { codes = diagnose(text); }).not.toThrow();
    expect(codes).toEqual(["M003"]);
    // The most arguments under the token limit (each ", 1" is two tokens): parsed and checked.
    const most = Math.floor((MAX_TOKENS - 100) / 2);
    const accepted = text.replace(`${", 1".repeat(N)})`, `${", 1".repeat(most)})`);
    expect(() => { codes = diagnose(accepted); }).not.toThrow();
    expect(codes.filter((c) => !c.startsWith("S0"))).toEqual([]);
  }, 120_000);

  test(`a syntax error before ${N.toLocaleString("en")} declarations, then an unknown name`, () => {
    // The unknown name makes the checker ask whether a syntax error lies before the first declaration.
    const text = `@\n${"input a: count\n".repeat(N)}section 一 "s" { item 1 "x" { formula zz } }\n`;
    let codes: string[] = [];
    expect(() => { codes = diagnose(text); }).not.toThrow();
    expect(codes).toEqual(["M003"]);
    // The most declarations under the token limit (four tokens each): the syntax error first.
    const accepted = text.replace("input a: count\n".repeat(N), "input a: count\n".repeat(Math.floor((MAX_TOKENS - 100) / 4)));
    expect(() => { codes = diagnose(accepted); }).not.toThrow();
    expect(codes[0]).toBe("L001");
  }, 120_000);
});
