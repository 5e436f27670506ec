import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { parse, type SectionDecl, type VetoGroupDecl, type GradeDecl } from "../src/index.js";

const source = readFileSync(new URL("../../../rules/2024.rules", import.meta.url), "utf8");
const result = parse(source);
const decls = result.ast.declarations;
const sections = decls.filter((d): d is SectionDecl => d.type === "Section");

describe("rules/2024.rules", () => {
  test("parses without diagnostics", () => {
    expect(result.diagnostics).toEqual([]);
  });

  test("has the ruleset header of 苏市监〔2024〕53号", () => {
    const h = result.ast.header;
    expect(h?.year?.value).toBe("2024");
    expect(h?.document?.value).toBe("苏市监〔2024〕53号");
    expect(h?.total?.value).toBe("100");
    expect(h?.applicationDate?.name).toBe("申报日期");
  });

  test("has sections 一 to 十 whose weights sum to 100", () => {
    expect(sections.map((s) => s.id.value)).toEqual(["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]);
    const sum = sections.reduce((acc, s) => acc + Number(s.weight?.value ?? "NaN"), 0);
    expect(sum).toBe(100);
  });

  test("has the notice's item counts per section", () => {
    expect(sections.map((s) => s.items.length)).toEqual([4, 4, 3, 4, 4, 5, 5, 10, 5, 5]);
  });

  test("each section's item points add up to its weight", () => {
    for (const s of sections) {
      const tenths = s.items.reduce((acc, i) => acc + Math.round(Number(i.points?.value ?? "NaN") * 10), 0);
      expect(tenths / 10, `section ${s.id.value}`).toBe(Number(s.weight?.value));
    }
  });

  test("has one veto group with two vetoes", () => {
    const groups = decls.filter((d): d is VetoGroupDecl => d.type === "VetoGroup");
    expect(groups).toHaveLength(1);
    expect(groups[0]!.vetoes).toHaveLength(2);
  });

  test("has grades A, AA and AAA", () => {
    const grades = decls.filter((d): d is GradeDecl => d.type === "Grade");
    expect(grades.map((g) => g.name.value)).toEqual(["A", "AA", "AAA"]);
    // The pass marks are assumptions and say so on the grade itself (not on a requirement).
    for (const g of grades) expect(g.notes.some((n) => n.text.value.startsWith("假设"))).toBe(true);
    expect(grades.map((g) => g.requirements.length)).toEqual([0, 1, 1]);
    for (const g of grades.slice(1)) expect(g.requirements[0]!.notes).toHaveLength(1);
  });

  test("every veto carries its reading of 两年内", () => {
    const group = decls.find((d): d is VetoGroupDecl => d.type === "VetoGroup")!;
    for (const v of group.vetoes) expect(v.notes.some((n) => n.text.value.includes("两年内"))).toBe(true);
  });
});
