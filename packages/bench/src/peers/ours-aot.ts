/**
 * Our engine compiled ahead of time (`jsqc build rules/2024.rules`, @jsqc/engine/aot) as a peer:
 * a standalone module with no dependency, imported from the file peers.ts and cold.ts build
 * first (src/aot-module.ts). No trace; input validation included, as in the engine.
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { aotModulePath } from "../aot-module.js";
import { outcomeOf, type Application, type Outcome, type Peer } from "./types.js";

interface Amount { decimal: string; number: number }
interface Result { total: Amount; outcome: { vetoed: boolean; eligible: boolean; granted: boolean } }
type Evaluate = (application: unknown, options?: { trace?: false }) => { ok: true; result: Result } | { ok: false; errors: unknown[] };

export function oursAot(): Peer {
  let evaluate: Evaluate | null = null;
  const run = (app: Application): Result => {
    const r = evaluate!(app, { trace: false });
    if (!r.ok) throw new Error(`the compiled module refused the application: ${JSON.stringify(r.errors.slice(0, 3))}`);
    return r.result;
  };
  return {
    name: "our engine compiled ahead of time (jsqc build), no trace",
    library: "@jsqc/engine",
    covers: "totals, vetoes, eligibility, outcome (and validation, the breakdown)",
    adapter: "none",
    async: false,
    async load() {
      if (!existsSync(aotModulePath)) throw new Error(`${aotModulePath} is missing: peers.js and cold.js build it (buildAotModule) before measuring`);
      evaluate = ((await import(pathToFileURL(aotModulePath).href)) as { evaluate: Evaluate }).evaluate;
    },
    score: (app) => Math.round(run(app).total.number * 100),
    outcome: (app): Outcome => outcomeOf(run(app)),
  };
}
