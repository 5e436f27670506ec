/**
 * The structure view on a 1366×768 office screen (issue 11): rules/2024.rules opened, the file's
 * expert rule and item 十①'s own rule set through their forms (the exact resulting text asserted),
 * then, in Chinese and in English, every panel checked: no horizontal scroll, no control whose
 * text wraps or that sticks out of its cell, every item's text in a field wide enough to read,
 * the app's top bar one row (unsaved, with the problem count), and no label left in the other language.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { startHarness, repo, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await startHarness(); }, 60_000);
afterAll(async () => { await h?.close(); });

const modelText = (page: Page) => page.evaluate(() => window.__jsqc!.editor.getModel()!.getValue());

async function setCell(page: Page, testId: string, value: string): Promise<void> {
  const cell = page.getByTestId(testId);
  await cell.fill(value);
  await cell.press("Enter");
}

function once(t: string, from: string, to: string): string {
  const at = t.indexOf(from);
  if (at < 0 || t.indexOf(from, at + 1) >= 0) throw new Error(`not exactly once: ${from}`);
  return t.slice(0, at) + to + t.slice(at + from.length);
}

/** What is wrong with the layout of the structure view as it is on screen (empty: nothing). */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.querySelector<HTMLElement>("[data-testid=structure]")!;
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.getAttribute("data-testid") ? `[${el.getAttribute("data-testid")}]` : ""} “${(el.textContent ?? "").trim().slice(0, 30)}”`;
    // No horizontal scroll, in the view or in any panel.
    if (root.scrollWidth > root.clientWidth) problems.push(`structure scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
    for (const panel of root.querySelectorAll<HTMLElement>(".structure-bar, .struct-block")) {
      if (panel.scrollWidth <= panel.clientWidth) continue;
      // Name the innermost elements that reach past the panel's edge.
      const edge = panel.getBoundingClientRect().left + panel.clientWidth;
      const out = [...panel.querySelectorAll("*")].filter((el) => el.getBoundingClientRect().right > edge + 1 && ![...el.children].some((c) => c.getBoundingClientRect().right > edge + 1));
      problems.push(`panel ${panel.id || panel.className} scrolls sideways: ${panel.scrollWidth} > ${panel.clientWidth}, past its edge: ${out.slice(0, 4).map(name).join(", ")}`);
    }
    // No cell whose words run past its edge (a word too long for its column).
    for (const cell of root.querySelectorAll<HTMLElement>("th, td")) {
      if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`overflows its cell: ${name(cell)} (${cell.scrollWidth} > ${cell.clientWidth})`);
    }
    const viewRight = root.getBoundingClientRect().left + root.clientWidth;
    for (const el of root.querySelectorAll<HTMLElement>("button, select, input, .x-field, .date-cell, .chip")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // not shown
      // One line: the content box no taller than one line of its font.
      const cs = getComputedStyle(el);
      const fontSize = parseFloat(cs.fontSize);
      const line = cs.lineHeight === "normal" ? fontSize * 1.5 : parseFloat(cs.lineHeight);
      const content = r.height - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom) - parseFloat(cs.borderTopWidth) - parseFloat(cs.borderBottomWidth);
      if (el.matches("button, select, input") && content > line * 1.6) problems.push(`wraps: ${name(el)} (${Math.round(r.height)}px high)`);
      if (el.matches(".x-field, .date-cell, .chip") && r.height > line * 2.4) problems.push(`wraps: ${name(el)} (${Math.round(r.height)}px high)`);
      // Inside the view and inside its table cell.
      if (r.right > viewRight + 1) problems.push(`sticks out of the view: ${name(el)}`);
      const cell = el.closest("td");
      if (cell && r.right > cell.getBoundingClientRect().right + 1) problems.push(`sticks out of its cell: ${name(el)}`);
    }
    // Every item's text readable: at least 20 characters wide and its first line shown.
    for (const ta of root.querySelectorAll<HTMLTextAreaElement>("textarea[data-testid^=item-text-]")) {
      const fontSize = parseFloat(getComputedStyle(ta).fontSize);
      if (ta.clientWidth < fontSize * 20) problems.push(`item text too narrow: ${ta.getAttribute("data-testid")} ${ta.clientWidth}px`);
      if (ta.clientHeight < fontSize) problems.push(`item text hidden: ${ta.getAttribute("data-testid")}`);
    }
    return problems;
  });
}

