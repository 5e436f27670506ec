/**
 * 附件1 (the technical-indicators table) as the notice prints it, built from a compiled rule
 * file: one row per section — 序号, 评价内容及权重 “(满分 N 分)”, 核查要点 (the items' texts) —
 * then the veto group. The renderers (Word, HTML, Markdown) all print this one model, so the three
 * outputs cannot disagree with each other.
 *
 * The items' texts are copied from the notice, figures and all ("(2.5 分)"). Those printed figures
 * are checked against the rules: a text that says 3 分 over a rule worth 2.5 is exactly the kind of
 * retyping error this module exists to prevent, so `figureMismatches` lists every such item.
 */
import { decimal as D, type ItemDecl, type RuleFile, type SectionDecl, type TableDecl, type VetoGroupDecl } from "@jsqc/dsl";
import type { Ruleset } from "@jsqc/engine";

/** One printed row of 附件1: a scored section or the veto group. */
export interface Annex1Row {
  /** 序号: the section's number as printed (一 … 十一). */
  readonly number: string;
  /** 评价内容及权重: "领导作用发挥 (满分 10 分)", or the veto group's title alone. */
  readonly criterion: string;
  /** 核查要点: one paragraph per item or veto, "① …". */
  readonly points: readonly Annex1Point[];
}

/** One paragraph of the 核查要点 cell. */
export interface Annex1Point {
  /** `三.1` or `十一.2`. */
  readonly id: string;
  readonly text: string;
  /** Set when the printed figures disagree with the rule (only rendered with `force`). */
  readonly mismatch: FigureMismatch | null;
}

/** An item whose printed figures say something other than its rule. */
export interface FigureMismatch {
  readonly id: string;
  /** 1-based line and column of the item's text in the rule file. */
  readonly line: number;
  readonly column: number;
  readonly printed: string;
  readonly rule: string;
  readonly message: string;
  readonly messageEn: string;
}

export interface Annex1 {
  /** "2024年度质量信用等级认定工作技术指标". */
  readonly title: string;
  readonly year: number | null;
  readonly document: string | null;
  readonly header: readonly [string, string, string];
  readonly rows: readonly Annex1Row[];
  readonly mismatches: readonly FigureMismatch[];
}

export const ANNEX1_HEADER = ["序号", "评价内容及权重", "核查要点"] as const;

/** Builds 附件1 from a compiled rule file; never throws. */
export function annex1(ruleset: Ruleset): Annex1 {
  const ast: RuleFile = ruleset.ast;
  const tables = new Map<string, TableDecl>();
  for (const d of ast.declarations) if (d.type === "Table") tables.set(d.name.value, d);
  const rows: Annex1Row[] = [];
  const mismatches: FigureMismatch[] = [];
  for (const d of ast.declarations) {
    if (d.type === "Section") rows.push(sectionRow(d, tables, mismatches));
    else if (d.type === "VetoGroup") rows.push(vetoRow(d));
  }
  return { title: ruleset.title, year: ruleset.year, document: ruleset.document, header: ANNEX1_HEADER, rows, mismatches };
}

function sectionRow(s: SectionDecl, tables: ReadonlyMap<string, TableDecl>, mismatches: FigureMismatch[]): Annex1Row {
  const weight = s.weight?.value;
  const points = s.items.map((item) => {
    const mismatch = checkFigures(item, tables);
    if (mismatch) mismatches.push(mismatch);
    return { id: item.id, text: `${item.number.text} ${item.text.value}`, mismatch };
  });
  return { number: s.id.value, criterion: weight === undefined ? s.title.value : `${s.title.value} (满分 ${weight} 分)`, points };
}

function vetoRow(g: VetoGroupDecl): Annex1Row {
  // The notice ends each veto but the last with a semicolon and the last with a full stop, as a
  // Chinese list does; the rule file keeps the bare clauses.
  const points = g.vetoes.map((v, i) => ({
    id: v.id,
    text: `${v.number.text} ${v.text.value}${/[。；;.]$/.test(v.text.value) ? "" : i === g.vetoes.length - 1 ? "。" : "；"}`,
    mismatch: null,
  }));
  return { number: g.id.value, criterion: g.title.value, points };
}

