/**
 * Two officers on one file, over real sockets: a save from an older version gets 409 with the
 * current ETag, the merge link and (when the edits do not overlap) the merged text; the merge
 * endpoint shows overlapping edits in the notice's terms; the audit log and the history say who
 * changed what; a restore is a new, audited version.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, mkdir, cp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { edits as E, resolveMerge, mergeRuleFiles } from "@jsqc/dsl";
import { buildServer, etagOf, hashToken, type AuditEntry, type AccountsConfig } from "../src/index.js";
import { raw } from "./http.js";

const repo = new URL("../../../", import.meta.url).pathname;
const ZHANG = "policy-token-zhang-Zq3v9XkLm2Rt8Wb1";
const WANG = "policy-token-wang-Hn4s7YpQe6Uc0Ja5";
const REVIEWER = "reviewer-token-Pk2m8VxQa1Ls7Dz4";

let root: string;
let dir: string;
let base: string;
let close: () => Promise<void>;

const put = (name: string, body: unknown, ifMatch: string, token: string) =>
  raw(base, "PUT", `/api/files/${name}`, { token, headers: { "if-match": ifMatch }, body: JSON.stringify(body) });
const get = (path: string, token = ZHANG) => raw(base, "GET", path, { token });
const post = (path: string, body: unknown, token = ZHANG) => raw(base, "POST", path, { token, body: JSON.stringify(body) });
const disk = () => readFile(join(dir, "2024.rules"), "utf8");
async function auditLines(): Promise<AuditEntry[]> {
  const text = await readFile(join(dir, ".audit", "audit.jsonl"), "utf8").catch(() => "");
  // The changes: commit lines (the log also has the intent line written before each change).
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as AuditEntry).filter((e) => e.kind === undefined || e.kind === "commit");
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "jsqc-collab-"));
  dir = join(root, "rules");
  await mkdir(dir);
  await cp(join(repo, "rules/2024.rules"), join(dir, "2024.rules"));
  const accounts: AccountsConfig = { accounts: [
    { name: "张三", role: "policy", tokenHash: await hashToken(ZHANG) },
    { name: "王五", role: "policy", tokenHash: await hashToken(WANG) },
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

describe("saving over a newer version", () => {
  test("edits to different rules: 409 with the current ETag, the merge link and the merged text; saving it keeps both", async () => {
    const opened = await disk();
    const openedEtag = etagOf(opened);
    // 张三 saves a pass mark; 王五, who opened the same version, saves a quota far below.
    const zhang = E.applyEdits(opened, E.setPassMark(opened, "AA", "76"));
    expect((await put("2024.rules", { source: zhang }, openedEtag, ZHANG)).status).toBe(200);
    const wang = E.applyEdits(opened, E.setQuota(opened, "AAA", "16"));
    const stale = await put("2024.rules", { source: wang }, openedEtag, WANG);
    expect(stale.status).toBe(409);
    expect(stale.headers["etag"]).toBe(etagOf(zhang));
    const err = stale.json.error;
    expect(err.code).toBe("conflict");
    expect(err.message).toMatch(/已合并/);
    expect(err.messageEn).toMatch(/merged/);
    expect(err.current.etag).toBe(etagOf(zhang));
    expect(err.merge).toEqual({ href: "/api/files/2024.rules/merge", base: openedEtag });
    const both = E.applyEdits(opened, [...E.setPassMark(opened, "AA", "76"), ...E.setQuota(opened, "AAA", "16")]);
    expect(err.merged.source).toBe(both);
    expect(err.merged.etag).toBe(etagOf(zhang));
    expect(err.merged.mineChanges.map((c: { what: string }) => c.what)).toEqual(["AAA级 名额 每市 15 家 → 每市 16 家"]);
    expect(err.merged.theirsChanges.map((c: { what: string }) => c.what)).toEqual(["AA级 及格分 75 → 76"]);
    // Nothing was written by the 409.
    expect(await disk()).toBe(zhang);
    const saved = await put("2024.rules", { source: err.merged.source }, err.merged.etag, WANG);
    expect(saved.status).toBe(200);
    expect(await disk()).toBe(both);
    const [first, second] = (await auditLines()).slice(-2);
    expect(first).toMatchObject({ who: "张三", action: "save", summary: ["AA级 及格分 75 → 76"], summaryEn: ["grade AA: pass mark 75 → 76"] });
    expect(second).toMatchObject({ who: "王五", action: "save", summary: ["AAA级 名额 每市 15 家 → 每市 16 家"] });
  });

  test("edits to the same rule: 409 without a merged text; the merge endpoint shows both sides in the notice's terms", async () => {
    const opened = await disk();
    const openedEtag = etagOf(opened);
    const zhang = E.applyEdits(opened, E.setItemCap(opened, "七.3", "1.5"));
    expect((await put("2024.rules", { source: zhang }, openedEtag, ZHANG)).status).toBe(200);
    const wang = E.applyEdits(opened, E.setItemCap(opened, "七.3", "1"));
    const stale = await put("2024.rules", { source: wang }, openedEtag, WANG);
    expect(stale.status).toBe(409);
    expect(stale.json.error.merged).toBeUndefined();
    expect(stale.json.error.merge.href).toBe("/api/files/2024.rules/merge");

    const merge = await post(stale.json.error.merge.href, { source: wang, base: stale.json.error.merge.base }, WANG);
    expect(merge.status).toBe(200);
    expect(merge.headers["etag"]).toBe(etagOf(zhang));
    expect(merge.json).toMatchObject({ name: "2024.rules", etag: etagOf(zhang), clean: false, usable: false, source: null });
    expect(merge.json.conflicts).toHaveLength(1);
    const c = merge.json.conflicts[0];
    expect(c.mineChanges.map((x: { what: string }) => x.what)).toEqual(["第七部分③ 封顶 2 → 1"]);
    expect(c.theirsChanges.map((x: { what: string }) => x.what)).toEqual(["第七部分③ 封顶 2 → 1.5"]);
    expect([c.base, c.mine, c.theirs]).toEqual(["    cap 2\n", "    cap 1\n", "    cap 1.5\n"]);
    // The same merge with the base text itself.
    const bySource = await post("/api/files/2024.rules/merge", { source: wang, baseSource: opened }, WANG);
    expect(bySource.json.conflicts).toEqual(merge.json.conflicts);

    // 王五 keeps his cap: the chosen result is saved against the current ETag and audited.
    const chosen = resolveMerge(mergeRuleFiles(opened, wang, zhang), ["mine"]);
    expect((await put("2024.rules", { source: chosen }, merge.json.etag, WANG)).status).toBe(200);
    expect(await disk()).toBe(wang);
    expect((await auditLines()).at(-1)).toMatchObject({ who: "王五", summary: ["第七部分③ 封顶 1.5 → 1"] });
  });

  test("the merge endpoint refuses what it cannot merge, in Chinese and English", async () => {
    const current = await disk();
    const unknown = await post("/api/files/2024.rules/merge", { source: current, base: '"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"' });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error).toMatchObject({ code: "unknown_base", message: expect.stringMatching(/历史中没有/), messageEn: expect.stringMatching(/no version/) });
    const noSource = await post("/api/files/2024.rules/merge", { base: etagOf(current) });
    expect(noSource.status).toBe(422);
    expect(noSource.json.error.code).toBe("invalid_merge");
    expect((await post("/api/files/..%2Fsecret.rules/merge", { source: "", baseSource: "" })).status).toBe(400);
    expect((await post("/api/files/2031.rules/merge", { source: "", baseSource: "" })).status).toBe(404);
    // A rule file that is a symbolic link is never read, here as everywhere (403 unsafe_path).
    await writeFile(join(root, "outside.rules"), current);
    await symlink(join(root, "outside.rules"), join(dir, "2032.rules"));
    const linked = await post("/api/files/2032.rules/merge", { source: current, baseSource: current });
    expect(linked.status).toBe(403);
    expect(linked.json.error.code).toBe("unsafe_path");
    // With the current ETag as the base, mine is simply the merge.
    const own = await post("/api/files/2024.rules/merge", { source: `${current}# 注\n`, base: etagOf(current) });
    expect(own.json).toMatchObject({ clean: true, usable: true, source: `${current}# 注\n`, conflicts: [] });
  });
});

describe("history says who, when and what; a restore is a new version", () => {
  test("each version has its author, time and change summary; a restore is audited as one", async () => {
    const history = (await get("/api/files/2024.rules/history")).json as { version: string; at: string; who: string; summary: string[] | null; savedBy: string | null; savedSummary: string[] | null }[];
    expect(history.length).toBeGreaterThanOrEqual(4);
    // Newest first: the version 王五's cap replaced was saved by 张三 with its summary.
    expect(history[0]).toMatchObject({ who: "王五", summary: ["第七部分③ 封顶 1.5 → 1"], savedBy: "张三", savedSummary: ["第七部分③ 封顶 2 → 1.5"] });
    expect(history[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const oldest = history.at(-1)!;
    const old = (await get(`/api/files/2024.rules/history/${oldest.version}`)).json as { source: string };
    const current = await disk();
    const restored = await put("2024.rules", { source: old.source, restoredFrom: oldest.version }, etagOf(current), ZHANG);
    expect(restored.status).toBe(200);
    expect(await disk()).toBe(old.source);
    const line = (await auditLines()).at(-1)!;
    expect(line).toMatchObject({ who: "张三", action: "restore", restoredFrom: oldest.version, oldEtag: etagOf(current), newEtag: etagOf(old.source) });
    expect(line.summary).toEqual(expect.arrayContaining(["AA级 及格分 76 → 75", "第七部分③ 封顶 1 → 2"]));
    const after = (await get("/api/files/2024.rules/history")).json as { who: string; action: string; summary: string[] }[];
    expect(after.length).toBe(history.length + 1);
    expect(after[0]).toMatchObject({ who: "张三", action: "restore" });
  });

  test("a reviewer may merge (it writes nothing) but not save", async () => {
    const current = await disk();
    const merge = await post("/api/files/2024.rules/merge", { source: current, base: etagOf(current) }, REVIEWER);
    expect(merge.status).toBe(200);
    expect((await put("2024.rules", { source: current }, etagOf(current), REVIEWER)).status).toBe(403);
  });
});