/**
 * What is wrong with the app's top bar (empty: nothing): it must be one row — every shown child's
 * vertical middle on one line, the bar no taller than its tallest child — with nothing past its
 * right edge and no control whose label wraps.
 */
function topBarProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const bar = document.querySelector<HTMLElement>("[data-testid=topbar]")!;
    const b = bar.getBoundingClientRect();
    const cs = getComputedStyle(bar);
    const inner = b.height - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom) - parseFloat(cs.borderTopWidth) - parseFloat(cs.borderBottomWidth);
    const shown = [...bar.children].map((el) => ({ el, r: el.getBoundingClientRect() })).filter(({ r }) => r.width > 0 && r.height > 0);
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.getAttribute("data-testid") ? `[${el.getAttribute("data-testid")}]` : ""} “${(el.textContent ?? "").trim().slice(0, 20)}”`;
    const tallest = Math.max(...shown.map(({ r }) => r.height));
    if (inner > tallest + 1) problems.push(`top bar is ${Math.round(b.height)}px high, its tallest child ${Math.round(tallest)}px: more than one row`);
    const middle = shown[0]!.r.top + shown[0]!.r.height / 2;
    for (const { el, r } of shown) {
      if (Math.abs(r.top + r.height / 2 - middle) > 2) problems.push(`not on the top bar's row: ${name(el)} (top ${Math.round(r.top)})`);
      if (r.right > b.right + 1 || r.left < b.left - 1) problems.push(`past the top bar's edge: ${name(el)}`);
    }
    for (const el of bar.querySelectorAll<HTMLElement>("button, select")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || el.closest("[role=menu]")) continue;
      const ecs = getComputedStyle(el);
      const line = ecs.lineHeight === "normal" ? parseFloat(ecs.fontSize) * 1.5 : parseFloat(ecs.lineHeight);
      const content = r.height - parseFloat(ecs.paddingTop) - parseFloat(ecs.paddingBottom) - parseFloat(ecs.borderTopWidth) - parseFloat(ecs.borderBottomWidth);
      if (content > line * 1.6) problems.push(`wraps: ${name(el)}`);
    }
    if (bar.scrollWidth > bar.clientWidth) problems.push(`top bar scrolls sideways: ${bar.scrollWidth} > ${bar.clientWidth}`);
    return problems;
  });
}

/** The view's own words (not the file's content: no field values, no expressions), one entry per text. */
function labels(page: Page): Promise<{ text: string[]; headings: string[] }> {
  return page.evaluate(() => {
    const root = document.querySelector<HTMLElement>("[data-testid=structure]")!;
    const text: string[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement!;
      if (el.closest("code, textarea, b") || (el.tagName === "OPTION" && !el.closest("[data-testid^=form-], [data-testid*=-combine-]"))) continue;
      const s = (n.textContent ?? "").trim();
      if (s) text.push(s);
    }
    // Placeholders too, but not a condition field's: its example is the language's own syntax.
    for (const el of root.querySelectorAll<HTMLElement>("[placeholder]:not(.expr)")) text.push(el.getAttribute("placeholder")!);
    const headings = [...root.querySelectorAll<HTMLElement>("h4, th, .struct-nav a, .structure-bar button")]
      .map((el) => (el.textContent ?? "").split("：")[0]!.trim()).filter(Boolean);
    return { text, headings };
  });
}

