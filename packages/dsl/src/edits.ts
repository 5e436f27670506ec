/**
 * Structural edits of a rule file as minimal text edits: what the editor's visual view does
 * when policy staff change a value in the table. Each function reads the text, finds the node
 * by its id, and returns the few `TextEdit`s that make the change — everything else, comments
 * included, stays byte for byte. Pure functions; they never throw (a node that is not found
 * gives no edits).
 *
 * Offsets are 0-based UTF-16, `end` exclusive, in the text as given; apply them with
 * `applyEdits` or convert them to an editor's ranges.
 */
import type * as A from "./ast.js";
import { parse } from "./parse.js";
import { quote } from "./format.js";
import { normaliseDecimal } from "./decimal-text.js";

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Applies non-overlapping edits (in any order). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

const CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";

/** The item number as the notice writes it: ① … ⑳, then plain numbers. */
export function itemNumberText(n: number): string {
  return n >= 1 && n <= 20 ? CIRCLED[n - 1]! : String(n);
}

function ast(text: string): A.RuleFile {
  return parse(text).ast;
}

function sections(file: A.RuleFile): A.SectionDecl[] {
  return file.declarations.filter((d): d is A.SectionDecl => d.type === "Section");
}

function findItem(file: A.RuleFile, id: string): { section: A.SectionDecl; item: A.ItemDecl; index: number } | null {
  for (const section of sections(file)) {
    const index = section.items.findIndex((i) => i.id === id);
    if (index >= 0) return { section, item: section.items[index]!, index };
  }
  return null;
}

function findSection(file: A.RuleFile, id: string): A.SectionDecl | null {
  return sections(file).find((s) => s.id.value === id) ?? null;
}

function replace(span: A.Span, text: string): TextEdit {
  return { start: span.start.offset, end: span.end.offset, text };
}

function insert(at: number, text: string): TextEdit {
  return { start: at, end: at, text };
}

/** Start of the line holding `offset`. */
function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** Just past the end of the line holding `offset` (after its newline, if any). */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl + 1;
}

