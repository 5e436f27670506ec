import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, mkdir, cp, writeFile, readFile, readdir, rm, symlink, stat, chmod, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, check } from "@jsqc/dsl";
import { raw as rawRequest, type Answer, type RawOptions } from "./http.js";
import { buildServer, etagOf, writeAtomically, newYearSource, type AtomicIo } from "../src/index.js";

const repo = new URL("../../../", import.meta.url).pathname;
const EXAMPLE = "01-kunshan-ruitai-jingmi-muju";
const SECRET = "SENTINEL-outside-the-store-folder";

let root: string; // the temp folder: rules/, examples/, editor/ and files outside them all
let dir: string; // the store folder
let base: string;
let close: () => Promise<void>;
let original: string; // rules/2024.rules as copied


/** A request over a raw socket: the path is sent exactly as given (fetch would normalise `..`). */
const raw = (method: string, path: string, options: RawOptions = {}, at = base): Promise<Answer> => rawRequest(at, method, path, options);

const put = (name: string, source: string, headers: Record<string, string> = {}) =>
  raw("PUT", `/api/files/${encodeURIComponent(name)}`, { headers, body: JSON.stringify({ source }) });

function noLeak(text: string) {
  expect(text).not.toMatch(/\bat .*\(.*:\d+:\d+\)|node_modules|\/work\/|\/tmp\/|\.ts:\d+/);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(root);
}

/** Every file under a folder with its content, to show nothing changed. */
async function snapshot(folder: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name)] = await readFile(join(e.parentPath, e.name), "utf8");
  }
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "jsqc-files-"));
  dir = join(root, "rules");
  await mkdir(dir);
  await cp(join(repo, "rules/2024.rules"), join(dir, "2024.rules"));
  await cp(join(repo, "rules/2024.tests"), join(dir, "2024.tests"), { recursive: true });
  original = await readFile(join(dir, "2024.rules"), "utf8");
  // Outside the store folder: what a traversal would reach.
  await writeFile(join(root, "2024.rules"), SECRET);
  await writeFile(join(root, "secret.txt"), SECRET);
  await writeFile(join(root, "secret.json"), JSON.stringify({ secret: SECRET }));
  // The examples folder, found by default beside rules/.
  await mkdir(join(root, "examples"));
  for (const f of [`${EXAMPLE}.json`, `${EXAMPLE}.expected.json`, "README.md"]) await copyFile(join(repo, "examples", f), join(root, "examples", f));
  await writeFile(join(root, "examples", "示例-甲.json"), JSON.stringify({ enterprise: { name: "甲公司" }, grade: "A", inputs: {} }));
  await writeFile(join(root, "examples", "broken.json"), "{ not json");
  await symlink(join(root, "secret.json"), join(root, "examples", "leak.json"));
  // A built editor, with a symlink pointing out of it.
  const editor = join(root, "editor");
  await mkdir(join(editor, "assets"), { recursive: true });
  await writeFile(join(editor, "index.html"), "<!doctype html><title>jsqc</title>");
  await writeFile(join(editor, "assets", "index-abc123.js"), "console.log(1)");
  await writeFile(join(editor, "assets", "index-abc123.css"), "body{}");
  await writeFile(join(editor, "assets", "codicon.ttf"), Buffer.from([0, 1, 0, 0]));
  await writeFile(join(editor, "assets", "mod.wasm"), Buffer.from([0, 0x61, 0x73, 0x6d]));
  await writeFile(join(editor, "logo.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  await symlink(join(root, "secret.txt"), join(editor, "leak.txt"));
  await symlink(root, join(editor, "up"));

  const { app } = await buildServer({ rulesDir: dir, editorDir: editor, watch: false });
  base = await app.listen({ port: 0, host: "127.0.0.1" });
  close = () => app.close();
});
afterAll(async () => {
  await close();
  await rm(root, { recursive: true, force: true });
});

