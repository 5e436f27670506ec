/**
 * Supply chain: no code is made from strings at run time.
 *
 * 1. Our sources (packages/*\/src) have no `eval(`, `new Function`, `Function(` or import of
 *    `vm` / `node:vm` (comments aside).
 * 2. What the engine loads at run time — recorded by a module hook in a child process that loads
 *    the built engine and exercises it (supply-chain/run-engine.mjs) — is scanned the same way.
 *    Every match is listed below with where it is and why it is not reached.
 * 3. Proof that our code paths reach none of them: compile, evaluate (valid and invalid
 *    applications), validate and the JSON Schema run with `globalThis.eval` and
 *    `globalThis.Function` replaced by stubs that throw and count their calls: zero calls, and
 *    the same results as without the stubs.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { compile, evaluate, validate, applicationJsonSchema } from "../src/index.js";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../../../", import.meta.url));

/** The patterns, applied to code with its comments removed. */
const PATTERNS: [string, RegExp][] = [
  ["eval(", /(?<![\w$.])eval\s*\(/],
  ["new Function", /\bnew\s+Function\b/],
  ["Function(", /(?<![\w$.])Function\s*\(/],
  ["vm import", /(?:from\s*|import\s*\(\s*|require\s*\(\s*)["'](?:node:)?vm["']/],
  // `const F = Function; new F(…)`: the constructor under another name (zod writes it so).
  ["Function alias", /(?<![=!<>])=\s*Function\s*[;,)]/],
];

/** Code without comments (a scanner that knows strings, template literals and regexes well enough for this). */
function stripComments(code: string): string {
  let out = "";
  let i = 0;
  const n = code.length;
  while (i < n) {
    const c = code[i]!;
    const next = code[i + 1];
    if (c === "/" && next === "/") {
      while (i < n && code[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = code.indexOf("*/", i + 2);
      i = end === -1 ? n : end + 2;
      out += " ";
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      const start = i++;
      while (i < n && code[i] !== c) i += code[i] === "\\" ? 2 : 1;
      i++;
      out += code.slice(start, i);
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

function matches(code: string): string[] {
  const stripped = stripComments(code);
  const found: string[] = [];
  for (const [name, re] of PATTERNS) {
    const g = new RegExp(re.source, "g");
    for (const m of stripped.matchAll(g)) {
      const at = stripped.slice(Math.max(0, m.index! - 40), m.index! + 60).replace(/\s+/g, " ");
      found.push(`${name}: …${at}…`);
    }
  }
  return found;
}

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && /\.(ts|tsx|mts|js|mjs)$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(join(e.parentPath, e.name));
  }
  return out;
}

/**
 * Matches in what the engine loads, each decided: none is reached from our code paths (part 3
 * proves it with throwing stubs).
 */
const KNOWN: Record<string, string> = {
  // zod 4 compiles a fast parser for z.object / z.strictObject with `new Function` (doc.js) after
  // probing whether `new Function` is allowed (util.js `allowsEval`). The engine turns this off
  // with `z.config({ jitless: true })` (engine/src/schema.ts): neither the probe nor the compiler
  // runs. In Node the engine requires zod's CommonJS build on first use (schema.ts, `zod()`),
  // hence .cjs; the browser entry imports the same code as ES modules (.js).
  "zod/v4/core/util.cjs": "allowsEval probe (`const F = Function; new F(\"\")`): skipped under jitless",
  "zod/v4/core/doc.cjs": "Doc.compile (`new F(...)`): the JIT object parser, off under jitless",
  // z.compile(schema): an explicit API that generates a parser; never called by the engine.
  "zod/v4/core/compile.cjs": "z.compile (`new F(...)`): not called",
  // chevrotain is loaded from its single-file ESM bundle (patches/chevrotain@11.2.0.patch points
  // its exports map there), which inlines the lodash-es functions it uses: lodash's _root
  // `Function("return this")()` runs only where there is neither `global` nor `self` (never in
  // Node or a browser). (_.template, which the lodash-es module graph loaded, is not in the bundle.)
  "chevrotain/lib/chevrotain.mjs": "lodash's fallback for a global object: not reached in Node (global exists)",
};

/** Whether a package's dist/ is missing or older than a file of its src/. */
async function stale(pkg: string): Promise<boolean> {
  const out = await stat(join(repo, "packages", pkg, "dist/index.js")).then((s) => s.mtimeMs, () => 0);
  for (const e of await readdir(join(repo, "packages", pkg, "src"), { withFileTypes: true, recursive: true })) {
    if (e.isFile() && (await stat(join(e.parentPath, e.name))).mtimeMs > out) return true;
  }
  return false;
}

/**
 * Builds the packages' dist/ where missing or stale (`npm test` has built them already), under
 * the same lock as the server's tests (test/real-server.ts), so no dist/ is rewritten while
 * another test file's child process reads it.
 */
async function buildDist(pkgs: string[]): Promise<void> {
  if (!(await Promise.all(pkgs.map(stale))).some(Boolean)) return;
  const lock = join(tmpdir(), "jsqc-build-dist.lock");
  for (let waited = 0; ; waited += 100) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (waited > 120_000) await rm(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    let rebuilt = false;
    for (const pkg of pkgs) {
      if (!rebuilt && !(await stale(pkg))) continue;
      rebuilt = true;
      await run(join(repo, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json"], { cwd: join(repo, "packages", pkg) });
    }
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

describe("no eval, new Function or vm", () => {
  test("in our sources (packages/*/src)", async () => {
    const found: string[] = [];
    for (const pkg of await readdir(join(repo, "packages"))) {
      const src = join(repo, "packages", pkg, "src");
      const files = await sources(src).catch(() => [] as string[]);
      for (const f of files) for (const m of matches(await readFile(f, "utf8"))) found.push(`${relative(repo, f)} ${m}`);
    }
    expect(found).toEqual([]);
  });

  describe("in what the engine loads at run time", () => {
    let loads: string[] = [];
    let tmp: string;

    beforeAll(async () => {
      await buildDist(["dsl", "engine"]);
      tmp = await mkdtemp(join(tmpdir(), "jsqc-loads-"));
      const list = join(tmp, "loads.txt");
      const { stdout } = await run(process.execPath, [fileURLToPath(new URL("./supply-chain/run-engine.mjs", import.meta.url))], { env: { ...process.env, JSQC_LOADS: list } });
      expect(stdout.trim()).toBe("ok");
      loads = [...new Set((await readFile(list, "utf8")).trim().split("\n"))].map((u) => fileURLToPath(u));
    }, 120_000);

    afterAll(async () => {
      if (tmp) await rm(tmp, { recursive: true, force: true });
    });

    test("chevrotain, zod and our packages: every match is a known, unreached one", async () => {
      const deps = loads.filter((f) => f.includes("/node_modules/"));
      const ours = loads.filter((f) => !f.includes("/node_modules/"));
      // What is loaded: our built packages, chevrotain's single-file bundle, zod, and node-diff3
      // (the dsl's three-way merge of rule files); every one of their files is scanned below.
      const names = new Set(deps.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f.slice(f.lastIndexOf("/.pnpm/")))?.[1] ?? f));
      expect([...names].filter((n) => !/^(chevrotain|@chevrotain\/.*|lodash-es|zod|node-diff3)$/.test(n))).toEqual([]);
      expect(ours.every((f) => f.startsWith(join(repo, "packages")))).toBe(true);
      const found = new Map<string, string[]>();
      for (const f of loads) {
        const m = matches(await readFile(f, "utf8"));
        if (m.length > 0) found.set(f.replace(/^.*\/node_modules\/(?!.*\/node_modules\/)/, ""), m);
      }
      console.log(`[no-eval] the engine loads ${loads.length} files (${ours.length} ours, ${deps.length} from ${[...names].join(", ")}); matches: ${JSON.stringify(Object.fromEntries(found), null, 2)}`);
      expect([...found.keys()].sort()).toEqual(Object.keys(KNOWN).sort());
    });
  });

  test("our code paths reach none: compile and evaluate with eval and Function stubbed to throw", () => {
    const text = readFileSync(join(repo, "rules/2024.rules"), "utf8");
    const app = JSON.parse(readFileSync(join(repo, "examples/01-kunshan-ruitai-jingmi-muju.json"), "utf8"));
    const work = () => {
      const c = compile(text);
      if (!c.ok) throw new Error("does not compile");
      return {
        valid: evaluate(c.ruleset, app),
        lean: evaluate(c.ruleset, app, { trace: false }),
        invalid: evaluate(c.ruleset, { ...app, inputs: { ...app.inputs, 发明专利数: -1, 多余: 1 }, experts: [{ name: "x", scores: { "一.1": 99 } }] }),
        notAnObject: evaluate(c.ruleset, "x"),
        validate: validate(c.ruleset, { grade: "Z" }),
        schema: applicationJsonSchema(c.ruleset, "t"),
        broken: compile("ruleset { item").ok,
      };
    };
    const g = globalThis as Record<string, unknown>;
    const realEval = g["eval"];
    const realFunction = g["Function"];
    const calls: string[] = [];
    const stub = (name: string) => function stubbed(..._args: unknown[]) { calls.push(name); throw new Error(`${name} was called`); };
    let stubbedResult: ReturnType<typeof work>;
    g["eval"] = stub("eval");
    g["Function"] = stub("Function");
    try {
      stubbedResult = work();
    } finally {
      g["eval"] = realEval;
      g["Function"] = realFunction;
    }
    expect(calls).toEqual([]);
    expect(JSON.parse(JSON.stringify(stubbedResult))).toEqual(JSON.parse(JSON.stringify(work())));
    expect(stubbedResult.valid.ok).toBe(true);
    expect(stubbedResult.invalid.ok).toBe(false);
  });
});
