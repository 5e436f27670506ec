/**
 * The change summary of a save for the audit log and the history: what changed in the rules, in
 * the notice's terms (dsl's semantic diff: `第七部分③ 封顶 2 → 3`), not how the text changed.
 */
import { diffRuleFiles, type Change } from "@jsqc/dsl";

/** Most changes listed in one summary; past it, one line says how many more. */
export const MAX_SUMMARY = 50;

/** A change as JSON, without its spans. */
export function changeJson(c: Change): { kind: string; path: string; what: string; whatEn: string; old?: string; new?: string } {
  return { kind: c.kind, path: c.path, what: c.what, whatEn: c.whatEn, ...(c.old !== undefined ? { old: c.old } : {}), ...(c.new !== undefined ? { new: c.new } : {}) };
}

/** The semantic changes old → new as lines, Chinese and English, capped at MAX_SUMMARY. Never throws. */
export function changeSummary(oldText: string, newText: string): { summary: string[]; summaryEn: string[] } {
  if (oldText === newText) return { summary: [], summaryEn: [] };
  const diff = diffRuleFiles(oldText, newText);
  const zh = diff.changes.map((c) => c.what);
  const en = diff.changes.map((c) => c.whatEn);
  if (zh.length === 0) {
    // Comments or layout only: the text changed, the rules did not.
    return { summary: ["仅排版或注释变化，规则未变"], summaryEn: ["layout or comments only; the rules are unchanged"] };
  }
  if (zh.length <= MAX_SUMMARY) return { summary: zh, summaryEn: en };
  const more = zh.length - MAX_SUMMARY;
  return { summary: [...zh.slice(0, MAX_SUMMARY), `……另有 ${more} 处变化`], summaryEn: [...en.slice(0, MAX_SUMMARY), `… and ${more} more change(s)`] };
}
