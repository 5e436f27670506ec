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
import { parse, check, hasErrors, type Diagnostic, type Model, type ParseResult } from "@jsqc/dsl";
import { compile, type Ruleset } from "@jsqc/engine";
import { readNoFollow, UnsafePathError, unsafeReason } from "./nofollow.js";

export const RULE_FILE = /^(\d{4})\.rules$/;

export interface RuleEntry {
  readonly year: string;
  readonly file: string;
  readonly source: string;
  /** A strong ETag of the source: the SHA-256 of its bytes. */
  readonly etag: string;
  readonly parsed: ParseResult;
  readonly model: Model;
  readonly diagnostics: readonly Diagnostic[];
  /** The compiled ruleset: of this source, or the last good one when this source has errors. */
  readonly ruleset: Ruleset | null;
  /** Whether `ruleset` is older than `source` (the current source has errors). */
  readonly stale: boolean;
  readonly loadedAt: string;
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

  constructor(readonly dir: string) {}

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
    for (const name of names) {
      const m = RULE_FILE.exec(name);
      if (m) await this.reload(m[1]!);
    }
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
   * symbolic link or not a regular file (never followed: see nofollow.ts), remembering why.
   */
  async reload(year: string): Promise<RuleEntry | undefined> {
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
    const entry = this.build(year, file, source, previous);
    this.entries.set(year, entry);
    return entry;
  }

  /** Installs a text just written to disk without waiting for the watcher. */
  put(year: string, source: string): RuleEntry {
    const entry = this.build(year, join(this.dir, `${year}.rules`), source, this.entries.get(year));
    this.entries.set(year, entry);
    return entry;
  }

  private build(year: string, file: string, source: string, previous: RuleEntry | undefined): RuleEntry {
    const parsed = parse(source);
    const checked = check(parsed);
    let ruleset: Ruleset | null = null;
    let stale = false;
    if (!hasErrors(checked.diagnostics)) {
      const compiled = compile(source, `${year}.rules`, { parse: parsed, diagnostics: checked.diagnostics, model: checked.model });
      if (compiled.ok) ruleset = compiled.ruleset;
    }
    if (!ruleset && previous?.ruleset) {
      ruleset = previous.ruleset;
      stale = true;
    }
    return {
      year, file, source, etag: etagOf(source), parsed, model: checked.model, diagnostics: checked.diagnostics,
      ruleset, stale, loadedAt: new Date().toISOString(),
    };
  }
}
