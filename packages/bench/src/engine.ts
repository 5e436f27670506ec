/**
 * `pnpm bench`: evaluates generated applications against rules/2024 with the engine (with and
 * without the full trace) and with the hand-written scorer, in the same process and in
 * interleaved rounds, after checking that all three agree on every application. Prints
 * applications per second for each and the ratios.
 *
 *   node packages/bench/dist/engine.js [--count 100000] [--rounds 5] [--seed 2024]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { decimal as D } from "@jsqc/dsl";
import { compile, evaluate, type Ruleset } from "@jsqc/engine";
import { arbApplication } from "@jsqc/engine/testing";
import { scoreByHand } from "./handwritten.js";
import { rulesPath } from "./paths.js";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100000" },
    rounds: { type: "string", default: "5" },
    seed: { type: "string", default: "2024" },
  },
});
const count = Number(values.count);
const rounds = Number(values.rounds);
const seed = Number(values.seed);

const compiled = compile(readFileSync(rulesPath("2024.rules"), "utf8"), "2024.rules");
if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
const rs: Ruleset = compiled.ruleset;

/** Applications as services send them: parsed from JSON text, realistic list sizes, 3 to 5 experts. */
function generate(n: number): unknown[] {
  const arb = arbApplication(rs, { maxList: 4, maxExperts: 5 });
  const apps = fc.sample(arb, { numRuns: n, seed });
  return apps.map((a) => JSON.parse(JSON.stringify(a)) as unknown);
}

const t0 = performance.now();
const apps = generate(count);
console.log(`generated ${apps.length} applications in ${((performance.now() - t0) / 1000).toFixed(1)} s (seed ${seed})`);

// Agreement first: a benchmark of wrong answers is worth nothing.
for (let k = 0; k < apps.length; k++) {
  const app = apps[k] as Parameters<typeof scoreByHand>[0];
  const full = evaluate(rs, app);
  const lean = evaluate(rs, app, { trace: false });
  if (!full.ok || !lean.ok) throw new Error(`application ${k} refused: ${JSON.stringify(full.ok ? "" : full.errors)}`);
  const hand = scoreByHand(app);
  const total = D.parseDec(full.result.total.decimal)! / 10_000; // hundredths
  if (total !== hand.total || lean.result.total.decimal !== full.result.total.decimal ||
      full.result.outcome.vetoed !== hand.vetoed || full.result.outcome.eligible !== hand.eligible ||
      full.result.outcome.granted !== hand.granted) {
    console.error(JSON.stringify(app));
    console.error({ engine: full.result.outcome, hand });
    throw new Error(`mismatch on application ${k}: engine ${full.result.total.decimal}, hand-written ${hand.total / 100}`);
  }
}
console.log(`all three agree on every application (totals, vetoes, eligibility, outcome)\n`);

type Runner = { name: string; run: () => number };
let sink = 0;
const runners: Runner[] = [
  { name: "hand-written TypeScript", run: () => { let s = 0; for (const a of apps) s += scoreByHand(a as Parameters<typeof scoreByHand>[0]).total; return s; } },
  { name: "engine, no trace", run: () => { let s = 0; for (const a of apps) { const r = evaluate(rs, a, { trace: false }); if (r.ok) s += r.result.total.number; } return s; } },
  { name: "engine, full trace", run: () => { let s = 0; for (const a of apps) { const r = evaluate(rs, a); if (r.ok) s += r.result.total.number; } return s; } },
];

const best = new Map<string, number>();
for (let round = 0; round < rounds + 1; round++) {
  for (const r of round % 2 ? [...runners].reverse() : runners) {
    const start = performance.now();
    sink += r.run();
    const seconds = (performance.now() - start) / 1000;
    if (round === 0) continue; // warm-up
    const rate = apps.length / seconds;
    best.set(r.name, Math.max(best.get(r.name) ?? 0, rate));
  }
}

const hand = best.get(runners[0]!.name)!;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
console.log(`${count.toLocaleString("en-US")} applications, best of ${rounds} interleaved rounds, Node ${process.version}`);
console.log("engine                     applications/s   vs hand-written");
for (const r of runners) {
  const rate = best.get(r.name)!;
  console.log(`${r.name.padEnd(26)} ${fmt(rate).padStart(14)}   ${(rate / hand).toFixed(3)}×`);
}
const lean = best.get("engine, no trace")! / hand;
const full = best.get("engine, full trace")! / hand;
console.log(`\ntargets: no trace ≥ 0.25× hand-written: ${lean >= 0.25 ? "met" : "NOT met"} (${lean.toFixed(3)}×); full trace ≥ 0.10×: ${full >= 0.1 ? "met" : "NOT met"} (${full.toFixed(3)}×)`);
if (sink === 42) console.log("");
