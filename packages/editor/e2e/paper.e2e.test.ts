/**
 * The paperwork in a real browser: an enterprise's report rendered by Chromium from its printable
 * HTML (the README's picture, docs/images/report.png), checked for every item's points as laid
 * out on the page.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile, evaluate } from "@jsqc/engine";
import { reportHtml, subjectOf } from "@jsqc/paper";
import { repo, startHarness, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

describe("reports in Chromium", () => {
  test("the printable report shows every item's points; its picture goes to docs/images/report.png", async () => {
    const compiled = compile(readFileSync(join(repo, "rules/2024.rules"), "utf8"), "2024.rules");
    if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
    const rs = compiled.ruleset;
    const name = "03-nanjing-huarui-zhineng-zhuangbei";
    const app = JSON.parse(readFileSync(join(repo, "examples", `${name}.json`), "utf8")) as unknown;
    const expected = JSON.parse(readFileSync(join(repo, "examples", `${name}.expected.json`), "utf8")) as { items: Record<string, string>; total: string };
    const r = evaluate(rs, app, { trace: true });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const html = reportHtml(r.result, subjectOf(app, rs.inputs[rs.applicationDateIndex!]!.name));
    const page = await h.browser.newPage({ viewport: { width: 900, height: 1250 } });
    await page.setContent(html, { waitUntil: "load" });
    // The points column as the browser lays it out: item rows only (section rows are bold, class "section").
    const points = await page.$$eval("table.scores tbody tr:not(.section) td:nth-child(4)", (tds) => tds.map((td) => (td as HTMLElement).innerText.trim()));
    expect(points).toEqual(Object.values(expected.items));
    expect(await page.locator("table.pairs").first().innerText()).toContain("苏市监〔2024〕53号");
    await page.screenshot({ path: join(repo, "docs/images/report.png") });
    await page.close();
  });
});

describe("the editor's paperwork downloads", () => {
  test("附件1, the workbook, a score sheet and the preview's report download from the header", async () => {
    const { docxTables, readApplicationWorkbook } = await import("@jsqc/paper");
    const { readFile } = await import("node:fs/promises");
    const page = await h.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${h.url}#2024.rules`);
    await page.getByTestId("total").waitFor();
    await page.getByTestId("example").selectOption("03-nanjing-huarui-zhineng-zhuangbei.json");
    await expect.poll(() => page.getByTestId("total").innerText()).toContain("79.89");
    // The downloads are one menu in the top bar: open it, then choose.
    const grab = async (testid: string) => {
      await page.getByTestId("paperwork-menu").click();
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testid).click()]);
      return { name: download.suggestedFilename(), bytes: new Uint8Array(await readFile((await download.path())!)) };
    };
    const annex = await grab("dl-annex1");
    expect(annex.name).toBe("2024-附件1.docx");
    expect(docxTables(annex.bytes)[0]!.map((r) => r[0])).toEqual(["序号", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]);
    const book = await grab("dl-template");
    expect(book.name).toBe("2024-申报表.xlsx");
    const compiled = compile(readFileSync(join(repo, "rules/2024.rules"), "utf8"), "2024.rules");
    if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
    // Our reader accepts only a workbook made for this rule file: an empty one reads as no rows.
    expect(await readApplicationWorkbook(compiled.ruleset, book.bytes)).toMatchObject({ rows: [], errors: [] });
    page.once("dialog", (d) => void d.accept("专家乙"));
    const sheet = await grab("dl-sheet");
    expect(sheet.name).toBe("评分表-专家乙.xlsx");
    const report = await grab("dl-report");
    expect(report.name).toBe("91320115MA1N3P8B5L-南京华睿智能装备有限公司.docx");
    expect(docxTables(report.bytes)[1]!.find((r) => r[0] === "总分")![1]).toBe("79.89 / 100");
    await page.close();
  });
});
