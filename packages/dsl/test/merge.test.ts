/**
 * The three-way merge of rule files: unit cases in the notice's terms, and a property over random
 * pairs of structural edits (made through `edits`, as the structure view makes them) on the same
 * base — the 2024 rule file.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { edits as E, mergeRuleFiles, resolveMerge, checkErrors, parse, type ItemDecl, type SectionDecl } from "../src/index.js";
import { fuzzParams, FUZZ_LONG } from "../src/testing/index.js";

const base = readFileSync(new URL("../../../rules/2024.rules", import.meta.url), "utf8");
const apply = (text: string, es: readonly E.TextEdit[]) => E.applyEdits(text, es);

describe("mergeRuleFiles", () => {
  test("edits to different rules merge without a conflict; the merged file has both", () => {
    const mine = apply(base, E.setPassMark(base, "AA", "76"));
    const theirs = apply(base, E.setQuota(base, "AAA", "16"));
    const m = mergeRuleFiles(base, mine, theirs);
    expect(m.conflicts).toEqual([]);
    expect(m.clean).toBe(true);
    expect(m.text).toBe(apply(base, [...E.setPassMark(base, "AA", "76"), ...E.setQuota(base, "AAA", "16")]));
    expect(m.mineDiff.changes.map((c) => c.what)).toEqual(["AA级 及格分 75 → 76"]);
    expect(m.theirsDiff.changes.map((c) => c.what)).toEqual(["AAA级 名额 每市 15 家 → 每市 16 家"]);
  });

  test("the same change on both sides is no conflict", () => {
    const mine = apply(base, E.setPassMark(base, "AA", "76"));
    const m = mergeRuleFiles(base, mine, mine);
    expect(m.clean).toBe(true);
    expect(m.text).toBe(mine);
  });

  test("a change to the same rule is a conflict, told in the notice's terms with the text beside it", () => {
    const mine = apply(base, E.setItemCap(base, "七.3", "3"));
    const theirs = apply(base, E.setItemCap(base, "七.3", "2.5"));
    const m = mergeRuleFiles(base, mine, theirs);
    expect(m.text).toBeNull();
    expect(m.clean).toBe(false);
    expect(m.conflicts).toHaveLength(1);
    const c = m.conflicts[0]!;
    expect(c.mineChanges.map((x) => x.what)).toEqual(["第七部分③ 封顶 2 → 3"]);
    expect(c.theirsChanges.map((x) => x.what)).toEqual(["第七部分③ 封顶 2 → 2.5"]);
    expect(c.base).toBe("    cap 2\n");
    expect(c.mine).toBe("    cap 3\n");
    expect(c.theirs).toBe("    cap 2.5\n");
    expect(c.baseLine).toBe(base.slice(0, base.indexOf("    cap 2\n")).split("\n").length);
    expect(resolveMerge(m, ["mine"])).toBe(mine);
    expect(resolveMerge(m, ["theirs"])).toBe(theirs);
  });

  test("a merge without a text conflict that makes a file with errors is not clean", () => {
    // Mine stops using an input and removes it; theirs (elsewhere) starts using it: each side
    // checks, the merge does not.
    const input = parse(base).ast.declarations.find((d) => d.type === "Input" && d.name.value === "发明专利数")!;
    const judged = apply(base, E.changeForm(base, "七.3", "Judged"));
    const declaration = base.slice(input.span.start.offset, input.span.end.offset);
    const at = judged.indexOf(declaration);
    const mine = judged.slice(0, at) + judged.slice(judged.indexOf("\n", at + declaration.length) + 2);
    const theirs = apply(base, E.changeForm(base, "八.1", "Formula", "发明专利数"));
    expect(checkErrors(mine)).toEqual([]);
    expect(checkErrors(theirs)).toEqual([]);
    const m = mergeRuleFiles(base, mine, theirs);
    expect(m.conflicts).toEqual([]);
    expect(m.errors.length).toBeGreaterThan(0);
    expect(m.clean).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

const ast = parse(base).ast;
const sections = ast.declarations.filter((d): d is SectionDecl => d.type === "Section");
const items: ItemDecl[] = sections.flatMap((s) => s.items);
const sectionIds = sections.map((s) => s.id.value);
const itemIds = items.map((i) => i.id);
const grades = ["A", "AA", "AAA"];
const value = fc.integer({ min: 1, max: 40 }).map((n) => (n % 4 === 0 ? String(n / 4) : `${Math.floor(n / 4)}.${(n % 4) * 25}`.replace(/\.50$/, ".5")));
const words = fc.constantFrom("产品质量", "标准化", "品牌建设", "诚信经营", "质量管理");

/** One structural edit as the structure view makes it, with a short name for failure reports. */
type Edit = { readonly name: string; readonly make: (text: string) => E.TextEdit[] };
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.constantFrom(...itemIds), value).map(([id, v]): Edit => ({ name: `points ${id} ${v}`, make: (t) => E.setItemPoints(t, id, v) })),
  fc.tuple(fc.constantFrom(...itemIds), fc.option(value)).map(([id, v]): Edit => ({ name: `cap ${id} ${v}`, make: (t) => E.setItemCap(t, id, v) })),
  fc.tuple(fc.constantFrom(...itemIds), words).map(([id, w]): Edit => ({ name: `text ${id} ${w}`, make: (t) => E.setItemText(t, id, w) })),
  fc.tuple(fc.constantFrom(...sectionIds), words).map(([id, w]): Edit => ({ name: `title ${id} ${w}`, make: (t) => E.setSectionTitle(t, id, w) })),
  fc.tuple(fc.constantFrom(...sectionIds), value).map(([id, v]): Edit => ({ name: `weight ${id} ${v}`, make: (t) => E.setSectionWeight(t, id, v) })),
  fc.tuple(fc.constantFrom(...grades), fc.integer({ min: 50, max: 99 })).map(([g, v]): Edit => ({ name: `pass ${g} ${v}`, make: (t) => E.setPassMark(t, g, String(v)) })),
  fc.tuple(fc.constantFrom(...grades), fc.integer({ min: 1, max: 60 })).map(([g, v]): Edit => ({ name: `quota ${g} ${v}`, make: (t) => E.setQuota(t, g, String(v)) })),
  fc.constantFrom(...itemIds).map((id): Edit => ({ name: `remove ${id}`, make: (t) => E.removeItem(t, id) })),
  fc.constantFrom(...itemIds).map((id): Edit => ({ name: `duplicate ${id}`, make: (t) => E.duplicateItem(t, id) })),
  fc.tuple(fc.constantFrom(...itemIds), fc.constantFrom(-1 as const, 1 as const)).map(([id, d]): Edit => ({ name: `move ${id} ${d}`, make: (t) => E.moveItem(t, id, d) })),
  fc.tuple(fc.constantFrom(...sectionIds), words, value).map(([id, w, v]): Edit => ({ name: `add item ${id} ${w} ${v}`, make: (t) => E.addItem(t, id, w, v) })),
);
/** One side: one or two edits, made one after the other (the second on the first's result). */
const side = fc.array(edit, { minLength: 1, maxLength: 2 });

