/**
 * The preview survives a changed file (issue 11, item 5), in Chromium at 1366×768: an item's
 * points lowered in the text, an example whose experts scored above the new maximum — the
 * breakdown stays, marked 暂定, the refused scores are marked and named, one click clamps them and
 * the preview is definitive again; a count typed as 2.5 stays 2.5 and is marked. Takes
 * docs/images/preview-changed.png.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { compile, evaluate, type Ruleset } from "@jsqc/engine";
import { editorText, openEditor, repo, startHarness, typeAt, type Harness } from "./harness.js";
import { applyFix, checkPreview, type Application } from "../src/preview-check.js";

let h: Harness;
beforeAll(async () => { h = await startHarness(); }, 60_000);
afterAll(async () => { await h?.close(); });

const EXAMPLE = "03-nanjing-huarui-zhineng-zhuangbei.json";

function rules(text: string): Ruleset {
  const c = compile(text);
  if (!c.ok) throw new Error("the changed rules do not compile");
  return c.ruleset;
}

describe("the preview of a changed file in Chromium", () => {
  test("a score above a lowered maximum: the breakdown stays, provisional; the fix clamps it; a count keeps 2.5", async () => {
    const page = await h.browser.newPage();
    await openEditor(h, page);
    // 2025: 三② is worth 1.5 instead of 2, 三③ 2.5 instead of 2 (the section still reaches 8).
    await typeAt(page, "定期组织内部审核, 证实体系有效运行, 记录齐全。(2 分)\" points 2", 1, "1.5");
    await typeAt(page, "定期接受第三方审核, 证实体系有效运行, 记录齐全。(2 分)\" points 2", 1, "2.5");
    await expect.poll(() => page.getByTestId("stale").count(), { timeout: 30_000 }).toBe(0);
    const rs = rules(await editorText(page));
    expect(rs.judged.find((i) => i.id === "三.2")!.max).toBe(1_500_000);

    await page.getByTestId("example").selectOption(EXAMPLE);
    const app = JSON.parse(await readFile(join(repo, "examples", EXAMPLE), "utf8")) as Application;
    expect(evaluate(rs, app).ok).toBe(false); // the engine refuses it: both experts gave 三② 2
    const provisional = checkPreview(rs, app);
    expect(provisional.status).toBe("provisional");

    // The breakdown stays, marked provisional, with the engine's figures for the rest.
    await page.getByTestId("provisional").waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId("total").textContent()).toBe(provisional.result!.total.decimal);
    for (const s of provisional.result!.sections) {
      expect(await page.getByTestId(`section-points-${s.id}`).textContent()).toBe(`${s.points.decimal} / ${s.weight.decimal}`);
    }
    // Each refused score is listed by its label and reason, and marked where it is in the form.
    const listed = await page.getByTestId("refusal").allTextContents();
    expect(listed).toHaveLength(2);
    expect(listed).toEqual([
      "专家甲 对 三.② 的评分：2 超过该项现行满分 1.5（按未评计）按新满分计（1.5）",
      "专家乙 对 三.② 的评分：2 超过该项现行满分 1.5（按未评计）按新满分计（1.5）",
    ]);
    expect(await page.getByTestId("refusals").textContent()).toContain("暂定结果");
    for (const e of [0, 1]) {
      const score = page.getByTestId(`score-${e}-三.2`);
      expect(await score.getAttribute("class")).toBe("refused");
      expect(await score.inputValue()).toBe("2");
    }
    // In the breakdown, the item the refused scores belong to is marked too; the others are not.
    expect(await page.getByTestId("item-三.2").getAttribute("class")).toBe("refused-item");
    expect(await page.locator("li.refused-item").count()).toBe(1);
    await page.screenshot({ path: join(repo, "docs/images/preview-changed.png") });

    // In English, the same in English.
    await page.getByTestId("lang").click();
    await expect.poll(() => page.getByTestId("refusal").first().textContent()).toBe("专家甲's score for 三.②: 2 is above the item's current maximum 1.5 (counted as not scored)Clamp to the new maximum (1.5)");
    expect(await page.getByTestId("provisional").textContent()).toBe("provisional");
    await page.getByTestId("lang").click();
    await expect.poll(() => page.getByTestId("provisional").textContent()).toBe("暂定");

    // Clicking the label shows the field in the form.
    await page.getByTestId("refusal").first().getByRole("button").first().click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("score-0-三.2");
    await page.getByTestId("tab-result").click();

    // One click clamps both to the new maximum: the preview is definitive again.
    await page.getByTestId("fix-all").click();
    await expect.poll(() => page.getByTestId("provisional").count()).toBe(0);
    expect(await page.getByTestId("refusals").count()).toBe(0);
    const clamped = provisional.refusals.reduce(applyFix, app);
    const definitive = evaluate(rs, clamped);
    if (!definitive.ok) throw new Error(JSON.stringify(definitive.errors));
    await expect.poll(() => page.getByTestId("total").textContent()).toBe(definitive.result.total.decimal);
    expect(await page.getByTestId("item-三.2").textContent()).toContain("1.5/1.5");
    expect(await page.locator("li.refused-item").count()).toBe(0);
    expect(await page.getByTestId("score-0-三.2").inputValue()).toBe("1.5");
    // The example file is untouched.
    expect(JSON.parse(await readFile(join(repo, "examples", EXAMPLE), "utf8"))).toEqual(app);

    // A count typed as 2.5 stays 2.5, is marked and named; the breakdown stays, provisional.
    await page.getByTestId("tab-form").click();
    const count = page.getByTestId("input-有效体系认证证书数");
    await count.fill("2.5");
    await page.getByTestId("provisional").waitFor({ state: "attached" }); // in the result's tab, hidden while the form is shown
    expect(await page.locator(".tabs .mini").textContent()).toMatch(/^暂定 /);
    expect(await count.inputValue()).toBe("2.5");
    expect(await count.getAttribute("class")).toBe("refused");
    expect(await page.getByTestId("refusal").allTextContents()).toEqual([
      "有效的体系认证证书数：填写的 2.5 不是整数：应为非负整数（0–50）（按最小值计）",
    ]);
    await count.fill("2");
    await expect.poll(() => page.getByTestId("provisional").count()).toBe(0);
    expect(await count.inputValue()).toBe("2");
    await page.close();
  }, 180_000);
});
