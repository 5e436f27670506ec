/**
 * Fuzz: the formatter on generated rule files. Formatting gives no diagnostics, is idempotent,
 * and the formatted text parses to the same tree (spans aside) with the same comments; on
 * mutated files that still parse, the same holds whenever the formatter changes the text.
 */
import { afterAll, describe, test } from "vitest";
import fc from "fast-check";
import { format, parse, printRuleFile } from "../../src/index.js";
import { arbRuleFileText, fuzzParams, FUZZ_LONG, FUZZ_MODE, stripSpans } from "../../src/testing/index.js";
import { mutated, Tally } from "./support.js";

const LONG_TIMEOUT = FUZZ_LONG ? 30 * 60_000 : 60_000;
const isSyntaxError = (code: string) => code.startsWith("P") || code.startsWith("L");
/** What makes `format` leave a file as it is, by design (see format.ts). */
const blocks = (code: string) => isSyntaxError(code) || code.startsWith("M") || ["S004", "S020", "F001"].includes(code);
const commentTexts = (text: string) => parse(text).comments.map((c) => c.text.replace(/[ \t\u3000\ufeff]+$/, "")).sort();
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

afterAll(() => Tally.report(`dsl format (${FUZZ_MODE})`));

function roundTrip(text: string): void {
  const before = parse(text);
  const once = format(text);
  if (once.diagnostics.some((d) => blocks(d.code))) return;
  // Otherwise it prints the tree; falling back to the text unchanged would hide a printer bug.
  if (once.text !== printRuleFile(before.ast, before.comments)) throw new Error(`format fell back to the unchanged text on ${JSON.stringify(text)}`);
  const twice = format(once.text);
  if (twice.text !== once.text) throw new Error(`not idempotent:\n${text}\n---\n${once.text}\n---\n${twice.text}`);
  const after = parse(once.text);
  if (after.diagnostics.some((d) => isSyntaxError(d.code))) throw new Error(`formatted text has syntax errors:\n${once.text}`);
  if (!same(stripSpans(after.ast), stripSpans(before.ast))) throw new Error(`the tree changed:\n${text}\n---\n${once.text}`);
  if (!same(commentTexts(once.text), commentTexts(text))) throw new Error(`the comments changed:\n${text}\n---\n${once.text}`);
}

describe(`format → parse gives the same tree, and format is idempotent (${FUZZ_MODE})`, () => {
  test("generated rule files", () => {
    fc.assert(
      fc.property(arbRuleFileText(), (text) => {
        Tally.add("format generated");
        const once = format(text);
        if (once.diagnostics.length > 0) throw new Error(`diagnostics formatting a generated file: ${JSON.stringify(once.diagnostics[0])}\n${text}`);
        roundTrip(text);
      }),
      fuzzParams(150, 25_000),
    );
  }, LONG_TIMEOUT);

  test("generated rule files, mutated, where they still parse", () => {
    fc.assert(fc.property(mutated(arbRuleFileText(), 2), (text) => { Tally.add("format mutated generated"); roundTrip(text); }), fuzzParams(150, 10_000));
  }, LONG_TIMEOUT);
});
