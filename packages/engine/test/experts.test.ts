/**
 * Expert rules per section and item in the engine: each judged item is combined by the rule that
 * applies to it, the trace names that rule and the scores a trimmed mean dropped, and an item
 * scored by fewer experts than `at least N` is an input error.
 */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { compile, evaluate, validate, type Ruleset, type EvaluationResult } from "../src/index.js";

const RULES = `ruleset "专家规则测试" {
  year 2025
  total 10
}

section 一 "领导作用" weight 4 {
  item ① "甲" points 2 { judged }
  item ② "乙" points 2 { judged }
}

section 二 "结果分析" weight 6 {
  experts {
    combine mean
    round 0.5
    at least 4 experts
  }
  item ① "丙" points 3 { judged }
  item ② "丁" points 3 {
    judged
    experts { combine trimmed mean }
  }
}

grade A "A级" { pass 6 }

experts {
  combine trimmed mean
  round 0.01
  spread 1
}
`;

function ruleset(text = RULES): Ruleset {
  const c = compile(text);
  if (!c.ok) throw new Error(JSON.stringify(c.diagnostics));
  return c.ruleset;
}

/** Four experts: 一 items and 二.1 scored by all, 二.2 too. */
const FOUR = [
  { name: "甲", scores: { "一.1": 2, "一.2": 1, "二.1": 3, "二.2": 0.5 } },
  { name: "乙", scores: { "一.1": 1.5, "一.2": 1, "二.1": 2, "二.2": 3 } },
  { name: "丙", scores: { "一.1": 1, "一.2": 1, "二.1": 2, "二.2": 2 } },
  { name: "丁", scores: { "一.1": 2, "一.2": 2, "二.1": 2, "二.2": 2.5 } },
];

function run(rs: Ruleset, experts: unknown): EvaluationResult {
  const r = evaluate(rs, { grade: "A", inputs: {}, experts });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.result;
}

function item(r: EvaluationResult, id: string) {
  return r.sections.flatMap((s) => s.items).find((i) => i.id === id)!;
}

