/**
 * Issue 13, items 7 and 8, on a real disk:
 * - the rule store never follows a symbolic link: a linked `2031.rules` is neither listed nor
 *   served (to any role), a linked `.history` is refused and nothing lands outside the folder, a
 *   linked example is not served;
 * - the audit log is a hash chain verified at start: a line edited, removed or moved makes the
 *   store refuse changes (503 `audit_broken`) until an operator acknowledges it; an intent left
 *   by a process that died mid-save is reconciled at the next start.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, mkdir, cp, writeFile, readFile, readdir, rm, symlink, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer, etagOf, hashToken, AuditTrail, writeAtomically, type AccountsConfig, type AuditStatus } from "../src/index.js";
import { raw } from "./http.js";

const repo = new URL("../../../", import.meta.url).pathname;
const POLICY = "policy-token-Zq3v9XkLm2Rt8Wb1";
const SERVICE = "service-token-Hn4s7YpQe6Uc0Ja5";

let root: string;
let original: string;
let accounts: AccountsConfig;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "jsqc-store-audit-"));
  original = await readFile(join(repo, "rules/2024.rules"), "utf8");
  accounts = { accounts: [
    { name: "张三", role: "policy", tokenHash: await hashToken(POLICY) },
    { name: "接口", role: "service", tokenHash: await hashToken(SERVICE) },
  ] };
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh rules folder with 2024.rules, and a server on it (closed by the returned function). */
async function serve(name: string, options: Parameters<typeof buildServer>[0]["files"] = {}, withAccounts = true) {
  const dir = join(root, name, "rules");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "2024.rules"), original);
  return open(dir, options, withAccounts);
}
async function open(dir: string, files: Parameters<typeof buildServer>[0]["files"] = {}, withAccounts = true) {
  let status: AuditStatus | null = null;
  const built = await buildServer({
    rulesDir: dir, watch: false, ...(withAccounts ? { accounts } : {}),
    files: { ...files, onAuditStatus: (s) => { status = s; } },
  });
  const base = await built.app.listen({ port: 0, host: "127.0.0.1" });
  return { ...built, base, dir, status: () => status!, close: () => built.app.close() };
}

const logLines = async (dir: string) => (await readFile(join(dir, ".audit/audit.jsonl"), "utf8")).split("\n").filter(Boolean);
const save = (base: string, name: string, source: string, etag: string | null) =>
  raw(base, "PUT", `/api/files/${name}`, { token: POLICY, headers: etag ? { "if-match": etag } : { "if-none-match": "*" }, body: JSON.stringify({ source }) });

