/**
 * The 2024 criteria in GoRules ZEN (Rust, through N-API): the JDM decision graph in
 * ./2024.jdm.json, as it would be drawn in the JDM editor: an expression node per section (the
 * experts' trimmed means written in ZEN expressions), decision tables for the take-highest items
 * (五① 七② 七④ 七⑤), a loop decision table for the 五② 标准分值 table, an expression node for the
 * vetoes (dates two years back) and for 基本条件, a decision table per grade (pass mark and the
 * grade's own conditions), and a final expression node adding it all up.
 *
 * Adapter: none. ZEN computes the total, the vetoes, eligibility and the outcome itself; its
 * numbers are decimals, so 0.1 + 0.2 is 0.3 as in our engine.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ZenEngine, type ZenDecision } from "@gorules/zen-engine";
import { root } from "../paths.js";
import type { Application, Outcome, Peer } from "./types.js";

export const JDM_PATH = join(root, "packages/bench/src/peers/2024.jdm.json");

let decision: ZenDecision | null = null;

interface ZenResult { total: number; vetoed: boolean; eligible: boolean; granted: boolean }

async function run(app: Application): Promise<ZenResult> {
  const r = await decision!.evaluate(app);
  return r.result as ZenResult;
}

export const zenEngine: Peer = {
  name: "zen-engine",
  library: "@gorules/zen-engine",
  covers: "totals, vetoes, eligibility, outcome",
  adapter: "none",
  async: true,
  load() {
    const engine = new ZenEngine();
    decision = engine.createDecision(readFileSync(JDM_PATH));
  },
  score: async (app) => Math.round((await run(app)).total * 100),
  async outcome(app): Promise<Outcome> {
    const r = await run(app);
    return { total: Math.round(r.total * 100), vetoed: r.vetoed, eligible: r.eligible, granted: r.granted };
  },
};
