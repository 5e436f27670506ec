/**
 * `pnpm bench:cold`: how long things take from nothing, as a user meets them. In interleaved
 * rounds (the order reverses every round), each a fresh process:
 *
 * - whole-process wall time of `node -e 0` (the floor), `jsqc check rules/2024.rules` and
 *   `jsqc eval rules/2024.rules <one application>` three ways: with the CLI's cache of parsed rule
 *   files warm (an entry for the file exists: the usual case after the first run), cold (an empty
 *   cache directory for every run: the parse, plus writing the entry) and `--no-cache`;
 * - import → first result for our engine and each peer (src/cold-worker.ts: import the library,
 *   load and compile the 2024 rules, score one application), and that process's wall time;
 *   for the compiled module (ours-aot, built here first), import of the module → first result.
 *
 * Prints medians (and the spread) and the ratios the issue asks about.
 *
 *   node packages/bench/dist/cold.js [--rounds 15] [--only a,b]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { PEERS } from "./peers/index.js";
import { root } from "./paths.js";
import { buildAotModule } from "./aot-module.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "15" },
    only: { type: "string" },
  },
});
const rounds = Math.max(1, Number(values.rounds));
const here = dirname(fileURLToPath(import.meta.url));
const cli = join(root, "packages/cli/dist/main.js");
const rules = join(root, "rules/2024.rules");
const application = join(root, "examples/01-kunshan-ruitai-jingmi-muju.json");

interface Job { key: string; label: string; args: string[]; firstResult: boolean; env?: () => Record<string, string> }
// The cache directories: one kept warm across rounds, and a fresh empty one for every cold run.
const scratch = mkdtempSync(join(tmpdir(), "jsqc-bench-cold-"));
const warmCache = join(scratch, "warm");
let coldRuns = 0;
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
const ENGINES = Object.keys(PEERS).filter((k) => k !== "ours-trace");
const jobs: Job[] = [
  { key: "node", label: "node -e 0", args: ["-e", "0"], firstResult: false },
  { key: "check", label: "jsqc check rules/2024.rules", args: [cli, "check", rules], firstResult: false },
  { key: "eval", label: "jsqc eval rules/2024.rules <application> (cache warm)", args: [cli, "eval", rules, application], firstResult: false, env: () => ({ JSQC_CACHE_DIR: warmCache }) },
  { key: "eval-cold", label: "jsqc eval … (cache cold)", args: [cli, "eval", rules, application], firstResult: false, env: () => ({ JSQC_CACHE_DIR: join(scratch, `cold-${coldRuns++}`) }) },
  { key: "eval-no-cache", label: "jsqc eval … --no-cache", args: [cli, "eval", rules, application, "--no-cache"], firstResult: false },
  ...ENGINES.map((k) => ({ key: k, label: k === "ours" ? "our engine: import → first result" : k === "ours-aot" ? "compiled module (jsqc build): import → first result" : `${k}: import → first result`, args: [join(here, "cold-worker.js"), k, application], firstResult: true })),
].filter((j) => !values.only || values.only.split(",").includes(j.key) || j.key === "node");

interface Sample { wallMs: number; firstResultMs: number | null }

function once(job: Job): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const env = { ...process.env, ...job.env?.() };
    delete env["JSQC_NO_CACHE"];
    const child = spawn(process.execPath, job.args, { stdio: ["ignore", "pipe", "pipe"], cwd: root, env });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    child.stderr.on("data", (d: Buffer) => { err += d.toString(); });
    child.once("error", reject);
    child.once("exit", (code) => {
      const wallMs = performance.now() - start;
      if (code !== 0) return reject(new Error(`${job.label} exited with ${code}: ${err.slice(0, 500)}`));
      if (!job.firstResult) return resolve({ wallMs, firstResultMs: null });
      try {
        const line = JSON.parse(out.trim().split("\n").pop() ?? "") as { firstResultMs: number };
        resolve({ wallMs, firstResultMs: line.firstResultMs });
      } catch {
        reject(new Error(`${job.label} printed: ${out}`));
      }
    });
  });
}

// The compiled module (ours-aot) from the current rule file and engine, before any worker imports it.
if (jobs.some((j) => j.key === "ours-aot")) await buildAotModule();
const samples = new Map<string, Sample[]>(jobs.map((j) => [j.key, []]));
// One untimed round: the file system cache and the CPU frequency settle.
for (const j of jobs) await once(j);
const loadBefore = loadavg()[0]!;
for (let r = 0; r < rounds; r++) {
  for (const j of r % 2 ? [...jobs].reverse() : jobs) samples.get(j.key)!.push(await once(j));
}
const loadAfter = loadavg()[0]!;

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const nodeMs = median(samples.get("node")!.map((s) => s.wallMs));
console.log(`Node ${process.version}, ${cpus()[0]?.model ?? "?"} × ${cpus().length}, ${rounds} interleaved rounds after one untimed round; medians (p10–p90); 1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (the machine is shared)`);
console.log("");
const rows = jobs.map((j) => {
  const ss = samples.get(j.key)!;
  const wall = ss.map((s) => s.wallMs);
  const first = ss.map((s) => s.firstResultMs).filter((x): x is number => x !== null);
  return {
    what: j.label,
    wall: `${median(wall).toFixed(0)} ms (${q(wall, 0.1).toFixed(0)}–${q(wall, 0.9).toFixed(0)})`,
    ratio: `${(median(wall) / nodeMs).toFixed(2)}× node -e 0`,
    first: first.length ? `${median(first).toFixed(1)} ms (${q(first, 0.1).toFixed(1)}–${q(first, 0.9).toFixed(1)})` : "",
  };
});
const headers = { what: "process", wall: "whole process", ratio: "ratio", first: "import → first result" };
const w = (k: keyof typeof headers) => Math.max(headers[k].length, ...rows.map((r) => r[k].length));
const line = (r: typeof headers) => `${r.what.padEnd(w("what"))}  ${r.wall.padStart(w("wall"))}  ${r.ratio.padStart(w("ratio"))}  ${r.first.padStart(w("first"))}`.trimEnd();
console.log(line(headers));
for (const r of rows) console.log(line(r));
console.log("");
const evalMs = median(samples.get("eval")?.map((s) => s.wallMs) ?? [NaN]);
const oursFirst = median(samples.get("ours")?.map((s) => s.firstResultMs ?? NaN) ?? [NaN]);
const ratioOf = (key: string) => median(samples.get(key)?.map((s) => s.wallMs) ?? [NaN]) / nodeMs;
console.log(`target: jsqc eval ≤ 2× node -e 0 (cache warm): ${evalMs <= 2 * nodeMs ? "met" : "NOT met"} (${(evalMs / nodeMs).toFixed(2)}×; cache cold ${ratioOf("eval-cold").toFixed(2)}×, --no-cache ${ratioOf("eval-no-cache").toFixed(2)}×)`);
if (samples.has("ours")) console.log(`target: import of the engine → first result ≤ 20 ms: ${oursFirst <= 20 ? "met" : "NOT met"} (${oursFirst.toFixed(1)} ms)`);
const aotFirst = samples.get("ours-aot") ? median(samples.get("ours-aot")!.map((s) => s.firstResultMs ?? NaN)) : null;
if (aotFirst !== null) console.log(`target: import of a compiled ruleset → first result ≤ 20 ms: ${aotFirst <= 20 ? "met" : "NOT met"} (${aotFirst.toFixed(1)} ms)`);
