/**
 * A policy officer's whole 2025 revision in the browser, without touching the text: create 2025
 * from 2024 (document number asked; windows, effective period and the rule tests' applications
 * move into 2025); 七 lowered from 12 to 10 (④'s branches and points, ③'s cap and points, with
 * their printed texts and notes); a new section 十一 (the vetoes become 十二); an item in it
 * turned into tiers on a new decimal input with a range; a new veto on a new kind of adverse
 * record; one veto's period widened; the falsification period of the basic conditions changed;
 * section 十 scored by its own expert rule; AA's window, quota and AAA's pass mark; the review
 * list worked through; saved as a draft; the
 * rule tests run, the intended changes accepted, all passing; published over 2025.rules; and
 * compared with 2024. The published file is asserted byte for byte.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { check, parse } from "@jsqc/dsl";
import { startHarness, repo, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await startHarness(); }, 60_000);
afterAll(async () => { await h?.close(); });

async function setCell(page: Page, testId: string, value: string): Promise<void> {
  const cell = page.getByTestId(testId);
  await cell.fill(value);
  await cell.press("Enter");
}

const modelText = (page: Page) => page.evaluate(() => window.__jsqc!.editor.getModel()!.getValue());

/** The 2025 file the officer's changes must give, made from 2024's text by plain replacements. */
function expectedText(y2024: string): string {
  const one = (t: string, from: string, to: string) => {
    const at = t.indexOf(from);
    if (at < 0 || t.indexOf(from, at + 1) >= 0) throw new Error(`not exactly once: ${from}`);
    return t.slice(0, at) + to + t.slice(at + from.length);
  };
  let t = y2024;
  t = one(t, 'ruleset "2024年度质量信用等级认定工作技术指标"', 'ruleset "2025年度质量信用等级认定工作技术指标"');
  t = one(t, "  year 2024\n", "  year 2025\n");
  t = one(t, 'document "苏市监〔2024〕53号"', 'document "苏市监〔2025〕18号"');
  t = one(t, "effective 2024-01-01 to 2024-12-31", "effective 2025-01-01 to 2025-12-31");
  t = one(t, 'note "依据通知附件1《2024年度质量信用等级认定工作技术指标》，十个评价部分合计 100 分，另设第十一部分否决项。"', 'note "依据通知附件1《2025年度质量信用等级认定工作技术指标》，十一个评价部分合计 100 分，另设第十二部分否决项。"');
  // 十 scored by its own expert rule: plain mean, rounded to 0.5.
  t = one(t, 'section 十 "结果分析评价" weight 10 {\n', 'section 十 "结果分析评价" weight 10 {\n  experts { combine mean round 0.5 }\n');
  // A new decimal input with a range and unit, optional (last year's applications do not state it), after the last input.
  t = one(t, '  help "每条产品质量违法或质量失信记录填一行；没有的留空"\n', '  help "每条产品质量违法或质量失信记录填一行；没有的留空"\n\ninput 研发投入占比: decimal "研发投入占营业收入比例" min 0 max 100 unit "%" optional\n');
  // A new kind of adverse record.
  t = one(t, '  质量失信 "质量失信行为"\n}', '  质量失信 "质量失信行为"\n  重大质量事故 "重大质量事故"\n}');
  // 七: ③ capped at 1, ④'s branches 2 / 1.5 / 1, weight 10.
  t = one(t, 'section 七 "质量竞争优势" weight 12', 'section 七 "质量竞争优势" weight 10');
  t = one(t, "(得分可累计，最高不超过 2 分)\" points 2 {", "(得分可累计，最高不超过 1 分)\" points 1 {");
  t = one(t, "    cap 2\n  }\n  item ④", "    cap 1\n  }\n  item ④");
  t = one(t, 'item ④ "国家科技进步奖 3 分，省级科技进步奖 2 分，市级科技进步奖 1 分。(取单项最高分)" points 3 {', 'item ④ "国家科技进步奖 2 分，省级科技进步奖 1.5 分，市级科技进步奖 1 分。(取单项最高分)" points 2 {');
  t = one(t, 'award 3 "国家科技进步奖"', 'award 2 "国家科技进步奖"');
  t = one(t, 'award 2 "省级科技进步奖"', 'award 1.5 "省级科技进步奖"');
  t = one(t, '    note "原文未印本项分值，取最高分支 3 分为本项分值。"\n  }\n  item ⑤', '    note "原文未印本项分值，取最高分支 2 分为本项分值。"\n  }\n  item ⑤');
  // A new section 十一 with a tiers item; the vetoes become 十二.
  t = one(t, '(2分)" points 2 { judged }\n}\n\nvetoes 十一 "否决项" {', '(2分)" points 2 { judged }\n}\n\nsection 十一 "质量创新" weight 2 {\n  item ① "研发投入占营业收入比例达到 3% 得 1 分，达到 5% 得 2 分。" points 2 {\n    tiers 研发投入占比 {\n      >= 5 award 2\n      >= 3 award 1\n    }\n  }\n}\n\nvetoes 十二 "否决项" {');
  // 十二②: two years → three, with its text and note; a new veto ③.
  t = one(t, '"截至申报日期起两年内,存在质量失信行为的"\n    when any(不良记录 where 类型 == 质量失信 and 日期 within 2 years before 申报日期)\n    note "“两年内”',
    '"截至申报日期起三年内,存在质量失信行为的"\n    when any(不良记录 where 类型 == 质量失信 and 日期 within 3 years before 申报日期)\n    note "“三年内”');
  t = one(t, "记录日期在申报日期前两年的当日至申报日期之间（含两端）的，予以否决。\"\n}", "记录日期在申报日期前三年的当日至申报日期之间（含两端）的，予以否决。\"\n  veto ③ \"截至申报日期起三年内，发生重大质量事故的\"\n    when any(不良记录 where 类型 == 重大质量事故 and 日期 within 3 years before 申报日期)\n}");
  // 基本条件: five years instead of three after a published falsification.
  t = one(t, "弄虚作假通报日期 > 申报日期 - 3 years", "弄虚作假通报日期 > 申报日期 - 5 years");
  // AA: window from 1 April, quota 25; AAA: window moved, pass 86.
  t = one(t, "  pass 75\n  window 2024-03-26 to 2024-04-26\n  quota 30 per city", "  pass 75\n  window 2025-04-01 to 2025-04-26\n  quota 25 per city");
  t = one(t, "  pass 85\n  window 2024-03-26 to 2024-04-26", "  pass 86\n  window 2025-03-26 to 2025-04-26");
  return t;
}

