/**
 * Each enterprise's report: why it got (or did not get) its grade, as Word and as printable HTML.
 * Built from the engine's traced result (evaluate(…, { trace: true })), so every figure and reason
 * is the engine's own; nothing is recomputed here. With `compare` (对比), every points column
 * becomes old → new, items matched by id.
 */
import type { EvaluationResult, ImpactRow, ItemResult, ConditionResult, VetoResult } from "@jsqc/engine";
import { cell, esc, HEAD_FONT, pack, paragraph, PRINT_CSS, run, table } from "./docx-kit.js";

/** Who the report is about (from the application's envelope). */
export interface ReportSubject {
  readonly name: string;
  readonly creditCode?: string;
  readonly city?: string;
  readonly county?: string;
  /** The application's id. */
  readonly id?: string;
  /** The application date as written (YYYY-MM-DD). */
  readonly applicationDate?: string;
}

export interface ReportOptions {
  /** 对比: the same application under another (older) rule file; columns become old → new, items matched by id. */
  readonly compare?: EvaluationResult;
  /**
   * 对比 from `impact`: its row for this application (items matched by the semantic diff, so a
   * renumbered item shows its own old points) and the old file's title.
   */
  readonly impact?: { readonly row: ImpactRow; readonly oldTitle: string };
}

/** The old side of a 对比, however it was given. */
interface OldSide {
  /** Old points by the NEW item id; null for an item the old file did not have. */
  readonly item: (id: string, now: string) => string | null;
  readonly section: (id: string, now: string) => string | null;
  readonly total: string;
  readonly granted: boolean;
  readonly grade: string;
  readonly title: string;
}

function oldSide(r: EvaluationResult, opts: ReportOptions): OldSide | null {
  const c = opts.compare;
  if (c) {
    const items = new Map(c.sections.flatMap((s) => s.items.map((i) => [i.id, i.points.decimal] as const)));
    const sections = new Map(c.sections.map((s) => [s.id, s.points.decimal] as const));
    return { item: (id) => items.get(id) ?? null, section: (id) => sections.get(id) ?? null, total: c.total.decimal, granted: c.outcome.granted, grade: c.outcome.grade, title: c.ruleset.title };
  }
  const im = opts.impact;
  if (im && im.row.old) {
    // impact lists only what moved; everything else has the same points under both files.
    const moved = new Map(im.row.movedItems.filter((m) => m.new !== null).map((m) => [m.id, m.old] as const));
    const sections = new Map(im.row.sections.map((s) => [s.id, s.old] as const));
    return {
      item: (id, now) => (moved.has(id) ? moved.get(id)! : now),
      section: (id, now) => (sections.has(id) ? sections.get(id)! : now),
      total: im.row.old.total, granted: im.row.old.granted, grade: im.row.grade ?? r.outcome.grade, title: im.oldTitle,
    };
  }
  return null;
}

/** The enterprise, id and application date from an application's envelope; never throws. */
export function subjectOf(app: unknown, applicationDateInput: string | null): ReportSubject {
  const a = (app ?? {}) as { id?: unknown; enterprise?: Record<string, unknown>; inputs?: Record<string, unknown> };
  const e = a.enterprise ?? {};
  const s = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
  const date = applicationDateInput ? s(a.inputs?.[applicationDateInput]) : undefined;
  return {
    name: s(e["name"]) ?? s(a.id) ?? "（未填企业名称）",
    ...(s(e["creditCode"]) ? { creditCode: s(e["creditCode"])! } : {}),
    ...(s(e["city"]) ? { city: s(e["city"])! } : {}),
    ...(s(e["county"]) ? { county: s(e["county"])! } : {}),
    ...(s(a.id) ? { id: s(a.id)! } : {}),
    ...(date ? { applicationDate: date } : {}),
  };
}

export const REPORT_TITLE = "质量信用等级认定评分报告";
export const REPORT_SCORE_HEADER = ["序号", "评价内容及核查要点", "满分", "得分", "理由"] as const;

/** The report's content, one model for both renderers. */
interface Model {
  readonly heading: string;
  readonly meta: readonly [string, string][];
  readonly summary: readonly [string, string][];
  /** Rows: [序号, 内容, 满分, 得分, 理由]; `section` rows are printed bold. */
  readonly scores: readonly { cells: readonly [string, string, string, string, string]; section: boolean }[];
  readonly vetoes: readonly [string, string, string, string][];
  readonly conditions: readonly [string, string, string, string][];
  readonly flags: readonly string[];
}

