/**
 * The audit log and the history of the rule files, both kept in the rules folder beside the files
 * (hidden folders: no rule file name starts with a dot, so neither is ever listed or served).
 *
 * - `.audit/audit.jsonl`: one JSON line per successful save, draft delete and new year —
 *   `{ at, who, role, action, file, oldEtag, newEtag, diff, diffLines, diffTruncated, kind:
 *   "commit", intent, prev, hash }`, `diff` a unified line diff of the change (at most 2,000
 *   lines). Before the change is made, an intent line `{ kind: "intent", at, entry, prev, hash }`
 *   announces it (`entry` is the commit line to be); after it, the commit line. So a save killed
 *   at any moment leaves an intent, and the next start reconciles it (`open`): the file on disk
 *   is the announced version → its commit line is written (`reconciled: true`); it is not → an
 *   `{ kind: "abandoned", intent, target }` line. Lines are a hash chain (chain.ts), verified at
 *   start; a broken chain makes the store refuse changes (503 `audit_broken`) until an operator
 *   acknowledges it (`jsqc-server --acknowledge-audit-break`: an `{ kind: "acknowledge" }` line).
 *   Append-only, through one handle opened with O_APPEND and never through a link; each line is
 *   one write, fdatasynced before the change goes on.
 * - `.history/<file>/<time>-<etag prefix>.rules`: every text that a save or a delete replaced,
 *   written atomically before it is replaced. `<time>` is the moment of that change in ISO 8601
 *   basic format (`20250314T093015.123Z`: no colons, so the names are valid on every file
 *   system); the same moment is the `at` of its audit line.
 *
 * A version id is `<time>-<etag prefix>` (the file name without `.rules`), checked against a
 * strict pattern before any file system call.
 */
import { open, readdir, rm, lstat, mkdir, writeFile as writeFileFs, rename, type FileHandle } from "node:fs/promises";
import { constants, writeSync, ftruncateSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { etagOf } from "./store.js";
import { unifiedDiff } from "./diff.js";
import { changeSummary } from "./summary.js";
import { sealLine, sha256, verifyChain, type ChainBreak } from "./chain.js";
import { ensureFolder, existingFolder, openAppendNoFollow, readNoFollow, UnsafePathError, unsafeReason } from "./nofollow.js";

export const AUDIT_DIR = ".audit";
export const AUDIT_FILE = "audit.jsonl";
export const HISTORY_DIR = ".history";
/** The hash of the last line written (chain.ts: a log cut short is seen by it). */
export const HEAD_FILE = "head.json";
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
  /** "commit" for a change (absent on lines from before the chain); other kinds are not changes. */
  readonly kind?: "commit";
  /** The `hash` of the intent line that announced this change. */
  readonly intent?: string;
  /** Written at start for an intent whose file was found on disk (the process had died). */
  readonly reconciled?: boolean;
  /** The hash chain (chain.ts). */
  readonly prev?: string;
  readonly hash?: string;
}

/** A change announced in the log, to be committed or abandoned. */
export interface Intent {
  readonly hash: string;
  readonly entry: AuditEntry;
}

/** What `open` found: the chain's state, what it reconciled, whether it was acknowledged. */
export interface AuditStatus {
  /** Breaks of the chain still unacknowledged (changes are refused while there are any). */
  readonly breaks: readonly ChainBreak[];
  /** The log or its folder is a symbolic link (changes are refused; acknowledging does not help). */
  readonly unsafe: { readonly zh: string; readonly en: string } | null;
  /** Breaks acknowledged by this start (`acknowledge: true`). */
  readonly acknowledged: readonly ChainBreak[];
  /** Intents found without an outcome: committed (the file was on disk) or abandoned. */
  readonly reconciled: { readonly committed: number; readonly abandoned: number };
  /** A torn last line (a write cut short by a kill) cut off at start: its length and SHA-256. */
  readonly repaired?: { readonly bytes: number; readonly sha256: string };
  readonly lines: number;
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
  private readonly dir: string;
  private readonly writeFile: (file: string, text: string) => Promise<void>;
  private readonly appendText: ((file: string, text: string) => Promise<void>) | null;
  private appending: Promise<void> = Promise.resolve();
  /** The log, open for appending (set by `open`). */
  private handle: FileHandle | null = null;
  private size = 0;
  /** The hash the next line's `prev` takes. */
  private head = sha256("");
  private headWriting: Promise<void> = Promise.resolve();
  private state: AuditStatus | null = null;
  /** ETags of version files (immutable, so never stale). */
  private readonly etags = new Map<string, string>();
  /** The audit log read so far (it is append-only): who changed what, by file. */
  private index = new Map<string, IndexedLine[]>();
  private indexedBytes = 0;
  private indexing: Promise<unknown> = Promise.resolve();

