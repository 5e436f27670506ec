/** The CLI as a user runs it: the built binary, spawned, on real files; exit codes and output. */
import { describe, expect, test, beforeAll, afterAll } from "vitest";
import { mkdtemp, readFile, writeFile, cp, rm, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsqc, repo } from "./jsqc.js";

const rules = join(repo, "rules/2024.rules");
const example = join(repo, "examples/03-nanjing-huarui-zhineng-zhuangbei.json");
let tmp: string;

beforeAll(async () => { tmp = await mkdtemp(join(tmpdir(), "jsqc-cli-")); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe("jsqc", () => {
  test("--help lists every command, and every command has --help", () => {
    const h = jsqc("--help");
    expect(h.code).toBe(0);
    for (const c of ["check", "fmt", "eval", "test", "schema"]) {
      expect(h.out).toContain(c);
      const ch = jsqc(c, "--help");
      expect(ch.code, c).toBe(0);
      expect(ch.out, c).toContain(`jsqc ${c}`);
    }
    expect(jsqc("frobnicate").code).toBe(2);
    expect(jsqc().code).toBe(2);
  });

  test("check: the 2024 file is clean and its points add up", () => {
    const r = jsqc("check", rules, "--summary");
    expect(r.code).toBe(0);
    expect(r.out).toContain("0 个错误 errors, 0 个警告 warnings");
    expect(r.out).toContain("各部分满分合计 100 分，总分 100 分 ✓ 相符");
    expect(r.out).toContain("每一部分的评分项恰好可达该部分满分 ✓");
  });

  test("check: every diagnostic with file:line:col, code, both languages and a caret; exit 1", async () => {
    const file = join(tmp, "broken.rules");
    const text = (await readFile(rules, "utf8")).replace("section 七 \"质量竞争优势\" weight 12", "section 七 \"质量竞争优势\" weight 11").replace("不良记录 where 类型 == 质量失信", "不良记录 where 类型 == 质量失倍");
    await writeFile(file, text);
    const r = jsqc("check", file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/broken\.rules:\d+:\d+: error N005: 质量失倍 不是枚举 不良记录类型 的值\n  质量失倍 is not a value of enum 不良记录类型/);
    expect(r.out).toMatch(/error S007: 第七部分可得 12 分，满分 11 分/);
    expect(r.out).toMatch(/\n\s+\| +\^+/);
    const json = JSON.parse(jsqc("check", file, "--format", "json").out) as { diagnostics: { code: string; line: number; column: number }[] };
    expect(json.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(["N005", "S007", "S006"]));
    expect(json.diagnostics.every((d) => d.line > 0 && d.column > 0)).toBe(true);
  });

  test("usage and input errors exit 2", () => {
    expect(jsqc("check").code).toBe(2);
    expect(jsqc("check", join(tmp, "missing.rules")).code).toBe(2);
    expect(jsqc("check", rules, "--bogus").code).toBe(2);
  });

  test("fmt --check passes on the 2024 file; fmt rewrites a file in place", async () => {
    expect(jsqc("fmt", "--check", rules).code).toBe(0);
    const file = join(tmp, "messy.rules");
    const text = (await readFile(rules, "utf8")).replace(/\n  item/g, "\n        item").replace("weight 10 {", "weight   10{");
    await writeFile(file, text);
    const check = jsqc("fmt", "--check", file);
    expect(check.code).toBe(1);
    expect(check.out).toContain("需要排版");
    expect(jsqc("fmt", file).code).toBe(0);
    expect(await readFile(file, "utf8")).toBe(await readFile(rules, "utf8"));
  });

  test("fmt refuses a file with syntax errors and leaves it untouched", async () => {
    const file = join(tmp, "syntax.rules");
    await writeFile(file, "ruleset \"x\" { year 2025 \n section 一 {");
    const r = jsqc("fmt", file);
    expect(r.code).toBe(1);
    expect(await readFile(file, "utf8")).toBe("ruleset \"x\" { year 2025 \n section 一 {");
  });

  test("eval: a readable breakdown, or JSON", () => {
    const r = jsqc("eval", rules, example);
    expect(r.code).toBe(0);
    expect(r.out).toContain("三、质量管理体系  6.75 / 8");
    expect(r.out).toContain("3 个：2 + 0.5 × 2 = 3");
    expect(r.out).toContain("总分 total: 79.89 / 100");
    expect(r.out).toContain("予以认定 granted");
    const j = JSON.parse(jsqc("eval", rules, example, "--json").out) as { total: { decimal: string } };
    expect(j.total.decimal).toBe("79.89");
  });

  test("eval: an invalid application names each field by path and Chinese label; exit 2", async () => {
    const file = join(tmp, "bad.json");
    const app = JSON.parse(await readFile(example, "utf8")) as { inputs: Record<string, unknown> };
    app.inputs["注册地"] = "上海";
    await writeFile(file, JSON.stringify(app));
    const r = jsqc("eval", rules, file);
    expect(r.code).toBe(2);
    expect(r.err).toContain("inputs.注册地（注册地）：应为江苏、江苏港澳台、省外之一，实为 \"上海\"");
    await writeFile(file, "{ not json");
    expect(jsqc("eval", rules, file).code).toBe(2);
  });

  test("schema prints the application's JSON Schema", () => {
    const r = jsqc("schema", rules);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { properties: { inputs: { properties: Record<string, { title: string }> } } };
    expect(s.properties.inputs.properties["有效体系认证证书数"]!.title).toBe("有效的体系认证证书数");
  });

  test("test: the 2024 suite passes with full coverage", () => {
    const r = jsqc("test", rules, "--coverage", "--min-coverage", "100");
    expect(r.code).toBe(0);
    expect(r.out).toContain("覆盖率 coverage: 100.0%");
    expect(r.out).toMatch(/\n\d+ passed, 0 failed\n$/);
  });

  test("test: a failing case shows the item-by-item difference; coverage below a threshold fails", async () => {
    const dir = join(tmp, "cases");
    await mkdir(dir, { recursive: true });
    await cp(example, join(tmp, "app.json"));
    await writeFile(join(dir, "one.json"), JSON.stringify({ name: "三① 应得 4 分", application: "../app.json", expect: { items: { "三.1": "4" }, total: "79.89" } }));
    const r = jsqc("test", rules, "--cases", dir, "--coverage", "--min-coverage", "90");
    expect(r.code).toBe(1);
    expect(r.out).toContain("✗ 三① 应得 4 分");
    expect(r.out).toContain("items.三.1: 期望 expected 4，实际 actual 3");
    expect(r.out).toContain("未覆盖 not exercised");
    expect(r.out).toMatch(/\n0 passed, 1 failed\n$/);
  });
});
