/**
 * The CLI's cache of parsed rule files (issue 14, cold start). Parsing needs Chevrotain — loading
 * it and building the parser is most of a start — while checking and compiling a parsed file
 * does not. An entry holds the parse of one rule file (AST, comments, the parser's diagnostics) as
 * JSON; a hit is checked and compiled again (`compileChecked`), so the result is the one without
 * the cache, and only the parse is skipped.
 *
 * - Key: SHA-256 of the format, the dsl's and engine's versions, the dsl's parser code (the built
 *   files that make the AST: a rebuilt parser never reads an old entry) and the rule file's text.
 * - Where: $JSQC_CACHE_DIR, else $XDG_CACHE_HOME/jsqc, else ~/.cache/jsqc.
 * - An entry is written through a temporary file and a rename; it carries the SHA-256 of its
 *   payload, and one that does not parse, has another key or digest, or is not an AST is ignored
 *   and rewritten. Any error of the cache (unwritable, full disk) only loses the cache.
 * - A rule file with errors is never cached. `--no-cache` or JSQC_NO_CACHE=1 turns it off.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, extname, join } from "node:path";
import type { ParseResult } from "@jsqc/dsl/core";

const FORMAT = "jsqc-rules-cache/2";

/** The dsl's built files whose code decides the AST and the parser's diagnostics. */
const PARSER_FILES = ["parse.js", "parser.js", "tokens.js", "decimal-text.js", "decimal.js", "diagnostics.js"];

/** Whether the cache is on: not with `--no-cache`, nor with JSQC_NO_CACHE=1. */
export function cacheEnabled(noCacheFlag: unknown, env: NodeJS.ProcessEnv = process.env): boolean {
  return !noCacheFlag && env["JSQC_NO_CACHE"] !== "1";
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env["JSQC_CACHE_DIR"]) return env["JSQC_CACHE_DIR"];
  if (env["XDG_CACHE_HOME"]) return join(env["XDG_CACHE_HOME"], "jsqc");
  return join(homedir(), ".cache", "jsqc");
}

let codeStamp: string | null | undefined;

/** The versions and parser code the key includes; null (no cache) if they cannot be read. */
function stamp(): string | null {
  if (codeStamp !== undefined) return codeStamp;
  try {
    const require = createRequire(import.meta.url);
    const hash = createHash("sha256").update(FORMAT);
    const dslEntry = require.resolve("@jsqc/dsl");
    const dslDir = dirname(dslEntry);
    for (const [entry, dir] of [["@jsqc/dsl", dslDir], ["@jsqc/engine", dirname(require.resolve("@jsqc/engine"))]] as const) {
      const pkg = JSON.parse(readFileSync(join(dir, "..", "package.json"), "utf8")) as { version?: string };
      hash.update(`\0${entry}@${pkg.version ?? "?"}`);
    }
    // Built (dist/*.js) or, under a `source` export condition (the tests), the sources (src/*.ts).
    for (const f of PARSER_FILES) hash.update("\0").update(readFileSync(join(dslDir, f.replace(/\.js$/, extname(dslEntry)))));
    codeStamp = hash.digest("hex");
  } catch {
    codeStamp = null;
  }
  return codeStamp;
}

/** The cache key of a rule file's text, or null when the cache cannot be used. */
export function cacheKey(text: string): string | null {
  const s = stamp();
  return s === null ? null : createHash("sha256").update(s).update("\0").update(text, "utf8").digest("hex");
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/**
 * An entry is two lines: a header `{ format, key, digest }` (digest: SHA-256 of the second line)
 * and the payload `{ ast, comments, diagnostics }` as JSON, so it is parsed once.
 */

/** The cached parse for `key`, or null (missing, unreadable, corrupt or foreign: all the same). */
export async function readEntry(dir: string, key: string): Promise<ParseResult | null> {
  try {
    const text = await readFile(join(dir, `${key}.json`), "utf8");
    const newline = text.indexOf("\n");
    if (newline < 0) return null;
    const header = JSON.parse(text.slice(0, newline)) as { format?: unknown; key?: unknown; digest?: unknown } | null;
    const payload = text.slice(newline + 1);
    if (header?.format !== FORMAT || header.key !== key || header.digest !== sha256(payload)) return null;
    const parsed = JSON.parse(payload) as ParseResult;
    if (parsed?.ast?.type !== "RuleFile" || !Array.isArray(parsed.ast.declarations) || !Array.isArray(parsed.comments) || !Array.isArray(parsed.diagnostics)) return null;
    return parsed;
  } catch {
    return null;
  }
}

/** Stores the parse for `key` (temporary file, then rename); never throws. */
export async function writeEntry(dir: string, key: string, parsed: ParseResult): Promise<void> {
  const payload = JSON.stringify({ ast: parsed.ast, comments: parsed.comments, diagnostics: parsed.diagnostics });
  const text = `${JSON.stringify({ format: FORMAT, key, digest: sha256(payload) })}\n${payload}`;
  const tmp = join(dir, `.${key}.${process.pid}.${Date.now()}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(tmp, "w");
    try {
      await handle.writeFile(text, "utf8");
    } finally {
      await handle.close();
    }
    await rename(tmp, join(dir, `${key}.json`));
  } catch {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}
