/**
 * `jsqc diff` and `jsqc impact` as a user runs them: the built binary, spawned, on temporary
 * modified copies of rules/2024.rules — 七③ capped at 3 with invention patents at 1.5 each, two
 * items removed from 八 (weight 10 → 8), a tiers item added to 七 (weight 12 → 14) — and on the
 * repository's examples. The XLSX written is read back with exceljs.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { jsqc, repo } from "./jsqc.js";

const rules = join(repo, "rules/2024.rules");
let tmp: string;
let revised: string;

const circled = (n: number) => String.fromCodePoint(0x2460 + n - 1);

/** The revision: every edit must apply exactly once. */
function revise(text: string): string {
  const edits: [string, string][] = [
    ['section 七 "质量竞争优势" weight 12', 'section 七 "质量竞争优势" weight 14'],
    ['(得分可累计，最高不超过 2 分)" points 2 {\n    award 1 per 发明专利数', '(得分可累计，最高不超过 2 分)" points 3 {\n    award 1.5 per 发明专利数'],
    ["0.5 per 外观设计专利数\n    cap 2\n", "0.5 per 外观设计专利数\n    cap 3\n"],
    [
      '    note "原文未印本项分值，取最高分支 2 分为本项分值。"\n  }\n}',
      '    note "原文未印本项分值，取最高分支 2 分为本项分值。"\n  }\n  item ⑥ "发明专利 5 个及以上得 1 分，2 个及以上得 0.5 分。(1分)" points 1 {\n    tiers 发明专利数 {\n      >= 5 award 1\n      >= 2 award 0.5\n    }\n  }\n}',
    ],
    ['section 八 "质量过程管理" weight 10', 'section 八 "质量过程管理" weight 8'],
    ['  item ② "确定主要产品、服务及经营全过程。(1分)" points 1 { judged }\n  item ③ "结合顾客及其他相关方信息，确定关键过程的要求。(1分)" points 1 { judged }\n', ""],
  ];
  for (const [from, to] of edits) {
    expect(text.split(from).length - 1, from).toBe(1);
    text = text.replace(from, to);
  }
  // 八④–⑩ become ②–⑧.
  const start = text.indexOf('section 八 "');
  const end = text.indexOf("\n}\n", start);
  let section = text.slice(start, end);
  for (let k = 4; k <= 10; k++) section = section.replace(`  item ${circled(k)} "`, `  item ${circled(k - 2)} "`);
  return text.slice(0, start) + section + text.slice(end);
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "jsqc-diff-"));
  revised = join(tmp, "2025.rules");
  await writeFile(revised, revise(await readFile(rules, "utf8")));
  expect(jsqc("check", revised).code).toBe(0);
});
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

/** The changes the revision makes, and nothing else. */
const EXPECTED = [
  ["section-weight", "七", "第七部分 满分 12 → 14"],
  ["item-points", "七.3", "第七部分③ 分值 2 → 3"],
  ["item-cap", "七.3", "第七部分③ 封顶 2 → 3"],
  ["item-form", "七.3", "第七部分③ 发明专利数 每个 1 → 1.5 分"],
  ["item-added", "七.6", "新增第七部分⑥「发明专利 5 个及以上得 1 分，2 个及以上…」（分档计分，1 分）"],
  ["section-weight", "八", "第八部分 满分 10 → 8"],
  ["item-removed", "八.2", "删除第八部分②「确定主要产品、服务及经营全过程。(1分)」（专家评分，1 分）"],
  ["item-removed", "八.3", "删除第八部分③「结合顾客及其他相关方信息，确定关键过程…」（专家评分，1 分）"],
];

