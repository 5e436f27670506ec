/**
 * One engine's measurements for `pnpm bench:peers`, in a process of its own (so no engine's
 * JIT state, heap or native threads colour another's): reads the generated applications
 * (JSON Lines, one parsed at a time, so reading leaves no large transient), then times the cold
 * start (import the library, load and compile the rules, score the first application), warms up
 * with untimed evaluations (`--warmup` of them, or `--warmup-seconds`, whichever ends first), times `--passes`
 * passes over all of them and reports their median rate and peak memory. Prints one JSON line.
 *
 *   node --expose-gc packages/bench/dist/peers-worker.js <engine> --apps FILE [--inflight 1] [--warmup 200000] [--warmup-seconds 3] [--passes 3]
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { PEERS, type Application, type Peer } from "./peers/index.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    apps: { type: "string" },
    inflight: { type: "string", default: "1" },
    batch: { type: "string", default: "100" },
    warmup: { type: "string", default: "200000" },
    "warmup-seconds": { type: "string", default: "3" },
    passes: { type: "string", default: "3" },
  },
});
const key = positionals[0] ?? "";
const load = PEERS[key];
if (!load || !values.apps) {
  console.error(`usage: peers-worker <${Object.keys(PEERS).join("|")}> --apps FILE [--inflight N] [--warmup N] [--passes N]`);
  process.exit(2);
}
const inflight = Math.max(1, Number(values.inflight));
/** Applications per call for a peer with a batch form (`scoreBatch`). */
const batchSize = Math.max(1, Number(values.batch));
const warmup = Math.max(0, Number(values.warmup));
const warmupMs = Math.max(0, Number(values["warmup-seconds"])) * 1000;
const passes = Math.max(1, Number(values.passes));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const MiB = 1024 * 1024;

const apps: Application[] = [];
for await (const line of createInterface({ input: createReadStream(values.apps), crlfDelay: Infinity })) {
  if (line) apps.push(JSON.parse(line) as Application);
}
gc();
gc();
const baseRss = process.memoryUsage().rss;
let peakRss = baseRss;
const sample = () => { const r = process.memoryUsage.rss(); if (r > peakRss) peakRss = r; };

let sink = 0;

async function pass(peer: Peer, n: number, gcFirst = true): Promise<number> {
  if (gcFirst) gc();
  const start = performance.now();
  if (peer.scoreBatch) {
    for (let i = 0; i < n; i += batchSize) {
      sink += await peer.scoreBatch(apps.slice(i, Math.min(n, i + batchSize)));
      sample();
    }
  } else if (!peer.async) {
    const score = peer.score as (a: Application) => number;
    for (let i = 0; i < n; i++) {
      sink += score(apps[i]!);
      if ((i & 1023) === 0) sample();
    }
  } else if (inflight === 1) {
    for (let i = 0; i < n; i++) {
      sink += await peer.score(apps[i]!);
      if ((i & 1023) === 0) sample();
    }
  } else {
    let next = 0;
    const lane = async () => {
      while (next < n) {
        const i = next++;
        sink += await peer.score(apps[i]!);
        if ((i & 1023) === 0) sample();
      }
    };
    await Promise.all(Array.from({ length: inflight }, lane));
  }
  const seconds = (performance.now() - start) / 1000;
  sample();
  return n / seconds;
}

const t0 = performance.now();
const peer = await load();
await peer.load();
sink += await peer.score(apps[0]!);
const coldMs = performance.now() - t0;
sample();

// Warm-up: the JIT needs a few hundred thousand calls to settle (the hand-written scorer most);
// slow engines stop after `--warmup-seconds`.
const warmStart = performance.now();
for (let done = 0; done < warmup && performance.now() - warmStart < warmupMs; done += Math.min(1000, apps.length)) {
  await pass(peer, Math.min(1000, apps.length), false);
}
const rates: number[] = [];
for (let k = 0; k < passes; k++) rates.push(await pass(peer, apps.length));
rates.sort((a, b) => a - b);

const maxRss = process.resourceUsage().maxRSS * 1024; // bytes (maxRSS is in KiB)
console.log(JSON.stringify({
  engine: key,
  inflight,
  apps: apps.length,
  coldMs,
  rate: rates[rates.length >> 1],
  rates,
  peakRssMiB: Math.max(maxRss, peakRss) / MiB,
  baseRssMiB: baseRss / MiB,
  sink: sink % 1000,
}));
