/**
 * `pnpm bench:scale`: how the engine's costs grow.
 *  1. Rule files: parse, check and compile time and memory for scaledRules(1), (10) and (100)
 *     (rules/2024.rules with its sections repeated), each checked to compile clean, with the
 *     ratio between successive sizes.
 *  2. Batches: evaluation of 10³, 10⁴, 10⁵ and 10⁶ applications generated on the fly and streamed
 *     (generate one, evaluate it with and without the trace, drop it: the batch is never held),
 *     with time, applications per second and peak RSS, to show memory stays flat.
 *  3. HTTP: dist/http.js (the real server under autocannon), with and without the trace.
 * Every measurement runs in a process of its own, so each peak RSS is that size's alone.
 * Anything worse than linear shows as a growth exponent above 1 in the printed ratios.
 *
 *   node packages/bench/dist/scale.js [--sizes 1,10,100] [--batches 1000,10000,100000,1000000] [--seconds 5] [--seed 2024]
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { parse, check, hasErrors } from "@jsqc/dsl";
import { compile, evaluate } from "@jsqc/engine";
import { arbApplication } from "@jsqc/engine/testing";
import { scaledRules } from "./generate.js";
import { root, rulesPath } from "./paths.js";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1,10,100" },
    batches: { type: "string", default: "1000,10000,100000,1000000" },
    seconds: { type: "string", default: "5" },
    seed: { type: "string", default: "2024" },
    child: { type: "string" },
    n: { type: "string" },
    http: { type: "string", default: "true" },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const MiB = 1024 * 1024;
const maxRssMiB = () => (process.resourceUsage().maxRSS * 1024) / MiB;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

// --- children ------------------------------------------------------------------------------------

interface CompileSample {
  factor: number; chars: number; sections: number; items: number; warnings: number;
  parseMs: number; checkMs: number; compileMs: number; totalMs: number; retainedMiB: number; peakRssMiB: number;
}

function compileChild(factor: number): CompileSample {
  const text = scaledRules(factor);
  const reps = factor >= 100 ? 3 : factor >= 10 ? 5 : 10;
  let parseMs = Infinity, checkMs = Infinity, compileMs = Infinity, totalMs = Infinity;
  let warnings = 0, sections = 0, items = 0;
  for (let r = 0; r < reps; r++) {
    gc();
    const t0 = performance.now();
    const p = parse(text);
    const t1 = performance.now();
    const c = check(p);
    const t2 = performance.now();
    if (hasErrors(c.diagnostics)) {
      const first = c.diagnostics.find((d) => d.severity === "error")!;
      throw new Error(`scaledRules(${factor}) does not check clean: ${first.code} ${first.message} at ${first.span.start.line}:${first.span.start.column}`);
    }
    const out = compile(text, `scaled-${factor}.rules`, { parse: p, diagnostics: c.diagnostics, model: c.model });
    const t3 = performance.now();
    if (!out.ok) throw new Error(`scaledRules(${factor}) does not compile`);
    parseMs = Math.min(parseMs, t1 - t0);
    checkMs = Math.min(checkMs, t2 - t1);
    compileMs = Math.min(compileMs, t3 - t2);
    totalMs = Math.min(totalMs, t3 - t0);
    warnings = c.diagnostics.length;
    sections = out.ruleset.sections.length;
    items = out.ruleset.items.length;
  }
  gc(); gc();
  const before = process.memoryUsage().heapUsed;
  const kept = compile(text, `scaled-${factor}.rules`);
  gc(); gc();
  const retainedMiB = (process.memoryUsage().heapUsed - before) / MiB;
  if (!kept.ok) throw new Error("unreachable");
  return { factor, chars: text.length, sections, items, warnings, parseMs, checkMs, compileMs, totalMs, retainedMiB, peakRssMiB: maxRssMiB() };
}

interface BatchSample { n: number; wallS: number; leanS: number; fullS: number; genS: number; peakRssMiB: number; rssAt: number[] }

function batchChild(n: number, seed: number): BatchSample {
  const compiled = compile(readFileSync(rulesPath("2024.rules"), "utf8"), "2024.rules");
  if (!compiled.ok) throw new Error("rules/2024.rules does not compile");
  const rs = compiled.ruleset;
  const [stream] = fc.sample(fc.infiniteStream(arbApplication(rs, { maxList: 4, maxExperts: 5 }), { noHistory: true }), { numRuns: 1, seed });
  let lean = 0, full = 0, k = 0, sink = 0;
  const rssAt: number[] = [];
  const every = Math.max(1, Math.floor(n / 10));
  const start = performance.now();
  for (const generated of stream!) {
    // As services send it: JSON text, parsed.
    const app = JSON.parse(JSON.stringify(generated)) as unknown;
    const t0 = performance.now();
    const a = evaluate(rs, app, { trace: false });
    const t1 = performance.now();
    const b = evaluate(rs, app);
    const t2 = performance.now();
    if (!a.ok || !b.ok || a.result.total.decimal !== b.result.total.decimal) throw new Error(`application ${k} refused or inconsistent`);
    sink += a.result.total.number;
    lean += t1 - t0;
    full += t2 - t1;
    if (++k % every === 0) rssAt.push(process.memoryUsage.rss() / MiB);
    if (k >= n) break;
  }
  const wallS = (performance.now() - start) / 1000;
  if (sink === -1) console.error("");
  return { n, wallS, leanS: lean / 1000, fullS: full / 1000, genS: wallS - (lean + full) / 1000, peakRssMiB: maxRssMiB(), rssAt };
}

if (values.child) {
  const n = Number(values.n);
  const out = values.child === "compile" ? compileChild(n) : batchChild(n, Number(values.seed));
  console.log(JSON.stringify(out));
  process.exit(0);
}

// --- parent --------------------------------------------------------------------------------------

function child<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--expose-gc", join(here, "scale.js"), ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    p.once("error", reject);
    p.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`scale ${args.join(" ")} exited with ${code}`));
      try { resolve(JSON.parse(out.trim().split("\n").pop()!) as T); } catch { reject(new Error(out)); }
    });
  });
}

function table(headers: string[], rows: string[][]): string[] {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join("  ").trimEnd();
  return [line(headers), ...rows.map(line)];
}
/** Growth exponent: 1 is linear, 2 quadratic; for a step from (x1, y1) to (x2, y2). */
const exponent = (x1: number, x2: number, y1: number, y2: number) => Math.log(y2 / y1) / Math.log(x2 / x1);
const ratio = (prev: number | undefined, cur: number, xPrev: number | undefined, x: number) =>
  prev === undefined || xPrev === undefined ? "—" : `×${(cur / prev).toFixed(1)} (k=${exponent(xPrev, x, prev, cur).toFixed(2)})`;

