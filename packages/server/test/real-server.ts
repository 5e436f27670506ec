/**
 * The real server as a child process, for the load, limits and crash tests: the built
 * `packages/server/dist/main.js` (with the built @jsqc/dsl and @jsqc/engine it imports), on a
 * loopback port the operating system picks, and raw HTTP requests to it.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { request as httpRequest } from "node:http";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const repo = fileURLToPath(new URL("../../../", import.meta.url));
const run = promisify(execFile);

let built: Promise<void> | null = null;

/** Whether a package's dist/ is missing or older than a file of its src/. */
async function stale(pkg: string): Promise<boolean> {
  const out = await stat(join(repo, "packages", pkg, "dist/index.js")).then((s) => s.mtimeMs, () => 0);
  for (const e of await readdir(join(repo, "packages", pkg, "src"), { withFileTypes: true, recursive: true })) {
    if (e.isFile() && (await stat(join(e.parentPath, e.name))).mtimeMs > out) return true;
  }
  return false;
}

/**
 * Builds dsl, engine and server into their dist/ folders (`tsc -p tsconfig.build.json`, as
 * `pnpm build` does) where they are missing or older than their sources — `npm test` has built
 * them already. Test files run side by side, so the build holds a lock (a folder made
 * atomically) and a dist/ that is up to date is never rewritten while another reads it.
 */
export function buildServerDist(): Promise<void> {
  built ??= (async () => {
    const pkgs = ["dsl", "engine", "paper", "server"];
    if (!(await Promise.all(pkgs.map(stale))).some(Boolean)) return;
    const lock = join(tmpdir(), "jsqc-build-dist.lock");
    for (let waited = 0; ; waited += 100) {
      try {
        await mkdir(lock);
        break;
      } catch {
        if (waited > 120_000) await rm(lock, { recursive: true, force: true }); // a lock left by a killed run
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    try {
      const tsc = join(repo, "node_modules/.bin/tsc");
      let rebuilt = false;
      for (const pkg of pkgs) {
        // A package after a rebuilt one is rebuilt too: it is type-checked against its dist.
        if (!rebuilt && !(await stale(pkg))) continue;
        rebuilt = true;
        try {
          await run(tsc, ["-p", "tsconfig.build.json"], { cwd: join(repo, "packages", pkg) });
        } catch (err) {
          const e = err as { stdout?: string; stderr?: string };
          throw new Error(`building packages/${pkg} failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
        }
      }
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  })();
  return built;
}

export interface RealServer {
  readonly base: string;
  readonly child: ChildProcess;
  /** What the server printed on stderr (for a failing test's message). */
  readonly stderr: () => string;
  /** Ends the server with SIGTERM (a clean shutdown) and waits for it to exit. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown, no flush; waits for the process to be gone. */
  kill(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Ends every server this test file started that is still running (for afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  })));
}

/** The environment without the server's own settings (no accounts, no editor, …). */
function serverEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("JSQC_")) delete env[key];
  return env;
}

/** Starts `node packages/server/dist/main.js --rules <dir> --port 0` and waits until it listens. */
export async function startServer(rulesDir: string, args: string[] = []): Promise<RealServer> {
  const child = spawn(process.execPath, [join(repo, "packages/server/dist/main.js"), "--rules", rulesDir, "--port", "0", ...args], {
    cwd: repo,
    stdio: ["ignore", "pipe", "pipe"],
    env: serverEnv(),
  });
  running.add(child);
  let out = "";
  let err = "";
  child.stderr!.on("data", (c: Buffer) => { err += c.toString("utf8"); });
  const exited = new Promise<void>((resolve) => child.once("exit", () => { running.delete(child); resolve(); }));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 30 s:\n${out}\n${err}`)), 30_000);
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      const m = /API: (http:\/\/[^\s/]+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    });
    child.once("exit", (code, signal) => { clearTimeout(timer); reject(new Error(`the server exited (${code ?? signal}) before listening:\n${out}\n${err}`)); });
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { base, child, stderr: () => err, stop: () => end("SIGTERM"), kill: () => end("SIGKILL") };
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: any;
}

export interface RequestOptions {
  readonly headers?: Record<string, string | number>;
  readonly body?: string | Buffer;
  /** Sends the body this many bytes at a time, waiting `delayMs` between pieces (a slow client). */
  readonly chunk?: { readonly bytes: number; readonly delayMs: number };
  readonly timeoutMs?: number;
}

/** One request over a fresh connection (the path exactly as given); never rejects on a status. */
export function request(base: string, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, "utf8");
    const headers: Record<string, string | number> = { ...options.headers };
    if (body !== undefined) {
      headers["content-type"] ??= "application/json";
      headers["content-length"] ??= body.length;
    }
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode!, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`no answer in ${options.timeoutMs} ms`)));
    if (body === undefined) return void req.end();
    if (!options.chunk) return void req.end(body);
    const { bytes, delayMs } = options.chunk;
    let at = 0;
    const next = () => {
      if (req.destroyed) return;
      if (at >= body.length) return void req.end();
      req.write(body.subarray(at, at + bytes));
      at += bytes;
      setTimeout(next, delayMs);
    };
    next();
  });
}

/** No stack trace, source path or file-system path in an answer. */
export function leaks(text: string): boolean {
  return /\bat .*\(.*:\d+:\d+\)|node_modules|\/work\/|\/tmp\/|\.ts:\d+|\.js:\d+/.test(text);
}
