/** The check summary the server returns carries the cost model's bound (issue 13 item 1); a file over the budget is refused with K001. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, cp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer } from "../src/index.js";

const repo = new URL("../../../", import.meta.url).pathname;
let dir: string;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jsqc-check-cost-"));
  await cp(join(repo, "rules/2024.rules"), join(dir, "2024.rules"));
  const { app } = await buildServer({ rulesDir: dir });
  base = await app.listen({ port: 0, host: "127.0.0.1" });
  close = () => app.close();
});
afterAll(async () => {
  await close();
  await rm(dir, { recursive: true, force: true });
});

interface CheckBody { diagnostics: { code: string; line: number }[]; summary: { cost: { steps: number; budget: number; costliest: { id: string; kind: string; steps: number; line: number }[] } } }

const check = async (source: string) =>
  (await (await fetch(`${base}/api/check`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ source }) })).json()) as CheckBody;

describe("the check summary over HTTP", () => {
  test("rules/2024.rules: its bound, far below the budget, and the costliest rules", async () => {
    const { readFile } = await import("node:fs/promises");
    const body = await check(await readFile(join(repo, "rules/2024.rules"), "utf8"));
    expect(body.diagnostics).toEqual([]);
    expect(body.summary.cost.budget).toBe(20_000_000);
    expect(body.summary.cost.steps).toBeGreaterThan(0);
    expect(body.summary.cost.steps).toBeLessThan(body.summary.cost.budget / 100);
    expect(body.summary.cost.costliest[0]).toMatchObject({ id: "十一.1", kind: "veto" });
  });

  test("two-level quantifiers with a long condition: K001 at the item, the bound over the budget", async () => {
    const cond = `any(L where any(M where ${Array(20).fill("k == a").join(" and ")}))`;
    const source = `ruleset "t" { year 2050 total 1 }\nenum R { a b }\nrecord Rec "r" { k: R "k" }\ninput L: list of Rec "L"\ninput M: list of Rec "M"\nsection 一 "s" weight 1 {\n  item 1 "x" points 1 { award 1 when ${cond} }\n}\ngrade A "A" { pass 0 }\n`;
    const body = await check(source);
    expect(body.diagnostics.map((d) => d.code)).toEqual(["K001"]);
    expect(body.diagnostics[0]!.line).toBe(7);
    expect(body.summary.cost.steps).toBeGreaterThan(body.summary.cost.budget);
    expect(body.summary.cost.costliest[0]).toMatchObject({ id: "一.1", kind: "item", line: 7 });
  });
});
