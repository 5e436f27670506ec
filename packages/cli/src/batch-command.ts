/**
 * `jsqc batch`: a city's submission (附件2 as CSV or XLSX + applications) → ranked recommendation list.
 *
 * Streams, so 10⁶ rows run in bounded memory: rows are read one at a time (batch-input.ts), each
 * scored row's result goes to a spill file and its detail file at once, and memory keeps only
 * what ranking needs (a few numbers per row) and the credit codes seen (for duplicates). Ranking
 * then reads the spill back in 序号 order and writes every output as a stream. Everything is
 * written in a temporary folder beside the output and renamed into place at the end: a failure
 * leaves no partial output, and an earlier output of the same name stays until the new one is whole.
 */
import { createReadStream, createWriteStream, openSync, readSync, closeSync, type WriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { once } from "node:events";
import { basename, dirname, extname, join, resolve } from "node:path";
import ExcelJS from "exceljs";
import type { EvaluationResult, Ruleset } from "@jsqc/engine";
import { EXIT_FINDINGS, EXIT_OK, InputError, type Streams } from "./cli.js";
import { loadRuleset } from "./rules.js";
import {
  candidateNote, isJiangsuCity, notCandidateNote, PROBLEM_COLUMNS, rankScored, RESULT_COLUMNS, scoreRow, SUMMARY_COLUMNS, TIE_BREAK,
  type GradeCount, type RowProblem, type Scored, type SummaryRow,
} from "./batch.js";
import { MAX_BATCH_ROWS, openSummary } from "./batch-input.js";
import { applicationsFrom, loadApplications, openApplications, type Applications } from "./applications.js";
import { checkXlsxBounds } from "./xlsx-bounds.js";
import { CSV_BOM, safeCsv } from "./csv-safe.js";
import { ENCODING_LABEL } from "./encoding.js";
import { renderEvaluation } from "./render.js";

/** Problem rows listed on the terminal; the rest are in 问题行.csv. */
const PROBLEMS_SHOWN = 50;

/** Writes a chunk, waiting while the stream's buffer is full (so memory stays bounded). */
async function put(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, "drain");
}

async function finish(stream: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => { stream.once("error", reject); stream.end(resolve); });
}

/** Spill of scored rows: one JSON line each, found again by offset. */
interface SpillEntry { at: number; length: number }

interface Pass1 {
  scored: Scored[];
  spill: SpillEntry[];
  problems: number;
  shown: RowProblem[];
  rows: number;
}