function indentOf(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** The whole lines a node occupies, with its line break: what removing or moving it takes. */
function nodeLines(text: string, span: A.Span): { start: number; end: number } {
  return { start: lineStart(text, span.start.offset), end: lineEnd(text, Math.max(span.start.offset, span.end.offset - 1)) };
}

const dec = (v: string) => normaliseDecimal(v.trim());

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/** Sets an item's points (满分), adding `points N` after its text when it has none. */
export function setItemPoints(text: string, itemId: string, value: string): TextEdit[] {
  const found = findItem(ast(text), itemId);
  if (!found) return [];
  const { item } = found;
  if (item.points) return [replace(item.points.span, dec(value))];
  return [insert(item.text.span.end.offset, ` points ${dec(value)}`)];
}

/** Sets an item's cap (最高不超过), or removes it with `null`. */
export function setItemCap(text: string, itemId: string, value: string | null): TextEdit[] {
  const found = findItem(ast(text), itemId);
  if (!found) return [];
  const { item } = found;
  if (item.cap) {
    if (value !== null) return [replace(item.cap.span, dec(value))];
    // `cap N` on a line of its own goes with its line; inline, just the words.
    const capStart = text.lastIndexOf("cap", item.cap.span.start.offset);
    const ls = lineStart(text, capStart);
    if (text.slice(ls, capStart).trim() === "" && text.slice(item.cap.span.end.offset, lineEnd(text, item.cap.span.end.offset)).trim() === "") {
      return [{ start: ls, end: lineEnd(text, item.cap.span.end.offset), text: "" }];
    }
    return [{ start: capStart, end: item.cap.span.end.offset, text: "" }];
  }
  if (value === null) return [];
  return [insertInItem(text, item, `cap ${dec(value)}`)];
}

/** Inserts a clause line into an item's body, after its scoring form, one level deeper than the item. */
function insertInItem(text: string, item: A.ItemDecl, clause: string): TextEdit {
  const close = item.span.end.offset - 1; // the item's `}`
  const indent = indentOf(text, item.span.start.offset);
  const closeLineStart = lineStart(text, close);
  if (text.slice(closeLineStart, close).trim() === "") {
    // `}` on its own line: a new line before it.
    return insert(closeLineStart, `${indent}  ${clause}\n`);
  }
  // One-line item `{ judged }`: the clause goes after the last word before the brace.
  let end = close;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  return insert(end, ` ${clause}`);
}

export function setItemText(text: string, itemId: string, value: string): TextEdit[] {
  const found = findItem(ast(text), itemId);
  return found ? [replace(found.item.text.span, quote(value))] : [];
}

export function setSectionWeight(text: string, sectionId: string, value: string): TextEdit[] {
  const s = findSection(ast(text), sectionId);
  if (!s) return [];
  if (s.weight) return [replace(s.weight.span, dec(value))];
  return [insert(s.title.span.end.offset, ` weight ${dec(value)}`)];
}

export function setSectionTitle(text: string, sectionId: string, value: string): TextEdit[] {
  const s = findSection(ast(text), sectionId);
  return s ? [replace(s.title.span, quote(value))] : [];
}

export function setTotal(text: string, value: string): TextEdit[] {
  const h = ast(text).header;
  if (!h?.total) return [];
  return [replace(h.total.span, dec(value))];
}

function findGrade(file: A.RuleFile, name: string): A.GradeDecl | null {
  return file.declarations.find((d): d is A.GradeDecl => d.type === "Grade" && d.name.value === name) ?? null;
}

/** Inserts a clause as the first line of a block (after its `{`), indented one level. */
function insertFirstInBlock(text: string, node: { span: A.Span }, clause: string): TextEdit {
  const open = text.indexOf("{", node.span.start.offset);
  const indent = indentOf(text, node.span.start.offset);
  return insert(open + 1, `\n${indent}  ${clause}`);
}

export function setPassMark(text: string, grade: string, value: string): TextEdit[] {
  const g = findGrade(ast(text), grade);
  if (!g) return [];
  return g.pass ? [replace(g.pass.span, dec(value))] : [insertFirstInBlock(text, g, `pass ${dec(value)}`)];
}

export function setQuota(text: string, grade: string, value: string): TextEdit[] {
  const g = findGrade(ast(text), grade);
  if (!g) return [];
  return g.quota ? [replace(g.quota.span, dec(value))] : [insertFirstInBlock(text, g, `quota ${dec(value)} per city`)];
}

export function setWindow(text: string, grade: string, from: string, to: string): TextEdit[] {
  const g = findGrade(ast(text), grade);
  if (!g) return [];
  if (g.windowFrom && g.windowTo) return [replace(g.windowFrom.span, from), replace(g.windowTo.span, to)];
  return [insertFirstInBlock(text, g, `window ${from} to ${to}`)];
}

/** Sets one cell of a lookup table (a two-key table's row and column, or a one-key table's row). */
export function setTableCell(text: string, table: string, row: string, column: string | null, value: string): TextEdit[] {
  const t = ast(text).declarations.find((d): d is A.TableDecl => d.type === "Table" && d.name.value === table);
  if (!t) return [];
  const r = t.rows.find((x) => x.key.value === row);
  if (!r) return [];
  const index = column === null ? 0 : t.columns.findIndex((c) => c.value === column);
  const cell = r.values[index];
  return cell ? [replace(cell.span, dec(value))] : [];
}

// ---------------------------------------------------------------------------------------------
// Scoring forms
// ---------------------------------------------------------------------------------------------

export type FormKind = A.ScoreForm["type"];

/** The text of a new scoring form, filled in with placeholders the checker will point at. */
export function formTemplate(kind: FormKind, points: string, firstInput = "某输入项"): string {
  switch (kind) {
    case "Judged": return "judged";
    case "Fixed": return `award ${points} when ${firstInput}`;
    case "PerCount": return `award 1 per ${firstInput}`;
    case "BaseIncrement": return `base ${points} plus 0.5 per further ${firstInput}`;
    case "TakeMax": return `highest {\n  award ${points} "最高一档" when ${firstInput}\n}`;
    case "Cumulative": return `sum over ${firstInput} of 1`;
    case "Tiers": return `tiers ${firstInput} {\n  >= 5 award ${points}\n  >= 3 award 1\n}`;
    case "Formula": return `formula min(${points}, ${firstInput})`;
    case "MissingForm": return "judged";
  }
}

function reindent(block: string, indent: string): string {
  return block.split("\n").map((l, i) => (i === 0 ? l : indent + l)).join("\n");
}

/** Replaces an item's scoring form by a template of another form (its other clauses stay). */
export function changeForm(text: string, itemId: string, kind: FormKind, firstInput?: string): TextEdit[] {
  const found = findItem(ast(text), itemId);
  if (!found) return [];
  const { item } = found;
  const points = item.points?.value ?? "1";
  const indent = `${indentOf(text, item.span.start.offset)}  `;
  const form = reindent(formTemplate(kind, points, firstInput), indent);
  if (item.form.type === "MissingForm") return [insertInItem(text, item, form)];
  const span = item.form.span;
  const onOneLine = item.span.start.line === item.span.end.line;
  if (onOneLine && form.includes("\n")) {
    // `item ① "…" points 2 { judged }` → a block over several lines.
    const open = text.indexOf("{", item.text.span.end.offset);
    const itemIndent = indentOf(text, item.span.start.offset);
    return [{ start: open, end: item.span.end.offset, text: `{\n${indent}${form}\n${itemIndent}}` }];
  }
  return [replace(span, form)];
}

/** Sets the points of a take-highest branch, a per-count term or a tier, by its index. */
export function setFormPoints(text: string, itemId: string, index: number, value: string): TextEdit[] {
  const found = findItem(ast(text), itemId);
  if (!found) return [];
  const f = found.item.form;
  const lit =
    f.type === "TakeMax" ? f.branches[index]?.points :
    f.type === "PerCount" ? f.terms[index]?.points :
    f.type === "Tiers" ? f.tiers[index]?.points :
    f.type === "Fixed" && index === 0 ? f.points :
    f.type === "BaseIncrement" ? (index === 0 ? f.base : index === 1 ? f.increment : undefined) :
    undefined;
  return lit ? [replace(lit.span, dec(value))] : [];
}

/** Sets a tier's threshold. */
export function setTierThreshold(text: string, itemId: string, index: number, value: string): TextEdit[] {
  const found = findItem(ast(text), itemId);
  const f = found?.item.form;
  if (f?.type !== "Tiers") return [];
  const tier = f.tiers[index];
  return tier ? [replace(tier.threshold.span, dec(value))] : [];
}

// ---------------------------------------------------------------------------------------------
// Items and sections: add, remove, duplicate, move
// ---------------------------------------------------------------------------------------------

function nextNumber(section: A.SectionDecl): number {
  return section.items.reduce((m, i) => Math.max(m, i.number.value), 0) + 1;
}

/** Appends a new item at the end of a section: the next number, a text, points and a form. */
export function addItem(text: string, sectionId: string, itemText: string, points: string, kind: FormKind = "Judged", firstInput?: string): TextEdit[] {
  const s = findSection(ast(text), sectionId);
  if (!s) return [];
  const close = s.span.end.offset - 1;
  const indent = `${indentOf(text, s.span.start.offset)}  `;
  const number = itemNumberText(nextNumber(s));
  const form = formTemplate(kind, points, firstInput);
  const body = form.includes("\n") || form.length > 40
    ? `{\n${indent}  ${reindent(form, `${indent}  `)}\n${indent}}`
    : `{ ${form} }`;
  const line = `${indent}item ${number} ${quote(itemText)} points ${dec(points)} ${body}\n`;
  return [insert(lineStart(text, close), line)];
}

/** Removes an item's lines (comments above it stay, as they may speak of the section). */
export function removeItem(text: string, itemId: string): TextEdit[] {
  const found = findItem(ast(text), itemId);
  if (!found) return [];
  const { start, end } = nodeLines(text, found.item.span);
  return [{ start, end, text: "" }];
}

/** Copies an item below itself with the section's next number. */
export function duplicateItem(text: string, itemId: string): TextEdit[] {
  const found = findItem(ast(text), itemId);
  if (!found) return [];
  const { item, section } = found;
  const { start, end } = nodeLines(text, item.span);
  let copy = text.slice(start, end);
  const numberAt = item.number.span.start.offset - start;
  copy = copy.slice(0, numberAt) + itemNumberText(nextNumber(section)) + copy.slice(numberAt + (item.number.span.end.offset - item.number.span.start.offset));
  return [insert(end, copy.endsWith("\n") ? copy : `${copy}\n`)];
}

/**
 * Moves an item one place up (-1) or down (+1) within its section. The item numbers stay in
 * order: the two items swap places and numbers, so ① is still first.
 */
export function moveItem(text: string, itemId: string, direction: -1 | 1): TextEdit[] {
  const found = findItem(ast(text), itemId);
  if (!found) return [];
  const other = found.section.items[found.index + direction];
  if (!other) return [];
  const [a, b] = direction < 0 ? [other, found.item] : [found.item, other];
  const la = nodeLines(text, a.span);
  const lb = nodeLines(text, b.span);
  if (la.end > lb.start) return [];
  const blockA = renumber(text, la, a, b.number.text);
  const blockB = renumber(text, lb, b, a.number.text);
  // Replace the two line runs; what lies between them (comments, blank lines) stays.
  return [{ start: la.start, end: la.end, text: blockB }, { start: lb.start, end: lb.end, text: blockA }];
}

function renumber(text: string, lines: { start: number; end: number }, item: A.ItemDecl, number: string): string {
  const block = text.slice(lines.start, lines.end);
  const at = item.number.span.start.offset - lines.start;
  return block.slice(0, at) + number + block.slice(at + (item.number.span.end.offset - item.number.span.start.offset));
}

/** Appends a new section after the last one. */
export function addSection(text: string, id: string, title: string, weight: string): TextEdit[] {
  const list = sections(ast(text));
  const last = list[list.length - 1];
  const at = last ? lineEnd(text, last.span.end.offset - 1) : text.length;
  return [insert(at, `\nsection ${id} ${quote(title)} weight ${dec(weight)} {\n}\n`)];
}

export function removeSection(text: string, sectionId: string): TextEdit[] {
  const s = findSection(ast(text), sectionId);
  if (!s) return [];
  const { start, end } = nodeLines(text, s.span);
  // Take one blank line after it too, so the file keeps one blank line between declarations.
  const after = text.slice(end).startsWith("\n") ? end + 1 : end;
  return [{ start, end: after, text: "" }];
}

// ---------------------------------------------------------------------------------------------
// Inputs, vetoes, requirements
// ---------------------------------------------------------------------------------------------

/** Adds an input declaration after the last input (or before the first section). */
export function addInput(text: string, name: string, type: string, label: string, options = ""): TextEdit[] {
  const file = ast(text);
  const inputs = file.declarations.filter((d) => d.type === "Input");
  const last = inputs[inputs.length - 1];
  const line = `input ${name}: ${type} ${quote(label)}${options ? ` ${options}` : ""}\n`;
  if (last) return [insert(lineEnd(text, last.span.end.offset - 1), `\n${line}`)];
  const first = sections(file)[0];
  return [insert(first ? lineStart(text, first.span.start.offset) : text.length, `${line}\n`)];
}

/** Appends a veto to the first veto group, with the group's next number. */
export function addVeto(text: string, vetoText: string, condition: string): TextEdit[] {
  const g = ast(text).declarations.find((d): d is A.VetoGroupDecl => d.type === "VetoGroup");
  if (!g) return [];
  const n = g.vetoes.reduce((m, v) => Math.max(m, v.number.value), 0) + 1;
  const indent = `${indentOf(text, g.span.start.offset)}  `;
  const close = g.span.end.offset - 1;
  return [insert(lineStart(text, close), `${indent}veto ${itemNumberText(n)} ${quote(vetoText)}\n${indent}  when ${condition}\n`)];
}

export function removeVeto(text: string, vetoId: string): TextEdit[] {
  for (const d of ast(text).declarations) {
    if (d.type !== "VetoGroup") continue;
    const v = d.vetoes.find((x) => x.id === vetoId);
    if (v) {
      const { start, end } = nodeLines(text, v.span);
      return [{ start, end, text: "" }];
    }
  }
  return [];
}

export function setVetoText(text: string, vetoId: string, value: string): TextEdit[] {
  for (const d of ast(text).declarations) {
    if (d.type !== "VetoGroup") continue;
    const v = d.vetoes.find((x) => x.id === vetoId);
    if (v) return [replace(v.text.span, quote(value))];
  }
  return [];
}
