/**
 * `jsqc build <rules> -o out.mjs` as a user runs it (the built binary, spawned): the module is
 * written atomically (the old file stays whole when the build is refused, no temporary file is
 * left), it imports and scores as the engine does, and a rule file with errors is refused with
 * its diagnostics in both languages (exit 1), a missing -o or an unwritable path with exit 2.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compile, evaluate } from "@jsqc/engine";
import { jsqc, repo } from "./jsqc.js";

const rules = join(repo, "rules/2024.rules");
const example = join(repo, "examples/03-nanjing-huarui-zhineng-zhuangbei.json");
let tmp: string;

beforeAll(async () => { tmp = await mkdtemp(join(tmpdir(), "jsqc-build-")); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe("jsqc build", () => {
  test("writes a module that imports nothing and scores as the engine does; replaces an old file whole", async () => {
    const out = join(tmp, "2024.mjs");
    await writeFile(out, "old content");
    const r = jsqc("build", rules, "-o", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("2024.mjs");
    expect(r.out).toMatch(/已生成.*wrote/);
    const code = await readFile(out, "utf8");
    expect(code).not.toContain("old content");
    expect(code).not.toMatch(/^\s*import\b|\bimport\s*\(|\brequire\s*\(/m);
    expect((await readdir(tmp)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const mod = (await import(/* @vite-ignore */ pathToFileURL(out).href)) as { evaluate: (a: unknown, o?: { trace?: boolean }) => unknown };
    const app: unknown = JSON.parse(await readFile(example, "utf8"));
    const compiled = compile(await readFile(rules, "utf8"), "2024.rules");
    if (!compiled.ok) throw new Error("2024.rules does not compile");
    const want = evaluate(compiled.ruleset, app, { trace: false });
    expect(want.ok).toBe(true);
    expect(mod.evaluate(app, { trace: false })).toStrictEqual(want);
  }, 120_000);

  test("a rule file with errors: diagnostics in both languages, exit 1, the old module left as it was", async () => {
    const broken = join(tmp, "broken.rules");
    await writeFile(broken, (await readFile(rules, "utf8")).replace("不良记录 where 类型 == 质量失信", "不良记录 where 类型 == 质量失倍"));
    const out = join(tmp, "kept.mjs");
    await writeFile(out, "export const kept = 1;\n");
    const r = jsqc("build", broken, "-o", out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.rules:\d+:\d+: error N005: 质量失倍 不是枚举 不良记录类型 的值\n {2}质量失倍 is not a value of enum 不良记录类型/);
    expect(r.err).toContain("规则文件有错误，未生成模块 / the rule file has errors; no module written");
    expect(await readFile(out, "utf8")).toBe("export const kept = 1;\n");
    expect((await readdir(tmp)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("usage errors: no -o, no rule file, a directory that does not exist (exit 2, both languages)", () => {
    const noOut = jsqc("build", rules);
    expect(noOut.code).toBe(2);
    expect(noOut.err).toContain("缺少 -o <out.mjs>");
    expect(noOut.err).toContain("missing -o <out.mjs>");
    const missing = jsqc("build", join(tmp, "nope.rules"), "-o", join(tmp, "x.mjs"));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/无法读取 .*nope\.rules \/ cannot read/);
    const badDir = jsqc("build", rules, "-o", join(tmp, "no-such-dir", "x.mjs"));
    expect(badDir.code).toBe(2);
    expect(badDir.err).toMatch(/无法写入 .*x\.mjs \/ cannot write .*ENOENT/);
    expect(jsqc("build", "--help").out).toContain("jsqc build <rules> -o <out.mjs>");
  });
});
