/**
 * `pnpm bench:editor`: in Debian's headless Chromium, against the real server, the time from a
 * keystroke to updated markers and to the updated preview on rules/2024.rules and on a
 * generated rule file 20 times its size; the editor's load time; and its bundle size.
 *
 *   node packages/bench/dist/editor.js [--keys 30]
 */
import { mkdtemp, readdir, readFile, rm, writeFile, cp } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Page } from "playwright-core";
import { buildServer } from "@jsqc/server";
import { root } from "./paths.js";
import { scaledRules } from "./generate.js";

/** What the editor exposes to tests and benchmarks (packages/editor/src/Editor.tsx). */
interface EditorHooks {
  editor: { getModel(): { findMatches(...a: unknown[]): { range: { endLineNumber: number; endColumn: number } }[]; getValueLength(): number } | null; setPosition(p: { lineNumber: number; column: number }): void; focus(): void };
  timings: { keyAt: number | null; markersAt: number; previewAt?: number }[];
}

const { values } = parseArgs({ options: { keys: { type: "string", default: "30" } } });
const KEYS = Number(values.keys);
const dist = join(root, "packages/editor/dist");

const dir = await mkdtemp(join(tmpdir(), "jsqc-bench-editor-"));
await cp(join(root, "rules/2024.rules"), join(dir, "2024.rules"));
const large = scaledRules(20);
await writeFile(join(dir, "2099.rules"), large.replace("year 2024", "year 2099"));
const { app } = await buildServer({ rulesDir: dir, examplesDir: join(root, "examples"), editorDir: dist, watch: false });
const url = await app.listen({ port: 0, host: "127.0.0.1" });
const browser = await chromium.launch({
  executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
});

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!; };

async function measure(name: string): Promise<{ load: number; markers: number[]; preview: number[]; chars: number }> {
  const page: Page = await browser.newPage();
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(`${url}/#${name}`);
  await page.waitForFunction(() => ((window as unknown as { __jsqc?: EditorHooks }).__jsqc?.timings.length ?? 0) > 0 && document.querySelector("[data-testid=total]") !== null, undefined, { timeout: 120_000 });
  const load = await page.evaluate(() => performance.now());
  await page.getByTestId("example").selectOption("03-nanjing-huarui-zhineng-zhuangbei.json");
  await page.evaluate(() => {
    const { editor } = (window as unknown as { __jsqc: EditorHooks }).__jsqc;
    const model = editor.getModel()!;
    const m = model.findMatches("note \"依据通知附件1", false, false, true, null, false)[0]!;
    editor.setPosition({ lineNumber: m.range.endLineNumber, column: m.range.endColumn });
    editor.focus();
  });
  const markers: number[] = [];
  const preview: number[] = [];
  for (let i = 0; i < KEYS + 3; i++) {
    const before = await page.evaluate(() => (window as unknown as { __jsqc: EditorHooks }).__jsqc.timings.length);
    await page.keyboard.type(i % 2 ? "b" : "a"); // ASCII: a real keydown (Chinese would be inserted as text)
    await page.waitForFunction((n) => {
      const t = (window as unknown as { __jsqc: EditorHooks }).__jsqc.timings;
      return t.length > n && t[t.length - 1]!.previewAt !== undefined;
    }, before, { timeout: 60_000 });
    const t = await page.evaluate(() => (window as unknown as { __jsqc: EditorHooks }).__jsqc.timings[(window as unknown as { __jsqc: EditorHooks }).__jsqc.timings.length - 1]!);
    if (i < 3 || t.keyAt === null) continue; // warm-up
    markers.push(t.markersAt - t.keyAt);
    preview.push(t.previewAt! - t.keyAt);
  }
  const chars = await page.evaluate(() => (window as unknown as { __jsqc: EditorHooks }).__jsqc.editor.getModel()!.getValueLength());
  await page.close();
  return { load, markers, preview, chars };
}

async function bundle(): Promise<{ raw: number; gzip: number; files: number }> {
  let raw = 0, gzip = 0, files = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else { const b = await readFile(p); raw += b.length; gzip += gzipSync(b).length; files++; }
    }
  };
  await walk(dist);
  return { raw, gzip, files };
}

try {
  const small = await measure("2024.rules");
  const big = await measure("2099.rules");
  const b = await bundle();
  const f = (n: number) => n.toFixed(1);
  console.log(`editor in headless Chromium ${browser.version()}, ${KEYS} keystrokes each (after 3 warm-up)`);
  console.log("file                       chars   load ms   keystroke→markers ms (p50 / p90 / max)   keystroke→preview ms (p50 / p90 / max)");
  for (const [label, r] of [["rules/2024.rules", small], ["generated, 20× 2024", big]] as const) {
    console.log(`${label.padEnd(24)} ${String(r.chars).padStart(7)} ${f(r.load).padStart(9)}   ${f(pct(r.markers, 50)).padStart(8)} / ${f(pct(r.markers, 90))} / ${f(Math.max(...r.markers))}${"".padEnd(12)}${f(pct(r.preview, 50)).padStart(8)} / ${f(pct(r.preview, 90))} / ${f(Math.max(...r.preview))}`);
  }
  console.log(`bundle: ${b.files} files, ${(b.raw / 1024 / 1024).toFixed(2)} MiB, ${(b.gzip / 1024 / 1024).toFixed(2)} MiB gzipped`);
  console.log(`targets: keystroke→markers p50 < 50 ms on 2024: ${pct(small.markers, 50) < 50 ? "met" : "NOT met"}; < 150 ms on 20×: ${pct(big.markers, 50) < 150 ? "met" : "NOT met"}`);
} finally {
  await browser.close();
  await app.close();
  await rm(dir, { recursive: true, force: true });
}
