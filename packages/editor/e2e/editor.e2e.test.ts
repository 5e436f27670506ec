/**
 * The editor as policy staff use it, in a real headless Chromium against the real server and a
 * temporary copy of rules/: markers while typing, the preview following the text and the form,
 * saving to disk, a conflicting save from a second tab, and unsaved edits offered back after a
 * reload. Takes the README's screenshot.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { compile, evaluate } from "@jsqc/engine";
import { startHarness, repo, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await startHarness(); }, 60_000);
afterAll(async () => { await h?.close(); });

const EXAMPLE = "03-nanjing-huarui-zhineng-zhuangbei.json";

async function open(page: Page, hash = "2024.rules"): Promise<void> {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(`${h.url}#${hash}`);
  await page.waitForFunction(() => (window.__jsqc?.editor.getModel()?.getValue().length ?? 0) > 1000);
  await page.getByTestId("total").waitFor();
}

/** Puts the cursor right after the first occurrence of `text` (in the model, not the DOM). */
async function cursorAfter(page: Page, text: string): Promise<void> {
  await page.evaluate((t) => {
    const { editor } = window.__jsqc!;
    const model = editor.getModel()!;
    const m = model.findMatches(t, false, false, true, null, false)[0];
    if (!m) throw new Error(`not found: ${t}`);
    editor.setPosition({ lineNumber: m.range.endLineNumber, column: m.range.endColumn });
    editor.revealPositionInCenter({ lineNumber: m.range.endLineNumber, column: m.range.endColumn });
    editor.focus();
  }, text);
}

const markers = (page: Page) => page.evaluate(() => window.__jsqc!.monaco.editor.getModelMarkers({}).map((m) => ({ code: String(typeof m.code === "object" ? m.code.value : m.code), message: m.message, line: m.startLineNumber })));

