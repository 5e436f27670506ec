/**
 * The engine's limits, each refused with a clear message (path, label, the limit in Chinese and
 * English), and the figures docs/reliability.md gives: list lengths (MAX_LIST_LENGTH), experts
 * (MAX_EXPERTS), text (MAX_TEXT_LENGTH), the envelope's fields; evaluation time for the worst
 * application the limits allow; a rule file of 10,000 items; nested quantifiers.
 *
 * Times are printed (`[limits] …`) and asserted only loosely, so a busy machine does not fail
 * the suite; the figures in docs/reliability.md come from these lines.
 */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { check, parse } from "@jsqc/dsl";
import { compile, evaluate, validate, MAX_EXPERTS, MAX_LIST_LENGTH, MAX_TEXT_LENGTH, type Ruleset } from "../src/index.js";

const compiled = compile(readFileSync(new URL("../../../rules/2024.rules", import.meta.url), "utf8"), "2024.rules");
if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
const rs: Ruleset = compiled.ruleset;
const example = JSON.parse(readFileSync(new URL("../../../examples/01-kunshan-ruitai-jingmi-muju.json", import.meta.url), "utf8")) as Record<string, any>;

function errorsOf(ruleset: Ruleset, app: unknown) {
  const r = evaluate(ruleset, app);
  if (r.ok) throw new Error("accepted");
  return r.errors;
}

/** Median of `n` timings, in ms. */
function median(n: number, f: () => unknown): number {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f();
    xs.push(performance.now() - t);
  }
  return xs.sort((a, b) => a - b)[Math.floor(n / 2)]!;
}

const standards = (n: number) => Array.from({ length: n }, (_, i) => ({ 角色: i % 2 ? "主导" : "参与", 级别: ["国际", "国家", "行业", "地方"][i % 4] }));

describe("limits of an application, each refused with a clear message", () => {
  test(`lists: ${MAX_LIST_LENGTH} records accepted, ${MAX_LIST_LENGTH + 1} refused`, () => {
    expect(evaluate(rs, { ...example, inputs: { ...example["inputs"], 标准: standards(MAX_LIST_LENGTH) } }).ok).toBe(true);
    const [e, ...rest] = errorsOf(rs, { ...example, inputs: { ...example["inputs"], 标准: standards(MAX_LIST_LENGTH + 1) } });
    expect(rest).toEqual([]);
    expect(e!.path).toBe("inputs.标准");
    expect(e!.message).toContain(`不超过 ${MAX_LIST_LENGTH} 条`);
    expect(e!.messageEn).toContain(`at most ${MAX_LIST_LENGTH}`);
    // The value found is shown cut short, not all 1,001 records.
    expect(e!.found.length).toBeLessThanOrEqual(60);
  });

  test(`experts: ${MAX_EXPERTS} accepted, ${MAX_EXPERTS + 1} refused`, () => {
    const experts = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `专家${i}`, scores: { "一.1": 1 } }));
    expect(evaluate(rs, { ...example, experts: experts(MAX_EXPERTS) }).ok).toBe(true);
    const [e] = errorsOf(rs, { ...example, experts: experts(MAX_EXPERTS + 1) });
    expect(e!.path).toBe("experts");
    expect(e!.message).toContain(`至多 ${MAX_EXPERTS} 位专家`);
    expect(e!.messageEn).toContain(`at most ${MAX_EXPERTS} experts`);
  });

  test("envelope texts: id 200, expert name 100, enterprise fields 200/18/50 characters", () => {
    expect(evaluate(rs, { ...example, id: "x".repeat(200) }).ok).toBe(true);
    const [id] = errorsOf(rs, { ...example, id: "x".repeat(201) });
    expect([id!.path, id!.messageEn]).toEqual(["id", expect.stringContaining("text (at most 200 characters)")]);
    expect(id!.message).toContain("不超过 200 字");
    const [name] = errorsOf(rs, { ...example, experts: [{ name: "甲".repeat(101), scores: {} }] });
    expect([name!.path, name!.messageEn]).toEqual(["experts[0].name", expect.stringContaining("at most 100 characters")]);
    const [code] = errorsOf(rs, { ...example, enterprise: { creditCode: "9".repeat(19) } });
    expect([code!.path, code!.messageEn]).toEqual(["enterprise.creditCode", expect.stringContaining("at most 18 characters")]);
  });

  test(`text inputs: ${MAX_TEXT_LENGTH} characters accepted, ${MAX_TEXT_LENGTH + 1} refused`, () => {
    const c = compile(`ruleset "t" { year 2025 total 1 }\ninput 说明: text "情况说明"\ninput 达标: yesno "达标"\nsection 一 "s" weight 1 { item 1 "x" points 1 { award 1 when 达标 and present(说明) } }\ngrade A { pass 1 }`);
    if (!c.ok) throw new Error(JSON.stringify(c.diagnostics));
    expect(evaluate(c.ruleset, { grade: "A", inputs: { 说明: "字".repeat(MAX_TEXT_LENGTH), 达标: true } }).ok).toBe(true);
    const [e] = errorsOf(c.ruleset, { grade: "A", inputs: { 说明: "字".repeat(MAX_TEXT_LENGTH + 1), 达标: true } });
    expect(e!.path).toBe("inputs.说明");
    expect(e!.message).toContain(`不超过 ${MAX_TEXT_LENGTH} 字`);
  });

  test("declared bounds: a count above its max, a set with a repeated member", () => {
    const [a] = errorsOf(rs, { ...example, inputs: { ...example["inputs"], 发明专利数: 100_001 } });
    expect([a!.path, a!.messageEn]).toEqual(["inputs.发明专利数", expect.stringContaining("0–100000")]);
    const [b] = errorsOf(rs, { ...example, inputs: { ...example["inputs"], 质量奖: ["市级", "市级"] } });
    expect(b!.path).toBe("inputs.质量奖");
    expect(b!.messageEn).toContain("distinct");
  });
});

