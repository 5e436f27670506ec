/**
 * The application workbook, round trip: `applicationTemplate` → filled in by a script the way an
 * office would (labels found by header, dates typed as Excel dates, sets as 是/否, lists on their
 * own sheets) → `readApplicationWorkbook` gives, for the 20 examples, applications that score
 * exactly as the JSON files do; then one bad cell of each kind, each named by sheet/row/column.
 */
import { describe, expect, test } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import ExcelJS from "exceljs";
import { compile, evaluate } from "@jsqc/engine";
import { applicationTemplate, readApplicationWorkbook, MAIN_SHEET } from "../src/index.js";
import { fillApplicationWorkbook } from "../src/testing/fill.js";

const root = new URL("../../../", import.meta.url);
const compiled = compile(readFileSync(new URL("rules/2024.rules", root), "utf8"), "2024.rules");
if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
const rs = compiled.ruleset;
const names = readdirSync(new URL("examples/", root)).filter((f) => /^\d\d-.*(?<!\.expected)\.json$/.test(f)).sort();
type App = { id: string; enterprise: { name: string; creditCode: string; city: string; county: string }; grade: string; inputs: Record<string, unknown>; experts?: unknown[] };
const examples = names.map((n) => JSON.parse(readFileSync(new URL(`examples/${n}`, root), "utf8")) as App);

