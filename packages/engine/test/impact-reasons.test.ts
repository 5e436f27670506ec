/**
 * Impact that explains itself: for the twenty examples against revised copies of 2024.rules,
 * every changed outcome names the conditions (window, eligibility, veto, pass mark) or items that
 * moved it; examples carried into the new year are dated into it (carryApplication).
 */
import { describe, expect, test } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { carryApplication, compile, impact, shiftDate, type ImpactReport, type Ruleset } from "../src/index.js";

const root = new URL("../../../", import.meta.url);
const source = readFileSync(new URL("rules/2024.rules", root), "utf8");

function load(text: string): Ruleset {
  const c = compile(text, "test.rules");
  if (!c.ok) throw new Error(c.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  return c.ruleset;
}

function edited(text: string, ...edits: [string, string][]): string {
  for (const [from, to] of edits) {
    expect(text.includes(from), from).toBe(true);
    text = text.split(from).join(to);
  }
  return text;
}

const base = load(source);
const applications = readdirSync(new URL("examples/", root))
  .filter((f) => /^\d\d-.*(?<!\.expected)\.json$/.test(f))
  .sort()
  .map((f) => ({ name: f.replace(/\.json$/, ""), app: JSON.parse(readFileSync(new URL(`examples/${f}`, root), "utf8")) as unknown }));

/** 2024.rules copied to 2025 as "由此新建下一年度" does: the year and every date moved, nothing else. */
const NEXT_YEAR = edited(source,
  ["  year 2024\n", "  year 2025\n"],
  ["effective 2024-01-01 to 2024-12-31", "effective 2025-01-01 to 2025-12-31"],
  ["window 2024-03-26 to 2024-04-26", "window 2025-03-26 to 2025-04-26"],
);

const row = (r: ImpactReport, prefix: string) => r.rows.find((x) => x.name.startsWith(prefix))!;

describe("impact explains itself", () => {
  test("the next year's file with last year's examples: every loss is 'outside the window', none unexplained", () => {
    const next = load(NEXT_YEAR);
    const r = impact(base, next, applications);
    // AA and AAA applications granted in 2024 (01, 03, 04, 10, 15) fall outside the 2025 window.
    expect(r.rows.filter((x) => x.outcome === "lost").map((x) => x.name.slice(0, 2))).toEqual(["01", "03", "04", "10", "15"]);
    expect(r.summary).toMatchObject({ lost: 5, lostOutsideWindow: 5, unexplained: 0, gained: 0 });
    const r03 = row(r, "03");
    expect(r03.outsideWindow).toBe(true);
    expect(r03.reasons).toEqual([{
      kind: "window", id: "AA.申报期", effect: "against", decisive: true,
      message: "申报日期 2024-03-26 不在新申报期 2025-03-26 至 2025-04-26 内（原申报期 2024-03-26 至 2024-04-26）",
      messageEn: "the application date 2024-03-26 is outside the new window 2025-03-26 to 2025-04-26 (was 2024-03-26 to 2024-04-26)",
    }]);
    // Grade A has no window: its rows do not move at all.
    expect(row(r, "05")).toMatchObject({ outcome: "unchanged", delta: "0", reasons: [] });
  });

  test("carryDates: the examples are dated into 2025 and nothing moves", () => {
    const next = load(NEXT_YEAR);
    const r = impact(base, next, applications, { carryDates: true });
    expect(r.carried.datesMovedBy).toBe(1);
    expect(r.summary).toMatchObject({ lost: 0, gained: 0, unchanged: 20, failed: 0, meanDelta: "0" });
    expect(r.rows.every((x) => x.reasons.length === 0)).toBe(true);
  });

  test("a higher pass mark: the rows that fall below it say so, decisively", () => {
    const r = impact(base, load(edited(source, ["  pass 75\n", "  pass 80\n"])), applications);
    const lost = r.rows.filter((x) => x.outcome === "lost");
    expect(lost.length).toBeGreaterThan(0);
    for (const x of lost) {
      expect(x.explained).toBe(true);
      expect(x.reasons).toEqual([expect.objectContaining({ kind: "passMark", id: "pass", effect: "against", decisive: true })]);
      expect(x.reasons[0]!.message).toMatch(/^未达及格分：总分 (\S+) → \1，及格分 75 → 80$/);
    }
    expect(r.summary.unexplained).toBe(0);
  });

  test("lower points on an item: the items that moved the total across the pass mark are the reason", () => {
    // 七③ worth at most 1 instead of 2: rows near the mark drop below it.
    const next = load(edited(source,
      ['(得分可累计，最高不超过 2 分)" points 2 {', '(得分可累计，最高不超过 1 分)" points 1 {'],
      ["0.5 per 外观设计专利数\n    cap 2\n", "0.5 per 外观设计专利数\n    cap 1\n"],
      ['section 七 "质量竞争优势" weight 12', 'section 七 "质量竞争优势" weight 11'],
      ["  total 100\n", "  total 99\n"],
    ));
    const r = impact(base, next, applications);
    const moved = r.rows.filter((x) => x.delta !== "0" && x.delta !== null);
    expect(moved.length).toBeGreaterThan(0);
    for (const x of moved) {
      const items = x.reasons.find((y) => y.kind === "items")!;
      expect(items.id).toBe("七.3");
      expect(items.effect).toBe("against");
      expect(items.message).toBe(`评分项变动，总分 ${x.delta}：七.3 ${x.delta}`);
    }
    for (const x of r.rows.filter((y) => y.outcome === "lost")) {
      expect(x.reasons.map((y) => [y.kind, y.decisive])).toEqual([["passMark", false], ["items", true]]);
    }
    expect(r.summary.unexplained).toBe(0);
  });

  test("a stricter requirement and a new veto: the condition that changed is named", () => {
    const next = load(edited(source,
      ["present(A级认定日期) and A级认定日期 <= 申报日期 - 2 years", "present(A级认定日期) and A级认定日期 <= 申报日期 - 4 years"],
      ["日期 within 2 years before 申报日期)\n    note \"“两年内”：记录日期在申报日期前两年的当日至申报日期之间（含两端）的，予以否决。\"\n  veto ②", "日期 within 5 years before 申报日期)\n    note \"“两年内”：记录日期在申报日期前两年的当日至申报日期之间（含两端）的，予以否决。\"\n  veto ②"],
    ));
    const r = impact(base, next, applications);
    const lost = r.rows.filter((x) => x.outcome === "lost");
    expect(lost.length).toBeGreaterThan(0);
    for (const x of lost) {
      expect(x.explained).toBe(true);
      expect(x.outsideWindow).toBe(false);
      const kinds = x.reasons.filter((y) => y.decisive).map((y) => y.kind);
      expect(kinds.every((k) => k === "eligibility" || k === "veto")).toBe(true);
    }
    const aa = lost.find((x) => x.reasons.some((y) => y.kind === "eligibility"));
    expect(aa?.reasons.find((y) => y.kind === "eligibility")?.message).toBe("新规则下不满足条件：经认定为质量信用A级等级满2年以上");
    expect(r.summary.unexplained).toBe(0);
  });

  test("carryApplication moves every input date by the years between, and nothing else", () => {
    const app = {
      id: "320583-2024-0001",
      grade: "AA",
      inputs: { 申报日期: "2024-04-10", A级认定日期: "2020-02-29", 不良记录: [{ 类型: "质量失信", 日期: "2023-05-01" }], 发明专利数: 3, 注册地: "江苏" },
      experts: [{ name: "2024-01-01", scores: {} }],
    };
    expect(carryApplication(app, 2024, 2025)).toEqual({
      id: "320583-2024-0001",
      grade: "AA",
      inputs: { 申报日期: "2025-04-10", A级认定日期: "2021-02-28", 不良记录: [{ 类型: "质量失信", 日期: "2024-05-01" }], 发明专利数: 3, 注册地: "江苏" },
      experts: [{ name: "2024-01-01", scores: {} }],
    });
    expect(app.inputs.申报日期).toBe("2024-04-10"); // the original is not touched
    expect(carryApplication(app, 2024, 2024)).toBe(app);
    expect(carryApplication("x", 2024, 2025)).toBe("x");
    expect(shiftDate("2023-02-28", 1)).toBe("2024-02-28");
    expect(shiftDate("2024-02-30", 1)).toBe("2024-02-30"); // not a date: left alone
  });
});