describe("the store never follows a symbolic link (item 7)", () => {
  test("a linked 2031.rules is neither listed nor served, to any role; the store says why", async () => {
    const outside = join(root, "outside-2031.rules");
    const secret = original.replace("year 2024", "year 2031").replace(/^/, "# SENTINEL-OUTSIDE\n");
    await writeFile(outside, secret);
    const dir = join(root, "linked", "rules");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "2024.rules"), original);
    await symlink(outside, join(dir, "2031.rules"));
    const s = await open(dir);
    try {
      expect(s.store.years()).toEqual(["2024"]);
      expect(s.store.refused()).toEqual([expect.objectContaining({ file: "2031.rules", en: expect.stringContaining("symbolic link") })]);
      for (const token of [POLICY, SERVICE]) {
        const rules = await raw(s.base, "GET", "/api/rules", { token });
        expect(rules.json.rules.map((r: { year: string }) => r.year)).toEqual(["2024"]);
        const one = await raw(s.base, "GET", "/api/rules/2031", { token });
        expect(one.status).toBe(404);
        expect(one.text).not.toContain("SENTINEL");
        const evaluated = await raw(s.base, "POST", "/api/rules/2031/evaluate", { token, body: "{}" });
        expect(evaluated.status).toBe(404);
      }
      const files = await raw(s.base, "GET", "/api/files", { token: POLICY });
      expect(files.json.files.map((f: { name: string }) => f.name)).toEqual(["2024.rules"]);
      const file = await raw(s.base, "GET", "/api/files/2031.rules", { token: POLICY });
      expect(file.status).toBe(403);
      expect(file.json.error).toMatchObject({ code: "unsafe_path", file: "2031.rules", reason: "symlink" });
      expect(file.json.error.message).toContain("符号链接");
      expect(file.text).not.toContain("SENTINEL");
      // A save through the link is refused, and the file outside is untouched.
      const put = await save(s.base, "2031.rules", original.replace("year 2024", "year 2031"), etagOf(secret));
      expect(put.status).toBe(403);
      expect(await readFile(outside, "utf8")).toBe(secret);
      // New year over a dangling link: refused as existing, nothing written through it.
      await symlink(join(root, "nowhere", "2032.rules"), join(dir, "2032.rules"));
      const ny = await raw(s.base, "POST", "/api/files/new-year", { token: POLICY, body: JSON.stringify({ from: "2024", year: "2032" }) });
      expect(ny.status).toBe(409);
      expect(await readdir(root)).not.toContain("nowhere");
    } finally {
      await s.close();
    }
  });

  test("a linked .history is refused: no version lands outside, the save is refused, the file unchanged", async () => {
    const elsewhere = join(root, "elsewhere-history");
    await mkdir(elsewhere);
    const dir = join(root, "history-link", "rules");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "2024.rules"), original);
    await symlink(elsewhere, join(dir, ".history"));
    const s = await open(dir);
    try {
      const res = await save(s.base, "2024.rules", `${original}# 改\n`, etagOf(original));
      expect(res.status).toBe(507);
      expect(res.json.error).toMatchObject({ code: "unsafe_path", file: ".history", reason: "symlink" });
      expect(await readFile(join(dir, "2024.rules"), "utf8")).toBe(original);
      expect(await readdir(elsewhere, { recursive: true })).toEqual([]);
      // Reading history through the link is refused too: nothing outside is listed.
      await mkdir(join(elsewhere, "2024.rules"));
      await writeFile(join(elsewhere, "2024.rules", "20250101T000000.000Z-AAAAAAAAAAAA.rules"), "SENTINEL");
      const list = await raw(s.base, "GET", "/api/files/2024.rules/history", { token: POLICY });
      expect(list.text).not.toContain("20250101T");
      const one = await raw(s.base, "GET", "/api/files/2024.rules/history/20250101T000000.000Z-AAAAAAAAAAAA", { token: POLICY });
      expect(one.status).toBe(404);
      // Every save attempt is in the log as an intent and its abandonment; nothing committed.
      const kinds = (await logLines(dir)).map((l) => JSON.parse(l).kind);
      expect(kinds).toEqual(["intent", "abandoned"]);
    } finally {
      await s.close();
    }
  });

  test("a linked audit log is refused: changes are disabled (503 audit_broken) and nothing is appended through it", async () => {
    const dir = join(root, "audit-link", "rules");
    await mkdir(join(dir, ".audit"), { recursive: true });
    await writeFile(join(dir, "2024.rules"), original);
    const target = join(root, "audit-link", "elsewhere.jsonl");
    await writeFile(target, "");
    await symlink(target, join(dir, ".audit", "audit.jsonl"));
    const s = await open(dir);
    try {
      expect(s.status().unsafe?.en).toContain("symbolic link");
      const res = await save(s.base, "2024.rules", `${original}#\n`, etagOf(original));
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe("audit_broken");
      expect(await readFile(target, "utf8")).toBe("");
    } finally {
      await s.close();
    }
  });

  test("a linked example is neither listed nor served, even one pointing inside the folder", async () => {
    const dir = join(root, "examples-link", "rules");
    const examples = join(root, "examples-link", "examples");
    await mkdir(dir, { recursive: true });
    await mkdir(examples);
    await writeFile(join(dir, "2024.rules"), original);
    await writeFile(join(examples, "real.json"), JSON.stringify({ enterprise: { name: "甲" } }));
    await symlink(join(examples, "real.json"), join(examples, "alias.json"));
    const s = await open(dir);
    try {
      const list = await raw(s.base, "GET", "/api/examples", { token: POLICY });
      expect(list.json.examples.map((e: { name: string }) => e.name)).toEqual(["real.json"]);
      expect((await raw(s.base, "GET", "/api/examples/alias.json", { token: POLICY })).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});

describe("the audit log is a hash chain verified at start (item 8)", () => {
  /** A folder with three saves audited; returns it and the texts. */
  async function threeSaves(name: string) {
    const s = await serve(name);
    const texts = [original, `${original}# 1\n`, `${original}# 2\n`, `${original}# 3\n`];
    for (let i = 1; i < texts.length; i++) expect((await save(s.base, "2024.rules", texts[i]!, etagOf(texts[i - 1]!))).status).toBe(200);
    await s.close();
    return { dir: s.dir, texts };
  }

  test("every line is chained: prev is the hash of the line before it", async () => {
    const { dir } = await threeSaves("chain-ok");
    const lines = (await logLines(dir)).map((l) => JSON.parse(l) as { kind: string; prev: string; hash: string; intent?: string });
    expect(lines.map((l) => l.kind)).toEqual(["intent", "commit", "intent", "commit", "intent", "commit"]);
    for (let i = 1; i < lines.length; i++) expect(lines[i]!.prev).toBe(lines[i - 1]!.hash);
    for (let i = 1; i < lines.length; i += 2) expect(lines[i]!.intent).toBe(lines[i - 1]!.hash);
    const s = await open(dir);
    try {
      expect(s.status()).toMatchObject({ breaks: [], unsafe: null, reconciled: { committed: 0, abandoned: 0 } });
    } finally {
      await s.close();
    }
  });

  const tampering: [string, (lines: string[]) => string[], string][] = [
    ["a line's author changed by hand", (ls) => ls.map((l, i) => (i === 1 ? l.replace('"who":"张三"', '"who":"李四"') : l)), "edited"],
    ["a line removed from the middle", (ls) => ls.filter((_, i) => i !== 2), "out_of_order"],
    ["two lines swapped", (ls) => [ls[0]!, ls[1]!, ls[4]!, ls[5]!, ls[2]!, ls[3]!], "out_of_order"],
    ["the last line removed", (ls) => ls.slice(0, -1), "tail_removed"],
    ["a line added by hand", (ls) => [...ls.slice(0, 2), '{"who":"x","file":"2024.rules"}', ...ls.slice(2)], "unchained"],
  ];
  test.each(tampering)("%s: reported at start, changes refused (503 audit_broken) until acknowledged", async (what, edit, reason) => {
    const { dir, texts } = await threeSaves(`tamper-${reason}-${what.length}`);
    await writeFile(join(dir, ".audit/audit.jsonl"), `${edit(await logLines(dir)).join("\n")}\n`);
    const last = texts.at(-1)!;
    const broken = await open(dir);
    try {
      expect(broken.status().breaks.map((b) => b.reason)).toContain(reason);
      const res = await save(broken.base, "2024.rules", `${last}# 4\n`, etagOf(last));
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe("audit_broken");
      expect(res.json.error.message).toContain("--acknowledge-audit-break");
      expect(res.json.error.messageEn).toContain("--acknowledge-audit-break");
      expect(await readFile(join(dir, "2024.rules"), "utf8")).toBe(last);
      // Reading still works.
      expect((await raw(broken.base, "GET", "/api/files/2024.rules", { token: POLICY })).status).toBe(200);
    } finally {
      await broken.close();
    }
    const acknowledged = await open(dir, { acknowledgeAuditBreak: true, operator: "值班员" });
    try {
      expect(acknowledged.status().acknowledged.map((b) => b.reason)).toContain(reason);
      // (after it, a reconciled commit when the line removed was a commit: its intent is left)
      const ack = (await logLines(dir)).map((l) => JSON.parse(l)).find((l) => l.kind === "acknowledge");
      expect(ack).toMatchObject({ kind: "acknowledge", who: "值班员", role: "operator" });
      expect((await save(acknowledged.base, "2024.rules", `${last}# 4\n`, etagOf(last))).status).toBe(200);
    } finally {
      await acknowledged.close();
    }
    // Sealed: the next start is clean without the flag.
    const after = await open(dir);
    try {
      expect(after.status().breaks).toEqual([]);
    } finally {
      await after.close();
    }
    // An edit before the acknowledgement, made after it, breaks the chain again.
    const lines = await logLines(dir);
    lines[0] = lines[0]!.replace('"action":"save"', '"action":"delete"');
    await writeFile(join(dir, ".audit/audit.jsonl"), `${lines.join("\n")}\n`);
    const again = await open(dir);
    try {
      expect(again.status().breaks.length).toBeGreaterThan(0);
    } finally {
      await again.close();
    }
  });

  test("a log from before the chain is sealed by the first chained line", async () => {
    const dir = join(root, "legacy", "rules");
    await mkdir(join(dir, ".audit"), { recursive: true });
    await writeFile(join(dir, "2024.rules"), original);
    const legacy = `${JSON.stringify({ at: "2025-01-01T00:00:00.000Z", who: "旧", role: "policy", action: "save", file: "2024.rules", oldEtag: null, newEtag: etagOf(original), diff: "", diffLines: 0, diffTruncated: false })}\n`;
    await writeFile(join(dir, ".audit/audit.jsonl"), legacy);
    const s = await open(dir);
    try {
      expect(s.status().breaks).toEqual([]);
      expect((await save(s.base, "2024.rules", `${original}#\n`, etagOf(original))).status).toBe(200);
    } finally {
      await s.close();
    }
    const lines = await logLines(dir);
    await writeFile(join(dir, ".audit/audit.jsonl"), `${[lines[0]!.replace("旧", "新"), ...lines.slice(1)].join("\n")}\n`);
    const edited = await open(dir);
    try {
      expect(edited.status().breaks.map((b) => b.reason)).toEqual(["out_of_order"]);
    } finally {
      await edited.close();
    }
  });

  test("intents left by a process that died are reconciled at start: committed when the file is on disk, else abandoned", async () => {
    const dir = join(root, "reconcile", "rules");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "2024.rules"), original);
    const trail = new AuditTrail(dir, { writeFile: (f, t) => writeAtomically(f, t) });
    await trail.open();
    const at = new Date();
    const written = `${original}# 写入了\n`;
    // Died after the rename, before the commit line: the file is the announced version.
    const a = await trail.begin(trail.entry({ at, who: "张三", role: "policy", action: "save", file: "2024.rules", oldText: original, newText: written }));
    await writeAtomically(join(dir, "2024.rules"), written);
    // Died after the intent (and the kept version), before the rename: the file is not.
    const version = await trail.keep("2024.rules", written, new Date(at.getTime() + 1));
    const b = await trail.begin(trail.entry({ at: new Date(at.getTime() + 1), who: "张三", role: "policy", action: "save", file: "2024.rules", oldText: written, newText: `${written}# 未写入\n`, version }));
    await trail.close();

    const s = await open(dir);
    try {
      expect(s.status().reconciled).toEqual({ committed: 1, abandoned: 1 });
      const lines = (await logLines(dir)).map((l) => JSON.parse(l));
      expect(lines.slice(-2)).toEqual([
        expect.objectContaining({ kind: "commit", intent: a.hash, reconciled: true, file: "2024.rules", newEtag: etagOf(written), who: "张三" }),
        expect.objectContaining({ kind: "abandoned", intent: b.hash, target: "2024.rules" }),
      ]);
      // The version kept for the abandoned save is gone (its text is still the current one).
      expect(await readdir(join(dir, ".history/2024.rules"))).not.toContain(`${version}.rules`);
      const history = await raw(s.base, "GET", "/api/files/2024.rules/history", { token: POLICY });
      expect(history.json).toEqual([]);
    } finally {
      await s.close();
    }
    // Reconciled once: the next start finds nothing to do.
    const next = await open(dir);
    try {
      expect(next.status().reconciled).toEqual({ committed: 0, abandoned: 0 });
      expect(next.status().breaks).toEqual([]);
    } finally {
      await next.close();
    }
  });

  test("a torn last line (a write cut short) is a break; acknowledging ends it and the chain goes on", async () => {
    const { dir, texts } = await threeSaves("torn");
    await appendFile(join(dir, ".audit/audit.jsonl"), '{"kind":"intent","at":"20');
    const broken = await open(dir);
    try {
      expect(broken.status().breaks.map((b) => b.reason)).toEqual(["torn"]);
    } finally {
      await broken.close();
    }
    const ack = await open(dir, { acknowledgeAuditBreak: true });
    try {
      expect((await save(ack.base, "2024.rules", `${texts[3]}# 4\n`, etagOf(texts[3]!))).status).toBe(200);
    } finally {
      await ack.close();
    }
    const clean = await open(dir);
    try {
      expect(clean.status().breaks).toEqual([]);
    } finally {
      await clean.close();
    }
  });
});