describe("jsqc diff", () => {
  test("lists exactly the changes made, in the notice's terms; exit 1", () => {
    const r = jsqc("diff", rules, revised, "--lang", "zh");
    expect(r.code).toBe(1);
    expect(r.err).toBe("");
    const lines = r.out.trim().split("\n");
    expect(lines[1]).toBe("8 处变化");
    expect(lines.slice(2, 10)).toEqual(EXPECTED.map(([kind, , what]) => `${kind!.endsWith("added") ? "+" : kind!.endsWith("removed") ? "-" : "~"} ${what}`));
    expect(lines[10]).toBe("编号顺延（内容未变）：八.4 → 八.2, 八.5 → 八.3, 八.6 → 八.4, 八.7 → 八.5, 八.8 → 八.6, 八.9 → 八.7, 八.10 → 八.8");
    expect(lines).toHaveLength(11);
  });

  test("--json: kinds, paths, values and spans into both files", async () => {
    const r = jsqc("diff", rules, revised, "--json");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { changes: { kind: string; path: string; what: string; old?: string; new?: string; oldSpan?: { start: { offset: number }; end: { offset: number } }; newSpan?: { start: { offset: number }; end: { offset: number } } }[]; items: { old: string; new: string }[]; renumbered: unknown[] };
    expect(j.changes.map((c) => [c.kind, c.path, c.what])).toEqual(EXPECTED);
    const cap = j.changes.find((c) => c.kind === "item-cap")!;
    expect([cap.old, cap.new]).toEqual(["2", "3"]);
    const newText = await readFile(revised, "utf8");
    expect(newText.slice(cap.newSpan!.start.offset, cap.newSpan!.end.offset)).toBe("3");
    expect(j.items).toContainEqual({ old: "八.10", new: "八.8" });
    expect(j.renumbered).toHaveLength(7);
  });

  test("English", () => {
    const r = jsqc("diff", rules, revised, "--lang", "en");
    expect(r.out).toContain("~ item 七.3: cap 2 → 3");
    expect(r.out).toContain('- removed item 八.2 "确定主要产品、服务及经营全过程。(1分)" (judged, 1 point)');
  });

  test("no changes: the same file, or the file reformatted without its comments; exit 0", async () => {
    const same = jsqc("diff", rules, rules);
    expect(same.code).toBe(0);
    expect(same.out).toContain("无语义变化 / no semantic changes");
    const plain = join(tmp, "plain.rules");
    await writeFile(plain, (await readFile(rules, "utf8")).replace(/^\s*#.*\n/gm, "").replace(/\n\n/g, "\n"));
    expect(jsqc("fmt", plain).code).toBe(0);
    expect(jsqc("diff", rules, plain).code).toBe(0);
  });

  test("errors: exit 2 — a file with errors, a missing file, wrong arguments", async () => {
    const broken = join(tmp, "broken.rules");
    await writeFile(broken, (await readFile(revised, "utf8")).replace('weight 14 {', "weight {"));
    const b = jsqc("diff", rules, broken);
    expect(b.code).toBe(2);
    expect(b.err).toContain("broken.rules:");
    expect(b.out).toBe("");
    expect(jsqc("diff", rules, join(tmp, "missing.rules")).code).toBe(2);
    expect(jsqc("diff", rules).code).toBe(2);
    expect(jsqc("diff", rules, revised, "--lang", "fr").code).toBe(2);
    expect(jsqc("diff", "--help").out).toContain("jsqc diff <old.rules> <new.rules>");
    expect(jsqc("--help").out).toMatch(/diff[\s\S]*impact/);
  });
});

interface Row { name: string; old: { total: string; granted: boolean } | null; new: { total: string; granted: boolean } | null; delta: string | null; movedItems: { id: string; old: string | null; new: string | null; delta: string }[]; error?: { message: string } }

describe("jsqc impact", () => {
  test("the examples by default: each application's totals, outcomes and moved items, then the summary", () => {
    const r = jsqc("impact", rules, revised);
    expect(r.code).toBe(1);
    expect(r.out).toContain("规则变化 8 处 / 8 rule changes");
    expect(r.out).toContain("申请 20 份 applications");
    const block = (name: string) => r.out.slice(r.out.indexOf(name), r.out.indexOf("\n", r.out.indexOf("\n", r.out.indexOf("\n", r.out.indexOf(name)) + 1) + 1));
    expect(block("01-kunshan-ruitai-jingmi-muju")).toBe(
      "01-kunshan-ruitai-jingmi-muju  昆山瑞泰精密模具有限公司  AAA\n" +
      "  总分 total 100 → 99.5（-0.5）  予以认定 → 予以认定（granted → granted）\n" +
      "  七.3 +1（2 → 3） · 原八.2 -1（1 → 删除） · 原八.3 -1（1 → 删除） · 七.6 +0.5（新增 → 0.5）",
    );
    expect(r.out).toContain("  总分 total 66.5 → 65.5（-1）  予以认定 → 予以认定（granted → granted）\n  原八.2 -1（1 → 删除） · 七.3 +0.5（1 → 1.5） · 原八.3 -0.5（0.5 → 删除）");
    expect(r.out).toContain("  新获认定 gained 0 · 失去认定 lost 0 · 结论不变 unchanged 20");
    expect(r.out).toContain("  平均变化 mean delta -1.3875");
    expect(r.out).toContain("  最大降幅 largest loss -2（06-changzhou-hengxin-weidianji）");
    expect(r.out).toMatch(/七\s+质量竞争优势\s+\+0\.475\s+2\n/);
    expect(r.out).toMatch(/八\s+质量过程管理\s+-1\.8625\s+2\n/);
    expect(r.out).toContain("专家评分按新编号结转 scores carried: 八.4 → 八.2, 八.5 → 八.3");
    expect(r.out).toContain("不再计入的评分项 scores dropped: 八.2、八.3");
  });

  test("--json", () => {
    const r = jsqc("impact", rules, revised, join(repo, "examples"), "--json");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { rows: Row[]; summary: Record<string, unknown>; changes: unknown[] };
    expect(j.changes).toHaveLength(8);
    const row = (p: string) => j.rows.find((x) => x.name.startsWith(p))!;
    expect(row("18")).toMatchObject({ old: { total: "94.25" }, new: { total: "94.25" }, delta: "0" });
    expect(row("18").movedItems.map((m) => `${m.id} ${m.delta}`)).toEqual(["七.3 1", "七.6 1", "八.2 -1", "八.3 -1"]);
    expect(row("03")).toMatchObject({ old: { total: "79.89", granted: true }, new: { total: "78.14", granted: true }, delta: "-1.75" });
    expect(j.summary).toMatchObject({ count: 20, evaluated: 20, failed: 0, meanDelta: "-1.3875" });
  });

  test("--xlsx and --csv: one row per application, a summary sheet, the rule changes", async () => {
    const xlsx = join(tmp, "impact.xlsx");
    const csv = join(tmp, "impact.csv");
    const r = jsqc("impact", rules, revised, "--xlsx", xlsx, "--csv", csv);
    expect(r.code).toBe(1);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.worksheets.map((s) => s.name)).toEqual(["影响", "汇总", "规则变化"]);
    const rows: unknown[][] = [];
    wb.getWorksheet("影响")!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(["申请", "企业名称", "申报等级", "原总分", "新总分", "变化", "原结论", "新结论", "结论变化", "变动的评分项", "原因", "说明"]);
    expect(rows).toHaveLength(21);
    const r01 = rows.find((x) => x[0] === "01-kunshan-ruitai-jingmi-muju")!;
    expect(r01.slice(0, 9)).toEqual(["01-kunshan-ruitai-jingmi-muju", "昆山瑞泰精密模具有限公司", "AAA", 100, 99.5, -0.5, "予以认定", "予以认定", "不变"]);
    expect(r01[9]).toBe("七.3 +1（2 → 3）；原八.2 -1（1 → 删除）；原八.3 -1（1 → 删除）；七.6 +0.5（新增 → 0.5）");
    const summary = new Map<string, unknown>();
    wb.getWorksheet("汇总")!.eachRow((row) => { const v = row.values as unknown[]; summary.set(String(v[1]), v.slice(2)); });
    expect(summary.get("申请（份）")).toEqual([20]);
    expect(summary.get("平均变化")).toEqual([-1.3875]);
    expect(summary.get("最大降幅")).toEqual([-2]);
    expect(summary.get("七")).toEqual(["质量竞争优势", 0.475, 2]);
    expect(summary.get("八")).toEqual(["质量过程管理", -1.8625, 2]);
    const changes: unknown[][] = [];
    wb.getWorksheet("规则变化")!.eachRow((row) => changes.push((row.values as unknown[]).slice(1)));
    expect(changes.slice(1).map((c) => [c[1], c[0], c[2]])).toEqual(EXPECTED);

    const text = (await readFile(csv, "utf8")).replace(/^\ufeff/, "");
    const lines = text.trim().split("\n");
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe("申请,企业名称,申报等级,原总分,新总分,变化,原结论,新结论,结论变化,变动的评分项,原因,说明");
    expect(lines.find((l) => l.startsWith("03-"))).toBe("03-nanjing-huarui-zhineng-zhuangbei,南京华睿智能装备有限公司,AA,79.89,78.14,-1.75,予以认定,予以认定,不变,原八.2 -1（1 → 删除）；原八.3 -0.75（0.75 → 删除）,,");
  });

  test("a JSON-lines file and a single file; an application the new file refuses is reported, not dropped", async () => {
    const app = JSON.parse(await readFile(join(repo, "examples/05-xuzhou-ganglian-gongcheng-jixie.json"), "utf8")) as Record<string, unknown>;
    const broken = { ...app, id: "broken-1", inputs: { ...(app["inputs"] as object), 发明专利数: -1 } };
    const jsonl = join(tmp, "apps.jsonl");
    await writeFile(jsonl, `${JSON.stringify(app)}\n\n${JSON.stringify(broken)}\n`);
    const r = jsqc("impact", rules, revised, jsonl, join(repo, "examples/18-qidong-hairui-haiyang-gongcheng.json"), "--json");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { rows: Row[]; summary: Record<string, unknown> };
    expect(j.rows.map((x) => x.name)).toEqual([String(app["id"]), "broken-1", "18-qidong-hairui-haiyang-gongcheng"]);
    expect(j.rows[0]).toMatchObject({ delta: "-1" });
    expect(j.rows[1]!.error!.message).toMatch(/^原规则下申请无效：.*；新规则下申请无效：/);
    expect(j.summary).toMatchObject({ count: 3, evaluated: 2, failed: 1 });
    const text = jsqc("impact", rules, revised, jsonl);
    expect(text.out).toContain("broken-1  徐州港联工程机械配件有限公司  A\n  ✗ 原规则下申请无效：");
    // A JSON file holding an array: one application per element.
    const array = join(tmp, "apps.json");
    await writeFile(array, JSON.stringify([app, broken]));
    const a = JSON.parse(jsqc("impact", rules, revised, array, "--json").out) as { rows: Row[] };
    expect(a.rows.map((x) => [x.name, x.delta])).toEqual([["apps#1", "-1"], ["apps#2", null]]);
  });

  test("next year's file: losses only outside the window are said so; --carry-dates dates the examples into the new year", async () => {
    const next = join(tmp, "next-year.rules");
    const text = (await readFile(rules, "utf8"))
      .replace("  year 2024\n", "  year 2025\n")
      .replace("effective 2024-01-01 to 2024-12-31", "effective 2025-01-01 to 2025-12-31")
      .split("window 2024-03-26 to 2024-04-26").join("window 2025-03-26 to 2025-04-26");
    await writeFile(next, text);
    const r = jsqc("impact", rules, next);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "03-nanjing-huarui-zhineng-zhuangbei  南京华睿智能装备有限公司  AA\n" +
      "  总分 total 79.89 → 79.89（0）  予以认定 → 不符合条件（granted → not eligible）  【失去认定 lost】\n" +
      "  ★ 申报日期 2024-03-26 不在新申报期 2025-03-26 至 2025-04-26 内（原申报期 2024-03-26 至 2024-04-26）\n" +
      "    the application date 2024-03-26 is outside the new window 2025-03-26 to 2025-04-26 (was 2024-03-26 to 2024-04-26)\n" +
      "  → 仅因申报日期不在新申报期内 / only because the application date is outside the new window\n",
    );
    expect(r.out).toContain("  新获认定 gained 0 · 失去认定 lost 5 · 结论不变 unchanged 15");
    expect(r.out).toContain("  其中 5 份仅因申报日期不在新申报期内（可用 --carry-dates 把申请日期顺延到新年度）");
    const csv = join(tmp, "next.csv");
    jsqc("impact", rules, next, "--csv", csv);
    const line = (await readFile(csv, "utf8")).split("\n").find((l) => l.startsWith("03-"))!;
    expect(line).toBe("03-nanjing-huarui-zhineng-zhuangbei,南京华睿智能装备有限公司,AA,79.89,79.89,0,予以认定,不符合条件,失去认定,,★申报日期 2024-03-26 不在新申报期 2025-03-26 至 2025-04-26 内（原申报期 2024-03-26 至 2024-04-26）；仅因申报日期不在新申报期内,");

    const carried = jsqc("impact", rules, next, "--carry-dates");
    expect(carried.code).toBe(0);
    expect(carried.out).toContain("结论不变 unchanged 20");
    expect(carried.out).toContain("申请中的日期已顺延 1 年 / every date in the applications moved by 1 year(s)");
  });

  test("no change: exit 0; errors: exit 2", () => {
    const same = jsqc("impact", rules, rules);
    expect(same.code).toBe(0);
    expect(same.out).toContain("结论不变 unchanged 20");
    expect(jsqc("impact", rules, join(tmp, "missing.rules")).code).toBe(2);
    expect(jsqc("impact", rules, revised, join(tmp, "no-such-folder")).code).toBe(2);
    expect(jsqc("impact", rules).code).toBe(2);
    const unwritable = jsqc("impact", rules, revised, "--xlsx", join(tmp, "no-such-folder", "x.xlsx"));
    expect(unwritable.code).toBe(2);
    expect(unwritable.err).toContain("无法写入");
    expect(jsqc("impact", "--help").out).toContain("jsqc impact <old.rules> <new.rules>");
  });
});
