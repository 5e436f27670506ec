/**
 * Fuzz: `parse` and `check` on random text and on soups of the language's own tokens. Never an
 * exception; every diagnostic has a known code, both messages and a valid range in the text.
 * Run counts: `runs(short, long)` (packages/dsl/src/testing/fuzz.ts); `FUZZ=long` for the long run.
 */
import { afterAll, describe, test } from "vitest";
import fc from "fast-check";
import { fuzzParams, FUZZ_MODE, FUZZ_LONG } from "../../src/testing/index.js";
import { diagnoseSafely, SNIPPETS, Tally } from "./support.js";

const LONG_TIMEOUT = FUZZ_LONG ? 30 * 60_000 : 60_000;

afterAll(() => Tally.report(`dsl parse-random (${FUZZ_MODE})`));

describe(`parse and check on random text (${FUZZ_MODE})`, () => {
  test("arbitrary Unicode: graphemes, composites, binary, the language's punctuation", () => {
    const text = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc.string({ unit: "grapheme-composite", maxLength: 100 }),
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.string({ unit: fc.constantFrom(..."{}()[]:,\"#①⑳-+*/<>=!\\ \n\r\t　“”：；标准ab1.2024-"), maxLength: 300 }),
    );
    fc.assert(fc.property(text, (t) => { Tally.add("random text"); diagnoseSafely(t); }), fuzzParams(400, 500_000));
  }, LONG_TIMEOUT);

  test("soups of tokens and separators", () => {
    const sep = fc.constantFrom(" ", "\n", "", "\t", "\r\n", "\u3000", " # c\n");
    const soup = fc.array(fc.tuple(fc.constantFrom(...SNIPPETS), sep), { maxLength: 120 }).map((ps) => ps.map(([t, s]) => t + s).join(""));
    fc.assert(fc.property(soup, (t) => { Tally.add("token soup"); diagnoseSafely(t); }), fuzzParams(300, 250_000));
  }, LONG_TIMEOUT);

  test("long lines, huge numbers, many strings: the shapes of a pasted document", () => {
    const piece = fc.oneof(
      fc.string({ unit: "grapheme", minLength: 200, maxLength: 2000 }).map((s) => `"${s.replace(/["\\\n\r]/g, "")}"`),
      fc.bigInt({ min: 0n, max: 10n ** 40n }).map((n) => `${n}.${n}`),
      fc.constantFrom("note", "item ①", "{", "}", "\n"),
    );
    const doc = fc.array(piece, { maxLength: 30 }).map((ps) => ps.join(" "));
    fc.assert(fc.property(doc, (t) => { Tally.add("document-shaped"); diagnoseSafely(t); }), fuzzParams(100, 20_000));
  }, LONG_TIMEOUT);
});
