/**
 * One engine's measurements for `pnpm bench:peers`, in a process of its own (so no engine's
 * JIT state, heap or native threads colour another's): reads the generated applications
 * (JSON Lines, one parsed at a time, so reading leaves no large transient), then times the cold
 * start (import the library, load and compile the rules, score the first application), a pass over
 * the first 10,000 applications and a pass over all of them, and reports peak memory.
 * Prints one JSON line.
 *
 *   node --expose-gc packages/bench/dist/peers-worker.js <engine> --apps FILE [--inflight 1]
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
    small: { type: "string", default: "10000" },
  },
});
const key = positionals[0] ?? "";
const load = PEERS[key];
if (!load || !values.apps) {
  console.error(`usage: peers-worker <${Object.keys(PEERS).join("|")}> --apps FILE [--inflight N]`);
  process.exit(2);
}
const inflight = Math.max(1, Number(values.inflight));
const small = Number(values.small);
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

async function pass(peer: Peer, n: number): Promise<number> {
  gc();
  const start = performance.now();
  if (!peer.async) {
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

const rateSmall = await pass(peer, Math.min(small, apps.length));
const rateAll = await pass(peer, apps.length);

const maxRss = process.resourceUsage().maxRSS * 1024; // bytes (maxRSS is in KiB)
console.log(JSON.stringify({
  engine: key,
  inflight,
  apps: apps.length,
  coldMs,
  rateSmall,
  rateAll,
  peakRssMiB: Math.max(maxRss, peakRss) / MiB,
  baseRssMiB: baseRss / MiB,
  sink: sink % 1000,
}));
