/**
 * The 2024 criteria scored by a hand-written TypeScript function, as a careful developer would
 * write it without a rules engine: the reference every engine is compared with. It checks the
 * input's shape cheaply, works in hundredths of a point (integers, exact), and returns the total,
 * the vetoes, eligibility for the grade applied for and the outcome. It does not explain itself.
 */

export interface HandResult {
  total: number; // hundredths of a point
  vetoed: boolean;
  eligible: boolean;
  granted: boolean;
}

type Inputs = Record<string, unknown>;
type Expert = { name: string; scores: Record<string, unknown> };

const JUDGED: [string, number][] = [];
for (const [sec, n, pts] of [["一", 4, 250], ["二", 4, 250], ["四", 4, 250], ["六", 5, 200], ["八", 10, 100], ["九", 5, 200], ["十", 5, 200]] as const) {
  for (let i = 1; i <= n; i++) JUDGED.push([`${sec}.${i}`, pts]);
}
JUDGED.push(["三.2", 200], ["三.3", 200], ["五.3", 250], ["五.4", 250]);

const STANDARD_POINTS: Record<string, Record<string, number>> = {
  主导: { 国际: 250, 国家: 200, 行业: 150, 地方: 100 },
  参与: { 国际: 200, 国家: 150, 行业: 100, 地方: 50 },
};
const PASS: Record<string, number> = { A: 6000, AA: 7500, AAA: 8500 };

function day(s: unknown): number {
  if (typeof s !== "string" || s.length !== 10) throw new Error("bad date");
  const t = Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10));
  if (Number.isNaN(t)) throw new Error("bad date");
  return t / 86_400_000;
}

function minusYears(d: number, years: number): number {
  const dt = new Date(d * 86_400_000);
  const y = dt.getUTCFullYear() - years;
  const m = dt.getUTCMonth();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(dt.getUTCDate(), last)) / 86_400_000;
}

function count(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new Error("bad count");
  return v;
}

function has(set: unknown, member: string): boolean {
  if (!Array.isArray(set)) return false;
  return set.includes(member);
}

function expertScore(experts: Expert[], id: string, max: number): number {
  let sum = 0;
  let n = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const e of experts) {
    const v = e.scores[id];
    if (v === undefined) continue;
    const x = Math.round(Number(v) * 100);
    if (!(x >= 0 && x <= max)) throw new Error("bad score");
    sum += x;
    n++;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (n >= 3) { sum -= lo + hi; n -= 2; }
  if (n === 0) return 0;
  return Math.min(max, Math.round(sum / n)); // hundredths, half up for positives
}

/** Scores one application; throws on malformed input. */
export function scoreByHand(app: { grade: string; inputs: Inputs; experts?: Expert[] }): HandResult {
  const i = app.inputs;
  const experts = app.experts ?? [];
  let total = 0;
  for (const [id, max] of JUDGED) total += expertScore(experts, id, max);

  // 三① base 2 for the first certificate, +0.5 for each further one, at most 4.
  const certs = count(i["有效体系认证证书数"]);
  if (certs > 50) throw new Error("bad count");
  total += certs === 0 ? 0 : Math.min(400, 200 + 50 * (certs - 1));
  // 五① take the highest pilot.
  const pilots = i["标准化试点"];
  total += has(pilots, "国家级") ? 250 : has(pilots, "省级") ? 200 : 0;
  // 五② standards, cumulative through the table, at most 2.5.
  let std = 0;
  const standards = (i["标准"] ?? []) as { 角色: string; 级别: string }[];
  for (const s of standards) {
    const p = STANDARD_POINTS[s.角色]?.[s.级别];
    if (p === undefined) throw new Error("bad standard");
    std += p;
  }
  total += Math.min(250, std);
  // 七① 江苏精品.
  if (typeof i["获江苏精品认证"] !== "boolean") throw new Error("bad yes/no");
  if (i["获江苏精品认证"]) total += 200;
  // 七② quality awards, highest.
  const awards = i["质量奖"];
  total += has(awards, "省级及以上") ? 300 : has(awards, "市级") ? 200 : has(awards, "县级") ? 100 : 0;
  // 七③ patents, at most 2.
  total += Math.min(200, 100 * count(i["发明专利数"]) + 50 * count(i["实用新型专利数"]) + 50 * count(i["外观设计专利数"]));
  // 七④ S&T progress awards, highest.
  const st = i["科技进步奖"];
  total += has(st, "国家") ? 300 : has(st, "省级") ? 200 : has(st, "市级") ? 100 : 0;
  // 七⑤ champions and little giants, highest.
  const g = i["专精特新"];
  total += has(g, "国家单项冠军或小巨人") ? 200 : has(g, "省级小巨人") ? 150 : has(g, "市级小巨人") ? 100 : 0;

  // 十一 vetoes: a record within two years before the application date, both ends included.
  const applied = day(i["申报日期"]);
  const twoYears = minusYears(applied, 2);
  let vetoed = false;
  for (const r of (i["不良记录"] ?? []) as { 类型: string; 日期: string }[]) {
    const d = day(r.日期);
    if (d >= twoYears && d <= applied && (r.类型 === "产品质量违法" || r.类型 === "质量失信")) vetoed = true;
  }

  // 一、基本条件, 四.2 the three-year ban, and the grade's own conditions.
  let eligible = i["注册地"] === "江苏" || i["注册地"] === "江苏港澳台";
  const banned = i["弄虚作假通报日期"];
  if (typeof banned === "string" && day(banned) > minusYears(applied, 3)) eligible = false;
  if (app.grade === "AA" || app.grade === "AAA") {
    if (applied < day("2024-03-26") || applied > day("2024-04-26")) eligible = false;
  }
  if (app.grade === "AA") {
    const a = i["A级认定日期"];
    if (typeof a !== "string" || day(a) > twoYears) eligible = false;
  } else if (app.grade === "AAA") {
    const aa = i["AA级认定日期"];
    if (typeof aa !== "string" || new Date(day(aa) * 86_400_000).getUTCFullYear() >= new Date(applied * 86_400_000).getUTCFullYear()) eligible = false;
  }
  const pass = PASS[app.grade];
  if (pass === undefined) throw new Error("bad grade");
  return { total, vetoed, eligible, granted: eligible && !vetoed && total >= pass };
}