const report: string[] = [];
const say = (s = "") => { console.log(s); report.push(s); };
say(`Node ${process.version}, ${cpus()[0]?.model ?? "?"} × ${cpus().length}, 5-minute load average ${loadavg()[1]!.toFixed(1)}; each size in a process of its own; k = growth exponent (1 linear, 2 quadratic)`);

// 1. Rule files.
const sizes = values.sizes.split(",").map(Number);
const cs: CompileSample[] = [];
for (const f of sizes) cs.push(await child<CompileSample>(["--child", "compile", "--n", String(f)]));
say("");
say("rule file size: parse + check + compile (best of 10/5/3), compiled ruleset retained on the heap, peak RSS; all compile clean");
for (const l of table(
  ["rules", "chars", "items", "warnings", "parse ms", "check ms", "compile ms", "total ms", "total vs previous", "retained MiB", "retained vs previous", "peak RSS MiB"],
  cs.map((c, i) => {
    const p = cs[i - 1];
    return [`scaledRules(${c.factor})`, fmt(c.chars), fmt(c.items), String(c.warnings), c.parseMs.toFixed(1), c.checkMs.toFixed(1), c.compileMs.toFixed(1), c.totalMs.toFixed(1),
      ratio(p?.totalMs, c.totalMs, p?.chars, c.chars), c.retainedMiB.toFixed(2), ratio(p?.retainedMiB, c.retainedMiB, p?.chars, c.chars), c.peakRssMiB.toFixed(0)];
  }),
)) say(l);
for (let i = 1; i < cs.length; i++) {
  const [p, c] = [cs[i - 1]!, cs[i]!];
  const phases = (x1: number, x2: number) => (["parseMs", "checkMs", "compileMs", "totalMs", "retainedMiB"] as const)
    .map((k) => `${k.replace("Ms", "").replace("MiB", "")} k=${exponent(x1, x2, p[k], c[k]).toFixed(2)}`).join(", ");
  say(`  ${fmt(p.chars)} → ${fmt(c.chars)} chars (×${(c.chars / p.chars).toFixed(1)}): ${phases(p.chars, c.chars)}`);
  say(`  ${fmt(p.items)} → ${fmt(c.items)} items (×${(c.items / p.items).toFixed(1)}): ${phases(p.items, c.items)}`);
}

// 2. Batches, streamed.
const batches = values.batches.split(",").map(Number);
const bs: BatchSample[] = [];
for (const n of batches) bs.push(await child<BatchSample>(["--child", "batch", "--n", String(n), "--seed", values.seed]));
say("");
say("batch size: rules/2024.rules, applications generated one at a time, evaluated without and with the trace, dropped (evaluation time only; generation excluded)");
for (const l of table(
  ["applications", "no trace s", "apps/s", "full trace s", "apps/s", "time vs previous (no trace)", "generation s", "peak RSS MiB", "RSS at each tenth, MiB"],
  bs.map((b, i) => {
    const p = bs[i - 1];
    return [fmt(b.n), b.leanS.toFixed(2), fmt(b.n / b.leanS), b.fullS.toFixed(2), fmt(b.n / b.fullS), ratio(p?.leanS, b.leanS, p?.n, b.n), b.genS.toFixed(1), b.peakRssMiB.toFixed(0),
      b.rssAt.map((x) => x.toFixed(0)).join(" ")];
  }),
)) say(l);

// 3. HTTP.
if (values.http !== "false") {
  for (const trace of ["true", "false"]) {
    say("");
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, [join(here, "http.js"), "--seconds", values.seconds, "--trace", trace], { stdio: ["ignore", "pipe", "inherit"] });
      let s = "";
      p.stdout.on("data", (d: Buffer) => { s += d.toString(); });
      p.once("error", reject);
      p.once("exit", (code) => (code === 0 ? resolve(s) : reject(new Error(`http.js exited with ${code}: ${s}`))));
    });
    for (const l of out.trimEnd().split("\n")) say(l);
  }
}

const outDir = join(root, "bench/results");
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "scale.json"), JSON.stringify({ date: new Date().toISOString(), node: process.version, compile: cs, batches: bs }, null, 2) + "\n");
writeFileSync(join(outDir, "scale.md"), ["# Scale", "", `Generated by \`pnpm bench:scale\` on ${new Date().toISOString().slice(0, 10)}.`, "", "```", ...report, "```", ""].join("\n"));
console.log("\nwrote bench/results/scale.json and bench/results/scale.md");
