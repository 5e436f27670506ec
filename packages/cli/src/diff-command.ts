/**
 * `jsqc diff <old.rules> <new.rules>`: what changed in the rules, in the notice's terms (exit 0
 * no changes, 1 changes, 2 errors). `jsqc impact <old.rules> <new.rules> [applications…]`: the
 * same applications under both files — totals, outcomes, the items that moved them, a summary —
 * with XLSX and CSV export. docs/compare.md explains both.
 */
import { readdir, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { CSV_BOM, safeCsv } from "./csv-safe.js";
import { diffAsts, diffRuleFiles, renderDiagnostic, renderDiff, type RuleDiff } from "@jsqc/dsl";
import { impact, type ImpactApplication, type ImpactReport, type ImpactRow, type ImpactSide, type MovedItem } from "@jsqc/engine";
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, InputError, readText, type Streams } from "./cli.js";
import { loadRuleset } from "./rules.js";
import { table } from "./render.js";

type Lang = "zh" | "en" | "both";

function langOf(v: unknown): Lang {
  if (v === undefined) return "both";
  if (v === "zh" || v === "en" || v === "both") return v;
  throw new InputError(`--lang 应为 zh、en 或 both / --lang must be zh, en or both`);
}

/** JSON of a diff, spans included (the editor's view highlights with them). */
function diffJson(oldFile: string, newFile: string, d: RuleDiff) {
  return { old: oldFile, new: newFile, changes: d.changes, sections: d.sections, items: d.items, vetoes: d.vetoes, renumbered: d.renumbered };
}

export async function diffCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  if (positionals.length !== 2) throw new InputError("用法 usage: jsqc diff <old.rules> <new.rules> [--json] [--lang zh|en|both]");
  const [oldFile, newFile] = positionals as [string, string];
  const lang = langOf(values["lang"]);
  const oldText = await readText(oldFile);
  const newText = await readText(newFile);
  const d = diffRuleFiles(oldText, newText);
  if (d.errors.old.length > 0 || d.errors.new.length > 0) {
    for (const e of d.errors.old) io.stderr.write(`${renderDiagnostic(e, oldText, oldFile)}\n\n`);
    for (const e of d.errors.new) io.stderr.write(`${renderDiagnostic(e, newText, newFile)}\n\n`);
    io.stderr.write("规则文件有错误，无法可靠比较 / a rule file has errors; the comparison would not be reliable\n");
    return EXIT_USAGE;
  }
  if (values["json"]) io.stdout.write(`${JSON.stringify(diffJson(oldFile, newFile, d), null, 2)}\n`);
  else io.stdout.write(`${oldFile} → ${newFile}\n${renderDiff(d, lang)}\n`);
  return d.changes.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

// ---------------------------------------------------------------------------------------------
// impact
// ---------------------------------------------------------------------------------------------

/** The repository's examples/ (beside packages/), the default applications. */
export function defaultApplications(): string {
  return fileURLToPath(new URL("../../../examples/", import.meta.url));
}

