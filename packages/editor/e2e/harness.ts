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
