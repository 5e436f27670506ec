/**
 * The 2024 criteria in json-rules-engine: one rule per way of earning points, each firing a
 * `points` event whose params carry the item and its points (read from a fact where the points
 * vary). The engine is built once with every rule; each application is a `run` with its inputs
 * as facts.
 *
 * json-rules-engine compares facts with constants and fires events; it has no arithmetic, no
 * iteration over a list and no aggregation in its rules. Its idiomatic way to compute is a dynamic
 * fact registered on the engine (`engine.addFact(id, fn)`), evaluated by the engine when a rule
 * reads it and cached for the run:
 *  - each judged item's points from the expert scores (trimmed mean when 3 or more experts scored
 *    it, rounded half up to 0.01), one fact per item ("一.1");
 *  - 五② (each standard through the table, summed) and 七③ (patents weighted 1 / 0.5 / 0.5,
 *    summed); the rules apply the caps;
 *  - the caller adds up the points of the events that fired.
 * 三① (base and increment, capped) is written as its five tiers; the take-highest items as
 * mutually exclusive rules (contains / doesNotContain). Vetoes and eligibility are left out: no
 * date arithmetic without custom operators, i.e. more code.
 */
import { Engine, type RuleProperties, type TopLevelCondition } from "json-rules-engine";
import { HIGHEST, JUDGED, STANDARD_POINTS, judgedPoints } from "./criteria.js";
import type { Application, Peer } from "./types.js";

type Cond = { fact: string; operator: string; value: unknown };
const rule = (name: string, item: string, all: Cond[], points: number | { fact: string }): RuleProperties => ({
  name,
  conditions: { all } as TopLevelCondition,
  event: { type: "points", params: { item, points } },
});

/** The rules, as JSON (what would be stored and loaded). */
export function rules2024(): RuleProperties[] {
  const rules: RuleProperties[] = [];
  for (const [id] of JUDGED) rules.push(rule(`${id} 专家评分`, id, [{ fact: id, operator: "greaterThan", value: 0 }], { fact: id }));
  // 三① base 2, +0.5 for each further certificate, at most 4: the five tiers.
  const certs = "有效体系认证证书数";
  for (let n = 1; n <= 4; n++) rules.push(rule(`三.1 ${n} 个证书`, "三.1", [{ fact: certs, operator: "equal", value: n }], 200 + 50 * (n - 1)));
  rules.push(rule("三.1 5 个及以上证书", "三.1", [{ fact: certs, operator: "greaterThanInclusive", value: 5 }], 400));
  // Take the single highest: a branch fires only when no higher branch does.
  for (const h of HIGHEST) {
    h.branches.forEach(([member, points], k) => {
      const all: Cond[] = [{ fact: h.input, operator: "contains", value: member }];
      for (const [higher] of h.branches.slice(0, k)) all.push({ fact: h.input, operator: "doesNotContain", value: higher });
      rules.push(rule(`${h.item} ${member}`, h.item, all, points));
    });
  }
  // 五② and 七③: the precomputed sums, capped.
  for (const [item, fact, cap] of [["五.2", "五.2 累计", 250], ["七.3", "七.3 累计", 200]] as const) {
    rules.push(rule(`${item} 封顶`, item, [{ fact, operator: "greaterThanInclusive", value: cap }], cap));
    rules.push(rule(`${item} 累计`, item, [{ fact, operator: "greaterThan", value: 0 }, { fact, operator: "lessThan", value: cap }], { fact }));
  }
  // 七① 江苏精品.
  rules.push(rule("七.1 江苏精品", "七.1", [{ fact: "获江苏精品认证", operator: "equal", value: true }], 200));
  return rules;
}

type Almanac = { factValue: (id: string) => Promise<unknown> };
const fact = <T>(almanac: Almanac, id: string) => almanac.factValue(id) as Promise<T>;

/**
 * The computed facts, registered on the engine (json-rules-engine's dynamic facts): each reads the
 * application's facts through the almanac, so the arithmetic runs inside the engine.
 */
function addComputedFacts(e: Engine): void {
  for (const [id] of JUDGED) e.addFact(id, async (_p, almanac) => judgedPoints(await fact<Application["experts"]>(almanac, "experts"), id));
  e.addFact("五.2 累计", async (_p, almanac) => {
    let std = 0;
    for (const s of (await fact<{ 角色: string; 级别: string }[] | undefined>(almanac, "标准")) ?? []) std += STANDARD_POINTS[s.角色]?.[s.级别] ?? 0;
    return std;
  });
  e.addFact("七.3 累计", async (_p, almanac) =>
    100 * (await fact<number>(almanac, "发明专利数")) + 50 * (await fact<number>(almanac, "实用新型专利数")) + 50 * (await fact<number>(almanac, "外观设计专利数")));
}

let engine: Engine | null = null;

export const jsonRulesEngine: Peer = {
  name: "json-rules-engine",
  library: "json-rules-engine",
  covers: "totals",
  adapter: "adds up the events' points (trimmed means, 五② and 七③ sums are dynamic facts inside the engine)",
  async: true,
  load() {
    const stored = JSON.stringify(rules2024());
    engine = new Engine(JSON.parse(stored) as RuleProperties[], { allowUndefinedFacts: true, replaceFactsInEventParams: true });
    addComputedFacts(engine);
  },
  async score(app) {
    const { events } = await engine!.run({ ...app.inputs, experts: app.experts ?? [] });
    let total = 0;
    for (const e of events) total += (e.params as { points: number }).points;
    return total;
  },
};
