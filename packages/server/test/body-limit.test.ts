/**
 * A body over the limit gets its 413 even while the client is still writing (reliability issue,
 * item 11). Answering before the body has arrived and closing makes the kernel reset the
 * connection under a client that is mid-write: it then sees EPIPE or ECONNRESET, not the 413.
 * These tests make that race certain instead of likely — the body is written in pieces with
 * pauses, so the answer is always ready before the last byte is sent — and so fail on a server
 * that does not read on (drain.ts) behind its answer.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { createServer, request as httpRequest, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:net";
import { buildServer, DEFAULT_BATCH_BODY_LIMIT, DEFAULT_BODY_LIMIT } from "../src/index.js";
import { drainBody } from "../src/drain.js";
import { repo, request, type Answer } from "./real-server.js";

let dir: string;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jsqc-body-limit-"));
  await cp(join(repo, "rules/2024.rules"), join(dir, "2024.rules"));
  const { app } = await buildServer({ rulesDir: dir, watch: false });
  base = await app.listen({ port: 0, host: "127.0.0.1" });
  close = () => app.close();
});

afterAll(async () => {
  await close();
  await rm(dir, { recursive: true, force: true });
});

const tooLarge = (bytes: number) => `{"pad":"${"x".repeat(bytes)}"}`;

/** Sends `body` without a content-length (chunked), in pieces with pauses; never rejects. */
function chunked(path: string, body: string, piece: number, delayMs: number): Promise<Answer | { status: string }> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: "POST", path, agent: false, headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text, json: JSON.parse(text) }));
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ status: e.code ?? e.message }));
    const buf = Buffer.from(body);
    let at = 0;
    const next = () => {
      if (req.destroyed) return;
      if (at >= buf.length) return void req.end();
      req.write(buf.subarray(at, at + piece));
      at += piece;
      setTimeout(next, delayMs);
    };
    next();
  });
}

describe("a body over the limit is answered 413, never a reset connection", () => {
  test("content-length over the limit, the body still being written: 413 on 10 of 10", async () => {
    const body = tooLarge(DEFAULT_BODY_LIMIT);
    for (let i = 0; i < 10; i++) {
      const a = await request(base, "POST", "/api/rules/2024/evaluate", { body, chunk: { bytes: 128 * 1024, delayMs: 5 } }).catch((e: NodeJS.ErrnoException) => ({ status: e.code, json: null }) as unknown as Answer);
      expect(a.status).toBe(413);
      expect(a.json.error.code).toBe("body_too_large");
      expect(a.json.error.limit).toBe(DEFAULT_BODY_LIMIT);
    }
  });

  test("no content-length (chunked), the limit found while reading: 413", async () => {
    const a = await chunked("/api/rules/2024/evaluate", tooLarge(DEFAULT_BODY_LIMIT), 64 * 1024, 3);
    expect(a.status).toBe(413);
  });

  test("the batch route names its own limit", async () => {
    const a = await request(base, "POST", "/api/rules/2024/evaluate-batch", { body: tooLarge(DEFAULT_BATCH_BODY_LIMIT), chunk: { bytes: 1024 * 1024, delayMs: 2 } });
    expect(a.status).toBe(413);
    expect(a.json.error.limit).toBe(DEFAULT_BATCH_BODY_LIMIT);
    expect(a.json.error.message).toContain(String(DEFAULT_BATCH_BODY_LIMIT));
  });

  test("the connection stays usable after a drained 413 (keep-alive)", async () => {
    const url = new URL(base);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((r) => socket.once("connect", r));
    const pad = "x".repeat(DEFAULT_BODY_LIMIT + 10);
    let seen = "";
    socket.on("data", (c) => (seen += c.toString("latin1")));
    socket.write(`POST /api/rules/2024/evaluate HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: text/plain\r\ncontent-length: ${pad.length}\r\n\r\n`);
    socket.write(pad);
    socket.write(`GET /api/health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
    await expect.poll(() => (seen.match(/HTTP\/1\.1 \d+/g) ?? []).length, { timeout: 10_000 }).toBe(2);
    socket.destroy();
    expect(seen.match(/HTTP\/1\.1 \d+/g)).toEqual(["HTTP/1.1 413", "HTTP/1.1 200"]);
  });
});

describe("drainBody's bound", () => {
  let server: Server;
  let port: number;
  const results: boolean[] = [];
  beforeAll(async () => {
    // As the API does it: answer at once, drain behind the answer, cut off past the bound.
    server = createServer((req, res) => {
      res.statusCode = 413;
      res.end("too large");
      void drainBody(req, { bytes: 100_000, ms: 2_000 }).then((whole) => {
        results.push(whole);
        if (!whole) req.socket.destroy();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const send = (bytes: number) =>
    new Promise<number | string>((resolve) => {
      const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/", agent: false, headers: { "content-length": bytes } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
      });
      req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
      req.end(Buffer.alloc(bytes, 120));
    });

  test("a body within the bound is read to its end", async () => {
    expect(await send(50_000)).toBe(413);
    await expect.poll(() => results.length).toBe(1);
    expect(results[0]).toBe(true);
  });

  test("past the bound it stops reading (the connection is then closed)", async () => {
    await send(20 * 1024 * 1024);
    await expect.poll(() => results.length).toBe(2);
    expect(results[1]).toBe(false);
  });
});