  constructor(rulesDir: string, options: AuditTrailOptions) {
    const dir = resolve(rulesDir);
    this.dir = dir;
    this.auditFile = join(dir, AUDIT_DIR, AUDIT_FILE);
    this.historyRoot = join(dir, HISTORY_DIR);
    this.writeFile = options.writeFile;
    this.appendText = options.append ?? null;
  }

  /**
   * Verifies the chain, acknowledges its breaks when told to (`acknowledge`, by `operator`), opens
   * the log for appending and reconciles the intents left by a process that died mid-change.
   * Never throws for what it finds in the log: that is in the status (and `refusal`).
   */
  async open(options: { acknowledge?: boolean; operator?: string } = {}): Promise<AuditStatus> {
    const empty = { committed: 0, abandoned: 0 };
    let text: string;
    let lastWritten: string | null = null;
    try {
      // Nothing is made at start: a folder without a log gets one with its first change.
      const folder = await existingFolder(this.dir, AUDIT_DIR);
      text = folder ? ((await readNoFollow(this.auditFile, `${AUDIT_DIR}/${AUDIT_FILE}`)) ?? "") : "";
      const head = await readNoFollow(join(this.dir, AUDIT_DIR, HEAD_FILE), `${AUDIT_DIR}/${HEAD_FILE}`).catch(() => null);
      if (head) {
        try {
          const h = (JSON.parse(head) as { hash?: unknown }).hash;
          if (typeof h === "string") lastWritten = h;
        } catch { /* a damaged head file says nothing */ }
      }
      if (text !== "") await this.openHandle();
    } catch (err) {
      if (!(err instanceof UnsafePathError)) throw err;
      this.state = { breaks: [], unsafe: unsafeReason(err), acknowledged: [], reconciled: empty, lines: 0 };
      return this.state;
    }
    let verified = verifyChain(text, lastWritten);
    this.size = Buffer.byteLength(text);
    this.head = verified.head;
    // A last line without its newline, the only break: a write cut short when the process was
    // killed (Linux may end a large write early on SIGKILL), not an edit. It is cut off and the
    // cut recorded (its length and SHA-256) in a "repair" line; the change it belonged to is then
    // an intent without outcome (reconciled below) or never began.
    let repaired: { bytes: number; sha256: string } | null = null;
    if (verified.breaks.length === 1 && verified.breaks[0]!.reason === "torn") {
      const keep = text.lastIndexOf("\n") + 1;
      const torn = text.slice(keep);
      repaired = { bytes: Buffer.byteLength(torn), sha256: sha256(torn) };
      const handle = await this.openHandle();
      await handle.truncate(Buffer.byteLength(text.slice(0, keep)));
      text = text.slice(0, keep);
      this.size = Buffer.byteLength(text);
      verified = verifyChain(text, lastWritten);
      this.head = verified.head;
      if (verified.breaks.length === 0) {
        await this.appendLine({ kind: "repair", at: new Date().toISOString(), torn: { line: verified.count + 1, ...repaired } });
      }
    }
    let acknowledged: readonly ChainBreak[] = [];
    if (verified.breaks.length > 0) {
      if (!options.acknowledge) {
        this.state = { breaks: verified.breaks, unsafe: null, acknowledged: [], reconciled: empty, lines: verified.count };
        return this.state;
      }
      // A torn last line is ended first, so the acknowledgement is a line of its own.
      if (text !== "" && !text.endsWith("\n")) {
        await this.handle!.write("\n");
        text += "\n";
        this.size += 1;
      }
      this.head = sha256(text);
      acknowledged = verified.breaks;
      await this.appendLine({
        kind: "acknowledge", at: new Date().toISOString(), who: options.operator ?? "operator", role: "operator",
        breaks: verified.breaks.map((b) => ({ line: b.line, reason: b.reason, en: b.en })),
      });
    }
    // Intents without an outcome: the process died between the intent and the commit.
    const outcome = new Set<string>();
    for (const l of verified.lines) if (typeof l.fields["intent"] === "string") outcome.add(l.fields["intent"]);
    const reconciled = { committed: 0, abandoned: 0 };
    for (const l of verified.lines) {
      if (l.fields["kind"] !== "intent" || l.hash === null || outcome.has(l.hash)) continue;
      const entry = l.fields["entry"] as AuditEntry | undefined;
      if (!entry || typeof entry.file !== "string") continue;
      const intent: Intent = { hash: l.hash, entry };
      const onDisk = await readNoFollow(join(this.dir, entry.file), entry.file).catch(() => undefined);
      const etag = onDisk === undefined ? undefined : onDisk === null ? null : etagOf(onDisk);
      if (etag !== undefined && etag === entry.newEtag) {
        await this.commit(intent, { reconciled: true });
        reconciled.committed++;
      } else {
        await this.abandon(intent, "not_written");
        // The text it kept is still the current one: no version of it is needed.
        if (entry.version) await this.discard(entry.file, entry.version).catch(() => {});
        reconciled.abandoned++;
      }
    }
    this.state = { breaks: [], unsafe: null, acknowledged, reconciled, lines: verified.count, ...(repaired ? { repaired } : {}) };
    return this.state;
  }