describe("a policy officer's 2025 revision, in the browser only", () => {
  test("new year, revised in the structure view, reviewed, tested, published, compared", async () => {
    const page = await h.browser.newPage({ locale: "zh-CN" });
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${h.url}#2024.rules`);
    await page.getByTestId("total").waitFor();

    // 由此新建下一年度, with the new notice's number.
    await page.getByTestId("new-year").click();
    await page.getByTestId("new-year-year").fill("2025");
    await page.getByTestId("new-year-document").fill("苏市监〔2025〕18号");
    await page.getByTestId("new-year-create").click();
    // Creating the year writes the file and its carried tests with fsync: allow the shared machine its time.
    await expect.poll(() => page.getByTestId("file").inputValue(), { timeout: 30_000 }).toBe("2025.rules");
    await expect.poll(async () => (await modelText(page)).includes("window 2025-03-26 to 2025-04-26"), { timeout: 10_000 }).toBe(true);
    await page.getByTestId("revision").waitFor();
    // The copied tests, dated into 2025, all pass under the unchanged rules.
    await expect.poll(() => page.getByTestId("tests-summary").textContent(), { timeout: 10_000 }).toMatch(/^规则测试：\d+ 通过，0 未通过$/);
    await page.getByTestId("view-structure").click();
    await page.getByTestId("structure").waitFor();
    // The header in Chinese dates.
    expect(await page.getByTestId("header-effective-from-zh").textContent()).toBe("2025年1月1日");

    // The header's note still speaks of 2024 and of ten sections (the checker warns): updated.
    await setCell(page, "note-header-0", "依据通知附件1《2025年度质量信用等级认定工作技术指标》，十一个评价部分合计 100 分，另设第十二部分否决项。");
    // 十 gets its own expert rule; the other sections keep the file's.
    await page.getByTestId("section-experts-open-十").click();
    await page.getByTestId("section-experts-combine-十").selectOption("mean");
    await setCell(page, "section-experts-round-十", "0.5");
    await expect.poll(async () => (await modelText(page)).includes("  experts { combine mean round 0.5 }\n")).toBe(true);

    // 七③: cap and points 2 → 1, its printed text follows.
    await setCell(page, "cap-七.3", "1");
    await setCell(page, "points-七.3", "1");
    const t73 = page.getByTestId("item-text-七.3");
    await t73.fill((await t73.inputValue()).replace("最高不超过 2 分", "最高不超过 1 分"));
    await t73.press("Enter");
    // 七④: branches 3 / 2 / 1 → 2 / 1.5 / 1, points 2, text and note follow.
    await page.getByTestId("struct-item-七.4").locator("input.cell").nth(1).waitFor();
    const branch = (k: number) => page.getByTestId("struct-section-七").locator("tr.item-sub").nth(3).locator(".params input.cell").nth(k);
    await branch(0).fill("2"); await branch(0).press("Enter");
    await branch(1).fill("1.5"); await branch(1).press("Enter");
    await setCell(page, "points-七.4", "2");
    await setCell(page, "item-text-七.4", "国家科技进步奖 2 分，省级科技进步奖 1.5 分，市级科技进步奖 1 分。(取单项最高分)");
    await setCell(page, "note-七.4-0", "原文未印本项分值，取最高分支 2 分为本项分值。");
    await setCell(page, "weight-七", "10");
    await expect.poll(() => page.getByTestId("reach-七").textContent()).toBe("可得 10 ✓");

    // A new decimal input with a range and a unit; optional, as last year's applications do not state it.
    await page.getByTestId("new-input-name").fill("研发投入占比");
    await page.getByTestId("new-input-type").selectOption("decimal");
    await page.getByTestId("new-input-label").fill("研发投入占营业收入比例");
    await page.getByTestId("new-input-min").fill("0");
    await page.getByTestId("new-input-max").fill("100");
    await page.getByTestId("new-input-unit").fill("%");
    await page.getByTestId("new-input-optional").check();
    await page.getByTestId("add-input").click();
    await page.getByTestId("struct-input-研发投入占比").waitFor();

    // A new section 十一 after 十: the vetoes renumber to 十二.
    await page.getByTestId("new-section-id").fill("十一");
    await page.getByTestId("new-section-title").fill("质量创新");
    await page.getByTestId("new-section-weight").fill("2");
    await page.getByTestId("add-section").click();
    await page.getByTestId("struct-section-十一").waitFor();
    await expect.poll(() => page.getByTestId("struct-veto-十二.1").count()).toBe(1);
    // An item in it, turned into tiers: choosing 分档 asks which input.
    await page.getByTestId("new-item-text-十一").fill("研发投入占营业收入比例达到 3% 得 1 分，达到 5% 得 2 分。");
    await page.getByTestId("new-item-points-十一").fill("2");
    await page.getByTestId("add-item-十一").click();
    await page.getByTestId("form-十一.1").selectOption("Tiers");
    await page.getByTestId("form-ask-十一.1").waitFor();
    expect(await modelText(page)).toContain('points 2 { judged }\n}\n\nvetoes 十二');
    await page.getByTestId("form-input-十一.1").selectOption("研发投入占比");
    await expect.poll(() => page.getByTestId("tiers-input-十一.1").inputValue()).toBe("研发投入占比");
    await expect.poll(() => page.getByTestId("struct-total").textContent()).toMatch(/各部分满分合计 100 \/ 总分.*✓/);

    // A new kind of adverse record, and a veto on it through the form.
    await page.getByTestId("new-member-name-不良记录类型").fill("重大质量事故");
    await page.getByTestId("new-member-label-不良记录类型").fill("重大质量事故");
    await page.getByTestId("add-member-不良记录类型").click();
    await page.getByTestId("member-name-不良记录类型-重大质量事故").waitFor();
    await page.getByTestId("new-veto-text").fill("截至申报日期起三年内，发生重大质量事故的");
    await page.getByTestId("new-veto-cond-kind").selectOption("recordWithin");
    await page.getByTestId("new-veto-cond-member").selectOption("重大质量事故");
    await setCell(page, "new-veto-cond-amount", "3");
    await expect.poll(() => page.getByTestId("new-veto-when").inputValue()).toBe("any(不良记录 where 类型 == 重大质量事故 and 日期 within 3 years before 申报日期)");
    await page.getByTestId("add-veto").click();
    await page.getByTestId("struct-veto-十二.3").waitFor();
    // 十二②'s period widened to three years, its text and note with it.
    await setCell(page, "veto-when-十二.2-amount", "3");
    await setCell(page, "veto-text-十二.2", "截至申报日期起三年内,存在质量失信行为的");
    const n2 = page.getByTestId("note-veto-十二.2-0");
    await n2.fill((await n2.inputValue()).replace("两年内", "三年内").replace("前两年", "前三年"));
    await n2.press("Enter");
    // 基本条件: no published falsification within five years (was three).
    await setCell(page, "require-when-eligibility-1-amount", "5");
    // A typed condition is checked as it is typed.
    await page.getByTestId("require-when-AAA-0-text").fill("present(AA级认定日期) and year(AA级认定日期) < 年度");
    await expect.poll(() => page.getByTestId("require-when-AAA-0").locator(".findings li").count()).toBeGreaterThan(0);
    await page.getByTestId("require-when-AAA-0-text").press("Escape");

    // Grades: AA's window from 1 April (a date picker), quota 25; AAA's pass mark 86.
    await page.getByTestId("window-from-AA").fill("2025-04-01");
    await expect.poll(() => page.getByTestId("window-from-AA-zh").textContent()).toBe("2025年4月1日");
    await setCell(page, "quota-AA", "25");
    await setCell(page, "pass-AAA", "86");
    await expect.poll(() => page.getByTestId("problems").textContent()).toBe("没有问题");
    await page.getByTestId("struct-section-十一").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(repo, "docs/images/structure-every-construct.png") });
    await page.getByTestId("struct-veto-十二.2").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(repo, "docs/images/structure-conditions.png") });

    // The review list: what was fixed shows as fixed; the officer ticks off the rest.
    await expect.poll(() => page.getByTestId("review-note veto 十二.2 #0").textContent()).toContain("已修改");
    for (;;) {
      const open = page.locator('[data-testid^="review-tick-"]:not(:checked):not([disabled])');
      if ((await open.count()) === 0) break;
      await open.first().click();
    }
    await expect.poll(() => page.getByTestId("review-summary").textContent()).toMatch(/待复核 0 条$/);

    // Save as a draft: 2025.draft.rules. The tests whose outcome moved on purpose are accepted.
    await page.getByTestId("save-draft").click();
    await expect.poll(() => page.getByTestId("file").inputValue()).toBe("2025.draft.rules");
    await expect.poll(() => page.getByTestId("tests-summary").textContent()).toMatch(/未通过$/);
    expect(await page.getByTestId("publish").isDisabled()).toBe(true);
    await page.screenshot({ path: join(repo, "docs/images/review-list.png") });
    for (;;) {
      const failing = page.locator('[data-testid^="test-accept-"]');
      if ((await failing.count()) === 0) break;
      const before = await page.getByTestId("tests-summary").textContent();
      await failing.first().click();
      await expect.poll(() => page.getByTestId("tests-summary").textContent()).not.toBe(before);
    }
    await expect.poll(() => page.getByTestId("tests-summary").textContent()).toMatch(/^规则测试：\d+ 通过，0 未通过$/);

    // Published over 2025.rules, with its ETag.
    await page.getByTestId("publish").click();
    await expect.poll(() => page.getByTestId("file").inputValue()).toBe("2025.rules");
    const published = await readFile(join(h.rulesDir, "2025.rules"), "utf8");
    const y2024 = await readFile(join(repo, "rules/2024.rules"), "utf8");
    expect(published).toBe(expectedText(y2024));
    expect(check(parse(published)).diagnostics).toEqual([]);

    // Compared with 2024.
    await page.getByTestId("show-compare").click();
    await page.getByTestId("compare").waitFor();
    await page.getByTestId("compare-with").selectOption("2024.rules");
    await expect.poll(() => page.getByTestId("impact-summary").count(), { timeout: 30_000 }).toBe(1);
    // The examples, written for 2024, are dated into 2025 first; every row whose outcome changed
    // says why, and none is left unexplained.
    expect(await page.getByTestId("carry-dates").isChecked()).toBe(true);
    const summary = (await page.getByTestId("impact-summary").textContent()) ?? "";
    expect(summary).toContain("各日期已移动 +1 年");
    expect(summary).not.toContain("未找到原因");
    const rows = await page.locator("[data-testid=impact-table] tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    expect(rows.length).toBe(20);
    for (const cells of rows) if (/[↑↓]/.test(cells[4]!)) expect(cells[6]!, cells.join(" | ")).toMatch(/★/);
    await page.screenshot({ path: join(repo, "docs/images/compare-2025.png") });
    // Without dating them, a grade lost only to the new window is named as such, never unexplained.
    await page.getByTestId("carry-dates").uncheck();
    await expect.poll(async () => (await page.getByTestId("impact-summary").textContent()) ?? "", { timeout: 30_000 }).not.toContain("各日期已移动");
    expect(await page.getByTestId("impact-summary").textContent()).not.toContain("未找到原因");
    await page.getByTestId("compare-close").click();
    // Last year's example in the preview of the 2025 file is dated into 2025, and says so.
    await page.getByTestId("example").selectOption("01-kunshan-ruitai-jingmi-muju.json");
    await expect.poll(async () => (await page.getByTestId("dated").textContent()) ?? "", { timeout: 30_000 }).toContain("此示例按 2024 年度填写，预览时各日期已移入 2025 年度（+1 年）");
    await page.getByTestId("tab-form").click();
    expect(await page.locator("[data-testid=preview] input[type=date]").first().inputValue()).toMatch(/^2025-/);
    await page.close();
  }, 560_000);
});
