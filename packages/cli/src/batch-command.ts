/** `jsqc batch`: a city's submission (附件2 as CSV or XLSX + applications) → ranked recommendation list. */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { EXIT_FINDINGS, EXIT_OK, InputError, loadRuleset, readJson, type Streams } from "./cli.js";
import { isJiangsuCity, type SummaryRow, problemsCsv, readSummaryCsv, readSummaryXlsx, resultsCsv, resultsXlsx, runBatch, TIE_BREAK } from "./batch.js";
import { renderEvaluation } from "./render.js";

/** Applications keyed by credit code: a folder of JSON files, or a JSON-lines file. */
export async function loadApplications(path: string): Promise<Map<string, unknown>> {
  const map = new Map<string, unknown>();
  const keyOf = (app: unknown, fallback: string): string => {
    const code = (app as { enterprise?: { creditCode?: unknown } } | null)?.enterprise?.creditCode;
    return typeof code === "string" ? code : fallback;
  };
  let entries: string[] | null = null;
  try { entries = await readdir(path); } catch { entries = null; }
  if (entries) {
    for (const name of entries.filter((n) => n.endsWith(".json")).sort()) {
      const app = await readJson(join(path, name));
      map.set(keyOf(app, basename(name, ".json")), app);
    }
    return map;
  }
  let text: string;
  try { text = await readFile(path, "utf8"); } catch { throw new InputError(`无法读取申请数据 ${path} / cannot read applications ${path}`); }
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let app: unknown;
    try { app = JSON.parse(line); } catch (err) { throw new InputError(`${path}:${i + 1}: 不是有效的 JSON / not valid JSON: ${(err as Error).message}`); }
    map.set(keyOf(app, `line ${i + 1}`), app);
  });
  return map;
}

export async function batchCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  const [rulesFile, summaryFile] = positionals;
  if (!rulesFile || !summaryFile || positionals.length > 2 || (typeof values["applications"] !== "string" && extname(summaryFile).toLowerCase() !== ".xlsx")) {
    throw new InputError("用法 usage: jsqc batch <rules> <汇总表.csv|.xlsx> --applications <folder|file.jsonl> [--city 南京市] [--out DIR]");
  }
  const ruleset = await loadRuleset(rulesFile, io);
  if (!ruleset) return EXIT_FINDINGS;
  let data: Buffer;
  try { data = await readFile(summaryFile); } catch { throw new InputError(`无法读取 ${summaryFile} / cannot read ${summaryFile}`); }
  const ext = extname(summaryFile).toLowerCase();
  // A workbook made by `jsqc template` carries the applications itself (paper-commands.ts).
  const template = ext === ".xlsx" ? await (await import("./paper-commands.js")).readTemplateWorkbook(ruleset, data, summaryFile, io) : null;
  if (!template && typeof values["applications"] !== "string") throw new InputError("缺少 --applications（只有 jsqc template 生成的申报表可以不给）/ missing --applications");
  let parsed;
  if (template) parsed = template as unknown as { rows: SummaryRow[]; city: string | null };
  else try {
    parsed = ext === ".xlsx" ? await readSummaryXlsx(data) : readSummaryCsv(data.toString("utf8"));
  } catch (err) {
    throw new InputError(`${summaryFile} 无法读取为${ext === ".xlsx" ? " XLSX" : " CSV"} / cannot be read: ${(err as Error).message}`);
  }
  const city = typeof values["city"] === "string" ? values["city"] : parsed.city;
  if (!city || !isJiangsuCity(city)) throw new InputError(`请用 --city 指明设区市（如 南京市）/ name the city with --city${city ? `: ${city} is not a city of Jiangsu` : ""}`);
  if (parsed.rows.length === 0) throw new InputError(`${summaryFile} 没有找到以“序号”开头的表头和数据行 / no header row starting 序号`);
  const loaded = template ? template.applications : await loadApplications(values["applications"] as string);
  const scored = typeof values["scores"] === "string" ? await (await import("./paper-commands.js")).withScores(ruleset, loaded, values["scores"], io) : null;
  const applications = scored?.applications ?? loaded;

  const tty = Boolean((io.stderr as NodeJS.WriteStream).isTTY);
  let last = 0;
  const outcome = runBatch(ruleset, city, parsed.rows, applications, (done, total) => {
    if (!tty) return;
    const now = Date.now();
    if (now - last < 100 && done < total) return;
    last = now;
    io.stderr.write(`\r评分 scoring ${done}/${total}${done === total ? "\n" : ""}`);
  });

  const out = typeof values["out"] === "string" ? values["out"] : join(dirname(summaryFile), `${basename(summaryFile, ext)}-结果`);
  await mkdir(join(out, "明细"), { recursive: true });
  await writeFile(join(out, "推荐名单.xlsx"), await resultsXlsx(outcome, `${ruleset.title} · ${city} AA级及以上推荐名单`));
  await writeFile(join(out, "推荐名单.csv"), resultsCsv(outcome));
  await writeFile(join(out, "问题行.csv"), problemsCsv(outcome));
  await writeFile(join(out, "results.jsonl"), outcome.ranked.map((r) => JSON.stringify({ row: r.row.rowNumber, creditCode: r.row.cells["统一社会信用代码"], rank: r.rank, recommended: r.recommended, note: r.note, result: r.result })).join("\n") + "\n");
  for (const r of outcome.ranked) {
    await writeFile(join(out, "明细", `${r.row.cells["统一社会信用代码"]}.txt`), `${r.row.cells["企业名称"]}（${r.row.cells["统一社会信用代码"]}）\n\n${renderEvaluation(r.result)}\n`);
  }
  if (values["reports"]) await (await import("./paper-commands.js")).writeReports(out, ruleset, outcome.ranked, applications);

  io.stdout.write(`${city}：${parsed.rows.length} 行，${outcome.problems.length} 行有问题，${outcome.ranked.length} 家已评分\n`);
  for (const [grade, g] of outcome.byGrade) {
    if (g.candidates === 0 && !outcome.ranked.some((r) => r.row.cells["申报等级"] === grade)) continue;
    io.stdout.write(`  ${grade}：达标 ${g.candidates} 家，推荐 ${g.recommended} 家${g.quota !== null ? `（名额 ${g.quota}）` : ""}\n`);
  }
  io.stdout.write(`  排名规则 ${TIE_BREAK}\n`);
  for (const p of outcome.problems) io.stdout.write(`  第 ${p.rowNumber} 行 row ${p.rowNumber}（${p.creditCode || "—"}）：${p.reasons.join("；")}\n`);
  const flags = scored ? (await import("./paper-commands.js")).printFlags(outcome.ranked, io) : 0;
  io.stdout.write(`结果 results: ${out}\n`);
  return outcome.problems.length > 0 || (template?.cellErrors ?? 0) > 0 || (scored?.findings ?? 0) + flags > 0 ? EXIT_FINDINGS : EXIT_OK;
}
