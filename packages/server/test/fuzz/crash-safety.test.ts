/**
 * The file store's crash safety, against the real server process (packages/server/dist/main.js,
 * built first):
 *
 * - 100 concurrent saves of one file with the same If-Match: exactly one 200 and 99 409s, and the
 *   file on disk is the winner's text.
 * - Crash injection: saves of rules/2024.rules (each version a different length, 20–80 kB) while
 *   the server is killed with SIGKILL at random moments — mid-check, mid-write, mid-rename,
 *   mid-audit. After every kill the file on disk is exactly one of the versions sent — the last
 *   one acknowledged or one sent after it, never a truncated or mixed text — and it checks clean.
 *   50 saves in the short run, 1,000 with `FUZZ=long`.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, cp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { check, hasErrors, parse } from "@jsqc/dsl";
import { runs, FUZZ_LONG, FUZZ_MODE } from "@jsqc/dsl/testing";
import { buildServerDist, repo, request, startServer, stopAll } from "../real-server.js";

const SAVES = runs(50, 1_000);
let root: string;
let original: string;

beforeAll(async () => {
  await buildServerDist();
  root = await mkdtemp(join(tmpdir(), "jsqc-crash-"));
  original = await readFile(join(repo, "rules/2024.rules"), "utf8");
}, 120_000);

afterAll(async () => {
  await stopAll();
  await rm(root, { recursive: true, force: true });
});

/** A fresh store folder holding rules/2024.rules. */
async function storeFolder(name: string): Promise<string> {
  const dir = join(root, name);
  await cp(join(repo, "rules/2024.rules"), join(dir, "2024.rules"));
  return dir;
}

const put = (base: string, text: string, etag: string) =>
  request(base, "PUT", `/api/files/2024.rules`, { headers: { "if-match": etag }, body: JSON.stringify({ source: text }), timeoutMs: 30_000 });

describe(`the file store against the real server process (${FUZZ_MODE})`, () => {
  test("100 concurrent saves with the same If-Match: exactly one 200 and 99 409", async () => {
    const dir = await storeFolder("concurrent");
    const server = await startServer(dir);
    try {
      const opened = await request(server.base, "GET", "/api/files/2024.rules");
      expect(opened.status).toBe(200);
      const texts = Array.from({ length: 100 }, (_, i) => `${original}\n# 并发保存 ${i}\n`);
      const answers = await Promise.all(texts.map((t) => put(server.base, t, opened.json.etag)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(99);
      const winner = texts[statuses.indexOf(200)]!;
      expect(await readFile(join(dir, "2024.rules"), "utf8")).toBe(winner);
      // Every loser is shown the winner's text, to compare with its own.
      for (const a of answers) if (a.status === 409) expect(a.json.error.current.source).toBe(winner);
      console.log(`[crash] concurrent saves: 1 × 200, 99 × 409; the file is the winner's (${Buffer.byteLength(winner)} bytes)`);
    } finally {
      await server.stop();
    }
  }, 120_000);

  test(`SIGKILL at random moments during ${SAVES} saves never leaves a truncated or mixed file`, async () => {
    const dir = await storeFolder("kill");
    const file = join(dir, "2024.rules");
    const seed = Number(process.env["FUZZ_SEED"] ?? 20241126);
    const rand = fc.sample(fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 60 })), { numRuns: SAVES, seed });
    const padding = fc.sample(fc.integer({ min: 0, max: 20_000 }), { numRuns: SAVES, seed: seed + 1 });
    let acknowledged = original; // the last text a 200 answered for
    let since: string[] = []; // texts sent after it, not (yet) acknowledged
    let sent = 0;
    let cycle = 0;
    const outcomes = { kills: 0, old: 0, new: 0, acknowledged: 0, tmpLeft: 0 };
    const t0 = performance.now();
    while (sent < SAVES) {
      const server = await startServer(dir);
      const opened = await request(server.base, "GET", "/api/files/2024.rules");
      expect(opened.status, server.stderr()).toBe(200);
      expect(opened.json.source).toBe(acknowledged);
      let etag: string = opened.json.etag;
      const [burst, delay] = rand[cycle++ % rand.length]!;
      for (let k = 0; k < burst && sent < SAVES; k++) {
        const text = `${original}\n# 版本 ${sent} ${"填充文字".repeat(padding[sent]! / 4)}\n`;
        sent++;
        since.push(text);
        const last = k === burst - 1 || sent === SAVES;
        if (!last) {
          const a = await put(server.base, text, etag);
          expect(a.status, a.text).toBe(200);
          outcomes.acknowledged++;
          acknowledged = text;
          since = [];
          etag = a.json.etag;
          continue;
        }
        // The last save of the burst: kill the server a random 0–60 ms after sending it.
        const pending = put(server.base, text, etag).then((a) => a, () => null);
        await new Promise((r) => setTimeout(r, delay));
        await server.kill();
        outcomes.kills++;
        const answer = await pending;
        if (answer?.status === 200) { outcomes.acknowledged++; acknowledged = text; since = []; }
      }
      if (server.child.exitCode === null && server.child.signalCode === null) await server.kill();
      const onDisk = await readFile(file, "utf8");
      // Exactly the last acknowledged text or one sent after it: never a part, a mix, or an older one.
      const which = onDisk === acknowledged ? "old" : since.indexOf(onDisk);
      expect(which === "old" || which >= 0, `after kill ${outcomes.kills}: ${Buffer.byteLength(onDisk)} bytes on disk match no version sent`).toBe(true);
      if (which === "old") outcomes.old++;
      else { outcomes.new++; acknowledged = onDisk; }
      since = [];
      expect(hasErrors(check(parse(onDisk)).diagnostics)).toBe(false);
      outcomes.tmpLeft = (await readdir(dir)).filter((n) => n.endsWith(".tmp")).length;
    }
    // A last start: the store serves the file the kills left.
    const server = await startServer(dir);
    const final = await request(server.base, "GET", "/api/files/2024.rules");
    expect(final.json.source).toBe(acknowledged);
    const evaluated = await request(server.base, "GET", "/api/rules/2024");
    expect(evaluated.json.stale).toBe(false);
    await server.stop();
    const secs = ((performance.now() - t0) / 1000).toFixed(0);
    console.log(`[crash] ${sent} saves, ${outcomes.kills} SIGKILLs in ${secs} s: after each kill the file was the last acknowledged version ${outcomes.old}×, a version sent after it ${outcomes.new}×; ${outcomes.acknowledged} saves acknowledged; never truncated or mixed; temporary files left by kills: ${outcomes.tmpLeft}`);
  }, FUZZ_LONG ? 60 * 60_000 : 180_000);
});
