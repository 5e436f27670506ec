/**
 * Exact decimals, exhaustively: EVERY sum of two one-decimal numbers in 0.0…100.0 — all
 * 1,001 × 1,001 = 1,002,001 pairs, looped rather than sampled — is exact through the engine's
 * decimal arithmetic: parsed from text (`parseDec`) and from a JSON number (`fromNumber`), added
 * (`add`), and formatted (`format`) to the exact decimal text, whose nearest double is the
 * number the result reports (`toNumber`). The same in the short and the long run (it is fast).
 */
import { describe, expect, test } from "vitest";
import { decimal as D } from "@jsqc/dsl";

/** The exact text of tenths/10, e.g. 7 → "0.7", 30 → "3", 1005 → "100.5". */
function tenthsText(tenths: number): string {
  const int = Math.floor(tenths / 10);
  const frac = tenths % 10;
  return frac === 0 ? String(int) : `${int}.${frac}`;
}

describe("every sum of two one-decimal numbers in 0.0…100.0 is exact", () => {
  test("all 1,002,001 pairs, from text and from JSON numbers", () => {
    const texts = Array.from({ length: 1001 }, (_, a) => `${Math.floor(a / 10)}.${a % 10}`);
    const fromText = texts.map((t) => D.parseDec(t));
    const fromJson = Array.from({ length: 1001 }, (_, a) => D.fromNumber(a / 10));
    for (let a = 0; a <= 1000; a++) {
      expect(fromText[a], texts[a]).toBe(a * 100_000);
      expect(fromJson[a], String(a / 10)).toBe(a * 100_000);
    }
    let checked = 0;
    const wrong: string[] = [];
    for (let a = 0; a <= 1000; a++) {
      const x = fromText[a]!;
      for (let b = 0; b <= 1000; b++) {
        const sum = D.add(x, fromJson[b]!);
        const text = D.format(sum);
        const expected = tenthsText(a + b);
        if (text !== expected || D.toNumber(sum) !== (a + b) / 10 || D.parseDec(text) !== sum) {
          if (wrong.length < 10) wrong.push(`${texts[a]} + ${b / 10} = ${text} (expected ${expected})`);
        }
        checked++;
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(1_002_001);
    // What floating point would have given: the reason for exact decimals.
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(D.format(D.add(D.parseDec("0.1")!, D.parseDec("0.2")!))).toBe("0.3");
  });
});