const FIGURE = /(\d+(?:\.\d+)?)\s*分/g;
const TRAILING_PAREN = /[（(]([^()（）]*)[)）]\s*[。.]?\s*$/;

const same = (a: string, b: string): boolean => D.parseDec(a) === D.parseDec(b);
const setText = (xs: readonly string[]): string => [...new Set(xs.map((x) => D.format(D.parseDec(x) ?? 0)))].sort((a, b) => Number(b) - Number(a)).join("、");
const sameSet = (a: readonly string[], b: readonly string[]): boolean => setText(a) === setText(b);

/** The first disagreement between an item's printed figures and its rule, or null. */
export function checkFigures(item: ItemDecl, tables: ReadonlyMap<string, TableDecl> = new Map()): FigureMismatch | null {
  const text = item.text.value;
  const max = item.points?.value ?? null;
  const cap = item.cap?.value ?? null;
  const at = item.text.span.start;
  const mismatch = (printed: string, rule: string, what: string, whatEn: string): FigureMismatch => ({
    id: item.id, line: at.line, column: at.column, printed, rule,
    message: `${item.id} 文字印的${what}是 ${printed} 分，规则是 ${rule} 分（第 ${at.line} 行第 ${at.column} 列）`,
    messageEn: `${item.id}: the text prints ${whatEn} ${printed}, the rule says ${rule} (line ${at.line}, column ${at.column})`,
  });
  const paren = TRAILING_PAREN.exec(text);
  const body = paren ? text.slice(0, paren.index) : text;
  const note = paren?.[1] ?? "";
  // "(2.5 分)": the item's points.
  const whole = /^\s*(\d+(?:\.\d+)?)\s*分\s*$/.exec(note);
  if (whole && max !== null && !same(whole[1]!, max)) return mismatch(whole[1]!, max, "本项分值", "the item's points as");
  // "最高不超过 4 分": the cap (or, without one, the item's points).
  const top = /最高不超过\s*(\d+(?:\.\d+)?)\s*分/.exec(text);
  const limit = cap ?? max;
  if (top && limit !== null && !same(top[1]!, limit)) return mismatch(top[1]!, limit, "最高分", "the cap as");
  const form = item.form;
  switch (form.type) {
    case "BaseIncrement": {
      const base = /基础分\s*(\d+(?:\.\d+)?)\s*分/.exec(text);
      if (base && !same(base[1]!, form.base.value)) return mismatch(base[1]!, form.base.value, "基础分", "the base as");
      const inc = /每增加\s*\d+\s*个加\s*(\d+(?:\.\d+)?)\s*分/.exec(text);
      if (inc && !same(inc[1]!, form.increment.value)) return mismatch(inc[1]!, form.increment.value, "每个增加分", "the increment as");
      return null;
    }
    case "TakeMax": return figureSet(body, form.branches.map((b) => b.points.value), mismatch);
    case "PerCount": return figureSet(body, form.terms.map((t) => t.points.value), mismatch);
    case "Fixed": return figureSet(body, [form.points.value], mismatch);
    case "Cumulative": {
      if (form.value.type !== "Lookup") return null;
      const table = tables.get(form.value.table.name);
      return table ? figureSet(body, table.rows.flatMap((r) => r.values.map((v) => v.value)), mismatch) : null;
    }
    case "Judged": case "Tiers": case "Formula": case "MissingForm": return null;
  }
}

/** The figures printed in the text's body, as a set, against the amounts the rule can award. */
function figureSet(body: string, amounts: readonly string[], mismatch: (p: string, r: string, w: string, we: string) => FigureMismatch): FigureMismatch | null {
  const printed = [...body.matchAll(FIGURE)].map((m) => m[1]!);
  if (printed.length === 0) return null;
  return sameSet(printed, amounts) ? null : mismatch(setText(printed), setText(amounts), "各档分值", "the amounts as");
}

/** The marker printed beside a mismatched item when rendering with `--force`. */
export function mismatchMark(m: FigureMismatch): string {
  return `【与规则不符：印 ${m.printed} 分，规则 ${m.rule} 分】`;
}
