/**
 * Issue 13, item 10: without accounts a request whose Host is not a loopback name (or one added
 * with allowHosts / --allow-host) is refused with 421 — a DNS-rebinding page cannot reach the API —
 * and every answer carries the security headers (CSP with frame-ancestors 'none', X-Frame-Options,
 * nosniff, referrer policy).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, mkdir, cp, writeFile, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer, hashToken } from "../src/index.js";
import { hostName, isLoopbackName } from "../src/guard.js";

const repo = new URL("../../../", import.meta.url).pathname;
let root: string;
let editorDir: string;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "jsqc-guard-"));
  await mkdir(join(root, "rules"));
  await cp(join(repo, "rules/2024.rules"), join(root, "rules/2024.rules"));
  editorDir = join(root, "editor");
  await mkdir(editorDir);
  await writeFile(join(editorDir, "index.html"), "<!doctype html><title>jsqc</title>");
});
afterAll(async () => {
  for (const close of closers) await close();
  await rm(root, { recursive: true, force: true });
});

async function serve(options: Omit<Parameters<typeof buildServer>[0], "rulesDir"> = {}): Promise<string> {
  const { app } = await buildServer({ rulesDir: join(root, "rules"), watch: false, editorDir, ...options });
  const base = await app.listen({ port: 0, host: "127.0.0.1" });
  closers.push(() => app.close());
  return base;
}

/** A GET with the Host header given (or none at all: `null`). */
function get(base: string, path: string, host: string | null, token?: string): Promise<{ status: number; headers: Record<string, unknown>; json: any }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = host === null ? {} : { host };
    if (token) headers["authorization"] = `Bearer ${token}`;
    const req = httpRequest({ host: url.hostname, port: url.port, path, headers, setHost: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode!, headers: res.headers, json });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the Host allow-list (DNS rebinding)", () => {
  test("without accounts: loopback names are served, any other Host gets 421 host_not_allowed", async () => {
    const base = await serve();
    const port = new URL(base).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, "LOCALHOST", `[::1]:${port}`, `app.localhost:${port}`, "127.1.2.3"]) {
      expect((await get(base, "/api/health", host)).status, host).toBe(200);
    }
    for (const host of [`attacker.example:${port}`, "attacker.example", "127.0.0.1.attacker.example", "localhost.attacker.example", "10.0.0.5", "[::ffff:7f00:1]"]) {
      const res = await get(base, "/api/rules", host);
      expect(res.status, host).toBe(421);
      expect(res.json.error.code).toBe("host_not_allowed");
      expect(res.json.error.message).toContain("--allow-host");
      expect(res.json.error.messageEn).toContain("--allow-host");
    }
    // No Host at all (HTTP/1.1): Node's server refuses it before any route (400).
    expect((await get(base, "/api/rules", null)).status).toBe(400);
    // The editor's page too: a rebinding page could not even load it.
    expect((await get(base, "/", "attacker.example")).status).toBe(421);
  });

  test("allowHosts adds names; others are still refused", async () => {
    const base = await serve({ allowHosts: ["rules.scjgj.example", "192.168.1.20"] });
    expect((await get(base, "/api/health", "RULES.scjgj.example:8787")).status).toBe(200);
    expect((await get(base, "/api/health", "192.168.1.20")).status).toBe(200);
    expect((await get(base, "/api/health", "localhost")).status).toBe(200);
    expect((await get(base, "/api/health", "other.example")).status).toBe(421);
  });

  test("with accounts the token is the guard: no list, no Host check (401 without a token)", async () => {
    const token = "policy-token-Zq3v9XkLm2Rt8Wb1";
    const base = await serve({ accounts: { accounts: [{ name: "张三", role: "policy", tokenHash: await hashToken(token) }] } });
    expect((await get(base, "/api/rules", "rules.team.example")).status).toBe(401);
    expect((await get(base, "/api/rules", "rules.team.example", token)).status).toBe(200);
  });

  test("host names are parsed strictly", () => {
    expect(hostName("Example.COM:8080")).toBe("example.com");
    expect(hostName("[::1]:80")).toBe("[::1]");
    expect(hostName("localhost.")).toBe("localhost");
    expect(hostName("a:b:c")).toBeNull();
    expect(hostName("")).toBeNull();
    expect(isLoopbackName("127.0.0.1")).toBe(true);
    expect(isLoopbackName("128.0.0.1")).toBe(false);
  });
});

describe("security headers on every answer", () => {
  test("API answers, errors, refusals and the editor's page", async () => {
    const base = await serve();
    const port = new URL(base).port;
    for (const [path, host, status] of [["/api/health", `127.0.0.1:${port}`, 200], ["/api/nothing", `127.0.0.1:${port}`, 404], ["/", `localhost:${port}`, 200], ["/api/rules", "evil.example", 421]] as const) {
      const res = await get(base, path, host);
      expect(res.status, path).toBe(status);
      const csp = String(res.headers["content-security-policy"]);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-eval");
      expect(res.headers["x-frame-options"]).toBe("DENY");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
    }
  });
});
