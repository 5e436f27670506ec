import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, mkdir, cp, writeFile, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { buildServer, etagOf, hashToken, unifiedDiff, diffOps, splitLines, versionId, historyVersion, type AuditEntry, type AccountsConfig } from "../src/index.js";
import { raw, applyUnifiedDiff } from "./http.js";

const repo = new URL("../../../", import.meta.url).pathname;
const SECRET = "SENTINEL-outside-the-history";
const POLICY = "policy-token-Zq3v9XkLm2Rt8Wb1";
const REVIEWER = "reviewer-token-Hn4s7YpQe6Uc0Ja5";

let root: string;
let dir: string;
let base: string;
let close: () => Promise<void>;
let original: string;

const call = (method: string, path: string, options: Parameters<typeof raw>[3] = {}) => raw(base, method, path, { token: POLICY, ...options });
const put = (name: string, source: string, headers: Record<string, string>, token = POLICY) =>
  raw(base, "PUT", `/api/files/${name}`, { token, headers, body: JSON.stringify({ source }) });

async function auditLines(folder = dir): Promise<AuditEntry[]> {
  const text = await readFile(join(folder, ".audit", "audit.jsonl"), "utf8").catch(() => "");
  // The changes: commit lines (intents, outcomes and acknowledgements are the chain's own).
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as AuditEntry).filter((e) => e.kind === "commit");
}

function noLeak(text: string) {
  expect(text).not.toMatch(/\bat .*\(.*:\d+:\d+\)|node_modules|\/work\/|\/tmp\/|\.ts:\d+/);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(root);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "jsqc-audit-"));
  dir = join(root, "rules");
  await mkdir(dir);
  await cp(join(repo, "rules/2024.rules"), join(dir, "2024.rules"));
  original = await readFile(join(dir, "2024.rules"), "utf8");
  // What a traversal out of .history/<name>/ would reach.
  await writeFile(join(root, "secret.rules"), SECRET);
  await writeFile(join(dir, "secret.rules"), SECRET);
  await mkdir(join(dir, ".history"));
  await writeFile(join(dir, ".history", "secret.rules"), SECRET);
  const accounts: AccountsConfig = { accounts: [
    { name: "张三", role: "policy", tokenHash: await hashToken(POLICY) },
    { name: "李四", role: "reviewer", tokenHash: await hashToken(REVIEWER) },
  ] };
  const { app } = await buildServer({ rulesDir: dir, accounts, watch: false });
  base = await app.listen({ port: 0, host: "127.0.0.1" });
  close = () => app.close();
});
afterAll(async () => {
  await close();
  await rm(root, { recursive: true, force: true });
});

