/**
 * `pnpm bench:peers`: our engine against the engines users would otherwise pick — json-rules-engine,
 * json-logic-js, json-logic-engine (compiled; pure JsonLogic and with a custom operator), GoRules
 * ZEN (one and four evaluations in flight) — and the hand-written scorer, each with the 2024
 * criteria encoded as faithfully as it allows (src/peers/), on two workloads (src/workloads.ts):
 * today's expert-heavy applications and the neutral shape of issue 14 (one expert, full or zero).
 *
 * First every encoding must give the same total as our engine on `--check` applications of each
 * workload (and, where it has them, the same vetoes, eligibility and outcome); a mismatch stops
 * the run and prints the application. Then each engine runs in its own process
 * (dist/peers-worker.js) in interleaved rounds (the order reverses every round): cold start, a
 * warm-up, then `--passes` timed passes over all applications. Reported: the median of every timed
 * pass over all rounds, the median cold start and memory, and ratios to json-logic-engine (the
 * fastest peer; the better of its two encodings) measured in the same run.
 *
 *   node packages/bench/dist/peers.js [--count 20000] [--check 10000] [--rounds 3] [--passes 3]
 *        [--warmup 200000] [--warmup-seconds 3] [--seed 2024] [--only a,b] [--workload experts|neutral|both]
 *
 * Writes bench/results/peers.json and bench/results/peers.md.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compile } from "@jsqc/engine";
import { PEERS, type Application, type Outcome, type Peer } from "./peers/index.js";
import { root, rulesPath } from "./paths.js";
import { buildAotModule } from "./aot-module.js";
import { generateWorkload, WORKLOADS, WORKLOAD_TEXT, type WorkloadName } from "./workloads.js";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "20000" },
    check: { type: "string", default: "10000" },
    rounds: { type: "string", default: "3" },
    passes: { type: "string", default: "3" },
    warmup: { type: "string", default: "200000" },
    "warmup-seconds": { type: "string", default: "3" },
    seed: { type: "string", default: "2024" },
    only: { type: "string" },
    workload: { type: "string", default: "both" },
  },
});
const count = Number(values.count);
const checkCount = Math.min(Number(values.check), count);
const rounds = Number(values.rounds);
const seed = Number(values.seed);
const workloads: WorkloadName[] = values.workload === "both" ? [...WORKLOADS] : [values.workload as WorkloadName];
if (!workloads.every((w) => WORKLOADS.includes(w))) throw new Error(`--workload: experts, neutral or both`);

interface Variant { key: string; engine: string; inflight: number; label: string }
const ALL: Variant[] = [
  { key: "handwritten", engine: "handwritten", inflight: 1, label: "hand-written TypeScript" },
  { key: "ours", engine: "ours", inflight: 1, label: "our engine, no trace" },
  { key: "ours-trace", engine: "ours-trace", inflight: 1, label: "our engine, full trace" },
  { key: "ours-aot", engine: "ours-aot", inflight: 1, label: "our engine compiled (jsqc build), no trace" },
  { key: "json-rules-engine", engine: "json-rules-engine", inflight: 1, label: "json-rules-engine (dynamic facts)" },
  { key: "json-logic-js", engine: "json-logic-js", inflight: 1, label: "json-logic-js" },
  { key: "json-logic-engine", engine: "json-logic-engine", inflight: 1, label: "json-logic-engine (compiled)" },
  { key: "json-logic-engine-ops", engine: "json-logic-engine-ops", inflight: 1, label: "json-logic-engine (compiled, custom operator)" },
  { key: "zen-engine", engine: "zen-engine", inflight: 1, label: "zen-engine" },
  { key: "zen-engine-x4", engine: "zen-engine", inflight: 4, label: "zen-engine, 4 in flight" },
  { key: "zen-engine-batch", engine: "zen-engine-batch", inflight: 1, label: "zen-engine, batch graph (100 per call)" },
];
const only = values.only ? new Set(values.only.split(",")) : null;
const REFERENCE = ["json-logic-engine", "json-logic-engine-ops"];
const variants = ALL.filter((v) => !only || only.has(v.key) || v.key === "ours" || REFERENCE.includes(v.key));
const PEER_KEYS = ["json-rules-engine", "json-logic-js", "json-logic-engine", "json-logic-engine-ops", "zen-engine", "zen-engine-x4", "zen-engine-batch"];

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const here = dirname(fileURLToPath(import.meta.url));

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, "packages/bench/node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

// --- applications --------------------------------------------------------------------------------

const compiled = compile(readFileSync(rulesPath("2024.rules"), "utf8"), "2024.rules");
if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
const dir = mkdtempSync(join(tmpdir(), "jsqc-bench-peers-"));
const appsFiles = new Map<WorkloadName, string>();
const appsOf = new Map<WorkloadName, Application[]>();
for (const w of workloads) {
  const t0 = performance.now();
  const apps = generateWorkload<Application>(compiled.ruleset, w, count, seed);
  const file = join(dir, `${w}.jsonl`);
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(file);
    out.on("error", reject);
    for (let i = 0; i < apps.length; i += 1000) out.write(apps.slice(i, i + 1000).map((a) => JSON.stringify(a)).join("\n") + "\n");
    out.end(resolve);
  });
  appsFiles.set(w, file);
  appsOf.set(w, apps);
  console.log(`generated ${fmt(apps.length)} applications, ${WORKLOAD_TEXT[w]} (seed ${seed}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

// The compiled module (peer ours-aot) from the current rule file and engine, before any worker imports it.
if (variants.some((v) => v.engine === "ours-aot")) await buildAotModule();

// --- agreement -----------------------------------------------------------------------------------

const ours = await PEERS["ours"]!();
ours.load();
const engineKeys = [...new Set(variants.map((v) => v.engine))];
const peers = new Map<string, Peer>();
for (const key of engineKeys) {
  const peer = await PEERS[key]!();
  await peer.load();
  peers.set(key, peer);
}
for (const w of workloads) {
  const apps = appsOf.get(w)!;
  for (const key of engineKeys) {
    const peer = peers.get(key)!;
    for (let k = 0; k < checkCount; k++) {
      const app = apps[k]!;
      const want = ours.outcome!(app) as Outcome;
      let got: Partial<Outcome>;
      let error: unknown = null;
      try {
        got = peer.outcome ? await peer.outcome(app) : { total: await peer.score(app) };
      } catch (err) {
        got = {};
        error = err;
      }
      const same = got.total === want.total &&
        (!peer.outcome || (got.vetoed === want.vetoed && got.eligible === want.eligible && got.granted === want.granted));
      if (!same) {
        console.error(`\n${peer.name} disagrees with our engine on ${w} application ${k}:`);
        console.error(JSON.stringify(app, null, 2));
        console.error({ ours: want, [peer.name]: error ? String(error) : got });
        rmSync(dir, { recursive: true, force: true });
        process.exit(1);
      }
    }
    console.log(`  ${w}: ${peer.name.padEnd(46)} agrees on ${fmt(checkCount)} applications (${peer.outcome ? "total, vetoes, eligibility, outcome" : "total"})`);
  }
}
peers.clear();
appsOf.clear();

// --- timing, each engine in its own process, interleaved rounds ----------------------------------

interface Sample { coldMs: number; rate: number; rates: number[]; peakRssMiB: number; baseRssMiB: number }

function runWorker(v: Variant, w: WorkloadName): Promise<Sample> {
  const args = [
    "--expose-gc", join(here, "peers-worker.js"), v.engine, "--apps", appsFiles.get(w)!, "--inflight", String(v.inflight),
    "--passes", values.passes!, "--warmup", values.warmup!, "--warmup-seconds", values["warmup-seconds"]!,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`${v.key} worker exited with ${code}`));
      const line = out.trim().split("\n").pop() ?? "";
      try { resolve(JSON.parse(line) as Sample); } catch { reject(new Error(`${v.key} worker printed: ${out}`)); }
    });
  });
}

const sampleKey = (w: WorkloadName, v: Variant) => `${w}/${v.key}`;
const samples = new Map<string, Sample[]>();
const loadBefore = loadavg()[1]!;
for (let round = 1; round <= rounds; round++) {
  for (const w of workloads) {
    const order = round % 2 ? variants : [...variants].reverse();
    const line: string[] = [];
    for (const v of order) {
      const s = await runWorker(v, w);
      const list = samples.get(sampleKey(w, v)) ?? [];
      list.push(s);
      samples.set(sampleKey(w, v), list);
      line.push(`${v.key} ${fmt(s.rate)}/s`);
    }
    console.log(`round ${round}/${rounds}, ${w}: ${line.join(", ")}`);
  }
}
rmSync(dir, { recursive: true, force: true });
const loadAfter = loadavg()[1]!;

// --- report --------------------------------------------------------------------------------------

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
interface Row {
  workload: WorkloadName; key: string; engine: string; library: string; version: string; covers: string; adapter: string;
  appsPerSecond: number; microseconds: number; coldStartMs: number; peakRssMiB: number;
  vsJsonLogicEngine: number; vsOurs: number;
}
const describe = new Map<string, Peer>();
for (const key of engineKeys) describe.set(key, await PEERS[key]!());
const rows: Row[] = [];
for (const w of workloads) {
  const mine: Row[] = variants.map((v) => {
    const ss = samples.get(sampleKey(w, v))!;
    const p = describe.get(v.engine)!;
    const rate = median(ss.flatMap((s) => s.rates));
    return {
      workload: w, key: v.key, engine: v.label, library: p.library, version: p.library.startsWith("@jsqc") || p.library === "—" ? "—" : version(p.library),
      covers: p.covers, adapter: p.adapter,
      appsPerSecond: rate, microseconds: 1e6 / rate,
      coldStartMs: median(ss.map((s) => s.coldMs)),
      peakRssMiB: median(ss.map((s) => s.peakRssMiB)),
      vsJsonLogicEngine: 0, vsOurs: 0,
    };
  });
  const ref = Math.max(...mine.filter((r) => REFERENCE.includes(r.key)).map((r) => r.appsPerSecond));
  const oursRate = mine.find((r) => r.key === "ours")!.appsPerSecond;
  for (const r of mine) { r.vsJsonLogicEngine = r.appsPerSecond / ref; r.vsOurs = r.appsPerSecond / oursRate; }
  rows.push(...mine);
}

const headers = ["engine", "apps/s (median)", "µs/app", "× json-logic-engine", "× ours (no trace)", "cold start ms", "peak RSS MiB", "encodes"];
const encodes = (r: Row) => (r.covers.startsWith("totals, vetoes") ? "all" : "totals only");
const cellsOf = (w: WorkloadName) => rows.filter((r) => r.workload === w).map((r) => [
  r.engine, fmt(r.appsPerSecond), r.microseconds.toFixed(1), `${r.vsJsonLogicEngine.toFixed(2)}×`, `${r.vsOurs.toFixed(2)}×`,
  r.coldStartMs.toFixed(0), r.peakRssMiB.toFixed(0), encodes(r),
]);
const text = (c: string[], widths: number[]) => c.map((x, i) => (i === 0 || i === c.length - 1 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join("  ").trimEnd();

const goals: string[] = [];
for (const w of workloads) {
  const get = (key: string) => rows.find((r) => r.workload === w && r.key === key);
  const noTrace = get("ours")!.vsJsonLogicEngine;
  const trace = get("ours-trace")?.vsJsonLogicEngine;
  goals.push(`${w}: no trace ≥ 2× json-logic-engine: ${noTrace >= 2 ? "met" : "NOT met"} (${noTrace.toFixed(2)}×)`);
  if (trace !== undefined) goals.push(`${w}: full trace ≥ 1× json-logic-engine: ${trace >= 1 ? "met" : "NOT met"} (${trace.toFixed(2)}×)`);
  const aot = get("ours-aot")?.vsJsonLogicEngine;
  if (aot !== undefined) goals.push(`${w}: compiled module (jsqc build), no trace, ≥ 2× json-logic-engine: ${aot >= 2 ? "met" : "NOT met"} (${aot.toFixed(2)}×)`);
}
const peerNotes = rows.filter((r) => r.workload === workloads[0] && !r.key.startsWith("ours") && r.key !== "zen-engine-x4" && r.key !== "zen-engine-batch").map((r) =>
  `${r.engine}${r.version !== "—" ? ` ${r.version}` : ""}: encodes ${r.covers}${r.covers.startsWith("totals, vetoes") ? "" : " (vetoes and eligibility left out: no date arithmetic)"}; outside the engine: ${r.adapter}`);
const env = `Node ${process.version}, ${cpus()[0]?.model ?? "?"} × ${cpus().length}, ${fmt(count)} applications per workload (seed ${seed}), each engine in its own process, ${rounds} interleaved rounds × ${values.passes} timed passes after a warm-up (${values.warmup} evaluations or ${values["warmup-seconds"]} s); medians; 5-minute load average ${loadBefore.toFixed(1)} before timing, ${loadAfter.toFixed(1)} after`;

console.log(`\n${env}`);
const md: string[] = [
  "# Peers: the 2024 criteria in the engines users would otherwise pick",
  "",
  `Generated by \`pnpm bench:peers\` on ${new Date().toISOString().slice(0, 10)}. ${env}.`,
  `Every encoding gave the same totals as our engine (and, where it has them, vetoes, eligibility and outcome) on ${fmt(checkCount)} applications of each workload first.`,
  "",
];
for (const w of workloads) {
  const cells = cellsOf(w);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  console.log(`\n${WORKLOAD_TEXT[w]}`);
  console.log(text(headers, widths));
  for (const c of cells) console.log(text(c, widths));
  md.push(`## ${WORKLOAD_TEXT[w]}`, "", `| ${headers.join(" | ")} |`, `| ${headers.map((_, i) => (i === 0 || i === headers.length - 1 ? "---" : "---:")).join(" | ")} |`, ...cells.map((c) => `| ${c.join(" | ")} |`), "");
}
console.log("");
for (const n of peerNotes) console.log(`  ${n}`);
console.log("");
for (const g of goals) console.log(`target: ${g}`);
md.push(...peerNotes.map((n) => `- ${n}`), "", ...goals.map((g) => `- target: ${g}`), "");

const outDir = join(root, "bench/results");
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "peers.json"), JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, count, checked: checkCount, rounds, passes: Number(values.passes), seed, loadBefore, loadAfter, rows, goals, samples: Object.fromEntries(samples) }, null, 2) + "\n");
writeFileSync(join(outDir, "peers.md"), md.join("\n"));
console.log(`\nwrote bench/results/peers.json and bench/results/peers.md`);
