/**
 * The paperwork commands (docs/paperwork.md): `jsqc publish` prints 附件1 from a rule file as Word,
 * printable HTML and Markdown; `jsqc template` writes the application workbook that `jsqc batch`
 * reads back; `jsqc sheets` writes the experts' score sheets that `jsqc batch … --scores` reads
 * back; `jsqc batch … --reports` writes each enterprise's report, `jsqc impact … --reports` the
 * same old → new.
 */
import { mkdir, readdir, readFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { carryToRuleset, evaluate, type EvaluationResult, type ImpactApplication, type ImpactReport, type Ruleset } from "@jsqc/engine";
import type { RuleDiff } from "@jsqc/dsl";
import { annex1, annex1Docx, annex1Html, annex1Markdown, applicationTemplate, MAIN_SHEET, readApplicationWorkbook, readScoreSheets, reportDocx, reportHtml, scoreSheet, subjectOf } from "@jsqc/paper";
import { loadApplications } from "./applications.js";
import { EXIT_FINDINGS, EXIT_OK, InputError, writeAtomically, type Streams } from "./cli.js";
import { loadRuleset } from "./rules.js";

const FORMATS = ["docx", "html", "md"] as const;
type Format = (typeof FORMATS)[number];

/** Parses `--format docx,html` (default: all three). */
function formats(value: unknown): Format[] {
  if (typeof value !== "string") return [...FORMATS];
  const list = value.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((f) => !(FORMATS as readonly string[]).includes(f));
  if (bad.length > 0 || list.length === 0) throw new InputError(`--format 只能是 ${FORMATS.join("、")} / --format must be ${FORMATS.join(", ")}: ${bad.join(", ") || "(empty)"}`);
  return list as Format[];
}

export async function publishCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  if (positionals.length !== 1) throw new InputError("用法 usage: jsqc publish <rules> [--out DIR] [--format docx,html,md] [--force]");
  const rulesFile = positionals[0]!;
  const wanted = formats(values["format"]);
  const ruleset = await loadRuleset(rulesFile, io);
  if (!ruleset) return EXIT_FINDINGS;
  const a = annex1(ruleset);
  for (const m of a.mismatches) io.stderr.write(`${rulesFile}:${m.line}:${m.column}: ${m.message}\n  ${m.messageEn}\n`);
  if (a.mismatches.length > 0 && !values["force"]) {
    io.stderr.write(`${rulesFile}: ${a.mismatches.length} 项印刷分值与规则不符，未生成附件1；改正文字或规则，或用 --force 生成并标出 / ${a.mismatches.length} item(s) print figures that disagree with the rule; nothing written (use --force to write and mark them)\n`);
    return EXIT_FINDINGS;
  }
  const out = typeof values["out"] === "string" ? values["out"] : ".";
  await mkdir(out, { recursive: true });
  const stem = `${basename(rulesFile, extname(rulesFile))}-附件1`;
  for (const f of wanted) {
    const file = join(out, `${stem}.${f}`);
    await writeAtomically(file, f === "docx" ? await annex1Docx(a) : f === "html" ? annex1Html(a) : annex1Markdown(a));
    io.stdout.write(`${file}\n`);
  }
  if (a.mismatches.length > 0) io.stderr.write(`已用 --force 生成，不符之处已用【与规则不符】标出 / written with --force; the mismatches are marked\n`);
  return EXIT_OK;
}

/** `jsqc batch … --reports`: a Word and a printable HTML report per scored enterprise, in DIR/报告/. */
export async function writeReports(
  out: string,
  ruleset: Ruleset,
  ranked: readonly { row: { cells: Readonly<Record<string, string>> }; result: EvaluationResult }[],
  applications: ReadonlyMap<string, unknown>,
): Promise<number> {
  const dir = join(out, "报告");
  await mkdir(dir, { recursive: true });
  const dateInput = ruleset.applicationDateIndex === null ? null : ruleset.inputs[ruleset.applicationDateIndex]!.name;
  for (const r of ranked) {
    const code = r.row.cells["统一社会信用代码"] ?? "";
    const fromApp = subjectOf(applications.get(code), dateInput);
    // The city's summary table is what the office signed: its name and county win over the JSON's.
    const who = { ...fromApp, name: r.row.cells["企业名称"] || fromApp.name, creditCode: code, ...(r.row.cells["所在县(市、区)"] ? { county: r.row.cells["所在县(市、区)"] } : {}) };
    const stem = join(dir, `${code}-${safeName(who.name)}`);
    await writeAtomically(`${stem}.docx`, await reportDocx(r.result, who));
    await writeAtomically(`${stem}.html`, reportHtml(r.result, who));
  }
  return ranked.length;
}