/** Reads, validates and scores every row; writes 问题行.csv, the details and the spill as it goes. */
async function scoreAll(rs: Ruleset, city: string, rows: AsyncIterable<SummaryRow>, apps: Parameters<typeof scoreRow>[3], dir: string, file: string, io: Streams): Promise<Pass1> {
  const spillFile = join(dir, ".scored.jsonl");
  const spill = createWriteStream(spillFile);
  const problemsCsv = createWriteStream(join(dir, "问题行.csv"));
  const problemsSpill = createWriteStream(join(dir, ".problems.jsonl"));
  await put(problemsCsv, CSV_BOM + safeCsv([[...PROBLEM_COLUMNS]]));
  const out: Pass1 = { scored: [], spill: [], problems: 0, shown: [], rows: 0 };
  const seen = new Map<string, number>();
  const tty = Boolean((io.stderr as NodeJS.WriteStream).isTTY);
  let last = 0;
  let offset = 0;
  try {
    for await (const row of rows) {
      out.rows++;
      const r = scoreRow(rs, city, row, apps, seen);
      if (r.ok) {
        const note = notCandidateNote(r.result);
        const line = `${JSON.stringify({ row, note, result: r.result })}\n`;
        const length = Buffer.byteLength(line);
        out.spill.push({ at: offset, length });
        offset += length;
        await put(spill, line);
        out.scored.push({ seq: Number(row.cells["序号"]), total: r.result.total.number, grade: row.cells["申报等级"], candidate: note === null });
        const code = row.cells["统一社会信用代码"];
        await writeFile(join(dir, "明细", `${code}.txt`), `${row.cells["企业名称"]}（${code}）\n\n${renderEvaluation(r.result)}\n`);
      } else {
        const p = r.problem;
        out.problems++;
        if (out.shown.length < PROBLEMS_SHOWN) out.shown.push(p);
        await put(problemsCsv, safeCsv([[String(p.rowNumber), p.seq, p.creditCode, p.reasons.join("；")]]));
        await put(problemsSpill, `${JSON.stringify(p)}\n`);
      }
      if (tty) {
        const now = Date.now();
        if (now - last >= 100) { last = now; io.stderr.write(`\r评分 scoring ${out.rows}`); }
      }
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${file} 无法读取 / cannot be read: ${(err as Error).message}`);
  } finally {
    await Promise.all([finish(spill), finish(problemsCsv), finish(problemsSpill)]);
    if (tty) io.stderr.write(`\r评分 scoring ${out.rows}\n`);
  }
  return out;
}

/** Reads the spill file's lines back by offset. */
function spillReader(file: string): { read(e: SpillEntry): { row: SummaryRow; note: string | null; result: unknown }; close(): void } {
  const fd = openSync(file, "r");
  return {
    read: (e) => {
      const buf = Buffer.alloc(e.length);
      readSync(fd, buf, 0, e.length, e.at);
      return JSON.parse(buf.toString("utf8")) as { row: SummaryRow; note: string | null; result: unknown };
    },
    close: () => closeSync(fd),
  };
}

/** A scored row with its breakdown, kept only for --reports and --scores (small batches). */
interface RankedResult { row: SummaryRow; result: EvaluationResult }

/** Ranks, then writes 推荐名单.csv/.xlsx and results.jsonl in 序号 order, streaming. */
async function writeRanked(rs: Ruleset, city: string, pass: Pass1, dir: string, collect: RankedResult[] | null = null): Promise<Map<string, GradeCount>> {
  const { rank, recommended, byGrade } = rankScored(rs, pass.scored);
  const order = pass.scored.map((_, i) => i).sort((a, b) => pass.scored[a]!.seq - pass.scored[b]!.seq || a - b);
  const csv = createWriteStream(join(dir, "推荐名单.csv"));
  const jsonl = createWriteStream(join(dir, "results.jsonl"));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: join(dir, "推荐名单.xlsx"), useStyles: true, useSharedStrings: false });
  const sheet = wb.addWorksheet("推荐名单");
  sheet.columns = [6, 30, 22, 30, 10, 14, 16, 14, 8, 8, 8, 8, 40].map((width) => ({ width }));
  sheet.addRow([`${rs.title} · ${city} AA级及以上推荐名单`]).commit();
  sheet.addRow([`填报单位：${city}市场监督管理局`]).commit();
  const head = sheet.addRow([...RESULT_COLUMNS]);
  head.font = { bold: true };
  head.commit();
  await put(csv, CSV_BOM + safeCsv([[...RESULT_COLUMNS]]));
  const reader = spillReader(join(dir, ".scored.jsonl"));
  try {
    for (const i of order) {
      const { row, note, result } = reader.read(pass.spill[i]!);
      const grade = row.cells["申报等级"];
      const r = rank[i]!;
      const rec = recommended[i] === 1;
      const text = note ?? candidateNote(rs, grade, rec);
      const cells = [...SUMMARY_COLUMNS.map((c) => row.cells[c]), (result as { total: { decimal: string } }).total.decimal, r === 0 ? "" : String(r), rec ? "是" : "否", text];
      sheet.addRow(cells).commit();
      await put(csv, safeCsv([cells]));
      await put(jsonl, `${JSON.stringify({ row: row.rowNumber, creditCode: row.cells["统一社会信用代码"], rank: r === 0 ? null : r, recommended: rec, note: text, result })}\n`);
      collect?.push({ row, result: result as EvaluationResult });
    }
  } finally {
    reader.close();
    await Promise.all([finish(csv), finish(jsonl)]);
  }
  sheet.addRow([]).commit();
  sheet.addRow([`排名规则：${TIE_BREAK}`]).commit();
  sheet.commit();
  const bad = wb.addWorksheet("问题行");
  bad.columns = [8, 8, 22, 100].map((width) => ({ width }));
  const badHead = bad.addRow([...PROBLEM_COLUMNS]);
  badHead.font = { bold: true };
  badHead.commit();
  for await (const line of linesOf(join(dir, ".problems.jsonl"))) {
    const p = JSON.parse(line) as RowProblem;
    bad.addRow([p.rowNumber, p.seq, p.creditCode, p.reasons.join("；")]).commit();
  }
  bad.commit();
  await wb.commit();
  return byGrade;
}

/** A file's non-empty lines, streaming. */
async function* linesOf(file: string): AsyncGenerator<string> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (line) yield line;
}

/** Puts the finished folder in place of `out` (an earlier one is replaced only once the new one is whole). */
async function publish(tmp: string, out: string): Promise<void> {
  const old = `${out}.old-${process.pid}-${Date.now()}`;
  let hadOld = false;
  try { await rename(out, old); hadOld = true; } catch (err) { if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err; }
  try {
    await rename(tmp, out);
  } catch (err) {
    if (hadOld) await rename(old, out);
    throw err;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}

export async function batchCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  const [rulesFile, summaryFile] = positionals;
  const isXlsx = summaryFile !== undefined && extname(summaryFile).toLowerCase() === ".xlsx";
  if (!rulesFile || !summaryFile || positionals.length > 2 || (typeof values["applications"] !== "string" && !isXlsx)) {
    throw new InputError("用法 usage: jsqc batch <rules> <汇总表.csv|.xlsx|申报表.xlsx> [--applications <folder|file.jsonl>] [--city 南京市] [--out DIR] [--max-rows N] [--reports] [--scores DIR]");
  }
  let maxRows = MAX_BATCH_ROWS;
  if (values["max-rows"] !== undefined) {
    maxRows = Number(values["max-rows"]);
    if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > MAX_BATCH_ROWS) throw new InputError(`--max-rows 应为 1 至 ${MAX_BATCH_ROWS} 的整数 / --max-rows must be a whole number from 1 to ${MAX_BATCH_ROWS}`);
  }
  const ruleset = await loadRuleset(rulesFile, io);
  if (!ruleset) return EXIT_FINDINGS;
  // A workbook made by `jsqc template` carries the applications itself (paper-commands.ts); it is
  // an office's own submission, small, so it is read whole (after the same inflation bounds).
  const paper = isXlsx || typeof values["scores"] === "string" || values["reports"] ? await import("./paper-commands.js") : null;
  let template: Awaited<ReturnType<NonNullable<typeof paper>["readTemplateWorkbook"]>> = null;
  if (isXlsx && paper) {
    try { await checkXlsxBounds(summaryFile); } catch (err) { throw new InputError(`${summaryFile}: ${(err as Error).message}`); }
    let data: Buffer;
    try { data = await readFile(summaryFile); } catch { throw new InputError(`无法读取 ${summaryFile} / cannot read ${summaryFile}`); }
    template = await paper.readTemplateWorkbook(ruleset, data, summaryFile, io);
  }
  if (!template && typeof values["applications"] !== "string") throw new InputError("缺少 --applications（只有 jsqc template 生成的申报表可以不给）/ missing --applications");
  const source = template
    ? { city: template.city, format: "XLSX（申报表 template）", rows: (async function* () { yield* template.rows as unknown as SummaryRow[]; })() }
    : await openSummary(summaryFile, maxRows);
  const city = typeof values["city"] === "string" ? values["city"] : source.city;
  if (!city || !isJiangsuCity(city)) throw new InputError(`请用 --city 指明设区市（如 南京市）/ name the city with --city${city ? `: ${city} is not a city of Jiangsu` : ""}`);
  // Experts' score sheets (--scores) are matched against every application, so those are read whole.
  let scored: { applications: Map<string, unknown>; findings: number } | null = null;
  if (typeof values["scores"] === "string" && paper) {
    const loaded = template ? template.applications : await loadApplications(values["applications"] as string);
    scored = await paper.withScores(ruleset, loaded, values["scores"], io);
  }
  const applications: Applications = scored ? applicationsFrom(scored.applications)
    : template ? applicationsFrom(template.applications)
    : await openApplications(values["applications"] as string);
  const ranked: RankedResult[] | null = paper && (scored || values["reports"]) ? [] : null;

  const ext = extname(summaryFile);
  const out = resolve(typeof values["out"] === "string" ? values["out"] : join(dirname(summaryFile), `${basename(summaryFile, ext)}-结果`));
  const tmp = `${out}.partial-${process.pid}-${Date.now()}`;
  let pass: Pass1;
  let byGrade: Map<string, GradeCount>;
  try {
    await mkdir(join(tmp, "明细"), { recursive: true });
    pass = await scoreAll(ruleset, city, source.rows, applications, tmp, summaryFile, io);
    if (pass.rows === 0) throw new InputError(`${summaryFile} 没有找到以“序号”开头的表头和数据行 / no header row starting 序号`);
    byGrade = await writeRanked(ruleset, city, pass, tmp, ranked);
    if (values["reports"] && paper && ranked) {
      const all = scored?.applications ?? (template ? template.applications : await loadApplications(values["applications"] as string));
      await paper.writeReports(tmp, ruleset, ranked, all);
    }
    await rm(join(tmp, ".scored.jsonl"));
    await rm(join(tmp, ".problems.jsonl"));
    if ((await stat(out).catch(() => null))?.isFile()) throw new InputError(`${out} 已存在且不是文件夹 / ${out} exists and is not a folder`);
    await publish(tmp, out);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    applications.close();
  }

  const scoredCount = pass.scored.length;
  io.stdout.write(`${city}：${pass.rows} 行，${pass.problems} 行有问题，${scoredCount} 家已评分\n`);
  const encodings = [...applications.encodings].map((e) => ENCODING_LABEL[e]).join("、") || "—";
  io.stdout.write(`  读取 read: 汇总表 ${source.format}；申请数据 ${applications.size} 份，编码 ${encodings} / summary ${source.format}; ${applications.size} applications, ${encodings}\n`);
  for (const [grade, g] of byGrade) {
    if (g.candidates === 0 && !pass.scored.some((s) => s.grade === grade)) continue;
    io.stdout.write(`  ${grade}：达标 ${g.candidates} 家，推荐 ${g.recommended} 家${g.quota !== null ? `（名额 ${g.quota}）` : ""}\n`);
  }
  io.stdout.write(`  排名规则 ${TIE_BREAK}\n`);
  for (const p of pass.shown) io.stdout.write(`  第 ${p.rowNumber} 行 row ${p.rowNumber}（序号 ${p.seq || "—"}，${p.creditCode || "—"}）：${p.reasons.join("；")}\n`);
  if (pass.problems > pass.shown.length) io.stdout.write(`  ……另有 ${pass.problems - pass.shown.length} 行有问题，见 问题行.csv / ${pass.problems - pass.shown.length} more problem rows in 问题行.csv\n`);
  const flags = scored && paper && ranked ? paper.printFlags(ranked, io) : 0;
  const peak = process.resourceUsage().maxRSS / 1024;
  io.stdout.write(`  内存峰值 peak RSS ${peak.toFixed(0)} MiB\n`);
  io.stdout.write(`结果 results: ${out}\n`);
  return pass.problems > 0 || (template?.cellErrors ?? 0) > 0 || (scored?.findings ?? 0) + flags > 0 ? EXIT_FINDINGS : EXIT_OK;
}