function parseLine(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(`${where}: 不是有效的 JSON / not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Applications from folders (every `*.json` but `*.expected.json`, named by file), JSON-lines
 * files (named by `id`, else `file:line`) and single `.json` files (named by file; a file holding
 * an array gives one application per element, named `file#n`).
 */
export async function loadImpactApplications(paths: readonly string[]): Promise<ImpactApplication[]> {
  const out: ImpactApplication[] = [];
  for (const path of paths) {
    let isDir = false;
    try { isDir = (await stat(path)).isDirectory(); } catch { throw new InputError(`无法读取申请数据 ${path} / cannot read applications ${path}`); }
    if (isDir) {
      const names = (await readdir(path)).filter((n) => n.endsWith(".json") && !n.endsWith(".expected.json")).sort();
      for (const n of names) out.push({ name: n.replace(/\.json$/, ""), app: parseLine(await readText(join(path, n)), join(path, n)) });
      continue;
    }
    const text = await readText(path);
    if (/\.jsonl$/i.test(path)) {
      text.split(/\r?\n/).forEach((line, i) => {
        if (!line.trim()) return;
        const app = parseLine(line, `${path}:${i + 1}`);
        const id = (app as { id?: unknown } | null)?.id;
        out.push({ name: typeof id === "string" ? id : `${basename(path)}:${i + 1}`, app });
      });
    } else {
      const name = basename(path).replace(/\.json$/i, "");
      const app = parseLine(text, path);
      if (Array.isArray(app)) app.forEach((a: unknown, i) => out.push({ name: `${name}#${i + 1}`, app: a }));
      else out.push({ name, app });
    }
  }
  return out;
}

/** `+1`, `-0.5`, `0`. */
export function signed(d: string): string {
  return d.startsWith("-") || d === "0" ? d : `+${d}`;
}

const verdict = (s: ImpactSide | null) => (s === null ? "—" : s.granted ? "予以认定" : s.vetoed ? "否决" : !s.eligible ? "不符合条件" : "未达及格分");
const verdictEn = (s: ImpactSide | null) => (s === null ? "—" : s.granted ? "granted" : s.vetoed ? "vetoed" : !s.eligible ? "not eligible" : "below pass mark");
const OUTCOME_ZH = { gained: "新获认定", lost: "失去认定", unchanged: "不变" } as const;

/** `七.3 +1（2 → 3）`, `原八.2 -1（1 → 删除）`, `七.6 +0.5（新增 → 0.5）`, `八.2（原八.4）…`. */
export function movedText(m: MovedItem): string {
  const id = m.new === null ? `原${m.id}` : m.oldId ? `${m.id}（原${m.oldId}）` : m.id;
  return `${id} ${signed(m.delta)}（${m.old ?? "新增"} → ${m.new ?? "删除"}）`;
}

function rowNote(r: ImpactRow): string {
  return [r.error?.message, ...r.adjustments].filter((x): x is string => Boolean(x)).join("；");
}

function renderImpact(oldFile: string, newFile: string, report: ImpactReport, d: RuleDiff): string {
  const out: string[] = [];
  const s = report.summary;
  out.push(`影响分析 impact: ${oldFile} → ${newFile}`);
  out.push(`规则变化 ${d.changes.length} 处 / ${d.changes.length} rule change${d.changes.length === 1 ? "" : "s"}（jsqc diff 查看 / see jsqc diff）；申请 ${s.count} 份 applications`);
  out.push("");
  for (const r of report.rows) {
    out.push(`${r.name}  ${r.enterprise ?? "—"}  ${r.grade ?? "—"}`);
    if (r.error) {
      out.push(`  ✗ ${r.error.message}`);
      out.push(`    ${r.error.messageEn}`);
    } else {
      const change = r.outcome && r.outcome !== "unchanged" ? `  【${OUTCOME_ZH[r.outcome]} ${r.outcome}】` : "";
      out.push(`  总分 total ${r.old!.total} → ${r.new!.total}（${signed(r.delta!)}）  ${verdict(r.old)} → ${verdict(r.new)}（${verdictEn(r.old)} → ${verdictEn(r.new)}）${change}`);
      if (r.movedItems.length > 0) out.push(`  ${r.movedItems.map(movedText).join(" · ")}`);
      // Why, condition by condition: ★ marks what alone decides a changed outcome.
      for (const why of r.reasons.filter((x) => x.kind !== "items")) {
        out.push(`  ${why.decisive ? "★" : "·"} ${why.message}`);
        out.push(`    ${why.messageEn}`);
      }
      if (r.outsideWindow) out.push("  → 仅因申报日期不在新申报期内 / only because the application date is outside the new window");
    }
    for (const a of r.adjustments) out.push(`  ! ${a}`);
  }
  out.push("");
  out.push("汇总 summary");
  out.push(`  申请 ${s.count} 份：评分 ${s.evaluated}，出错 ${s.failed} / ${s.count} applications: ${s.evaluated} scored, ${s.failed} with errors`);
  out.push(`  新获认定 gained ${s.gained} · 失去认定 lost ${s.lost} · 结论不变 unchanged ${s.unchanged}`);
  if (s.lostOutsideWindow > 0) {
    out.push(`  其中 ${s.lostOutsideWindow} 份仅因申报日期不在新申报期内（可用 --carry-dates 把申请日期顺延到新年度）/ ${s.lostOutsideWindow} lost only because the application date is outside the new window (--carry-dates dates them into the new year)`);
  }
  if (s.unexplained > 0) out.push(`  ！${s.unexplained} 份结论变化未找到原因 / ${s.unexplained} changed outcomes left unexplained`);
  out.push(`  平均变化 mean delta ${s.meanDelta === null ? "—" : signed(s.meanDelta)}`);
  out.push(`  最大增幅 largest gain ${s.largestGain ? `${signed(s.largestGain.delta)}（${s.largestGain.name}）` : "—"}`);
  out.push(`  最大降幅 largest loss ${s.largestLoss ? `${s.largestLoss.delta}（${s.largestLoss.name}）` : "—"}`);
  const moved = s.perSection.filter((x) => x.maxAbsDelta !== "0");
  if (moved.length > 0) {
    out.push("  各部分 per section:");
    const rows = [["部分", "名称", "平均变化 mean", "最大变化 max |Δ|"], ...moved.map((x) => [x.id, x.title, signed(x.meanDelta), x.maxAbsDelta])];
    out.push(table(rows, ["left", "left", "right", "right"]).split("\n").map((l) => `    ${l}`).join("\n"));
  }
  const c = report.carried;
  if (c.renumbered.length > 0) out.push(`  专家评分按新编号结转 scores carried: ${c.renumbered.map((p) => `${p.old} → ${p.new}`).join(", ")}`);
  if (c.dropped.length > 0) out.push(`  不再计入的评分项 scores dropped: ${c.dropped.join("、")}`);
  if (c.unscored.length > 0) out.push(`  新的专家评分项无评分，按 0 分计 new judged items, unscored: ${c.unscored.join("、")}`);
  if (c.droppedInputs.length > 0) out.push(`  新规则不再使用的输入项 inputs dropped: ${c.droppedInputs.join("、")}`);
  if (c.datesMovedBy !== 0) out.push(`  申请中的日期已顺延 ${c.datesMovedBy} 年 / every date in the applications moved by ${c.datesMovedBy} year(s)`);
  return out.join("\n");
}

export const IMPACT_COLUMNS = ["申请", "企业名称", "申报等级", "原总分", "新总分", "变化", "原结论", "新结论", "结论变化", "变动的评分项", "原因", "说明"] as const;

/** The conditions that moved the row (★ decisive), then `仅因申报期` when that alone lost it. */
function reasonsText(r: ImpactRow): string {
  const parts = r.reasons.filter((x) => x.kind !== "items").map((x) => `${x.decisive ? "★" : ""}${x.message}`);
  if (r.outsideWindow) parts.push("仅因申报日期不在新申报期内");
  return parts.join("；");
}

function impactCells(r: ImpactRow, numbers: boolean): (string | number)[] {
  const num = (x: string | null | undefined) => (x === null || x === undefined ? "" : numbers ? Number(x) : x);
  return [
    r.name, r.enterprise ?? "", r.grade ?? "",
    num(r.old?.total), num(r.new?.total), num(r.delta),
    r.old ? verdict(r.old) : "", r.new ? verdict(r.new) : "",
    r.outcome ? OUTCOME_ZH[r.outcome] : "",
    r.movedItems.map(movedText).join("；"),
    reasonsText(r),
    rowNote(r),
  ];
}

/** One row per application (points as exact decimal strings), with a BOM for Excel. */
export function impactCsv(report: ImpactReport): string {
  return `${CSV_BOM}${safeCsv([[...IMPACT_COLUMNS], ...report.rows.map((r) => impactCells(r, false))])}`;
}

/** Sheets 影响 (one row per application), 汇总 (the summary and each section) and 规则变化 (the diff). */
export async function impactXlsx(oldFile: string, newFile: string, report: ImpactReport, d: RuleDiff): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const rows = wb.addWorksheet("影响");
  rows.addRow([...IMPACT_COLUMNS]).font = { bold: true };
  for (const r of report.rows) rows.addRow(impactCells(r, true));
  rows.columns.forEach((col, i) => { col.width = [34, 30, 8, 9, 9, 8, 12, 12, 10, 60, 60, 60][i] ?? 12; });
  rows.views = [{ state: "frozen", ySplit: 1 }];

  const s = report.summary;
  const sum = wb.addWorksheet("汇总");
  sum.addRow(["指标", "值"]).font = { bold: true };
  const n = (x: string | null) => (x === null ? "" : Number(x));
  for (const [k, v] of [
    ["原规则文件", oldFile], ["新规则文件", newFile], ["规则变化（处）", d.changes.length],
    ["申请（份）", s.count], ["已评分", s.evaluated], ["出错", s.failed],
    ["新获认定", s.gained], ["失去认定", s.lost], ["其中仅因申报期", s.lostOutsideWindow], ["结论不变", s.unchanged], ["未找到原因", s.unexplained],
    ["平均变化", n(s.meanDelta)],
    ["最大增幅", s.largestGain ? Number(s.largestGain.delta) : ""], ["最大增幅的申请", s.largestGain?.name ?? ""],
    ["最大降幅", s.largestLoss ? Number(s.largestLoss.delta) : ""], ["最大降幅的申请", s.largestLoss?.name ?? ""],
  ] as [string, string | number][]) sum.addRow([k, v]);
  sum.addRow([]);
  sum.addRow(["部分", "名称", "平均变化", "最大变化"]).font = { bold: true };
  for (const x of s.perSection) sum.addRow([x.id, x.title, Number(x.meanDelta), Number(x.maxAbsDelta)]);
  sum.getColumn(1).width = 18;
  sum.getColumn(2).width = 40;
  sum.getColumn(3).width = 10;
  sum.getColumn(4).width = 10;

  const ch = wb.addWorksheet("规则变化");
  ch.addRow(["位置", "类型", "变化", "change"]).font = { bold: true };
  for (const c of d.changes) ch.addRow([c.path, c.kind, c.what, c.whatEn]);
  ch.getColumn(1).width = 24;
  ch.getColumn(2).width = 16;
  ch.getColumn(3).width = 80;
  ch.getColumn(4).width = 80;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function impactCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  if (positionals.length < 2) throw new InputError("用法 usage: jsqc impact <old.rules> <new.rules> [<applications folder|.jsonl|.json>…] [--carry-dates] [--xlsx out.xlsx] [--csv out.csv] [--json]");
  const [oldFile, newFile, ...sources] = positionals as [string, string, ...string[]];
  const o = await loadRuleset(oldFile, io);
  const n = await loadRuleset(newFile, io);
  if (!o || !n) return EXIT_USAGE;
  const applications = await loadImpactApplications(sources.length > 0 ? sources : [defaultApplications()]);
  if (applications.length === 0) throw new InputError(`没有找到申请数据 / no applications found in ${sources.join(", ") || defaultApplications()}`);
  const d = diffAsts({ ast: o.ast, model: o.model }, { ast: n.ast, model: n.model });
  const report = impact(o, n, applications, { diff: d, carryDates: values["carry-dates"] === true });
  const write = async (file: unknown, data: () => Promise<Buffer | string>) => {
    if (typeof file !== "string") return;
    try {
      await writeFile(file, await data());
    } catch (err) {
      throw new InputError(`无法写入 ${file} / cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  await write(values["xlsx"], () => impactXlsx(oldFile, newFile, report, d));
  await write(values["csv"], async () => impactCsv(report));
  if (typeof values["reports"] === "string") await (await import("./paper-commands.js")).writeImpactReports(values["reports"], o, n, applications, report, d, io);
  if (values["json"]) io.stdout.write(`${JSON.stringify({ old: oldFile, new: newFile, changes: d.changes, ...report }, null, 2)}\n`);
  else io.stdout.write(`${renderImpact(oldFile, newFile, report, d)}\n`);
  const moved = report.rows.some((r) => r.error || r.delta !== "0" || r.outcome !== "unchanged");
  return moved ? EXIT_FINDINGS : EXIT_OK;
}