/** Applies a side's edits in turn; returns the text and the base lines each touched (when all were on the base). */
function run(edits: readonly Edit[]): { text: string; first: E.TextEdit[] } {
  let text = base;
  let first: E.TextEdit[] = [];
  edits.forEach((e, i) => {
    const es = e.make(text);
    if (i === 0) first = es;
    text = apply(text, es);
  });
  return { text, first };
}

const lineStarts = (() => {
  const starts = [0];
  for (let i = 0; i < base.length; i++) if (base[i] === "\n") starts.push(i + 1);
  return starts;
})();
/** 1-based line of a base offset. */
function lineOf(offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
/**
 * The base lines an edit touches, as an interval; an insertion at a line's start is the point
 * between two lines (a half line).
 */
function touched(e: E.TextEdit): [number, number] {
  if (e.start === e.end) {
    const l = lineOf(e.start);
    return lineStarts[l - 1] === e.start ? [l - 0.5, l - 0.5] : [l, l];
  }
  return [lineOf(e.start), lineOf(e.end - 1)];
}
/** No line of one side's edits within one line of the other's: at least one untouched line between. */
function apart(a: readonly E.TextEdit[], b: readonly E.TextEdit[]): boolean {
  return a.every((x) => b.every((y) => {
    const [xl, xh] = touched(x);
    const [yl, yh] = touched(y);
    return yl - xh > 1 || xl - yh > 1;
  }));
}

describe("the merge of random structural edits on the same base", () => {
  test("edits on lines apart merge to applying both; the merge checks whenever both sides did", () => {
    let apartCount = 0;
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 1 }), side, (mineEdits, theirsEdits) => {
      // Mine is one edit on the base; theirs one or two, so theirs' text is not always a plain patch of the base.
      const mine = run(mineEdits);
      const theirs = run(theirsEdits);
      const m = mergeRuleFiles(base, mine.text, theirs.text);
      if (theirsEdits.length === 1 && apart(mine.first, theirs.first)) {
        apartCount++;
        expect(m.conflicts).toEqual([]);
        expect(m.text).toBe(apply(base, [...mine.first, ...theirs.first]));
      }
      if (m.text !== null && checkErrors(mine.text).length === 0 && checkErrors(theirs.text).length === 0) {
        expect(m.errors).toEqual([]);
        expect(m.clean).toBe(true);
      }
    }), fuzzParams(40, 1000));
    expect(apartCount).toBeGreaterThan(0);
  }, FUZZ_LONG ? 3_600_000 : 60_000);
});
