/**
 * The compiled module (`jsqc build`, @jsqc/engine/aot) against the engine, without the trace: the
 * 2024 rule file built into a temporary directory and imported, then every example and ~1,500
 * generated applications (expert-heavy, issue 14's neutral shape, and invalid ones) evaluated by
 * both. Valid applications give deeply equal results; an invalid one is refused by both, the
 * module naming one problem (its first) at a path the engine also reports.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { decimal as D } from "@jsqc/dsl";
import { compile, evaluate, type Ruleset } from "../../src/index.js";
import { buildModule } from "../../src/aot/build.js";
import { arbApplication, arbInvalidApplication } from "../../src/testing/arbitraries.js";
import { FUZZ_LONG, runs } from "@jsqc/dsl/testing";

const root = new URL("../../../../", import.meta.url);
const text = readFileSync(new URL("rules/2024.rules", root), "utf8");
const compiled = compile(text, "2024.rules");
if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
const rs: Ruleset = compiled.ruleset;

type Evaluate = (application: unknown, options?: { trace?: boolean }) => { ok: boolean; errors?: { path: string; label: string; message: string; messageEn: string }[] };
let dir = "";
let aot: Evaluate;
/** The module's generated input check (fast.ts), exported for this test only (see beforeAll). */
let fastPrepare: (app: unknown, fresh: boolean) => unknown;

beforeAll(async () => {
  const built = buildModule(text, "2024.rules");
  if (!built.ok) throw new Error("the 2024 module did not build");
  dir = mkdtempSync(join(tmpdir(), "jsqc-aot-"));
  const file = join(dir, "2024.mjs");
  // The text as built, plus one export line so that the test can see which path answered.
  writeFileSync(file, `${built.code}\nexport { $fastPrepare as __fastPrepare };\n`);
  const mod = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { evaluate: Evaluate; __fastPrepare: typeof fastPrepare };
  aot = mod.evaluate;
  fastPrepare = mod.__fastPrepare;
}, 120_000);

afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** Both refuse; the module's one error is bilingual and at a path the engine reports too. */
function expectSameRefusal(app: unknown): void {
  const want = evaluate(rs, app, { trace: false });
  const got = aot(app, { trace: false });
  expect(want.ok).toBe(false);
  expect(got.ok).toBe(false);
  if (want.ok || got.ok) return;
  expect(got.errors).toHaveLength(1);
  const e = got.errors![0]!;
  expect(e.label.length).toBeGreaterThan(0);
  expect(e.message).toContain(e.path);
  expect(e.messageEn).toContain(e.path);
  expect(want.errors.map((w) => w.path)).toContain(e.path);
}

const arbNeutral = fc.tuple(arbApplication(rs, { maxExperts: 0 }), fc.array(fc.boolean(), { minLength: rs.judged.length, maxLength: rs.judged.length }))
  .map(([app, full]) => ({
    grade: "A",
    inputs: app["inputs"],
    experts: [{ name: "专家甲", scores: Object.fromEntries(rs.judged.map((item, k) => [item.id, full[k] ? D.toNumber(item.max) : 0])) }],
  }));

