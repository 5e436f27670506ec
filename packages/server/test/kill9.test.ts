/**
 * Issue 13, item 8 (after /work/shared/repro/kill9-saves.mjs): the real server process is killed
 * with SIGKILL while saves are in flight, at delays spread over a save's length, and restarted.
 * Whatever the moment:
 * - the file on disk is one of the versions sent, never torn;
 * - before the restart, the version on disk is announced in the log (the last commit, or an intent
 *   after it that has no outcome yet);
 * - after the restart has reconciled, the last commit line names the version on disk, every intent
 *   has exactly one outcome, every history version is named by a commit and every commit's version
 *   exists, every save answered 200 has its commit line, and the chain verifies.
 * Also: a linked rule file is named, with the reason, on the server's stderr at start.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServerDist, repo, request, startServer, stopAll, type RealServer } from "./real-server.js";
import { etagOf } from "../src/store.js";
import { verifyChain } from "../src/chain.js";

let root: string;
beforeAll(async () => {
  await buildServerDist();
  root = await mkdtemp(join(tmpdir(), "jsqc-kill9-"));
}, 180_000);
afterAll(async () => {
  await stopAll();
  await rm(root, { recursive: true, force: true });
});

interface Line { kind?: string; hash?: string; intent?: string; file?: string; newEtag?: string | null; version?: string; entry?: { file: string; newEtag: string | null } }

async function log(dir: string): Promise<{ text: string; lines: Line[] }> {
  const text = await readFile(join(dir, ".audit/audit.jsonl"), "utf8").catch(() => "");
  return { text, lines: text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line) };
}

describe("SIGKILL during saves: every saved version is audited", () => {
  test("6 kills at delays spread over a save, each followed by a restart", async () => {
    const dir = join(root, "rules");
    await mkdir(dir);
    const base = await readFile(join(repo, "rules/2024.rules"), "utf8");
    await writeFile(join(dir, "2024.rules"), base);
    const sent = new Set([etagOf(base)]);
    const acked: string[] = [];
    let server: RealServer = await startServer(dir);
    let current = etagOf(base);
    let n = 0;
    // Delays from the request's start to the kill, in ms: from before the intent to after the commit.
    for (const delay of [0, 5, 12, 25, 45, 80]) {
      for (let k = 0; k < 3; k++) {
        const text = `${base}# save ${n++} ${"x".repeat(20_000 + 5_000 * k)}\n`;
        sent.add(etagOf(text));
        const put = request(server.base, "PUT", "/api/files/2024.rules", {
          headers: { "content-type": "text/plain", "if-match": current }, body: text, timeoutMs: 30_000,
        }).catch(() => null);
        if (k === 2) {
          await new Promise((r) => setTimeout(r, delay));
          await server.kill();
          const res = await put;
          if (res?.status === 200) { acked.push(res.json.etag); }
          break;
        }
        const res = await put;
        expect(res?.status).toBe(200);
        acked.push(res!.json.etag);
        current = res!.json.etag;
      }
      const disk = etagOf(await readFile(join(dir, "2024.rules"), "utf8"));
      expect(sent.has(disk), "the file on disk is one of the versions sent").toBe(true);
      // Before the restart: the version on disk is the last commit's, or a pending intent's.
      const before = (await log(dir)).lines;
      const outcomes = new Set(before.flatMap((l) => (l.intent && l.kind !== "intent" ? [l.intent] : [])));
      const lastCommit = before.filter((l) => l.kind === "commit" && l.file === "2024.rules").at(-1);
      const pending = before.filter((l) => l.kind === "intent" && !outcomes.has(l.hash!) && l.entry?.file === "2024.rules");
      expect(pending.length).toBeLessThanOrEqual(1);
      const announced = [lastCommit?.newEtag ?? etagOf(base), ...pending.map((p) => p.entry!.newEtag)];
      expect(announced, `delay ${delay}: the version on disk is in the log`).toContain(disk);

      server = await startServer(dir);
      const after = await log(dir);
      const ended = new Map<string, number>();
      for (const l of after.lines) if (l.intent && l.kind !== "intent") ended.set(l.intent, (ended.get(l.intent) ?? 0) + 1);
      for (const l of after.lines) if (l.kind === "intent") expect(ended.get(l.hash!), "every intent has one outcome").toBe(1);
      const commits = after.lines.filter((l) => l.kind === "commit" && l.file === "2024.rules");
      expect(commits.at(-1)?.newEtag ?? etagOf(base), `delay ${delay}: the last commit is the version on disk`).toBe(disk);
      const head = JSON.parse(await readFile(join(dir, ".audit/head.json"), "utf8").catch(() => "{}")) as { hash?: string };
      expect(verifyChain(after.text, head.hash ?? null).breaks).toEqual([]);
      current = disk;
    }
    await server.stop();
    const { lines } = await log(dir);
    const commits = lines.filter((l) => l.kind === "commit");
    // Every save answered 200 has its commit line.
    const committed = new Set(commits.map((l) => l.newEtag));
    for (const etag of acked) expect(committed.has(etag)).toBe(true);
    // History and log agree: no version without its commit, no commit without its version.
    const versions = (await readdir(join(dir, ".history/2024.rules"))).filter((f) => f.endsWith(".rules")).map((f) => f.slice(0, -6)).sort();
    expect(versions).toEqual(commits.flatMap((l) => (l.version ? [l.version] : [])).sort());
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  }, 300_000);

  test("a linked rule file is named on stderr at start, with the reason", async () => {
    const dir = join(root, "linked");
    await mkdir(dir);
    await writeFile(join(dir, "2024.rules"), await readFile(join(repo, "rules/2024.rules"), "utf8"));
    await writeFile(join(root, "elsewhere.rules"), "x");
    await symlink(join(root, "elsewhere.rules"), join(dir, "2031.rules"));
    const server = await startServer(dir);
    try {
      // stderr and stdout are separate pipes: wait for the line itself, not for a time.
      await new Promise<void>((resolve) => {
        const seen = () => server.stderr().includes("is a symbolic link");
        if (seen()) return resolve();
        server.child.stderr!.on("data", () => { if (seen()) resolve(); });
      });
      expect(server.stderr()).toContain("2031.rules 是符号链接");
      expect(server.stderr()).toContain("2031.rules is a symbolic link");
      const rules = await request(server.base, "GET", "/api/rules");
      expect(rules.json.rules.map((r: { year: string }) => r.year)).toEqual(["2024"]);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
