/**
 * A city's submission as a user runs it: 17 AAA and 33 AA candidates, bad rows mixed in, read
 * from CSV and from XLSX; the quotas recommend exactly 15 and 30, and the XLSX written back
 * opens with those rows (read with the same library).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { creditCodeCheckChar } from "@jsqc/engine";
import { jsqc, repo } from "./jsqc.js";

const rules = join(repo, "rules/2024.rules");
let tmp: string;

const CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
function code(division: string, n: number): string {
  let body = "";
  for (let k = 0, x = n * 7919 + 13; k < 9; k++, x = Math.floor(x / 31) + k * 101) body += CHARS[x % 31];
  const first17 = `91${division}${body}`;
  return first17 + creditCodeCheckChar(first17)!;
}

const COUNTIES: [string, string][] = [["320102", "玄武区"], ["320104", "秦淮区"], ["320105", "建邺区"], ["320106", "鼓楼区"], ["320115", "江宁区"]];
const HEADER = ["序号", "企业名称", "统一社会信用代码", "地址", "联系人", "所属部门", "联系电话", "所在县(市、区)", "申报等级"];

interface Submission { rows: string[][]; apps: Record<string, unknown>[]; badRows: number[] }

async function makeSubmission(): Promise<Submission> {
  const aaa = JSON.parse(await readFile(join(repo, "examples/01-kunshan-ruitai-jingmi-muju.json"), "utf8")) as Record<string, any>;
  const aa = JSON.parse(await readFile(join(repo, "examples/15-yixing-huaqin-huanbao.json"), "utf8")) as Record<string, any>;
  const rows: string[][] = [];
  const apps: Record<string, unknown>[] = [];
  const badRows: number[] = [];
  let seq = 0;
  const add = (base: Record<string, any>, grade: string, lower: number, cc: string, county: string, phone = "025-84561234") => {
    seq++;
    const app = structuredClone(base);
    app.enterprise = { name: `南京测试企业${seq}有限公司`, creditCode: cc, city: "南京市", county };
    // Lower one expert score per candidate so totals differ; some tie on purpose.
    const first = app.experts[0].scores as Record<string, number>;
    const ids = Object.keys(first).slice(0, lower);
    for (const e of app.experts) for (const id of ids) if (typeof e.scores[id] === "number") e.scores[id] = Math.max(0, e.scores[id] - 0.5);
    apps.push(app);
    rows.push([String(seq), app.enterprise.name, cc, `南京市${county}某路${seq}号`, "王工", "质量部", phone, county, grade]);
  };
  for (let i = 0; i < 17; i++) { const [d, c] = COUNTIES[i % 5]!; add(aaa, "AAA", Math.floor(i / 2), code(d, i), c); }
  for (let i = 0; i < 33; i++) { const [d, c] = COUNTIES[i % 5]!; add(aa, "AA", Math.floor(i / 3), code(d, 100 + i), c, i % 2 ? "13912345678" : "025-84561234"); }
  const bad = (cc: string, county: string, phone = "025-84561234") => { add(aa, "AA", 0, cc, county, phone); badRows.push(seq); };
  const good = code("320102", 900);
  bad(good.slice(0, 17) + (good[17] === "0" ? "1" : "0"), "玄武区"); // wrong check character
  const shanghai = `91310115${"MA1K2L3M4"}`;
  bad(shanghai + creditCodeCheckChar(shanghai)!, "玄武区"); // not a Jiangsu registration
  bad(code("320102", 901), "浦东新区"); // county not in 南京市
  bad(code("320102", 902), "玄武区", "12345"); // phone
  return { rows, apps, badRows };
}

async function readResults(file: string): Promise<Record<string, string>[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const sheet = wb.getWorksheet("推荐名单")!;
  const rows: string[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? "" : String(v)))));
  const h = rows.findIndex((r) => r[0] === "序号");
  return rows.slice(h + 1).filter((r) => /^\d+$/.test(r[0] ?? "")).map((r) => Object.fromEntries(rows[h]!.map((k, i) => [k, r[i] ?? ""])));
}

let sub: Submission;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "jsqc-batch-"));
  sub = await makeSubmission();
  await mkdir(join(tmp, "apps"));
  for (const app of sub.apps) await writeFile(join(tmp, "apps", `${(app as any).enterprise.creditCode}.json`), JSON.stringify(app));
  await writeFile(join(tmp, "apps.jsonl"), sub.apps.map((a) => JSON.stringify(a)).join("\n"));
  const csv = [["2024年度江苏省质量信用AA级及以上等级认定申报汇总表"], ["填报单位：南京市市场监督管理局"], HEADER, ...sub.rows]
    .map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",")).join("\n");
  await writeFile(join(tmp, "南京市.csv"), csv);
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("汇总表");
  sheet.addRow(["2024年度江苏省质量信用AA级及以上等级认定申报汇总表"]);
  sheet.addRow(["填报单位：南京市市场监督管理局"]);
  sheet.addRow(HEADER);
  for (const r of sub.rows) sheet.addRow(r);
  await wb.xlsx.writeFile(join(tmp, "南京市.xlsx"));
});
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe("jsqc batch", () => {
  for (const [input, apps] of [["南京市.csv", "apps"], ["南京市.xlsx", "apps.jsonl"]] as const) {
    test(`${input}: bad rows reported by number, exactly 15 AAA and 30 AA recommended`, async () => {
      const out = join(tmp, `out-${input}`);
      const r = jsqc("batch", rules, join(tmp, input), "--applications", join(tmp, apps), "--out", out);
      expect(r.code, r.err).toBe(1); // findings: the bad rows
      for (const n of sub.badRows) expect(r.out).toContain(`第 ${n + 3} 行`);
      expect(r.out).toContain("校验码");
      expect(r.out).toContain("不在江苏");
      expect(r.out).toContain("不属于南京市");
      expect(r.out).toContain("不是有效的手机或座机号码");
      expect(r.out).toContain("AAA：达标 17 家，推荐 15 家（名额 15）");
      expect(r.out).toContain("AA：达标 33 家，推荐 30 家（名额 30）");
      const rows = await readResults(join(out, "推荐名单.xlsx"));
      expect(rows).toHaveLength(50);
      const recommended = rows.filter((x) => x["是否推荐"] === "是");
      expect(recommended.filter((x) => x["申报等级"] === "AAA")).toHaveLength(15);
      expect(recommended.filter((x) => x["申报等级"] === "AA")).toHaveLength(30);
      // Ranks follow the totals, ties broken by 序号.
      const aaa = rows.filter((x) => x["申报等级"] === "AAA").sort((a, b) => Number(a["市内排名"]) - Number(b["市内排名"]));
      for (let i = 1; i < aaa.length; i++) {
        const [p, q] = [aaa[i - 1]!, aaa[i]!];
        expect(Number(p["得分"]) > Number(q["得分"]) || (p["得分"] === q["得分"] && Number(p["序号"]) < Number(q["序号"]))).toBe(true);
      }
      expect(aaa.slice(15).every((x) => x["是否推荐"] === "否")).toBe(true);
      const csv = await readFile(join(out, "推荐名单.csv"), "utf8");
      expect(csv.split("\n")[0]).toContain("序号,企业名称,统一社会信用代码,地址,联系人,所属部门,联系电话,所在县(市、区),申报等级,得分,市内排名,是否推荐,说明");
      const detail = await readFile(join(out, "明细", `${rows[0]!["统一社会信用代码"]}.txt`), "utf8");
      expect(detail).toContain("总分 total:");
    });
  }

  test("a missing city or an unreadable file is a usage error", async () => {
    await writeFile(join(tmp, "nocity.csv"), [HEADER, ...sub.rows.slice(0, 2)].map((r) => r.join(",")).join("\n"));
    expect(jsqc("batch", rules, join(tmp, "nocity.csv"), "--applications", join(tmp, "apps")).code).toBe(2);
    expect(jsqc("batch", rules, join(tmp, "nocity.csv"), "--applications", join(tmp, "apps"), "--city", "南京市", "--out", join(tmp, "o3")).code).toBe(0);
    expect(jsqc("batch", rules, join(tmp, "missing.xlsx"), "--applications", join(tmp, "apps"), "--city", "南京市").code).toBe(2);
  });
});
