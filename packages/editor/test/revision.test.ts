/** The review list's entries and a rule test's accepted expectation, on rules/2024.rules. */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { parse } from "@jsqc/dsl";
import { compile, evaluate } from "@jsqc/engine";
import { reviewEntries, reviewState } from "../src/revision/review.js";
import { acceptedExpectation } from "../src/revision/accept.js";

const repo = new URL("../../../", import.meta.url).pathname;
const text = readFileSync(`${repo}rules/2024.rules`, "utf8");

describe("the review list", () => {
  test("every note, assumption, item text with a figure, veto text and dated requirement of 2024", () => {
    const entries = reviewEntries(parse(text).ast);
    const count = (k: string) => entries.filter((e) => e.kind === k).length;
    expect(count("assumption")).toBe(6);
    expect(count("veto")).toBe(2);
    expect(entries.find((e) => e.key === "item 三.1")?.text).toContain("最高不超过 4 分");
    expect(entries.some((e) => e.key === "item 五.1")).toBe(true);
    expect(entries.filter((e) => e.kind === "requirement").map((e) => e.key)).toEqual(["require eligibility #1", "require grade AA #0"]);
    const e = entries.find((x) => x.key === "note grade A #0")!;
    expect(e.text.startsWith("假设")).toBe(true);
    expect(reviewState(e, { [e.key]: e.text }, new Set())).toBe("open");
    expect(reviewState(e, { [e.key]: e.text }, new Set([`${e.key}\u0000${e.text}`]))).toBe("ticked");
    expect(reviewState(e, { [e.key]: "旧的文字" }, new Set())).toBe("fixed");
  });
});

describe("accepting a rule test's new result", () => {
  test("the stated parts take the result's values; an item no longer there is dropped", () => {
    const compiled = compile(text, "2024.rules");
    if (!compiled.ok) throw new Error("2024.rules does not compile");
    const app = JSON.parse(readFileSync(`${repo}examples/03-nanjing-huarui-zhineng-zhuangbei.json`, "utf8"));
    const r = evaluate(compiled.ruleset, app);
    if (!r.ok) throw new Error("not evaluated");
    const accepted = acceptedExpectation({ total: "1", items: { "三.1": "0", "九十.1": "1" }, outcome: { granted: false } }, r.result);
    expect(accepted).toEqual({ total: "79.89", items: { "三.1": r.result.sections.find((s) => s.id === "三")!.items[0]!.points.decimal }, outcome: { granted: r.result.outcome.granted } });
  });
});