describe("evaluation time within the limits", () => {
  /** rules/2024 at every limit: 1,000 standards, 1,000 adverse records (none matching, so every veto scans them all), 50 experts scoring all 41 judged items, every set full, the longest texts. */
  const scores = Object.fromEntries(rs.judged.map((j) => [j.id, j.max / 1_000_000]));
  const worst = {
    id: "x".repeat(200),
    enterprise: { name: "某".repeat(200), creditCode: "9".repeat(18), city: "南京市", county: "玄武区" },
    grade: "AAA",
    inputs: {
      ...example["inputs"],
      A级认定日期: "2018-05-10", AA级认定日期: "2021-05-10", 弄虚作假通报日期: "2010-01-01",
      有效体系认证证书数: 50, 标准化试点: ["国家级", "省级"], 标准: standards(MAX_LIST_LENGTH),
      质量奖: ["省级及以上", "市级", "县级"], 发明专利数: 100_000, 实用新型专利数: 100_000, 外观设计专利数: 100_000,
      科技进步奖: ["国家", "省级", "市级"], 专精特新: ["国家单项冠军或小巨人", "省级小巨人", "市级小巨人"],
      不良记录: Array.from({ length: MAX_LIST_LENGTH }, (_, i) => ({ 类型: i % 2 ? "产品质量违法" : "质量失信", 日期: "2015-01-01" })),
    },
    experts: Array.from({ length: MAX_EXPERTS }, (_, e) => ({ name: `专家${e}`.padEnd(100, "甲"), scores })),
  };

  test("the worst valid application for rules/2024: well under 100 ms", () => {
    const r = evaluate(rs, worst);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(rs.judged).toHaveLength(41);
    const traced = median(15, () => evaluate(rs, worst));
    const lean = median(15, () => evaluate(rs, worst, { trace: false }));
    const checked = median(15, () => validate(rs, worst));
    console.log(`[limits] worst valid application (rules/2024, lists of ${MAX_LIST_LENGTH}, ${MAX_EXPERTS} experts × 41 judged items): evaluate ${traced.toFixed(1)} ms with the trace, ${lean.toFixed(1)} ms without; validate ${checked.toFixed(1)} ms`);
    expect(traced).toBeLessThan(100);
  });

  test("the worst invalid application: every record and score wrong, thousands of errors", () => {
    const bad = structuredClone(worst) as any;
    bad.inputs.标准 = bad.inputs.标准.map((x: any) => ({ ...x, 级别: "火星" }));
    bad.inputs.不良记录 = bad.inputs.不良记录.map((x: any) => ({ ...x, 日期: "2024-02-30", 多余: 1 }));
    bad.experts = bad.experts.map((x: any) => ({ ...x, scores: Object.fromEntries(Object.keys(x.scores).map((k) => [k, 99])) }));
    const errors = errorsOf(rs, bad);
    const ms = median(5, () => evaluate(rs, bad));
    const bytes = Buffer.byteLength(JSON.stringify(errors));
    console.log(`[limits] worst invalid application: ${errors.length} errors (${(bytes / 1024).toFixed(0)} KiB as JSON) in ${ms.toFixed(0)} ms`);
    expect(errors.length).toBe(MAX_LIST_LENGTH + 2 * MAX_LIST_LENGTH + MAX_EXPERTS * 41);
    expect(ms).toBeLessThan(5_000);
  });

  test("lists nest at most two deep (T009): each level multiplies the work by a list's length", () => {
    const source = (cond: string) => `ruleset "嵌套" { year 2025 total 10 }\nrecord R { 数: count }\ninput L: list of R "L"\nsection 一 "s" weight 10 { item 1 "x" points 10 { award 10 when ${cond} > 0 } }\ngrade A { pass 5 }`;
    const two = compile(source("count(L where count(L where 数 > 0) > 0)"));
    if (!two.ok) throw new Error(JSON.stringify(two.diagnostics));
    const three = compile(source("count(L where count(L where count(L where 数 > 0) > 0) > 0)"));
    expect(three.ok).toBe(false);
    if (!three.ok) expect(three.diagnostics.map((d) => d.code)).toEqual(["T009"]);
    const app = { grade: "A", inputs: { L: Array.from({ length: MAX_LIST_LENGTH }, () => ({ 数: 0 })) } };
    const t2 = median(3, () => evaluate(two.ruleset, app));
    console.log(`[limits] two nested lists over ${MAX_LIST_LENGTH} records each: ${t2.toFixed(0)} ms per application (a third level is refused: T009)`);
    expect(evaluate(two.ruleset, app).ok).toBe(true);
  });
});

