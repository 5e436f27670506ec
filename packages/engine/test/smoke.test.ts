import { test, expect } from "vitest";
import { readFileSync } from "node:fs";
import { compile, evaluate } from "../src/index.js";
test("smoke", () => {
  const text = readFileSync(new URL("../../../rules/2024.rules", import.meta.url), "utf8");
  const c = compile(text, "2024.rules");
  if (!c.ok) throw new Error(JSON.stringify(c.diagnostics));
  const app = {
    grade: "AA",
    inputs: {
      申报日期: "2024-04-08", 注册地: "江苏", A级认定日期: "2022-04-08", 有效体系认证证书数: 3,
      标准化试点: ["省级"], 标准: [{ 角色: "主导", 级别: "国家" }, { 角色: "参与", 级别: "国家" }],
      获江苏精品认证: true, 质量奖: ["市级", "县级"], 发明专利数: 1, 实用新型专利数: 3, 外观设计专利数: 0,
      科技进步奖: [], 专精特新: ["省级小巨人"], 不良记录: [{ 类型: "质量失信", 日期: "2022-04-08" }],
    },
    experts: [{ name: "甲", scores: { "一.1": 2.5, "一.2": "2" } }, { name: "乙", scores: { "一.1": 2, "一.2": 0.5 } }, { name: "丙", scores: { "一.1": 1 } }],
  };
  const r = evaluate(c.ruleset, app);
  if (!r.ok) throw new Error(JSON.stringify(r.errors, null, 1));
  for (const s of r.result.sections) for (const i of s.items) if (i.points.number > 0 || i.form !== "Judged") console.log(i.id, i.points.decimal, i.reason);
  console.log(r.result.total, JSON.stringify(r.result.vetoes), JSON.stringify(r.result.outcome), JSON.stringify(r.result.flags.slice(0, 3)));
  console.log(JSON.stringify(r.result.eligibility, null, 1).slice(0, 1500));
  const bad = evaluate(c.ruleset, { grade: "B", inputs: { 申报日期: "2024-02-30", 注册地: "上海", 标准: [{ 角色: "x" }], 多余: 1, ["__proto__"]: { a: 1 } }, experts: [{ name: "a", scores: { "一.1": 3 } }] });
  console.log(JSON.stringify(bad, null, 1));
  const bad2 = evaluate(c.ruleset, JSON.parse('{"grade":"A","inputs":{"__proto__":{"x":1}}}'));
  console.log(JSON.stringify(bad2).slice(0, 600));
  expect(r.ok).toBe(true);
});
