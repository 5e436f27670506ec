/** The paperwork routes over a real socket: downloads, their names and types, and every refusal. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, cp, readFile, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { docxTables } from "@jsqc/paper";
import { buildServer } from "../src/index.js";

const repo = new URL("../../../", import.meta.url).pathname;
let dir: string;
let base: string;
let close: () => Promise<void>;
const example = JSON.parse(await readFile(join(repo, "examples/03-nanjing-huarui-zhineng-zhuangbei.json"), "utf8")) as { enterprise: { name: string; creditCode: string } };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jsqc-paper-api-"));
  const rules = await readFile(join(repo, "rules/2024.rules"), "utf8");
  await cp(join(repo, "rules/2024.rules"), join(dir, "2024.rules"));
  await writeFile(join(dir, "2030.rules"), rules.replace("year 2024", "year 2030").replace("支持公益事业。(2.5 分)", "支持公益事业。(3 分)"));
  await writeFile(join(dir, "2031.rules"), "ruleset \"坏\" {");
  const { app } = await buildServer({ rulesDir: dir, watch: false });
  base = await app.listen({ port: 0, host: "127.0.0.1" });
  close = () => app.close();
});
afterAll(async () => { await close?.(); await rm(dir, { recursive: true, force: true }); });

const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const fileName = (r: Response) => decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(r.headers.get("content-disposition") ?? "")![1]!);

describe("paperwork routes", () => {
  test("GET annex1: Word by default, HTML and Markdown on request", async () => {
    const r = await fetch(`${base}/api/rules/2024/annex1`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("wordprocessingml");
    expect(fileName(r)).toBe("2024-附件1.docx");
    const t = docxTables(new Uint8Array(await r.arrayBuffer()))[0]!;
    expect(t.map((row) => row[0])).toEqual(["序号", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]);
    const md = await fetch(`${base}/api/rules/2024/annex1?format=md`);
    expect(await md.text()).toContain("| 一 | 领导作用发挥 (满分 10 分) |");
    expect((await fetch(`${base}/api/rules/2024/annex1?format=html`)).headers.get("content-type")).toContain("text/html");
  });

  test("annex1 refusals: figures that disagree (409, each with its line), force marks them, a bad format (400), errors (409), no year (404)", async () => {
    const r = await fetch(`${base}/api/rules/2030/annex1`);
    expect(r.status).toBe(409);
    const body = (await r.json()) as { error: { code: string; mismatches: { id: string; line: number }[] } };
    expect(body.error.code).toBe("figures_disagree");
    expect(body.error.mismatches.map((m) => m.id)).toEqual(["一.4"]);
    expect(body.error.mismatches[0]!.line).toBeGreaterThan(0);
    const forced = await fetch(`${base}/api/rules/2030/annex1?format=md&force=true`);
    expect(await forced.text()).toContain("【与规则不符：印 3 分，规则 2.5 分】");
    expect((await fetch(`${base}/api/rules/2024/annex1?format=pdf`)).status).toBe(400);
    expect((await fetch(`${base}/api/rules/2031/annex1`)).status).toBe(409);
    expect((await fetch(`${base}/api/rules/1999/annex1`)).status).toBe(404);
  });

  test("GET template: the application workbook", async () => {
    const r = await fetch(`${base}/api/rules/2024/template`);
    expect(r.status).toBe(200);
    expect(fileName(r)).toBe("2024-申报表.xlsx");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await r.arrayBuffer());
    expect(wb.getWorksheet("申请表")!.getCell(3, 1).value).toBe("序号");
  });

  test("POST score-sheet: one expert's sheet for the posted applications; refusals", async () => {
    const r = await post(`/api/rules/2024/score-sheet?expert=${encodeURIComponent("专家甲")}`, { applications: [example] });
    expect(r.status).toBe(200);
    expect(fileName(r)).toBe("评分表-专家甲.xlsx");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await r.arrayBuffer());
    expect(wb.getWorksheet("评分表")!.getCell(4, 3).value).toBe(example.enterprise.name);
    expect((await post("/api/rules/2024/score-sheet", { applications: [example] })).status).toBe(400);
    expect((await post(`/api/rules/2024/score-sheet?expert=${encodeURIComponent("a/b")}`, { applications: [example] })).status).toBe(400);
    expect((await post(`/api/rules/2024/score-sheet?expert=x`, { applications: [] })).status).toBe(422);
  });

  test("POST report: Word or HTML for one application; an invalid one is 422 with its errors", async () => {
    const r = await post("/api/rules/2024/report", example);
    expect(r.status).toBe(200);
    expect(fileName(r)).toBe(`${example.enterprise.creditCode}-${example.enterprise.name}.docx`);
    const [, summary] = docxTables(new Uint8Array(await r.arrayBuffer()));
    expect(summary!.find((x) => x[0] === "总分")![1]).toBe("79.89 / 100");
    const html = await post("/api/rules/2024/report?format=html", example);
    expect(await html.text()).toContain("质量信用等级认定评分报告");
    const bad = await post("/api/rules/2024/report", { grade: "AA", inputs: {} });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { errors: unknown[] } }).error.errors.length).toBeGreaterThan(0);
    expect((await post("/api/rules/2024/report?format=md", example)).status).toBe(400);
  });
});
