/**
 * HTTP under load, against the real server process (packages/server/dist/main.js, built first):
 * 8 loops send good evaluate requests for 3 s while bad requests arrive alongside — an
 * oversized body, a gzip body, malformed JSON, duplicate keys, a wrong content type, a slow
 * client sending one byte per 100 ms, unknown routes and years, `__proto__` and
 * `constructor.prototype` payloads. Each bad one gets the right 4xx with the error envelope and
 * no stack trace; every good one succeeds.
 *
 * Duplicate keys (`{"grade":"A","grade":"AA"}`): the server parses JSON as JSON.parse does, so
 * the LAST value wins. That is decided here and documented (docs/reliability.md): a JSON object
 * with repeated names is allowed by RFC 8259 ("the names within an object SHOULD be unique") and
 * every JSON.parse-based client and server reads it this way.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, cp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildServerDist, leaks, repo, request, startServer, stopAll, type Answer, type RealServer } from "./real-server.js";

let dir: string;
let server: RealServer;
let example: Record<string, any>;

beforeAll(async () => {
  await buildServerDist();
  dir = await mkdtemp(join(tmpdir(), "jsqc-load-"));
  await cp(join(repo, "rules/2024.rules"), join(dir, "2024.rules"));
  server = await startServer(dir);
  example = JSON.parse(await readFile(join(repo, "examples/01-kunshan-ruitai-jingmi-muju.json"), "utf8"));
}, 120_000);

afterAll(async () => {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

const json = (body: unknown) => ({ body: JSON.stringify(body) });
const post = (path: string, options: Parameters<typeof request>[3]) => request(server.base, "POST", path, { timeoutMs: 30_000, ...options });

interface Bad { readonly what: string; readonly send: () => Promise<Answer>; readonly status: number; readonly code: string }

describe("HTTP under load", () => {
  test("8 loops of good requests for 3 s, bad ones alongside: every good one succeeds, every bad one gets its 4xx", async () => {
    const EVALUATE = "/api/rules/2024/evaluate";
    const exampleText = JSON.stringify(example);
    const bad: Bad[] = [
      { what: "oversized body (1 MiB + 1)", send: () => post(EVALUATE, { body: `{"pad":"${"x".repeat(1024 * 1024)}"}` }), status: 413, code: "body_too_large" },
      { what: "gzip body", send: () => post(EVALUATE, { headers: { "content-encoding": "gzip" }, body: gzipSync(exampleText) }), status: 415, code: "unsupported_encoding" },
      { what: "malformed JSON", send: () => post(EVALUATE, { body: '{"grade": "A", inputs: }' }), status: 400, code: "bad_request" },
      { what: "truncated JSON", send: () => post(EVALUATE, { body: exampleText.slice(0, 100) }), status: 400, code: "bad_request" },
      { what: "empty JSON body", send: () => post(EVALUATE, { body: "" }), status: 400, code: "bad_request" },
      { what: "wrong content type", send: () => post(EVALUATE, { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grade=A" }), status: 415, code: "unsupported_media_type" },
      { what: "XML", send: () => post(EVALUATE, { headers: { "content-type": "application/xml" }, body: "<a/>" }), status: 415, code: "unsupported_media_type" },
      { what: "plain text to evaluate", send: () => post(EVALUATE, { headers: { "content-type": "text/plain" }, body: "grade A" }), status: 422, code: "invalid_application" },
      { what: "unknown route", send: () => request(server.base, "GET", "/api/nothing/here"), status: 404, code: "not_found" },
      { what: "unknown method on a route", send: () => request(server.base, "DELETE", "/api/rules/2024"), status: 404, code: "not_found" },
      { what: "unknown year", send: () => post("/api/rules/1999/evaluate", json(example)), status: 404, code: "unknown_year" },
      { what: "a year that is a path", send: () => post("/api/rules/..%2F..%2Fetc%2Fpasswd/evaluate", json(example)), status: 404, code: "unknown_year" },
      { what: "__proto__ payload", send: () => post(EVALUATE, { body: `{"grade":"A","__proto__":{"polluted":1},"inputs":{}}` }), status: 400, code: "bad_request" },
      { what: "nested __proto__ payload", send: () => post(EVALUATE, { body: exampleText.replace('"inputs":{', '"inputs":{"__proto__":{"isAdmin":true},') }), status: 400, code: "bad_request" },
      { what: "constructor.prototype payload", send: () => post(EVALUATE, { body: `{"grade":"A","constructor":{"prototype":{"polluted":1}}}` }), status: 400, code: "bad_request" },
      { what: "invalid application", send: () => post(EVALUATE, json({ ...example, inputs: { ...example["inputs"], 发明专利数: -1 } })), status: 422, code: "invalid_application" },
      { what: "batch that is not a list", send: () => post("/api/rules/2024/evaluate-batch", json({ applications: "all" })), status: 422, code: "invalid_batch" },
    ];
    const seen = new Map<string, Answer[]>();
    const deadline = Date.now() + 3_000;
    let good = 0;
    const goodFailures: string[] = [];
    const loops = Array.from({ length: 8 }, async () => {
      while (Date.now() < deadline) {
        const a = await post(EVALUATE, { body: exampleText });
        if (a.status === 200 && a.json?.outcome?.grade === example["grade"]) good++;
        else goodFailures.push(`${a.status} ${a.text.slice(0, 200)}`);
      }
    });
    // The bad ones, two at a time, round and round while the good loops run.
    const badLoops = Array.from({ length: 2 }, async (_, k) => {
      for (let i = k; Date.now() < deadline || i < bad.length; i += 2) {
        const b = bad[i % bad.length]!;
        const a = await b.send().catch((err: Error) => ({ status: -1, headers: {}, text: String(err), json: null }) as Answer);
        seen.set(b.what, [...(seen.get(b.what) ?? []), a]);
      }
    });
    // A slow client: 30 bytes, one per 100 ms (3 s), while the rest goes on.
    const slowBody = '{"grade":"A","inputs":{"x":1}}';
    const slow = post(EVALUATE, { body: slowBody, chunk: { bytes: 1, delayMs: 100 } });
    // Duplicate keys: the last wins, as in JSON.parse.
    const withDuplicate = exampleText.replace(`"grade":"${example["grade"]}"`, '"grade":"A","grade":"AA"');
    const duplicate = post(EVALUATE, { body: withDuplicate });
    const duplicateInInputs = post(EVALUATE, { body: exampleText.replace('"发明专利数":', '"发明专利数":999,"发明专利数":') });

    await Promise.all([...loops, ...badLoops]);
    const slowAnswer = await slow;
    console.log(`[load] ${good} good evaluate requests in 3 s over 8 loops (${(good / 3).toFixed(0)}/s), ${[...seen.values()].reduce((n, l) => n + l.length, 0)} bad ones alongside, a slow client (1 byte/100 ms) answered ${slowAnswer.status}`);

    expect(goodFailures).toEqual([]);
    expect(good).toBeGreaterThan(50);
    for (const b of bad) {
      const answers = seen.get(b.what) ?? [];
      expect(answers.length, b.what).toBeGreaterThan(0);
      for (const a of answers) {
        expect(a.status, `${b.what}: ${a.text.slice(0, 200)}`).toBe(b.status);
        expect(a.json?.error?.code, b.what).toBe(b.code);
        expect(leaks(a.text), `${b.what} leaks: ${a.text.slice(0, 300)}`).toBe(false);
      }
    }
    // The slow client's body arrived whole and was answered like any other.
    expect(slowAnswer.status).toBe(422);
    expect(slowAnswer.json.error.errors.map((e: { path: string }) => e.path)).toContain("inputs.x");

    expect(withDuplicate).not.toBe(exampleText);
    const dup = await duplicate;
    expect(dup.status).toBe(200);
    expect(dup.json.outcome.grade).toBe("AA");
    const dupInputs = await duplicateInInputs;
    const plain = await post(EVALUATE, { body: exampleText });
    expect(dupInputs.json.total).toEqual(plain.json.total);
    // The server is still well.
    expect((await request(server.base, "GET", "/api/health")).status).toBe(200);
  }, 60_000);
});
