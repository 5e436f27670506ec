/**
 * What a year's revision leaves stale, found from the file alone (issue 11): a section whose id is
 * a veto group's; item texts and notes whose printed figures no longer match the rule beside
 * them; dates outside the ruleset's year or effective period; texts naming another year.
 * Every finding points at the exact characters concerned; where the right text is certain,
 * `data.replacement` holds it and the editor offers it as a quick fix.
 */
import type * as A from "./ast.js";
import * as D from "./decimal.js";
import { diagnostic, type Diagnostic } from "./diagnostics.js";

const NUM = "(\\d+(?:\\.\\d+)?)";

/** A printed figure found in a text: the number's position inside the string value. */
interface Printed {
  readonly value: string;
  readonly index: number;
}

function matches(text: string, pattern: RegExp): Printed[] {
  // The `d` flag gives the captured number's own position.
  const withIndices = new RegExp(pattern.source, "gd");
  return [...text.matchAll(withIndices)].map((m) => ({ value: m[1]!, index: m.indices![1]![0] }));
}

/**
 * The span of `length` characters at `index` of a string literal's value. A string with escapes
 * has no simple mapping: then the whole literal, and `exact` false (no quick fix).
 */
function within(lit: A.Lit<string>, index: number, length: number): { span: A.Span; exact: boolean } {
  const raw = lit.span.end.offset - lit.span.start.offset;
  if (raw !== lit.value.length + 2 || lit.span.start.line !== lit.span.end.line) return { span: lit.span, exact: false };
  const at = (k: number): A.Position => ({ offset: lit.span.start.offset + 1 + k, line: lit.span.start.line, column: lit.span.start.column + 1 + k });
  return { span: { start: at(index), end: at(index + length) }, exact: true };
}

const same = (a: string, b: string): boolean => D.parseDec(a) !== null && D.parseDec(a) === D.parseDec(b);

/** What kind of figure a phrase prints, and the rule's figure(s) it must equal. */
interface Check {
  readonly pattern: RegExp;
  readonly what: string;
  readonly whatEn: string;
  /** The rule's figures, in source order (distinct); a printed figure must be one of them. */
  readonly figures: readonly string[];
}

function checks(item: A.ItemDecl, inNote: boolean): Check[] {
  const out: Check[] = [];
  const f = item.form;
  // "(2.5 分)" / "(2分)" at the end of the notice's text is the item's points; notes never print it so.
  if (!inNote && item.points) out.push({ pattern: new RegExp(`[(（]\\s*${NUM}\\s*分\\s*[)）]`, "g"), what: "分值", whatEn: "points", figures: [item.points.value] });
  if (item.cap) out.push({ pattern: new RegExp(`最高(?:不超过|不得超过)?\\s*${NUM}\\s*分`, "g"), what: "封顶", whatEn: "cap", figures: [item.cap.value] });
  if (f.type === "BaseIncrement") {
    out.push({ pattern: new RegExp(`基础分\\s*${NUM}\\s*分`, "g"), what: "基础分", whatEn: "base", figures: [f.base.value] });
    out.push({ pattern: new RegExp(`每(?:增加|多)\\s*1\\s*个\\s*(?:加|得|另加)\\s*${NUM}\\s*分`, "g"), what: "每增加 1 个的加分", whatEn: "increment per further one", figures: [f.increment.value] });
  }
  if (f.type === "PerCount") {
    const figures = [...new Set(f.terms.map((t) => t.points.value))];
    out.push({ pattern: new RegExp(`每(?:个|项|件)\\s*(?:得|加)\\s*${NUM}\\s*分`, "g"), what: "每个的得分", whatEn: "points per unit", figures });
    out.push({ pattern: new RegExp(`每(?:增加|多)\\s*1\\s*(?:个|项|件)\\s*(?:加|得)\\s*${NUM}\\s*分`, "g"), what: "每个的得分", whatEn: "points per unit", figures });
  }
  return out;
}

/** S022 (item text) and S023 (note): printed figures that disagree with the item's rule. */
function staleFigures(item: A.ItemDecl, out: Diagnostic[]): void {
  const texts: { lit: A.Lit<string>; note: boolean }[] = [{ lit: item.text, note: false }, ...item.notes.map((n) => ({ lit: n.text, note: true }))];
  for (const { lit, note } of texts) {
    for (const c of checks(item, note)) {
      const printed = matches(lit.value, c.pattern);
      if (printed.length === 0) continue;
      // Which figure replaces a stale one: the only one, or the one in the same place in order.
      const paired = printed.length === c.figures.length;
      printed.forEach((p, i) => {
        if (c.figures.some((fig) => same(fig, p.value))) return;
        const replacement = c.figures.length === 1 ? c.figures[0]! : paired ? c.figures[i]! : null;
        const { span, exact } = within(lit, p.index, p.value.length);
        const args = { id: item.id, what: c.what, whatEn: c.whatEn, printed: p.value, rule: c.figures.join("、"), ruleEn: c.figures.join(", ") };
        const data: Record<string, string> = { item: item.id, printed: p.value };
        if (replacement !== null && exact) data["replacement"] = replacement;
        out.push(diagnostic(note ? "S023" : "S022", span, args, data));
      });
    }
  }
}

