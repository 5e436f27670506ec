/**
 * Two officers on one year's file, in a real headless Chromium against the real server (issue
 * 12): unsaved edits kept per tab; saves of different rules merged without a question; saves of
 * the same rule decided in the notice's terms, the result on disk and audited; the history with
 * author, Chinese time and change summary. Tabs of one officer are pages of one browser context
 * (they share storage and the BroadcastChannel, as tabs do); two officers are two contexts.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { editorText, openEditor, startHarness, typeAt, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await startHarness(); }, 60_000);
afterAll(async () => { await h?.close(); });

const disk = () => readFile(join(h.rulesDir, "2024.rules"), "utf8");
/** The audit log's changes (its commit lines; the intent line written before each change aside). */
async function auditLines(): Promise<{ who: string; action: string; summary?: string[]; restoredFrom?: string }[]> {
  const text = await readFile(join(h.rulesDir, ".audit", "audit.jsonl"), "utf8").catch(() => "");
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { who: string; action: string; summary?: string[]; kind?: string })
    .filter((e) => e.kind === undefined || e.kind === "commit");
}
/** A grade's block as the text has it (the pass mark and quota lines differ per grade). */
const gradeBlock = (text: string, grade: string) => text.slice(text.indexOf(`grade ${grade} "`), text.indexOf("}", text.indexOf(`grade ${grade} "`)));
/** The officer comes back to the tab (the window gets the focus). */
const returnTo = (page: Page) => page.evaluate(() => window.dispatchEvent(new Event("focus")));
/** Two officers, each in their own browser (context), with the file open. */
async function twoOfficers(): Promise<{ a: Page; b: Page; close: () => Promise<void> }> {
  const first = await h.browser.newContext();
  const second = await h.browser.newContext();
  const a = await first.newPage();
  const b = await second.newPage();
  await openEditor(h, a);
  await openEditor(h, b);
  return { a, b, close: async () => { await first.close(); await second.close(); } };
}
/** A save parses, checks, merges and audits on a shared machine: seconds, not expect.poll's default second. */
const SLOW = { timeout: 30_000 };
const state = (page: Page) => page.getByTestId("state").textContent();

