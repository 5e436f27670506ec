/**
 * The reports of the 20 examples: each .docx is read back (word/document.xml) and shows every
 * item's points as the hand-worked expected file has them, the outcome, the vetoes' dates and the
 * rule file's year and document number; the HTML version carries the same figures.
 */
import { describe, expect, test } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { compile, evaluate, type EvaluationResult } from "@jsqc/engine";
import { docxParagraphs, docxTables, reportDocx, reportHtml, subjectOf } from "../src/index.js";

const root = new URL("../../../", import.meta.url);
const compiled = compile(readFileSync(new URL("rules/2024.rules", root), "utf8"), "2024.rules");
if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
const rs = compiled.ruleset;
const dateInput = rs.applicationDateIndex === null ? null : rs.inputs[rs.applicationDateIndex]!.name;
const names = readdirSync(new URL("examples/", root)).filter((f) => /^\d\d-.*(?<!\.expected)\.json$/.test(f)).sort();

interface Expected { total: string; items: Record<string, string>; sections: Record<string, string>; vetoes: Record<string, boolean>; outcome: { granted: boolean; grade: string } }

function load(name: string): { app: unknown; result: EvaluationResult; expected: Expected } {
  const app = JSON.parse(readFileSync(new URL(`examples/${name}`, root), "utf8")) as unknown;
  const expected = JSON.parse(readFileSync(new URL(`examples/${name.replace(/\.json$/, ".expected.json")}`, root), "utf8")) as Expected;
  const r = evaluate(rs, app, { trace: true });
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.errors)}`);
  return { app, result: r.result, expected };
}

describe("reports of the 20 examples", () => {
  test("there are 20", () => expect(names).toHaveLength(20));

  test.each(names)("%s: the Word report holds every item's points, the outcome and the rule file", async (name) => {
    const { app, result, expected } = load(name);
    const who = subjectOf(app, dateInput);
    const bytes = await reportDocx(result, who);
    const tables = docxTables(bytes);
    const [meta, summary, scores, vetoes, conditions] = tables as [string[][], string[][], string[][], string[][], string[][]];
    const pairs = (t: string[][]) => Object.fromEntries(t.slice(1).map((r) => [r[0], r[1]]));
    expect(pairs(meta)).toMatchObject({ 企业名称: who.name, 统一社会信用代码: who.creditCode, 申报等级: expected.outcome.grade, 评分依据: "2024年度质量信用等级认定工作技术指标（2024 年度），苏市监〔2024〕53号" });
    expect(pairs(meta)["申报日期"]).toBe(who.applicationDate);
    expect(pairs(summary)["总分"]).toBe(`${expected.total} / 100`);
    expect(pairs(summary)["结论"]!.startsWith(expected.outcome.granted ? "予以认定" : "不予认定")).toBe(true);
    // Score rows: a section row (its id) followed by its items (①…); rebuild ids as 三.1.
    const got: Record<string, string> = {};
    const sections: Record<string, string> = {};
    let section = "";
    for (const row of scores.slice(1)) {
      if (/^[一二三四五六七八九十]+$/.test(row[0]!)) { section = row[0]!; sections[section] = row[3]!; continue; }
      const n = "①②③④⑤⑥⑦⑧⑨⑩".indexOf(row[0]!) + 1;
      got[`${section}.${n}`] = row[3]!;
      expect(row[4], `${section}.${n} has a reason`).not.toBe("");
    }
    expect(got).toEqual(expected.items);
    expect(sections).toEqual(expected.sections);
    expect(Object.fromEntries(vetoes.slice(1).map((v) => [v[0], v[2] === "否决"]))).toEqual(expected.vetoes);
    for (const v of result.vetoes.filter((x) => x.applies && x.window)) {
      expect(vetoes.find((row) => row[0] === v.id)![3]).toContain(`${v.window!.from} 至 ${v.window!.to}`);
    }
    expect(conditions.slice(1).map((c) => c[0])).toEqual(result.eligibility.find((e) => e.grade === expected.outcome.grade)!.conditions!.map((c) => c.id));
    expect(docxParagraphs(bytes)[0]).toBe("质量信用等级认定评分报告");
  });

  test.each(names)("%s: the HTML report holds every item's points and reason", (name) => {
    const { app, result, expected } = load(name);
    const html = reportHtml(result, subjectOf(app, dateInput));
    for (const s of result.sections) for (const i of s.items) {
      expect(html).toContain(`<td class="num">${i.maximum.decimal}</td><td class="num">${expected.items[i.id]}</td>`);
    }
    expect(html).toContain("苏市监〔2024〕53号");
  });
});

describe("对比: old → new", () => {
  test("changed items print old → new, unchanged ones say so", async () => {
    const { app, result } = load(names[0]!);
    const text = readFileSync(new URL("rules/2024.rules", root), "utf8").replace("支持公益事业。(2.5 分)\" points 2.5 { judged }", "支持公益事业。(2 分)\" points 2 { judged }").replace("section 一 \"领导作用发挥\" weight 10", "section 一 \"领导作用发挥\" weight 9.5").replace("total 100", "total 99.5");
    const c = compile(text, "old.rules");
    if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join("\n"));
    const clipped = JSON.parse(JSON.stringify(app)) as { experts: { scores: Record<string, number> }[] };
    for (const e of clipped.experts) e.scores["一.4"] = Math.min(e.scores["一.4"] ?? 0, 2);
    const old = evaluate(c.ruleset, clipped, { trace: true });
    if (!old.ok) throw new Error(JSON.stringify(old.errors));
    const t = docxTables(await reportDocx(result, subjectOf(app, dateInput), { compare: old.result }));
    const scores = t[2]!;
    const one = scores.findIndex((r) => r[0] === "一");
    expect(scores[one]![3]).toBe(`${old.result.sections[0]!.points.decimal} → ${result.sections[0]!.points.decimal}`);
    expect(scores[one + 4]![3]).toBe("2 → 2.5");
    expect(scores[one + 1]![3]).toBe("2.5（未变）");
    expect(Object.fromEntries(t[1]!.map((r) => [r[0], r[1]]))["原规则结论"]).toBe(`予以认定 AAA，总分 ${old.result.total.decimal}（2024年度质量信用等级认定工作技术指标）`);
  });
});
