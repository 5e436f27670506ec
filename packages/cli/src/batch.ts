/**
 * City batches (附件2 and the quota of 三(二)2): a city's summary table as CSV or XLSX, plus the
 * applications keyed by unified social credit code. Every row is validated (credit code check
 * character per GB 32100-2015, a Jiangsu code of this city, phone, county of the city, grade),
 * bad rows are reported by number without stopping the rest, the good ones are evaluated and
 * ranked per grade, and the rule file's quotas choose the recommendation list.
 *
 * Tie-break (declared here and in the output): a higher total first; on equal totals the earlier
 * 序号 (the city's own order) first.
 */
import ExcelJS from "exceljs";
import { parse as parseCsv } from "csv-parse/sync";
import { stringify as stringifyCsv } from "csv-stringify/sync";
import {
  checkCreditCode, cityOfDivision, countiesOf, evaluate, JIANGSU_CITIES,
  type EvaluationResult, type InputError, type Ruleset,
} from "@jsqc/engine";

/** The columns of 附件2, in order. */
export const SUMMARY_COLUMNS = ["序号", "企业名称", "统一社会信用代码", "地址", "联系人", "所属部门", "联系电话", "所在县(市、区)", "申报等级"] as const;
export const RESULT_COLUMNS = [...SUMMARY_COLUMNS, "得分", "市内排名", "是否推荐", "说明"] as const;
export const TIE_BREAK = "同分按序号先后 / equal totals: earlier 序号 first";
/** Most rows one batch reads. */
export const MAX_BATCH_ROWS = 100_000;

export interface SummaryRow {
  /** The row's number in the file (1-based, counting the header rows), for messages. */
  readonly rowNumber: number;
  readonly cells: Readonly<Record<(typeof SUMMARY_COLUMNS)[number], string>>;
}

export interface RowProblem {
  readonly rowNumber: number;
  readonly creditCode: string;
  readonly reasons: readonly string[];
}

export interface RankedRow {
  readonly row: SummaryRow;
  readonly result: EvaluationResult;
  /** 1-based rank within the grade, among the candidates (eligible, not vetoed, passed). */
  readonly rank: number | null;
  readonly recommended: boolean;
  readonly note: string;
}

export interface BatchOutcome {
  readonly city: string;
  readonly problems: readonly RowProblem[];
  readonly ranked: readonly RankedRow[];
  /** grade → recommended count and quota. */
  readonly byGrade: ReadonlyMap<string, { candidates: number; recommended: number; quota: number | null }>;
}

const text = (v: unknown): string => {
  if (v === null || v === undefined) return "";
  if (typeof v === "object" && "text" in (v as object)) return String((v as { text: unknown }).text ?? "").trim();
  if (typeof v === "object" && "richText" in (v as object)) return ((v as { richText: { text: string }[] }).richText ?? []).map((r) => r.text).join("").trim();
  if (typeof v === "object" && "result" in (v as object)) return String((v as { result: unknown }).result ?? "").trim();
  return String(v).trim();
};

/** Finds the header row (the one starting 序号) and the city from a 填报单位 line above it. */
function fromRows(rows: string[][]): { rows: SummaryRow[]; city: string | null } {
  let city: string | null = null;
  const headerIndex = rows.findIndex((r) => r[0] === "序号" || r.includes("统一社会信用代码"));
  for (const r of rows.slice(0, Math.max(0, headerIndex))) {
    const line = r.join("");
    const m = /填报单位[:：]\s*(\S+?市)/.exec(line);
    if (m) city = m[1]!;
  }
  if (headerIndex < 0) return { rows: [], city };
  const header = rows[headerIndex]!;
  const index = SUMMARY_COLUMNS.map((c) => header.indexOf(c));
  const out: SummaryRow[] = [];
  for (let i = headerIndex + 1; i < rows.length && out.length < MAX_BATCH_ROWS; i++) {
    const r = rows[i]!;
    if (r.every((c) => c === "")) continue;
    const cells = Object.fromEntries(SUMMARY_COLUMNS.map((c, k) => [c, index[k]! >= 0 ? r[index[k]!] ?? "" : ""])) as SummaryRow["cells"];
    out.push({ rowNumber: i + 1, cells });
  }
  return { rows: out, city };
}

