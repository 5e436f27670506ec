/**
 * The rule store: every `<year>.rules` file of a folder, compiled at start and recompiled when it
 * changes on disk. Readers take the current entry and keep it for the whole request, so a reload
 * never disturbs a request in flight. A file that stops compiling keeps serving its last good
 * version, with the new diagnostics shown beside it.
 */
import { watch, type FSWatcher } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Diagnostic } from "@jsqc/dsl";
import { compile, type Ruleset } from "@jsqc/engine";
import { readNoFollow, UnsafePathError, unsafeReason } from "./nofollow.js";
import type { WorkPool } from "./pool.js";
import { analyse as analyseHere, type Analysis } from "./worker.js";
import { inlineEvaluation, type Cost, type Outline, type SummaryJson } from "./views.js";

export const RULE_FILE = /^(\d{4})\.rules$/;
/** Rule files up to this many characters are checked on the main thread at start (see `reload`). */
export const START_INLINE_LENGTH = 64 * 1024;
/**
 * Texts up to this many characters are checked on the calling thread at any time: even the
 * densest such text (a `min(a, 1, 1, …)` of 8,000 arguments) checks in about 0.1 s, less than a
 * worker round-trip costs when its thread has just started. The 2024 file has 11,800.
 */
export const INLINE_CHECK_LENGTH = 16 * 1024;

export interface RuleEntry {
  readonly year: string;
  readonly file: string;
  readonly source: string;
  /** A strong ETag of the source: the SHA-256 of its bytes. */
  readonly etag: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly outline: Outline;
  readonly summary: SummaryJson;
  /** The version evaluations use: this source's, or the last good one when this source has errors. */
  readonly good: GoodVersion | null;
  /** Whether `good` is older than `source` (the current source has errors). */
  readonly stale: boolean;
  readonly loadedAt: string;
}

/** A version of a file that compiles: what evaluating it needs. */
export interface GoodVersion {
  readonly source: string;
  readonly etag: string;
  readonly schema: Record<string, unknown>;
  readonly cost: Cost;
  /** Compiled on the main thread when the file is under the inline budget (views.ts), else null: evaluated in the pool. */
  readonly ruleset: Ruleset | null;
}

export function etagOf(text: string): string {
  return `"${createHash("sha256").update(text, "utf8").digest("base64url")}"`;
}

export class RuleStore {
  private readonly entries = new Map<string, RuleEntry>();
  private watcher: FSWatcher | null = null;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Rule files refused (a symbolic link, not a regular file), by year: never listed or served. */
  private readonly refusals = new Map<string, { readonly file: string; readonly zh: string; readonly en: string }>();

  private readonly analyses = new Map<string, Promise<Analysis>>();
  private readonly generation = new Map<string, number>();

  /** With a pool, files are checked in its workers; without one, on the calling thread. */
  constructor(readonly dir: string, private readonly pool: WorkPool | null = null) {}

  /**
   * Checks a rule text (in the pool when there is one), remembering the last few by ETag so a
   * save checks its text once. Never rejects: a check over the pool's time or memory limit
   * comes back as an error diagnostic (M901, made by the server, not in the dsl catalogue).
   */
  analyse(source: string, name: string): Promise<Analysis> {
    const etag = etagOf(source);
    let found = this.analyses.get(etag);
    if (!found) {
      found = this.pool && source.length > INLINE_CHECK_LENGTH
        ? this.pool.analyse(source, name).catch((err: unknown) => {
            // Over the memory limit is a fact about the text, kept; a timeout may be a busy moment.
            if ((err as { reason?: string }).reason !== "memory") this.analyses.delete(etag);
            return failedAnalysis(err);
          })
        : Promise.resolve().then(() => { const { ruleset: _r, ...rest } = analyseHere(source, name); return rest; });
      this.analyses.set(etag, found);
      if (this.analyses.size > 8) this.analyses.delete(this.analyses.keys().next().value!);
    }
    return found;
  }