describe("the number of items: no limit but the file's size; 10,000 items is the figure", () => {
  function manyItems(sections: number, items: number): string {
    const lines = [`ruleset "大文件" {\n  year 2025\n  total ${sections * items}\n}`, `input 达标: yesno "达标"`, `input 数: count "数" max 100`];
    for (let s = 1; s <= sections; s++) {
      lines.push(`section S${s} "第${s}部分" weight ${items} {`);
      for (let i = 1; i <= items; i++) lines.push(`  item ${i} "第${i}项：通过认证，证书有效" points 1 { award 1 when 达标 and 数 >= ${i % 7} }`);
      lines.push("}");
    }
    lines.push(`grade A { pass ${Math.floor(sections * items * 0.6)} }`);
    return lines.join("\n");
  }

  test("10,000 items: parse, check, compile and evaluate", () => {
    const text = manyItems(10, 1000);
    let t = performance.now();
    const parsed = parse(text);
    const tParse = performance.now() - t;
    t = performance.now();
    const checked = check(parsed);
    const tCheck = performance.now() - t;
    expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    t = performance.now();
    const c = compile(text, "big.rules", { parse: parsed, diagnostics: checked.diagnostics, model: checked.model });
    const tCompile = performance.now() - t;
    if (!c.ok) throw new Error("does not compile");
    const app = { grade: "A", inputs: { 达标: true, 数: 5 } };
    const r = evaluate(c.ruleset, app);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    // Item i scores when 数 (5) ≥ i mod 7: all but i mod 7 = 6.
    const scoring = Array.from({ length: 1000 }, (_, i) => (i + 1) % 7 <= 5).filter(Boolean).length;
    expect(r.result.total.decimal).toBe(String(10 * scoring));
    const tEval = median(5, () => evaluate(c.ruleset, app));
    const tLean = median(5, () => evaluate(c.ruleset, app, { trace: false }));
    console.log(`[limits] 10,000 items (${(text.length / 1e6).toFixed(2)} M characters): parse ${tParse.toFixed(0)} ms, check ${tCheck.toFixed(0)} ms, compile ${tCompile.toFixed(0)} ms; evaluate ${tEval.toFixed(0)} ms with the trace, ${tLean.toFixed(1)} ms without`);
    expect(tParse + tCheck + tCompile).toBeLessThan(30_000);
  }, 120_000);
});
