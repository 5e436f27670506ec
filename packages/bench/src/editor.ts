/**
 * `pnpm bench:editor`: in Debian's headless Chromium, against the real server, the time from a
 * keystroke to updated markers and to the updated preview on rules/2024.rules and on a
 * generated rule file 20 times its size; the editor's load time; its bundle size; and the cost
 * of typing against a plain Monaco (the same Monaco build, size, options and theme, no language,
 * no app: packages/editor/bench-plain.html, built into dist-plain/): the same characters typed into
 * both with rules/2024.rules loaded, at full speed and at 60 ms a key, in interleaved rounds;
 * time to type and the renderer main thread's busy time (CDP Performance.getMetrics
 * TaskDuration, from the first key until the editor has settled), medians, and their ratios;
 * on Linux also the CPU time of the renderers' main threads (/proc/<pid>/task/<pid>/stat) in the
 * same window, which a busy shared machine inflates far less than TaskDuration's wall time.
 *
 *   node packages/bench/dist/editor.js [--keys 30] [--type-chars 100] [--rounds 5] [--delays 0,60] [--typing-only] [--dist dir]
 */
import { mkdtemp, readdir, readFile, rm, writeFile, cp } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium, type CDPSession, type Page } from "playwright-core";
import { buildServer } from "@jsqc/server";
import { root } from "./paths.js";
import { scaledRules } from "./generate.js";

/** What the editor exposes to tests and benchmarks (packages/editor/src/Editor.tsx). */
interface EditorHooks {
  editor: { getModel(): { findMatches(...a: unknown[]): { range: { endLineNumber: number; endColumn: number } }[]; getValueLength(): number } | null; setPosition(p: { lineNumber: number; column: number }): void; focus(): void };
  timings: { keyAt: number | null; markersAt: number; previewAt?: number }[];
}

const { values } = parseArgs({
  options: {
    keys: { type: "string", default: "30" },
    "type-chars": { type: "string", default: "100" },
    rounds: { type: "string", default: "5" },
    delays: { type: "string", default: "0,60" },
    "typing-only": { type: "boolean", default: false },
    /** Another build of the editor (e.g. an older commit's, for a before/after in one sitting). */
    dist: { type: "string" },
  },
});
const KEYS = Number(values.keys);
const TYPE_CHARS = Number(values["type-chars"]);
const ROUNDS = Number(values.rounds);
const DELAYS = values.delays.split(",").map(Number);
const dist = values.dist ?? join(root, "packages/editor/dist");
const distPlain = join(root, "packages/editor/dist-plain");

const dir = await mkdtemp(join(tmpdir(), "jsqc-bench-editor-"));
await cp(join(root, "rules/2024.rules"), join(dir, "2024.rules"));
const large = scaledRules(20);
await writeFile(join(dir, "2099.rules"), large.replace("year 2024", "year 2099"));
const { app } = await buildServer({ rulesDir: dir, examplesDir: join(root, "examples"), editorDir: dist, watch: false });
const url = await app.listen({ port: 0, host: "127.0.0.1" });
// The plain page, served the same way (the same static route, headers and CSP).
const { app: plainApp } = await buildServer({ rulesDir: dir, examplesDir: join(root, "examples"), editorDir: distPlain, watch: false });
const plainUrl = await plainApp.listen({ port: 0, host: "127.0.0.1" });
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

/** Where the benchmarks type: the end of the 2024 file's first `note "依据通知附件1…` opening, inside a string. */
const ANCHOR = "note \"依据通知附件1";
const median = (xs: number[]) => pct(xs, 50);
type Side = "ours" | "plain";
interface Typist {
  readonly page: Page;
  readonly cdp: CDPSession;
  /** Resolves when the editor has finished the work the typing caused. */
  settled(): Promise<void>;
}

/**
 * CPU seconds (user + system) of every renderer main thread of this browser (Linux /proc; null
 * elsewhere). Only the page being typed into is active, so a difference is that page's.
 */
