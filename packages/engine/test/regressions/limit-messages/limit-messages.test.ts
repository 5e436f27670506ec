/**
 * Regression (found by packages/engine/test/limits.test.ts): refusals at three of the
 * application's limits did not say what the limit was. Past MAX_EXPERTS experts the message
 * read "expected [{ name, scores: { itemId: score } }]"; an expert's name past 100 characters
 * the same; an `id` past 200 characters (and the enterprise's fields past theirs) gave zod's
 * English text inside the Chinese message ("应为Too big: expected string to have <=200
 * characters").
 *
 * Fix (engine/src/schema.ts, `describe`): the expected value names the limit, in Chinese and in
 * English.
 */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { compile, evaluate, MAX_EXPERTS } from "../../../src/index.js";

const c = compile(readFileSync(new URL("../../../../../rules/2024.rules", import.meta.url), "utf8"));
if (!c.ok) throw new Error("rules/2024.rules does not compile");
const rs = c.ruleset;
const example = JSON.parse(readFileSync(new URL("../../../../../examples/01-kunshan-ruitai-jingmi-muju.json", import.meta.url), "utf8")) as Record<string, unknown>;

function only(app: unknown) {
  const r = evaluate(rs, app);
  if (r.ok) throw new Error("accepted");
  expect(r.errors).toHaveLength(1);
  return r.errors[0]!;
}

describe("a refusal at a limit says what the limit is", () => {
  test(`more than ${MAX_EXPERTS} experts`, () => {
    const e = only({ ...example, experts: Array.from({ length: MAX_EXPERTS + 1 }, (_, i) => ({ name: `专家${i}`, scores: {} })) });
    expect(e.message).toContain(`至多 ${MAX_EXPERTS} 位专家`);
    expect(e.messageEn).toContain(`at most ${MAX_EXPERTS} experts`);
  });

  test("an expert's name of more than 100 characters", () => {
    const e = only({ ...example, experts: [{ name: "名".repeat(101), scores: {} }] });
    expect(e.label).toBe("专家姓名");
    expect(e.message).toContain("不超过 100 字");
  });

  test("an id of more than 200 characters, an enterprise's city of more than 50", () => {
    const id = only({ ...example, id: "x".repeat(201) });
    expect(id.message).toContain("应为文字（不超过 200 字）");
    expect(id.message).not.toMatch(/Too big/);
    const city = only({ ...example, enterprise: { city: "市".repeat(51) } });
    expect(city.messageEn).toContain("text (at most 50 characters)");
  });
});
