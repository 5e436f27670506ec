import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, cp, writeFile, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request as httpRequest } from "node:http";
import { gzipSync } from "node:zlib";
import { buildServer } from "../src/index.js";

const repo = new URL("../../../", import.meta.url).pathname;
let dir: string;
let base: string;
let close: () => Promise<void>;
let example: Record<string, unknown>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jsqc-api-"));
  await cp(join(repo, "rules/2024.rules"), join(dir, "2024.rules"));
  const { app } = await buildServer({ rulesDir: dir, corsOrigins: ["https://credit.example.gov.cn"], bodyLimit: 64 * 1024 });
  base = await app.listen({ port: 0, host: "127.0.0.1" });
  close = () => app.close();
  example = {
    grade: "AA",
    inputs: {
      申报日期: "2024-04-08", 注册地: "江苏", A级认定日期: "2021-05-10", 有效体系认证证书数: 3,
      标准化试点: ["省级"], 标准: [{ 角色: "主导", 级别: "国家" }], 获江苏精品认证: true, 质量奖: [],
      发明专利数: 1, 实用新型专利数: 2, 外观设计专利数: 0, 科技进步奖: [], 专精特新: [], 不良记录: [],
    },
    experts: [{ name: "专家甲", scores: { "一.1": 2.5 } }],
  };
});
afterAll(async () => {
  await close();
  await rm(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
  fetch(`${base}${path}`, { method: "POST", headers, body: typeof body === "string" ? body : body instanceof Uint8Array ? new Blob([new Uint8Array(body)]) : JSON.stringify(body) });

function noLeak(text: string) {
  expect(text).not.toMatch(/\bat .*\(.*:\d+:\d+\)|node_modules|\/work\/|\.ts:\d+/);
}

describe("HTTP API over a real socket", () => {
  test("health and the list of rule files by year", async () => {
    expect(await (await fetch(`${base}/api/health`)).json()).toEqual({ status: "ok", years: ["2024"] });
    const list = (await (await fetch(`${base}/api/rules`)).json()) as { rules: { year: string; errors: number; evaluable: boolean }[] };
    expect(list.rules).toEqual([expect.objectContaining({ year: "2024", errors: 0, evaluable: true })]);
  });

  test("one rule file: source, outline, points summary, JSON Schema, ETag", async () => {
    const res = await fetch(`${base}/api/rules/2024`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(res.headers.get("etag")).toBe(body.etag);
    expect(body.source).toContain("苏市监〔2024〕53号");
    expect(body.outline.sections).toHaveLength(10);
    expect(body.summary.weightSum).toBe("100");
    expect(body.schema.properties.inputs.properties["申报日期"]).toBeDefined();
  });

  test("evaluate one application", async () => {
    const res = await post("/api/rules/2024/evaluate", example);
    expect(res.status).toBe(200);
    const r = (await res.json()) as Record<string, any>;
    expect(r.sections[2].items[0]).toMatchObject({ id: "三.1", points: { decimal: "3", number: 3 }, reason: "3 个：2 + 0.5 × 2 = 3" });
    expect(r.outcome.grade).toBe("AA");
    const lean = (await (await post("/api/rules/2024/evaluate?trace=false", example)).json()) as Record<string, any>;
    expect(lean.total).toEqual(r.total);
    expect(lean.sections[2].items[0].reason).toBeUndefined();
  });

  test("an invalid application gets 422 with every error's path and Chinese label", async () => {
    const res = await post("/api/rules/2024/evaluate", { ...example, inputs: { ...(example.inputs as object), 注册地: "上海", 发明专利数: -1, 多余: 1 } });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { errors: { path: string; label: string }[] } };
    expect(body.error.errors.map((e) => e.path).sort()).toEqual(["inputs.发明专利数", "inputs.多余", "inputs.注册地"]);
    expect(body.error.errors.find((e) => e.path === "inputs.注册地")!.label).toBe("注册地");
  });

  test("batch and validate", async () => {
    const res = await post("/api/rules/2024/evaluate-batch", { applications: [example, { grade: "A" }] });
    const body = (await res.json()) as { count: number; failed: number; results: { ok: boolean }[] };
    expect(body.count).toBe(2);
    expect(body.failed).toBe(1);
    expect(body.results[0]!.ok).toBe(true);
    expect(await (await post("/api/rules/2024/validate", example)).json()).toEqual({ ok: true, errors: [] });
  });

  test("check a rule text, as JSON or plain text", async () => {
    const text = 'ruleset "t" { year 2025 total 10 }\ninput 甲: count "甲"\nsection 一 "x" weight 10 { item ① "y" points 2 { award 1 per 乙 } }';
    const a = (await (await post("/api/check", { source: text })).json()) as { diagnostics: { code: string; line: number }[] };
    const b = (await (await post("/api/check", text, { "content-type": "text/plain; charset=utf-8" })).json()) as typeof a;
    expect(a).toEqual(b);
    expect(a.diagnostics.map((d) => d.code)).toContain("N001");
  });

  test("bad requests get the right 4xx without stack traces or file paths", async () => {
    const cases: [string, Promise<Response>, number][] = [
      ["malformed JSON", post("/api/rules/2024/evaluate", "{ not json"), 400],
      ["__proto__", post("/api/rules/2024/evaluate", '{"grade":"A","__proto__":{"x":1}}'), 400],
      ["constructor.prototype", post("/api/rules/2024/evaluate", '{"grade":"A","constructor":{"prototype":{"x":1}}}'), 400],
      ["too large", post("/api/rules/2024/evaluate", JSON.stringify({ pad: "x".repeat(70 * 1024) })), 413],
      ["wrong content type", post("/api/rules/2024/evaluate", "a=b", { "content-type": "application/x-www-form-urlencoded" }), 415],
      ["unknown year", post("/api/rules/1999/evaluate", example), 404],
      ["unknown route", fetch(`${base}/api/nothing`), 404],
      ["gzip body without support", post("/api/rules/2024/evaluate", gzipSync(JSON.stringify(example)), { "content-type": "application/json", "content-encoding": "gzip" }), 415],
    ];
    for (const [what, pending, status] of cases) {
      const res = await pending;
      const text = await res.text();
      expect(res.status, what).toBe(status);
      expect(JSON.parse(text).error.code, what).toBeTruthy();
      noLeak(text);
    }
  });

  test("CORS only for the configured origin", async () => {
    const ok = await fetch(`${base}/api/health`, { headers: { origin: "https://credit.example.gov.cn" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://credit.example.gov.cn");
    const other = await fetch(`${base}/api/health`, { headers: { origin: "https://evil.example.com" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("a rule file changed on disk is reloaded; requests keep being served", async () => {
    const file = join(dir, "2024.rules");
    const original = await readFile(file, "utf8");
    const inflight = Array.from({ length: 40 }, () => post("/api/rules/2024/evaluate", example));
    await writeFile(file, original.replace("base 2 plus 0.5 per further", "base 3 plus 0.5 per further").replace("cap 4\n", "cap 4\n"));
    const statuses = (await Promise.all(inflight)).map((r) => r.status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    let reason = "";
    for (let i = 0; i < 100 && !reason.startsWith("3 个：3"); i++) {
      await new Promise((r) => setTimeout(r, 50));
      const r = (await (await post("/api/rules/2024/evaluate", example)).json()) as Record<string, any>;
      reason = r.sections[2].items[0].reason;
    }
    expect(reason).toBe("3 个：3 + 0.5 × 2 = 4");
    // A broken save keeps serving the last good version, marked stale.
    await writeFile(file, original.replace("weight 8", "weight"));
    let stale = false;
    for (let i = 0; i < 100 && !stale; i++) {
      await new Promise((r) => setTimeout(r, 50));
      stale = ((await (await fetch(`${base}/api/rules/2024`)).json()) as { stale: boolean }).stale;
    }
    expect(stale).toBe(true);
    expect((await post("/api/rules/2024/evaluate", example)).status).toBe(200);
    await writeFile(file, original);
  });

  test("a slow client does not hold up others", async () => {
    const url = new URL(`${base}/api/rules/2024/evaluate`);
    const slow = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": "100000" } });
    slow.on("error", () => {});
    slow.write("{");
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    slow.destroy();
  });
});

describe("OpenAPI document", () => {
  test("is served, and documents exactly the routes the server has", async () => {
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`));
    const probe = await buildServer({ rulesDir: dir, watch: false });
    await probe.app.ready();
    await probe.app.close();
    expect(documented.sort()).toEqual(probe.routes.filter((r) => r.includes(" /api/")).sort());
  });
});

describe("start-up", () => {
  test("temporary files left by a save killed mid-way are removed; other files are not", async () => {
    const { mkdtemp: mk, writeFile: wf, readdir: rd, rm: rmdir } = await import("node:fs/promises");
    const d = await mk(join(tmpdir(), "jsqc-tmp-"));
    await cp(join(repo, "rules/2024.rules"), join(d, "2024.rules"));
    await wf(join(d, ".2024.rules.0a1b2c3d4e5f.tmp"), "ruleset \"half");
    await wf(join(d, ".notes.tmp"), "kept");
    const { app } = await buildServer({ rulesDir: d, watch: false });
    await app.close();
    // (.audit is the audit log's folder, opened at start.)
    expect((await rd(d)).filter((n) => n !== ".audit").sort()).toEqual([".notes.tmp", "2024.rules"]);
    await rmdir(d, { recursive: true, force: true });
  });
});
