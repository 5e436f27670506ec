/**
 * The three-way merge of a rule file: what happens when two officers edited the same year's file
 * from the same version and the second one saves. `base` is the version both opened, `theirs`
 * the one saved meanwhile, `mine` the one being saved.
 *
 * The text is merged by lines with node-diff3 (the diff3 algorithm of Khanna, Kunal and Pierce):
 * edits to different rules sit on different lines and merge without asking; edits that touch the
 * same or adjacent lines are a conflict. Each conflict carries the semantic changes of each side
 * that fall on its lines (dsl's diff, in the notice's terms: `第七部分③ 封顶 2 → 3`), so the
 * person deciding reads what each side meant, with the text beside it. The merged text is
 * checked here, so a merge that makes a file with errors (both sides fine, the combination not)
 * is never taken for a clean one.
 *
 * Lines keep their line endings; positions are 1-based lines. Pure functions; never throw.
 */
import { diff3Merge } from "node-diff3";
import type { Span } from "./ast.js";
import { check } from "./checker.js";
import type { Diagnostic } from "./diagnostics.js";
import { diffRuleFiles, type Change, type RuleDiff } from "./diff.js";
import { parse } from "./parse.js";

/** Where two sides changed the same lines: each side's text of them, and what each side meant. */
export interface MergeConflict {
  /** The lines in the base version, in mine and in theirs (each with its line endings). */
  readonly base: string;
  readonly mine: string;
  readonly theirs: string;
  /** First line of each side's text (1-based) in its own file. */
  readonly baseLine: number;
  readonly mineLine: number;
  readonly theirsLine: number;
  /** The semantic changes base → mine, and base → theirs, on these lines. */
  readonly mineChanges: readonly Change[];
  readonly theirsChanges: readonly Change[];
}

/** The merged file in order: lines both sides agree on (or only one changed), and conflicts. */
export type MergeChunk =
  | { readonly type: "ok"; readonly text: string }
  | { readonly type: "conflict"; readonly conflict: MergeConflict };

/** How a conflict is settled: one side's lines, or mine then theirs. */
export type MergeChoice = "mine" | "theirs" | "both";

export interface RuleMerge {
  readonly chunks: readonly MergeChunk[];
  readonly conflicts: readonly MergeConflict[];
  /** The merged text when there is no conflict; null otherwise (settle them with `resolveMerge`). */
  readonly text: string | null;
  /** The checker's errors in the merged text (empty when there are conflicts). */
  readonly errors: readonly Diagnostic[];
  /** No conflict and the merged text has no checker error: it can be saved without asking. */
  readonly clean: boolean;
  /** What each side changed from the base, as a whole. */
  readonly mineDiff: RuleDiff;
  readonly theirsDiff: RuleDiff;
}

/** A text's lines, each with its line ending (the last may have none). */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The checker's errors in a text. */
export function checkErrors(text: string): Diagnostic[] {
  return check(parse(text)).diagnostics.filter((d) => d.severity === "error");
}

/** Whether a span touches lines [from, to] (1-based, inclusive); an empty range [from, from-1] is the point before line `from`. */
function touches(span: Span | undefined, from: number, to: number): boolean {
  if (!span) return false;
  if (to < from) return span.start.line <= from && span.end.line >= from - 1;
  return span.start.line <= to && span.end.line >= from;
}

/** The changes of a side that fall on its lines [line, line+count) or on the base's lines. */
function changesOn(diff: RuleDiff, side: { line: number; count: number }, base: { line: number; count: number }): Change[] {
  return diff.changes.filter((c) =>
    touches(c.newSpan, side.line, side.line + side.count - 1) || touches(c.oldSpan, base.line, base.line + base.count - 1));
}

/**
 * Merges `mine` and `theirs`, both made from `base`. Never throws; a conflict is a result, not an
 * error. Costs three parses and checks plus two semantic diffs.
 */
export function mergeRuleFiles(base: string, mine: string, theirs: string): RuleMerge {
  const regions = diff3Merge(lines(mine), lines(base), lines(theirs), { excludeFalseConflicts: true });
  const mineDiff = diffRuleFiles(base, mine);
  const theirsDiff = diffRuleFiles(base, theirs);
  const chunks: MergeChunk[] = [];
  const conflicts: MergeConflict[] = [];
  let pending = "";
  for (const r of regions) {
    if (r.ok) {
      pending += r.ok.join("");
      continue;
    }
    const c = r.conflict!;
    if (pending) chunks.push({ type: "ok", text: pending });
    pending = "";
    const baseAt = { line: c.oIndex + 1, count: c.o.length };
    const conflict: MergeConflict = {
      base: c.o.join(""), mine: c.a.join(""), theirs: c.b.join(""),
      baseLine: c.oIndex + 1, mineLine: c.aIndex + 1, theirsLine: c.bIndex + 1,
      mineChanges: changesOn(mineDiff, { line: c.aIndex + 1, count: c.a.length }, baseAt),
      theirsChanges: changesOn(theirsDiff, { line: c.bIndex + 1, count: c.b.length }, baseAt),
    };
    conflicts.push(conflict);
    chunks.push({ type: "conflict", conflict });
  }
  if (pending) chunks.push({ type: "ok", text: pending });
  const text = conflicts.length === 0 ? chunks.map((c) => (c.type === "ok" ? c.text : "")).join("") : null;
  const errors = text === null ? [] : checkErrors(text);
  return { chunks, conflicts, text, errors, clean: text !== null && errors.length === 0, mineDiff, theirsDiff };
}

/**
 * The merged text with each conflict settled by `choices` (in the order of `merge.conflicts`;
 * a missing choice keeps theirs, the version already saved). Check it before saving it.
 */
export function resolveMerge(merge: RuleMerge, choices: readonly MergeChoice[]): string {
  let i = 0;
  let out = "";
  for (const chunk of merge.chunks) {
    if (chunk.type === "ok") {
      out += chunk.text;
      continue;
    }
    const c = chunk.conflict;
    const choice = choices[i++] ?? "theirs";
    if (choice === "mine") out += c.mine;
    else if (choice === "theirs") out += c.theirs;
    else out += c.mine + (c.mine && !c.mine.endsWith("\n") && c.theirs ? "\n" : "") + c.theirs;
  }
  return out;
}
