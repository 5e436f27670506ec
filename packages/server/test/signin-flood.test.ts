/**
 * Issue 13, item 9: a flood of made-up tokens from one client (127.0.0.2) must not make a real
 * user's first sign-in from another client (127.0.0.1) fail — on main it got 503 `busy`, the
 * verification queue being shared. Failed sign-ins are now limited per client: the flooding
 * client gets 429 `too_many_failures` with Retry-After, the other client is served.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, mkdir, cp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer, hashToken, Authenticator, FAILURE_BURST, FAILURE_REFILL_MS, type Account } from "../src/index.js";

const repo = new URL("../../../", import.meta.url).pathname;
const REAL = "policy-token-Zq3v9XkLm2Rt8Wb1";
let root: string;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "jsqc-flood-"));
  await mkdir(join(root, "rules"));
  await cp(join(repo, "rules/2024.rules"), join(root, "rules/2024.rules"));
  const { app } = await buildServer({ rulesDir: join(root, "rules"), watch: false, accounts: { accounts: [{ name: "张三", role: "policy", tokenHash: await hashToken(REAL) }] } });
  base = await app.listen({ port: 0, host: "127.0.0.1" });
  close = () => app.close();
});
afterAll(async () => {
  await close();
  await rm(root, { recursive: true, force: true });
});

/** GET /api/rules with `token`, from the local address `from`. */
function signIn(token: string, from: string): Promise<{ status: number; retryAfter?: string; code?: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: "/api/rules", localAddress: from, agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        let code: string | undefined;
        try { code = JSON.parse(Buffer.concat(chunks).toString("utf8")).error?.code; } catch { /* not JSON */ }
        resolve({ status: res.statusCode!, ...(res.headers["retry-after"] ? { retryAfter: String(res.headers["retry-after"]) } : {}), ...(code ? { code } : {}) });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("failed sign-ins are limited per client", () => {
  test("a flood of random tokens from 127.0.0.2 does not stop a first sign-in from 127.0.0.1", async () => {
    const flood: Promise<{ status: number; retryAfter?: string; code?: string }>[] = [];
    let flooding = true;
    // ~100 requests in flight from the flooding client for as long as the real user signs in.
    const pump = async () => {
      while (flooding) await signIn(randomBytes(24).toString("base64url"), "127.0.0.2").then((r) => { flood.push(Promise.resolve(r)); });
    };
    const pumps = Array.from({ length: 100 }, pump);
    // Let the flood fill whatever it can fill: wait until it has been refused at least once.
    await new Promise<void>((resolve) => {
      const check = async () => {
        const done = await Promise.all(flood);
        if (done.some((r) => r.status === 429)) return resolve();
        setImmediate(check);
      };
      void check();
    });
    const real = await signIn(REAL, "127.0.0.1");
    flooding = false;
    await Promise.all(pumps);
    expect(real.status).toBe(200);
    const statuses = (await Promise.all(flood)).map((r) => r.status);
    expect(statuses).not.toContain(200);
    expect(statuses).not.toContain(503);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(FAILURE_BURST + 2);
    const limited = (await Promise.all(flood)).find((r) => r.status === 429)!;
    expect(limited.code).toBe("too_many_failures");
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    // The real user's token is known now: still served from the flooding address itself.
    expect((await signIn(REAL, "127.0.0.2")).status).toBe(200);
  }, 60_000);
});

describe("the per-client bucket", () => {
  test("10 failures, then refused until one refills (6 s); other clients untouched", async () => {
    let now = 1_000_000;
    const account: Account = { name: "张三", role: "policy", tokenHash: await hashToken(REAL) };
    const auth = new Authenticator([account], () => now);
    const bad = () => randomBytes(20).toString("base64url");
    for (let i = 0; i < FAILURE_BURST; i++) expect(await auth.authenticate(bad(), "a")).toBeNull();
    expect(await auth.authenticate(bad(), "a")).toMatchObject({ limited: true, retryAfter: FAILURE_REFILL_MS / 1000 });
    expect(await auth.authenticate(REAL, "b")).toEqual(account);
    now += FAILURE_REFILL_MS;
    expect(await auth.authenticate(bad(), "a")).toBeNull();
    expect(await auth.authenticate(bad(), "a")).toMatchObject({ limited: true });
    // A verified token is never limited, even from the limited client.
    expect(await auth.authenticate(REAL, "a")).toEqual(account);
  });
});
