/**
 * The 2024 criteria in json-logic-js: the JsonLogic document of ./jsonlogic-2024.ts, run by the
 * reference interpreter (`jsonLogic.apply`, no compilation step).
 *
 * Adapter: json-logic-js reads a `var` path by splitting it on every ".", with no escape, so it
 * cannot read an expert's score for item "一.1"; the adapter renames the expert score keys
 * ("一.1" → "一_1") before each evaluation. Everything else, the trimmed mean included, is in
 * the document. Vetoes and eligibility are left out (JsonLogic has no dates).
 */
import jsonLogic from "json-logic-js";
import { JUDGED } from "./criteria.js";
import { jsonLogic2024, type Logic } from "./jsonlogic-2024.js";
import type { Application, Peer } from "./types.js";

const RENAMED = new Map(JUDGED.map(([id]) => [id, id.replace(".", "_")]));

let rule: Logic = null;

function reshape(app: Application): unknown {
  const experts = (app.experts ?? []).map((e) => {
    const scores: Record<string, unknown> = {};
    for (const id in e.scores) scores[RENAMED.get(id) ?? id] = e.scores[id];
    return { name: e.name, scores };
  });
  return { grade: app.grade, inputs: app.inputs, experts };
}

export const jsonLogicJs: Peer = {
  name: "json-logic-js",
  library: "json-logic-js",
  covers: "totals",
  adapter: "renames expert score keys (一.1 → 一_1: var paths cannot hold a dot)",
  async: false,
  load() {
    rule = jsonLogic2024((id) => `scores.${RENAMED.get(id)}`);
    // Parse the document as a stored rule would be: from JSON text.
    rule = JSON.parse(JSON.stringify(rule)) as Logic;
  },
  score: (app) => jsonLogic.apply(rule as jsonLogic.RulesLogic, reshape(app)) as number,
};