  /**
   * Loads every rule file of the folder. A save killed between writing its temporary file and
   * renaming it leaves `.<name>.<hex>.tmp` behind (the rule file itself is whole): those are
   * removed here, before any save of this process can have made one.
   */
  async load(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      if (/^\.\d{4}(\.draft)?\.rules\.[0-9a-f]+\.tmp$/.test(name)) await rm(join(this.dir, name), { force: true }).catch(() => {});
    }
    const loading: Promise<unknown>[] = [];
    for (const name of names) {
      const m = RULE_FILE.exec(name);
      if (m) loading.push(this.reload(m[1]!, true));
    }
    await Promise.all(loading);
  }

  /** Starts reloading files when they change; debounced, so a save's several events load once. */
  watch(): void {
    if (this.watcher) return;
    try {
      this.watcher = watch(this.dir, (_event, name) => {
        const m = name ? RULE_FILE.exec(String(name)) : null;
        if (!m) return;
        const year = m[1]!;
        clearTimeout(this.timers.get(year));
        this.timers.set(year, setTimeout(() => { void this.reload(year); }, 50));
      });
      this.watcher.on("error", () => { /* the folder went away: keep serving what is loaded */ });
    } catch {
      this.watcher = null;
    }
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    for (const t of this.timers.values()) clearTimeout(t);
  }

  years(): string[] {
    return [...this.entries.keys()].sort();
  }

  get(year: string): RuleEntry | undefined {
    return this.entries.get(year);
  }

  /** The rule files refused at load or reload, and why (Chinese and English), for the start-up log. */
  refused(): { readonly file: string; readonly zh: string; readonly en: string }[] {
    return [...this.refusals.values()];
  }

  /**
   * Reads and compiles one year's file again; drops it when the file is gone, or when it is a
   * symbolic link or not a regular file (never followed: see nofollow.ts), remembering why. At
   * start (`starting`), before anything is served, a file of at most START_INLINE_LENGTH
   * characters is checked on this thread: nothing can be stalled yet, and it spares the start a
   * wait for a worker to load the parser. Larger files, and every change later, are checked in
   * the pool.
   */
  async reload(year: string, starting = false): Promise<RuleEntry | undefined> {
    const name = `${year}.rules`;
    const file = join(this.dir, name);
    let source: string;
    try {
      const text = await readNoFollow(file, name);
      if (text === null) throw new Error("gone");
      source = text;
      this.refusals.delete(year);
    } catch (err) {
      if (err instanceof UnsafePathError) this.refusals.set(year, { file: name, ...unsafeReason(err) });
      else this.refusals.delete(year);
      this.entries.delete(year);
      return undefined;
    }
    const previous = this.entries.get(year);
    if (previous && previous.source === source) return previous;
    if (starting && source.length <= START_INLINE_LENGTH) {
      const etag = etagOf(source);
      const { ruleset: _r, ...analysis } = analyseHere(source, `${year}.rules`);
      this.analyses.set(etag, Promise.resolve(analysis));
    }
    return this.install(year, file, source);
  }

  /** Installs a text just written to disk without waiting for the watcher. */
  put(year: string, source: string): Promise<RuleEntry> {
    return this.install(year, join(this.dir, `${year}.rules`), source);
  }

  /** Checks off the main thread, then installs, unless a newer text of the year came meanwhile. */
  private async install(year: string, file: string, source: string): Promise<RuleEntry> {
    const generation = (this.generation.get(year) ?? 0) + 1;
    this.generation.set(year, generation);
    const analysis = await this.analyse(source, `${year}.rules`);
    const current = this.entries.get(year);
    if (this.generation.get(year) !== generation && current) return current;
    const entry = this.build(year, file, source, analysis, current);
    this.entries.set(year, entry);
    return entry;
  }

  private build(year: string, file: string, source: string, analysis: Analysis, previous: RuleEntry | undefined): RuleEntry {
    let good: GoodVersion | null = null;
    let stale = false;
    const etag = etagOf(source);
    if (!analysis.errors && analysis.schema) {
      let ruleset: Ruleset | null = null;
      if (inlineEvaluation(analysis.cost)) {
        // Under the budget, so compiling here costs about as little as checking did.
        const compiled = compile(source, `${year}.rules`);
        if (compiled.ok) ruleset = compiled.ruleset;
      }
      good = { source, etag, schema: analysis.schema, cost: analysis.cost, ruleset };
    }
    if (!good && previous?.good) {
      good = previous.good;
      stale = true;
    }
    return {
      year, file, source, etag, diagnostics: analysis.diagnostics, outline: analysis.outline, summary: analysis.summary,
      good, stale, loadedAt: new Date().toISOString(),
    };
  }
}

/** The analysis of a text whose check failed in the pool (over its time or memory limit). */
function failedAnalysis(err: unknown): Analysis {
  const why = (err as { reason?: string }).reason;
  const [zh, en] = why === "timeout"
    ? ["检查超时", "checking took longer than the limit"]
    : why === "memory"
      ? ["检查所需内存超出上限", "checking needed more memory than the limit"]
      : why === "busy" ? ["服务器繁忙，未能检查", "the server was too busy to check it"] : ["检查失败", "checking failed"];
  const at = { offset: 0, line: 1, column: 1 };
  return {
    diagnostics: [{ severity: "error", code: "M901", message: `未能检查此规则文件：${zh}`, messageEn: `this rule file could not be checked: ${en}`, span: { start: at, end: at } }],
    errors: true,
    outline: { title: null, year: null, document: null, sections: [], vetoes: [], grades: [], inputs: [] },
    summary: { total: null, weightSum: null, sections: [], cost: null },
    cost: { nodes: 0, quantifiers: 0, nesting: 0, steps: 0 },
    schema: null,
  };
}