export function readSummaryCsv(data: string): { rows: SummaryRow[]; city: string | null } {
  const records = parseCsv(data.replace(/^\ufeff/, ""), { relax_column_count: true, skip_empty_lines: false }) as string[][];
  return fromRows(records.map((r) => r.map((c) => c.trim())));
}

export async function readSummaryXlsx(data: Buffer): Promise<{ rows: SummaryRow[]; city: string | null }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const sheet = wb.worksheets[0];
  if (!sheet) return { rows: [], city: null };
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const values = row.values as unknown[];
    rows[n - 1] = values.slice(1).map(text);
  });
  for (let i = 0; i < rows.length; i++) rows[i] ??= [];
  return fromRows(rows);
}

const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/;

/** Validates one row; returns the reasons it is bad (empty when good). */
export function rowProblems(row: SummaryRow, city: string, grades: readonly string[], applications: ReadonlyMap<string, unknown>, seen: Map<string, number>): string[] {
  const c = row.cells;
  const reasons: string[] = [];
  if (!/^\d+$/.test(c["序号"])) reasons.push(`序号“${c["序号"]}”应为正整数 / 序号 must be a whole number`);
  if (!c["企业名称"]) reasons.push("缺少企业名称 / missing 企业名称");
  const code = c["统一社会信用代码"];
  const check = checkCreditCode(code);
  if (!check.ok) reasons.push(`统一社会信用代码 ${code || "（空）"}：${check.reason.zh} / ${check.reason.en}`);
  else {
    const division = code.slice(2, 8);
    if (!division.startsWith("32")) reasons.push(`统一社会信用代码 ${code} 的登记管理机关行政区划码 ${division} 不在江苏 / not a Jiangsu registration (division ${division})`);
    else if (cityOfDivision(division) !== city) reasons.push(`统一社会信用代码 ${code} 登记在${cityOfDivision(division) ?? "其他地区"}，不属于${city} / registered outside ${city}`);
    const prior = seen.get(code);
    if (prior !== undefined) reasons.push(`统一社会信用代码 ${code} 与第 ${prior} 行重复 / duplicate of row ${prior}`);
    else seen.set(code, row.rowNumber);
  }
  const phone = c["联系电话"].replace(/\s+/g, "");
  if (!MOBILE.test(phone) && !LANDLINE.test(phone)) reasons.push(`联系电话“${c["联系电话"]}”不是有效的手机或座机号码 / not a valid phone number`);
  const counties = countiesOf(city) ?? [];
  if (!counties.includes(c["所在县(市、区)"])) reasons.push(`所在县(市、区)“${c["所在县(市、区)"]}”不属于${city} / not a county of ${city}`);
  if (!grades.includes(c["申报等级"])) reasons.push(`申报等级“${c["申报等级"]}”应为 ${grades.join("、")} 之一 / grade must be one of ${grades.join(", ")}`);
  if (check.ok && !applications.has(code)) reasons.push(`没有统一社会信用代码为 ${code} 的申请数据 / no application for ${code}`);
  return reasons;
}

export interface BatchProgress {
  (done: number, total: number): void;
}