  /** Why changes are refused (a broken chain not acknowledged, a linked log), or null. */
  refusal(): { readonly zh: string; readonly en: string; readonly breaks: readonly ChainBreak[] } | null {
    const s = this.state;
    if (!s) return { zh: "审计日志尚未打开", en: "the audit log is not open", breaks: [] };
    if (s.unsafe) return { ...s.unsafe, breaks: [] };
    if (s.breaks.length === 0) return null;
    const first = s.breaks[0]!;
    return {
      zh: `审计日志的散列链断裂（${first.zh}${s.breaks.length > 1 ? `，共 ${s.breaks.length} 处` : ""}）：管理员核查后以 jsqc-server --acknowledge-audit-break 确认，方可修改文件`,
      en: `the audit log's hash chain is broken (${first.en}${s.breaks.length > 1 ? `; ${s.breaks.length} breaks` : ""}): changes are refused until an operator checks it and starts jsqc-server --acknowledge-audit-break`,
      breaks: s.breaks,
    };
  }

  /** Announces a change before it is made: its intent line, written and fdatasynced. */
  async begin(entry: AuditEntry): Promise<Intent> {
    const hash = await this.appendLine({ kind: "intent", at: entry.at, entry });
    return { hash, entry };
  }

  /**
   * Records that an announced change was made: the commit line (the entry itself). The line is
   * written before this returns its promise (one write, no wait), so calling it right after the
   * rename leaves next to no moment in which the file is new and the log says nothing after the
   * intent; the promise settles when the line is fdatasynced.
   */
  commit(intent: Intent, extra: { reconciled?: boolean } = {}): Promise<string> {
    return this.appendLine({ ...intent.entry, kind: "commit", intent: intent.hash, ...(extra.reconciled ? { reconciled: true } : {}) });
  }

  /** Records that an announced change did not happen (`reason`: why). */
  abandon(intent: Intent, reason: string): Promise<string> {
    return this.appendLine({ kind: "abandoned", at: new Date().toISOString(), intent: intent.hash, target: intent.entry.file, reason });
  }

  private opening: Promise<FileHandle> | null = null;
  /** Opens the log for appending (its folder made if missing), once; never through a link. */
  private openHandle(): Promise<FileHandle> {
    this.opening ??= (async () => {
      await ensureFolder(this.dir, AUDIT_DIR);
      this.handle = await openAppendNoFollow(this.auditFile, `${AUDIT_DIR}/${AUDIT_FILE}`);
      this.size = (await this.handle.stat()).size;
      return this.handle;
    })();
    this.opening.catch(() => { this.opening = null; });
    return this.opening;
  }

