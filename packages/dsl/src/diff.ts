/**
 * The semantic diff of two rule files: what changed in the rules, in the notice's terms, never
 * how the text changed. Both files are parsed and checked; the comparison walks the two ASTs
 * (numbers as normalised decimals, expressions as `printExpr` prints them) and reads the
 * checker's models for types and reachable points. Formatting, comments and the order of
 * declarations that have no order in the notice (inputs, enums, tables …) never show.
 *
 * Matching (the decisions behind it):
 * - Sections by id and title, then by title (a section given a new number), then by id (a
 *   section given a new title). Sections are the notice's fixed structure.
 * - Items and vetoes across the whole file: first the same id with the same text; then the same
 *   text under another id (numbers shifted after a removal or insertion, or the item moved);
 *   then, among the rest, the best pairs by text similarity (character bigrams) with a bonus for
 *   the same id and the same section: the same id in the same section always pairs (a rewritten
 *   item), another id needs half its text in common.
 * - An item moved when it changed section, or when its order among the items matched in its
 *   section changed (those outside the longest run kept in order). An item whose number changed
 *   only because others were removed or inserted has not moved: it is listed in `renumbered`,
 *   not in `changes`.
 * - Table rows, columns, enum members, record fields, inputs, grades by name; requirements by
 *   label, then by condition, then by similar label; take-highest branches by condition, then by
 *   label; per-count terms by what they count; tiers by threshold, then by points.
 */
import type * as A from "./ast.js";
import { check, hasErrors, type Model } from "./checker.js";
import { displayWidth, type Diagnostic } from "./diagnostics.js";
import { printExpr, typeText } from "./format.js";
import { parse } from "./parse.js";
import * as D from "./decimal.js";
import { typeZh, typeEn, type Type } from "./types.js";

export type ChangeKind =
  | "ruleset"
  | "section-added" | "section-removed" | "section-renamed" | "section-moved" | "section-weight" | "section-cap"
  | "item-added" | "item-removed" | "item-renamed" | "item-moved" | "item-points" | "item-cap" | "item-form"
  | "note-added" | "note-removed"
  | "table-added" | "table-removed" | "table-changed"
  | "table-row-added" | "table-row-removed" | "table-column-added" | "table-column-removed" | "table-cell"
  | "input-added" | "input-removed" | "input-changed"
  | "enum-added" | "enum-removed" | "enum-changed" | "member-added" | "member-removed" | "member-changed"
  | "record-added" | "record-removed" | "record-changed" | "field-added" | "field-removed" | "field-changed"
  | "vetoes-added" | "vetoes-removed" | "vetoes-renamed"
  | "veto-added" | "veto-removed" | "veto-renamed" | "veto-moved" | "veto-condition"
  | "eligibility-changed" | "requirement-added" | "requirement-removed" | "requirement-renamed" | "requirement-condition"
  | "grade-added" | "grade-removed" | "grade-changed" | "grade-pass" | "grade-quota" | "grade-window"
  | "experts-added" | "experts-removed" | "experts-changed";

/** One change, in the notice's terms. */
export interface Change {
  readonly kind: ChangeKind;
  /**
   * Where: `七` (a section), `七.3` (an item), `十一.2` (a veto), `ruleset.year`,
   * `table:标准分值[主导, 国际]`, `input:发明专利数`, `enum:质量奖级别.市级`, `record:标准记录.角色`,
   * `基本条件.2` and `AA.1` (requirements, numbered as in results), `grade:AA`, `experts`.
   * Items, vetoes and requirements use their id in the new file (the old one when removed).
   */
  readonly path: string;
  /** Which part changed, where a kind covers several: `cap`, `base`, `branch`, `tier`, `max`, `window` … */
  readonly field?: string;
  /** In Chinese, in the notice's terms: `第七部分③ 封顶 2 → 3`. */
  readonly what: string;
  readonly whatEn: string;
  /** The value before and after, as written (decimals normalised, expressions printed). */
  readonly old?: string;
  readonly new?: string;
  /** Where in each file (absent on the side where the thing does not exist). */
  readonly oldSpan?: A.Span;
  readonly newSpan?: A.Span;
}

/** A thing present in both files: its id in each. */
export interface Pair { readonly old: string; readonly new: string }

export interface RuleDiff {
  /** Every change, in the order: header, sections and items, tables, vetoes, eligibility, grades, experts, enums, records, inputs. */
  readonly changes: readonly Change[];
  /** Sections present in both files. */
  readonly sections: readonly Pair[];
  /** Items present in both files (by id, by text, or by similar text). */
  readonly items: readonly Pair[];
  readonly vetoes: readonly Pair[];
  /** Items and vetoes whose number changed only because others were removed or inserted. */
  readonly renumbered: readonly Pair[];
  /** Errors in either file: the comparison is then of what could be read. */
  readonly errors: { readonly old: readonly Diagnostic[]; readonly new: readonly Diagnostic[] };
}

/** One side of a comparison: a parsed file, and its checker model when there is one. */
export interface DiffSide {
  readonly ast: A.RuleFile;
  readonly model?: Model;
}

/** Compares two rule files' texts semantically. Never throws. */
export function diffRuleFiles(oldText: string, newText: string): RuleDiff {
  const side = (text: string) => {
    const parsed = parse(text);
    const checked = check(parsed);
    return { ast: parsed.ast, model: checked.model, errors: checked.diagnostics.filter((d) => d.severity === "error") };
  };
  const o = side(oldText);
  const n = side(newText);
  const diff = diffAsts(o, n);
  return { ...diff, errors: { old: hasErrors(o.errors) ? o.errors : [], new: hasErrors(n.errors) ? n.errors : [] } };
}

