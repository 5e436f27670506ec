/**
 * The HTTP API's limits, each refused with the right status and a clear error envelope (no
 * stack trace): request body (DEFAULT_BODY_LIMIT, 1 MiB → 413), batch body
 * (DEFAULT_BATCH_BODY_LIMIT, 16 MiB → 413), batch size (DEFAULT_MAX_BATCH, 10,000 → 413), the
 * rule-file size (the body limit comes first over HTTP; past it, MAX_SOURCE_LENGTH → M002),
 * nesting (P005, quickly), an application's list length (422). docs/reliability.md has the table.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, cp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_SOURCE_LENGTH } from "@jsqc/dsl";
import { MAX_LIST_LENGTH } from "@jsqc/engine";
import { buildServer, DEFAULT_BATCH_BODY_LIMIT, DEFAULT_BODY_LIMIT, DEFAULT_MAX_BATCH } from "../src/index.js";
import { leaks, repo, request, type Answer } from "./real-server.js";

let dir: string;
const servers: { close(): Promise<void> }[] = [];
let base: string; // default limits
let wide: string; // bodyLimit 8 MiB (to reach MAX_SOURCE_LENGTH), maxBatch 50
let example: Record<string, any>;

async function serve(options: Parameters<typeof buildServer>[0]): Promise<string> {
  const { app } = await buildServer(options);
  servers.push(app);
  return app.listen({ port: 0, host: "127.0.0.1" });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jsqc-limits-"));
  await cp(join(repo, "rules/2024.rules"), join(dir, "2024.rules"));
  base = await serve({ rulesDir: dir, watch: false });
  wide = await serve({ rulesDir: dir, watch: false, bodyLimit: 8 * 1024 * 1024, maxBatch: 50 });
  example = JSON.parse(await readFile(join(repo, "examples/01-kunshan-ruitai-jingmi-muju.json"), "utf8"));
}, 60_000); // starting the worker pool loads the parser: seconds on a busy machine

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

/** A refusal: the status, an error code, both messages, no stack trace or path. */
function refused(a: Answer, status: number, code: string): Record<string, any> {
  expect(a.status, a.text.slice(0, 300)).toBe(status);
  expect(a.json?.error?.code).toBe(code);
  expect(a.json.error.message.length).toBeGreaterThan(0);
  expect(a.json.error.messageEn.length).toBeGreaterThan(0);
  expect(leaks(a.text)).toBe(false);
  return a.json.error;
}

/** A JSON body of exactly `bytes` bytes: an (invalid) application padded with a string. */
function padded(bytes: number): string {
  const head = '{"grade":"A","inputs":{},"pad":"';
  return `${head}${"x".repeat(bytes - head.length - 2)}"}`;
}

describe("request bodies", () => {
  test(`one application or rule text: ${DEFAULT_BODY_LIMIT} bytes read, one more refused with 413`, async () => {
    const at = await request(base, "POST", "/api/rules/2024/evaluate", { body: padded(DEFAULT_BODY_LIMIT) });
    refused(at, 422, "invalid_application");
    const over = await request(base, "POST", "/api/rules/2024/evaluate", { body: padded(DEFAULT_BODY_LIMIT + 1) });
    expect(refused(over, 413, "body_too_large")["limit"]).toBe(DEFAULT_BODY_LIMIT);
    // The same for a rule text to check, and for a save.
    refused(await request(base, "POST", "/api/check", { headers: { "content-type": "text/plain" }, body: "#".repeat(DEFAULT_BODY_LIMIT + 1) }), 413, "body_too_large");
    refused(await request(base, "PUT", "/api/files/2024.rules", { headers: { "if-match": '"x"' }, body: JSON.stringify({ source: "#".repeat(DEFAULT_BODY_LIMIT) }) }), 413, "body_too_large");
  });

  test(`a batch: ${DEFAULT_BATCH_BODY_LIMIT / 1024 / 1024} MiB refused with 413 past the limit`, async () => {
    const body = `{"applications":[],"pad":"${"x".repeat(DEFAULT_BATCH_BODY_LIMIT)}"}`;
    refused(await request(base, "POST", "/api/rules/2024/evaluate-batch", { body }), 413, "body_too_large");
  });

  test("a body announced larger than the limit is refused before it is read", async () => {
    const t = performance.now();
    const a = await request(base, "POST", "/api/rules/2024/evaluate", { headers: { "content-length": 50 * 1024 * 1024 }, body: "{", timeoutMs: 10_000 });
    refused(a, 413, "body_too_large");
    expect(performance.now() - t).toBeLessThan(5_000);
  });
});

