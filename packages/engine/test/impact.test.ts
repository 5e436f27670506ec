/**
 * Impact analysis on the twenty examples, against modified copies of rules/2024.rules: points and
 * caps raised, items removed (the rest renumbered) and added, pass marks moved, an input added or
 * removed, a judged item's full marks lowered. The expected figures are worked out by hand from
 * examples/*.expected.json.
 */
import { describe, expect, test } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { compile, impact, type ImpactRow, type Ruleset } from "../src/index.js";

const root = new URL("../../../", import.meta.url);
const source = readFileSync(new URL("rules/2024.rules", root), "utf8");

function load(text: string): Ruleset {
  const c = compile(text, "test.rules");
  if (!c.ok) throw new Error(c.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  return c.ruleset;
}

/** rules/2024.rules with each `[from, to]` replaced exactly once. */
function modified(...edits: [string, string][]): Ruleset {
  let text = source;
  for (const [from, to] of edits) {
    expect(text.includes(from), from).toBe(true);
    text = text.replace(from, to);
  }
  return load(text);
}

const base = load(source);
const applications = readdirSync(new URL("examples/", root))
  .filter((f) => /^\d\d-.*(?<!\.expected)\.json$/.test(f))
  .sort()
  .map((f) => ({ name: f.replace(/\.json$/, ""), app: JSON.parse(readFileSync(new URL(`examples/${f}`, root), "utf8")) as unknown }));

const rowOf = (rows: readonly ImpactRow[], prefix: string) => rows.find((r) => r.name.startsWith(prefix))!;

/** 八② and 八③ removed (④–⑩ renumbered ②–⑧), 八 weighs 8 — the change the CLI tests too. */
const EIGHT_SHORTER: [string, string][] = [
  ['section 八 "质量过程管理" weight 10', 'section 八 "质量过程管理" weight 8'],
  ['  item ② "确定主要产品、服务及经营全过程。(1分)" points 1 { judged }\n  item ③ "结合顾客及其他相关方信息，确定关键过程的要求。(1分)" points 1 { judged }\n', ""],
  ...[4, 5, 6, 7, 8, 9, 10].map((k): [string, string] => [`  item ${String.fromCodePoint(0x2460 + k - 1)} "${["", "", "", "满足", "建立", "持续", "使用", "在过程", "优化", "改进"][k - 1]}`, `  item ${String.fromCodePoint(0x2460 + k - 3)} "${["", "", "", "满足", "建立", "持续", "使用", "在过程", "优化", "改进"][k - 1]}`]),
];

/** 七③ capped at 3 (points 3), invention patents 1.5 each; a tiers item 七⑥ on invention patents; 七 weighs 14. */
const SEVEN_RICHER: [string, string][] = [
  ['section 七 "质量竞争优势" weight 12', 'section 七 "质量竞争优势" weight 14'],
  ['(得分可累计，最高不超过 2 分)" points 2 {\n    award 1 per 发明专利数', '(得分可累计，最高不超过 2 分)" points 3 {\n    award 1.5 per 发明专利数'],
  ['0.5 per 外观设计专利数\n    cap 2\n', '0.5 per 外观设计专利数\n    cap 3\n'],
  ['    note "原文未印本项分值，取最高分支 2 分为本项分值。"\n  }\n}', '    note "原文未印本项分值，取最高分支 2 分为本项分值。"\n  }\n  item ⑥ "发明专利 5 个及以上得 1 分，2 个及以上得 0.5 分。(1分)" points 1 {\n    tiers 发明专利数 {\n      >= 5 award 1\n      >= 2 award 0.5\n    }\n  }\n}'],
];

describe("impact", () => {
  test("the same file: nothing moves", () => {
    const r = impact(base, base, applications);
    expect(r.summary).toMatchObject({ count: 20, evaluated: 20, failed: 0, gained: 0, lost: 0, unchanged: 20, meanDelta: "0", largestGain: null, largestLoss: null });
    expect(r.rows.every((x) => x.delta === "0" && x.movedItems.length === 0 && x.sections.length === 0)).toBe(true);
    expect(r.carried).toEqual({ renumbered: [], dropped: [], unscored: [], droppedInputs: [], datesMovedBy: 0 });
    expect(rowOf(r.rows, "03")).toMatchObject({ enterprise: "南京华睿智能装备有限公司", grade: "AA", old: { total: "79.89", granted: true }, new: { total: "79.89", granted: true } });
  });

  test("七 richer, 八 shorter: totals, items that moved them, scores carried to the renumbered items", () => {
    const r = impact(base, modified(...SEVEN_RICHER, ...EIGHT_SHORTER), applications);
    expect(r.carried.renumbered).toEqual([4, 5, 6, 7, 8, 9, 10].map((k) => ({ old: `八.${k}`, new: `八.${k - 2}` })));
    expect(r.carried.dropped).toEqual(["八.2", "八.3"]);
    expect(r.carried.unscored).toEqual([]);
    // 01: 4 invention, 6 utility, 2 design patents: 七③ 8 → cap 2 becomes 10 → cap 3 (+1); 七⑥ 4 ≥ 2 → 0.5;
    // 八② 八③ full marks gone (−2); 八④–⑩ keep their full marks under their new numbers.
    const r01 = rowOf(r.rows, "01");
    expect(r01).toMatchObject({ old: { total: "100", granted: true }, new: { total: "99.5", granted: true }, delta: "-0.5", outcome: "unchanged" });
    expect(r01.movedItems).toEqual([
      { id: "七.3", old: "2", new: "3", delta: "1" },
      { id: "八.2", old: "1", new: null, delta: "-1" },
      { id: "八.3", old: "1", new: null, delta: "-1" },
      { id: "七.6", old: null, new: "0.5", delta: "0.5" },
    ]);
    expect(r01.sections).toEqual([{ id: "七", old: "12", new: "13.5", delta: "1.5" }, { id: "八", old: "10", new: "8", delta: "-2" }]);
    // 05: 1 invention patent: 七③ 1 → 1.5; 八② 1 and 八③ 0.5 gone: 66.5 − 1.5 + 0.5 = 65.5.
    const r05 = rowOf(r.rows, "05");
    expect(r05).toMatchObject({ old: { total: "66.5" }, new: { total: "65.5" }, delta: "-1" });
    expect(r05.movedItems.map((m) => `${m.id} ${m.delta}`)).toEqual(["八.2 -1", "七.3 0.5", "八.3 -0.5"]);
    // 18: 5 invention patents: 七③ +1, 七⑥ +1, 八② 八③ −2: no change in total.
    expect(rowOf(r.rows, "18")).toMatchObject({ old: { total: "94.25" }, new: { total: "94.25" }, delta: "0" });
    expect(rowOf(r.rows, "18").movedItems).toHaveLength(4);
    // 02 has no expert scores and no patents: nothing moves.
    expect(rowOf(r.rows, "02")).toMatchObject({ delta: "0", movedItems: [] });
    expect(r.summary).toMatchObject({ count: 20, evaluated: 20, failed: 0, gained: 0, lost: 0, unchanged: 20, meanDelta: "-1.3875", largestGain: null });
    expect(r.summary.largestLoss).toEqual({ name: "06-changzhou-hengxin-weidianji", delta: "-2" });
    const per = Object.fromEntries(r.summary.perSection.map((s) => [s.id, [s.meanDelta, s.maxAbsDelta]]));
    expect(per["七"]).toEqual(["0.475", "2"]);
    expect(per["八"]).toEqual(["-1.8625", "2"]);
    expect(per["一"]).toEqual(["0", "0"]);
  });

  test("pass marks moved: one application gains its grade, one loses it", () => {
    const r = impact(base, modified(["  pass 60\n", "  pass 70\n"], ["  pass 75\n", "  pass 65\n"]), applications);
    expect(r.summary).toMatchObject({ gained: 1, lost: 1, unchanged: 18, meanDelta: "0" });
    // 05 applies for A with 66.5: granted under 60, not under 70. 20 applies for AA with 69.5: not under 75, granted under 65.
    expect(rowOf(r.rows, "05")).toMatchObject({ outcome: "lost", old: { granted: true, passMark: "60" }, new: { granted: false, passMark: "70", passed: false } });
    expect(rowOf(r.rows, "20")).toMatchObject({ outcome: "gained", old: { granted: false }, new: { granted: true, passMark: "65" } });
  });

  test("applications the new file refuses are reported with the error, not dropped", () => {
    const n = modified(["input 获江苏精品认证: yesno", "input 研发投入占比: decimal \"研发投入占营业收入的比例\" max 100\n\ninput 获江苏精品认证: yesno"], ["    award 2 when 获江苏精品认证\n", "    award 2 when 获江苏精品认证 and 研发投入占比 >= 0\n"]);
    const bad = { name: "bad", app: { grade: "AA", inputs: {} } };
    const r = impact(base, n, [...applications, bad]);
    expect(r.rows).toHaveLength(21);
    expect(r.summary).toMatchObject({ count: 21, evaluated: 0, failed: 21, gained: 0, lost: 0, unchanged: 0, meanDelta: null });
    const r01 = rowOf(r.rows, "01");
    expect(r01.old?.total).toBe("100");
    expect(r01.new).toBeNull();
    expect(r01.delta).toBeNull();
    expect(r01.error?.old).toBeUndefined();
    expect(r01.error?.new?.map((e) => e.path)).toEqual(["inputs.研发投入占比"]);
    expect(r01.error?.message).toMatch(/^新规则下申请无效：/);
    const b = rowOf(r.rows, "bad");
    expect(b.old).toBeNull();
    expect(b.error?.old?.length).toBeGreaterThan(0);
    expect(b.error?.new?.length).toBeGreaterThan(0);
    expect(b.error?.message).toMatch(/^原规则下申请无效：.*；新规则下申请无效：/);
  });

  test("an input the new file drops is dropped from the applications; a judged item's lowered full marks cut the scores", () => {
    const n = modified(
      ["input 外观设计专利数: count \"外观设计专利数\" max 100000 unit \"个\"\n  en \"Design patents\"\n", ""],
      [", 0.5 per 外观设计专利数\n", "\n"],
      ['  item ① "根据主要产品、服务及经营全过程，识别、确定和设计关键过程。(1分)" points 1 { judged }', '  item ① "根据主要产品、服务及经营全过程，识别、确定和设计关键过程。(0.5分)" points 0.5 { judged }'],
      ['  item ⑩ "改进关键过程，分享改进成果和经验教训。(1分)" points 1 { judged }\n', '  item ⑩ "改进关键过程，分享改进成果和经验教训。(1分)" points 1 { judged }\n  item ⑪ "建立质量追溯体系。(0.5分)" points 0.5 { judged }\n'],
    );
    const r = impact(base, n, applications);
    expect(r.carried.droppedInputs).toEqual(["外观设计专利数"]);
    expect(r.carried.unscored).toEqual(["八.11"]);
    expect(r.summary.failed).toBe(0);
    // 01: 七③ 4 + 3 (+ 1 design, now dropped) still reaches the cap 2; 八① 1 → 0.5; 八⑪ unscored, 0.
    const r01 = rowOf(r.rows, "01");
    expect(r01).toMatchObject({ new: { total: "99.5" }, delta: "-0.5" });
    expect(r01.movedItems).toEqual([{ id: "八.1", old: "1", new: "0.5", delta: "-0.5" }]);
    expect(r01.adjustments).toEqual(["专家甲", "专家乙", "专家丙"].map((e) => `${e} 对 八.1 的评分 1 超过新满分，按 0.5 计`));
    // 08: 3 design patents only: 七③ 1.5 → 0.
    expect(rowOf(r.rows, "08").movedItems[0]).toEqual({ id: "七.3", old: "1.5", new: "0", delta: "-1.5" });
  });

  test("rows keep the order and names given", () => {
    const r = impact(base, base, [{ name: "z", app: applications[1]!.app }, { name: "a", app: applications[0]!.app }]);
    expect(r.rows.map((x) => x.name)).toEqual(["z", "a"]);
  });
});