/** Compares two parsed (and ideally checked) rule files. */
export function diffAsts(oldSide: DiffSide, newSide: DiffSide): RuleDiff {
  const d = new Differ(oldSide, newSide);
  d.run();
  return { changes: d.changes, sections: d.sectionPairs, items: d.itemPairs, vetoes: d.vetoPairs, renumbered: d.renumbered, errors: { old: [], new: [] } };
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function sigil(kind: ChangeKind): string {
  if (kind.endsWith("-added")) return "+";
  if (kind.endsWith("-removed")) return "-";
  return "~";
}

/** The diff as text: one line per change (`+` added, `-` removed, `~` changed). */
export function renderDiff(diff: RuleDiff, lang: "zh" | "en" | "both" = "zh"): string {
  const out: string[] = [];
  const say = (zh: string, en: string) => out.push(lang === "zh" ? zh : lang === "en" ? en : `${zh} / ${en}`);
  if (diff.errors.old.length > 0) say(`旧文件有 ${diff.errors.old.length} 个错误，比较的是能读出的部分`, `the old file has ${diff.errors.old.length} error(s); compared what could be read`);
  if (diff.errors.new.length > 0) say(`新文件有 ${diff.errors.new.length} 个错误，比较的是能读出的部分`, `the new file has ${diff.errors.new.length} error(s); compared what could be read`);
  const n = diff.changes.length;
  if (n === 0) say("无语义变化", "no semantic changes");
  else say(`${n} 处变化`, `${n} change${n === 1 ? "" : "s"}`);
  for (const c of diff.changes) {
    if (lang === "en") out.push(`${sigil(c.kind)} ${c.whatEn}`);
    else {
      out.push(`${sigil(c.kind)} ${c.what}`);
      if (lang === "both") out.push(`    ${c.whatEn}`);
    }
  }
  if (diff.renumbered.length > 0) {
    const list = diff.renumbered.map((p) => `${p.old} → ${p.new}`).join(", ");
    if (lang === "en") out.push(`renumbered (unchanged): ${list}`);
    else {
      out.push(`编号顺延（内容未变）：${list}`);
      if (lang === "both") out.push(`    renumbered (unchanged): ${list}`);
    }
  }
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------------

const CIRCLED = [
  ...Array.from({ length: 20 }, (_, i) => String.fromCodePoint(0x2460 + i)),
  ...Array.from({ length: 15 }, (_, i) => String.fromCodePoint(0x3251 + i)),
  ...Array.from({ length: 15 }, (_, i) => String.fromCodePoint(0x32b1 + i)),
];

/** ③ for 3 (up to ㊿), else the number. */
function circled(n: number): string {
  return n >= 1 && n <= CIRCLED.length ? CIRCLED[n - 1]! : String(n);
}

/** The number part of an id: `七.3` → 3. */
function numberOf(id: string): number {
  return Number(id.slice(id.lastIndexOf(".") + 1));
}
function groupOf(id: string): string {
  return id.slice(0, id.lastIndexOf("."));
}

const secZh = (id: string) => `第${id}部分`;
const itemZh = (id: string) => `${secZh(groupOf(id))}${circled(numberOf(id))}`;
const vetoZh = (id: string) => `否决项 ${groupOf(id)}${circled(numberOf(id))}`;

/** Cuts text to a display width, with an ellipsis. */
function clip(s: string, width = 40): string {
  if (displayWidth(s) <= width) return s;
  let out = "";
  for (const ch of s) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** The changed middle of two long texts with a little context either side. */
function excerpts(a: string, b: string): [string, string] {
  const x = Array.from(a);
  const y = Array.from(b);
  if (displayWidth(a) <= 40 && displayWidth(b) <= 40) return [a, b];
  let p = 0;
  while (p < x.length && p < y.length && x[p] === y[p]) p++;
  let s = 0;
  while (s < x.length - p && s < y.length - p && x[x.length - 1 - s] === y[y.length - 1 - s]) s++;
  const C = 8;
  const from = Math.max(0, p - C);
  const cut = (t: string[]) => {
    const to = Math.min(t.length, t.length - s + C);
    return `${from > 0 ? "…" : ""}${t.slice(from, to).join("")}${to < t.length ? "…" : ""}`;
  };
  return [cut(x), cut(y)];
}

const FORM_ZH: Record<A.ScoreForm["type"], string> = {
  Judged: "专家评分", Fixed: "符合条件得分", PerCount: "按个数计分", BaseIncrement: "基础分加递增",
  TakeMax: "取单项最高分", Cumulative: "累计得分", Tiers: "分档计分", Formula: "公式", MissingForm: "无计分方式",
};
const FORM_EN: Record<A.ScoreForm["type"], string> = {
  Judged: "judged", Fixed: "fixed award", PerCount: "per count", BaseIncrement: "base plus increment",
  TakeMax: "highest", Cumulative: "sum over", Tiers: "tiers", Formula: "formula", MissingForm: "no form",
};

const opText = (op: A.Tier["op"]) => (op === ">=" ? "≥" : ">");

function printBranch(b: A.TakeMaxBranch): string {
  return `award ${b.points.value}${b.label ? ` "${b.label.value}"` : ""} when ${printExpr(b.when)}`;
}

/** A label in a message: 「…」 in Chinese, "…" in English, 无 / none when absent. */
const quoted = (v: string | null, en: boolean) => (v === null ? (en ? "none" : "无") : en ? `"${v}"` : `「${v}」`);

/** A scoring form on one line, as the rule file writes it. */
export function printForm(f: A.ScoreForm): string {
  switch (f.type) {
    case "Judged": return "judged";
    case "Fixed": return `award ${f.points.value} when ${printExpr(f.when)}`;
    case "PerCount": return `award ${f.terms.map((t) => `${t.points.value} per ${printExpr(t.count)}`).join(", ")}`;
    case "BaseIncrement": return `base ${f.base.value} plus ${f.increment.value} per further ${printExpr(f.count)}`;
    case "TakeMax": return `highest { ${f.branches.map(printBranch).join("; ")} }`;
    case "Cumulative": return `sum over ${f.list.name}${f.where ? ` where ${printExpr(f.where)}` : ""} of ${printExpr(f.value)}`;
    case "Tiers": return `tiers ${printExpr(f.value)} { ${f.tiers.map((t) => `${t.op} ${t.threshold.value} award ${t.points.value}`).join("; ")} }`;
    case "Formula": return `formula ${printExpr(f.expr)}`;
    case "MissingForm": return "";
  }
}


const none = "无";
const noneEn = "none";
const val = (l: A.Lit<string> | null | undefined): string | null => l?.value ?? null;

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

/** A text's character bigrams (whitespace ignored), with counts. */
function grams(s: string): Map<string, number> {
  const cs = Array.from(s.replace(/\s+/g, ""));
  const m = new Map<string, number>();
  if (cs.length === 1) m.set(cs[0]!, 1);
  for (let i = 0; i + 1 < cs.length; i++) {
    const g = cs[i]! + cs[i + 1]!;
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** Character-bigram Dice similarity, 0 … 1. */
function similarity(a: string | Map<string, number>, b: string | Map<string, number>): number {
  if (a === b) return 1;
  const x = typeof a === "string" ? grams(a) : a;
  const y = typeof b === "string" ? grams(b) : b;
  let total = 0;
  let common = 0;
  for (const n of x.values()) total += n;
  for (const n of y.values()) total += n;
  for (const [g, n] of x) common += Math.min(n, y.get(g) ?? 0);
  return total === 0 ? 0 : (2 * common) / total;
}

interface Entry {
  readonly id: string;
  readonly text: string;
  /** The group (section, veto group) it belongs to. */
  readonly group: string;
}

/**
 * Pairs old and new entries: same id and text; same text; then the best-scoring pairs by text
 * similarity, plus `idBonus` for the same id and 0.1 for corresponding groups, at least 0.6.
 * Returns [oldIndex, newIndex] pairs.
 */
function matchEntries(olds: readonly Entry[], news: readonly Entry[], groupPair: ReadonlyMap<string, string>, idBonus: number): [number, number][] {
  const pairs: [number, number][] = [];
  const usedO = new Set<number>();
  const usedN = new Set<number>();
  const take = (i: number, j: number) => { pairs.push([i, j]); usedO.add(i); usedN.add(j); };
  const newById = new Map<string, number>();
  news.forEach((e, j) => { if (!newById.has(e.id)) newById.set(e.id, j); });
  olds.forEach((e, i) => {
    const j = newById.get(e.id);
    if (j !== undefined && !usedN.has(j) && news[j]!.text === e.text) take(i, j);
  });
  olds.forEach((e, i) => {
    if (usedO.has(i)) return;
    let best = -1;
    news.forEach((f, j) => {
      if (usedN.has(j) || f.text !== e.text) return;
      if (best < 0 || (groupPair.get(e.group) === f.group && groupPair.get(e.group) !== news[best]!.group)) best = j;
    });
    if (best >= 0) take(i, best);
  });
  const candidates: { i: number; j: number; score: number }[] = [];
  const restO = olds.map((_, i) => i).filter((i) => !usedO.has(i));
  const restN = news.map((_, j) => j).filter((j) => !usedN.has(j));
  // A file rewritten wholesale: compare only within corresponding groups, or the same id.
  const wholesale = restO.length * restN.length > 250_000;
  const gramsN = new Map(restN.map((j) => [j, grams(news[j]!.text)]));
  for (const i of restO) {
    const e = olds[i]!;
    const g = grams(e.text);
    for (const j of restN) {
      const f = news[j]!;
      const sameGroup = groupPair.get(e.group) === f.group;
      if (wholesale && !sameGroup && e.id !== f.id) continue;
      const score = similarity(g, gramsN.get(j)!) + (e.id === f.id ? idBonus : 0) + (sameGroup ? 0.1 : 0);
      if (score >= 0.6) candidates.push({ i, j, score });
    }
  }
  candidates.sort((a, b) => b.score - a.score || a.i - b.i || a.j - b.j);
  for (const c of candidates) if (!usedO.has(c.i) && !usedN.has(c.j)) take(c.i, c.j);
  return pairs.sort((a, b) => a[1] - b[1]);
}

/** Indexes (into `seq`) of a longest strictly increasing subsequence. */
function longestIncreasing(seq: readonly number[]): Set<number> {
  const tails: number[] = [];
  const prev: number[] = new Array(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]!]! < seq[i]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const keep = new Set<number>();
  for (let k = tails.length > 0 ? tails[tails.length - 1]! : -1; k >= 0; k = prev[k]!) keep.add(k);
  return keep;
}

/** Pairs by a key (names): same key. */
function byKey<T>(olds: readonly T[], news: readonly T[], key: (t: T) => string): { both: [T, T][]; removed: T[]; added: T[] } {
  const n = new Map<string, T>();
  for (const t of news) if (!n.has(key(t))) n.set(key(t), t);
  const seen = new Set<string>();
  const both: [T, T][] = [];
  const removed: T[] = [];
  for (const t of olds) {
    const k = key(t);
    if (seen.has(k)) continue;
    seen.add(k);
    const m = n.get(k);
    if (m) both.push([t, m]);
    else removed.push(t);
  }
  const oldKeys = new Set(olds.map(key));
  const added = [...n.values()].filter((t) => !oldKeys.has(key(t)));
  // Keep the new file's order for pairs.
  const order = new Map([...n.keys()].map((k, i) => [k, i]));
  both.sort((a, b) => order.get(key(a[1]))! - order.get(key(b[1]))!);
  return { both, removed, added };
}

// ---------------------------------------------------------------------------------------------
// The differ
// ---------------------------------------------------------------------------------------------

interface ItemAt { readonly item: A.ItemDecl; readonly section: A.SectionDecl; readonly index: number }
interface VetoAt { readonly veto: A.VetoDecl; readonly group: A.VetoGroupDecl; readonly index: number }

class Differ {
  readonly changes: Change[] = [];
  sectionPairs: Pair[] = [];
  itemPairs: Pair[] = [];
  vetoPairs: Pair[] = [];
  renumbered: Pair[] = [];

  constructor(private readonly o: DiffSide, private readonly n: DiffSide) {}

  private add(c: Change): void {
    this.changes.push(c);
  }

  private decls<T extends A.Declaration["type"]>(side: DiffSide, type: T): Extract<A.Declaration, { type: T }>[] {
    return side.ast.declarations.filter((d): d is Extract<A.Declaration, { type: T }> => d.type === type);
  }

  run(): void {
    this.header();
    this.sections();
    this.tables();
    this.vetoes();
    this.eligibility();
    this.grades();
    this.experts();
    this.enums();
    this.records();
    this.inputs();
  }

  // --- notes -----------------------------------------------------------------------------------

  private notes(path: string, whereZh: string, whereEn: string, olds: readonly A.Note[], news: readonly A.Note[]): void {
    const remaining = [...news];
    const removed: A.Note[] = [];
    for (const note of olds) {
      const k = remaining.findIndex((m) => m.text.value === note.text.value);
      if (k >= 0) remaining.splice(k, 1);
      else removed.push(note);
    }
    for (const note of removed) {
      this.add({ kind: "note-removed", path, what: `${whereZh} 删除说明「${clip(note.text.value)}」`, whatEn: `${whereEn}: note removed "${clip(note.text.value)}"`, old: note.text.value, oldSpan: note.span });
    }
    for (const note of remaining) {
      this.add({ kind: "note-added", path, what: `${whereZh} 新增说明「${clip(note.text.value)}」`, whatEn: `${whereEn}: note added "${clip(note.text.value)}"`, new: note.text.value, newSpan: note.span });
    }
  }

  /** A value of a clause changed: `<where> <label> a → b`. */
  private value(
    kind: ChangeKind, path: string, field: string,
    whereZh: string, whereEn: string, labelZh: string, labelEn: string,
    a: string | null, b: string | null, aSpan: A.Span | undefined, bSpan: A.Span | undefined,
    show: (v: string | null, en: boolean) => string = (v, en) => v ?? (en ? noneEn : none),
  ): void {
    if (a === b) return;
    this.add({
      kind, path, field,
      what: `${whereZh} ${labelZh} ${show(a, false)} → ${show(b, false)}`,
      whatEn: `${whereEn}: ${labelEn} ${show(a, true)} → ${show(b, true)}`,
      ...(a !== null ? { old: a } : {}), ...(b !== null ? { new: b } : {}),
      ...(aSpan ? { oldSpan: aSpan } : {}), ...(bSpan ? { newSpan: bSpan } : {}),
    });
  }

  // --- header ----------------------------------------------------------------------------------

  private header(): void {
    const a = this.o.ast.header;
    const b = this.n.ast.header;
    if (!a && !b) return;
    if (!a || !b) {
      const h = (a ?? b)!;
      this.add({
        kind: "ruleset", path: "ruleset", field: "header",
        what: `${a ? "删除" : "新增"}规则集头部「${h.title.value}」`, whatEn: `ruleset header ${a ? "removed" : "added"} "${h.title.value}"`,
        ...(a ? { old: a.title.value, oldSpan: a.span } : { new: b!.title.value, newSpan: b!.span }),
      });
      return;
    }
    const v = (field: string, zh: string, en: string, x: A.Lit<string> | null, y: A.Lit<string> | null, text = false) =>
      this.value("ruleset", `ruleset.${field}`, field, "规则集", "ruleset", zh, en, val(x), val(y), (x ?? a).span, (y ?? b).span,
        text ? quoted : undefined);
    v("title", "标题", "title", a.title, b.title, true);
    v("year", "年度", "year", a.year, b.year);
    v("document", "文件", "document", a.document, b.document);
    const period = (h: A.RulesetHeader) => (h.effectiveFrom || h.effectiveTo ? `${h.effectiveFrom?.value ?? "…"} 至 ${h.effectiveTo?.value ?? "…"}` : null);
    const pa = period(a);
    const pb = period(b);
    if (pa !== pb) {
      const en = (p: string | null) => (p === null ? noneEn : p.replace(" 至 ", " to "));
      this.add({
        kind: "ruleset", path: "ruleset.effective", field: "effective",
        what: `规则集 有效期 ${pa ?? none} → ${pb ?? none}`, whatEn: `ruleset: effective ${en(pa)} → ${en(pb)}`,
        ...(pa !== null ? { old: pa } : {}), ...(pb !== null ? { new: pb } : {}),
        oldSpan: (a.effectiveFrom ?? a.effectiveTo ?? a).span, newSpan: (b.effectiveFrom ?? b.effectiveTo ?? b).span,
      });
    }
    v("total", "总分", "total", a.total, b.total);
    this.value("ruleset", "ruleset.applicationDate", "applicationDate", "规则集", "ruleset", "申报日期取自", "application date from",
      a.applicationDate?.name ?? null, b.applicationDate?.name ?? null, (a.applicationDate ?? a).span, (b.applicationDate ?? b).span);
    this.notes("ruleset", "规则集", "ruleset", a.notes, b.notes);
  }

  // --- sections and items ----------------------------------------------------------------------

  private sections(): void {
    const os = this.decls(this.o, "Section");
    const ns = this.decls(this.n, "Section");
    const sp = matchEntries(
      os.map((s) => ({ id: s.id.value, text: s.title.value, group: "" })),
      ns.map((s) => ({ id: s.id.value, text: s.title.value, group: "" })),
      new Map([["", ""]]),
      1,
    );
    this.sectionPairs = sp.map(([i, j]) => ({ old: os[i]!.id.value, new: ns[j]!.id.value }));
    const newOf = new Map(sp.map(([i, j]) => [os[i]!, ns[j]!]));
    const oldOf = new Map(sp.map(([i, j]) => [ns[j]!, os[i]!]));
    const groupPair = new Map(sp.map(([i, j]) => [os[i]!.id.value, ns[j]!.id.value]));

    // Items, matched across the file.
    const oi: ItemAt[] = os.flatMap((section) => section.items.map((item, index) => ({ item, section, index })));
    const ni: ItemAt[] = ns.flatMap((section) => section.items.map((item, index) => ({ item, section, index })));
    const ip = matchEntries(
      oi.map((x) => ({ id: x.item.id, text: x.item.text.value, group: x.section.id.value })),
      ni.map((x) => ({ id: x.item.id, text: x.item.text.value, group: x.section.id.value })),
      groupPair,
      0.5,
    );
    this.itemPairs = ip.map(([i, j]) => ({ old: oi[i]!.item.id, new: ni[j]!.item.id }));
    const oldItemOf = new Map(ip.map(([i, j]) => [ni[j]!, oi[i]!]));
    const matchedOld = new Set(ip.map(([i]) => oi[i]!));

    // Moves: an item changed section, or left the longest run kept in order within its section.
    const moved = new Set<ItemAt>();
    for (const s of ns) {
      const inSection = ni.filter((x) => x.section === s && oldItemOf.has(x));
      const stayed = inSection.filter((x) => oldOf.get(s) === oldItemOf.get(x)!.section);
      for (const x of inSection) if (!stayed.includes(x)) moved.add(x);
      const keep = longestIncreasing(stayed.map((x) => oldItemOf.get(x)!.index));
      stayed.forEach((x, k) => { if (!keep.has(k)) moved.add(x); });
    }
    for (const x of ni) {
      const was = oldItemOf.get(x);
      if (was && !moved.has(x) && was.item.id !== x.item.id) this.renumbered.push({ old: was.item.id, new: x.item.id });
    }

    // Section order.
    const matchedNew = ns.filter((s) => oldOf.has(s));
    const keepSections = longestIncreasing(matchedNew.map((s) => os.indexOf(oldOf.get(s)!)));

    const removedItem = (x: ItemAt) => this.add({
      kind: "item-removed", path: x.item.id,
      what: `删除${itemZh(x.item.id)}「${clip(x.item.text.value)}」${this.itemFacts(x.item, this.o, false)}`,
      whatEn: `removed item ${x.item.id} "${clip(x.item.text.value)}"${this.itemFacts(x.item, this.o, true)}`,
      old: x.item.text.value, oldSpan: x.item.span,
    });
    // Removed sections, in the old file's order, each with the items that went with it.
    for (const s of os) {
      if (newOf.has(s)) continue;
      this.add({
        kind: "section-removed", path: s.id.value,
        what: `删除${secZh(s.id.value)}「${s.title.value}」（满分 ${s.weight?.value ?? none}，${s.items.length} 项）`,
        whatEn: `removed section ${s.id.value} "${s.title.value}" (weight ${s.weight?.value ?? noneEn}, ${s.items.length} item${s.items.length === 1 ? "" : "s"})`,
        old: s.title.value, oldSpan: s.span,
      });
      for (const x of oi) if (x.section === s && !matchedOld.has(x)) removedItem(x);
    }
    ns.forEach((s, k) => {
      const id = s.id.value;
      const was = oldOf.get(s);
      if (!was) {
        this.add({
          kind: "section-added", path: id,
          what: `新增${secZh(id)}「${s.title.value}」（满分 ${s.weight?.value ?? none}，${s.items.length} 项）`,
          whatEn: `added section ${id} "${s.title.value}" (weight ${s.weight?.value ?? noneEn}, ${s.items.length} item${s.items.length === 1 ? "" : "s"})`,
          new: s.title.value, newSpan: s.span,
        });
      } else {
        const whereZh = was.id.value === id ? secZh(id) : `${secZh(id)}（原${secZh(was.id.value)}）`;
        const whereEn = was.id.value === id ? `section ${id}` : `section ${id} (was ${was.id.value})`;
        if (was.title.value !== s.title.value) {
          this.add({
            kind: "section-renamed", path: id, field: "title",
            what: `${whereZh} 名称「${was.title.value}」→「${s.title.value}」`, whatEn: `${whereEn}: title "${was.title.value}" → "${s.title.value}"`,
            old: was.title.value, new: s.title.value, oldSpan: was.title.span, newSpan: s.title.span,
          });
        }
        const pos = matchedNew.indexOf(s);
        if (!keepSections.has(pos)) {
          const from = os.indexOf(was) + 1;
          const to = k + 1;
          this.add({
            kind: "section-moved", path: id, field: "order",
            what: `${whereZh} 顺序调整：原第 ${from} 个部分 → 现第 ${to} 个`, whatEn: `${whereEn}: moved from position ${from} to ${to}`,
            old: String(from), new: String(to), oldSpan: was.id.span, newSpan: s.id.span,
          });
        }
        this.value("section-weight", id, "weight", whereZh, whereEn, "满分", "weight", val(was.weight), val(s.weight), (was.weight ?? was.id).span, (s.weight ?? s.id).span);
        this.cap("section-cap", id, whereZh, whereEn, was.cap, s.cap, was.id.span, s.id.span);
        this.notes(id, whereZh, whereEn, was.notes, s.notes);
      }
      // Items: those removed from this section first, then this section's items in order.
      if (was) for (const x of oi) if (x.section === was && !matchedOld.has(x)) removedItem(x);
      for (const x of ni) {
        if (x.section !== s) continue;
        const prior = oldItemOf.get(x);
        if (!prior) {
          this.add({
            kind: "item-added", path: x.item.id,
            what: `新增${itemZh(x.item.id)}「${clip(x.item.text.value)}」${this.itemFacts(x.item, this.n, false)}`,
            whatEn: `added item ${x.item.id} "${clip(x.item.text.value)}"${this.itemFacts(x.item, this.n, true)}`,
            new: x.item.text.value, newSpan: x.item.span,
          });
        } else this.item(prior, x, moved.has(x));
      }
    });
    // Items moved out of a removed section are listed where they went.
  }

  /** `（分档计分，1 分）`: an item's form and full marks, from the checker when it proved them. */
  private itemFacts(item: A.ItemDecl, side: DiffSide, en: boolean): string {
    const info = side.model?.items.get(item.id);
    const max = item.points?.value ?? (info && Number.isFinite(info.bounds.max) ? D.format(info.bounds.max) : null);
    if (en) return ` (${FORM_EN[item.form.type]}${max !== null ? `, ${max} point${max === "1" ? "" : "s"}` : ""})`;
    return `（${FORM_ZH[item.form.type]}${max !== null ? `，${max} 分` : ""}）`;
  }

  private cap(kind: ChangeKind, path: string, whereZh: string, whereEn: string, a: A.Lit<string> | null, b: A.Lit<string> | null, aAt: A.Span, bAt: A.Span): void {
    if (val(a) === val(b)) return;
    const base = { kind, path, field: "cap", oldSpan: (a ?? { span: aAt }).span, newSpan: (b ?? { span: bAt }).span, ...(a ? { old: a.value } : {}), ...(b ? { new: b.value } : {}) };
    if (a && b) this.add({ ...base, what: `${whereZh} 封顶 ${a.value} → ${b.value}`, whatEn: `${whereEn}: cap ${a.value} → ${b.value}` });
    else if (b) this.add({ ...base, what: `${whereZh} 新增封顶 ${b.value}`, whatEn: `${whereEn}: cap ${b.value} added` });
    else this.add({ ...base, what: `${whereZh} 取消封顶（原 ${a!.value}）`, whatEn: `${whereEn}: cap removed (was ${a!.value})` });
  }

  private item(was: ItemAt, now: ItemAt, moved: boolean): void {
    const a = was.item;
    const b = now.item;
    const path = b.id;
    const renamed = a.id !== b.id;
    const whereZh = renamed ? `${itemZh(b.id)}（原${itemZh(a.id)}）` : itemZh(b.id);
    const whereEn = renamed ? `item ${b.id} (was ${a.id})` : `item ${b.id}`;
    if (moved) {
      const across = groupOf(a.id) !== groupOf(b.id) || was.section.id.value !== now.section.id.value;
      this.add({
        kind: "item-moved", path, field: across ? "section" : "order",
        what: across ? `${itemZh(a.id)} 移至${itemZh(b.id)}` : `${itemZh(a.id)} 调整顺序，现为${circled(numberOf(b.id))}`,
        whatEn: `item ${a.id} moved to ${b.id}`,
        old: a.id, new: b.id, oldSpan: a.number.span, newSpan: b.number.span,
      });
    }
    if (a.text.value !== b.text.value) {
      const [x, y] = excerpts(a.text.value, b.text.value);
      this.add({
        kind: "item-renamed", path, field: "text",
        what: `${whereZh} 文字修改：「${x}」→「${y}」`, whatEn: `${whereEn}: text "${x}" → "${y}"`,
        old: a.text.value, new: b.text.value, oldSpan: a.text.span, newSpan: b.text.span,
      });
    }
    this.value("item-points", path, "points", whereZh, whereEn, "分值", "points", val(a.points), val(b.points), (a.points ?? a.number).span, (b.points ?? b.number).span);
    this.cap("item-cap", path, whereZh, whereEn, a.cap, b.cap, a.number.span, b.number.span);
    this.form(path, whereZh, whereEn, a.form, b.form);
    this.notes(path, whereZh, whereEn, a.notes, b.notes);
  }

  private formChange(path: string, field: string, what: string, whatEn: string, old: string | null, now: string | null, oldSpan: A.Span | undefined, newSpan: A.Span | undefined): void {
    this.add({
      kind: "item-form", path, field, what, whatEn,
      ...(old !== null ? { old } : {}), ...(now !== null ? { new: now } : {}),
      ...(oldSpan ? { oldSpan } : {}), ...(newSpan ? { newSpan } : {}),
    });
  }

  private form(path: string, wz: string, we: string, a: A.ScoreForm, b: A.ScoreForm): void {
    if (a.type !== b.type) {
      this.formChange(path, "type", `${wz} 计分方式 ${FORM_ZH[a.type]} → ${FORM_ZH[b.type]}`, `${we}: scoring ${FORM_EN[a.type]} → ${FORM_EN[b.type]}`, printForm(a), printForm(b), a.span, b.span);
      return;
    }
    const expr = (field: string, zh: string, en: string, x: A.Expr | null, y: A.Expr | null) => {
      const p = x ? printExpr(x) : null;
      const q = y ? printExpr(y) : null;
      if (p === q) return;
      this.formChange(path, field, `${wz} ${zh} ${p ?? none} → ${q ?? none}`, `${we}: ${en} ${p ?? noneEn} → ${q ?? noneEn}`, p, q, (x ?? a).span, (y ?? b).span);
    };
    const num = (field: string, zh: string, en: string, x: A.Lit<string>, y: A.Lit<string>, unitZh = "") => {
      if (x.value === y.value) return;
      this.formChange(path, field, `${wz} ${zh} ${x.value} → ${y.value}${unitZh}`, `${we}: ${en} ${x.value} → ${y.value}`, x.value, y.value, x.span, y.span);
    };
    switch (a.type) {
      case "Judged":
      case "MissingForm":
        return;
      case "Fixed": {
        const y = b as A.FixedForm;
        num("points", "符合条件得", "award", a.points, y.points, " 分");
        expr("when", "得分条件", "condition", a.when, y.when);
        return;
      }
      case "PerCount": {
        const y = b as A.PerCountForm;
        const key = (t: A.PerCountTerm) => printExpr(t.count);
        const { both, removed, added } = byKey(a.terms, y.terms, key);
        for (const t of removed) this.formChange(path, "term", `${wz} 删除计分项：${key(t)} 每个 ${t.points.value} 分`, `${we}: removed ${t.points.value} per ${key(t)}`, `${t.points.value} per ${key(t)}`, null, t.span, undefined);
        for (const [s, t] of both) {
          if (s.points.value !== t.points.value) {
            this.formChange(path, "term", `${wz} ${key(t)} 每个 ${s.points.value} → ${t.points.value} 分`, `${we}: ${s.points.value} → ${t.points.value} per ${key(t)}`, s.points.value, t.points.value, s.points.span, t.points.span);
          }
        }
        for (const t of added) this.formChange(path, "term", `${wz} 新增计分项：${key(t)} 每个 ${t.points.value} 分`, `${we}: added ${t.points.value} per ${key(t)}`, null, `${t.points.value} per ${key(t)}`, undefined, t.span);
        return;
      }
      case "BaseIncrement": {
        const y = b as A.BaseIncrementForm;
        num("base", "基础分", "base", a.base, y.base);
        num("increment", "每增加 1 个加", "increment", a.increment, y.increment, " 分");
        expr("count", "计数", "count", a.count, y.count);
        return;
      }
      case "TakeMax": {
        const y = b as A.TakeMaxForm;
        const name = (br: A.TakeMaxBranch) => br.label?.value ?? printExpr(br.when);
        const used = new Set<A.TakeMaxBranch>();
        const pairs: [A.TakeMaxBranch, A.TakeMaxBranch][] = [];
        const removed: A.TakeMaxBranch[] = [];
        const pick = (br: A.TakeMaxBranch, same: (x: A.TakeMaxBranch) => boolean) => y.branches.find((x) => !used.has(x) && same(x));
        const unpaired: A.TakeMaxBranch[] = [];
        for (const br of a.branches) {
          const m = pick(br, (x) => printExpr(x.when) === printExpr(br.when));
          if (m) { used.add(m); pairs.push([br, m]); } else unpaired.push(br);
        }
        for (const br of unpaired) {
          const m = br.label ? pick(br, (x) => x.label?.value === br.label!.value) : undefined;
          if (m) { used.add(m); pairs.push([br, m]); } else removed.push(br);
        }
        for (const br of removed) {
          this.formChange(path, "branch", `${wz} 删除分支「${name(br)}」${br.points.value} 分`, `${we}: removed branch "${name(br)}" ${br.points.value}`, printBranch(br), null, br.span, undefined);
        }
        pairs.sort((p, q) => y.branches.indexOf(p[1]) - y.branches.indexOf(q[1]));
        for (const [s, t] of pairs) {
          const n = name(t);
          if (val(s.label) !== val(t.label)) {
            this.formChange(path, "branch", `${wz} 分支「${name(s)}」改称「${n}」`, `${we}: branch "${name(s)}" renamed "${n}"`, val(s.label), val(t.label), (s.label ?? s).span, (t.label ?? t).span);
          }
          if (s.points.value !== t.points.value) {
            this.formChange(path, "branch", `${wz} 分支「${n}」${s.points.value} → ${t.points.value} 分`, `${we}: branch "${n}" ${s.points.value} → ${t.points.value}`, s.points.value, t.points.value, s.points.span, t.points.span);
          }
          const p = printExpr(s.when);
          const q = printExpr(t.when);
          if (p !== q) this.formChange(path, "branch", `${wz} 分支「${n}」条件 ${p} → ${q}`, `${we}: branch "${n}" condition ${p} → ${q}`, p, q, s.when.span, t.when.span);
        }
        for (const br of y.branches) {
          if (used.has(br)) continue;
          this.formChange(path, "branch", `${wz} 新增分支「${name(br)}」${br.points.value} 分`, `${we}: added branch "${name(br)}" ${br.points.value}`, null, printBranch(br), undefined, br.span);
        }
        return;
      }
      case "Cumulative": {
        const y = b as A.CumulativeForm;
        expr("list", "累计范围", "list", a.list, y.list);
        expr("where", "累计条件", "where", a.where, y.where);
        if (a.value.type === "Lookup" && y.value.type === "Lookup" && a.value.table.name !== y.value.table.name) {
          this.formChange(path, "table", `${wz} 查分表 ${a.value.table.name} → ${y.value.table.name}`, `${we}: table ${a.value.table.name} → ${y.value.table.name}`, printExpr(a.value), printExpr(y.value), a.value.span, y.value.span);
        } else expr("value", "累计值", "value", a.value, y.value);
        return;
      }
      case "Tiers": {
        const y = b as A.TiersForm;
        expr("value", "分档依据", "tiers on", a.value, y.value);
        const key = (t: A.Tier) => `${t.op}${t.threshold.value}`;
        const show = (t: A.Tier) => `${opText(t.op)} ${t.threshold.value}`;
        const { both, removed, added } = byKey(a.tiers, y.tiers, key);
        const gone = [...removed];
        const come = [...added];
        // A tier whose threshold moved keeps its points.
        const shifted: [A.Tier, A.Tier][] = [];
        for (const t of [...gone]) {
          const k = come.findIndex((u) => u.points.value === t.points.value);
          if (k >= 0) { shifted.push([t, come[k]!]); come.splice(k, 1); gone.splice(gone.indexOf(t), 1); }
        }
        for (const t of gone) this.formChange(path, "tier", `${wz} 删除档 ${show(t)} 得 ${t.points.value} 分`, `${we}: removed tier ${show(t)} award ${t.points.value}`, `${t.op} ${t.threshold.value} award ${t.points.value}`, null, t.span, undefined);
        for (const [s, t] of shifted) this.formChange(path, "tier", `${wz} 档 ${show(s)} → ${show(t)}（得 ${t.points.value} 分）`, `${we}: tier ${show(s)} → ${show(t)} (award ${t.points.value})`, `${s.op} ${s.threshold.value}`, `${t.op} ${t.threshold.value}`, s.threshold.span, t.threshold.span);
        for (const [s, t] of both) {
          if (s.points.value !== t.points.value) this.formChange(path, "tier", `${wz} 档 ${show(t)} 得分 ${s.points.value} → ${t.points.value}`, `${we}: tier ${show(t)} award ${s.points.value} → ${t.points.value}`, s.points.value, t.points.value, s.points.span, t.points.span);
        }
        for (const t of come) this.formChange(path, "tier", `${wz} 新增档 ${show(t)} 得 ${t.points.value} 分`, `${we}: added tier ${show(t)} award ${t.points.value}`, null, `${t.op} ${t.threshold.value} award ${t.points.value}`, undefined, t.span);
        return;
      }
      case "Formula":
        expr("formula", "公式", "formula", a.expr, (b as A.FormulaForm).expr);
        return;
    }
  }

  // --- tables ----------------------------------------------------------------------------------

  private tables(): void {
    const { both, removed, added } = byKey(this.decls(this.o, "Table"), this.decls(this.n, "Table"), (t) => t.name.value);
    const shape = (t: A.TableDecl) => `(${t.keys.map((k) => `${k.name.value}: ${k.enumName.value}`).join(", ")})`;
    for (const t of removed) {
      this.add({ kind: "table-removed", path: `table:${t.name.value}`, what: `删除查分表 ${t.name.value}${t.label ? `「${t.label.value}」` : ""}`, whatEn: `removed table ${t.name.value}`, old: shape(t), oldSpan: t.span });
    }
    for (const [a, b] of both) {
      const name = a.name.value;
      const path = `table:${name}`;
      const wz = `查分表 ${name}`;
      const we = `table ${name}`;
      this.value("table-changed", path, "label", wz, we, "名称", "label", val(a.label), val(b.label), (a.label ?? a.name).span, (b.label ?? b.name).span, quoted);
      if (shape(a) !== shape(b)) {
        this.add({ kind: "table-changed", path, field: "keys", what: `${wz} 的键 ${shape(a)} → ${shape(b)}`, whatEn: `${we}: keys ${shape(a)} → ${shape(b)}`, old: shape(a), new: shape(b), oldSpan: a.name.span, newSpan: b.name.span });
      }
      this.notes(path, wz, we, a.notes, b.notes);
      const two = a.keys.length > 1 && b.keys.length > 1;
      const cols = byKey(a.columns, b.columns, (c) => c.value);
      if (two) {
        const oldColumn = (c: A.Lit<string>) => a.rows.map((r) => `${r.key.value} ${r.values[a.columns.indexOf(c)]?.value ?? "?"}`).join("，");
        for (const c of cols.removed) this.add({ kind: "table-column-removed", path: `${path}[*, ${c.value}]`, what: `${wz} 删除列 ${c.value}（${oldColumn(c)}）`, whatEn: `${we}: removed column ${c.value}`, old: oldColumn(c), oldSpan: c.span });
        const column = (t: A.TableDecl, c: A.Lit<string>) => t.rows.map((r) => `${r.key.value} ${r.values[t.columns.indexOf(c)]?.value ?? "?"}`).join("，");
        for (const c of cols.added) this.add({ kind: "table-column-added", path: `${path}[*, ${c.value}]`, what: `${wz} 新增列 ${c.value}（${column(b, c)}）`, whatEn: `${we}: added column ${c.value} (${column(b, c).replace(/，/g, ", ")})`, new: column(b, c), newSpan: c.span });
      }
      const rows = byKey(a.rows, b.rows, (r) => r.key.value);
      const rowText = (t: A.TableDecl, r: A.TableRow) =>
        two ? t.columns.map((c, k) => `${c.value} ${r.values[k]?.value ?? "?"}`).join("，") : (r.values[0]?.value ?? "?");
      const cellPath = (row: string, col: string | null) => `${name}[${col === null ? row : `${row}, ${col}`}]`;
      for (const r of rows.removed) {
        this.add({ kind: "table-row-removed", path: two ? `${path}[${r.key.value}, *]` : `${path}[${r.key.value}]`, what: `${wz} 删除行 ${r.key.value}（${rowText(a, r)}）`, whatEn: `${we}: removed row ${r.key.value}`, old: rowText(a, r), oldSpan: r.span });
      }
      for (const [r, s] of rows.both) {
        const cells: { col: string | null; x: A.Lit<string> | undefined; y: A.Lit<string> | undefined }[] = two
          ? cols.both.map(([c, d]) => ({ col: d.value, x: r.values[a.columns.indexOf(c)], y: s.values[b.columns.indexOf(d)] }))
          : [{ col: null, x: r.values[0], y: s.values[0] }];
        for (const { col, x, y } of cells) {
          if (!x || !y || x.value === y.value) continue;
          const where = cellPath(s.key.value, col);
          this.add({ kind: "table-cell", path: `table:${where}`, what: `${where}: ${x.value} → ${y.value}`, whatEn: `table ${where}: ${x.value} → ${y.value}`, old: x.value, new: y.value, oldSpan: x.span, newSpan: y.span });
        }
      }
      for (const r of rows.added) {
        this.add({ kind: "table-row-added", path: two ? `${path}[${r.key.value}, *]` : `${path}[${r.key.value}]`, what: `${wz} 新增行 ${r.key.value}（${rowText(b, r)}）`, whatEn: `${we}: added row ${r.key.value}`, new: rowText(b, r), newSpan: r.span });
      }
    }
    for (const t of added) {
      this.add({ kind: "table-added", path: `table:${t.name.value}`, what: `新增查分表 ${t.name.value}${t.label ? `「${t.label.value}」` : ""} ${shape(t)}`, whatEn: `added table ${t.name.value} ${shape(t)}`, new: shape(t), newSpan: t.span });
    }
  }

  // --- vetoes ----------------------------------------------------------------------------------

  private vetoes(): void {
    const og = this.decls(this.o, "VetoGroup");
    const ng = this.decls(this.n, "VetoGroup");
    const gp = matchEntries(og.map((g) => ({ id: g.id.value, text: g.title.value, group: "" })), ng.map((g) => ({ id: g.id.value, text: g.title.value, group: "" })), new Map([["", ""]]), 1);
    const newOf = new Map(gp.map(([i, j]) => [og[i]!, ng[j]!]));
    const oldOf = new Map(gp.map(([i, j]) => [ng[j]!, og[i]!]));
    const groupPair = new Map(gp.map(([i, j]) => [og[i]!.id.value, ng[j]!.id.value]));
    const ov: VetoAt[] = og.flatMap((group) => group.vetoes.map((veto, index) => ({ veto, group, index })));
    const nv: VetoAt[] = ng.flatMap((group) => group.vetoes.map((veto, index) => ({ veto, group, index })));
    const vp = matchEntries(
      ov.map((x) => ({ id: x.veto.id, text: x.veto.text.value, group: x.group.id.value })),
      nv.map((x) => ({ id: x.veto.id, text: x.veto.text.value, group: x.group.id.value })),
      groupPair,
      0.5,
    );
    this.vetoPairs = vp.map(([i, j]) => ({ old: ov[i]!.veto.id, new: nv[j]!.veto.id }));
    const oldVetoOf = new Map(vp.map(([i, j]) => [nv[j]!, ov[i]!]));
    const matchedOld = new Set(vp.map(([i]) => ov[i]!));
    const moved = new Set<VetoAt>();
    for (const g of ng) {
      const inGroup = nv.filter((x) => x.group === g && oldVetoOf.has(x));
      const stayed = inGroup.filter((x) => oldOf.get(g) === oldVetoOf.get(x)!.group);
      for (const x of inGroup) if (!stayed.includes(x)) moved.add(x);
      const keep = longestIncreasing(stayed.map((x) => oldVetoOf.get(x)!.index));
      stayed.forEach((x, k) => { if (!keep.has(k)) moved.add(x); });
    }
    for (const x of nv) {
      const was = oldVetoOf.get(x);
      if (was && !moved.has(x) && was.veto.id !== x.veto.id) this.renumbered.push({ old: was.veto.id, new: x.veto.id });
    }
    const removedVeto = (x: VetoAt) => {
      const v = x.veto;
      this.add({ kind: "veto-removed", path: v.id, what: `删除${vetoZh(v.id)}「${clip(v.text.value)}」`, whatEn: `removed veto ${v.id} "${clip(v.text.value)}"`, old: printExpr(v.when), oldSpan: v.span });
    };
    for (const g of og) {
      if (newOf.has(g)) continue;
      this.add({ kind: "vetoes-removed", path: g.id.value, what: `删除${secZh(g.id.value)}「${g.title.value}」（${g.vetoes.length} 项否决项）`, whatEn: `removed veto group ${g.id.value} "${g.title.value}"`, old: g.title.value, oldSpan: g.span });
      for (const x of ov) if (x.group === g && !matchedOld.has(x)) removedVeto(x);
    }
    for (const g of ng) {
      const was = oldOf.get(g);
      const id = g.id.value;
      if (!was) {
        this.add({ kind: "vetoes-added", path: id, what: `新增${secZh(id)}「${g.title.value}」（${g.vetoes.length} 项否决项）`, whatEn: `added veto group ${id} "${g.title.value}"`, new: g.title.value, newSpan: g.span });
      } else {
        const wz = was.id.value === id ? secZh(id) : `${secZh(id)}（原${secZh(was.id.value)}）`;
        const we = `veto group ${id}`;
        if (was.title.value !== g.title.value) {
          this.add({ kind: "vetoes-renamed", path: id, field: "title", what: `${wz} 名称「${was.title.value}」→「${g.title.value}」`, whatEn: `${we}: title "${was.title.value}" → "${g.title.value}"`, old: was.title.value, new: g.title.value, oldSpan: was.title.span, newSpan: g.title.span });
        }
        this.notes(id, wz, we, was.notes, g.notes);
        for (const x of ov) if (x.group === was && !matchedOld.has(x)) removedVeto(x);
      }
      for (const x of nv) {
        if (x.group !== g) continue;
        const v = x.veto;
        const prior = oldVetoOf.get(x);
        if (!prior) {
          this.add({ kind: "veto-added", path: v.id, what: `新增${vetoZh(v.id)}「${clip(v.text.value)}」：${printExpr(v.when)}`, whatEn: `added veto ${v.id} "${clip(v.text.value)}": ${printExpr(v.when)}`, new: printExpr(v.when), newSpan: v.span });
          continue;
        }
        const a = prior.veto;
        const wz = a.id === v.id ? vetoZh(v.id) : `${vetoZh(v.id)}（原${groupOf(a.id)}${circled(numberOf(a.id))}）`;
        const we = a.id === v.id ? `veto ${v.id}` : `veto ${v.id} (was ${a.id})`;
        if (moved.has(x)) {
          this.add({ kind: "veto-moved", path: v.id, field: "order", what: `${vetoZh(a.id)} 移至${groupOf(v.id)}${circled(numberOf(v.id))}`, whatEn: `veto ${a.id} moved to ${v.id}`, old: a.id, new: v.id, oldSpan: a.number.span, newSpan: v.number.span });
        }
        if (a.text.value !== v.text.value) {
          const [p, q] = excerpts(a.text.value, v.text.value);
          this.add({ kind: "veto-renamed", path: v.id, field: "text", what: `${wz} 文字修改：「${p}」→「${q}」`, whatEn: `${we}: text "${p}" → "${q}"`, old: a.text.value, new: v.text.value, oldSpan: a.text.span, newSpan: v.text.span });
        }
        const p = printExpr(a.when);
        const q = printExpr(v.when);
        if (p !== q) this.add({ kind: "veto-condition", path: v.id, field: "when", what: `${wz} 条件 ${p} → ${q}`, whatEn: `${we}: condition ${p} → ${q}`, old: p, new: q, oldSpan: a.when.span, newSpan: v.when.span });
        this.notes(v.id, wz, we, a.notes, v.notes);
      }
    }
  }

  // --- requirements, eligibility, grades -------------------------------------------------------

  private requirements(prefix: string, wz: string, we: string, olds: readonly A.Requirement[], news: readonly A.Requirement[]): void {
    const used = new Set<number>();
    const pairs: [number, number][] = [];
    const step = (same: (a: A.Requirement, b: A.Requirement) => boolean) => {
      olds.forEach((a, i) => {
        if (pairs.some((p) => p[0] === i)) return;
        const j = news.findIndex((b, k) => !used.has(k) && same(a, b));
        if (j >= 0) { used.add(j); pairs.push([i, j]); }
      });
    };
    step((a, b) => a.label.value === b.label.value);
    step((a, b) => printExpr(a.condition) === printExpr(b.condition));
    // Similar labels, best first.
    const cands: { i: number; j: number; s: number }[] = [];
    olds.forEach((a, i) => {
      if (pairs.some((p) => p[0] === i)) return;
      news.forEach((b, j) => { if (!used.has(j)) { const s = similarity(a.label.value, b.label.value); if (s >= 0.5) cands.push({ i, j, s }); } });
    });
    cands.sort((x, y) => y.s - x.s || x.i - y.i);
    for (const c of cands) if (!pairs.some((p) => p[0] === c.i) && !used.has(c.j)) { used.add(c.j); pairs.push([c.i, c.j]); }
    const idOf = (j: number) => `${prefix}.${j + 1}`;
    olds.forEach((a, i) => {
      if (pairs.some((p) => p[0] === i)) return;
      this.add({ kind: "requirement-removed", path: `${prefix}.${i + 1}`, what: `删除${wz}「${clip(a.label.value)}」`, whatEn: `removed ${we} "${clip(a.label.value)}"`, old: printExpr(a.condition), oldSpan: a.span });
    });
    news.forEach((b, j) => {
      const p = pairs.find((x) => x[1] === j);
      if (!p) {
        this.add({ kind: "requirement-added", path: idOf(j), what: `新增${wz}「${clip(b.label.value)}」：${printExpr(b.condition)}`, whatEn: `added ${we} "${clip(b.label.value)}": ${printExpr(b.condition)}`, new: printExpr(b.condition), newSpan: b.span });
        return;
      }
      const a = olds[p[0]]!;
      const here = `${wz}「${clip(b.label.value)}」`;
      const hereEn = `${we} "${clip(b.label.value)}"`;
      if (a.label.value !== b.label.value) {
        this.add({ kind: "requirement-renamed", path: idOf(j), field: "label", what: `${wz}「${clip(a.label.value)}」改为「${clip(b.label.value)}」`, whatEn: `${we} "${clip(a.label.value)}" renamed "${clip(b.label.value)}"`, old: a.label.value, new: b.label.value, oldSpan: a.label.span, newSpan: b.label.span });
      }
      const x = printExpr(a.condition);
      const y = printExpr(b.condition);
      if (x !== y) this.add({ kind: "requirement-condition", path: idOf(j), field: "condition", what: `${here} 条件 ${x} → ${y}`, whatEn: `${hereEn}: condition ${x} → ${y}`, old: x, new: y, oldSpan: a.condition.span, newSpan: b.condition.span });
      this.notes(idOf(j), here, hereEn, a.notes, b.notes);
    });
  }

  private eligibility(): void {
    const oe = this.decls(this.o, "Eligibility");
    const ne = this.decls(this.n, "Eligibility");
    const ot = oe[0]?.title?.value ?? null;
    const nt = ne[0]?.title?.value ?? null;
    if (oe.length > 0 && ne.length > 0) {
      this.value("eligibility-changed", "基本条件", "title", "基本条件", "eligibility", "标题", "title", ot, nt, (oe[0]!.title ?? oe[0]!).span, (ne[0]!.title ?? ne[0]!).span);
      this.notes("基本条件", "基本条件", "eligibility", oe.flatMap((e) => e.notes), ne.flatMap((e) => e.notes));
    }
    this.requirements("基本条件", "基本条件", "eligibility condition", oe.flatMap((e) => e.requirements), ne.flatMap((e) => e.requirements));
  }

  private grades(): void {
    const { both, removed, added } = byKey(this.decls(this.o, "Grade"), this.decls(this.n, "Grade"), (g) => g.name.value);
    const gz = (name: string) => `${name}级`;
    const facts = (g: A.GradeDecl, en: boolean) => {
      const parts = [
        g.pass ? (en ? `pass ${g.pass.value}` : `及格 ${g.pass.value}`) : null,
        g.quota ? (en ? `quota ${g.quota.value} per city` : `每市 ${g.quota.value} 家`) : null,
        g.windowFrom ? (en ? `window ${g.windowFrom.value} to ${g.windowTo?.value ?? "…"}` : `申报期 ${g.windowFrom.value} 至 ${g.windowTo?.value ?? "…"}`) : null,
      ].filter((x): x is string => x !== null);
      return parts.length ? (en ? ` (${parts.join(", ")})` : `（${parts.join("，")}）`) : "";
    };
    for (const g of removed) this.add({ kind: "grade-removed", path: `grade:${g.name.value}`, what: `删除等级 ${gz(g.name.value)}${facts(g, false)}`, whatEn: `removed grade ${g.name.value}${facts(g, true)}`, old: g.name.value, oldSpan: g.span });
    for (const [a, b] of both) {
      const name = b.name.value;
      const path = `grade:${name}`;
      const wz = gz(name);
      const we = `grade ${name}`;
      this.value("grade-changed", path, "label", wz, we, "名称", "label", val(a.label), val(b.label), (a.label ?? a.name).span, (b.label ?? b.name).span, quoted);
      this.value("grade-pass", path, "pass", wz, we, "及格分", "pass mark", val(a.pass), val(b.pass), (a.pass ?? a.name).span, (b.pass ?? b.name).span);
      this.value("grade-quota", path, "quota", wz, we, "名额", "quota", val(a.quota), val(b.quota), (a.quota ?? a.name).span, (b.quota ?? b.name).span,
        (v, en) => (v === null ? (en ? "unlimited" : "不限") : en ? `${v} per city` : `每市 ${v} 家`));
      const win = (g: A.GradeDecl) => (g.windowFrom || g.windowTo ? `${g.windowFrom?.value ?? "…"} 至 ${g.windowTo?.value ?? "…"}` : null);
      this.value("grade-window", path, "window", wz, we, "申报期", "window", win(a), win(b), (a.windowFrom ?? a.name).span, (b.windowFrom ?? b.name).span,
        (v, en) => (v === null ? (en ? noneEn : none) : en ? v.replace(" 至 ", " to ") : v));
      this.notes(path, wz, we, a.notes, b.notes);
      this.requirements(name, `${wz}条件`, `grade ${name} condition`, a.requirements, b.requirements);
    }
    for (const g of added) this.add({ kind: "grade-added", path: `grade:${g.name.value}`, what: `新增等级 ${gz(g.name.value)}${facts(g, false)}`, whatEn: `added grade ${g.name.value}${facts(g, true)}`, new: g.name.value, newSpan: g.span });
  }

  // --- experts ---------------------------------------------------------------------------------

  private experts(): void {
    this.expertsBlock(this.decls(this.o, "Experts")[0], this.decls(this.n, "Experts")[0], "experts", "专家评分", "experts");
    // The blocks of sections and items present in both files (a block of an added or removed
    // section or item comes and goes with it).
    const sectionOf = (f: A.RuleFile, id: string) => f.declarations.find((d): d is A.SectionDecl => d.type === "Section" && d.id.value === id);
    const itemOf = (f: A.RuleFile, id: string) => sectionOf(f, id.slice(0, id.lastIndexOf(".")))?.items.find((i) => i.id === id);
    for (const p of this.sectionPairs) {
      const a = sectionOf(this.o.ast, p.old);
      const b = sectionOf(this.n.ast, p.new);
      this.expertsBlock(a?.experts ?? undefined, b?.experts ?? undefined, `experts@${p.new}`, `${secZh(p.new)}的专家评分`, `section ${p.new}'s experts`);
    }
    for (const p of this.itemPairs) {
      const a = itemOf(this.o.ast, p.old);
      const b = itemOf(this.n.ast, p.new);
      this.expertsBlock(a?.experts ?? undefined, b?.experts ?? undefined, `experts@${p.new}`, `${itemZh(p.new)}的专家评分`, `item ${p.new}'s experts`);
    }
  }

  /** One level's experts block, old and new: added, removed, or each clause changed. */
  private expertsBlock(a: A.ExpertsDecl | undefined, b: A.ExpertsDecl | undefined, path: string, whereZh: string, whereEn: string): void {
    if (!a && !b) return;
    const combineZh = (c: string | null) => (c === "trimmed mean" ? "去掉最高最低分后平均" : c === "mean" ? "平均" : none);
    if (!a || !b) {
      const e = (a ?? b)!;
      this.add({
        kind: a ? "experts-removed" : "experts-added", path,
        what: `${a ? "删除" : "新增"}${whereZh === "专家评分" ? "专家评分汇总规则" : `${whereZh}规则`}（${combineZh(val(e.combine))}${e.round ? `，取整 ${e.round.value}` : ""}${e.spread ? `，复核阈值 ${e.spread.value}` : ""}${e.atLeast ? `，至少 ${e.atLeast.value} 位专家` : ""}）`,
        whatEn: `${a ? "removed" : "added"} ${whereEn === "experts" ? "the experts block" : `${whereEn} block`}`,
        ...(a ? { oldSpan: a.span } : { newSpan: b!.span }),
      });
      return;
    }
    this.value("experts-changed", path, "combine", whereZh, whereEn, "汇总方式", "combine", val(a.combine), val(b.combine), (a.combine ?? a).span, (b.combine ?? b).span,
      (v, en) => (en ? v ?? noneEn : combineZh(v)));
    this.value("experts-changed", path, "round", whereZh, whereEn, "取整", "round", val(a.round), val(b.round), (a.round ?? a).span, (b.round ?? b).span);
    this.value("experts-changed", path, "spread", whereZh, whereEn, "复核阈值", "spread", val(a.spread), val(b.spread), (a.spread ?? a).span, (b.spread ?? b).span);
    this.value("experts-changed", path, "atLeast", whereZh, whereEn, "至少专家人数", "at least", val(a.atLeast), val(b.atLeast), (a.atLeast ?? a).span, (b.atLeast ?? b).span);
    this.notes(path, whereZh, whereEn, a.notes, b.notes);
  }

  // --- enums, records, inputs ------------------------------------------------------------------

  private enums(): void {
    const { both, removed, added } = byKey(this.decls(this.o, "Enum"), this.decls(this.n, "Enum"), (e) => e.name.value);
    const members = (e: A.EnumDecl) => e.members.map((m) => m.name.value).join("、");
    for (const e of removed) this.add({ kind: "enum-removed", path: `enum:${e.name.value}`, what: `删除枚举 ${e.name.value}（${members(e)}）`, whatEn: `removed enum ${e.name.value}`, old: members(e), oldSpan: e.span });
    for (const [a, b] of both) {
      const name = b.name.value;
      const path = `enum:${name}`;
      const wz = `枚举 ${name}`;
      const we = `enum ${name}`;
      this.value("enum-changed", path, "label", wz, we, "名称", "label", val(a.label), val(b.label), (a.label ?? a.name).span, (b.label ?? b.name).span, quoted);
      this.notes(path, wz, we, a.notes, b.notes);
      const m = byKey(a.members, b.members, (x) => x.name.value);
      for (const x of m.removed) this.add({ kind: "member-removed", path: `${path}.${x.name.value}`, what: `${wz} 删除值 ${x.name.value}${x.label ? `「${x.label.value}」` : ""}`, whatEn: `${we}: removed member ${x.name.value}`, old: x.name.value, oldSpan: x.span });
      for (const [x, y] of m.both) {
        this.value("member-changed", `${path}.${y.name.value}`, "label", `${wz} 的值 ${y.name.value}`, `${we} member ${y.name.value}`, "名称", "label", val(x.label), val(y.label), (x.label ?? x.name).span, (y.label ?? y.name).span, quoted);
      }
      for (const x of m.added) this.add({ kind: "member-added", path: `${path}.${x.name.value}`, what: `${wz} 新增值 ${x.name.value}${x.label ? `「${x.label.value}」` : ""}`, whatEn: `${we}: added member ${x.name.value}`, new: x.name.value, newSpan: x.span });
    }
    for (const e of added) this.add({ kind: "enum-added", path: `enum:${e.name.value}`, what: `新增枚举 ${e.name.value}（${members(e)}）`, whatEn: `added enum ${e.name.value}`, new: members(e), newSpan: e.span });
  }

  private records(): void {
    const { both, removed, added } = byKey(this.decls(this.o, "Record"), this.decls(this.n, "Record"), (r) => r.name.value);
    for (const r of removed) this.add({ kind: "record-removed", path: `record:${r.name.value}`, what: `删除记录 ${r.name.value}`, whatEn: `removed record ${r.name.value}`, old: r.name.value, oldSpan: r.span });
    for (const [a, b] of both) {
      const name = b.name.value;
      const path = `record:${name}`;
      this.value("record-changed", path, "label", `记录 ${name}`, `record ${name}`, "名称", "label", val(a.label), val(b.label), (a.label ?? a.name).span, (b.label ?? b.name).span, quoted);
      this.notes(path, `记录 ${name}`, `record ${name}`, a.notes, b.notes);
      const f = byKey(a.fields, b.fields, (x) => x.name.value);
      for (const x of f.removed) this.add({ kind: "field-removed", path: `${path}.${x.name.value}`, what: `记录 ${name} 删除字段 ${x.name.value}`, whatEn: `record ${name}: removed field ${x.name.value}`, old: typeText(x.valueType), oldSpan: x.span });
      for (const [x, y] of f.both) {
        const fz = `记录 ${name} 的字段 ${y.name.value}`;
        const fe = `record ${name} field ${y.name.value}`;
        const ta = this.o.model?.records.get(name)?.get(x.name.value);
        const tb = this.n.model?.records.get(name)?.get(y.name.value);
        this.typed("field-changed", `${path}.${y.name.value}`, fz, fe, x, y, ta && "type" in ta ? ta.type : undefined, tb && "type" in tb ? tb.type : undefined);
      }
      for (const x of f.added) this.add({ kind: "field-added", path: `${path}.${x.name.value}`, what: `记录 ${name} 新增字段 ${x.name.value}（${typeText(x.valueType)}${x.label ? `「${x.label.value}」` : ""}）`, whatEn: `record ${name}: added field ${x.name.value} (${typeText(x.valueType)})`, new: typeText(x.valueType), newSpan: x.span });
    }
    for (const r of added) this.add({ kind: "record-added", path: `record:${r.name.value}`, what: `新增记录 ${r.name.value}（字段 ${r.fields.map((x) => x.name.value).join("、")}）`, whatEn: `added record ${r.name.value}`, new: r.name.value, newSpan: r.span });
  }

  /** An input's or a field's type, label, bounds, unit, English label, help and optionality. */
  private typed(kind: ChangeKind, path: string, wz: string, we: string, a: A.InputDecl | A.FieldDecl, b: A.InputDecl | A.FieldDecl, ta?: Type, tb?: Type): void {
    const sa = typeText(a.valueType);
    const sb = typeText(b.valueType);
    if (sa !== sb) {
      const zh = (s: string, t?: Type) => (t ? typeZh(t) : s);
      const en = (s: string, t?: Type) => (t ? typeEn(t) : s);
      this.add({ kind, path, field: "type", what: `${wz} 类型 ${zh(sa, ta)} → ${zh(sb, tb)}`, whatEn: `${we}: type ${en(sa, ta)} → ${en(sb, tb)}`, old: sa, new: sb, oldSpan: a.valueType.span, newSpan: b.valueType.span });
    }
    const q = quoted;
    const o = a.options;
    const p = b.options;
    this.value(kind, path, "label", wz, we, "名称", "label", val(a.label), val(b.label), (a.label ?? a.name).span, (b.label ?? b.name).span, q);
    this.value(kind, path, "min", wz, we, "下限", "min", val(o.min), val(p.min), (o.min ?? a.name).span, (p.min ?? b.name).span);
    this.value(kind, path, "max", wz, we, "上限", "max", val(o.max), val(p.max), (o.max ?? a.name).span, (p.max ?? b.name).span);
    this.value(kind, path, "unit", wz, we, "单位", "unit", val(o.unit), val(p.unit), (o.unit ?? a.name).span, (p.unit ?? b.name).span, q);
    this.value(kind, path, "en", wz, we, "英文名称", "English label", val(o.en), val(p.en), (o.en ?? a.name).span, (p.en ?? b.name).span, q);
    this.value(kind, path, "help", wz, we, "填写说明", "help", val(o.help), val(p.help), (o.help ?? a.name).span, (p.help ?? b.name).span, q);
    if (Boolean(o.optional) !== Boolean(p.optional)) {
      this.add({
        kind, path, field: "optional",
        what: `${wz} ${p.optional ? "改为选填" : "改为必填"}`, whatEn: `${we}: now ${p.optional ? "optional" : "required"}`,
        old: o.optional ? "optional" : "required", new: p.optional ? "optional" : "required",
        oldSpan: (o.optional ?? a.name).span, newSpan: (p.optional ?? b.name).span,
      });
    }
    this.notes(path, wz, we, o.notes, p.notes);
  }

  private inputs(): void {
    const { both, removed, added } = byKey(this.decls(this.o, "Input"), this.decls(this.n, "Input"), (i) => i.name.value);
    const desc = (i: A.InputDecl, side: DiffSide, en: boolean) => {
      const sym = side.model?.symbols.get(i.name.value);
      const t = sym?.kind === "input" ? (en ? typeEn(sym.type) : typeZh(sym.type)) : typeText(i.valueType);
      const opt = i.options.optional ? (en ? ", optional" : "，选填") : "";
      return en ? ` (${t}${i.label ? ` "${i.label.value}"` : ""}${opt})` : `（${t}${i.label ? `「${i.label.value}」` : ""}${opt}）`;
    };
    for (const i of removed) this.add({ kind: "input-removed", path: `input:${i.name.value}`, what: `删除输入项 ${i.name.value}${desc(i, this.o, false)}`, whatEn: `removed input ${i.name.value}${desc(i, this.o, true)}`, old: typeText(i.valueType), oldSpan: i.span });
    for (const [a, b] of both) {
      const name = b.name.value;
      const sa = this.o.model?.symbols.get(name);
      const sb = this.n.model?.symbols.get(name);
      this.typed("input-changed", `input:${name}`, `输入项 ${name}`, `input ${name}`, a, b, sa?.kind === "input" ? sa.type : undefined, sb?.kind === "input" ? sb.type : undefined);
    }
    for (const i of added) this.add({ kind: "input-added", path: `input:${i.name.value}`, what: `新增输入项 ${i.name.value}${desc(i, this.n, false)}`, whatEn: `added input ${i.name.value}${desc(i, this.n, true)}`, new: typeText(i.valueType), newSpan: i.span });
  }
}