describe("the audit log", () => {
  test("a save appends one line: who, when, what file, both ETags and the diff", async () => {
    const edited = original.replace("base 2 plus 0.5 per further", "base 3 plus 0.5 per further");
    const before = Date.now();
    const res = await put("2024.rules", edited, { "if-match": etagOf(original) });
    expect(res.status).toBe(200);
    const lines = await auditLines();
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({
      who: "张三", role: "policy", action: "save", file: "2024.rules",
      oldEtag: etagOf(original), newEtag: etagOf(edited), diffTruncated: false,
    });
    expect(new Date(line.at).toISOString()).toBe(line.at);
    expect(Date.parse(line.at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(line.at)).toBeLessThanOrEqual(Date.now());
    // The diff is a unified diff of exactly the changed line, and it applies.
    const removed = line.diff.split("\n").filter((l) => l.startsWith("-") && !l.startsWith("---"));
    const added = line.diff.split("\n").filter((l) => l.startsWith("+") && !l.startsWith("+++"));
    expect(removed).toHaveLength(1);
    expect(added).toHaveLength(1);
    expect(removed[0]).toContain("base 2 plus 0.5 per further");
    expect(added[0]).toContain("base 3 plus 0.5 per further");
    expect(line.diff).toMatch(/^--- 2024\.rules\t"[^"]+"\n\+\+\+ 2024\.rules\t"[^"]+"\n@@ -\d+,7 \+\d+,7 @@\n/);
    expect(applyUnifiedDiff(original, line.diff)).toBe(edited);
    // It is one line of the file after its intent, ending in a newline.
    const file = await readFile(join(dir, ".audit", "audit.jsonl"), "utf8");
    expect(file.endsWith("\n")).toBe(true);
    expect(file.split("\n")).toHaveLength(3);
    expect(JSON.parse(file.split("\n")[0]!)).toMatchObject({ kind: "intent", entry: { file: "2024.rules", newEtag: etagOf(edited) } });

    expect((await put("2024.rules", original, { "if-match": etagOf(edited) })).status).toBe(200);
    expect(await auditLines()).toHaveLength(2);
  });

  test("refused and failed requests write nothing; a reviewer cannot save", async () => {
    const count = (await auditLines()).length;
    expect((await put("2024.rules", `${original}#\n`, { "if-match": etagOf("stale") })).status).toBe(409);
    expect((await put("2024.rules", `${original}#\n`, {})).status).toBe(428);
    expect((await put("2024.rules", original.replace("weight 8", "weight"), { "if-match": etagOf(original) })).status).toBe(422);
    expect((await put("2024.rules", `${original}#\n`, { "if-match": etagOf(original) }, REVIEWER)).status).toBe(403);
    expect(await auditLines()).toHaveLength(count);
  });

  test("drafts: creating, deleting; new year: diffed against the file it was made from", async () => {
    const draft = `${original}# 草稿\n`;
    expect((await put("2024.draft.rules", draft, { "if-none-match": "*" })).status).toBe(200);
    expect((await call("DELETE", "/api/files/2024.draft.rules", { headers: { "if-match": etagOf(draft) } })).status).toBe(200);
    const ny = await call("POST", "/api/files/new-year", { body: JSON.stringify({ from: "2024", year: "2025", document: "苏市监〔2025〕1号" }) });
    expect(ny.status).toBe(201);
    const made = await readFile(join(dir, "2025.rules"), "utf8");
    const [created, deleted, newYear] = (await auditLines()).slice(-3);
    expect(created).toMatchObject({ action: "save", file: "2024.draft.rules", oldEtag: null, newEtag: etagOf(draft), who: "张三" });
    expect(created!.diff.startsWith("--- /dev/null\n")).toBe(true);
    expect(applyUnifiedDiff("", created!.diff)).toBe(draft);
    expect(deleted).toMatchObject({ action: "delete", file: "2024.draft.rules", oldEtag: etagOf(draft), newEtag: null, version: expect.any(String) });
    expect(deleted!.diff).toMatch(/\n\+\+\+ \/dev\/null\n/);
    expect(applyUnifiedDiff(draft, deleted!.diff)).toBe("");
    expect(newYear).toMatchObject({ action: "new-year", file: "2025.rules", from: "2024.rules", oldEtag: null, newEtag: etagOf(made) });
    expect(applyUnifiedDiff(original, newYear!.diff)).toBe(made);
    expect(newYear!.diff.split("\n").filter((l) => /^[-+][^-+]/.test(l)).length).toBe(12); // 4 header lines and 2 windows changed
  });

  test("concurrent saves from one version: one audit line, one history version", async () => {
    const lines = (await auditLines()).length;
    const versions = ((await call("GET", "/api/files/2024.rules/history")).json as unknown[]).length;
    const current = await readFile(join(dir, "2024.rules"), "utf8");
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => put("2024.rules", `${current}# 并发 ${i}\n`, { "if-match": etagOf(current) })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(await auditLines()).toHaveLength(lines + 1);
    expect(((await call("GET", "/api/files/2024.rules/history")).json as unknown[]).length).toBe(versions + 1);
    const winner = await readFile(join(dir, "2024.rules"), "utf8");
    expect((await put("2024.rules", original, { "if-match": etagOf(winner) })).status).toBe(200);
  });

  test("without accounts, the changes are the local user's", async () => {
    const local = join(root, "local");
    await mkdir(local);
    await writeFile(join(local, "2024.rules"), original);
    const { app } = await buildServer({ rulesDir: local, watch: false });
    const at = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const res = await raw(at, "PUT", "/api/files/2024.rules", { headers: { "if-match": etagOf(original) }, body: JSON.stringify({ source: `${original}#\n` }) });
      expect(res.status).toBe(200);
      expect(await auditLines(local)).toEqual([expect.objectContaining({ who: "local", role: "policy", action: "save" })]);
    } finally {
      await app.close();
    }
  });

  test("an audit log that cannot be written: the change is undone (507 audit_failed)", async () => {
    const failing = join(root, "failing");
    await mkdir(failing);
    await writeFile(join(failing, "2024.rules"), original);
    await writeFile(join(failing, "2024.draft.rules"), "草稿\n");
    const appendLog = async () => { throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" }); };
    const { app } = await buildServer({ rulesDir: failing, watch: false, files: { appendLog } });
    const at = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const saved = await raw(at, "PUT", "/api/files/2024.rules", { headers: { "if-match": etagOf(original) }, body: JSON.stringify({ source: `${original}#\n` }) });
      expect(saved.status).toBe(507);
      expect(saved.json.error).toMatchObject({ code: "audit_failed", undone: true });
      noLeak(saved.text);
      expect(await readFile(join(failing, "2024.rules"), "utf8")).toBe(original);
      const created = await raw(at, "PUT", "/api/files/2026.draft.rules", { headers: { "if-none-match": "*" }, body: JSON.stringify({ source: "x\n" }) });
      expect(created.status).toBe(507);
      const deleted = await raw(at, "DELETE", "/api/files/2024.draft.rules", { headers: { "if-match": etagOf("草稿\n") } });
      expect(deleted.status).toBe(507);
      expect(await readFile(join(failing, "2024.draft.rules"), "utf8")).toBe("草稿\n");
      const ny = await raw(at, "POST", "/api/files/new-year", { body: JSON.stringify({ from: "2024", year: "2025" }) });
      expect(ny.status).toBe(507);
      expect((await readdir(failing)).filter((n) => !n.startsWith(".")).sort()).toEqual(["2024.draft.rules", "2024.rules"]);
      // No history version is left for the changes that were undone.
      const kept = await readdir(join(failing, ".history"), { recursive: true, withFileTypes: true }).catch(() => []);
      expect(kept.filter((e) => e.isFile()).map((e) => e.name)).toEqual([]);
      expect((await raw(at, "GET", "/api/rules/2025")).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});

describe("history", () => {
  test("every replaced text is kept: listed newest first, fetched by version, restored by a PUT", async () => {
    const h = join(root, "history");
    await mkdir(h);
    await writeFile(join(h, "2024.rules"), original);
    const { app } = await buildServer({ rulesDir: h, watch: false, accounts: { accounts: [{ name: "张三", role: "policy", tokenHash: await hashToken(POLICY) }] } });
    const at = await app.listen({ port: 0, host: "127.0.0.1" });
    const req = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
      raw(at, method, path, { token: POLICY, headers, ...(body !== undefined ? { body } : {}) });
    try {
      expect((await req("GET", "/api/files/2024.rules/history")).json).toEqual([]);
      expect((await req("GET", "/api/files/2031.rules/history")).status).toBe(404);
      const v1 = `${original}# v1\n`;
      const v2 = `${original}# v2\n`;
      expect((await req("PUT", "/api/files/2024.rules", JSON.stringify({ source: v1 }), { "if-match": etagOf(original) })).status).toBe(200);
      expect((await req("PUT", "/api/files/2024.rules", JSON.stringify({ source: v2 }), { "if-match": etagOf(v1) })).status).toBe(200);
      const list = await req("GET", "/api/files/2024.rules/history");
      expect(list.status).toBe(200);
      const audit = await auditLines(h);
      expect(list.json).toEqual([
        { version: expect.stringMatching(/^\d{8}T\d{6}\.\d{3}Z-/), at: audit[1]!.at, who: "张三", action: "save", etag: etagOf(v1), size: Buffer.byteLength(v1), savedAt: audit[0]!.at, savedBy: "张三",
          summary: ["仅排版或注释变化，规则未变"], savedSummary: ["仅排版或注释变化，规则未变"] },
        { version: expect.stringMatching(/^\d{8}T\d{6}\.\d{3}Z-/), at: audit[0]!.at, who: "张三", action: "save", etag: etagOf(original), size: Buffer.byteLength(original), savedAt: null, savedBy: null,
          summary: ["仅排版或注释变化，规则未变"], savedSummary: null },
      ]);
      // The audit line names the version that holds the text it replaced.
      expect(audit.map((a) => a.version)).toEqual([list.json[1].version, list.json[0].version]);
      // On disk: .history/<name>/<time>-<etag prefix>.rules, the text as it was.
      const files = (await readdir(join(h, ".history", "2024.rules"))).sort();
      expect(files).toEqual([`${list.json[1].version}.rules`, `${list.json[0].version}.rules`]);
      expect(await readFile(join(h, ".history", "2024.rules", files[0]!), "utf8")).toBe(original);

      const old = await req("GET", `/api/files/2024.rules/history/${list.json[1].version}`);
      expect(old.status).toBe(200);
      expect(old.json).toEqual({ name: "2024.rules", version: list.json[1].version, source: original, etag: etagOf(original) });
      // Restoring is a normal save of that text with the current ETag; the replaced v2 is kept in turn.
      const restored = await req("PUT", "/api/files/2024.rules", JSON.stringify({ source: old.json.source }), { "if-match": etagOf(v2) });
      expect(restored.status).toBe(200);
      expect(await readFile(join(h, "2024.rules"), "utf8")).toBe(original);
      const after = (await req("GET", "/api/files/2024.rules/history")).json as { etag: string }[];
      expect(after.map((x) => x.etag)).toEqual([etagOf(v2), etagOf(v1), etagOf(original)]);

      // A deleted draft's text stays fetchable from its history.
      expect((await req("PUT", "/api/files/2024.draft.rules", JSON.stringify({ source: "草稿\n" }), { "if-none-match": "*" })).status).toBe(200);
      expect((await req("DELETE", "/api/files/2024.draft.rules", undefined, { "if-match": etagOf("草稿\n") })).status).toBe(200);
      const drafts = (await req("GET", "/api/files/2024.draft.rules/history")).json as { version: string; action: string }[];
      expect(drafts).toHaveLength(1);
      expect(drafts[0]!.action).toBe("delete");
      expect((await req("GET", `/api/files/2024.draft.rules/history/${drafts[0]!.version}`)).json.source).toBe("草稿\n");
      // A version of another file, or one that does not exist: 404.
      expect((await req("GET", `/api/files/2024.draft.rules/history/${list.json[0].version}`)).status).toBe(404);
      expect((await req("GET", "/api/files/2024.rules/history/20990101T000000.000Z-AAAAAAAAAAAA")).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  test("the .audit and .history folders are never listed or served as rule files", async () => {
    const list = await call("GET", "/api/files");
    expect(list.status).toBe(200);
    for (const f of list.json.files as { name: string }[]) expect(f.name).toMatch(/^\d{4}(\.draft)?\.rules$/);
    for (const path of ["/api/files/.audit", "/api/files/.history", "/api/files/.audit%2faudit.jsonl", "/api/files/.history%2f2024.rules", "/api/files/..%2f.audit%2faudit.jsonl", "/api/files/.history/history", "/api/files/.audit/history/x"]) {
      const res = await call("GET", path);
      expect(res.status, path).toBe(400);
      noLeak(res.text);
    }
    // An editor folder that is the rules folder itself still serves no hidden folder.
    await writeFile(join(dir, "index.html"), "<!doctype html><title>jsqc</title>");
    const { app } = await buildServer({ rulesDir: dir, editorDir: dir, watch: false, accounts: { accounts: [] } });
    const at = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      for (const path of ["/.audit/audit.jsonl", "/.history/2024.rules", "/%2eaudit/audit.jsonl", "/x/../.audit/audit.jsonl"]) {
        const res = await raw(at, "GET", path);
        expect(res.status, path).toBe(400);
        expect(res.text).not.toContain("oldEtag");
      }
    } finally {
      await app.close();
      await rm(join(dir, "index.html"));
    }
  });

  test("path traversal in a version gets 400 bad_version, and nothing outside is read", async () => {
    const version = ((await call("GET", "/api/files/2024.rules/history")).json as { version: string }[])[0]!.version;
    const bad = [
      "..", ".", "...", "../secret", "../../secret", "..%2fsecret", "..%2F..%2Fsecret", "%2e%2e%2f%2e%2e%2fsecret",
      "%252e%252e%252fsecret", "..%5c..%5csecret", "..\\..\\secret", "%2fetc%2fpasswd", "secret", "secret.rules",
      `${version}.rules`, `${version}%00`, `${version}%00.rules`, `${version}/`, `${version}/..`, `${version.slice(0, -1)}`,
      `${version}x`, `../2024.rules/${version}`, `..%2f2024.rules%2f${version}`, version.replace("T", "t"), "x".repeat(5000),
      "20240101T000000.000Z-..%2f..%2f..%2f", "20240101T000000.000Z-../../../x", "%E0%A4%A", "",
    ];
    for (const v of bad) {
      const path = `/api/files/2024.rules/history/${v}`;
      const res = await call("GET", path);
      expect(res.status, path.slice(0, 100)).toBe(400);
      expect(["bad_version", "bad_name"], path.slice(0, 100)).toContain(res.json.error.code);
      expect(res.json.error.message).toBeTruthy();
      expect(res.json.error.messageEn).toBeTruthy();
      noLeak(res.text);
    }
    // Bad names on the history routes too.
    for (const name of ["..", "..%2f..", "%2e%2e", "2024.rules%00", ".history", "secret.rules", "2024.RULES"]) {
      for (const path of [`/api/files/${name}/history`, `/api/files/${name}/history/${version}`]) {
        const res = await call("GET", path);
        expect(res.status, path).toBe(400);
        noLeak(res.text);
      }
    }
    // A reviewer reads history; a caller without a token does not even learn the version is bad.
    expect((await call("GET", `/api/files/2024.rules/history/${version}`, { token: REVIEWER })).status).toBe(200);
    expect((await raw(base, "GET", "/api/files/2024.rules/history/..%2fsecret")).status).toBe(401);
  });

  test("version ids: made from the time and the ETag, checked strictly", () => {
    const id = versionId(new Date("2025-03-14T09:30:15.123Z"), etagOf("abc"));
    expect(id).toBe(`20250314T093015.123Z-${etagOf("abc").slice(1, 13)}`);
    expect(historyVersion(id)).toBe(id);
    for (const bad of [`${id}.rules`, `../${id}`, id.slice(1), `${id}\n`, 42, null]) expect(historyVersion(bad)).toBeNull();
  });
});

describe("the line diff", () => {
  const lines = fc.array(fc.constantFrom("a", "b", "c", "\n", "\n", "\r\n", "甲"), { maxLength: 60 }).map((x) => x.join(""));

  /** The length of a longest common subsequence of two line lists. */
  function lcs(a: string[], b: string[]): number {
    const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) dp[i]![j] = a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
    return dp[a.length]![b.length]!;
  }

  test("applying the diff to the old text gives the new one, and the diff is a shortest one", () => {
    fc.assert(fc.property(lines, lines, (a, b) => {
      const d = unifiedDiff(a, b);
      expect(applyUnifiedDiff(a, d.text)).toBe(b);
      expect(d.text === "").toBe(a === b);
      const changed = d.text.split("\n").slice(2).filter((l) => /^[-+]/.test(l)).length;
      const la = splitLines(a);
      const lb = splitLines(b);
      expect(changed).toBe(la.length + lb.length - 2 * lcs(la, lb));
    }), { numRuns: 500 });
  });

  test("past the edit limit it is still a correct diff", () => {
    fc.assert(fc.property(lines, lines, (a, b) => {
      const la = splitLines(a);
      const lb = splitLines(b);
      const ops = diffOps(la, lb, 1);
      const out: string[] = [];
      let i = 0;
      let j = 0;
      for (const op of ops) {
        if (op === 0) { expect(la[i]).toBe(lb[j]); out.push(la[i++]!); j++; }
        else if (op === 1) i++;
        else out.push(lb[j++]!);
      }
      expect(i).toBe(la.length);
      expect(out.join("")).toBe(b);
    }), { numRuns: 300 });
  });

  test("the format: context, hunks merged, the missing final newline, creation", () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i + 1}\n`).join("");
    const b = a.replace("line 2\n", "line two\n").replace("line 8\n", "line eight\n").replace("line 19\n", "");
    expect(unifiedDiff(a, b, { oldName: "x.rules", newName: "x.rules" }).text).toBe([
      "--- x.rules", "+++ x.rules",
      "@@ -1,11 +1,11 @@", " line 1", "-line 2", "+line two", " line 3", " line 4", " line 5", " line 6", " line 7", "-line 8", "+line eight", " line 9", " line 10", " line 11",
      "@@ -16,5 +16,4 @@", " line 16", " line 17", " line 18", "-line 19", " line 20", "",
    ].join("\n"));
    expect(unifiedDiff("a\nb", "a\nb\n").text).toBe("--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
    expect(unifiedDiff("", "x\n").text).toBe("--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n");
    expect(unifiedDiff("same\n", "same\n")).toEqual({ text: "", lines: 0, truncated: false });
  });

  test("capped at 2,000 lines in the audit log", async () => {
    const big = Array.from({ length: 3000 }, (_, i) => `# 注释 ${i}\n`).join("");
    const d = unifiedDiff("", big, { maxLines: 2000 });
    expect(d.truncated).toBe(true);
    expect(d.lines).toBe(3003);
    expect(d.text.split("\n")).toHaveLength(2001);
    // Through the server: a save adding 3,000 lines.
    const current = await readFile(join(dir, "2024.rules"), "utf8");
    expect((await put("2024.rules", current + big, { "if-match": etagOf(current) })).status).toBe(200);
    const line = (await auditLines()).at(-1)!;
    expect(line.diffTruncated).toBe(true);
    expect(line.diffLines).toBeGreaterThan(3000);
    expect(line.diff.split("\n").length).toBe(2001);
    expect((await put("2024.rules", current, { "if-match": etagOf(current + big) })).status).toBe(200);
    expect((await stat(join(dir, ".audit", "audit.jsonl"))).size).toBeGreaterThan(0);
  });
});