/** A file-name-safe form of an enterprise's name (no path separators or reserved characters). */
function safeName(name: string): string {
  return name.replace(/[\\/:*?"<>|\x00-\x1f]/g, "_").slice(0, 60);
}

/** `jsqc template <rules>`: the application workbook a county or city office fills in. */
export async function templateCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  if (positionals.length !== 1) throw new InputError("用法 usage: jsqc template <rules> [--out FILE.xlsx]");
  const rulesFile = positionals[0]!;
  const ruleset = await loadRuleset(rulesFile, io);
  if (!ruleset) return EXIT_FINDINGS;
  const out = typeof values["out"] === "string" ? values["out"] : `${basename(rulesFile, extname(rulesFile))}-申报表.xlsx`;
  if (extname(out).toLowerCase() !== ".xlsx") throw new InputError(`--out 应以 .xlsx 结尾 / --out must end in .xlsx: ${out}`);
  await mkdir(dirname(out) || ".", { recursive: true });
  await writeAtomically(out, await applicationTemplate(ruleset));
  io.stdout.write(`${out}\n`);
  return EXIT_OK;
}

/**
 * For `jsqc batch`: when the .xlsx is a workbook made by `jsqc template`, its rows and
 * applications (null otherwise). Bad cells are printed, sheet/row/column and label, and their rows
 * are left out of the batch.
 */
export async function readTemplateWorkbook(ruleset: Ruleset, data: Uint8Array, file: string, io: Streams): Promise<{ rows: { rowNumber: number; cells: Record<string, string> }[]; city: string | null; applications: ReadonlyMap<string, unknown>; cellErrors: number } | null> {
  const ExcelJS = (await import("exceljs")).default;
  const wb = new ExcelJS.Workbook();
  try { await wb.xlsx.load(data as unknown as ArrayBuffer); } catch { return null; }
  if (!wb.getWorksheet(MAIN_SHEET) || !wb.getWorksheet("_字段")) return null;
  let read;
  try { read = await readApplicationWorkbook(ruleset, data); } catch (err) { throw new InputError(`${file}: ${(err as Error).message}`); }
  for (const e of read.errors) io.stdout.write(`  ${e.message}\n    ${e.messageEn}\n`);
  const badRows = new Set(read.errors.filter((e) => e.sheet === MAIN_SHEET).map((e) => e.row));
  // A row whose application was left out (a bad cell here or on a list sheet) is reported by its cells, not again as "no application".
  const rows = read.rows.filter((r) => !badRows.has(r.rowNumber) && read.applications.has(r.cells["统一社会信用代码"]));
  if (read.errors.length > 0) io.stdout.write(`${file}: ${read.errors.length} 个单元格有误，${read.rows.length - rows.length} 行未评分 / ${read.errors.length} bad cell(s); ${read.rows.length - rows.length} row(s) not scored\n`);
  return { rows, city: read.city, applications: read.applications, cellErrors: read.errors.length };
}

/** `jsqc sheets <rules> --applications …`: one score sheet per expert for the enterprises to review. */
export async function sheetsCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  if (positionals.length !== 1 || typeof values["applications"] !== "string") throw new InputError("用法 usage: jsqc sheets <rules> --applications <folder|file.jsonl|申报表.xlsx> [--experts 专家甲,专家乙,专家丙] [--out DIR]");
  const rulesFile = positionals[0]!;
  const experts = (typeof values["experts"] === "string" ? values["experts"] : "专家甲,专家乙,专家丙").split(/[,，、]/).map((s) => s.trim()).filter(Boolean);
  if (experts.length === 0 || new Set(experts).size !== experts.length) throw new InputError("--experts 应为不重复的专家姓名，用逗号分隔 / --experts must be distinct names separated by commas");
  const bad = experts.find((e) => /[\\/:*?"<>|]/.test(e) || e.length > 50);
  if (bad) throw new InputError(`专家姓名不能含 \\ / : * ? " < > | 且不超过 50 字：${bad} / an expert's name may not contain those characters`);
  const ruleset = await loadRuleset(rulesFile, io);
  if (!ruleset) return EXIT_FINDINGS;
  const source = values["applications"];
  let apps: ReadonlyMap<string, unknown>;
  if (extname(source).toLowerCase() === ".xlsx") {
    let data: Uint8Array;
    try { data = await readFile(source); } catch { throw new InputError(`无法读取 ${source} / cannot read ${source}`); }
    const t = await readTemplateWorkbook(ruleset, data, source, io);
    if (!t) throw new InputError(`${source} 不是 jsqc template 生成的申报表 / is not a workbook made by jsqc template`);
    apps = t.applications;
  } else {
    apps = await loadApplications(source);
  }
  const enterprises = [...apps.entries()].map(([key, app]) => {
    const a = (app ?? {}) as { enterprise?: { name?: unknown; creditCode?: unknown }; grade?: unknown };
    return { creditCode: typeof a.enterprise?.creditCode === "string" ? a.enterprise.creditCode : key, name: typeof a.enterprise?.name === "string" ? a.enterprise.name : "", grade: typeof a.grade === "string" ? a.grade : "" };
  });
  if (enterprises.length === 0) throw new InputError(`${source} 中没有申请 / no applications in ${source}`);
  const out = typeof values["out"] === "string" ? values["out"] : ".";
  await mkdir(out, { recursive: true });
  for (const e of experts) {
    const file = join(out, `评分表-${e}.xlsx`);
    await writeAtomically(file, await scoreSheet(ruleset, e, enterprises));
    io.stdout.write(`${file}\n`);
  }
  io.stdout.write(`${enterprises.length} 家企业，${ruleset.judged.length} 个评分项，${experts.length} 位专家 / enterprises, judged items, experts\n`);
  return EXIT_OK;
}

/**
 * For `jsqc batch … --scores DIR`: the returned score sheets in DIR replace each application's
 * experts. Missing scores and bad cells are printed; returns the applications and the count of
 * findings (so batch exits 1 when there are any).
 */
export async function withScores(ruleset: Ruleset, applications: ReadonlyMap<string, unknown>, dir: string, io: Streams): Promise<{ applications: Map<string, unknown>; findings: number }> {
  let names: string[];
  try { names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith(".xlsx") && !n.startsWith("~$")).sort(); } catch { throw new InputError(`无法读取评分表目录 ${dir} / cannot read the score sheets' folder ${dir}`); }
  if (names.length === 0) throw new InputError(`${dir} 中没有评分表（.xlsx）/ no score sheets in ${dir}`);
  let read;
  try {
    read = await readScoreSheets(ruleset, await Promise.all(names.map(async (n) => ({ name: n, bytes: await readFile(join(dir, n)) }))));
  } catch (err) { throw new InputError((err as Error).message); }
  for (const e of read.errors) io.stdout.write(`  ${e.message}\n    ${e.messageEn}\n`);
  for (const m of read.missing) io.stdout.write(`  缺评分 missing: ${m.message}\n`);
  const out = new Map<string, unknown>();
  for (const [code, app] of applications) out.set(code, { ...(app as object), experts: read.experts.get(code) ?? [] });
  io.stdout.write(`评分表 score sheets: ${names.length} 份，${read.missing.length} 处缺评分，${read.errors.length} 处错误 / ${names.length} sheet(s), ${read.missing.length} missing, ${read.errors.length} bad\n`);
  return { applications: out, findings: read.missing.length + read.errors.length };
}

/** Prints the engine's spread and unscored flags of a batch, per enterprise and item. */
export function printFlags(ranked: readonly { row: { cells: Readonly<Record<string, string>> }; result: EvaluationResult }[], io: Streams): number {
  let n = 0;
  for (const r of ranked) {
    for (const f of r.result.flags) {
      n++;
      io.stdout.write(`  ${f.kind === "spread" ? "分差 spread" : "无人评分 unscored"}: ${r.row.cells["企业名称"]}（${r.row.cells["统一社会信用代码"]}）${f.item}：${f.message}\n`);
    }
  }
  return n;
}

/** `jsqc impact … --reports DIR`: each application's report under the new file, its points old → new. */
export async function writeImpactReports(dir: string, o: Ruleset, n: Ruleset, applications: readonly ImpactApplication[], report: ImpactReport, diff: RuleDiff, io: Streams): Promise<void> {
  await mkdir(dir, { recursive: true });
  const dateInput = n.applicationDateIndex === null ? null : n.inputs[n.applicationDateIndex]!.name;
  let written = 0;
  for (const [k, a] of applications.entries()) {
    const row = report.rows[k];
    if (!row || !row.old || !row.new) continue; // an application that failed under either file: impact has reported it
    const r = evaluate(n, carryToRuleset(o, n, a.app, { diff }).app, { trace: true });
    if (!r.ok) continue;
    const who = subjectOf(a.app, dateInput);
    const stem = join(dir, `${safeName(basename(a.name, extname(a.name)))}-对比`);
    await writeAtomically(`${stem}.docx`, await reportDocx(r.result, who, { impact: { row, oldTitle: o.title } }));
    await writeAtomically(`${stem}.html`, reportHtml(r.result, who, { impact: { row, oldTitle: o.title } }));
    written++;
  }
  io.stderr.write(`对比报告 comparison reports: ${written} 份 → ${dir}\n`);
}