async function mainThreadCpu(): Promise<number | null> {
  try {
    const session = await browser.newBrowserCDPSession();
    const { processInfo } = (await session.send("SystemInfo.getProcessInfo")) as unknown as { processInfo: { type: string; id: number }[] };
    await session.detach();
    let ticks = 0;
    for (const p of processInfo.filter((x) => x.type === "renderer")) {
      // The main thread is the process's first thread (its id is the process's).
      const fields = readFileSync(`/proc/${p.id}/task/${p.id}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    }
    return ticks / 100; // USER_HZ
  } catch {
    return null;
  }
}

async function busySeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return metrics.find((m) => m.name === "TaskDuration")!.value;
}

/** Our editor on rules/2024.rules with an example in the preview, and the plain Monaco of the same size with the same text; both with the cursor at ANCHOR. */
async function openTypists(): Promise<Record<Side, Typist>> {
  const ours = await browser.newPage();
  await ours.setViewportSize({ width: 1366, height: 768 });
  await ours.goto(`${url}/#2024.rules`);
  await ours.waitForFunction(() => ((window as unknown as { __jsqc?: EditorHooks }).__jsqc?.timings.length ?? 0) > 0 && document.querySelector("[data-testid=total]") !== null, undefined, { timeout: 120_000 });
  await ours.getByTestId("example").selectOption("03-nanjing-huarui-zhineng-zhuangbei.json");
  const box = (await ours.getByTestId("editor").boundingBox())!;
  const plain = await browser.newPage();
  await plain.setViewportSize({ width: 1366, height: 768 });
  await plain.goto(`${plainUrl}/bench-plain.html?w=${Math.round(box.width)}&h=${Math.round(box.height)}`);
  await plain.waitForFunction(() => (window as unknown as Record<string, unknown>)["__plain"] !== undefined, undefined, { timeout: 120_000 });
  const text = await readFile(join(dir, "2024.rules"), "utf8");
  await plain.evaluate((t) => (window as unknown as { __plain: { editor: { getModel(): { setValue(v: string): void } } } }).__plain.editor.getModel().setValue(t), text);
  for (const [page, hook] of [[ours, "__jsqc"], [plain, "__plain"]] as const) {
    await page.evaluate(([hook, anchor]) => {
      const { editor } = (window as unknown as Record<string, { editor: EditorHooks["editor"] }>)[hook]!;
      const m = editor.getModel()!.findMatches(anchor, false, false, true, null, false)[0]!;
      editor.setPosition({ lineNumber: m.range.endLineNumber, column: m.range.endColumn });
      editor.focus();
    }, [hook, ANCHOR] as const);
  }
  const cdp = async (page: Page) => {
    const session = await page.context().newCDPSession(page);
    await session.send("Performance.enable");
    return session;
  };
  return {
    ours: {
      page: ours,
      cdp: await cdp(ours),
      // The markers and the preview of the newest text are there.
      settled: () => ours.waitForFunction(() => {
        const j = (window as unknown as { __jsqc: EditorHooks & { timings: { version: number }[] } }).__jsqc;
        const last = j.timings[j.timings.length - 1];
        return last !== undefined && last.previewAt !== undefined && last.version === (j.editor.getModel() as unknown as { getVersionId(): number }).getVersionId();
      }, undefined, { timeout: 120_000, polling: 20 }).then(() => undefined),
    },
    plain: { page: plain, cdp: await cdp(plain), settled: async () => {} },
  };
}

/** Types `chars` at `delay` ms a key; the wall time until the last key is in, and the main thread's busy time until settled + 200 ms. Then removes what it typed. */
async function typeOnce(t: Typist, chars: string, delay: number): Promise<{ wall: number; busy: number; cpu: number | null }> {
  await t.page.bringToFront();
  await t.settled();
  await new Promise((r) => setTimeout(r, 300));
  const cpu0 = await mainThreadCpu();
  const busy0 = await busySeconds(t.cdp);
  const t0 = performance.now();
  await t.page.keyboard.type(chars, { delay });
  const wall = performance.now() - t0;
  await t.settled();
  await new Promise((r) => setTimeout(r, 200));
  const busy = (await busySeconds(t.cdp)) - busy0;
  const cpu1 = await mainThreadCpu();
  const cpu = cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) * 1000;
  // Remove the typing (outside the measured window) so every round types into the same text.
  for (let i = 0; i < chars.length; i++) await t.page.keyboard.press("Backspace");
  return { wall, busy: busy * 1000, cpu };
}

type Typed = { wall: number; busy: number; cpu: number | null };
async function typing(): Promise<{ delay: number; ours: Typed; plain: Typed }[]> {
  const typists = await openTypists();
  const chars = "the quick brown fox jumps over the lazy dog ".repeat(Math.ceil(TYPE_CHARS / 44)).slice(0, TYPE_CHARS);
  // One warm-up of each, unmeasured.
  for (const side of ["ours", "plain"] as const) await typeOnce(typists[side], chars.slice(0, 20), 0);
  const out = [];
  for (const delay of DELAYS) {
    const got: Record<Side, { wall: number[]; busy: number[]; cpu: (number | null)[] }> = { ours: { wall: [], busy: [], cpu: [] }, plain: { wall: [], busy: [], cpu: [] } };
    for (let r = 0; r < ROUNDS; r++) {
      // Interleaved, the order alternating round by round.
      for (const side of r % 2 ? (["plain", "ours"] as const) : (["ours", "plain"] as const)) {
        const m = await typeOnce(typists[side], chars, delay);
        got[side].wall.push(m.wall);
        got[side].busy.push(m.busy);
        got[side].cpu.push(m.cpu);
      }
    }
    const cpuMedian = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : median(xs as number[]));
    out.push({
      delay,
      ours: { wall: median(got.ours.wall), busy: median(got.ours.busy), cpu: cpuMedian(got.ours.cpu) },
      plain: { wall: median(got.plain.wall), busy: median(got.plain.busy), cpu: cpuMedian(got.plain.cpu) },
    });
  }
  await typists.ours.page.close();
  await typists.plain.page.close();
  return out;
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
  const f = (n: number) => n.toFixed(1);
  if (!values["typing-only"]) await latency();
  const typed = await typing();
  console.log(`typing ${TYPE_CHARS} characters into rules/2024.rules (inside a note string, example 03 in the preview), ${ROUNDS} interleaved rounds, medians;`);
  console.log("busy = renderer main thread TaskDuration (CDP) from the first key until markers and preview are up to date, + 200 ms");
  console.log("ms a key   ours: type ms   plain: type ms   ratio   ours: busy ms   plain: busy ms   ratio");
  for (const t of typed) {
    console.log(`${String(t.delay).padStart(8)}   ${f(t.ours.wall).padStart(13)}   ${f(t.plain.wall).padStart(14)}   ${(t.ours.wall / t.plain.wall).toFixed(2).padStart(5)}×  ${f(t.ours.busy).padStart(13)}   ${f(t.plain.busy).padStart(14)}   ${(t.ours.busy / t.plain.busy).toFixed(2).padStart(5)}×`);
  }
  if (typed.every((t) => t.ours.cpu !== null && t.plain.cpu !== null)) {
    console.log("main-thread CPU = user + system time of the renderer main thread (Linux /proc) in the same window (10 ms ticks); less inflated by other load than busy");
    console.log("ms a key   ours: CPU ms   plain: CPU ms   ratio");
    for (const t of typed) console.log(`${String(t.delay).padStart(8)}   ${f(t.ours.cpu!).padStart(12)}   ${f(t.plain.cpu!).padStart(13)}   ${(t.ours.cpu! / t.plain.cpu!).toFixed(2).padStart(5)}×`);
  }
  const worst = Math.max(...typed.map((t) => Math.max(t.ours.wall / t.plain.wall, t.ours.busy / t.plain.busy)));
  console.log(`target: typing costs ≤ 1.3× a plain Monaco (time to type and main-thread busy time): ${worst <= 1.3 ? "met" : "NOT met"} (worst ratio ${worst.toFixed(2)}×)`);
} finally {
  await browser.close();
  await app.close();
  await plainApp.close();
  await rm(dir, { recursive: true, force: true });
}

async function latency(): Promise<void> {
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
}
