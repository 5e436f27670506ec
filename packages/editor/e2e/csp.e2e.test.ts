/**
 * Issue 13, item 10: the editor's page is served with a Content-Security-Policy (and frame
 * protection), and the real built editor still works under it in headless Chromium — Monaco, its
 * web workers (the checker's markers come from one), the codicon font, the preview — with no CSP
 * violation reported, neither as a `securitypolicyviolation` event nor on the console.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await startHarness(); }, 60_000);
afterAll(async () => { await h?.close(); });

declare global {
  interface Window { __cspViolations?: string[] }
}

describe("the editor under the server's Content-Security-Policy", () => {
  test("loads, checks in its worker and previews, with no CSP violation", async () => {
    const page = await h.browser.newPage();
    const consoleProblems: string[] = [];
    page.on("console", (m) => { if (/content security policy|refused to/i.test(m.text())) consoleProblems.push(m.text()); });
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e) => {
        window.__cspViolations!.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const response = await page.goto(`${h.url}#2024.rules`);
    const headers = response!.headers();
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"]).toContain("script-src 'self'");
    expect(headers["x-frame-options"]).toBe("DENY");
    await page.waitForFunction(() => (window.__jsqc?.editor.getModel()?.getValue().length ?? 0) > 1000);
    await page.getByTestId("total").waitFor();
    // A typo: the checker (in a web worker) answers with a marker.
    await page.evaluate(() => {
      const model = window.__jsqc!.editor.getModel()!;
      const m = model.findMatches("award 2 when 获江苏精品认证", false, false, true, null, false)[0]!;
      model.applyEdits([{ range: { startLineNumber: m.range.endLineNumber, startColumn: m.range.endColumn, endLineNumber: m.range.endLineNumber, endColumn: m.range.endColumn }, text: "x" }]);
    });
    await expect.poll(() => page.evaluate(() => window.__jsqc!.monaco.editor.getModelMarkers({}).length), { timeout: 20_000 }).toBeGreaterThan(0);
    // The codicon font (Monaco's icons) was loaded from the page's own origin.
    await expect.poll(() => page.evaluate(() => [...document.fonts].some((f) => f.family.includes("codicon") && f.status === "loaded")), { timeout: 20_000 }).toBe(true);
    expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
    expect(consoleProblems).toEqual([]);
    await page.close();
  }, 60_000);
});