/** Validates, evaluates, ranks and applies the quotas. Never throws on bad rows. */
export function runBatch(rs: Ruleset, city: string, rows: readonly SummaryRow[], applications: ReadonlyMap<string, unknown>, progress?: BatchProgress): BatchOutcome {
  const grades = rs.grades.map((g) => g.name);
  const problems: RowProblem[] = [];
  const evaluated: { row: SummaryRow; result: EvaluationResult }[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const reasons = rowProblems(row, city, grades, applications, seen);
    const code = row.cells["统一社会信用代码"];
    if (reasons.length === 0) {
      const app = applications.get(code) as Record<string, unknown>;
      const appGrade = app && typeof app === "object" ? app["grade"] : undefined;
      if (appGrade !== undefined && appGrade !== row.cells["申报等级"]) {
        reasons.push(`汇总表申报等级 ${row.cells["申报等级"]} 与申请数据的 ${String(appGrade)} 不一致 / grade differs from the application's`);
      } else {
        const r = evaluate(rs, { ...app, grade: row.cells["申报等级"] });
        if (r.ok) evaluated.push({ row, result: r.result });
        else reasons.push(...r.errors.slice(0, 5).map((e: InputError) => `申请数据：${e.message}`), ...(r.errors.length > 5 ? [`……另有 ${r.errors.length - 5} 处错误`] : []));
      }
    }
    if (reasons.length > 0) problems.push({ rowNumber: row.rowNumber, creditCode: code, reasons });
    progress?.(i + 1, rows.length);
  });

  const ranked: RankedRow[] = [];
  const byGrade = new Map<string, { candidates: number; recommended: number; quota: number | null }>();
  for (const grade of rs.grades) {
    const inGrade = evaluated.filter((e) => e.row.cells["申报等级"] === grade.name);
    const candidates = inGrade
      .filter((e) => e.result.outcome.granted)
      .sort((a, b) => b.result.total.number - a.result.total.number || Number(a.row.cells["序号"]) - Number(b.row.cells["序号"]));
    const quota = grade.quota;
    candidates.forEach((e, i) => {
      const recommended = quota === null || i < quota;
      ranked.push({ row: e.row, result: e.result, rank: i + 1, recommended, note: recommended ? "推荐" : `超出名额（${grade.name} 每市不超过 ${quota} 家）` });
    });
    for (const e of inGrade.filter((x) => !x.result.outcome.granted)) {
      const o = e.result.outcome;
      const why = !o.eligible ? `不符合申报条件：${e.result.eligibility.find((x) => x.grade === grade.name)?.failed.join("、") ?? ""}` : o.vetoed ? "存在否决项" : `得分低于及格分 ${o.passMark.decimal}`;
      ranked.push({ row: e.row, result: e.result, rank: null, recommended: false, note: why });
    }
    byGrade.set(grade.name, { candidates: candidates.length, recommended: candidates.filter((_, i) => quota === null || i < quota).length, quota });
  }
  ranked.sort((a, b) => Number(a.row.cells["序号"]) - Number(b.row.cells["序号"]));
  return { city, problems, ranked, byGrade };
}

/** Known city names, for a `--city` check. */
export function isJiangsuCity(city: string): boolean {
  return JIANGSU_CITIES.some((c) => c.name === city);
}

function resultRows(outcome: BatchOutcome): string[][] {
  return outcome.ranked.map((r) => [
    ...SUMMARY_COLUMNS.map((c) => r.row.cells[c]),
    r.result.total.decimal,
    r.rank === null ? "" : String(r.rank),
    r.recommended ? "是" : "否",
    r.note,
  ]);
}

export function resultsCsv(outcome: BatchOutcome): string {
  return `\ufeff${stringifyCsv([[...RESULT_COLUMNS], ...resultRows(outcome)])}`;
}

export function problemsCsv(outcome: BatchOutcome): string {
  return `\ufeff${stringifyCsv([["行号", "统一社会信用代码", "问题"], ...outcome.problems.map((p) => [String(p.rowNumber), p.creditCode, p.reasons.join("；")])])}`;
}

/** The recommendation list in 附件2's layout (plus score, rank, recommended, note), and the bad rows. */
export async function resultsXlsx(outcome: BatchOutcome, title: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("推荐名单");
  sheet.addRow([title]);
  sheet.addRow([`填报单位：${outcome.city}市场监督管理局`]);
  sheet.addRow([...RESULT_COLUMNS]).font = { bold: true };
  for (const r of resultRows(outcome)) sheet.addRow(r);
  sheet.addRow([]);
  sheet.addRow([`排名规则：${TIE_BREAK}`]);
  sheet.columns.forEach((col, i) => { col.width = [6, 30, 22, 30, 10, 14, 16, 14, 8, 8, 8, 8, 40][i] ?? 12; });
  const bad = wb.addWorksheet("问题行");
  bad.addRow(["行号", "统一社会信用代码", "问题"]).font = { bold: true };
  for (const p of outcome.problems) bad.addRow([p.rowNumber, p.creditCode, p.reasons.join("；")]);
  bad.getColumn(3).width = 100;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
