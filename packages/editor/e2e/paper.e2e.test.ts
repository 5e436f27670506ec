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