  /**
   * Appends one chained line. The line's text is made and written in one synchronous step, so
   * lines never interleave and each `prev` is the line before it; a failed or short write is cut
   * off again (ftruncate), so a full disk never leaves half a line. Returns the line's hash.
   */
  private appendLine(fields: Record<string, unknown>): Promise<string> {
    if (this.appendText) {
      const append = this.appendText;
      const run = this.appending.then(async () => {
        const { text, hash } = sealLine(fields, this.head);
        await mkdir(join(this.auditFile, ".."), { recursive: true });
        await append(this.auditFile, `${text}\n`);
        this.head = hash;
        this.writeHead();
        return hash;
      });
      this.appending = run.then(() => {}, () => {});
      return run;
    }
    const handle = this.handle;
    // The first line of a new log: the folder and the file are made first (an intent: awaited anyway).
    if (!handle) return this.openHandle().then(() => this.appendLine(fields));
    const { text, hash } = sealLine(fields, this.head);
    const bytes = Buffer.from(`${text}\n`, "utf8");
    try {
      const written = writeSync(handle.fd, bytes);
      if (written !== bytes.length) throw Object.assign(new Error("short write to the audit log"), { code: "ENOSPC" });
    } catch (err) {
      try { ftruncateSync(handle.fd, this.size); } catch { /* nothing more can be done here */ }
      return Promise.reject(err);
    }
    this.size += bytes.length;
    this.head = hash;
    return handle.datasync().then(() => {
      this.writeHead();
      return hash;
    });
  }

  /** Writes `.audit/head.json` (the last line's hash); advisory, so not fsynced, errors ignored. */
  private writeHead(): void {
    const hash = this.head;
    this.headWriting = this.headWriting.then(async () => {
      const folder = join(this.dir, AUDIT_DIR);
      const tmp = join(folder, `.${HEAD_FILE}.${randomBytes(6).toString("hex")}.tmp`);
      try {
        await writeFileFs(tmp, `${JSON.stringify({ hash })}\n`, { flag: "wx", mode: 0o640 });
        await rename(tmp, join(folder, HEAD_FILE));
      } catch {
        await rm(tmp, { force: true }).catch(() => {});
      }
    });
  }

  /** Closes the log (the server's onClose). */
  async close(): Promise<void> {
    await this.headWriting;
    await this.handle?.close().catch(() => {});
    this.handle = null;
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


  /** Keeps `text`, about to be replaced at `at`, as a history version of `name`; returns its id. */
  async keep(name: string, text: string, at: Date): Promise<string> {
    const etag = etagOf(text);
    const version = versionId(at, etag);
    // Never through a link: .history and .history/<name> must be real folders (nofollow.ts).
    const folder = await ensureFolder(this.dir, HISTORY_DIR, name);
    await this.writeFile(join(folder, `${version}.rules`), text);
    this.etags.set(`${name}/${version}`, etag);
    return version;
  }

  /** Removes a version kept for a change that did not happen after all. */
  async discard(name: string, version: string): Promise<void> {
    const folder = await existingFolder(this.dir, HISTORY_DIR, name);
    if (folder) await rm(join(folder, `${version}.rules`), { force: true });
  }

  /** The text of a version, or null when there is none. `name` and `version` must be checked. */
  async read(name: string, version: string): Promise<{ source: string; etag: string } | null> {
    try {
      const folder = await existingFolder(this.dir, HISTORY_DIR, name);
      const source = folder ? await readNoFollow(join(folder, `${version}.rules`), `${HISTORY_DIR}/${name}/${version}.rules`) : null;
      return source === null ? null : { source, etag: etagOf(source) };
    } catch {
      return null;
    }
  }

  /** The versions of `name`, newest first; null when it has no history folder. */
  async list(name: string): Promise<HistoryItem[] | null> {
    let names: string[];
    let folder: string;
    try {
      // A linked .history (or .history/<name>) is not read: it would list files outside the folder.
      const found = await existingFolder(this.dir, HISTORY_DIR, name);
      if (!found) return null;
      folder = found;
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
      const info = await lstat(path).catch(() => null);
      if (!info?.isFile()) continue;
      const key = `${name}/${version}`;
      let etag = this.etags.get(key);
      if (!etag) {
        const text = await readNoFollow(path, file).catch(() => null);
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
    const size = await lstat(this.auditFile).then((s) => s.size, () => 0);
    if (size < this.indexedBytes) {
      // Shorter than read before: not the same log (rotated by hand). Read it again.
      this.index = new Map();
      this.indexedBytes = 0;
    }
    if (size === this.indexedBytes) return this.index;
    const handle = await open(this.auditFile, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch(() => null);
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
