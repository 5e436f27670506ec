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
import { ZenDecisionContent, ZenEngine, type ZenDecision } from "@gorules/zen-engine";
import { root } from "../paths.js";
import type { Application, Outcome, Peer } from "./types.js";

export const JDM_PATH = join(root, "packages/bench/src/peers/2024.jdm.json");

let decision: ZenDecision | null = null;

interface ZenResult { total: number; vetoed: boolean; eligible: boolean; granted: boolean }

async function run(app: Application): Promise<ZenResult> {
  const r = await decision!.evaluate(app);
  return r.result as ZenResult;
}

/**
 * ZEN's batch form: a graph of one decision node that runs the 2024 graph above once per element
 * of `apps` (executionMode "loop", loaded through the engine's loader), so N applications cross
 * from JavaScript to Rust and back in one call instead of N.
 */
const BATCH_JDM = {
  nodes: [
    { id: "in", type: "inputNode", name: "申请（批）", position: { x: 0, y: 0 } },
    { id: "each", type: "decisionNode", name: "2024 逐份", position: { x: 240, y: 0 },
      content: { key: "2024.jdm.json", executionMode: "loop", inputField: "apps", outputPath: "results", passThrough: false } },
    { id: "out", type: "outputNode", name: "结果", position: { x: 480, y: 0 } },
  ],
  edges: [
    { id: "e1", type: "edge", sourceId: "in", targetId: "each" },
    { id: "e2", type: "edge", sourceId: "each", targetId: "out" },
  ],
};

let batchDecision: ZenDecision | null = null;

async function runBatch(apps: readonly Application[]): Promise<ZenResult[]> {
  const r = await batchDecision!.evaluate({ apps });
  return (r.result as { results: ZenResult[] }).results;
}

export const zenEngineBatch: Peer = {
  name: "zen-engine (batch graph)",
  library: "@gorules/zen-engine",
  covers: "totals, vetoes, eligibility, outcome",
  adapter: "none",
  async: true,
  load() {
    // ZEN 0.54 calls the loader for every element of the loop; handing it the graph already
    // parsed (ZenDecisionContent) instead of its bytes spares a JSON parse per application.
    const jdm = new ZenDecisionContent(readFileSync(JDM_PATH));
    const engine = new ZenEngine({ loader: async (key) => { if (key === "2024.jdm.json") return jdm; throw new Error(`no decision ${key}`); } });
    batchDecision = engine.createDecision(Buffer.from(JSON.stringify(BATCH_JDM)));
  },
  score: async (app) => Math.round((await runBatch([app]))[0]!.total * 100),
  async scoreBatch(apps) {
    let sum = 0;
    for (const r of await runBatch(apps)) sum += Math.round(r.total * 100);
    return sum;
  },
  async outcome(app): Promise<Outcome> {
    const r = (await runBatch([app]))[0]!;
    return { total: Math.round(r.total * 100), vetoed: r.vetoed, eligible: r.eligible, granted: r.granted };
  },
};

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
