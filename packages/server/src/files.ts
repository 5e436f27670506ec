/**
 * The editor's file store: the rule files of the store folder (`<year>.rules`, published, and
 * `<year>.draft.rules`, drafts) read and written over HTTP, and the example applications.
 *
 * - Names from the browser are checked against fixed patterns before any file system call, so no
 *   name can reach outside the store folder (no separators, no dots beyond the suffix).
 * - Saves are conditional: `If-Match: <etag>` for an existing file, `If-None-Match: *` for a new
 *   one; a stale ETag gets 409 with both texts, so the editor can show them side by side.
 * - The check of the ETag and the write are serialised per file by an in-process lock (a promise
 *   chain per name), so of concurrent saves from one version exactly one wins.
 * - A published file is never replaced by a text with checker errors (422); a draft may be.
 * - Writes are atomic: a temporary file in the same folder, fsync, rename over the target, fsync
 *   the folder. A failed write leaves the old file as it was and removes the temporary file (507).
 * - Every save, draft delete and new year is audited (audit.ts): an intent line goes to the audit
 *   log first, then the text it replaces is kept as a history version, then the file is changed,
 *   then the commit line is written — right after the rename, with nothing awaited in between. A
 *   process killed anywhere in this leaves an intent that the next start reconciles. A change
 *   whose intent cannot be written is not made; one whose commit cannot be written is undone (507
 *   `audit_failed`): no change stands unaudited. While the log's hash chain is broken and not
 *   acknowledged, every change is refused (503 `audit_broken`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { open, readdir, rename, rm, lstat, mkdir, copyFile, unlink } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join, resolve, sep } from "node:path";
import { parse, check, type Diagnostic } from "@jsqc/dsl";
import { etagOf, type RuleStore } from "./store.js";
import { apiError, diagnosticJson } from "./json.js";
import { AuditTrail, historyVersion, versionId, type AuditEntry, type AuditStatus, type Intent } from "./audit.js";
import { LOCAL, type Identity } from "./auth.js";
import { registerMerge, staleSaveConflict } from "./merge.js";
import { kindOf, readNoFollow, UnsafePathError, unsafeReason } from "./nofollow.js";
import { carryTests, registerYearTests } from "./year-tests.js";

/** A rule file's name: `<year>.rules` (published) or `<year>.draft.rules` (a draft). */
export const STORE_FILE = /^(\d{4})(\.draft)?\.rules$/;
/** An example application's name. */
export const EXAMPLE_FILE = /^[\w\u4e00-\u9fff-]+\.json$/;
/** Longest name accepted (a rule file name is at most 16 characters). */
export const MAX_NAME_LENGTH = 200;
/** Largest example file read. */
const MAX_EXAMPLE_BYTES = 4 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Atomic writes
// ---------------------------------------------------------------------------------------------