// Each case drives two pages through several saves, merges and checks: minutes on a busy machine.
describe("two officers on one file", { timeout: 240_000 }, () => {
  test("(1) two tabs with unsaved edits: each reload offers back its own tab's edits; both are kept", async () => {
    const context = await h.browser.newContext();
    const a = await context.newPage();
    const b = await context.newPage();
    for (const p of [a, b]) p.on("dialog", (d) => void d.accept());
    await openEditor(h, a);
    // Tab A changes the AA pass mark and does not save.
    await typeAt(a, "pass 75", 1, "6");
    await expect.poll(() => state(a), SLOW).toContain("未保存");
    // Tab B opens the same file: it is told another tab has unsaved edits in it.
    await openEditor(h, b);
    await expect.poll(() => b.getByTestId("other-tabs").textContent(), SLOW).toContain("另有 1 个标签页正在编辑此文件且有未保存的修改");
    // Tab B changes the AAA quota and does not save; A learns of B's unsaved edits too.
    await typeAt(b, "quota 15", 1, "6");
    await expect.poll(() => a.getByTestId("other-tabs").count(), SLOW).toBe(1);

    await a.reload();
    await a.getByTestId("restore").waitFor();
    expect(await a.getByTestId("restore").textContent()).toMatch(/发现本标签页上次未保存的修改（\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d）/);
    await a.getByTestId("restore-yes").click();
    await expect.poll(async () => gradeBlock(await editorText(a), "AA"), SLOW).toContain("pass 76");
    expect(gradeBlock(await editorText(a), "AAA")).toContain("quota 15 per city");

    await b.reload();
    await b.getByTestId("restore-yes").click();
    await expect.poll(async () => gradeBlock(await editorText(b), "AAA"), SLOW).toContain("quota 16 per city");
    expect(gradeBlock(await editorText(b), "AA")).toContain("pass 75");

    // Both save: B, still holding the version it opened, is told at once that A saved and what
    // changed; its own save then merges without a question. Both edits are on disk.
    await a.getByTestId("save").click();
    await expect.poll(() => a.getByTestId("status").textContent(), SLOW).toBe("已保存");
    await expect.poll(() => b.getByTestId("saved-elsewhere-changes").textContent(), SLOW).toBe("AA级 及格分 75 → 76");
    expect(await b.getByTestId("saved-elsewhere").textContent()).toContain("保存时将与之合并");
    await b.getByTestId("save").click();
    await expect.poll(() => b.getByTestId("status").textContent(), SLOW).toMatch(/^已与他人的修改合并并保存/);
    const text = await disk();
    expect(gradeBlock(text, "AA")).toContain("pass 76");
    expect(gradeBlock(text, "AAA")).toContain("quota 16 per city");
    // Tab A, which had no unsaved edits, loads the merged version when told of it.
    await expect.poll(() => editorText(a), SLOW).toBe(text);
    await context.close();
  });

  test("(2) saves of different rules from one version merge with no question; both changes are on disk", async () => {
    const { a, b, close } = await twoOfficers();
    await typeAt(a, "pass 60", 1, "1");
    await a.getByTestId("save").click();
    await expect.poll(() => a.getByTestId("status").textContent(), SLOW).toBe("已保存");
    await typeAt(b, "quota 30", 1, "1");
    await b.getByTestId("save").click();
    await expect.poll(() => b.getByTestId("status").textContent(), SLOW).toBe("已与他人的修改合并并保存（他人的修改（已保存）：A级 及格分 60 → 61；我的修改：AA级 名额 每市 30 家 → 每市 31 家）");
    expect(await b.getByTestId("merge").count()).toBe(0);
    const text = await disk();
    expect(gradeBlock(text, "A")).toContain("pass 61");
    expect(gradeBlock(text, "AA")).toContain("quota 31 per city");
    expect(await editorText(b)).toBe(text);
    expect(await state(b)).not.toContain("未保存");
    // A, in another browser, learns of B's save when it comes back to the tab, with what changed.
    await returnTo(a);
    await expect.poll(() => a.getByTestId("saved-elsewhere-changes").textContent(), SLOW).toBe("AA级 名额 每市 30 家 → 每市 31 家");
    expect(await a.getByTestId("saved-elsewhere").textContent()).toContain("已在别处保存（local）");
    expect(await editorText(a)).toBe(text);
    await close();
  });

  test("(3) saves of the same rule ask, show both sides in the notice's terms, and the chosen result is on disk and audited", async () => {
    const { a, b, close } = await twoOfficers();
    const cap = "award 1 per 发明专利数, 0.5 per 实用新型专利数, 0.5 per 外观设计专利数\n    cap 2";
    await typeAt(a, cap, 1, "1.5");
    await a.getByTestId("save").click();
    await expect.poll(() => a.getByTestId("status").textContent(), SLOW).toBe("已保存");
    const saved = await disk();
    await typeAt(b, cap, 1, "1");
    await b.getByTestId("save").click();
    await b.getByTestId("merge").waitFor();
    expect(await b.getByTestId("merge").textContent()).toContain("文件已被他人修改：请逐处决定");
    expect(await b.getByTestId("merge-mine-changes-0").textContent()).toBe("第七部分③ 封顶 2 → 1");
    expect(await b.getByTestId("merge-theirs-changes-0").textContent()).toBe("第七部分③ 封顶 2 → 1.5");
    expect(await b.getByTestId("merge-mine-text-0").textContent()).toBe("    cap 1\n");
    expect(await b.getByTestId("merge-theirs-text-0").textContent()).toBe("    cap 1.5\n");
    // Nothing is written until the officer decides; there is no one-click overwrite.
    expect(await disk()).toBe(saved);
    expect(await b.getByTestId("conflict-keep-mine").count()).toBe(0);
    // Keeping both lines would give the item two caps: the check says so and the save waits.
    await b.getByTestId("merge-both-0").check();
    await expect.poll(() => b.getByTestId("merge-check").textContent(), SLOW).toMatch(/合并结果有 \d+ 个错误/);
    expect(await b.getByTestId("merge-save").isDisabled()).toBe(true);
    await b.getByTestId("merge-mine-0").check();
    await expect.poll(() => b.getByTestId("merge-check").textContent(), SLOW).toBe("合并结果检查通过。");
    await b.getByTestId("merge-save").click();
    await expect.poll(() => b.getByTestId("status").textContent(), SLOW).toBe("已保存");
    const text = await disk();
    expect(text).toContain(cap.replace(/cap 2$/, "cap 1\n"));
    expect(text).toBe(saved.replace(cap.replace(/cap 2$/, "cap 1.5"), cap.replace(/cap 2$/, "cap 1")));
    expect((await auditLines()).at(-1)).toMatchObject({ who: "local", action: "save", summary: ["第七部分③ 封顶 1.5 → 1"] });
    await close();
  });

  test("(4) history shows author, Chinese time and the change summary of each version; two versions compare; a restore is a new, audited version", async () => {
    const page = await h.browser.newPage();
    page.on("dialog", (d) => void d.accept());
    await openEditor(h, page);
    await page.getByTestId("show-history").click();
    await page.getByTestId("history").waitFor();
    const rows = page.locator("[data-testid^=history-]").filter({ has: page.getByTestId("history-time") });
    await expect.poll(() => rows.count(), SLOW).toBe(7); // the current version and the six it replaced
    const listed = await rows.evaluateAll((els) => els.map((e) => ({
      time: e.querySelector("[data-testid=history-time]")!.textContent,
      who: e.querySelector("[data-testid=history-who]")!.textContent,
      summary: [...e.querySelectorAll("[data-testid=history-summary] li")].map((li) => li.textContent),
    })));
    for (const row of listed.slice(0, 6)) {
      expect(row.time).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d/);
      expect(row.who).toBe("local");
    }
    expect(listed[0]!.time).toMatch(/（当前版本）$/);
    expect(listed.slice(0, 6).map((r) => r.summary)).toEqual([
      ["第七部分③ 封顶 1.5 → 1"],
      ["第七部分③ 封顶 2 → 1.5"],
      ["AA级 名额 每市 30 家 → 每市 31 家"],
      ["A级 及格分 60 → 61"],
      ["AAA级 名额 每市 15 家 → 每市 16 家"],
      ["AA级 及格分 75 → 76"],
    ]);
    // The file as it came (never saved through the editor): author and change unknown.
    expect(listed[6]).toMatchObject({ who: "（不详）", summary: ["（变化不详）"] });

    // Any two versions compare: the oldest against the current one.
    const options = await page.getByTestId("compare-from").locator("option").evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    await page.getByTestId("compare-from").selectOption(options.at(-1)!);
    await page.getByTestId("compare-to").selectOption("current");
    await expect.poll(() => page.getByTestId("compare-change").allTextContents(), SLOW).toEqual(expect.arrayContaining([
      "AA级 及格分 75 → 76", "AAA级 名额 每市 15 家 → 每市 16 家", "A级 及格分 60 → 61", "AA级 名额 每市 30 家 → 每市 31 家", "第七部分③ 封顶 2 → 1",
    ]));

    // Restoring the version the file came as: saved at once as a new version, audited as a restore.
    await page.locator("li button[data-testid^=version-]").last().click();
    await expect.poll(() => page.getByTestId("version-source").textContent(), SLOW).toContain("pass 75");
    const old = (await page.getByTestId("version-source").textContent())!;
    await page.getByTestId("restore-version").click();
    await expect.poll(() => page.getByTestId("status").textContent(), SLOW).toMatch(/^已恢复 \d{4}年.* 的版本并保存为新版本$/);
    expect(await disk()).toBe(old);
    expect(await editorText(page)).toBe(old);
    expect(await state(page)).not.toContain("未保存");
    const line = (await auditLines()).at(-1)!;
    expect(line).toMatchObject({ who: "local", action: "restore", restoredFrom: options.at(-1) });
    expect(line.summary).toEqual(expect.arrayContaining(["第七部分③ 封顶 1 → 2", "AA级 及格分 76 → 75"]));
    await page.close();
  });
});
