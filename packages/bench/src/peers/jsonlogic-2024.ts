/**
 * The 2024 criteria as one JsonLogic document, shared by json-logic-js and json-logic-engine (the
 * same format, two implementations). It computes the total in hundredths of a point from the
 * application itself: the expert scores' trimmed mean and its rounding included.
 *
 * JsonLogic has no variables, no rounding and no object literals, so the document works in
 * whole hundredths (exact in floating point) and:
 *  - rounds half up as `y − y % 1` on `x + 0.5`, and a quotient S / N half up as
 *    `((2S + N) − (2S + N) % 2N) / 2N`;
 *  - folds each judged item's scores in one `reduce` into `[sum, count, lowest, highest]`, and
 *    reads that array through a second `reduce` over `[it]`, its only way to name a value twice;
 *  - writes the 五② table as nested `if`s;
 *  - tests "scored" with `!==` null: json-logic-engine's loose `!=` holds 0 equal to null.
 * Vetoes and eligibility are left out: JsonLogic has no dates (no date arithmetic, no "two years
 * before", no clamping of 29 February).
 */
import { HIGHEST, JUDGED, STANDARD_POINTS } from "./criteria.js";

export type Logic = unknown;

const v = (path: string, fallback?: unknown): Logic => (fallback === undefined ? { var: path } : { var: [path, fallback] });

/** One judged item: the trimmed mean of the experts who scored it, in hundredths, rounded half up. */
function judged(scoreVar: string): Logic {
  // The expert's score in whole hundredths: round half up of score × 100 (scores may be "2.5" text).
  const x0 = { "+": [{ "*": [v(scoreVar), 100] }, 0.5] };
  const scored = { filter: [v("experts", []), { "!==": [v(scoreVar), null] }] };
  const values = { map: [scored, { "-": [x0, { "%": [x0, 1] }] }] };
  const acc = (k: number) => v(`accumulator.${k}`);
  const cur = v("current");
  const stats = {
    reduce: [values, [{ "+": [acc(0), cur] }, { "+": [acc(1), 1] }, { min: [acc(2), cur] }, { max: [acc(3), cur] }], [0, 0, 1e9, -1]],
  };
  const s = v("current.0"), n = v("current.1"), lo = v("current.2"), hi = v("current.3");
  const roundDiv = (S: Logic, N: Logic): Logic => {
    const twice = { "+": [{ "*": [2, S] }, N] };
    return { "/": [{ "-": [twice, { "%": [twice, { "*": [2, N] }] }] }, { "*": [2, N] }] };
  };
  const final = {
    if: [
      { ">=": [n, 3] }, roundDiv({ "-": [s, { "+": [lo, hi] }] }, { "-": [n, 2] }),
      { "==": [n, 0] }, 0,
      roundDiv(s, n),
    ],
  };
  return { reduce: [[stats], final, 0] };
}

function highest(input: string, branches: readonly (readonly [string, number])[]): Logic {
  const args: Logic[] = [];
  for (const [member, points] of branches) args.push({ in: [member, v(`inputs.${input}`, [])] }, points);
  args.push(0);
  return { if: args };
}

function standardsTable(): Logic {
  const role = v("current.角色");
  const level = v("current.级别");
  const rows: Logic[] = [];
  for (const [r, cols] of Object.entries(STANDARD_POINTS)) {
    const cells: Logic[] = [];
    for (const [l, p] of Object.entries(cols)) cells.push({ "==": [level, l] }, p);
    cells.push(0);
    rows.push({ "==": [role, r] }, { if: cells });
  }
  rows.push(0);
  return { if: rows };
}

/**
 * The document. `scoreKey(id)` is the `var` path of an expert's score for item `id` within the
 * expert: json-logic-engine escapes the dot in "一.1" ("scores.一\\.1"); json-logic-js cannot, so
 * its adapter renames the keys ("scores.一_1"). `judgedOp(id)`, where given, replaces the fold
 * of a judged item by a custom operator of the peer (json-logic-engine's `addMethod`).
 */
export function jsonLogic2024(scoreKey: (id: string) => string, judgedOp?: (id: string) => Logic): Logic {
  const terms: Logic[] = [];
  for (const [id] of JUDGED) terms.push(judgedOp ? judgedOp(id) : judged(scoreKey(id)));
  // 三① base 2 for one certificate, +0.5 for each further one, at most 4.
  const certs = v("inputs.有效体系认证证书数");
  terms.push({ if: [{ "==": [certs, 0] }, 0, { min: [400, { "+": [200, { "*": [50, { "-": [certs, 1] }] }] }] }] });
  // 五① 七② 七④ 七⑤ take the single highest.
  for (const h of HIGHEST) terms.push(highest(h.input, h.branches));
  // 五② each standard through the table, cumulative, at most 2.5.
  terms.push({ min: [250, { reduce: [v("inputs.标准", []), { "+": [v("accumulator"), standardsTable()] }, 0] }] });
  // 七① 江苏精品.
  terms.push({ if: [v("inputs.获江苏精品认证"), 200, 0] });
  // 七③ invention patents 1, utility models and designs 0.5 each, at most 2.
  terms.push({ min: [200, { "+": [{ "*": [100, v("inputs.发明专利数")] }, { "*": [50, v("inputs.实用新型专利数")] }, { "*": [50, v("inputs.外观设计专利数")] }] }] });
  return { "+": terms };
}