describe("the file store", () => {
  test("list, get, put: a round trip to the disk, and evaluation uses the save at once", async () => {
    const list = await raw("GET", "/api/files");
    expect(list.status).toBe(200);
    const size = (await stat(join(dir, "2024.rules"))).size;
    expect(list.json.files).toEqual([
      { name: "2024.rules", year: "2024", kind: "published", etag: etagOf(original), size, modified: expect.any(String), errors: 0, warnings: expect.any(Number) },
    ]);

    const got = await raw("GET", "/api/files/2024.rules");
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ name: "2024.rules", source: original, etag: etagOf(original) });
    expect(got.headers["etag"]).toBe(got.json.etag);
    expect(Array.isArray(got.json.diagnostics)).toBe(true);

    const edited = original.replace("base 2 plus 0.5 per further", "base 3 plus 0.5 per further");
    expect(edited).not.toBe(original);
    const saved = await put("2024.rules", edited, { "if-match": got.json.etag });
    expect(saved.status).toBe(200);
    expect(saved.json).toEqual({ name: "2024.rules", etag: etagOf(edited) });
    expect(saved.headers["etag"]).toBe(etagOf(edited));
    expect(await readFile(join(dir, "2024.rules"), "utf8")).toBe(edited);
    // The watcher is off in this server: the store was updated by the save itself.
    const rules = await raw("GET", "/api/rules/2024");
    expect(rules.json.etag).toBe(etagOf(edited));
    expect(rules.json.stale).toBe(false);
    expect((await raw("GET", "/api/files/2024.rules")).json.source).toBe(edited);

    // text/plain works too; back to the original.
    const back = await raw("PUT", "/api/files/2024.rules", { headers: { "content-type": "text/plain; charset=utf-8", "if-match": saved.json.etag }, body: original });
    expect(back.status).toBe(200);
    expect(await readFile(join(dir, "2024.rules"), "utf8")).toBe(original);
    // No temporary file is left behind.
    expect((await readdir(dir)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  test("a stale If-Match gets 409 with both versions; the disk keeps the other save", async () => {
    const { etag } = (await raw("GET", "/api/files/2024.rules")).json;
    const theirs = `${original}# 他人的修改\n`;
    expect((await put("2024.rules", theirs, { "if-match": etag })).status).toBe(200);
    const mine = `${original}# 我的修改\n`;
    const res = await put("2024.rules", mine, { "if-match": etag });
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: "conflict", current: { source: theirs, etag: etagOf(theirs) }, yours: { source: mine } });
    expect(res.json.error.message).toMatch(/修改/);
    expect(res.json.error.messageEn).toMatch(/changed/);
    expect(await readFile(join(dir, "2024.rules"), "utf8")).toBe(theirs);
    expect((await put("2024.rules", original, { "if-match": etagOf(theirs) })).status).toBe(200);
  });

  test("preconditions: If-Match required for an existing file (428), If-None-Match: * for a new one", async () => {
    const missing = await put("2024.rules", original);
    expect(missing.status).toBe(428);
    expect(missing.json.error.code).toBe("precondition_required");
    expect((await put("2031.draft.rules", original)).status).toBe(428);
    // "New" but it exists: a conflict, with the file as it is.
    const exists = await put("2024.rules", original, { "if-none-match": "*" });
    expect(exists.status).toBe(409);
    expect(exists.json.error.current.etag).toBe(etagOf(original));
    // An ETag for a file that is not there (deleted since): a conflict with current null.
    const gone = await put("2031.draft.rules", original, { "if-match": etagOf(original) });
    expect(gone.status).toBe(409);
    expect(gone.json.error.current).toBeNull();
    expect((await readdir(dir)).includes("2031.draft.rules")).toBe(false);
    // Body checks.
    expect((await raw("PUT", "/api/files/2024.rules", { headers: { "if-match": etagOf(original) }, body: JSON.stringify({ text: "x" }) })).status).toBe(422);
  });

  test("20 concurrent saves from one version: exactly one 200, nineteen 409", async () => {
    const etag = etagOf(original);
    const texts = Array.from({ length: 20 }, (_, i) => `${original}# 并发保存 ${i}\n`);
    const answers = await Promise.all(texts.map((t) => put("2024.rules", t, { "if-match": etag })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = texts[statuses.indexOf(200)]!;
    expect(await readFile(join(dir, "2024.rules"), "utf8")).toBe(winner);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.json.error.current.source).toBe(winner);
    expect((await put("2024.rules", original, { "if-match": etagOf(winner) })).status).toBe(200);
  });

  test("a text with errors is refused over the published file (422) and saved as the draft", async () => {
    const broken = original.replace("weight 8", "weight");
    const before = await readFile(join(dir, "2024.rules"));
    const refused = await put("2024.rules", broken, { "if-match": etagOf(original) });
    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe("has_errors");
    expect(refused.json.error.draft).toBe("2024.draft.rules");
    expect(refused.json.error.diagnostics.some((d: { severity: string }) => d.severity === "error")).toBe(true);
    expect(await readFile(join(dir, "2024.rules"))).toEqual(before);
    expect((await raw("GET", "/api/rules/2024")).json.etag).toBe(etagOf(original));

    const draft = await put("2024.draft.rules", broken, { "if-none-match": "*" });
    expect(draft.status).toBe(200);
    expect(await readFile(join(dir, "2024.draft.rules"), "utf8")).toBe(broken);
    const list = (await raw("GET", "/api/files")).json.files as { name: string; kind: string; errors: number }[];
    expect(list.map((f) => f.name)).toEqual(["2024.draft.rules", "2024.rules"]);
    expect(list[0]).toMatchObject({ kind: "draft", errors: expect.any(Number) });
    expect(list[0]!.errors).toBeGreaterThan(0);
    // A draft is not a published file: evaluation still uses 2024.rules.
    expect((await raw("GET", "/api/rules/2024")).json.stale).toBe(false);

    // Delete: drafts only, with If-Match.
    expect((await raw("DELETE", "/api/files/2024.rules", { headers: { "if-match": etagOf(original) } })).status).toBe(403);
    expect((await raw("DELETE", "/api/files/2024.draft.rules")).status).toBe(428);
    const stale = await raw("DELETE", "/api/files/2024.draft.rules", { headers: { "if-match": etagOf(original) } });
    expect(stale.status).toBe(409);
    expect(stale.json.error.current.source).toBe(broken);
    const deleted = await raw("DELETE", "/api/files/2024.draft.rules", { headers: { "if-match": etagOf(broken) } });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ name: "2024.draft.rules", deleted: true });
    expect((await readdir(dir)).includes("2024.draft.rules")).toBe(false);
    expect((await raw("GET", "/api/files/2024.draft.rules")).status).toBe(404);
    expect((await raw("DELETE", "/api/files/2024.draft.rules", { headers: { "if-match": etagOf(broken) } })).status).toBe(404);
  });

  test("unknown files get 404", async () => {
    const res = await raw("GET", "/api/files/1999.rules");
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("unknown_file");
  });
});

