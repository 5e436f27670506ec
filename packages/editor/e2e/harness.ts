/**
 * End-to-end harness: the real built editor served by the real server over a temporary copy of
 * rules/ and examples/, driven in Debian's headless Chromium by playwright-core.
 */
import { chromium, type Browser } from "playwright-core";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer } from "@jsqc/server";

export const repo = new URL("../../../", import.meta.url).pathname;
export const editorDist = join(repo, "packages/editor/dist");
export const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

export interface Harness {
  readonly url: string;
  readonly rulesDir: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  if (!existsSync(join(editorDist, "index.html"))) throw new Error("packages/editor/dist is missing: run the build first (npm test does)");
  const dir = await mkdtemp(join(tmpdir(), "jsqc-e2e-"));
  const rulesDir = join(dir, "rules");
  await cp(join(repo, "rules"), rulesDir, { recursive: true });
  await cp(join(repo, "examples"), join(dir, "examples"), { recursive: true });
  const { app } = await buildServer({ rulesDir, examplesDir: join(dir, "examples"), editorDir: editorDist });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"],
  });
  return {
    url: `${address}/`,
    rulesDir,
    browser,
    async close() {
      await browser.close();
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Opens the editor on a file and waits until its text and the preview are there. */
export async function openEditor(h: Harness, page: import("playwright-core").Page, name = "2024.rules"): Promise<void> {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(`${h.url}#${name}`);
  await page.waitForFunction(() => (window.__jsqc?.editor.getModel()?.getValue().length ?? 0) > 1000);
  await page.getByTestId("total").waitFor();
}

/** The editor's text (its Monaco model). */
export const editorText = (page: import("playwright-core").Page): Promise<string> =>
  page.evaluate(() => window.__jsqc!.editor.getModel()!.getValue());

/**
 * Types as a user would: puts the cursor at the end of the only occurrence of `context` in the
 * text (it may span lines), deletes `erase` characters before it and types `text`.
 */
export async function typeAt(page: import("playwright-core").Page, context: string, erase: number, text: string): Promise<void> {
  await page.evaluate((c) => {
    const { editor } = window.__jsqc!;
    const model = editor.getModel()!;
    const value = model.getValue();
    const at = value.indexOf(c);
    if (at < 0 || value.indexOf(c, at + 1) >= 0) throw new Error(`not found once: ${c}`);
    const p = model.getPositionAt(at + c.length);
    editor.setPosition(p);
    editor.revealPositionInCenter(p);
    editor.focus();
  }, context);
  for (let i = 0; i < erase; i++) await page.keyboard.press("Backspace");
  await page.keyboard.type(text);
}