describe("batch size", () => {
  test(`${DEFAULT_MAX_BATCH.toLocaleString("en")} applications at most (default); one more refused with 413`, async () => {
    const apps = Array.from({ length: DEFAULT_MAX_BATCH + 1 }, () => ({}));
    const e = refused(await request(base, "POST", "/api/rules/2024/evaluate-batch", { body: JSON.stringify({ applications: apps }) }), 413, "batch_too_large");
    expect(e["limit"]).toBe(DEFAULT_MAX_BATCH);
    expect(e["messageEn"]).toContain(`at most ${DEFAULT_MAX_BATCH}`);
  });

  test("maxBatch as configured: 50 evaluated, 51 refused", async () => {
    const ok = await request(wide, "POST", "/api/rules/2024/evaluate-batch", { body: JSON.stringify({ applications: Array.from({ length: 50 }, () => example) }) });
    expect(ok.status).toBe(200);
    expect(ok.json.count).toBe(50);
    expect(ok.json.failed).toBe(0);
    refused(await request(wide, "POST", "/api/rules/2024/evaluate-batch", { body: JSON.stringify({ applications: Array.from({ length: 51 }, () => example) }) }), 413, "batch_too_large");
  });
});

describe("rule files", () => {
  test(`MAX_SOURCE_LENGTH (${MAX_SOURCE_LENGTH.toLocaleString("en")} characters): read at the limit, M002 past it`, async () => {
    const check = async (text: string) => {
      const a = await request(wide, "POST", "/api/check", { headers: { "content-type": "text/plain; charset=utf-8" }, body: text, timeoutMs: 60_000 });
      expect(a.status).toBe(200);
      return (a.json.diagnostics as { code: string; message: string; messageEn: string }[]);
    };
    const line = `# ${"x".repeat(77)}\n`;
    const at = line.repeat(Math.floor(MAX_SOURCE_LENGTH / line.length));
    expect((await check(at)).map((d) => d.code)).not.toContain("M002");
    const t = performance.now();
    const over = await check("#".repeat(MAX_SOURCE_LENGTH + 1));
    expect(over.map((d) => d.code)).toEqual(["M002"]);
    expect(over[0]!.messageEn).toContain(`limit ${MAX_SOURCE_LENGTH}`);
    expect(performance.now() - t).toBeLessThan(5_000);
  }, 60_000);

  test("nesting 400,000 deep (800 kB) checked over HTTP: P005, quickly", async () => {
    const text = `ruleset "t" { year 2025 total 1 }\ninput a: count\nsection 一 "s" weight 1 { item 1 "x" points 1 { formula ${"(".repeat(400_000)}a${")".repeat(400_000)} } }\n`;
    const t = performance.now();
    const a = await request(base, "POST", "/api/check", { headers: { "content-type": "text/plain" }, body: text });
    const ms = performance.now() - t;
    expect(a.status).toBe(200);
    expect(a.json.diagnostics.map((d: { code: string }) => d.code)).toContain("P005");
    console.log(`[limits] /api/check of 400,000-deep nesting (${(text.length / 1024).toFixed(0)} kB): ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(5_000);
  });
});

describe("applications", () => {
  test(`a list of ${MAX_LIST_LENGTH + 1} records: 422 naming the list and the limit`, async () => {
    const apps = { ...example, inputs: { ...example["inputs"], 标准: Array.from({ length: MAX_LIST_LENGTH + 1 }, () => ({ 角色: "主导", 级别: "国家" })) } };
    const e = refused(await request(base, "POST", "/api/rules/2024/evaluate", { body: JSON.stringify(apps) }), 422, "invalid_application");
    expect(e["errors"]).toHaveLength(1);
    expect(e["errors"][0].path).toBe("inputs.标准");
    expect(e["errors"][0].messageEn).toContain(`at most ${MAX_LIST_LENGTH}`);
  });
});