const yes = (b: boolean, y: string, n: string): string => (b ? y : n);

function pointsText(now: string, old: string | undefined): string {
  if (old === undefined || old === now) return old === undefined ? now : `${now}（未变）`;
  return `${old} → ${now}`;
}

function itemReason(i: ItemResult, flagged: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  const experts = i.experts && i.experts.length > 0 ? `（${i.experts.map((e) => `${e.name} ${e.score.decimal}`).join("，")}）` : "";
  if (i.reason || experts) parts.push(`${i.reason ?? "专家评分"}${experts}`);
  if (i.capped) parts.push("已按本项最高分封顶");
  const f = flagged.get(i.id);
  if (f) parts.push(`⚠ ${f}`);
  return parts.join("；");
}

function vetoBasis(v: VetoResult): string {
  if (!v.applies) return "无符合条件的记录";
  const rec = v.record ? Object.entries(v.record.values).map(([k, x]) => `${k}：${x ?? "未填"}`).join("，") : "";
  const win = v.window ? `；期间 ${v.window.from} 至 ${v.window.to}` : "";
  return `${v.record ? `${v.record.list} 第 ${v.record.index + 1} 条（${rec}）` : ""}${win}`;
}

function model(r: EvaluationResult, who: ReportSubject, opts: ReportOptions): Model {
  const old = oldSide(r, opts);
  const o = r.outcome;
  const flagged = new Map(r.flags.map((f) => [f.item, f.message] as const));
  const rs = r.ruleset;
  const meta: [string, string][] = [
    ["企业名称", who.name],
    ...(who.creditCode ? [["统一社会信用代码", who.creditCode] as [string, string]] : []),
    ...(who.city || who.county ? [["所在地", [who.city, who.county].filter(Boolean).join(" ")] as [string, string]] : []),
    ...(who.id ? [["申请编号", who.id] as [string, string]] : []),
    ["申报等级", o.grade],
    ...(who.applicationDate ? [["申报日期", who.applicationDate] as [string, string]] : []),
    ["评分依据", `${rs.title}${rs.year !== null ? `（${rs.year} 年度）` : ""}${rs.document ? `，${rs.document}` : ""}`],
  ];
  const summary: [string, string][] = [
    ["总分", `${pointsText(r.total.decimal, old?.total)} / ${r.maximum.decimal}`],
    ["及格分", `${o.passMark.decimal}（${o.grade}）`],
    ["基本条件", yes(o.eligible, "符合", "不符合")],
    ["否决项", yes(o.vetoed, "触发否决", "未触发")],
    ["结论", `${yes(o.granted, `予以认定 ${o.grade}`, `不予认定 ${o.grade}`)}${!o.granted ? `（${[!o.eligible && "不符合申报条件", o.vetoed && "触发否决项", !o.passed && `得分低于及格分 ${o.passMark.decimal}`].filter(Boolean).join("；")}）` : ""}`],
    ...(old ? [["原规则结论", `${yes(old.granted, "予以认定", "不予认定")} ${old.grade}，总分 ${old.total}（${old.title}）`] as [string, string]] : []),
  ];
  const scores: Model["scores"][number][] = [];
  for (const s of r.sections) {
    scores.push({ section: true, cells: [s.id, s.title, s.weight.decimal, pointsText(s.points.decimal, old ? (old.section(s.id, s.points.decimal) ?? "—") : undefined), s.capped ? "本部分已封顶" : ""] });
    for (const i of s.items) {
      scores.push({ section: false, cells: [i.number ?? i.id, i.text ?? i.id, i.maximum.decimal, pointsText(i.points.decimal, old ? (old.item(i.id, i.points.decimal) ?? "—") : undefined), itemReason(i, flagged)] });
    }
  }
  const vetoes = r.vetoes.map((v): [string, string, string, string] => [v.id, v.text, yes(v.applies, "否决", "未触发"), vetoBasis(v)]);
  const applied = r.eligibility.find((e) => e.grade === o.grade);
  const conditions = (applied?.conditions ?? []).map((c: ConditionResult): [string, string, string, string] => [c.id, c.label, yes(c.met, "符合", "不符合"), c.detail ?? ""]);
  const flags = r.flags.map((f) => `${f.item}：${f.message}`);
  return { heading: REPORT_TITLE + (old ? "（新旧规则对比）" : ""), meta, summary, scores, vetoes, conditions, flags };
}