describe("the editor in Chromium", () => {
  test("a mistake gets a marker with the Chinese message; fixing it clears it", async () => {
    const page = await h.browser.newPage();
    await open(page);
    await cursorAfter(page, "award 2 when 获江苏精品认证");
    await page.keyboard.type("x");
    await expect.poll(() => markers(page)).toEqual([expect.objectContaining({ code: "N001", message: expect.stringMatching(/^未定义的名称 获江苏精品认证x\nunknown name/) })]);
    await expect.poll(() => page.getByTestId("problems").textContent()).toBe("1 个错误");
    await expect.poll(() => page.locator(".squiggly-error").count()).toBeGreaterThan(0);
    // The preview keeps the last good result, marked stale.
    expect(await page.getByTestId("stale").isVisible()).toBe(true);
    await page.keyboard.press("Backspace");
    await expect.poll(() => markers(page)).toEqual([]);
    await expect.poll(() => page.getByTestId("stale").count()).toBe(0);
    await page.close();
  });

  test("changing an item's points changes the preview's total accordingly", async () => {
    const page = await h.browser.newPage();
    await open(page);
    await page.getByTestId("example").selectOption(EXAMPLE);
    await expect.poll(() => page.getByTestId("total").textContent()).toBe("79.89");
    expect(await page.getByTestId("reason-三.1").textContent()).toBe("3 个：2 + 0.5 × 2 = 3");
    await cursorAfter(page, "base 2");
    await page.keyboard.type(".5");
    await expect.poll(() => page.getByTestId("reason-三.1").textContent()).toBe("3 个：2.5 + 0.5 × 2 = 3.5");
    await expect.poll(() => page.getByTestId("total").textContent()).toBe("80.39");
    // Clicking a reason selects the rule it came from.
    await page.getByTestId("reason-三.1").click();
    const selected = await page.evaluate(() => { const e = window.__jsqc!.editor; return e.getModel()!.getValueInRange(e.getSelection()!); });
    expect(selected).toMatch(/^item ① "通过 ISO9000/);
    expect(selected).toContain("base 2.5 plus 0.5 per further 有效体系认证证书数");
    await page.close();
  });

  test("filling the form gives the breakdown the engine gives for the same application", async () => {
    const page = await h.browser.newPage();
    await open(page);
    await page.getByTestId("example").selectOption(EXAMPLE);
    await expect.poll(() => page.getByTestId("total").textContent()).toBe("79.89");
    await page.getByTestId("tab-form").click();
    await page.getByTestId("input-有效体系认证证书数").fill("5");
    await page.getByTestId("input-获江苏精品认证").check();
    await page.getByTestId("input-标准-add").click();
    await page.getByTestId("input-标准-2-级别").selectOption("国际");
    await page.getByTestId("input-标准-2-角色").selectOption("主导");
    const app = JSON.parse(await readFile(join(repo, "examples", EXAMPLE), "utf8")) as { inputs: Record<string, unknown> };
    app.inputs["有效体系认证证书数"] = 5;
    app.inputs["获江苏精品认证"] = true;
    app.inputs["标准"] = [...(app.inputs["标准"] as unknown[]), { 角色: "主导", 级别: "国际" }];
    const compiled = compile(await readFile(join(repo, "rules/2024.rules"), "utf8"));
    if (!compiled.ok) throw new Error("rules do not compile");
    const r = evaluate(compiled.ruleset, app);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    await page.getByTestId("tab-result").click();
    await expect.poll(() => page.getByTestId("total").textContent()).toBe(r.result.total.decimal);
    for (const s of r.result.sections) {
      expect(await page.getByTestId(`section-points-${s.id}`).textContent()).toBe(`${s.points.decimal} / ${s.weight.decimal}`);
      for (const i of s.items) expect(await page.getByTestId(`reason-${i.id}`).textContent()).toBe(i.reason || i.text);
    }
    await page.close();
  });

  test("save writes the file; a second tab saving a stale change to the same line is asked to merge", async () => {
    const first = await h.browser.newContext();
    const second = await h.browser.newContext();
    const a = await first.newPage();
    const b = await second.newPage();
    await open(a);
    await open(b);
    await cursorAfter(a, "note \"依据通知附件1");
    await a.keyboard.type("（甲修改）");
    await a.getByTestId("save").click();
    await expect.poll(() => a.getByTestId("status").textContent(), { timeout: 30_000 }).toBe("已保存");
    const disk = await readFile(join(h.rulesDir, "2024.rules"), "utf8");
    expect(disk).toContain("note \"依据通知附件1（甲修改）");
    await cursorAfter(b, "note \"依据通知附件1");
    await b.keyboard.type("（乙修改）");
    await b.getByTestId("save").click();
    await b.getByTestId("merge").waitFor();
    expect(await b.getByTestId("merge").textContent()).toContain("文件已被他人修改");
    // The file on disk is still the first tab's.
    expect(await readFile(join(h.rulesDir, "2024.rules"), "utf8")).toBe(disk);
    await b.getByTestId("merge-mine-0").check();
    await b.getByTestId("merge-save").click();
    await expect.poll(() => b.getByTestId("status").textContent(), { timeout: 30_000 }).toBe("已保存");
    expect(await readFile(join(h.rulesDir, "2024.rules"), "utf8")).toContain("依据通知附件1（乙修改）");
    await first.close();
    await second.close();
  }, 180_000); // two saves, a merge and its check: over a minute on a loaded machine

  test("the file's history lists earlier versions, and one can be restored (saved as a new version)", async () => {
    const page = await h.browser.newPage();
    await open(page);
    await page.getByTestId("show-history").click();
    await page.getByTestId("history").waitFor();
    const first = page.locator("li button[data-testid^=version-]").last();
    await first.click();
    await expect.poll(() => page.getByTestId("version-source").textContent()).toContain("依据通知附件1《2024");
    const old = (await page.getByTestId("version-source").textContent())!;
    await page.getByTestId("restore-version").click();
    await expect.poll(() => page.evaluate(() => window.__jsqc!.editor.getModel()!.getValue()), { timeout: 30_000 }).toBe(old);
    await expect.poll(() => readFile(join(h.rulesDir, "2024.rules"), "utf8"), { timeout: 30_000 }).toBe(old);
    expect(await page.getByTestId("state").textContent()).not.toContain("未保存");
    await page.close();
  });

  test("a reload with unsaved edits offers them back", async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await open(page);
    await cursorAfter(page, "note \"依据通知附件1");
    await page.keyboard.type("（未保存）");
    await expect.poll(() => page.getByTestId("state").textContent()).toContain("未保存");
    page.on("dialog", (d) => void d.accept());
    await page.reload();
    await page.getByTestId("restore").waitFor();
    await page.getByTestId("restore-yes").click();
    await expect.poll(() => page.evaluate(() => window.__jsqc!.editor.getModel()!.getValue())).toContain("（未保存）");
    await context.close();
  });

  test("screenshot for the README", async () => {
    const page = await h.browser.newPage();
    await open(page);
    await page.getByTestId("example").selectOption("04-jiangyin-huacheng-tezhong-gangguan.json");
    await cursorAfter(page, "section 五");
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(repo, "docs/images/editor.png") });
    await page.close();
  });
});