/** Every string of the file an officer reads as text: titles, item texts, labels, notes. */
function texts(file: A.RuleFile): A.Lit<string>[] {
  const out: A.Lit<string>[] = [];
  const notes = (ns: readonly A.Note[]) => { for (const n of ns) out.push(n.text); };
  const h = file.header;
  if (h) { out.push(h.title); if (h.document) out.push(h.document); notes(h.notes); }
  for (const d of file.declarations) {
    switch (d.type) {
      case "Section":
        out.push(d.title);
        notes(d.notes);
        if (d.experts) notes(d.experts.notes);
        for (const i of d.items) { out.push(i.text); notes(i.notes); if (i.experts) notes(i.experts.notes); }
        break;
      case "VetoGroup":
        out.push(d.title);
        notes(d.notes);
        for (const v of d.vetoes) { out.push(v.text); notes(v.notes); }
        break;
      case "Eligibility":
        if (d.title) out.push(d.title);
        notes(d.notes);
        for (const r of d.requirements) { out.push(r.label); notes(r.notes); }
        break;
      case "Grade":
        if (d.label) out.push(d.label);
        notes(d.notes);
        for (const r of d.requirements) { out.push(r.label); notes(r.notes); }
        break;
      case "Experts": case "Enum": case "Record": case "Table":
        notes(d.notes);
        break;
      case "Input":
        notes(d.options.notes);
        break;
    }
  }
  return out.filter((l) => l.value.length > 0);
}

/** H004 (a year 年度 other than the ruleset's) and H005 (a document number 〔year〕 of another year). */
function otherYears(file: A.RuleFile, year: number, out: Diagnostic[]): void {
  for (const lit of texts(file)) {
    for (const m of lit.value.matchAll(/(\d{4})\s*年度/g)) {
      if (Number(m[1]) === year) continue;
      const { span, exact } = within(lit, m.index, 4);
      out.push(diagnostic("H004", span, { found: m[1]!, year }, exact ? { replacement: String(year), printed: m[1]! } : { printed: m[1]! }));
    }
    for (const m of lit.value.matchAll(/[〔［\[](\d{4})[〕］\]]/g)) {
      if (Number(m[1]) === year) continue;
      // The number after the year changes too: no quick fix, the officer types the new one.
      const { span } = within(lit, m.index, m[0].length);
      out.push(diagnostic("H005", span, { found: m[0], year }));
    }
  }
}

const yearOf = (date: string): number => Number(date.slice(0, 4));

/** The same calendar day in `year` (29 February becomes the 28th in a year without one). */
export function moveToYear(date: string, year: number): string {
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const d = month === 2 && day === 29 && !leap ? 28 : day;
  return `${String(year).padStart(4, "0")}-${date.slice(5, 7)}-${String(d).padStart(2, "0")}`;
}

/** H001–H003: the effective period and the windows against the ruleset's year and each other. */
function dates(file: A.RuleFile, year: number | null, out: Diagnostic[]): void {
  const h = file.header;
  const from = h?.effectiveFrom ?? null;
  const to = h?.effectiveTo ?? null;
  if (year !== null) {
    for (const d of [from, to]) {
      if (d && yearOf(d.value) !== year) out.push(diagnostic("H001", d.span, { date: d.value, year }, { year: String(year), replacement: moveToYear(d.value, year) }));
    }
  }
  for (const g of file.declarations) {
    if (g.type !== "Grade") continue;
    for (const d of [g.windowFrom, g.windowTo]) {
      if (!d) continue;
      // A date of another year is one mistake: H002, not also H003.
      if (year !== null && yearOf(d.value) !== year) {
        out.push(diagnostic("H002", d.span, { grade: g.name.value, date: d.value, year }, { year: String(year), replacement: moveToYear(d.value, year) }));
      } else if (from && to && from.value <= to.value && (d.value < from.value || d.value > to.value)) {
        out.push(diagnostic("H003", d.span, { grade: g.name.value, date: d.value, from: from.value, to: to.value }));
      }
    }
  }
}

/** S021: a section and a veto group with the same id (results would show two `十一.1`). */
function clashingIds(file: A.RuleFile, out: Diagnostic[]): void {
  const sections = new Map<string, A.SectionDecl>();
  const groups = new Map<string, A.VetoGroupDecl>();
  for (const d of file.declarations) {
    if (d.type === "Section" && d.id.value && !sections.has(d.id.value)) sections.set(d.id.value, d);
    if (d.type === "VetoGroup" && d.id.value && !groups.has(d.id.value)) groups.set(d.id.value, d);
  }
  for (const [id, s] of sections) {
    const g = groups.get(id);
    if (!g) continue;
    // Reported on the later of the two: usually the section just added before the vetoes' group.
    const later = s.span.start.offset > g.span.start.offset ? s.id : g.id;
    const other = later === s.id ? g : s;
    out.push(diagnostic("S021", later.span, { id, line: other.span.start.line, what: later === s.id ? "否决项" : "评价部分", whatEn: later === s.id ? "the veto group" : "the section" }));
  }
}

/** Every revision finding of a parsed file (the checker adds them to its own). Never throws. */
export function revisionFindings(file: A.RuleFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const y = file.header?.year ? Number(file.header.year.value) : NaN;
  const year = Number.isInteger(y) && y >= 1000 && y <= 9999 ? y : null;
  clashingIds(file, out);
  for (const d of file.declarations) if (d.type === "Section") for (const i of d.items) staleFigures(i, out);
  dates(file, year, out);
  if (year !== null) otherYears(file, year, out);
  return out;
}
