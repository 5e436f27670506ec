/**
 * One cold start for `pnpm bench:cold`, in a fresh process: import an engine (our engine or a
 * peer, through src/peers/), load and compile the 2024 rules, score one application. Prints one
 * JSON line: milliseconds from before the import to the first result, and since process start.
 *
 *   node packages/bench/dist/cold-worker.js <engine> <application.json>
 */
import { readFileSync } from "node:fs";

const t0 = performance.now();
const [key = "", appFile = ""] = process.argv.slice(2);
const { PEERS } = await import("./peers/index.js");
const load = PEERS[key];
if (!load || !appFile) {
  console.error(`usage: cold-worker <${Object.keys(PEERS).join("|")}> <application.json>`);
  process.exit(2);
}
const app = JSON.parse(readFileSync(appFile, "utf8")) as import("./peers/index.js").Application;
const peer = await load();
await peer.load();
const total = await peer.score(app);
const t1 = performance.now();
console.log(JSON.stringify({ engine: key, firstResultMs: t1 - t0, sinceStartMs: t1, total }));