describe("a new year's rule file", () => {
  test("2025.rules from 2024.rules differs only in the header's year, document, title and effective", async () => {
    const res = await raw("POST", "/api/files/new-year", { body: JSON.stringify({ from: "2024", year: "2025", document: "苏市监〔2025〕12号" }) });
    expect(res.status).toBe(201);
    const made = await readFile(join(dir, "2025.rules"), "utf8");
    expect(res.json).toEqual({ name: "2025.rules", etag: etagOf(made), tests: "2025.tests" });

    const a = original.split("\n");
    const b = made.split("\n");
    expect(b).toHaveLength(a.length);
    const changed = a.flatMap((line, i) => (line === b[i] ? [] : [i]));
    const lineOf = (re: RegExp) => a.findIndex((l) => re.test(l));
    const title = lineOf(/^ruleset "/);
    const year = lineOf(/^\s*year 2024\s*$/);
    const document = lineOf(/^\s*document "/);
    const effective = lineOf(/^\s*effective 2024-/);
    expect(changed).toEqual([title, year, document, effective].sort((x, y) => x - y));
    expect(b[title]).toBe(a[title]!.replaceAll("2024", "2025"));
    expect(b[year]).toBe(a[year]!.replace("2024", "2025"));
    expect(b[document]).toBe(a[document]!.replace(/"[^"]*"/, '"苏市监〔2025〕12号"'));
    expect(b[effective]).toBe(a[effective]!.replaceAll("2024-", "2025-"));
    // Everything else is byte-identical, comments (which still say 2024) included.
    expect(b.filter((_, i) => !changed.includes(i)).join("\n")).toBe(a.filter((_, i) => !changed.includes(i)).join("\n"));
    expect(made.endsWith("\n")).toBe(original.endsWith("\n"));

    const diagnostics = check(parse(made)).diagnostics;
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    // Its tests were copied, and evaluation knows the year at once.
    expect((await readdir(join(dir, "2025.tests"))).sort()).toEqual((await readdir(join(dir, "2024.tests"))).sort());
    const rules = await raw("GET", "/api/rules/2025");
    expect(rules.status).toBe(200);
    expect(rules.json.outline).toMatchObject({ year: "2025", document: "苏市监〔2025〕12号" });

    const again = await raw("POST", "/api/files/new-year", { body: JSON.stringify({ from: "2024", year: "2025" }) });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("exists");
    expect(await readFile(join(dir, "2025.rules"), "utf8")).toBe(made);
  });

  test("without a document: kept, with a TODO comment; dates shifted by the years between", async () => {
    const res = await raw("POST", "/api/files/new-year", { body: JSON.stringify({ from: "2024", year: 2027 }) });
    expect(res.status).toBe(201);
    const made = await readFile(join(dir, "2027.rules"), "utf8");
    const line = made.split("\n").find((l) => /^\s*document /.test(l))!;
    expect(line).toMatch(/^\s*document "苏市监〔2024〕53号"\s+# TODO/);
    expect(made).toMatch(/effective 2027-01-01 to 2027-12-31/);
    expect(check(parse(made)).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  test("bad requests", async () => {
    const post = (body: unknown) => raw("POST", "/api/files/new-year", { body: JSON.stringify(body) });
    expect((await post({ from: "1999", year: "2030" })).status).toBe(404);
    expect((await post({ from: "../2024", year: "2030" })).status).toBe(400);
    expect((await post({ from: "2024", year: "20300" })).status).toBe(400);
    expect((await post({ from: "2024", year: "2030/" })).status).toBe(400);
    expect((await post({ from: "2024" })).status).toBe(400);
    expect((await post([1])).status).toBe(422);
    expect((await post({ from: "2024", year: "2030", document: "a\nb" })).status).toBe(422);
    expect((await readdir(dir)).includes("2030.rules")).toBe(false);
  });

  test("newYearSource: minimal edits, a missing document added, 29 February kept valid", () => {
    const src = [
      "# 2024 的注释",
      'ruleset "2024年度 测试（2024）" {  # 头部',
      "  year 2024",
      "  effective 2024-02-29 to 2024-12-31",
      "  total 10",
      "}",
      "",
    ].join("\n");
    const r = newYearSource(src, "2025", '文号"甲"');
    expect(r.ok).toBe(true);
    expect(r.ok && r.text).toBe([
      "# 2024 的注释",
      'ruleset "2025年度 测试（2025）" {  # 头部',
      "  year 2025",
      '  document "文号\\"甲\\""',
      "  effective 2025-02-28 to 2025-12-31",
      "  total 10",
      "}",
      "",
    ].join("\n"));
    expect(newYearSource("input 甲: count\n", "2025")).toEqual({ ok: false, reason: "no_header" });
  });
});

describe("names from the browser never leave the store folder", () => {
  const badFiles = [
    "../2024.rules",
    "..%2f2024.rules",
    "..%2F2024.rules",
    "%2e%2e%2f2024.rules",
    "%2e%2e%2f",
    "%252e%252e%252f2024.rules",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "..\\2024.rules",
    "..%5c2024.rules",
    "2024.rules%00.txt",
    "2024.rules%00",
    "2024.rules/",
    "2024.rules/..",
    "",
    "9".repeat(5000) + ".rules",
    "2024.RULES",
    "2024.rules.bak",
    ".2024.rules",
    "2024.draft.rules.tmp",
    "%E0%A4%A",
    "new-year",
  ];

  test("GET, PUT and DELETE of every bad name get 400 bad_name, and nothing outside is read or written", async () => {
    const before = await snapshot(root);
    const storeBefore = (await readdir(dir)).sort();
    for (const name of badFiles) {
      const path = `/api/files/${name}`;
      for (const [method, options] of [
        ["GET", {}],
        ["PUT", { headers: { "if-none-match": "*" }, body: JSON.stringify({ source: "x" }) }],
        ["PUT", { headers: { "if-match": etagOf(SECRET) }, body: JSON.stringify({ source: "x" }) }],
        ["DELETE", { headers: { "if-match": etagOf(SECRET) } }],
      ] as const) {
        const res = await raw(method, path, options);
        expect(res.status, `${method} ${path.slice(0, 80)}`).toBe(400);
        expect(res.json.error.code, `${method} ${path.slice(0, 80)}`).toBe("bad_name");
        expect(res.json.error.message).toBeTruthy();
        expect(res.json.error.messageEn).toBeTruthy();
        noLeak(res.text);
      }
    }
    expect(await snapshot(root)).toEqual(before);
    expect((await readdir(dir)).sort()).toEqual(storeBefore);
  });

  test("example names too; a symlink out of the examples folder is not followed", async () => {
    for (const name of ["../secret.json", "..%2fsecret.json", "%2e%2e%2fsecret.json", "%252e%252e%252fsecret.json", "%2ftmp%2fsecret.json", "..%5csecret.json", "x.json%00", "x.json/", "", "a".repeat(300) + ".json", "README.md", `${EXAMPLE}.expected.json`]) {
      const res = await raw("GET", `/api/examples/${name}`);
      expect(res.status, name.slice(0, 60)).toBe(400);
      expect(res.json.error.code).toBe("bad_name");
      noLeak(res.text);
    }
    const leak = await raw("GET", "/api/examples/leak.json");
    expect(leak.status).toBe(404);
    noLeak(leak.text);
  });
});

describe("examples", () => {
  test("listed from the examples folder beside rules/, and served", async () => {
    const list = await raw("GET", "/api/examples");
    expect(list.status).toBe(200);
    const app = JSON.parse(await readFile(join(repo, "examples", `${EXAMPLE}.json`), "utf8"));
    expect(list.json.examples).toEqual([
      { name: `${EXAMPLE}.json`, enterprise: app.enterprise, grade: app.grade },
      { name: "示例-甲.json", enterprise: { name: "甲公司" }, grade: "A" },
    ]);
    const one = await raw("GET", `/api/examples/${EXAMPLE}.json`);
    expect(one.status).toBe(200);
    expect(one.json).toEqual(app);
    const zh = await raw("GET", `/api/examples/${encodeURIComponent("示例-甲.json")}`);
    expect(zh.json.grade).toBe("A");
    expect((await raw("GET", "/api/examples/nothing.json")).status).toBe(404);
    expect((await raw("GET", "/api/examples/broken.json")).status).toBe(422);
  });
});

describe("writes that fail", () => {
  test("a full disk: 507, the old file intact, no temporary file left", async () => {
    const failDir = join(root, "failing");
    await mkdir(failDir);
    await writeFile(join(failDir, "2024.rules"), original);
    let fail: "write" | "rename" | null = null;
    const io: Partial<AtomicIo> = {
      async writeNew(file, text, mode) {
        if (fail === "write") {
          await writeFile(file, text.slice(0, 100), { mode }); // part written, then the disk is full
          throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: "ENOSPC" });
        }
        await writeFile(file, text, { mode });
      },
      async rename(from, to) {
        if (fail === "rename") throw Object.assign(new Error(`EIO: i/o error, rename '${from}' -> '${to}'`), { code: "EIO" });
        const { rename } = await import("node:fs/promises");
        await rename(from, to);
      },
    };
    const { app } = await buildServer({ rulesDir: failDir, watch: false, files: { io } });
    const at = await app.listen({ port: 0, host: "127.0.0.1" });
    // The folder without the audit log and history (hidden folders), and every file in them.
    const visible = async () => (await readdir(failDir)).filter((n) => n !== ".history" && n !== ".audit").sort();
    const hidden = async () =>
      (await readdir(failDir, { withFileTypes: true, recursive: true }))
        .filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(failDir.length + 1))
        .filter((n) => /^\.(history|audit)\//.test(n)).sort();
    try {
      const edited = `${original}# 改\n`;
      for (const what of ["write", "rename"] as const) {
        fail = what;
        const res = await raw("PUT", "/api/files/2024.rules", { headers: { "if-match": etagOf(original) }, body: JSON.stringify({ source: edited }) }, at);
        expect(res.status, what).toBe(507);
        expect(res.json.error.code).toBe("write_failed");
        expect(res.json.error.reason).toBe(what === "write" ? "ENOSPC" : "EIO");
        noLeak(res.text);
        expect(await readFile(join(failDir, "2024.rules"), "utf8")).toBe(original);
        expect(await visible()).toEqual(["2024.rules"]);
        // No history version kept and no commit line for a save that did not happen (its intent is
        // followed by an "abandoned" line); no temporary file.
        expect(await hidden()).toEqual([".audit/audit.jsonl", ".audit/head.json"]);
        const log = (await readFile(join(failDir, ".audit/audit.jsonl"), "utf8")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as { kind: string; hash: string; intent?: string });
        expect(log.filter((l) => l.kind === "commit")).toEqual([]);
        for (const intent of log.filter((l) => l.kind === "intent")) expect(log.some((l) => l.kind === "abandoned" && l.intent === intent.hash)).toBe(true);
      }
      // A new year's file that cannot be written: nothing created, tests folder included.
      await cp(join(dir, "2024.tests"), join(failDir, "2024.tests"), { recursive: true });
      const ny = await raw("POST", "/api/files/new-year", { body: JSON.stringify({ from: "2024", year: "2025" }) }, at);
      expect(ny.status).toBe(507);
      expect(await visible()).toEqual(["2024.rules", "2024.tests"]);
      expect(await hidden()).toEqual([".audit/audit.jsonl", ".audit/head.json"]);
      fail = null;
      const ok = await raw("PUT", "/api/files/2024.rules", { headers: { "if-match": etagOf(original) }, body: JSON.stringify({ source: edited }) }, at);
      expect(ok.status).toBe(200);
      expect(await readFile(join(failDir, "2024.rules"), "utf8")).toBe(edited);
      expect((await hidden()).map((n) => n.replace(/\/\d{8}T.*$/, "/<version>"))).toEqual([".audit/audit.jsonl", ".audit/head.json", ".history/2024.rules/<version>"]);
    } finally {
      await app.close();
    }
  });

  test("writeAtomically: into a folder that does not exist it fails and creates nothing; it keeps the mode", async () => {
    const nowhere = join(root, "no-such-folder", "2024.rules");
    await expect(writeAtomically(nowhere, "x")).rejects.toMatchObject({ code: "ENOENT" });
    await expect(stat(join(root, "no-such-folder"))).rejects.toMatchObject({ code: "ENOENT" });
    const file = join(root, "mode.rules");
    await writeFile(file, "old");
    await chmod(file, 0o600);
    await writeAtomically(file, "new");
    expect(await readFile(file, "utf8")).toBe("new");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readdir(root)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });
});

describe("the built editor", () => {
  test("files with their content types; index.html for / and extension-less paths", async () => {
    const cases: [string, number, string][] = [
      ["/", 200, "text/html; charset=utf-8"],
      ["/index.html", 200, "text/html; charset=utf-8"],
      ["/assets/index-abc123.js", 200, "text/javascript; charset=utf-8"],
      ["/assets/index-abc123.css", 200, "text/css; charset=utf-8"],
      ["/assets/codicon.ttf", 200, "font/ttf"],
      ["/assets/mod.wasm", 200, "application/wasm"],
      ["/logo.svg", 200, "image/svg+xml"],
      ["/files/2024", 200, "text/html; charset=utf-8"],
      ["/?lang=en", 200, "text/html; charset=utf-8"],
    ];
    for (const [path, status, type] of cases) {
      const res = await raw("GET", path);
      expect(res.status, path).toBe(status);
      expect(res.headers["content-type"], path).toBe(type);
    }
    expect((await raw("GET", "/")).text).toContain("<title>jsqc</title>");
    expect((await raw("GET", "/assets/index-abc123.js")).text).toBe("console.log(1)");
    expect((await raw("GET", "/assets/index-abc123.js")).headers["cache-control"]).toContain("immutable");
    expect((await raw("GET", "/")).headers["cache-control"]).toBe("no-cache");
    const head = await raw("HEAD", "/assets/index-abc123.js");
    expect(head.status).toBe(200);
    expect(head.text).toBe("");
    const missing = await raw("GET", "/assets/missing.js");
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("not_found");
    // /api stays the API's.
    const api = await raw("GET", "/api/nothing");
    expect(api.status).toBe(404);
    expect(api.json.error.code).toBe("not_found");
  });

  test("nothing outside the editor folder is served, symlinks included", async () => {
    for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/..%5csecret.txt", "/assets%5c..%5c..%5csecret.txt", "/index.html%00.js", "/.hidden", "/%E0%A4%A"]) {
      const res = await raw("GET", path);
      expect(res.status, path).toBe(400);
      noLeak(res.text);
    }
    for (const path of ["/leak.txt", "/up/secret.txt", "/up/rules/2024.rules"]) {
      const res = await raw("GET", path);
      expect(res.status, path).toBe(404);
      noLeak(res.text);
      expect(res.text).not.toContain("ruleset");
    }
    // An extension-less path through the symlink gets the editor, not the folder outside.
    const up = await raw("GET", "/up");
    expect(up.text).toContain("<title>jsqc</title>");
  });

  test("without editorDir nothing but the API is served", async () => {
    const { app } = await buildServer({ rulesDir: dir, watch: false });
    const at = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      expect((await raw("GET", "/", {}, at)).status).toBe(404);
      expect((await raw("GET", "/api/files", {}, at)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
