/** The preview's provisional evaluation of an application the changed rule file refuses. */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { compile, evaluate, type Ruleset } from "@jsqc/engine";
import { affectedItems, applyFix, checkPreview, typedNumber, type Application } from "../src/preview-check.js";

const repo = new URL("../../../", import.meta.url).pathname;
const text = readFileSync(`${repo}rules/2024.rules`, "utf8");
const example = (name: string) => JSON.parse(readFileSync(`${repo}examples/${name}.json`, "utf8")) as Application;

function rules(source: string): Ruleset {
  const c = compile(source);
  if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join("\n"));
  return c.ruleset;
}

// 2025's change: 三② worth 1.5 instead of 2 (and 三③ 2.5), so the section still reaches its weight.
const lowered = text
  .replace('记录齐全。(2 分)" points 2 { judged }', '记录齐全。(2 分)" points 1.5 { judged }')
  .replace('第三方审核, 证实体系有效运行, 记录齐全。(2 分)" points 2 { judged }', '第三方审核, 证实体系有效运行, 记录齐全。(2 分)" points 2.5 { judged }');
const rs2024 = rules(text);
const rs = rules(lowered);
const app = example("01-kunshan-ruitai-jingmi-muju");

describe("the preview's check", () => {
  test("a valid application is definitive, with the engine's result", () => {
    const c = checkPreview(rs2024, app);
    expect(c.status).toBe("definitive");
    expect(c.refusals).toEqual([]);
    const direct = evaluate(rs2024, app);
    expect(direct.ok && c.result?.total.decimal).toBe(direct.ok ? direct.result.total.decimal : "");
  });

  test("a score above an item's lowered maximum is refused, named, and the rest is evaluated", () => {
    expect(lowered).not.toBe(text);
    expect(evaluate(rs, app).ok).toBe(false);
    const c = checkPreview(rs, app);
    expect(c.status).toBe("provisional");
    expect(c.other).toEqual([]);
    expect(c.refusals.length).toBe(app.experts!.length);
    const r = c.refusals[0]!;
    expect(r.key).toBe("score:0:三.2");
    expect(r.label).toBe("专家甲 对 三.② 的评分");
    expect(r.message).toBe("专家甲 对 三.② 的评分 2 超过该项现行满分 1.5");
    expect(r.reason).toBe("2 超过该项现行满分 1.5");
    expect(r.messageEn).toBe("专家甲's score for 三.②: 2 is above the item's current maximum 1.5");
    expect(r.treatment).toBe("unscored");
    expect(r.fix).toEqual({ value: "1.5", shown: "1.5" });
    // The rest of the breakdown stays: every section is there, 三② scores 0 without its scores.
    const result = c.result!;
    expect(result.sections.map((s) => s.id)).toEqual(evaluate(rs2024, app).ok ? (evaluate(rs2024, app) as { ok: true; result: typeof result }).result.sections.map((s) => s.id) : []);
    const item = result.sections.find((s) => s.id === "三")!.items.find((i) => i.id === "三.2")!;
    expect(item.points.decimal).toBe("0");
    expect(item.maximum.decimal).toBe("1.5");
    expect(result.sections.find((s) => s.id === "一")!.points.decimal).toBe("10");
    const affected = affectedItems(rs, c.refusals);
    expect([...affected.keys()]).toEqual(["三.2"]);
    expect(affected.get("三.2")).toHaveLength(app.experts!.length);
  });

  test("clamping every refused score to the new maximum makes the preview definitive", () => {
    let fixed = app;
    for (const r of checkPreview(rs, app).refusals) fixed = applyFix(fixed, r);
    expect(app.experts![0]!.scores["三.2"]).toBe(2); // the example itself is not changed
    expect(fixed.experts![0]!.scores["三.2"]).toBe("1.5");
    const c = checkPreview(rs, fixed);
    expect(c.status).toBe("definitive");
    const item = c.result!.sections.find((s) => s.id === "三")!.items.find((i) => i.id === "三.2")!;
    expect(item.points.decimal).toBe("1.5");
  });

  test("a count typed as 2.5 stays 2.5, is refused with its label, and counts as its lowest value", () => {
    expect(typedNumber("2.5", "count")).toBe(2.5);
    expect(typedNumber("3", "count")).toBe(3);
    expect(typedNumber("2.50", "number")).toBe("2.50");
    expect(typedNumber("", "count")).toBeUndefined();
    const typed: Application = { ...app, inputs: { ...app.inputs, 有效体系认证证书数: typedNumber("2.5", "count") } };
    const c = checkPreview(rs2024, typed);
    expect(c.status).toBe("provisional");
    expect(c.refusals).toHaveLength(1);
    const r = c.refusals[0]!;
    expect(r).toMatchObject({ key: "input:有效体系认证证书数", label: "有效的体系认证证书数", found: "2.5", treatment: "lowest" });
    expect(r.message).toBe("「有效的体系认证证书数」填写的 2.5 不是整数：应为非负整数（0–50）");
    expect(r.messageEn).toContain("2.5 is not a whole number");
    expect(r.fix).toBeUndefined();
    expect(c.result!.sections.find((s) => s.id === "三")!.items.find((i) => i.id === "三.1")!.points.decimal).toBe("0");
    expect([...affectedItems(rs2024, c.refusals).keys()]).toEqual(["三.1"]);
  });

  test("a count above its maximum offers the maximum", () => {
    const c = checkPreview(rs2024, { ...app, inputs: { ...app.inputs, 有效体系认证证书数: 51 } });
    expect(c.refusals[0]!.message).toBe("「有效的体系认证证书数」填写的 51 超过上限 50");
    const fixed = applyFix({ ...app, inputs: { ...app.inputs, 有效体系认证证书数: 51 } }, c.refusals[0]!);
    expect(fixed.inputs!["有效体系认证证书数"]).toBe(50);
    expect(checkPreview(rs2024, fixed).status).toBe("definitive");
  });

  test("last year's example without an input this year requires: named as missing, counted as its lowest value", () => {
    const withNew = text.replace('input 有效体系认证证书数: count', 'input 首席质量官人数: count "首席质量官人数" min 1 max 5 unit "人"\n  en "Chief quality officers"\n\ninput 有效体系认证证书数: count');
    const c = checkPreview(rules(withNew), app);
    expect(c.status).toBe("provisional");
    expect(c.refusals).toEqual([expect.objectContaining({
      key: "input:首席质量官人数", label: "首席质量官人数", found: "", treatment: "lowest",
      message: "「首席质量官人数」未填：应为非负整数（1–5）", messageEn: "Chief quality officers: missing: expected a whole number ≥ 0 (1–5)",
    })]);
    expect(c.result!.total.decimal).toBe((evaluate(rs2024, app) as { ok: true; result: { total: { decimal: string } } }).result.total.decimal);
  });

  test("a grade the file does not have is named; nothing is evaluated for an invented grade", () => {
    const c = checkPreview(rs2024, { ...app, grade: "AAAA" });
    expect(c.status).toBe("invalid");
    expect(c.result).toBeNull();
    expect(c.refusals).toEqual([expect.objectContaining({ key: "grade", label: "申报等级", found: "AAAA", treatment: "none", message: "「申报等级」AAAA 不是本规则文件的等级：应为A、AA、AAA之一" })]);
  });

  test("a refused set member and a list row's refused field are left out where they are", () => {
    const rows = app.inputs!["不良记录"];
    const typed: Application = {
      ...app,
      inputs: { ...app.inputs, 标准化试点: ["不存在的级别"], 不良记录: [...(Array.isArray(rows) ? rows : []), { 类型: "不存在的类型", 日期: "2024-01-01" }] },
    };
    const c = checkPreview(rs2024, typed);
    expect(c.status).toBe("provisional");
    const keys = c.refusals.map((r) => r.key);
    expect(keys).toContain("input:标准化试点[0]");
    expect(c.refusals.find((r) => r.key === "input:标准化试点[0]")!.treatment).toBe("member");
    const n = Array.isArray(rows) ? rows.length : 0;
    expect(keys).toEqual(["input:标准化试点[0]", `input:不良记录[${n}].类型`]);
    const row = c.refusals[1]!;
    expect(row.label).toBe(`不良记录 第 ${n + 1} 行 › 类型`);
    expect(row.found).toBe("不存在的类型");
    expect(row.treatment).toBe("row");
    // The row is left out, so no veto applies for it.
    expect(c.result!.vetoes.every((v) => !v.applies)).toBe(true);
  });
});
