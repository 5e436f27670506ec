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
import {
  checkCreditCode, cityOfDivision, countiesOf, evaluate, JIANGSU_CITIES,
  type EvaluationResult, type InputError, type Ruleset,
} from "@jsqc/engine";

/** The columns of 附件2, in order. */
export const SUMMARY_COLUMNS = ["序号", "企业名称", "统一社会信用代码", "地址", "联系人", "所属部门", "联系电话", "所在县(市、区)", "申报等级"] as const;
export const RESULT_COLUMNS = [...SUMMARY_COLUMNS, "得分", "市内排名", "是否推荐", "说明"] as const;
/** 问题行's columns: the row as a spreadsheet numbers it (the file's record), and the sheet's own 序号. */
export const PROBLEM_COLUMNS = ["行号", "序号", "统一社会信用代码", "问题"] as const;
export const TIE_BREAK = "同分按序号先后 / equal totals: earlier 序号 first";

export interface SummaryRow {
  /** The row's number in the file (1-based, counting the header rows: the row a spreadsheet shows). */
  readonly rowNumber: number;
  readonly cells: Readonly<Record<(typeof SUMMARY_COLUMNS)[number], string>>;
}

export interface RowProblem {
  readonly rowNumber: number;
  /** The sheet's 序号 as written (may be wrong: that can be the problem). */
  readonly seq: string;
  readonly creditCode: string;
  readonly reasons: readonly string[];
}

/** Applications by credit code (a Map will do; applications.ts reads them lazily). */
export interface ApplicationLookup {
  has(code: string): boolean;
  get(code: string): unknown;
}

const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/;

/** Validates one row; returns the reasons it is bad (empty when good). */
export function rowProblems(row: SummaryRow, city: string, grades: readonly string[], applications: ApplicationLookup, seen: Map<string, number>): string[] {
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

/** One row scored, or the reasons it was not. */
export type RowOutcome = { readonly ok: true; readonly result: EvaluationResult } | { readonly ok: false; readonly problem: RowProblem };

/** Validates and evaluates one row. Never throws on a bad row or a bad application. */
export function scoreRow(rs: Ruleset, city: string, row: SummaryRow, applications: ApplicationLookup, seen: Map<string, number>): RowOutcome {
  const grades = rs.grades.map((g) => g.name);
  const reasons = rowProblems(row, city, grades, applications, seen);
  const code = row.cells["统一社会信用代码"];
  if (reasons.length === 0) {
    const app = applications.get(code) as Record<string, unknown>;
    const appGrade = app && typeof app === "object" ? app["grade"] : undefined;
    if (appGrade !== undefined && appGrade !== row.cells["申报等级"]) {
      reasons.push(`汇总表申报等级 ${row.cells["申报等级"]} 与申请数据的 ${String(appGrade)} 不一致 / grade differs from the application's`);
    } else {
      const r = evaluate(rs, { ...app, grade: row.cells["申报等级"] });
      if (r.ok) return { ok: true, result: r.result };
      reasons.push(...r.errors.slice(0, 5).map((e: InputError) => `申请数据：${e.message}`), ...(r.errors.length > 5 ? [`……另有 ${r.errors.length - 5} 处错误`] : []));
    }
  }
  return { ok: false, problem: { rowNumber: row.rowNumber, seq: row.cells["序号"], creditCode: code, reasons } };
}

/** Why a scored row is not a candidate (not eligible, vetoed, below the pass mark); null when it is. */
export function notCandidateNote(result: EvaluationResult): string | null {
  const o = result.outcome;
  if (o.granted) return null;
  if (!o.eligible) return `不符合申报条件：${result.eligibility.find((x) => x.grade === o.grade)?.failed.join("、") ?? ""}`;
  return o.vetoed ? "存在否决项" : `得分低于及格分 ${o.passMark.decimal}`;
}

/** What ranking needs of a scored row: a few numbers, so 10⁶ rows rank in little memory. */
export interface Scored {
  readonly seq: number;
  readonly total: number;
  readonly grade: string;
  readonly candidate: boolean;
}

export interface GradeCount { candidates: number; recommended: number; quota: number | null }

/**
 * Ranks the candidates of each grade (higher total first, then the earlier 序号) and applies the
 * quotas: `rank[i]` (0 for none) and `recommended[i]` for `scored[i]`, and the counts per grade.
 */
export function rankScored(rs: Ruleset, scored: readonly Scored[]): { rank: Uint32Array; recommended: Uint8Array; byGrade: Map<string, GradeCount> } {
  const rank = new Uint32Array(scored.length);
  const recommended = new Uint8Array(scored.length);
  const byGrade = new Map<string, GradeCount>();
  for (const grade of rs.grades) {
    const candidates: number[] = [];
    scored.forEach((s, i) => { if (s.grade === grade.name && s.candidate) candidates.push(i); });
    candidates.sort((a, b) => scored[b]!.total - scored[a]!.total || scored[a]!.seq - scored[b]!.seq || a - b);
    const quota = grade.quota;
    candidates.forEach((i, k) => { rank[i] = k + 1; recommended[i] = quota === null || k < quota ? 1 : 0; });
    byGrade.set(grade.name, { candidates: candidates.length, recommended: quota === null ? candidates.length : Math.min(quota, candidates.length), quota });
  }
  return { rank, recommended, byGrade };
}

/** The note of a candidate: recommended, or over the grade's quota. */
export function candidateNote(rs: Ruleset, grade: string, recommended: boolean): string {
  const quota = rs.grades.find((g) => g.name === grade)?.quota ?? null;
  return recommended ? "推荐" : `超出名额（${grade} 每市不超过 ${quota} 家）`;
}

/** Known city names, for a `--city` check. */
export function isJiangsuCity(city: string): boolean {
  return JIANGSU_CITIES.some((c) => c.name === city);
}
