/** The paperwork commands as a user runs them: the built binary, spawned, writing real files. */
import { describe, expect, test, beforeAll, afterAll } from "vitest";
import { mkdtemp, readFile, writeFile, rm, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { docxTables } from "@jsqc/paper";
import { jsqc, repo } from "./jsqc.js";

const rules = join(repo, "rules/2024.rules");
let tmp: string;

beforeAll(async () => { tmp = await mkdtemp(join(tmpdir(), "jsqc-paper-")); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe("jsqc publish", () => {
  test("writes 附件1 as Word, HTML and Markdown", async () => {
    const out = join(tmp, "pub");
    const r = jsqc("publish", rules, "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["2024-附件1.docx", "2024-附件1.html", "2024-附件1.md"]);
    const t = docxTables(await readFile(join(out, "2024-附件1.docx")))[0]!;
    expect(t.map((row) => row[0])).toEqual(["序号", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]);
    expect(await readFile(join(out, "2024-附件1.md"), "utf8")).toContain("| 三 | 质量管理体系 (满分 8 分) |");
  });

  test("--format picks the outputs; a bad one is a usage error (2)", async () => {
    const out = join(tmp, "md-only");
    expect(jsqc("publish", rules, "--out", out, "--format", "md").code).toBe(0);
    expect(await readdir(out)).toEqual(["2024-附件1.md"]);
    const bad = jsqc("publish", rules, "--format", "pdf");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--format");
  });

  test("refuses (1) when a printed figure disagrees with its rule; --force writes and marks it", async () => {
    const text = (await readFile(rules, "utf8")).replace("支持公益事业。(2.5 分)", "支持公益事业。(3 分)");
    const file = join(tmp, "wrong.rules");
    await writeFile(file, text);
    const out = join(tmp, "wrong");
    const r = jsqc("publish", file, "--out", out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/wrong\.rules:\d+:\d+: 一\.4 文字印的本项分值是 3 分，规则是 2\.5 分/);
    expect(r.err).toContain("the text prints the item's points as 3, the rule says 2.5");
    await expect(readdir(out)).rejects.toThrow();
    const f = jsqc("publish", file, "--out", out, "--force");
    expect(f.code).toBe(0);
    expect(await readFile(join(out, "wrong-附件1.html"), "utf8")).toContain("【与规则不符：印 3 分，规则 2.5 分】");
  });

  test("--help, a missing file (2), a rule file with errors (1)", async () => {
    const h = jsqc("publish", "--help");
    expect(h.code).toBe(0);
    expect(h.out).toContain("jsqc publish <rules>");
    expect(jsqc("publish", join(tmp, "nope.rules")).code).toBe(2);
    const broken = join(tmp, "broken.rules");
    await writeFile(broken, "section 一 \"x\" weight {");
    expect(jsqc("publish", broken, "--out", join(tmp, "b")).code).toBe(1);
  });
});

describe("jsqc batch --reports", () => {
  test("writes a Word and an HTML report per scored enterprise, with every item's points", async () => {
    const picks = ["03-nanjing-huarui-zhineng-zhuangbei", "16-nanjing-putai-guidao-jiaotong"];
    const apps = join(tmp, "nj-apps");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(apps);
    const rows: string[] = [];
    for (const [i, p] of picks.entries()) {
      const app = JSON.parse(await readFile(join(repo, "examples", `${p}.json`), "utf8")) as { enterprise: { name: string; creditCode: string; county: string }; grade: string };
      await writeFile(join(apps, `${p}.json`), JSON.stringify(app));
      rows.push([i + 1, app.enterprise.name, app.enterprise.creditCode, "南京市某路 1 号", "王经理", "质量部", "025-83456789", app.enterprise.county, app.grade].join(","));
    }
    const csv = join(tmp, "南京市.csv");
    await writeFile(csv, ["填报单位：南京市市场监督管理局", "序号,企业名称,统一社会信用代码,地址,联系人,所属部门,联系电话,所在县(市、区),申报等级", ...rows].join("\n"));
    const out = join(tmp, "nj-out");
    const r = jsqc("batch", rules, csv, "--applications", apps, "--out", out, "--reports");
    expect(r.code, r.out + r.err).toBe(0);
    const files = (await readdir(join(out, "报告"))).sort();
    expect(files).toHaveLength(4);
    for (const p of picks) {
      const expected = JSON.parse(await readFile(join(repo, "examples", `${p}.expected.json`), "utf8")) as { items: Record<string, string>; total: string };
      const app = JSON.parse(await readFile(join(repo, "examples", `${p}.json`), "utf8")) as { enterprise: { creditCode: string } };
      const docx = files.find((f) => f.startsWith(app.enterprise.creditCode) && f.endsWith(".docx"))!;
      const [, summary, scores] = docxTables(await readFile(join(out, "报告", docx)));
      expect(summary!.find((x) => x[0] === "总分")![1]).toBe(`${expected.total} / 100`);
      const points = scores!.slice(1).filter((x) => /^[①-⑩]$/.test(x[0]!)).map((x) => x[3]);
      expect(points).toEqual(Object.values(expected.items));
      const html = await readFile(join(out, "报告", docx.replace(/\.docx$/, ".html")), "utf8");
      expect(html).toContain(`${expected.total} / 100`);
    }
  });
});

describe("jsqc template → batch", () => {
  test("the office's workbook is read by batch directly; a bad cell is named by sheet/row/column and label", async () => {
    const { compile } = await import("@jsqc/engine");
    const { fillApplicationWorkbook } = await import("@jsqc/paper/testing");
    const c = compile(await readFile(rules, "utf8"), "2024.rules");
    if (!c.ok) throw new Error("rules");
    const book = join(tmp, "申报表.xlsx");
    const t = jsqc("template", rules, "--out", book);
    expect(t.code, t.err).toBe(0);
    const picks = ["03-nanjing-huarui-zhineng-zhuangbei", "16-nanjing-putai-guidao-jiaotong"];
    const apps = await Promise.all(picks.map(async (p) => JSON.parse(await readFile(join(repo, "examples", `${p}.json`), "utf8")) as { enterprise: { name: string; creditCode: string; county: string }; grade: string; inputs: Record<string, unknown> }));
    let badColumn = "";
    const filled = await fillApplicationWorkbook(c.ruleset, await readFile(book), apps, "南京市", (wb, col) => {
      const k = col("申请表", "有效的体系认证证书数");
      badColumn = wb.getWorksheet("申请表")!.getColumn(k).letter;
      wb.getWorksheet("申请表")!.getCell(6, k).value = "三个";
    });
    const input = join(tmp, "南京市-申报表.xlsx");
    await writeFile(input, filled);
    const out = join(tmp, "tpl-out");
    const r = jsqc("batch", rules, input, "--out", out);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`申请表!${badColumn}6（有效的体系认证证书数）：应填整数，填的是“三个”`);
    expect(r.out).toContain("1 个单元格有误，1 行未评分");
    expect(r.out).toContain("南京市：1 行，0 行有问题，1 家已评分");
    const results = (await readFile(join(out, "results.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { creditCode: string; result: { total: { decimal: string } } });
    // Without experts' scores the judged items are 0: the total is the computed items' sum.
    const { evaluate } = await import("@jsqc/engine");
    const expected = evaluate(c.ruleset, { ...apps[0], experts: [] });
    expect(expected.ok).toBe(true);
    if (expected.ok) expect(results.map((x) => [x.creditCode, x.result.total.decimal])).toEqual([[apps[0]!.enterprise.creditCode, expected.result.total.decimal]]);
    const h = jsqc("template", "--help");
    expect(h.code).toBe(0);
    expect(h.out).toContain("jsqc template <rules>");
    expect(jsqc("template", rules, "--out", join(tmp, "x.csv")).code).toBe(2);
  });
});

describe("jsqc sheets → batch --scores", () => {
  test("experts' sheets, filled and returned, give the expected totals; a missing score and a spread are flagged", async () => {
    const ExcelJS = (await import("exceljs")).default;
    const picks = ["03-nanjing-huarui-zhineng-zhuangbei", "16-nanjing-putai-guidao-jiaotong"];
    const apps = join(tmp, "sc-apps");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(apps);
    const rows: string[] = [];
    const originals: { enterprise: { name: string; creditCode: string; county: string }; grade: string; experts: { name: string; scores: Record<string, number> }[] }[] = [];
    for (const [i, p] of picks.entries()) {
      const app = JSON.parse(await readFile(join(repo, "examples", `${p}.json`), "utf8")) as (typeof originals)[number];
      originals.push(app);
      await writeFile(join(apps, `${p}.json`), JSON.stringify({ ...app, experts: [] }));
      rows.push([i + 1, app.enterprise.name, app.enterprise.creditCode, "南京市某路 1 号", "王经理", "质量部", "025-83456789", app.enterprise.county, app.grade].join(","));
    }
    const csv = join(tmp, "sc-南京市.csv");
    await writeFile(csv, ["填报单位：南京市市场监督管理局", "序号,企业名称,统一社会信用代码,地址,联系人,所属部门,联系电话,所在县(市、区),申报等级", ...rows].join("\n"));
    const sheets = join(tmp, "sheets");
    const s = jsqc("sheets", rules, "--applications", apps, "--experts", "专家甲,专家乙,专家丙", "--out", sheets);
    expect(s.code, s.err).toBe(0);
    expect((await readdir(sheets)).sort()).toEqual(["评分表-专家丙.xlsx", "评分表-专家乙.xlsx", "评分表-专家甲.xlsx"]);
    // Each expert fills in their sheet and sends it back.
    for (const expert of ["专家甲", "专家乙", "专家丙"]) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(join(sheets, `评分表-${expert}.xlsx`));
      const ws = wb.getWorksheet("评分表")!;
      const header = (ws.getRow(3).values as unknown[]).map((v) => String(v ?? "").replace(/（.*$/, ""));
      for (let r = 4; r <= ws.rowCount; r++) {
        const app = originals.find((a) => a.enterprise.creditCode === ws.getCell(r, 2).value)!;
        const mine = app.experts.find((e) => e.name === expert);
        if (!mine) continue;
        for (const [id, score] of Object.entries(mine.scores)) ws.getCell(r, header.indexOf(id)).value = score;
      }
      await wb.xlsx.writeFile(join(sheets, `评分表-${expert}.xlsx`));
    }
    const out = join(tmp, "sc-out");
    const r = jsqc("batch", rules, csv, "--applications", apps, "--scores", sheets, "--out", out);
    expect(r.code).toBe(1); // findings: the missing score and the spread
    expect(r.out).toMatch(/缺评分 missing: 评分表-专家乙\.xlsx 评分表!\w+\d+（[一二三四五六七八九十]+\.\d+）：专家乙 未给 91320115MA1N3P8B5L 评分/);
    expect(r.out).toContain("分差 spread: 南京华睿智能装备有限公司（91320115MA1N3P8B5L）十.2");
    expect(r.out).toContain("评分表 score sheets: 3 份，1 处缺评分，0 处错误");
    const results = (await readFile(join(out, "results.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { creditCode: string; result: { total: { decimal: string } } });
    for (const p of picks) {
      const expected = JSON.parse(await readFile(join(repo, "examples", `${p}.expected.json`), "utf8")) as { total: string };
      const app = originals[picks.indexOf(p)]!;
      expect(results.find((x) => x.creditCode === app.enterprise.creditCode)!.result.total.decimal, p).toBe(expected.total);
    }
    expect(jsqc("sheets", rules).code).toBe(2);
    expect(jsqc("sheets", "--help").out).toContain("jsqc sheets <rules>");
  });
});

describe("jsqc impact --reports (对比)", () => {
  test("each application's report shows old → new for exactly the items impact says moved", async () => {
    const newRules = join(tmp, "2025.rules");
    await writeFile(newRules, (await readFile(rules, "utf8"))
      .replace("发明专利每个得 1 分，实用新型、外观设计每个得 0.5 分。", "发明专利每个得 1.5 分，实用新型、外观设计每个得 0.5 分。")
      .replace("award 1 per 发明专利数", "award 1.5 per 发明专利数"));
    const app = join(repo, "examples/05-xuzhou-ganglian-gongcheng-jixie.json");
    const out = join(tmp, "duibi");
    const r = jsqc("impact", rules, newRules, app, "--json", "--reports", out);
    expect([0, 1]).toContain(r.code);
    const rows = (JSON.parse(r.out) as { rows: { old: { total: string }; new: { total: string }; movedItems: { id: string; old: string; new: string }[] }[] }).rows;
    expect(rows[0]!.movedItems.length).toBeGreaterThan(0);
    expect(r.err).toContain("对比报告 comparison reports: 1 份");
    const [, summary, scores] = docxTables(await readFile(join(out, "05-xuzhou-ganglian-gongcheng-jixie-对比.docx")));
    expect(summary!.find((x) => x[0] === "总分")![1]).toBe(`${rows[0]!.old.total} → ${rows[0]!.new.total} / 100`);
    let section = "";
    const cells = new Map<string, string>();
    for (const row of scores!.slice(1)) {
      if (/^[一二三四五六七八九十]+$/.test(row[0]!)) { section = row[0]!; continue; }
      cells.set(`${section}.${"①②③④⑤⑥⑦⑧⑨⑩".indexOf(row[0]!) + 1}`, row[3]!);
    }
    for (const m of rows[0]!.movedItems) expect(cells.get(m.id), m.id).toBe(`${m.old} → ${m.new}`);
    const unchanged = [...cells].filter(([id]) => !rows[0]!.movedItems.some((m) => m.id === id));
    expect(unchanged.every(([, v]) => v.endsWith("（未变）"))).toBe(true);
  });
});