describe("application workbook", () => {
  test("the template has the 附件2 columns, one column per input, a help row, validation and linked list sheets", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await applicationTemplate(rs)) as unknown as ArrayBuffer);
    const main = wb.getWorksheet(MAIN_SHEET)!;
    const header = (main.getRow(3).values as unknown[]).slice(1);
    expect(header.slice(0, 9)).toEqual(["序号", "企业名称", "统一社会信用代码", "地址", "联系人", "所属部门", "联系电话", "所在县(市、区)", "申报等级"]);
    expect(header).toContain("申报日期");
    expect(header).toContain("承担的标准化试点：国家级标准化试点");
    expect(header).not.toContain("不良记录");
    expect(wb.worksheets.map((w) => w.name)).toEqual(["_选项", "_字段", MAIN_SHEET, "标准", "不良记录"]);
    const at = (label: string) => header.indexOf(label) + 1;
    expect(String(main.getCell(4, at("有效的体系认证证书数")).value)).toContain("填整数（0～50个）");
    expect(main.getCell(5, at("有效的体系认证证书数")).dataValidation).toMatchObject({ type: "whole", formulae: [0, 50] });
    expect(main.getCell(5, at("注册地")).dataValidation).toMatchObject({ type: "list" });
    expect(main.getCell(5, at("申报日期")).dataValidation).toMatchObject({ type: "date" });
    expect(main.getCell(5, at("获“江苏精品”认证")).dataValidation).toMatchObject({ type: "list" });
    expect(wb.getWorksheet("不良记录")!.getCell(3, 2).dataValidation).toMatchObject({ type: "list" });
  });

  test("round trip: the 20 examples filled in score exactly as their JSON applications", async () => {
    const bytes = await fillApplicationWorkbook(rs, await applicationTemplate(rs), examples, "南京市");
    const read = await readApplicationWorkbook(rs, bytes);
    expect(read.errors).toEqual([]);
    expect(read.city).toBe("南京市");
    expect(read.rows).toHaveLength(20);
    for (const app of examples) {
      const fromExcel = read.applications.get(app.enterprise.creditCode) as App;
      expect(fromExcel, app.enterprise.name).toBeDefined();
      // The experts' scores come from score sheets, not from the office's workbook.
      const a = evaluate(rs, { ...fromExcel, experts: app.experts }, { trace: false });
      const b = evaluate(rs, { ...app, id: undefined }, { trace: false });
      expect(a.ok && b.ok).toBe(true);
      if (a.ok && b.ok) expect({ ...a.result, id: undefined }, app.enterprise.name).toEqual({ ...b.result, id: undefined });
    }
  });

  test("each kind of bad cell is named by sheet, row, column and label; rows with a bad cell are left out", async () => {
    const bytes = await fillApplicationWorkbook(rs, await applicationTemplate(rs), examples.slice(0, 6), "南京市", (wb, col) => {
      const main = wb.getWorksheet(MAIN_SHEET)!;
      main.getCell(5, col(MAIN_SHEET, "注册地")).value = "上海";                         // enum not in the list
      main.getCell(6, col(MAIN_SHEET, "有效的体系认证证书数")).value = 2.5;              // count not whole
      main.getCell(7, col(MAIN_SHEET, "发明专利数")).value = 100001;                     // count above its max
      main.getCell(8, col(MAIN_SHEET, "申报日期")).value = "2024-02-30";                 // not a date
      main.getCell(9, col(MAIN_SHEET, "获“江苏精品”认证")).value = "也许";               // not yes/no
      main.getCell(10, col(MAIN_SHEET, "获得的质量奖：市级质量奖")).value = "有";         // set member not yes/no
      const bad = wb.getWorksheet("不良记录")!;
      bad.getCell(20, 1).value = examples[1]!.enterprise.creditCode;
      bad.getCell(20, col("不良记录", "类型")).value = "偷税";                             // record enum
      bad.getCell(20, col("不良记录", "日期")).value = "去年";                             // record date
      bad.getCell(21, 1).value = "91320000000000000X";                                   // no such enterprise
      bad.getCell(21, col("不良记录", "类型")).value = "质量失信";
      bad.getCell(21, col("不良记录", "日期")).value = "2024-01-01";
      main.getCell(10, col(MAIN_SHEET, "申报日期")).value = null;                        // required left empty
    });
    const read = await readApplicationWorkbook(rs, bytes);
    const got = read.errors.map((e) => `${e.sheet}!${e.column}${e.row} ${e.label}`);
    const letter = async (label: string) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(bytes as unknown as ArrayBuffer);
      const ws = wb.getWorksheet(MAIN_SHEET)!;
      const row = ws.getRow(3);
      for (let k = 1; k <= row.cellCount; k++) if (row.getCell(k).value === label) return ws.getColumn(k).letter;
      throw new Error(label);
    };
    expect(got).toEqual([
      `${MAIN_SHEET}!${await letter("注册地")}5 注册地`,
      `${MAIN_SHEET}!${await letter("有效的体系认证证书数")}6 有效的体系认证证书数`,
      `${MAIN_SHEET}!${await letter("发明专利数")}7 发明专利数`,
      `${MAIN_SHEET}!${await letter("申报日期")}8 申报日期`,
      `${MAIN_SHEET}!${await letter("获“江苏精品”认证")}9 获“江苏精品”认证`,
      `${MAIN_SHEET}!${await letter("申报日期")}10 申报日期`,
      `${MAIN_SHEET}!${await letter("获得的质量奖：市级质量奖")}10 获得的质量奖：市级质量奖`,
      "不良记录!B20 类型",
      "不良记录!C20 日期",
      "不良记录!A21 统一社会信用代码",
    ]);
    expect(read.errors[0]!.message).toBe(`${MAIN_SHEET}!${await letter("注册地")}5（注册地）：应从列表中选：注册地在江苏、注册地在江苏（港澳台地区投资企业）、注册地不在江苏，填的是“上海”`);
    expect(read.errors[0]!.messageEn).toContain("expected one of the list's values");
    // Six rows, each with a bad cell (row 6 = examples[1] also has the bad records): none is read.
    expect(read.applications.size).toBe(0);
    expect(read.rows).toHaveLength(6);
  });

  test("a workbook that is not the template is refused with a clear message", async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Sheet1").addRow(["序号"]);
    await expect(readApplicationWorkbook(rs, new Uint8Array(await wb.xlsx.writeBuffer()))).rejects.toThrow("不是 jsqc template 生成的申报表");
  });
});