describe("expert rules per section and item", () => {
  test("each item is combined by the rule that applies to it", () => {
    const r = run(ruleset(), FOUR);
    // File rule (trimmed, 0.01): 一.1 drops 2 and 1 → (1.5 + 2) / 2 = 1.75.
    expect(item(r, "一.1").points.decimal).toBe("1.75");
    // Section rule (mean, 0.5): 二.1 (3 + 2 + 2 + 2) / 4 = 2.25 → 2.5 (half up).
    expect(item(r, "二.1").points.decimal).toBe("2.5");
    // Item rule (trimmed, inheriting the section's 0.5): drops 0.5 and 3 → (2 + 2.5) / 2 = 2.25 → 2.5.
    expect(item(r, "二.2").points.decimal).toBe("2.5");
    // 一.2: 1, 1, 1, 2 trimmed → 1.
    expect(item(r, "一.2").points.decimal).toBe("1");
    expect(r.total.decimal).toBe("7.75");
  });

  test("the trace names the rule, where it is written, and the scores dropped", () => {
    const rs = ruleset();
    const r = run(rs, FOUR);
    const sectionRule = item(r, "二.1").expertRule!;
    expect(sectionRule).toMatchObject({ level: "section", combine: "mean", round: "0.5", spread: "1", atLeast: 4 });
    const lines = RULES.split("\n");
    expect(lines[sectionRule.line! - 1]!.trim()).toBe("experts {");
    expect(item(r, "二.1").reason).toBe("专家评分 3、2、2、2，取平均，按 0.5 取整 → 2.5（第二部分的专家评分规则）");
    expect(item(r, "二.1").experts!.some((f) => f.dropped)).toBe(false);

    const itemRule = item(r, "二.2").expertRule!;
    expect(itemRule).toMatchObject({ level: "item", combine: "trimmed mean", round: "0.5", atLeast: 4 });
    expect(lines[itemRule.line! - 1]!.trim()).toBe("experts { combine trimmed mean }");
    expect(item(r, "二.2").experts!.filter((f) => f.dropped).map((f) => [f.name, f.score.decimal])).toEqual([["甲", "0.5"], ["乙", "3"]]);
    expect(item(r, "二.2").reason).toBe("专家评分 0.5、3、2、2.5，去掉一个最高分和一个最低分后取平均，按 0.5 取整 → 2.5（二.2 项的专家评分规则）");

    const fileRule = item(r, "一.1").expertRule!;
    expect(fileRule).toMatchObject({ level: "file", combine: "trimmed mean", round: "0.01", atLeast: null });
    expect(lines[fileRule.line! - 1]).toBe("experts {");
    expect(fileRule.line).toBeGreaterThan(sectionRule.line!);
    // Equal scores: two different experts are still dropped.
    expect(item(r, "一.2").experts!.filter((f) => f.dropped).map((f) => f.name)).toEqual(["甲", "丁"]);
  });

  test("the spread flag uses the item's own rule (inherited from the file here)", () => {
    const r = run(ruleset(), FOUR);
    // 二.2: 0.5 to 3 differ by 2.5 > 1.
    expect(r.flags.map((f) => [f.item, f.kind])).toEqual([["二.2", "spread"]]);
  });

  test("fewer scores than `at least` is an input error with the item's path, id and label, in Chinese and English", () => {
    const rs = ruleset();
    const three = FOUR.slice(0, 3);
    const r = evaluate(rs, { grade: "A", inputs: {}, experts: three });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      {
        path: "experts[*].scores.二.1",
        label: "专家评分 二.1「丙」",
        expected: "至少 4 位专家的评分",
        found: "3 位",
        message: "experts[*].scores.二.1（专家评分 二.1「丙」）：按第二部分的专家评分规则，须至少 4 位专家评分，实有 3 位",
        messageEn: "experts[*].scores.二.1 (expert scores for 二.1): section 二's expert rule requires at least 4 experts' scores, found 3",
      },
      {
        path: "experts[*].scores.二.2",
        label: "专家评分 二.2「丁」",
        expected: "至少 4 位专家的评分",
        found: "3 位",
        message: "experts[*].scores.二.2（专家评分 二.2「丁」）：按二.2 项的专家评分规则，须至少 4 位专家评分，实有 3 位",
        messageEn: "experts[*].scores.二.2 (expert scores for 二.2): item 二.2's expert rule requires at least 4 experts' scores, found 3",
      },
    ]);
    expect(validate(rs, { grade: "A", inputs: {}, experts: three })?.map((e) => e.path)).toEqual(["experts[*].scores.二.1", "experts[*].scores.二.2"]);
    // With no experts at all, the items are still short; the file's other items need none.
    const none = evaluate(rs, { grade: "A", inputs: {} });
    expect(none.ok ? [] : none.errors.map((e) => e.found)).toEqual(["0 位", "0 位"]);
    // One expert skipping one item of 二 is short for that item only.
    const skip = FOUR.map((e, i) => (i === 0 ? { name: e.name, scores: { "一.1": 2, "一.2": 1, "二.2": 0.5 } } : e));
    const s = evaluate(rs, { grade: "A", inputs: {}, experts: skip });
    expect(s.ok ? [] : s.errors.map((e) => e.path)).toEqual(["experts[*].scores.二.1"]);
  });

  test("a malformed score and a missing expert are reported together", () => {
    const rs = ruleset();
    const bad = [{ name: "甲", scores: { "二.1": 9 } }];
    const r = evaluate(rs, { grade: "A", inputs: {}, experts: bad });
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual(["experts[0].scores.二.1", "experts[*].scores.二.1", "experts[*].scores.二.2"]);
  });

  test("2024.rules: every judged item follows the file's rule, and the trace says so", () => {
    const text = readFileSync(new URL("../../../rules/2024.rules", import.meta.url), "utf8");
    const rs = ruleset(text);
    expect(rs.judged.every((i) => i.experts?.level === "file")).toBe(true);
    expect(rs.counted).toEqual([]);
    const app = JSON.parse(readFileSync(new URL("../../../examples/01-kunshan-ruitai-jingmi-muju.json", import.meta.url), "utf8"));
    const e = evaluate(rs, { ...app, experts: [{ name: "甲", scores: { "一.1": 2.5 } }] });
    if (!e.ok) throw new Error(JSON.stringify(e.errors));
    const r = e.result;
    expect(item(r, "一.1").reason).toBe("专家评分 2.5，按 0.01 取整 → 2.5");
    expect(item(r, "一.2").reason).toBe("无专家评分 → 0");
  });
});
