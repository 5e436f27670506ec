/** Our engine as a peer: rules/2024.rules compiled by `compile`, evaluated with and without the trace. */
import { readFileSync } from "node:fs";
import { compile, evaluate, type Ruleset } from "@jsqc/engine";
import { rulesPath } from "../paths.js";
import type { Application, Outcome, Peer } from "./types.js";

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
    outcome(app): Outcome {
      const r = run(app);
      // The exact decimal text, not the JS number: "83.25" → 8325.
      const [int, frac = ""] = r.total.decimal.split(".");
      if (frac.length > 2) throw new Error(`a total finer than 0.01: ${r.total.decimal}`);
      const total = Number(int) * 100 + Number((frac + "00").slice(0, 2));
      return { total, vetoed: r.outcome.vetoed, eligible: r.outcome.eligible, granted: r.outcome.granted };
    },
  };
}
