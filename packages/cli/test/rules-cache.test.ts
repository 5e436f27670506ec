/**
 * The cache of parsed rule files (src/rules-cache.ts), on a real disk: a hit, a miss after an
 * edit, corrupt and foreign entries, an unwritable directory, files with errors, the switches, and
 * the same output as `--no-cache` for every example. The in-process runs call the CLI's `run`; the
 * last test spawns the built binary to see which modules a hit loads.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { run } from "../src/cli.js";
import { cacheDir, cacheKey, readEntry } from "../src/rules-cache.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const rules = join(repo, "rules/2024.rules");
const example = join(repo, "examples/01-kunshan-ruitai-jingmi-muju.json");
let tmp: string;

beforeAll(async () => { tmp = await mkdtemp(join(tmpdir(), "jsqc-cache-")); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

/** Runs the CLI in this process with JSQC_CACHE_DIR set (and JSQC_NO_CACHE as given). */
async function jsqc(cache: string, args: string[], noCacheEnv?: string) {
  const saved = { dir: process.env["JSQC_CACHE_DIR"], off: process.env["JSQC_NO_CACHE"] };
  process.env["JSQC_CACHE_DIR"] = cache;
  if (noCacheEnv === undefined) delete process.env["JSQC_NO_CACHE"];
  else process.env["JSQC_NO_CACHE"] = noCacheEnv;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (b: Buffer) => out.push(b));
  stderr.on("data", (b: Buffer) => err.push(b));
  try {
    const code = await run(args, { stdout, stderr });
    return { code, out: Buffer.concat(out).toString("utf8"), err: Buffer.concat(err).toString("utf8") };
  } finally {
    for (const [k, v] of [["JSQC_CACHE_DIR", saved.dir], ["JSQC_NO_CACHE", saved.off]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** An entry's header and payload lines; `joinEntry` writes one back with the payload's digest. */
function splitEntry(text: string): { header: Record<string, unknown>; payload: string } {
  const newline = text.indexOf("\n");
  return { header: JSON.parse(text.slice(0, newline)) as Record<string, unknown>, payload: text.slice(newline + 1) };
}
const joinEntry = (header: Record<string, unknown>, payload: string) =>
  `${JSON.stringify({ ...header, digest: createHash("sha256").update(payload, "utf8").digest("hex") })}\n${payload}`;

const entries = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".json"));

describe("the rules cache", () => {
  test("the location: JSQC_CACHE_DIR, else XDG_CACHE_HOME/jsqc, else ~/.cache/jsqc", () => {
    expect(cacheDir({ JSQC_CACHE_DIR: "/a", XDG_CACHE_HOME: "/b" })).toBe("/a");
    expect(cacheDir({ XDG_CACHE_HOME: "/b" })).toBe(join("/b", "jsqc"));
    expect(cacheDir({})).toMatch(/[\\/]\.cache[\\/]jsqc$/);
  });

  test("a miss writes one entry; a hit reads it (a tampered title shows) and otherwise equals --no-cache", async () => {
    const dir = join(tmp, "hit");
    const plain = await jsqc(dir, ["eval", rules, example, "--json", "--no-cache"]);
    expect(plain.code).toBe(0);
    expect(await entries(dir)).toEqual([]);
    const miss = await jsqc(dir, ["eval", rules, example, "--json"]);
    expect(miss).toEqual(plain);
    const names = await entries(dir);
    const key = cacheKey(await readFile(rules, "utf8"));
    expect(names).toEqual([`${key}.json`]);
    const hit = await jsqc(dir, ["eval", rules, example, "--json"]);
    expect(hit).toEqual(plain);

    // Proof that the hit reads the entry: change the title inside it (digest recomputed).
    const file = join(dir, names[0]!);
    const entry = splitEntry(await readFile(file, "utf8"));
    const title = (JSON.parse(plain.out) as { ruleset: { title: string } }).ruleset.title;
    const payload = JSON.parse(entry.payload) as { ast: { header: { title: { value: string } } } };
    expect(payload.ast.header.title.value).toBe(title);
    payload.ast.header.title.value = "缓存中的标题";
    await writeFile(file, joinEntry(entry.header, JSON.stringify(payload)));
    const tampered = await jsqc(dir, ["eval", rules, example, "--json"]);
    expect((JSON.parse(tampered.out) as { ruleset: { title: string } }).ruleset.title).toBe("缓存中的标题");
  }, 120_000);

  test("an edited file misses and gets its own entry", async () => {
    const dir = join(tmp, "edit");
    const edited = join(tmp, "edited.rules");
    await writeFile(edited, `${await readFile(rules, "utf8")}\n# 改过 edited\n`);
    await jsqc(dir, ["eval", rules, example, "--json"]);
    const r = await jsqc(dir, ["eval", edited, example, "--json"]);
    expect(r.code).toBe(0);
    expect(r).toEqual(await jsqc(dir, ["eval", edited, example, "--json", "--no-cache"]));
    expect((await entries(dir)).length).toBe(2);
    expect(await entries(dir)).toContain(`${cacheKey(await readFile(edited, "utf8"))}.json`);
  }, 120_000);

  test("corrupt or foreign entries are ignored and rewritten", async () => {
    const dir = join(tmp, "corrupt");
    const plain = await jsqc(dir, ["eval", rules, example, "--json", "--no-cache"]);
    await jsqc(dir, ["eval", rules, example, "--json"]);
    const key = cacheKey(await readFile(rules, "utf8"))!;
    const file = join(dir, `${key}.json`);
    const good = await readFile(file, "utf8");
    const { header, payload } = splitEntry(good);
    const bad = [
      "",
      "\u0000\u0001garbage",
      good.slice(0, good.length / 2),
      `${JSON.stringify({ ...header, key: "0".repeat(64) })}\n${payload}`,
      `${JSON.stringify(header)}\n${payload.replace("RuleFile", "RuleFilf")}`,
      joinEntry({ ...header, format: "jsqc-rules-cache/0" }, payload),
      joinEntry(header, JSON.stringify({ ast: { type: "RuleFile" } })),
      joinEntry(header, "[1, 2, 3]"),
      "null\nnull",
      JSON.stringify([1, 2, 3]),
    ];
    for (const text of bad) {
      await writeFile(file, text);
      expect(await readEntry(dir, key)).toBeNull();
      const r = await jsqc(dir, ["eval", rules, example, "--json"]);
      expect(r, text.slice(0, 40)).toEqual(plain);
      expect(await readEntry(dir, key), "rewritten").not.toBeNull();
    }
  }, 180_000);

  test("an unwritable cache directory: the command still works", async () => {
    const blocker = join(tmp, "a-file");
    await writeFile(blocker, "not a directory");
    const dir = join(blocker, "cache");
    const plain = await jsqc(dir, ["eval", rules, example, "--no-cache"]);
    const r = await jsqc(dir, ["eval", rules, example]);
    expect(r.code).toBe(0);
    expect(r).toEqual(plain);
    expect(await readFile(blocker, "utf8")).toBe("not a directory");
  }, 120_000);

  test("a rule file with errors is never cached; --no-cache and JSQC_NO_CACHE=1 write nothing", async () => {
    const dir = join(tmp, "errors");
    const broken = join(tmp, "broken.rules");
    await writeFile(broken, `${await readFile(rules, "utf8")}\n这不是规则 {{{\n`);
    const r = await jsqc(dir, ["eval", broken, example]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("the rule file has errors");
    expect(await entries(dir)).toEqual([]);
    expect((await jsqc(dir, ["eval", rules, example, "--no-cache"])).code).toBe(0);
    expect((await jsqc(dir, ["eval", rules, example], "1")).code).toBe(0);
    expect((await jsqc(dir, ["schema", rules, "--no-cache"])).code).toBe(0);
    expect(await entries(dir)).toEqual([]);
    expect((await jsqc(dir, ["schema", rules])).code).toBe(0);
    expect((await entries(dir)).length).toBe(1);
  }, 120_000);

  test("every example: the cached result equals --no-cache (text and --json, schema too)", async () => {
    const dir = join(tmp, "examples");
    const apps = (await readdir(join(repo, "examples"))).filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json"));
    expect(apps.length).toBeGreaterThan(10);
    await jsqc(dir, ["eval", rules, join(repo, "examples", apps[0]!)]);
    for (const app of apps) {
      const path = join(repo, "examples", app);
      for (const extra of [[], ["--json"], ["--json", "--no-trace"]]) {
        const plain = await jsqc(dir, ["eval", rules, path, ...extra, "--no-cache"]);
        expect(await jsqc(dir, ["eval", rules, path, ...extra]), `${app} ${extra.join(" ")}`).toEqual(plain);
      }
    }
    expect(await jsqc(dir, ["schema", rules])).toEqual(await jsqc(dir, ["schema", rules, "--no-cache"]));
    expect((await entries(dir)).length).toBe(1);
  }, 300_000);

  test("the built binary: a hit loads no Chevrotain and no zod; a miss loads Chevrotain", async () => {
    const dir = join(tmp, "spawned");
    const loads = async (name: string) => {
      const list = join(tmp, `${name}.txt`);
      const { stdout } = await promisify(execFile)(process.execPath, [
        "--import", fileURLToPath(new URL("./fixtures/record-loads.mjs", import.meta.url)),
        join(repo, "packages/cli/dist/main.js"), "eval", rules, example, "--json",
      ], { env: { ...process.env, JSQC_CACHE_DIR: dir, JSQC_LOADS: list } });
      expect((JSON.parse(stdout) as { total: string }).total).toBeDefined();
      return (await readFile(list, "utf8")).split("\n").filter(Boolean);
    };
    const miss = await loads("miss");
    const hit = await loads("hit");
    expect(miss.some((u) => u.includes("/chevrotain"))).toBe(true);
    expect(hit.some((u) => u.includes("/packages/engine/dist/evaluate.js"))).toBe(true);
    expect(hit.filter((u) => /\/(chevrotain|zod)[@/]/.test(u))).toEqual([]);
    expect(hit.filter((u) => /\/packages\/dsl\/dist\/(parse|parser|tokens|format|diff|merge)\.js$/.test(u))).toEqual([]);
  }, 120_000);
});