describe("a compiled 2024 module answers as the engine does without the trace", () => {
  test("every example", () => {
    const dirUrl = new URL("examples/", root);
    const files = readdirSync(dirUrl).filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json"));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const app: unknown = JSON.parse(readFileSync(new URL(f, dirUrl), "utf8"));
      const want = evaluate(rs, app, { trace: false });
      expect(want.ok).toBe(true);
      expect(aot(app, { trace: false })).toStrictEqual(want);
      expect(fastPrepare(app, false), f).not.toBeNull();
      // No options at all is the no-trace answer too (the module has no other).
      expect(aot(app)).toStrictEqual(want);
    }
  });

  test("~1,500 generated applications (200,000 with FUZZ=long), valid (expert-heavy and neutral) and invalid", () => {
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 2, arbitrary: arbApplication(rs) }, { weight: 2, arbitrary: arbNeutral }, { weight: 1, arbitrary: arbInvalidApplication(rs) }), (app) => {
        const parsed: unknown = JSON.parse(JSON.stringify(app) ?? "null");
        const want = evaluate(rs, parsed, { trace: false });
        if (want.ok) {
          expect(aot(parsed, { trace: false })).toStrictEqual(want);
          // The generated check takes every valid application that came through JSON…
          expect(fastPrepare(parsed, false)).not.toBeNull();
          valid++;
        } else {
          expectSameRefusal(parsed);
          // …and never one the engine refuses (it declines; the runtime's check then finds the error).
          expect(fastPrepare(parsed, false)).toBeNull();
          invalid++;
        }
      }),
      { numRuns: runs(1_500, 200_000), seed: FUZZ_LONG ? undefined : 1414 },
    );
    console.log(`[aot differential] ${valid} valid and ${invalid} invalid applications compared`);
    expect(valid).toBeGreaterThan(FUZZ_LONG ? 120_000 : 900);
    expect(invalid).toBeGreaterThan(FUZZ_LONG ? 20_000 : 100);
  }, FUZZ_LONG ? 60 * 60_000 : 300_000);

  test("hand-made invalid applications: each refused with the first bad path and its label", () => {
    const example: Record<string, unknown> = JSON.parse(readFileSync(new URL("examples/01-kunshan-ruitai-jingmi-muju.json", root), "utf8"));
    const inputs = example["inputs"] as Record<string, unknown>;
    const experts = example["experts"] as { name: string; scores: Record<string, unknown> }[];
    const firstInput = rs.inputs.find((i) => !i.omittable)!;
    const judged = rs.judged[0]!;
    const cases: unknown[] = [
      null, 42, "x", [], {},
      { ...example, grade: "Z" },
      { ...example, extra: 1 },
      { ...example, inputs: { ...inputs, [firstInput.name]: { nested: true } } },
      { ...example, inputs: { ...inputs, 未声明: 1 } },
      { ...example, experts: [{ ...experts[0]!, scores: { ...experts[0]!.scores, [judged.id]: D.toNumber(judged.max) + 1 } }] },
      { ...example, experts: [{ ...experts[0]!, scores: { 不存在: 1 } }] },
      { ...example, experts: [{ name: 7, scores: {} }] },
      { ...example, enterprise: { name: "x".repeat(201) } },
    ];
    for (const app of cases) {
      const parsed: unknown = JSON.parse(JSON.stringify(app));
      expectSameRefusal(parsed);
      expect(fastPrepare(parsed, false)).toBeNull();
    }
    const missing = { ...example, inputs: { ...inputs } };
    delete (missing.inputs as Record<string, unknown>)[firstInput.name];
    expectSameRefusal(missing);
    const got = aot(missing);
    expect(got.errors![0]!.path).toBe(`inputs.${firstInput.name}`);
    expect(got.errors![0]!.label).toBe(firstInput.label);
  });

  test("applications made in JS rather than parsed from JSON: the runtime's check decides what the generated one declines", () => {
    const example: Record<string, unknown> = JSON.parse(readFileSync(new URL("examples/01-kunshan-ruitai-jingmi-muju.json", root), "utf8"));
    const inputs = example["inputs"] as Record<string, unknown>;
    const experts = example["experts"] as { name: string; scores: Record<string, unknown> }[];
    const optional = rs.inputs.find((i) => i.omittable && !(i.name in inputs)) ?? rs.inputs.find((i) => i.omittable)!;
    const cases: Record<string, unknown>[] = [
      // An own key holding undefined: as if left out.
      { ...example, inputs: { ...inputs, [optional.name]: undefined } },
      { ...example, experts: [{ ...experts[0]!, scores: { ...experts[0]!.scores, [rs.judged[0]!.id]: undefined } }] },
      { ...example, id: undefined },
    ];
    for (const app of cases) {
      const want = evaluate(rs, app, { trace: false });
      const got = aot(app, { trace: false });
      // Accepted by both with the same answer, or refused by both (the engine's zod pass and the
      // module word an own undefined input differently).
      if (want.ok) expect(got).toStrictEqual(want);
      else expect(got.ok).toBe(false);
    }
    // A getter that evaluates another application while this one is being read: both answers
    // are the engine's (the inner call gets scratch space of its own).
    let inner: unknown = null;
    // Another application with more experts, each giving every item 0.
    const other = JSON.parse(readFileSync(new URL("examples/04-jiangyin-huacheng-tezhong-gangguan.json", root), "utf8")) as Record<string, unknown>;
    const zeroed = (other["experts"] as { name: string; scores: Record<string, unknown> }[]).map((e) => ({ name: e.name, scores: Object.fromEntries(Object.keys(e.scores).map((k) => [k, 0])) }));
    expect(zeroed.length).toBeGreaterThan(experts.length);
    other["experts"] = zeroed;
    // On the last expert, so that the outer call has already written the others' scores.
    const last = experts[experts.length - 1]!;
    expect(experts.length).toBeGreaterThan(1);
    const reentrant = { ...example, experts: [...experts.slice(0, -1), { name: last.name, get scores() { inner = aot(other, { trace: false }); return last.scores; } }] };
    const got = aot(reentrant, { trace: false });
    expect(inner).toStrictEqual(evaluate(rs, other, { trace: false }));
    expect(got).toStrictEqual(evaluate(rs, JSON.parse(JSON.stringify(reentrant)), { trace: false }));
  });

  test("item entries, veto entries and the ruleset's title are shared frozen values, as amounts are; the rest is fresh", () => {
    const app: unknown = JSON.parse(readFileSync(new URL("examples/04-jiangyin-huacheng-tezhong-gangguan.json", root), "utf8"));
    type Result = { ruleset: object; sections: { items: object[] }[]; vetoes: object[]; eligibility: { failed: string[] }[]; flags: unknown[]; outcome: object };
    const a = (aot(app, { trace: false }) as unknown as { result: Result }).result;
    const b = (aot(app, { trace: false }) as unknown as { result: Result }).result;
    expect(b.sections[0]!.items[0]).toBe(a.sections[0]!.items[0]);
    expect(Object.isFrozen(a.sections[0]!.items[0])).toBe(true);
    expect(b.vetoes[0]).toBe(a.vetoes[0]);
    expect(Object.isFrozen(a.vetoes[0])).toBe(true);
    expect(b.ruleset).toBe(a.ruleset);
    expect(Object.isFrozen(a.ruleset)).toBe(true);
    // Sections, their item lists, eligibility, flags and the outcome are the caller's own.
    expect(b.sections[0]).not.toBe(a.sections[0]);
    expect(b.sections[0]!.items).not.toBe(a.sections[0]!.items);
    expect(b.eligibility[0]!.failed).not.toBe(a.eligibility[0]!.failed);
    expect(b.flags).not.toBe(a.flags);
    expect(b.outcome).not.toBe(a.outcome);
    a.sections[0]!.items.push({});
    expect(b.sections[0]!.items.length).toBe(a.sections[0]!.items.length - 1);
  });

  test("the trace is refused with a clear bilingual error", () => {
    const app: unknown = JSON.parse(readFileSync(new URL("examples/01-kunshan-ruitai-jingmi-muju.json", root), "utf8"));
    expect(() => aot(app, { trace: true })).toThrow(/trace.*评分依据|评分依据.*trace/);
    expect(() => aot(app, { trace: "yes" as unknown as boolean })).toThrow(/trace/);
    // Left out, the trace is off: the module's only answer (the engine's default is on).
    expect(aot(app, {})).toStrictEqual(evaluate(rs, app, { trace: false }));
  });
});