/** The file operations of an atomic write; replaceable for tests (a full disk, a failing rename). */
export interface AtomicIo {
  /** Creates `file` (failing if it exists) with `mode`, writes `text` as UTF-8, fsyncs and closes it. */
  writeNew(file: string, text: string, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(file: string): Promise<void>;
  /** Flushes a folder's entries (the rename) to disk. */
  syncDir(dir: string): Promise<void>;
}

export const nodeIo: AtomicIo = {
  async writeNew(file, text, mode) {
    const handle = await open(file, "wx", mode);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => rename(from, to),
  remove: (file) => rm(file, { force: true }),
  async syncDir(dir) {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

/**
 * Replaces `file` with `text` so that a reader (or a crash) sees the old text or the new, never a
 * part: a temporary file beside it, written and fsynced, renamed over it; then the folder fsynced.
 * On failure the temporary file is removed and the error rethrown; `file` is untouched. The mode
 * of an existing file is kept. `afterRename` runs as soon as the rename is done (it must not throw).
 */
export async function writeAtomically(file: string, text: string, io: Partial<AtomicIo> = {}, afterRename?: () => void): Promise<void> {
  const ops: AtomicIo = { ...nodeIo, ...io };
  const dir = dirname(file);
  // lstat: the mode of a link's target is not ours to copy (a link is never followed).
  const mode = await lstat(file).then((s) => (s.isFile() ? s.mode & 0o777 : 0o644), () => 0o644);
  const tmp = join(dir, `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await ops.writeNew(tmp, text, mode);
    await ops.rename(tmp, file);
  } catch (err) {
    await ops.remove(tmp).catch(() => {});
    throw err;
  }
  // Right after the rename, before anything else is awaited: the audit's commit line (files.ts).
  afterRename?.();
  // The new text is in place; a folder that cannot be fsynced (some platforms) is not a failure.
  await ops.syncDir(dir).catch(() => {});
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

export interface StoreName {
  readonly name: string;
  readonly year: string;
  readonly kind: "published" | "draft";
}

/** A rule file name from the browser, or null when it is not one (never a path). */
export function storeName(raw: unknown): StoreName | null {
  if (typeof raw !== "string" || raw.length > MAX_NAME_LENGTH) return null;
  const m = STORE_FILE.exec(raw);
  return m ? { name: raw, year: m[1]!, kind: m[2] ? "draft" : "published" } : null;
}

export function exampleName(raw: unknown): string | null {
  return typeof raw === "string" && raw.length <= MAX_NAME_LENGTH && EXAMPLE_FILE.test(raw) ? raw : null;
}

const badFileName = () =>
  apiError("bad_name", "文件名不合规：规则文件名应为「年度.rules」或「年度.draft.rules」，如 2024.rules", "bad file name: use <year>.rules or <year>.draft.rules, e.g. 2024.rules");
const badVersion = () =>
  apiError("bad_version", "版本号不合规：应为历史列表中的 version，如 20250314T093015.123Z-AbCdEf012345", "bad version: use a version from the history list, e.g. 20250314T093015.123Z-AbCdEf012345");
const badExampleName = () =>
  apiError("bad_name", "示例名不合规：应为字母、数字、汉字、- 或 _ 组成的 .json 文件名", "bad example name: letters, digits, Chinese characters, - or _, ending in .json");

/**
 * For the not-found handler: a request under `/api/files/` or `/api/examples/` that no route took
 * (its name had a slash, was empty, or was too long) gets the 400 of a bad name, not a 404.
 * Returns the error body, or null when the name is well formed (a plain 404 then).
 */
export function badStoreName(url: string): ReturnType<typeof apiError> | null {
  const path = url.split("?")[0]!;
  // A file's history: /api/files/<name>/history[/<version>].
  const history = /^\/api\/files\/([^/]*)\/history(?:\/(.*))?$/.exec(path);
  if (history) {
    try {
      if (!storeName(decodeURIComponent(history[1]!))) return badFileName();
      return history[2] === undefined || historyVersion(decodeURIComponent(history[2])) ? null : badVersion();
    } catch {
      return badVersion();
    }
  }
  for (const [prefix, valid, error] of [
    ["/api/files/", storeName, badFileName],
    ["/api/examples/", exampleName, badExampleName],
  ] as const) {
    if (!path.startsWith(prefix)) continue;
    let name: string;
    try {
      name = decodeURIComponent(path.slice(prefix.length));
    } catch {
      return error();
    }
    return valid(name) ? null : error();
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// The new year's file
// ---------------------------------------------------------------------------------------------

/** A string literal of the rules language (as the formatter writes it). */
function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
}

/** A `YYYY-MM-DD` date moved by whole years (29 February → 28 February in a common year). */
export function shiftDate(date: string, years: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const y = Number(m[1]) + years;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const day = m[2] === "02" && m[3] === "29" && !leap ? "28" : m[3]!;
  return `${String(y).padStart(4, "0")}-${m[2]}-${day}`;
}

export type NewYearResult =
  | { readonly ok: true; readonly text: string; readonly from: string }
  | { readonly ok: false; readonly reason: "no_header" | "no_year" };

/**
 * The text of a new year's rule file made from `source` by minimal edits at the header's AST
 * spans: `year` replaced; the title's year digits updated; `effective` dates shifted by the years
 * between; `document` replaced (or added after `year`), or, when no new one is given, kept with a
 * `# TODO` comment after it. Every other byte — comments, layout, the rest of the file — is kept.
 */
export function newYearSource(source: string, year: string, document?: string): NewYearResult {
  const header = parse(source).ast.header;
  if (!header) return { ok: false, reason: "no_header" };
  if (!header.year || !/^\d{4}$/.test(header.year.value)) return { ok: false, reason: "no_year" };
  const from = header.year.value;
  const years = Number(year) - Number(from);
  const edits: { start: number; end: number; text: string }[] = [];
  const at = (span: { start: { offset: number }; end: { offset: number } }, text: string) =>
    edits.push({ start: span.start.offset, end: span.end.offset, text });

  at(header.year.span, year);
  const title = source.slice(header.title.span.start.offset, header.title.span.end.offset);
  const newTitle = title.replace(new RegExp(`(?<!\\d)${from}(?!\\d)`, "g"), year);
  if (newTitle !== title) at(header.title.span, newTitle);
  if (header.effectiveFrom) at(header.effectiveFrom.span, shiftDate(header.effectiveFrom.value, years));
  if (header.effectiveTo) at(header.effectiveTo.span, shiftDate(header.effectiveTo.value, years));
  // Each grade's application window moves with the year too.
  for (const d of parse(source).ast.declarations) {
    if (d.type !== "Grade") continue;
    if (d.windowFrom) at(d.windowFrom.span, shiftDate(d.windowFrom.value, years));
    if (d.windowTo) at(d.windowTo.span, shiftDate(d.windowTo.value, years));
  }
  if (document !== undefined) {
    if (header.document) at(header.document.span, quote(document));
    else {
      const lineStart = source.lastIndexOf("\n", header.year.span.start.offset - 1) + 1;
      const indent = /^[ \t]*/.exec(source.slice(lineStart))![0];
      const end = header.year.span.end.offset;
      edits.push({ start: end, end, text: `\n${indent}document ${quote(document)}` });
    }
  } else if (header.document) {
    const end = header.document.span.end.offset;
    edits.push({ start: end, end, text: `  # TODO: 改为 ${year} 年度通知的文号 / the ${year} notice's document number` });
  }
  let text = source;
  for (const e of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return { ok: true, text, from };
}

/** Copies a folder of rule tests: regular files and folders only (no symlinks followed or copied). */
async function copyTests(from: string, to: string): Promise<void> {
  await mkdir(to);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (entry.isDirectory()) await copyTests(join(from, entry.name), join(to, entry.name));
    else if (entry.isFile()) await copyFile(join(from, entry.name), join(to, entry.name));
  }
}

// ---------------------------------------------------------------------------------------------
// The routes
// ---------------------------------------------------------------------------------------------

export interface FileStoreOptions {
  /** The examples folder; default `examples/` beside the rules folder. */
  readonly examplesDir?: string;
  /** Replacements for the file operations of a save (tests simulate a full disk with these). */
  readonly io?: Partial<AtomicIo>;
  /** Replaces the append to the audit log (tests simulate a log that cannot be written). */
  readonly appendLog?: (file: string, text: string) => Promise<void>;
  /**
   * Acknowledge a broken audit chain found at start (`jsqc-server --acknowledge-audit-break`): an
   * acknowledgement line is appended, naming the breaks, and changes are allowed again.
   */
  readonly acknowledgeAuditBreak?: boolean;
  /** Who acknowledges (the operator's login name), for that line. */
  readonly operator?: string;
  /** Told what the audit log's check at start found (main.ts prints it). */
  readonly onAuditStatus?: (status: AuditStatus) => void;
}

const errnoOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code) ? code : undefined;
};

/**
 * Reads a rule file of the store; null when it is not there. A symbolic link (or anything but a
 * regular file) is never followed: `UnsafePathError`, answered 403 `unsafe_path` (nofollow.ts).
 */
function readText(file: string): Promise<string | null> {
  return readNoFollow(file, basename(file));
}

/** The 403 of a file refused because it is a symbolic link or not a regular file. */
function unsafePath(err: UnsafePathError) {
  const { zh, en } = unsafeReason(err);
  return apiError("unsafe_path", zh, en, { file: err.relative, reason: err.reason });
}


/** The `{ source }` of a body: JSON `{ source: "…" }` or text/plain. */
function sourceOf(body: unknown): string | null {
  if (typeof body === "string") return body;
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const source = (body as { source?: unknown }).source;
    if (typeof source === "string") return source;
  }
  return null;
}

/** The ETags of an `If-Match` header: a comma-separated list. `*` is not honoured: send the ETag. */
function etagList(header: string | string[] | undefined): string[] | null {
  if (header === undefined) return null;
  const all = [header].flat().join(",");
  const list = all.match(/(?:W\/)?"[^"]*"|[^\s,]+/g) ?? [];
  return list.length > 0 ? list : null;
}

export async function registerFiles(
  app: FastifyInstance, store: RuleStore,
  options: FileStoreOptions & { readonly rulesDir: string; readonly identity?: (req: FastifyRequest) => Identity },
): Promise<void> {
  const dir = resolve(options.rulesDir);
  const examplesDir = resolve(options.examplesDir ?? join(dirname(dir), "examples"));
  const io = options.io ?? {};
  const identity = options.identity ?? (() => LOCAL);
  const trail = new AuditTrail(dir, {
    writeFile: (file, text) => writeAtomically(file, text, io),
    ...(options.appendLog ? { append: options.appendLog } : {}),
  });
  const auditStatus = await trail.open({ acknowledge: options.acknowledgeAuditBreak === true, ...(options.operator ? { operator: options.operator } : {}) });
  options.onAuditStatus?.(auditStatus);
  app.addHook("onClose", async () => trail.close());

  // One promise chain per file name: a check-and-write runs after the previous one ended.
  const locks = new Map<string, Promise<void>>();
  async function locked<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = locks.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => { release = r; });
    const tail = previous.then(() => mine);
    locks.set(name, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (locks.get(name) === tail) locks.delete(name);
    }
  }

  // Diagnostics by ETag, so listing the folder does not check every file every time.
  const checked = new Map<string, readonly Diagnostic[]>();
  async function diagnose(file: StoreName, source: string, etag: string): Promise<readonly Diagnostic[]> {
    const entry = file.kind === "published" ? store.get(file.year) : undefined;
    if (entry && entry.etag === etag) return entry.diagnostics;
    let ds = checked.get(etag);
    if (!ds) {
      ds = (await store.analyse(source, file.name)).diagnostics;
      checked.set(etag, ds);
      if (checked.size > 64) checked.delete(checked.keys().next().value!);
    }
    return ds;
  }
  // What a locked check-and-write decided; sent after the lock is released, so a slow client
  // reading the answer never holds up the next save of the file.
  interface Outcome { readonly status: number; readonly body: unknown; readonly etag?: string }
  const out = (status: number, body: unknown, etag?: string): Outcome => (etag ? { status, body, etag } : { status, body });
  /** A locked piece of work whose refused path (a link in the store) becomes its 403. */
  const refusing = (work: () => Promise<Outcome>) => async (): Promise<Outcome> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof UnsafePathError) return out(403, unsafePath(err));
      throw err;
    }
  };
  const answer = (reply: FastifyReply, o: Outcome) => {
    if (o.etag) reply.header("etag", o.etag);
    return reply.status(o.status).send(o.body);
  };
  const errorCount = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === "error").length;

  const nameOr400 = (raw: string, reply: FastifyReply): StoreName | null => {
    const file = storeName(raw);
    if (!file) reply.status(400).send(badFileName());
    return file;
  };
  const unknownFile = (name: string) => apiError("unknown_file", `没有文件 ${name}`, `no file ${name}`);
  /**
   * Makes one audited change (audit.ts): the intent line; the replaced text kept (`keep`, as the
   * history version named in the entry); the change itself (`apply`, which calls its argument
   * right after its rename); the commit line. Null when the change stands and is audited; else the
   * answer to give (`stood`: the change could not be undone and stands, unaudited until the next
   * start reconciles it).
   */
  const auditedChange = async (
    req: FastifyRequest, entry: AuditEntry, name: string,
    steps: { keep?: { text: string; at: Date }; apply: (committed: () => void) => Promise<void>; undo: () => Promise<unknown> },
  ): Promise<{ outcome: Outcome; stood: boolean } | null> => {
    let intent: Intent;
    try {
      intent = await trail.begin(entry);
    } catch (err) {
      req.log.error({ code: errnoOf(err) }, "file store: audit log not written");
      return { outcome: out(507, auditFailed(true)), stood: false };
    }
    const abandon = (reason: string) => trail.abandon(intent, reason).catch(() => {});
    if (steps.keep && entry.version) {
      try {
        await trail.keep(name, steps.keep.text, steps.keep.at);
      } catch (err) {
        await abandon("write_failed");
        return { outcome: out(507, err instanceof UnsafePathError ? unsafePath(err) : writeFailed(err, req)), stood: false };
      }
    }
    const discard = () => (entry.version ? trail.discard(name, entry.version).catch(() => {}) : Promise.resolve());
    let committing: Promise<string> | null = null;
    try {
      await steps.apply(() => { committing = trail.commit(intent); });
    } catch (err) {
      await discard();
      await abandon("write_failed");
      return { outcome: out(507, writeFailed(err, req)), stood: false };
    }
    try {
      await (committing ?? trail.commit(intent));
      return null;
    } catch (err) {
      req.log.error({ code: errnoOf(err) }, "file store: audit log not written");
      const undone = await steps.undo().then(() => true, () => false);
      if (!undone) return { outcome: out(507, auditFailed(false)), stood: true };
      await discard();
      await abandon("audit_failed");
      return { outcome: out(507, auditFailed(true)), stood: false };
    }
  };
  /** The 503 of a store whose audit log's chain is broken (or linked), or null when changes may go on. */
  const auditRefusal = (reply: FastifyReply): FastifyReply | null => {
    const refused = trail.refusal();
    if (!refused) return null;
    return reply.status(503).send(apiError("audit_broken", refused.zh, refused.en, { breaks: refused.breaks.map((b) => ({ line: b.line, reason: b.reason })) }));
  };
  const auditFailed = (undone: boolean) =>
    apiError(
      "audit_failed",
      undone ? "审计日志无法写入，修改已撤销（磁盘已满或不可写）" : "审计日志无法写入，且修改未能撤销：请联系管理员",
      undone ? "the audit log could not be written, so the change was undone (disk full or not writable)" : "the audit log could not be written and the change could not be undone: tell the administrator",
      { undone },
    );
  const writeFailed = (err: unknown, req: FastifyRequest) => {
    req.log.error({ code: errnoOf(err) }, "file store: write failed");
    const reason = errnoOf(err);
    return apiError("write_failed", "保存失败，原文件未改动（磁盘已满或不可写）", "the save failed and the file is unchanged (disk full or not writable)", reason ? { reason } : {});
  };
  const conflict = (current: string | null, yours: string) =>
    apiError(
      "conflict",
      current === null ? "文件在你打开后已被删除：请比较后再保存" : "文件在你打开后已被他人修改：请比较两个版本后再保存",
      current === null ? "the file was deleted since you opened it: compare, then save" : "the file was changed since you opened it: compare both versions, then save",
      { current: current === null ? null : { source: current, etag: etagOf(current) }, yours: { source: yours } },
    );

  app.get("/api/files", async () => {
    const names = (await readdir(dir).catch(() => [] as string[])).flatMap((n) => storeName(n) ?? []);
    const files = [];
    for (const file of names.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, file.name);
      // A link is not listed (lstat; readText refuses it too).
      const [info, source] = await Promise.all([lstat(path).catch(() => null), readText(path).catch(() => null)]);
      if (!info?.isFile() || source === null) continue;
      const etag = etagOf(source);
      const ds = await diagnose(file, source, etag);
      const errors = errorCount(ds);
      files.push({ name: file.name, year: file.year, kind: file.kind, etag, size: info.size, modified: info.mtime.toISOString(), errors, warnings: ds.length - errors });
    }
    return { files };
  });

  app.get<{ Params: { name: string } }>("/api/files/:name", async (req, reply) => {
    const file = nameOr400(req.params.name, reply);
    if (!file) return reply;
    let source: string | null;
    try {
      source = await readText(join(dir, file.name));
    } catch (err) {
      if (err instanceof UnsafePathError) return reply.status(403).send(unsafePath(err));
      throw err;
    }
    if (source === null) return reply.status(404).send(unknownFile(file.name));
    const etag = etagOf(source);
    reply.header("etag", etag);
    return { name: file.name, year: file.year, kind: file.kind, source, etag, diagnostics: (await diagnose(file, source, etag)).map(diagnosticJson) };
  });

  app.put<{ Params: { name: string } }>("/api/files/:name", async (req, reply) => {
    const file = nameOr400(req.params.name, reply);
    if (!file) return reply;
    const source = sourceOf(req.body);
    if (source === null) return reply.status(422).send(apiError("invalid_body", "请求体应为规则文本（text/plain）或 { source }", "the body must be rule text (text/plain) or { source }"));
    const ifMatch = etagList(req.headers["if-match"]);
    const ifNoneMatchAny = String(req.headers["if-none-match"] ?? "").trim() === "*";
    const who = identity(req);
    // A restore (the editor's history) names the version it saves again: audited as "restore".
    const restoredFrom = historyVersion((req.body as { restoredFrom?: unknown } | null)?.restoredFrom) ?? undefined;
    if (auditRefusal(reply)) return reply;
    // Checked before the lock is taken: it does not depend on the disk.
    const diagnostics = file.kind === "published" ? (await store.analyse(source, file.name)).diagnostics : null;

    const outcome = await locked(file.name, refusing(async () => {
      const path = join(dir, file.name);
      const current = await readText(path);
      if (current !== null) {
        if (!ifMatch) {
          if (ifNoneMatchAny) return out(409, conflict(current, source));
          return out(428, apiError("precondition_required", "保存已有文件须带 If-Match 头（打开时的 ETag）", "saving an existing file needs an If-Match header with the ETag it was opened with"));
        }
        if (!ifMatch.includes(etagOf(current))) return out(409, conflict(current, source));
      } else if (ifMatch) {
        return out(409, conflict(null, source));
      } else if (!ifNoneMatchAny) {
        return out(428, apiError("precondition_required", "新建文件须带 If-None-Match: * 头", "creating a file needs the header If-None-Match: *"));
      }
      if (diagnostics && errorCount(diagnostics) > 0) {
        const n = errorCount(diagnostics);
        const draft = `${file.year}.draft.rules`;
        return out(422, apiError(
          "has_errors",
          `规则文本有 ${n} 个错误，不能保存为正式文件 ${file.name}；请保存为草稿 ${draft}`,
          `the text has ${n} error(s) and cannot be saved over the published ${file.name}; save it as the draft ${draft}`,
          { diagnostics: diagnostics.map(diagnosticJson), draft },
        ));
      }
      // The text about to be replaced is kept first, so no saved version is ever lost.
      const at = new Date();
      const keep = current !== null && current !== source ? { text: current, at } : undefined;
      const version = keep ? versionId(at, etagOf(keep.text)) : undefined;
      const etag = etagOf(source);
      const entry = trail.entry({
        at, who: who.name, role: who.role, action: restoredFrom ? "restore" : "save", file: file.name, oldText: current, newText: source,
        ...(version ? { version } : {}), ...(restoredFrom ? { restoredFrom } : {}),
      });
      const failed = await auditedChange(req, entry, file.name, {
        ...(keep ? { keep } : {}),
        apply: (committed) => writeAtomically(path, source, io, committed),
        undo: () => (current === null ? rm(path, { force: true }) : writeAtomically(path, current, io)),
      });
      if (failed) {
        if (failed.stood && file.kind === "published") await store.put(file.year, source);
        return failed.stood ? { ...failed.outcome, etag } : failed.outcome;
      }
      if (file.kind === "published") await store.put(file.year, source);
      return out(200, { name: file.name, etag }, etag);
    }));
    // A stale If-Match: the 409 links the three-way merge (merge.ts), computed outside the lock.
    const stale = outcome.status === 409 && ifMatch && (outcome.body as { error: { current?: { source: string } | null } }).error.current;
    if (!stale || !ifMatch) return answer(reply, outcome);
    return answer(reply, out(409, await staleSaveConflict(trail, file.name, file.kind === "draft", stale.source, source, ifMatch), etagOf(stale.source)));
  });

  app.delete<{ Params: { name: string } }>("/api/files/:name", async (req, reply) => {
    const file = nameOr400(req.params.name, reply);
    if (!file) return reply;
    if (file.kind === "published") return reply.status(403).send(apiError("published_file", "正式规则文件不能删除，只能删除草稿", "a published rule file cannot be deleted; only drafts can"));
    const ifMatch = etagList(req.headers["if-match"]);
    if (!ifMatch) return reply.status(428).send(apiError("precondition_required", "删除草稿须带 If-Match 头（打开时的 ETag）", "deleting a draft needs an If-Match header with the ETag it was opened with"));
    const who = identity(req);
    if (auditRefusal(reply)) return reply;
    return answer(reply, await locked(file.name, refusing(async () => {
      const path = join(dir, file.name);
      const current = await readText(path);
      if (current === null) return out(404, unknownFile(file.name));
      if (!ifMatch.includes(etagOf(current))) return out(409, conflict(current, ""));
      // The draft's text is kept in its history: a deleted draft can be fetched and saved again.
      const at = new Date();
      const version = versionId(at, etagOf(current));
      const failed = await auditedChange(req, trail.entry({ at, who: who.name, role: who.role, action: "delete", file: file.name, oldText: current, newText: null, version }), file.name, {
        keep: { text: current, at },
        apply: async (committed) => {
          await unlink(path);
          committed();
          await (io.syncDir ?? nodeIo.syncDir)(dir).catch(() => {});
        },
        undo: () => writeAtomically(path, current, io),
      });
      if (failed) return failed.outcome;
      return out(200, { name: file.name, deleted: true });
    })));
  });

  app.post("/api/files/new-year", async (req, reply) => {
    const body = req.body as Record<string, unknown> | null;
    const invalid = (zh: string, en: string) => reply.status(422).send(apiError("invalid_new_year", zh, en));
    if (!body || typeof body !== "object" || Array.isArray(body)) return invalid("请求体应为 { from, year, document? }", "the body must be { from, year, document? }");
    const asYear = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? String(v) : v);
    const from = storeName(`${asYear(body["from"])}.rules`);
    const to = storeName(`${asYear(body["year"])}.rules`);
    if (typeof asYear(body["from"]) !== "string" || typeof asYear(body["year"]) !== "string" || !from || !to) {
      return reply.status(400).send(apiError("bad_name", "年度应为四位数字，如 2025", "a year must be four digits, e.g. 2025"));
    }
    let document: string | undefined;
    if (body["document"] !== undefined && body["document"] !== null) {
      if (typeof body["document"] !== "string" || body["document"].length > 200 || /[\u0000-\u001f\u007f]/.test(body["document"])) {
        return invalid("document 应为一行不超过 200 字的文号", "document must be one line of at most 200 characters");
      }
      document = body["document"].trim() || undefined;
    }
    const who = identity(req);
    if (auditRefusal(reply)) return reply;
    let source: string | null;
    try {
      source = await readText(join(dir, from.name));
    } catch (err) {
      if (err instanceof UnsafePathError) return reply.status(403).send(unsafePath(err));
      throw err;
    }
    if (source === null) return reply.status(404).send(unknownFile(from.name));
    const made = newYearSource(source, to.year, document);
    if (!made.ok) return invalid(`${from.name} 没有 ruleset 头部或其中没有 year`, `${from.name} has no ruleset header or no year in it`);
    const diagnostics = (await store.analyse(made.text, to.name)).diagnostics;
    if (errorCount(diagnostics) > 0) {
      return reply.status(422).send(apiError("has_errors", `由 ${from.name} 生成的 ${to.name} 有错误，未创建`, `${to.name} made from ${from.name} has errors; not created`, { diagnostics: diagnostics.map(diagnosticJson) }));
    }

    return answer(reply, await locked(to.name, async () => {
      const target = join(dir, to.name);
      // Anything at the name, a dangling link included, is in the way.
      if ((await kindOf(target)) !== null) return out(409, apiError("exists", `${to.name} 已存在`, `${to.name} already exists`));
      // The tests are copied into a hidden folder first and moved into place after the rule file.
      const testsFrom = join(dir, `${from.year}.tests`);
      const testsTo = join(dir, `${to.year}.tests`);
      const copyingTests = (await kindOf(testsFrom)) === "folder" && (await kindOf(testsTo)) === null;
      const testsTmp = join(dir, `.${to.year}.tests.${randomBytes(6).toString("hex")}.tmp`);
      // Diffed against the file it was made from: the audit line shows the lines that changed.
      const entry = trail.entry({ at: new Date(), who: who.name, role: who.role, action: "new-year", file: to.name, oldText: source, newText: made.text, from: from.name });
      const failed = await auditedChange(req, entry, to.name, {
        apply: async (committed) => {
          if (copyingTests) { await copyTests(testsFrom, testsTmp); await carryTests(testsTmp, Number(to.year) - Number(made.from)); }
          await writeAtomically(target, made.text, io, committed);
        },
        undo: () => rm(target, { force: true }),
      });
      if (failed) {
        await rm(testsTmp, { recursive: true, force: true }).catch(() => {});
        if (failed.stood) await store.put(to.year, made.text);
        return failed.outcome;
      }
      let tests: string | null = null;
      if (copyingTests) {
        try {
          await rename(testsTmp, testsTo);
          tests = `${to.year}.tests`;
        } catch (err) {
          req.log.error({ code: errnoOf(err) }, "file store: tests not copied");
          await rm(testsTmp, { recursive: true, force: true }).catch(() => {});
        }
      }
      await store.put(to.year, made.text);
      const etag = etagOf(made.text);
      return out(201, { name: to.name, etag, tests }, etag);
    }));
  });

  registerYearTests(app, dir, io);

  // --- history -------------------------------------------------------------------------------

  app.get<{ Params: { name: string } }>("/api/files/:name/history", async (req, reply) => {
    const file = nameOr400(req.params.name, reply);
    if (!file) return reply;
    const items = await trail.list(file.name);
    if (items !== null) return items;
    // No history yet: an empty list for a file that exists, 404 for one that never did.
    const exists = (await kindOf(join(dir, file.name))) === "file";
    return exists ? [] : reply.status(404).send(unknownFile(file.name));
  });

  app.get<{ Params: { name: string; version: string } }>("/api/files/:name/history/:version", async (req, reply) => {
    const file = nameOr400(req.params.name, reply);
    if (!file) return reply;
    const version = historyVersion(req.params.version);
    if (!version) return reply.status(400).send(badVersion());
    const kept = await trail.read(file.name, version);
    if (!kept) return reply.status(404).send(apiError("unknown_version", `${file.name} 没有版本 ${version}`, `${file.name} has no version ${version}`));
    return { name: file.name, version, source: kept.source, etag: kept.etag };
  });

  registerMerge(app, {
    trail,
    open: async (raw, reply) => {
      const file = nameOr400(raw, reply);
      if (!file) return null;
      try {
        return { name: file.name, draft: file.kind === "draft", current: await readText(join(dir, file.name)) };
      } catch (err) {
        if (!(err instanceof UnsafePathError)) throw err;
        reply.status(403).send(unsafePath(err));
        return null;
      }
    },
  });

  // --- examples ------------------------------------------------------------------------------

  /**
   * The text of an example, or null when it is missing, too large, or not a regular file of the
   * folder: a symbolic link is never followed (nofollow.ts), wherever it points.
   */
  async function exampleText(name: string): Promise<string | null> {
    try {
      return await readNoFollow(join(examplesDir, name), name, MAX_EXAMPLE_BYTES);
    } catch {
      return null;
    }
  }

  app.get("/api/examples", async () => {
    const names = (await readdir(examplesDir).catch(() => [] as string[])).filter((n) => exampleName(n)).sort();
    const examples = [];
    for (const name of names) {
      const text = await exampleText(name);
      if (text === null) continue;
      try {
        const app = JSON.parse(text) as Record<string, unknown> | null;
        if (!app || typeof app !== "object" || Array.isArray(app)) continue;
        examples.push({ name, enterprise: app["enterprise"] ?? null, grade: app["grade"] ?? null });
      } catch {
        // Not JSON: not an example.
      }
    }
    return { examples };
  });

  app.get<{ Params: { name: string } }>("/api/examples/:name", async (req, reply) => {
    const name = exampleName(req.params.name);
    if (!name) return reply.status(400).send(badExampleName());
    const text = await exampleText(name);
    if (text === null) return reply.status(404).send(apiError("unknown_example", `没有示例 ${name}`, `no example ${name}`));
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return reply.status(422).send(apiError("invalid_example", `示例 ${name} 不是有效的 JSON`, `the example ${name} is not valid JSON`));
    }
  });
}