/** The report as a Word document's bytes; rejects only if the docx library fails. */
export async function reportDocx(r: EvaluationResult, who: ReportSubject, opts: ReportOptions = {}): Promise<Uint8Array> {
  const m = model(r, who, opts);
  const h2 = (t: string) => paragraph(t, { font: HEAD_FONT, size: 24, bold: true });
  const pairs = (rows: readonly [string, string][]) => table(["项目", "内容"], [25, 75], rows.map(([k, v]) => [cell(k, 25), cell(v, 75)]));
  return pack(`${m.heading} · ${who.name}`, [
    paragraph(m.heading, { center: true, bold: true, size: 32, font: HEAD_FONT }),
    paragraph(who.name, { center: true, size: 24 }),
    h2("一、申报情况"), pairs(m.meta),
    h2("二、结论"), pairs(m.summary),
    h2("三、技术指标得分"),
    table(REPORT_SCORE_HEADER, [7, 43, 8, 10, 32], m.scores.map(({ cells: c, section }) => [
      cell([paragraph([run(c[0], { bold: section })], { center: true })], 7),
      cell([paragraph([run(c[1], { bold: section })])], 43),
      cell([paragraph([run(c[2], { bold: section })], { center: true })], 8),
      cell([paragraph([run(c[3], { bold: section })], { center: true })], 10),
      cell(c[4], 32),
    ])),
    h2("四、否决项"),
    table(["序号", "内容", "结论", "依据"], [10, 40, 12, 38], m.vetoes.map((v) => [cell(v[0], 10), cell(v[1], 40), cell(v[2], 12, { center: true }), cell(v[3], 38)])),
    h2(`五、申报条件（${r.outcome.grade}）`),
    table(["编号", "条件", "结论", "依据"], [12, 43, 10, 35], m.conditions.map((c) => [cell(c[0], 12), cell(c[1], 43), cell(c[2], 10, { center: true }), cell(c[3], 35)])),
    ...(m.flags.length > 0 ? [h2("六、需复核的评分"), ...m.flags.map((f) => paragraph(f))] : []),
  ]);
}

/** The report as a self-contained HTML page laid out for printing on A4. */
export function reportHtml(r: EvaluationResult, who: ReportSubject, opts: ReportOptions = {}): string {
  const m = model(r, who, opts);
  const pairs = (rows: readonly [string, string][]) =>
    `<table class="pairs"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</tbody></table>`;
  const grid = (header: readonly string[], rows: readonly (readonly string[])[], cls = "") =>
    `<table${cls ? ` class="${cls}"` : ""}><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((c, k) => `<td${k === 0 || k === 2 ? ' class="num"' : ""}>${esc(c)}</td>`).join("")}</tr>`).join("\n")}</tbody></table>`;
  const scoreRows = m.scores.map(({ cells: c, section }) =>
    `<tr${section ? ' class="section"' : ""}><td class="num">${esc(c[0])}</td><td>${esc(c[1])}</td><td class="num">${esc(c[2])}</td><td class="num">${esc(c[3])}</td><td class="why">${esc(c[4])}</td></tr>`).join("\n");
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>${esc(m.heading)} · ${esc(who.name)}</title><style>${PRINT_CSS}
table.pairs th { width: 25%; text-align: left; }
table + h2 { margin-top: 1.2em; }
tr.section td { font-weight: bold; background: #f2f2f2; }
td.why { font-size: 9pt; }
table.scores th { white-space: nowrap; }
.granted { color: #006100; font-weight: bold; } .refused { color: #c00000; font-weight: bold; }
</style></head>
<body>
<h1>${esc(m.heading)}</h1>
<p class="meta">${esc(who.name)}　<span class="${r.outcome.granted ? "granted" : "refused"}">${esc(m.summary.find(([k]) => k === "结论")![1])}</span></p>
<h2>一、申报情况</h2>
${pairs(m.meta)}
<h2>二、结论</h2>
${pairs(m.summary)}
<h2>三、技术指标得分</h2>
<table class="scores"><thead><tr>${REPORT_SCORE_HEADER.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>
${scoreRows}
</tbody></table>
<h2>四、否决项</h2>
${grid(["序号", "内容", "结论", "依据"], m.vetoes)}
<h2>五、申报条件（${esc(r.outcome.grade)}）</h2>
${grid(["编号", "条件", "结论", "依据"], m.conditions)}
${m.flags.length > 0 ? `<h2>六、需复核的评分</h2>\n<ul>${m.flags.map((f) => `<li>${esc(f)}</li>`).join("")}</ul>` : ""}
</body>
</html>
`;
}