describe("the structure view at 1366×768", () => {
  test("expert rules set by form, every panel fits, labels in the chosen language", async () => {
    const page = await h.browser.newPage({ locale: "zh-CN" });
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${h.url}#2024.rules`);
    await page.getByTestId("total").waitFor();
    await page.getByTestId("view-structure").click();
    await page.getByTestId("structure").waitFor();
    const y2024 = await readFile(join(repo, "rules/2024.rules"), "utf8");
    expect(await modelText(page)).toBe(y2024);

    // The file's rule: its clauses as they are; a required number of experts added, rounding changed.
    expect(await page.getByTestId("file-experts-combine-file").inputValue()).toBe("trimmed mean");
    expect(await page.getByTestId("file-experts-round-file").inputValue()).toBe("0.01");
    await setCell(page, "file-experts-atleast-file", "3");
    await setCell(page, "file-experts-round-file", "0.1");
    // Item 十①'s own rule: empty clauses say what they inherit; plain mean by at least 5 experts.
    await page.getByTestId("item-experts-open-十.1").click();
    expect(await page.getByTestId("item-experts-round-十.1").getAttribute("placeholder")).toBe("沿用 0.1");
    expect(await page.getByTestId("item-experts-atleast-十.1").getAttribute("placeholder")).toBe("沿用 3");
    expect(await page.getByTestId("item-experts-combine-十.1").locator("option").first().textContent()).toBe("沿用 去掉最高最低后平均");
    await page.getByTestId("item-experts-combine-十.1").selectOption("mean");
    await setCell(page, "item-experts-atleast-十.1", "5");
    // 十's own rule, open beside it (its empty clauses inherit the file's).
    await page.getByTestId("section-experts-open-十").click();
    expect(await page.getByTestId("section-experts-spread-十").getAttribute("placeholder")).toBe("沿用 1");

    let expected = once(y2024, "  round 0.01\n  spread 1\n", "  round 0.1\n  spread 1\n  at least 3 experts\n");
    expected = once(expected, '(2分)" points 2 { judged }\n  item ② "根据绩效评价结果',
      '(2分)" points 2 {\n    judged\n    experts { combine mean at least 5 experts }\n  }\n  item ② "根据绩效评价结果');
    await expect.poll(() => modelText(page), { timeout: 10_000 }).toBe(expected);
    await expect.poll(() => page.getByTestId("problems").textContent(), { timeout: 10_000 }).not.toMatch(/[1-9]\d* ?(个错误|error)/);

    await page.getByTestId("struct-section-十").scrollIntoViewIfNeeded();
    await page.getByTestId("item-experts-十.1").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(repo, "docs/images/structure-experts.png") });

    // Chinese: fits, and no English word among the view's own labels; the top bar is one row.
    expect(await layoutProblems(page)).toEqual([]);
    expect(await topBarProblems(page)).toEqual([]);
    const zh = await labels(page);
    expect(zh.text.filter((s) => /[a-z]{2,}/.test(s))).toEqual([]);

    // English: fits too, and no Chinese heading.
    await page.getByTestId("lang").click();
    await expect.poll(() => page.getByTestId("view-structure").textContent()).toBe("Structure");
    expect(await layoutProblems(page)).toEqual([]);
    expect(await topBarProblems(page)).toEqual([]);
    const en = await labels(page);
    // A heading may show the file's own names (a table's, a veto group's title): those are data.
    const file = await modelText(page);
    const code = file.replace(/#.*$/gm, "").replace(/"[^"]*"/g, " ");
    const data = [...file.matchAll(/"([^"]+)"/g)].map((m) => m[1]!).concat(code.match(/[\p{L}\p{N}_]+/gu) ?? []).sort((a, b) => b.length - a.length);
    const own = (s: string) => data.reduce((rest, d) => rest.split(d).join(" "), s);
    expect(en.headings.map(own).filter((s) => /[\u4e00-\u9fff]/.test(s))).toEqual([]);
    expect(await page.getByTestId("item-experts-round-十.1").getAttribute("placeholder")).toBe("inherits 0.1");

    // Back to Chinese; removing 十①'s rule closes the item again.
    await page.getByTestId("lang").click();
    await page.getByTestId("item-experts-remove-十.1").click();
    await expect.poll(() => modelText(page), { timeout: 10_000 }).toBe(once(y2024, "  round 0.01\n  spread 1\n", "  round 0.1\n  spread 1\n  at least 3 experts\n"));

    // A two-character section number (十一, the vetoes becoming 十二) fits as well.
    await page.getByTestId("new-section-id").fill("十一");
    await page.getByTestId("new-section-title").fill("质量创新");
    await page.getByTestId("add-section").click();
    await page.getByTestId("struct-section-十一").waitFor();
    expect(await layoutProblems(page)).toEqual([]);
    await page.close();
  }, 180_000);
});
