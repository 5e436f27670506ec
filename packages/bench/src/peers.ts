/**
 * `pnpm bench:peers`: our engine against the engines users would otherwise pick — json-rules-engine,
 * json-logic-js, json-logic-engine (compiled), GoRules ZEN — and the hand-written scorer, each
 * with the 2024 criteria encoded as faithfully as it allows (src/peers/).
 *
 * First every encoding must give the same total as our engine on 10,000 generated applications
 * (and, where it has them, the same vetoes, eligibility and outcome); a mismatch stops the run and
 * prints the application. Then each engine runs in its own process (dist/peers-worker.js), in
 * interleaved rounds, for: applications per second over 10,000 and 100,000 applications, cold
 * start (import, load and compile the rules, first result) and peak memory. Our engine runs with
 * and without the full trace; ZEN also with four evaluations in flight.
 *
 *   node packages/bench/dist/peers.js [--count 100000] [--check 10000] [--rounds 3] [--seed 2024] [--only a,b]
 *
 * Writes bench/results/peers.json and bench/results/peers.md.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { compile } from "@jsqc/engine";
import { arbApplication } from "@jsqc/engine/testing";
import { PEERS, type Application, type Outcome, type Peer } from "./peers/index.js";
import { root, rulesPath } from "./paths.js";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100000" },
    check: { type: "string", default: "10000" },
    rounds: { type: "string", default: "3" },
    seed: { type: "string", default: "2024" },
    only: { type: "string" },
  },
});
const count = Number(values.count);
const checkCount = Math.min(Number(values.check), count);
const rounds = Number(values.rounds);
const seed = Number(values.seed);
const SMALL = Math.min(10_000, count);

interface Variant { key: string; engine: string; inflight: number; label: string }
const ALL: Variant[] = [
  { key: "handwritten", engine: "handwritten", inflight: 1, label: "hand-written TypeScript" },
  { key: "ours", engine: "ours", inflight: 1, label: "our engine, no trace" },
  { key: "ours-trace", engine: "ours-trace", inflight: 1, label: "our engine, full trace" },
  { key: "json-rules-engine", engine: "json-rules-engine", inflight: 1, label: "json-rules-engine" },
  { key: "json-logic-js", engine: "json-logic-js", inflight: 1, label: "json-logic-js" },
  { key: "json-logic-engine", engine: "json-logic-engine", inflight: 1, label: "json-logic-engine (compiled)" },
  { key: "zen-engine", engine: "zen-engine", inflight: 1, label: "zen-engine" },
  { key: "zen-engine-x4", engine: "zen-engine", inflight: 4, label: "zen-engine, 4 in flight" },
];
const only = values.only ? new Set(values.only.split(",")) : null;
const variants = ALL.filter((v) => !only || only.has(v.key) || v.key === "ours" || v.key === "handwritten");
const PEER_KEYS = ["json-rules-engine", "json-logic-js", "json-logic-engine", "zen-engine", "zen-engine-x4"];

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
const t0 = performance.now();
const apps = fc
  .sample(arbApplication(compiled.ruleset, { maxList: 4, maxExperts: 5 }), { numRuns: count, seed })
  .map((a) => JSON.parse(JSON.stringify(a)) as Application);
const dir = mkdtempSync(join(tmpdir(), "jsqc-bench-peers-"));
const appsFile = join(dir, "apps.jsonl");
await new Promise<void>((resolve, reject) => {
  const out = createWriteStream(appsFile);
  out.on("error", reject);
  for (let i = 0; i < apps.length; i += 1000) out.write(apps.slice(i, i + 1000).map((a) => JSON.stringify(a)).join("\n") + "\n");
  out.end(resolve);
});
console.log(`generated ${fmt(apps.length)} applications in ${((performance.now() - t0) / 1000).toFixed(1)} s (seed ${seed}, up to 4 list entries and 5 experts)`);

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
      console.error(`\n${peer.name} disagrees with our engine on application ${k}:`);
      console.error(JSON.stringify(app, null, 2));
      console.error({ ours: want, [peer.name]: error ? String(error) : got });
      rmSync(dir, { recursive: true, force: true });
      process.exit(1);
    }
  }
  console.log(`  ${peer.name.padEnd(30)} agrees on ${fmt(checkCount)} applications (${peer.outcome ? "total, vetoes, eligibility, outcome" : "total"})`);
}
peers.clear();

// --- timing, each engine in its own process, interleaved rounds ----------------------------------

interface Sample { coldMs: number; rateSmall: number; rateAll: number; peakRssMiB: number; baseRssMiB: number }

function runWorker(v: Variant): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", join(here, "peers-worker.js"), v.engine, "--apps", appsFile, "--inflight", String(v.inflight), "--small", String(SMALL)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
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

const samples = new Map<string, Sample[]>(variants.map((v) => [v.key, []]));
const loadBefore = loadavg()[1]!;
for (let round = 1; round <= rounds; round++) {
  const order = round % 2 ? variants : [...variants].reverse();
  const line: string[] = [];
  for (const v of order) {
    const s = await runWorker(v);
    samples.get(v.key)!.push(s);
    line.push(`${v.key} ${fmt(s.rateAll)}/s`);
  }
  console.log(`round ${round}/${rounds}: ${line.join(", ")}`);
}
rmSync(dir, { recursive: true, force: true });
const loadAfter = loadavg()[1]!;

// --- report --------------------------------------------------------------------------------------

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
interface Row {
  key: string; engine: string; library: string; version: string; covers: string; adapter: string;
  appsPerSecond10k: number; appsPerSecond100k: number; coldStartMs: number; peakRssMiB: number; rssOverDataMiB: number;
  vsOurs: number; vsHandwritten: number;
}
const describe = new Map<string, Peer>();
for (const key of engineKeys) describe.set(key, await PEERS[key]!());
const rows: Row[] = variants.map((v) => {
  const ss = samples.get(v.key)!;
  const p = describe.get(v.engine)!;
  return {
    key: v.key, engine: v.label, library: p.library, version: p.library.startsWith("@jsqc") || p.library === "—" ? "—" : version(p.library),
    covers: p.covers, adapter: p.adapter,
    appsPerSecond10k: Math.max(...ss.map((s) => s.rateSmall)),
    appsPerSecond100k: Math.max(...ss.map((s) => s.rateAll)),
    coldStartMs: median(ss.map((s) => s.coldMs)),
    peakRssMiB: median(ss.map((s) => s.peakRssMiB)),
    rssOverDataMiB: median(ss.map((s) => s.peakRssMiB - s.baseRssMiB)),
    vsOurs: 0, vsHandwritten: 0,
  };
});
const rate = (key: string) => rows.find((r) => r.key === key)?.appsPerSecond100k ?? NaN;
for (const r of rows) { r.vsOurs = r.appsPerSecond100k / rate("ours"); r.vsHandwritten = r.appsPerSecond100k / rate("handwritten"); }

const kilo = (n: number) => (n >= 1000 ? fmt(n) : n.toFixed(0));
const headers = ["engine", `apps/s ${fmt(SMALL)}`, `apps/s ${fmt(count)}`, "cold start ms", "peak RSS MiB", "RSS over data MiB", "× ours (no trace)", "× hand-written", "encodes"];
const encodes = (r: Row) => (r.covers.startsWith("totals, vetoes") ? "all" : "totals only");
const cells = rows.map((r) => [r.engine, kilo(r.appsPerSecond10k), kilo(r.appsPerSecond100k), r.coldStartMs.toFixed(1), r.peakRssMiB.toFixed(0), r.rssOverDataMiB.toFixed(0), `${r.vsOurs.toFixed(3)}×`, `${r.vsHandwritten.toFixed(3)}×`, encodes(r)]);
const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
const text = (c: string[]) => c.map((x, i) => (i === 0 || i === c.length - 1 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join("  ").trimEnd();

const peerRows = rows.filter((r) => PEER_KEYS.includes(r.key));
const fastestPeer = peerRows.reduce<Row | null>((b, r) => (!b || r.appsPerSecond100k > b.appsPerSecond100k ? r : b), null);
const oursRate = rate("ours");
const traceRate = rate("ours-trace");
const goals = fastestPeer ? [
  `full trace faster than every peer on ${fmt(count)}: ${traceRate > fastestPeer.appsPerSecond100k ? "met" : "NOT met"} (${fmt(traceRate)} vs ${fastestPeer.engine} ${fmt(fastestPeer.appsPerSecond100k)}/s, ${(traceRate / fastestPeer.appsPerSecond100k).toFixed(2)}×)`,
  `no trace ≥ 2× the fastest peer: ${oursRate >= 2 * fastestPeer.appsPerSecond100k ? "met" : "NOT met"} (${(oursRate / fastestPeer.appsPerSecond100k).toFixed(2)}×)`,
  `no trace ≥ 0.25× hand-written: ${oursRate >= 0.25 * rate("handwritten") ? "met" : "NOT met"} (${(oursRate / rate("handwritten")).toFixed(3)}×)`,
] : [];
const notes = rows.filter((r) => !r.key.startsWith("ours") && r.key !== "zen-engine-x4").map((r) =>
  `${r.engine}${r.version !== "—" ? ` ${r.version}` : ""}: encodes ${r.covers}${r.covers.startsWith("totals, vetoes") ? "" : " (vetoes and eligibility left out: no date arithmetic)"}; adapter precomputes: ${r.adapter}`);
const env = `Node ${process.version}, ${cpus()[0]?.model ?? "?"} × ${cpus().length}, ${fmt(count)} applications (seed ${seed}), each engine in its own process, ${rounds} interleaved rounds: best apps/s, median cold start and memory; 5-minute load average ${loadBefore.toFixed(1)} before timing, ${loadAfter.toFixed(1)} after`;

console.log(`\n${env}`);
console.log(text(headers));
for (const c of cells) console.log(text(c));
console.log("");
for (const n of notes) console.log(`  ${n}`);
console.log("");
for (const g of goals) console.log(`target: ${g}`);

const outDir = join(root, "bench/results");
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "peers.json"), JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, count, small: SMALL, checked: checkCount, rounds, seed, rows, goals, samples: Object.fromEntries(samples) }, null, 2) + "\n");
const md = [
  "# Peers: the 2024 criteria in the engines users would otherwise pick",
  "",
  `Generated by \`pnpm bench:peers\` on ${new Date().toISOString().slice(0, 10)}. ${env}.`,
  `Every encoding gave the same totals as our engine on ${fmt(checkCount)} applications first.`,
  "",
  `| ${headers.join(" | ")} |`,
  `| ${headers.map((_, i) => (i === 0 || i === headers.length - 1 ? "---" : "---:")).join(" | ")} |`,
  ...cells.map((c) => `| ${c.join(" | ")} |`),
  "",
  ...notes.map((n) => `- ${n}`),
  "",
  ...goals.map((g) => `- target: ${g}`),
  "",
].join("\n");
writeFileSync(join(outDir, "peers.md"), md);
console.log(`\nwrote bench/results/peers.json and bench/results/peers.md`);
