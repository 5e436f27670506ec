/**
 * The 2024 criteria in json-logic-engine, compiled mode: the JsonLogic document of
 * ./jsonlogic-2024.ts built once by `new LogicEngine().build(…)` into a JavaScript function.
 *
 * Adapter: none; json-logic-engine reads "一.1" through an escaped path ("scores.一\\.1").
 * Vetoes and eligibility are left out (JsonLogic has no dates).
 */
import { LogicEngine } from "json-logic-engine";
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
