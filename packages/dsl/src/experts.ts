/**
 * The expert rule that applies to a judged item (专家评分规则). A rule file may give one `experts`
 * block at the top level (the file's default), one inside a section, and one inside an item; a
 * block inherits every clause it leaves out from the enclosing level: item → section → file.
 * The checker, the engine and the editor all take the effective rule from here, so inheritance
 * is decided in one place.
 */
import type * as A from "./ast.js";

/** The most experts one application may carry (the engine's schema enforces it). */
import { MAX_EXPERTS } from "./cost.js";
export { MAX_EXPERTS };

/** Where the innermost block that applies stands; "none" when the file has no experts block at all. */
export type ExpertLevel = "file" | "section" | "item" | "none";

/** The rule one judged item's scores are combined by, every clause resolved. */
export interface EffectiveExperts {
  /** Null only when no level says `combine` (the checker then reports X003). */
  readonly combine: A.CombineRule | null;
  /** The step the result is rounded to, half up; null for none. */
  readonly round: A.DecimalText | null;
  /** Scores further apart than this are flagged for review; null for never. */
  readonly spread: A.DecimalText | null;
  /** `at least N experts`: fewer scores for the item make the application an input error. */
  readonly atLeast: number | null;
  /** The innermost level with a block that applies (the rule the trace names). */
  readonly level: ExpertLevel;
  /** That block's span; null for "none". */
  readonly span: A.Span | null;
  /** For each clause, the level it was taken from (for hovers and the structure view). */
  readonly from: { readonly combine: ExpertLevel; readonly round: ExpertLevel; readonly spread: ExpertLevel; readonly atLeast: ExpertLevel };
}

/** The file's top-level experts block (the first; a second is X002), or null. */
export function fileExperts(file: A.RuleFile): A.ExpertsDecl | null {
  for (const d of file.declarations) if (d.type === "Experts") return d;
  return null;
}

/** Reads `at least N`: a positive whole number, or null (X005 reports anything else). */
export function atLeastOf(d: A.ExpertsDecl | null): number | null {
  if (!d?.atLeast) return null;
  const n = Number(d.atLeast.value);
  return Number.isInteger(n) && n >= 1 ? n : null;
}

/**
 * The effective expert rule for an item of a section (or for the section itself when `item` is
 * null), inheriting clause by clause from item, section and file. Never throws.
 */
export function effectiveExperts(file: A.ExpertsDecl | null, section: A.SectionDecl | null, item: A.ItemDecl | null): EffectiveExperts {
  const levels: [ExpertLevel, A.ExpertsDecl | null][] = [
    ["item", item?.experts ?? null],
    ["section", section?.experts ?? null],
    ["file", file],
  ];
  const pick = <T>(get: (d: A.ExpertsDecl) => T | null): [T | null, ExpertLevel] => {
    for (const [level, d] of levels) {
      const v = d ? get(d) : null;
      if (v !== null) return [v, level];
    }
    return [null, "none"];
  };
  const [combine, fromCombine] = pick((d) => d.combine?.value ?? null);
  const [round, fromRound] = pick((d) => d.round?.value ?? null);
  const [spread, fromSpread] = pick((d) => d.spread?.value ?? null);
  const [atLeast, fromAtLeast] = pick((d) => atLeastOf(d));
  const innermost = levels.find(([, d]) => d !== null);
  return {
    combine,
    round,
    spread,
    atLeast,
    level: innermost ? innermost[0] : "none",
    span: innermost ? innermost[1]!.span : null,
    from: { combine: fromCombine, round: fromRound, spread: fromSpread, atLeast: fromAtLeast },
  };
}

/** How a level reads in the trace and in hovers: 文件 / 第十部分 / 十.2. */
export function levelText(level: ExpertLevel, sectionId: string, itemId: string): { zh: string; en: string } {
  switch (level) {
    case "file": return { zh: "全文件的专家评分规则", en: "the file's expert rule" };
    case "section": return { zh: `第${sectionId}部分的专家评分规则`, en: `section ${sectionId}'s expert rule` };
    case "item": return { zh: `${itemId} 项的专家评分规则`, en: `item ${itemId}'s expert rule` };
    case "none": return { zh: "默认规则（取平均）", en: "the default rule (plain mean)" };
  }
}
