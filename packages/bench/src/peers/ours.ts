/** Our engine as a peer: rules/2024.rules compiled by `compile`, evaluated with and without the trace. */
import { readFileSync } from "node:fs";
import { compile, evaluate, type Ruleset } from "@jsqc/engine";
import { rulesPath } from "../paths.js";
import { outcomeOf, type Application, type Outcome, type Peer } from "./types.js";

export function ours(trace: boolean): Peer {
  let rs: Ruleset | null = null;
  const run = (app: Application) => {
    const r = evaluate(rs!, app, { trace });
    if (!r.ok) throw new Error(`the engine refused the application: ${JSON.stringify(r.errors.slice(0, 3))}`);
    return r.result;
  };
  return {
    name: trace ? "our engine, full trace" : "our engine, no trace",
    library: "@jsqc/engine",
    covers: "totals, vetoes, eligibility, outcome (and validation, the breakdown" + (trace ? ", reasons and sources)" : ")"),
    adapter: "none",
    async: false,
    load() {
      const compiled = compile(readFileSync(rulesPath("2024.rules"), "utf8"), "2024.rules");
      if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
      rs = compiled.ruleset;
    },
    score: (app) => Math.round(run(app).total.number * 100),
    outcome: (app): Outcome => outcomeOf(run(app)),
  };
}
