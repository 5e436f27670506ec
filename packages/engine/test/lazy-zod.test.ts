/**
 * zod is loaded only when an application fails the fast path (issue 14, cold start): in a fresh
 * process, the built engine compiles the 2024 rules and evaluates a valid application without
 * loading zod; an invalid one loads it and gets the same errors as when zod was imported eagerly
 * (the expected errors below were produced by the engine before this change).
 */
import { describe, expect, test } from "vitest";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { compile, evaluate } from "../src/index.js";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../../../", import.meta.url));

async function invalidApplication(): Promise<Record<string, unknown>> {
  const app = JSON.parse(await readFile(join(repo, "examples/01-kunshan-ruitai-jingmi-muju.json"), "utf8")) as { inputs: Record<string, unknown> };
  const inputs: Record<string, unknown> = { ...app.inputs, 未声明: 1, 注册地: "火星" };
  delete inputs["申报日期"];
  return { ...app, grade: "X", inputs, experts: [{ name: "专家甲", scores: { "一.1": 99 } }] };
}

const EXPECTED = {
  ok: false,
  errors: [
      {"path": "grade", "label": "申报等级", "expected": "A、AA、AAA之一", "found": "\"X\"", "message": "grade（申报等级）：应为A、AA、AAA之一，实为 \"X\"", "messageEn": "grade (申报等级): expected one of A, AA, AAA, found \"X\""},
      {"path": "inputs.申报日期", "label": "申报日期", "expected": "日期 YYYY-MM-DD", "found": "缺失 (missing)", "message": "inputs.申报日期（申报日期）：应为日期 YYYY-MM-DD，实为 缺失 (missing)", "messageEn": "inputs.申报日期 (申报日期): expected a date YYYY-MM-DD, found 缺失 (missing)"},
      {"path": "inputs.注册地", "label": "注册地", "expected": "江苏、江苏港澳台、省外之一", "found": "\"火星\"", "message": "inputs.注册地（注册地）：应为江苏、江苏港澳台、省外之一，实为 \"火星\"", "messageEn": "inputs.注册地 (注册地): expected one of 江苏, 江苏港澳台, 省外, found \"火星\""},
      {"path": "inputs.未声明", "label": "未声明", "expected": "（规则文件未声明此字段）", "found": "1", "message": "inputs.未声明：未知字段 未声明，规则文件未声明", "messageEn": "inputs.未声明: unknown field 未声明, not declared by the rule file"},
      {"path": "experts[0].scores.一.1", "label": "专家评分 一.1", "expected": "0 至 2.5 之间的分数", "found": "99", "message": "experts[0].scores.一.1（专家评分 一.1）：应为0 至 2.5 之间的分数，实为 99", "messageEn": "experts[0].scores.一.1 (专家评分 一.1): expected a score from 0 to 2.5, found 99"}
  ],
};

describe("zod is loaded lazily", () => {
  test("a valid application evaluates without zod; an invalid one loads it and gets the same errors", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "jsqc-lazy-zod-"));
    try {
      const loads = join(tmp, "loads.txt");
      const { stdout } = await run(process.execPath, [fileURLToPath(new URL("./fixtures/lazy-zod-child.mjs", import.meta.url)), JSON.stringify(await invalidApplication())], {
        env: { ...process.env, JSQC_LOADS: loads },
      });
      const out = JSON.parse(stdout) as { afterCompile: boolean; validOk: boolean; total: string | null; afterValid: boolean; invalid: unknown; afterInvalid: boolean };
      expect(out.validOk).toBe(true);
      expect(out.total).not.toBeNull();
      expect(out.afterCompile).toBe(false);
      expect(out.afterValid).toBe(false);
      expect(out.invalid).toEqual(EXPECTED);
      expect(out.afterInvalid).toBe(true);
      // The module list the hooks recorded is real: the engine's own files are in it.
      expect((await readFile(loads, "utf8")).includes("/packages/engine/dist/evaluate.js")).toBe(true);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }, 120_000);

  test("in process (sources), the same errors", async () => {
    const c = compile(await readFile(join(repo, "rules/2024.rules"), "utf8"));
    if (!c.ok) throw new Error("rules/2024.rules does not compile");
    expect(evaluate(c.ruleset, await invalidApplication())).toEqual(EXPECTED);
  }, 60_000);
});
