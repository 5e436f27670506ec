/**
 * Saving over a newer version: the three-way merge over HTTP (dsl's `mergeRuleFiles`, the same
 * merge the editor runs).
 *
 * - A PUT with a stale `If-Match` still gets 409 `conflict`, now with the current ETag (header and
 *   body), `merge: { href, base }` — the merge endpoint and the ETag the client opened — and, when
 *   that version is in the file's history and the two sides' edits do not overlap, `merged`: the
 *   merged text, ready to PUT with `If-Match: <current etag>`. Nothing is written without the
 *   client asking: the 409 stays a 409.
 * - `POST /api/files/:name/merge` `{ source, base | baseSource }` merges `source` (mine) with the
 *   file as it is now (theirs) from `base` (an ETag of a version in the history, or the current
 *   one) or `baseSource` (the text itself); it answers the merged text or the conflicts, each
 *   with both sides' semantic changes in the notice's terms and the lines beside them.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { mergeRuleFiles, type MergeConflict, type RuleMerge } from "@jsqc/dsl";
import { etagOf } from "./store.js";
import { apiError, diagnosticJson } from "./json.js";
import type { AuditTrail } from "./audit.js";
import { changeJson } from "./summary.js";

/** The merge endpoint of a file. */
export const mergeHref = (name: string): string => `/api/files/${encodeURIComponent(name)}/merge`;

/** The text of `name` whose ETag is one of `etags`: the current text or a history version; null when none. */
export async function textByEtag(trail: AuditTrail, name: string, current: string | null, etags: readonly string[]): Promise<string | null> {
  if (current !== null && etags.includes(etagOf(current))) return current;
  const items = (await trail.list(name)) ?? [];
  const hit = items.find((i) => etags.includes(i.etag));
  return hit ? (await trail.read(name, hit.version))?.source ?? null : null;
}

function conflictJson(c: MergeConflict) {
  return {
    base: c.base, mine: c.mine, theirs: c.theirs, baseLine: c.baseLine, mineLine: c.mineLine, theirsLine: c.theirsLine,
    mineChanges: c.mineChanges.map(changeJson), theirsChanges: c.theirsChanges.map(changeJson),
  };
}

/** Whether a merge may be saved as it is: no conflict, and no checker error unless a draft (drafts take any text). */
export const mergeUsable = (m: RuleMerge, draft: boolean): boolean => m.text !== null && (m.clean || draft);

/** A merge as JSON: the merged text (or null), the conflicts, the checker's errors, what each side changed. */
export function mergeJson(m: RuleMerge) {
  return {
    clean: m.clean,
    source: m.text,
    conflicts: m.conflicts.map(conflictJson),
    errors: m.errors.map(diagnosticJson),
    mineChanges: m.mineDiff.changes.map(changeJson),
    theirsChanges: m.theirsDiff.changes.map(changeJson),
  };
}

/**
 * The body of a 409 for a stale If-Match: the plain conflict, plus the merge link and, when the
 * version opened is known and the edits merge cleanly, the merged text.
 */
export async function staleSaveConflict(
  trail: AuditTrail, name: string, draft: boolean, current: string, mine: string, ifMatch: readonly string[],
): Promise<ReturnType<typeof apiError>> {
  const etag = etagOf(current);
  const base = await textByEtag(trail, name, null, ifMatch).catch(() => null);
  const merged = base === null ? null : mergeRuleFiles(base, mine, current);
  const usable = merged !== null && mergeUsable(merged, draft);
  const extra = {
    current: { source: current, etag },
    yours: { source: mine },
    merge: { href: mergeHref(name), base: ifMatch[0]! },
    ...(usable ? { merged: { source: merged.text!, etag, mineChanges: merged.mineDiff.changes.map(changeJson), theirsChanges: merged.theirsDiff.changes.map(changeJson) } } : {}),
  };
  return usable
    ? apiError("conflict", "文件在你打开后已被他人修改；两边的修改不重叠，已合并（merged）：确认后以当前 ETag 保存合并结果", "the file was changed since you opened it; the two sides' edits do not overlap and were merged (merged): save it with the current ETag", extra)
    : apiError("conflict", "文件在你打开后已被他人修改：请用合并接口（merge）逐处决定后再保存", "the file was changed since you opened it: resolve it with the merge endpoint (merge), then save", extra);
}

/** Registers `POST /api/files/:name/merge`. */
export function registerMerge(app: FastifyInstance, deps: {
  readonly trail: AuditTrail;
  /** The file's name checked (400 sent when bad), and its current text (null when missing). */
  readonly open: (raw: string, reply: FastifyReply) => Promise<{ name: string; draft: boolean; current: string | null } | null>;
}): void {
  app.post<{ Params: { name: string } }>("/api/files/:name/merge", async (req, reply) => {
    const file = await deps.open(req.params.name, reply);
    if (!file) return reply;
    if (file.current === null) return reply.status(404).send(apiError("unknown_file", `没有文件 ${file.name}`, `no file ${file.name}`));
    const body = req.body as Record<string, unknown> | null;
    const invalid = () => reply.status(422).send(apiError("invalid_merge", "请求体应为 { source, base }（base 为打开时的 ETag）或 { source, baseSource }", "the body must be { source, base } (base: the ETag opened) or { source, baseSource }"));
    if (!body || typeof body !== "object" || Array.isArray(body) || typeof body["source"] !== "string") return invalid();
    let base: string | null;
    if (typeof body["baseSource"] === "string") base = body["baseSource"];
    else if (typeof body["base"] === "string") {
      base = await textByEtag(deps.trail, file.name, file.current, [body["base"]]);
      if (base === null) return reply.status(422).send(apiError("unknown_base", `${file.name} 的历史中没有 ETag 为 ${body["base"]} 的版本`, `${file.name} has no version with the ETag ${body["base"]} in its history`));
    } else return invalid();
    const etag = etagOf(file.current);
    const m = mergeRuleFiles(base, body["source"], file.current);
    reply.header("etag", etag);
    return { name: file.name, etag, usable: mergeUsable(m, file.draft), ...mergeJson(m) };
  });
}
