/**
 * What a new year's file may have left stale, for the officer to tick off or fix: every note
 * (假设 marked), every item text that prints a figure, and every veto text or requirement that
 * states a period. Pure; the panel keeps the ticks. An entry whose text no entry had when the list
 * was first made counts as fixed.
 */
import type { RuleFile, Note } from "@jsqc/dsl";

export interface ReviewEntry {
  /** Stable across edits of the text: where it is (e.g. `item 七.3`, `note item 三.1 #0`). */
  readonly key: string;
  readonly kind: "note" | "assumption" | "item" | "veto" | "requirement";
  /** Where it stands, as shown: `七③`, `AA 级`, `头部`. */
  readonly place: string;
  readonly text: string;
  /** Offset of its text in the file (to reveal it). */
  readonly offset: number;
}

const FIGURE = /\d+(?:\.\d+)?\s*分|\d+\s*(?:年|个月)|[一二两三四五六七八九十]\s*年/;

/** The review entries of a rule file, in file order. */
export function reviewEntries(file: RuleFile): ReviewEntry[] {
  const out: ReviewEntry[] = [];
  const notes = (owner: string, place: string, list: readonly Note[]) => list.forEach((n, i) => out.push({
    key: `note ${owner} #${i}`, kind: n.text.value.includes("假设") ? "assumption" : "note", place, text: n.text.value, offset: n.text.span.start.offset,
  }));
  if (file.header) notes("header", "头部", file.header.notes);
  for (const d of file.declarations) {
    switch (d.type) {
      case "Section":
        notes(`section ${d.id.value}`, d.id.value, d.notes);
        for (const i of d.items) {
          if (FIGURE.test(i.text.value)) out.push({ key: `item ${i.id}`, kind: "item", place: `${d.id.value}${i.number.text}`, text: i.text.value, offset: i.text.span.start.offset });
          notes(`item ${i.id}`, `${d.id.value}${i.number.text}`, i.notes);
        }
        break;
      case "VetoGroup":
        for (const v of d.vetoes) {
          out.push({ key: `veto ${v.id}`, kind: "veto", place: `${d.id.value}${v.number.text}`, text: v.text.value, offset: v.text.span.start.offset });
          notes(`veto ${v.id}`, `${d.id.value}${v.number.text}`, v.notes);
        }
        break;
      case "Eligibility":
      case "Grade": {
        const owner = d.type === "Grade" ? `grade ${d.name.value}` : "eligibility";
        const place = d.type === "Grade" ? `${d.name.value} 级` : "基本条件";
        d.requirements.forEach((r, k) => {
          if (FIGURE.test(r.label.value)) out.push({ key: `require ${owner} #${k}`, kind: "requirement", place, text: r.label.value, offset: r.label.span.start.offset });
          notes(`require ${owner} #${k}`, place, r.notes);
        });
        notes(owner, place, d.notes);
        break;
      }
      case "Experts":
        notes("experts", "专家评分", d.notes);
        break;
      case "Input":
        notes(`input ${d.name.value}`, d.name.value, d.options.notes);
        break;
      default:
        break;
    }
  }
  return out;
}

export type ReviewState = "open" | "ticked" | "fixed";

/** An entry's state: ticked when the officer ticked this text; fixed when no entry had this text in `baseline` (changed or new). */
export function reviewState(e: ReviewEntry, baseline: Readonly<Record<string, string>>, ticked: ReadonlySet<string>): ReviewState {
  if (ticked.has(`${e.key}\u0000${e.text}`)) return "ticked";
  // By text, not by place: a renumbered veto's unchanged note is still the old note.
  return Object.values(baseline).includes(e.text) ? "open" : "fixed";
}
