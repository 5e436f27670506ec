/**
 * The audit log and the history of the rule files, both kept in the rules folder beside the files
 * (hidden folders: no rule file name starts with a dot, so neither is ever listed or served).
 *
 * - `.audit/audit.jsonl`: one JSON line per successful save, draft delete and new year —
 *   `{ at, who, role, action, file, oldEtag, newEtag, diff, diffLines, diffTruncated }`, `diff`
 *   a unified line diff of the change (at most 2,000 lines). Append-only: opened with flag "a",
 *   written and fsynced; appends are serialised, so lines never interleave.
 * - `.history/<file>/<time>-<etag prefix>.rules`: every text that a save or a delete replaced,
 *   written atomically before it is replaced. `<time>` is the moment of that change in ISO 8601
 *   basic format (`20250314T093015.123Z`: no colons, so the names are valid on every file
 *   system); the same moment is the `at` of its audit line.
 *
 * A version id is `<time>-<etag prefix>` (the file name without `.rules`), checked against a
 * strict pattern before any file system call.
 */
import { open, readFile, readdir, rm, stat, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { etagOf } from "./store.js";
import { unifiedDiff } from "./diff.js";
import { changeSummary } from "./summary.js";

export const AUDIT_DIR = ".audit";
export const AUDIT_FILE = "audit.jsonl";
export const HISTORY_DIR = ".history";
/** A history version id: ISO 8601 basic time with milliseconds, `-`, 12 characters of the ETag. */
export const HISTORY_VERSION = /^(\d{8})T(\d{6})\.(\d{3})Z-([A-Za-z0-9_-]{12})$/;
/** Most lines of a diff kept in an audit line. */
export const MAX_DIFF_LINES = 2000;

export type AuditAction = "save" | "delete" | "new-year" | "restore";

export interface AuditEntry {
  /** When (ISO 8601, UTC). */
  readonly at: string;
  /** The account's name, or "local" when the server runs without accounts. */
  readonly who: string;
  readonly role: string;
  readonly action: AuditAction;
  /** The rule file changed (`2024.rules`, `2024.draft.rules`). */
  readonly file: string;
  /** Its ETag before (null when it was created). */
  readonly oldEtag: string | null;
  /** Its ETag after (null when it was deleted). */
  readonly newEtag: string | null;
  /** A unified line diff of the text; for a new year, from the file it was made from. */
  readonly diff: string;
  readonly diffLines: number;
  readonly diffTruncated: boolean;
  /** For a new year: the file it was made from. */
  readonly from?: string;
  /** For a save or delete that replaced a text: its history version. */
  readonly version?: string;
  /** What changed in the rules, in the notice's terms (dsl's semantic diff, old → new), Chinese and English. */
  readonly summary?: readonly string[];
  readonly summaryEn?: readonly string[];
  /** For a restore: the history version whose text was saved again. */
  readonly restoredFrom?: string;
}

export interface HistoryItem {
  readonly version: string;
  /** When this text was replaced (or deleted): the time of that save's audit line. */
  readonly at: string;
  /** Who replaced (or deleted) it, from the audit log; null when the log has no such line. */
  readonly who: string | null;
  /** What replaced it: "save" or "delete" (null when unknown). */
  readonly action: AuditAction | null;
  /** The text's ETag (what `If-Match` took while it was current). */
  readonly etag: string;
  /** Its size in bytes. */
  readonly size: number;
  /** When and by whom this text itself was saved, when the audit log says (else null). */
  readonly savedAt: string | null;
  readonly savedBy: string | null;
  /** What the change that replaced this text changed (the notice's terms); null when unknown. */
  readonly summary: readonly string[] | null;
  /** What the save that made this text changed; null when unknown. */
  readonly savedSummary: readonly string[] | null;
  /** For a text saved by a restore: the version restored. */
  readonly savedRestoredFrom?: string;
}

/** The version id of a text replaced at `at`. */
export function versionId(at: Date, etag: string): string {
  const basic = at.toISOString().replace(/[-:]/g, "");
  return `${basic}-${etag.replace(/^(W\/)?"|"$/g, "").slice(0, 12)}`;
}

/** A version id from the browser, or null when it is not one (never a path). */
export function historyVersion(raw: unknown): string | null {
  return typeof raw === "string" && raw.length <= 40 && HISTORY_VERSION.test(raw) ? raw : null;
}

/** The extended ISO time of a version id. */
function versionTime(version: string): string {
  const m = HISTORY_VERSION.exec(version)!;
  const [d, t, ms] = [m[1]!, m[2]!, m[3]!];
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}.${ms}Z`;
}

/** Appends `text` to `file` (created when missing): opened with flag "a", written, fsynced. */
export async function appendDurably(file: string, text: string): Promise<void> {
  const handle = await open(file, "a", 0o640);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
}

interface IndexedLine {
  readonly at: string;
  readonly who: string;
  readonly action: AuditAction;
  readonly oldEtag: string | null;
  readonly newEtag: string | null;
  readonly summary: readonly string[] | null;
  readonly restoredFrom?: string;
}

export interface AuditTrailOptions {
  /** Writes a file atomically (the file store's `writeAtomically`, with its test hooks). */
  readonly writeFile: (file: string, text: string) => Promise<void>;
  /** Appends a line to the audit log; replaceable for tests (a log that cannot be written). */
  readonly append?: (file: string, text: string) => Promise<void>;
}

export class AuditTrail {
  readonly auditFile: string;
  readonly historyRoot: string;
  private readonly writeFile: (file: string, text: string) => Promise<void>;
  private readonly appendText: (file: string, text: string) => Promise<void>;
  private appending: Promise<void> = Promise.resolve();
  /** ETags of version files (immutable, so never stale). */
  private readonly etags = new Map<string, string>();
  /** The audit log read so far (it is append-only): who changed what, by file. */
  private index = new Map<string, IndexedLine[]>();
  private indexedBytes = 0;
  private indexing: Promise<unknown> = Promise.resolve();

  constructor(rulesDir: string, options: AuditTrailOptions) {
    const dir = resolve(rulesDir);
    this.auditFile = join(dir, AUDIT_DIR, AUDIT_FILE);
    this.historyRoot = join(dir, HISTORY_DIR);
    this.writeFile = options.writeFile;
    this.appendText = options.append ?? appendDurably;
  }

  /** The audit line of a change: the diff made here, capped at 2,000 lines. */
  entry(fields: {
    at: Date; who: string; role: string; action: AuditAction; file: string;
    oldText: string | null; newText: string | null; from?: string; version?: string; restoredFrom?: string;
  }): AuditEntry {
    const oldEtag = fields.oldText === null ? null : etagOf(fields.oldText);
    const newEtag = fields.newText === null ? null : etagOf(fields.newText);
    const oldName = fields.action === "new-year" ? fields.from ?? "/dev/null" : fields.oldText === null ? "/dev/null" : fields.file;
    const newName = fields.newText === null ? "/dev/null" : fields.file;
    // A new year's file is diffed against the file it was made from: the lines that changed.
    const diff = unifiedDiff(fields.oldText ?? "", fields.newText ?? "", {
      oldName: oldEtag ? `${oldName}\t${oldEtag}` : oldName,
      newName: newEtag ? `${newName}\t${newEtag}` : newName,
      maxLines: MAX_DIFF_LINES,
    });
    return {
      at: fields.at.toISOString(), who: fields.who, role: fields.role, action: fields.action, file: fields.file,
      oldEtag: fields.action === "new-year" ? null : oldEtag, newEtag,
      diff: diff.text, diffLines: diff.lines, diffTruncated: diff.truncated,
      ...(fields.from !== undefined ? { from: fields.from } : {}),
      ...(fields.version !== undefined ? { version: fields.version } : {}),
      ...(fields.oldText !== null && fields.newText !== null ? changeSummary(fields.oldText, fields.newText) : {}),
      ...(fields.restoredFrom !== undefined ? { restoredFrom: fields.restoredFrom } : {}),
    };
  }

  /** Appends one line to the audit log; serialised, so concurrent appends never interleave. */
  append(entry: AuditEntry): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    const run = this.appending.then(async () => {
      await mkdir(join(this.auditFile, ".."), { recursive: true });
      await this.appendText(this.auditFile, line);
    });
    this.appending = run.catch(() => {});
    return run;
  }

  /** Keeps `text`, about to be replaced at `at`, as a history version of `name`; returns its id. */
  async keep(name: string, text: string, at: Date): Promise<string> {
    const etag = etagOf(text);
    const version = versionId(at, etag);
    const folder = join(this.historyRoot, name);
    await mkdir(folder, { recursive: true });
    await this.writeFile(join(folder, `${version}.rules`), text);
    this.etags.set(`${name}/${version}`, etag);
    return version;
  }

  /** Removes a version kept for a change that did not happen after all. */
  async discard(name: string, version: string): Promise<void> {
    await rm(join(this.historyRoot, name, `${version}.rules`), { force: true });
  }

  /** The text of a version, or null when there is none. `name` and `version` must be checked. */
  async read(name: string, version: string): Promise<{ source: string; etag: string } | null> {
    try {
      const source = await readFile(join(this.historyRoot, name, `${version}.rules`), "utf8");
      return { source, etag: etagOf(source) };
    } catch {
      return null;
    }
  }

  /** The versions of `name`, newest first; null when it has no history folder. */
  async list(name: string): Promise<HistoryItem[] | null> {
    const folder = join(this.historyRoot, name);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      return null;
    }
    const index = (await this.readIndex()).get(name) ?? [];
    const items: HistoryItem[] = [];
    for (const file of names) {
      const version = file.endsWith(".rules") ? historyVersion(file.slice(0, -".rules".length)) : null;
      if (!version) continue;
      const path = join(folder, file);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) continue;
      const key = `${name}/${version}`;
      let etag = this.etags.get(key);
      if (!etag) {
        const text = await readFile(path, "utf8").catch(() => null);
        if (text === null) continue;
        etag = etagOf(text);
        if (this.etags.size > 10_000) this.etags.clear();
        this.etags.set(key, etag);
      }
      const at = versionTime(version);
      const replaced = index.find((l) => l.at === at && l.oldEtag === etag);
      let saved: IndexedLine | undefined;
      for (const l of index) if (l.newEtag === etag && l.at < at) saved = l;
      items.push({
        version, at, who: replaced?.who ?? null, action: replaced?.action ?? null, etag, size: info.size,
        savedAt: saved?.at ?? null, savedBy: saved?.who ?? null,
        summary: replaced?.summary ?? null, savedSummary: saved?.summary ?? null,
        ...(saved?.restoredFrom ? { savedRestoredFrom: saved.restoredFrom } : {}),
      });
    }
    return items.sort((x, y) => (x.version < y.version ? 1 : x.version > y.version ? -1 : 0));
  }

  /** The audit log by file, read on from where the last call stopped (it is append-only). */
  private readIndex(): Promise<Map<string, IndexedLine[]>> {
    // One reader at a time: two at once would both add the same new lines.
    const run = this.indexing.then(() => this.readMore());
    this.indexing = run.catch(() => {});
    return run;
  }

  private async readMore(): Promise<Map<string, IndexedLine[]>> {
    const size = await stat(this.auditFile).then((s) => s.size, () => 0);
    if (size < this.indexedBytes) {
      // Shorter than read before: not the same log (rotated by hand). Read it again.
      this.index = new Map();
      this.indexedBytes = 0;
    }
    if (size === this.indexedBytes) return this.index;
    const handle = await open(this.auditFile, "r").catch(() => null);
    if (!handle) return this.index;
    try {
      const buffer = Buffer.alloc(size - this.indexedBytes);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.indexedBytes);
      const chunk = buffer.subarray(0, bytesRead);
      const end = chunk.lastIndexOf(0x0a) + 1; // whole lines only
      for (const line of chunk.subarray(0, end).toString("utf8").split("\n")) {
        if (!line) continue;
        try {
          const e = JSON.parse(line) as Partial<AuditEntry>;
          if (typeof e.file !== "string" || typeof e.at !== "string" || typeof e.who !== "string") continue;
          const list = this.index.get(e.file) ?? [];
          list.push({
            at: e.at, who: e.who, action: e.action as AuditAction, oldEtag: e.oldEtag ?? null, newEtag: e.newEtag ?? null,
            summary: Array.isArray(e.summary) ? e.summary.filter((x): x is string => typeof x === "string") : null,
            ...(typeof e.restoredFrom === "string" ? { restoredFrom: e.restoredFrom } : {}),
          });
          this.index.set(e.file, list);
        } catch {
          // A line that is not JSON (edited by hand): skipped.
        }
      }
      this.indexedBytes += end;
    } finally {
      await handle.close();
    }
    return this.index;
  }
}
