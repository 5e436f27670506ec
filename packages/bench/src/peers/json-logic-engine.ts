/**
 * The 2024 criteria in json-logic-engine, compiled mode: the JsonLogic document of
 * ./jsonlogic-2024.ts built once by `new LogicEngine().build(…)` into a JavaScript function.
 *
 * Adapter: none; json-logic-engine reads "一.1" through an escaped path ("scores.一\\.1").
 * Vetoes and eligibility are left out (JsonLogic has no dates).
 */
import { LogicEngine } from "json-logic-engine";
import { judgedPoints } from "./criteria.js";
import { jsonLogic2024, type Logic } from "./jsonlogic-2024.js";
import type { Application, Peer } from "./types.js";

let fn: ((data: unknown) => unknown) | null = null;

export const jsonLogicEngine: Peer = {
  name: "json-logic-engine (compiled)",
  library: "json-logic-engine",
  covers: "totals",
  adapter: "none",
  async: false,
  load() {
    const rule = JSON.parse(JSON.stringify(jsonLogic2024((id) => `scores.${id.replace(".", "\\.")}`))) as Logic;
    fn = new LogicEngine().build(rule) as (data: unknown) => unknown;
  },
  score: (app: Application) => fn!(app) as number,
};

let fnOps: ((data: unknown) => unknown) | null = null;

/**
 * The same document with each judged item's fold replaced by a custom operator registered with
 * `addMethod` (json-logic-engine's way to extend the language): `{ "judged": [experts, "一.1"] }`
 * computes the trimmed mean in hundredths inside the compiled rule.
 */
export const jsonLogicEngineOps: Peer = {
  name: "json-logic-engine (compiled, custom operator)",
  library: "json-logic-engine",
  covers: "totals",
  adapter: "none (a custom operator `judged` registered with addMethod)",
  async: false,
  load() {
    const engine = new LogicEngine();
    engine.addMethod("judged", (args: unknown) => {
      const [experts, id] = args as [Application["experts"], string];
      return judgedPoints(experts, id);
    }, { deterministic: true });
    const doc = jsonLogic2024(() => "", (id) => ({ judged: [{ var: "experts" }, id] }));
    fnOps = engine.build(JSON.parse(JSON.stringify(doc)) as Logic) as (data: unknown) => unknown;
  },
  score: (app: Application) => fnOps!(app) as number,
};
