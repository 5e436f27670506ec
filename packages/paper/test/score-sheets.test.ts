/**
 * Experts' score sheets for the 20 examples: one sheet per expert named in examples/ (甲…戊; two
 * examples have four and five experts), filled with each expert's scores, read back and combined by
 * the engine, give every example's expected items, total and flags. Blank cells in a row the expert
 * otherwise filled are reported as missing; spreads come out as the engine's flags.
 */
import { describe, expect, test } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import ExcelJS from "exceljs";
import { compile, evaluate } from "@jsqc/engine";
import { readScoreSheets, scoreSheet, SCORE_SHEET } from "../src/index.js";

const root = new URL("../../../", import.meta.url);
const compiled = compile(readFileSync(new URL("rules/2024.rules", root), "utf8"), "2024.rules");
if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
const rs = compiled.ruleset;
const names = readdirSync(new URL("examples/", root)).filter((f) => /^\d\d-.*(?<!\.expected)\.json$/.test(f)).sort();
type App = { enterprise: { name: string; creditCode: string }; grade: string; inputs: Record<string, unknown>; experts?: { name: string; scores: Record<string, number> }[] };
const examples = names.map((n) => ({
  app: JSON.parse(readFileSync(new URL(`examples/${n}`, root), "utf8")) as App,
  expected: JSON.parse(readFileSync(new URL(`examples/${n.replace(/\.json$/, ".expected.json")}`, root), "utf8")) as { total: string; items: Record<string, string>; flags: string[] },
}));
const enterprises = examples.map(({ app }) => ({ creditCode: app.enterprise.creditCode, name: app.enterprise.name, grade: app.grade }));
const expertNames = [...new Set(examples.flatMap(({ app }) => (app.experts ?? []).map((e) => e.name)))];

/** An expert fills their sheet: their score where they gave one, blank elsewhere. */
async function filled(expert: string, tamper?: (ws: ExcelJS.Worksheet) => void): Promise<{ name: string; bytes: Uint8Array }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await scoreSheet(rs, expert, enterprises)) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet(SCORE_SHEET)!;
  examples.forEach(({ app }, r) => {
    const mine = app.experts?.find((e) => e.name === expert);
    if (!mine) return;
    rs.judged.forEach((item, j) => {
      const s = mine.scores[item.id];
      if (s !== undefined) ws.getCell(4 + r, 5 + j).value = s;
    });
  });
  tamper?.(ws);
  return { name: `评分表-${expert}.xlsx`, bytes: new Uint8Array(await wb.xlsx.writeBuffer()) };
}

describe("experts' score sheets", () => {
  test("a sheet: enterprises as rows, judged items as columns with their points as the limit and their text as a note", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await scoreSheet(rs, "专家甲", enterprises)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(SCORE_SHEET)!;
    expect((ws.getRow(3).values as unknown[]).slice(1, 7)).toEqual(["序号", "统一社会信用代码", "企业名称", "申报等级", "一.1（2.5分）", "一.2（2.5分）"]);
    expect(ws.getRow(3).cellCount).toBe(4 + 41);
    expect(ws.getCell(4, 5).dataValidation).toMatchObject({ type: "decimal", operator: "between", formulae: [0, 2.5] });
    const note = ws.getCell(3, 5).note;
    expect(typeof note === "string" ? note : JSON.stringify(note)).toContain("确立使命、愿景和价值观");
    expect(ws.getCell(4 + 19, 3).value).toBe(enterprises[19]!.name);
  });

  test("read back, the sheets give every example's expected results; missing scores and spreads are flagged", async () => {
    const read = await readScoreSheets(rs, await Promise.all(expertNames.map((e) => filled(e))));
    expect(read.errors).toEqual([]);
    for (const { app, expected } of examples) {
      const r = evaluate(rs, { ...app, experts: read.experts.get(app.enterprise.creditCode) ?? [] }, { trace: false });
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      const items = Object.fromEntries(r.result.sections.flatMap((s) => s.items.map((i) => [i.id, i.points.decimal])));
      expect({ total: r.result.total.decimal, items, flags: [...new Set(r.result.flags.map((f) => f.item))].sort() }, app.enterprise.name)
        .toEqual({ total: expected.total, items: expected.items, flags: [...expected.flags].sort() });
    }
    // 03: 专家乙 scored 40 of the 41 judged items — the one left blank is reported, by cell.
    const ex03 = examples.find(({ app }) => app.enterprise.name === "南京华睿智能装备有限公司")!.app;
    const gap = rs.judged.find((i) => ex03.experts![1]!.scores[i.id] === undefined)!;
    const m03 = read.missing.filter((m) => m.creditCode === ex03.enterprise.creditCode);
    expect(m03.map((m) => [m.expert, m.item])).toEqual([["专家乙", gap.id]]);
    expect(m03[0]!.message).toMatch(new RegExp(`^评分表-专家乙\\.xlsx 评分表!\\w+\\d+（${gap.id.replace(".", "\\.")}）：专家乙 未给 ${ex03.enterprise.creditCode} 评分$`));
    // Every missing score in the examples is found, and no more.
    const expectedMissing = examples.flatMap(({ app }) => (app.experts ?? []).flatMap((e) => rs.judged.filter((i) => e.scores[i.id] === undefined).map((i) => `${app.enterprise.creditCode} ${e.name} ${i.id}`)));
    expect(read.missing.map((m) => `${m.creditCode} ${m.expert} ${m.item}`).sort()).toEqual(expectedMissing.sort());
    expect(expectedMissing.length).toBeGreaterThan(0);
  });

  test("a score above the item's points or not a number is a cell error; a sheet for other items is refused", async () => {
    const read = await readScoreSheets(rs, [await filled("专家甲", (ws) => { ws.getCell(4, 5).value = 3; ws.getCell(5, 6).value = "好"; })]);
    expect(read.errors.map((e) => e.message)).toEqual([
      "评分表-专家甲.xlsx 评分表!E4（一.1（2.5分））：应为 0 至 2.5 之间的分数，填的是“3”",
      "评分表-专家甲.xlsx 评分表!F5（一.2（2.5分））：应为 0 至 2.5 之间的分数，填的是“好”",
    ]);
    const other = compile(readFileSync(new URL("rules/2024.rules", root), "utf8").replace("item ④ \"支持公益事业。(2.5 分)\" points 2.5 { judged }", ""), "x.rules");
    if (!other.ok) throw new Error("x");
    await expect(readScoreSheets(other.ruleset, [await filled("专家甲")])).rejects.toThrow("评分项与规则文件");
  });
});
