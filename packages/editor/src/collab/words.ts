/** The words of working together on one file (tabs, merges, history), Chinese first, with English. */
import { useContext } from "react";
import { LangContext, type Lang } from "../i18n.js";

const zh = {
  restoreTitle: "发现本标签页上次未保存的修改",
  otherTabs: (n: number) => `另有 ${n} 个标签页正在编辑此文件且有未保存的修改；各标签页的修改分别保存，保存时自动合并。`,
  savedElsewhere: (who: string) => `此文件已在别处保存（${who}）：`,
  reloaded: "已载入新版本。",
  willMerge: "你有未保存的修改，保存时将与之合并。",
  noRuleChange: "规则未变（仅排版或注释）",
  dismiss: "知道了",
  mergedSaved: "已与他人的修改合并并保存",
  mergeTitle: "文件已被他人修改：请逐处决定",
  mergeText: "你打开后此文件已被他人保存。不冲突的修改已自动合并；以下几处两边改了同一处规则，请选择保留哪一边。",
  autoMerged: "已自动合并",
  theirsSide: "他人的修改（已保存）",
  mineSide: "我的修改",
  conflictN: (i: number, line: number) => `冲突 ${i}（第 ${line} 行附近）`,
  keepMine: "用我的",
  keepTheirs: "用他人的",
  keepBoth: "两者都保留",
  noSemantic: "（无规则变化）",
  mergeErrors: (n: number) => `合并结果有 ${n} 个错误：`,
  mergeOk: "合并结果检查通过。",
  saveMerge: "保存合并结果",
  discardMine: "放弃我的修改，采用他人的版本…",
  discardConfirm: "确定放弃你所有未保存的修改、改用他人保存的版本吗？此操作不能撤销。",
  cancel: "取消",
  current: "当前版本",
  unknownAuthor: "（不详）",
  unknownChange: "（变化不详）",
  compareFrom: "比较：从",
  compareTo: "到",
  noChanges: "两个版本规则相同",
  view: "查看",
  restoreVersion: "恢复此版本（保存为新版本）",
  restoreConfirm: "恢复会把此版本保存为新版本（记入审计日志）。你未保存的修改将被替换，继续吗？",
  restored: (t: string) => `已恢复 ${t} 的版本并保存为新版本`,
  restoredFrom: (t: string) => `恢复自 ${t} 的版本`,
};
type CollabWords = typeof zh;
const en: CollabWords = {
  restoreTitle: "Unsaved edits from this tab's last session were found",
  otherTabs: (n) => `${n} other tab(s) are editing this file with unsaved edits; each tab's edits are saved separately and merged on save.`,
  savedElsewhere: (who) => `This file was saved elsewhere (${who}): `,
  reloaded: "The new version is loaded.",
  willMerge: "You have unsaved edits: they will be merged with it when you save.",
  noRuleChange: "no rule changed (layout or comments only)",
  dismiss: "OK",
  mergedSaved: "Merged with the other changes and saved",
  mergeTitle: "Someone else changed this file: decide each conflict",
  mergeText: "This file was saved by someone else after you opened it. Edits that do not overlap were merged; below, both sides changed the same rule: choose which to keep.",
  autoMerged: "Merged automatically",
  theirsSide: "Their change (saved)",
  mineSide: "My change",
  conflictN: (i, line) => `Conflict ${i} (near line ${line})`,
  keepMine: "Keep mine",
  keepTheirs: "Keep theirs",
  keepBoth: "Keep both",
  noSemantic: "(no rule change)",
  mergeErrors: (n) => `The merged text has ${n} error(s):`,
  mergeOk: "The merged text checks.",
  saveMerge: "Save the merged text",
  discardMine: "Discard my edits and take theirs…",
  discardConfirm: "Discard all your unsaved edits and take the version saved by the other person? This cannot be undone.",
  cancel: "Cancel",
  current: "current version",
  unknownAuthor: "(unknown)",
  unknownChange: "(change unknown)",
  compareFrom: "Compare: from",
  compareTo: "to",
  noChanges: "the two versions have the same rules",
  view: "View",
  restoreVersion: "Restore this version (saved as a new version)",
  restoreConfirm: "Restoring saves this version as a new version (audited). Your unsaved edits will be replaced. Continue?",
  restored: (t) => `Restored the version of ${t}, saved as a new version`,
  restoredFrom: (t) => `restored from the version of ${t}`,
};

export const COLLAB_WORDS: Record<Lang, CollabWords> = { zh, en };
export function useCollabWords(): CollabWords {
  return COLLAB_WORDS[useContext(LangContext)];
}

/** A moment as officers write it: `2026年12月6日 14:09` (local time), or `Dec 6, 2026, 14:09`. */
export function formatTime(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  if (lang === "zh") return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${hm}`;
  return `${d.toLocaleDateString("en", { year: "numeric", month: "short", day: "numeric" })}, ${hm}`;
}
