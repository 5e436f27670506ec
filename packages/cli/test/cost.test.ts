/** `jsqc check` and the cost model (issue 13 item 1), run as a user runs them: the built binary on real files. */
import { describe, expect, test, beforeAll, afterAll } from "vitest";
import { mkdtemp, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsqc, repo } from "./jsqc.js";

const rules = join(repo, "rules/2024.rules");
let tmp: string;

/** shared/repro/gen-slow-eval-rules.mjs 10240 slow.rules 200, inlined: ~10 KB that checked clean and took minutes per application. */
function slowRules(limit = 10240, conj = 200): string {
  const cond = `any(L where any(M where ${Array(conj).fill("k==a").join(" and ")} and k==b))`;
  const head = 'ruleset "t" { year 2050 total NN }\nenum R { a b }\nrecord Rec "r" { k: R "k" }\ninput L: list of Rec "L"\ninput M: list of Rec "M"\nsection 一 "s" weight NN {\n';
  const tail = '}\ngrade A "A" { pass 0 }\n';
  let items = "";
  let n = 0;
  for (;;) {
    const line = `  item ${n + 1} "x" points 1 { award 1 when ${cond} }\n`;
    if (head.length + items.length + line.length + tail.length + 10 > limit) break;
    items += line;
    n++;
  }
  return head.replaceAll("NN", String(n)) + items + tail;
}

beforeAll(async () => { tmp = await mkdtemp(join(tmpdir(), "jsqc-cost-")); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe("jsqc check: the bound on evaluation work", () => {
  test("--summary prints the 2024 file's bound, far below the budget, and its costliest rules", () => {
    const r = jsqc("check", rules, "--summary");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/评分工作量上限：每份申请最多 [\d,]+ 步，上限 20,000,000 步（0\.\d%）✓；最耗时：十一\.1/);
    expect(r.out).toMatch(/evaluation work: at most [\d,]+ steps per application, budget 20,000,000/);
  });

  test("--format json carries summary.cost", () => {
    const json = JSON.parse(jsqc("check", rules, "--format", "json").out) as { summary: { cost: { steps: number; budget: number; costliest: { id: string; kind: string; line: number }[] } } };
    expect(json.summary.cost.budget).toBe(20_000_000);
    expect(json.summary.cost.steps).toBeGreaterThan(0);
    expect(json.summary.cost.steps).toBeLessThan(json.summary.cost.budget / 100);
    expect(json.summary.cost.costliest[0]).toMatchObject({ id: "十一.1", kind: "veto" });
    expect(json.summary.cost.costliest[0]!.line).toBeGreaterThan(0);
  });

  test("the reproduction's slow file is refused by check (K001 naming item 一.1, exit 1) and by eval", async () => {
    const file = join(tmp, "slow.rules");
    await writeFile(file, slowRules());
    const r = jsqc("check", file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/slow\.rules:7:3: error K001: 评分工作量超出上限：每份申请最多约 [\d,]+ 步，上限 20,000,000 步；最耗时的是评分项 一\.1/);
    expect(r.out).toContain("the costliest rule is item 一.1");
    const app = join(tmp, "app.json");
    await writeFile(app, JSON.stringify({ grade: "A", inputs: { L: [{ k: "a" }], M: [{ k: "a" }] } }));
    const e = jsqc("eval", file, app);
    expect(e.code).toBe(1);
    expect(e.err).toContain("K001");
  });
});
