/**
 * The 2024 criteria as plain data (rules/2024.rules, 附件1), for the peers whose encodings are
 * built from tables rather than written out item by item: the judged items with their maxima,
 * the 五② table, and the take-highest branches. Points are in hundredths.
 */

/** Judged items: expert-scored, `[id, maximum]`. */
export const JUDGED: readonly (readonly [string, number])[] = (() => {
  const out: [string, number][] = [];
  const sections: [string, number[], number][] = [
    ["一", [1, 2, 3, 4], 250], ["二", [1, 2, 3, 4], 250], ["三", [2, 3], 200], ["四", [1, 2, 3, 4], 250],
    ["五", [3, 4], 250], ["六", [1, 2, 3, 4, 5], 200], ["八", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 100],
    ["九", [1, 2, 3, 4, 5], 200], ["十", [1, 2, 3, 4, 5], 200],
  ];
  for (const [sec, items, max] of sections) for (const i of items) out.push([`${sec}.${i}`, max]);
  return out;
})();

/** 五② 标准分值: points for one standard by role and level. */
export const STANDARD_POINTS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  主导: { 国际: 250, 国家: 200, 行业: 150, 地方: 100 },
  参与: { 国际: 200, 国家: 150, 行业: 100, 地方: 50 },
};

/** Take-highest items: the set input and its branches, highest first. */
export const HIGHEST: readonly { item: string; input: string; branches: readonly (readonly [string, number])[] }[] = [
  { item: "五.1", input: "标准化试点", branches: [["国家级", 250], ["省级", 200]] },
  { item: "七.2", input: "质量奖", branches: [["省级及以上", 300], ["市级", 200], ["县级", 100]] },
  { item: "七.4", input: "科技进步奖", branches: [["国家", 300], ["省级", 200], ["市级", 100]] },
  { item: "七.5", input: "专精特新", branches: [["国家单项冠军或小巨人", 200], ["省级小巨人", 150], ["市级小巨人", 100]] },
];

/**
 * One judged item's points from the experts' scores, in hundredths: the trimmed mean when 3 or
 * more experts scored it (else the mean), rounded half up to 0.01 — as rules/2024.rules says.
 * The custom operator / fact that json-logic-engine and json-rules-engine run inside the engine.
 */
export function judgedPoints(experts: readonly { scores: Record<string, unknown> }[] | undefined, id: string): number {
  let sum = 0, n = 0, lo = Infinity, hi = -Infinity;
  if (experts) {
    for (const e of experts) {
      const v = e.scores[id];
      if (v === undefined || v === null) continue;
      const x = Math.round(Number(v) * 100);
      sum += x; n++;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  if (n >= 3) { sum -= lo + hi; n -= 2; }
  return n === 0 ? 0 : Math.floor((2 * sum + n) / (2 * n));
}
