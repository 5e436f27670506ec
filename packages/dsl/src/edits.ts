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
import { analyze, rename, isRenameError } from "./services.js";

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

// ---------------------------------------------------------------------------------------------
// Header, inputs, enums, notes, conditions (the structure view's full coverage)
// ---------------------------------------------------------------------------------------------

/** Removes `keyword value` from `keywordStart` to `end`: its whole line when it stands alone, else the words and the space before. */
function removeClause(text: string, keywordStart: number, end: number): TextEdit {
  const ls = lineStart(text, keywordStart);
  const le = lineEnd(text, end);
  if (text.slice(ls, keywordStart).trim() === "" && text.slice(end, le).trim() === "") return { start: ls, end: le, text: "" };
  let start = keywordStart;
  while (start > 0 && (text[start - 1] === " " || text[start - 1] === "\t")) start--;
  return { start, end, text: "" };
}

/** Sets the ruleset's `year`, adding it as the header's first clause when missing. */
export function setYear(text: string, value: string): TextEdit[] {
  const h = ast(text).header;
  if (!h) return [];
  return h.year ? [replace(h.year.span, dec(value))] : [insertFirstInBlock(text, h, `year ${dec(value)}`)];
}

/** Sets the ruleset's `document` (the notice's number, 文号), adding it after `year` when missing. */
export function setDocument(text: string, value: string): TextEdit[] {
  const h = ast(text).header;
  if (!h) return [];
  if (h.document) return [replace(h.document.span, quote(value))];
  if (h.year) return [insert(lineEnd(text, h.year.span.end.offset) - 1, `\n${indentOf(text, h.year.span.start.offset)}document ${quote(value)}`)];
  return [insertFirstInBlock(text, h, `document ${quote(value)}`)];
}

/** Sets the effective period (有效期) `effective FROM to TO`, adding it after `document`/`year` when missing. */
export function setEffective(text: string, from: string, to: string): TextEdit[] {
  const h = ast(text).header;
  if (!h) return [];
  if (h.effectiveFrom && h.effectiveTo) return [replace(h.effectiveFrom.span, from), replace(h.effectiveTo.span, to)];
  const after = h.document ?? h.year;
  const clause = `effective ${from} to ${to}`;
  if (after) return [insert(lineEnd(text, after.span.end.offset) - 1, `\n${indentOf(text, after.span.start.offset)}${clause}`)];
  return [insertFirstInBlock(text, h, clause)];
}

function findInput(file: A.RuleFile, name: string): A.InputDecl | null {
  return file.declarations.find((d): d is A.InputDecl => d.type === "Input" && d.name.value === name) ?? null;
}

/** Sets an input's Chinese label (the quoted text after its type). */
export function setInputLabel(text: string, name: string, label: string): TextEdit[] {
  const i = findInput(ast(text), name);
  if (!i) return [];
  return i.label ? [replace(i.label.span, quote(label))] : [insert(i.valueType.span.end.offset, ` ${quote(label)}`)];
}

export type InputOption = "min" | "max" | "unit" | "help" | "en";

/**
 * Sets or (with `null`) removes one option of an input: `min`/`max` (the range, exact decimals)
 * and `unit` go on the declaration's first line; `en` and `help` on lines of their own below it.
 */
export function setInputOption(text: string, name: string, option: InputOption, value: string | null): TextEdit[] {
  const i = findInput(ast(text), name);
  if (!i) return [];
  const lit = i.options[option];
  const written = option === "min" || option === "max" ? (value === null ? null : dec(value)) : value === null ? null : quote(value);
  if (lit) {
    if (written !== null) return [replace(lit.span, written)];
    return [removeClause(text, text.lastIndexOf(option, lit.span.start.offset), lit.span.end.offset)];
  }
  if (written === null) return [];
  if (option === "en" || option === "help") {
    const at = lineEnd(text, Math.max(i.span.start.offset, i.span.end.offset - 1));
    const indent = `${indentOf(text, i.span.start.offset)}  `;
    return [insert(at, `${indent}${option} ${written}\n`)];
  }
  return [insert(firstLineEnd(text, i), ` ${option} ${written}`)];
}

/** Where a new inline option goes: after the last thing written on the input's first line. */
function firstLineEnd(text: string, i: A.InputDecl): number {
  const lineNo = i.span.start.line;
  const o = i.options;
  const ends = [i.valueType.span, i.label?.span, o.min?.span, o.max?.span, o.unit?.span, o.optional?.span, o.en?.span, o.help?.span]
    .filter((s): s is A.Span => !!s && s.end.line === lineNo)
    .map((s) => s.end.offset);
  return Math.max(...ends);
}

/** Marks an input optional (可不填) or required. */
export function setInputOptional(text: string, name: string, optional: boolean): TextEdit[] {
  const i = findInput(ast(text), name);
  if (!i) return [];
  const lit = i.options.optional;
  if (optional) return lit ? [] : [insert(firstLineEnd(text, i), " optional")];
  return lit ? [removeClause(text, lit.span.start.offset, lit.span.end.offset)] : [];
}

function findEnum(file: A.RuleFile, name: string): A.EnumDecl | null {
  return file.declarations.find((d): d is A.EnumDecl => d.type === "Enum" && d.name.value === name) ?? null;
}

/** Appends a member (`名称 "标签"`) to an enum, on its own line before the closing brace. */
export function addEnumMember(text: string, enumName: string, member: string, label: string): TextEdit[] {
  const e = findEnum(ast(text), enumName);
  if (!e) return [];
  const close = e.span.end.offset - 1;
  const ls = lineStart(text, close);
  const entry = `${member}${label ? ` ${quote(label)}` : ""}`;
  if (text.slice(ls, close).trim() === "") return [insert(ls, `${indentOf(text, e.span.start.offset)}  ${entry}\n`)];
  let end = close;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  return [insert(end, ` ${entry}`)];
}

/** Sets an enum member's label (the text shown to applicants). */
export function setEnumMemberLabel(text: string, enumName: string, member: string, label: string): TextEdit[] {
  const m = findEnum(ast(text), enumName)?.members.find((x) => x.name.value === member);
  if (!m) return [];
  return m.label ? [replace(m.label.span, quote(label))] : [insert(m.name.span.end.offset, ` ${quote(label)}`)];
}

/** Why a structural edit could not be made, in Chinese and English. */
export interface EditRefusal {
  readonly error: { readonly zh: string; readonly en: string };
}

export function isRefusal(r: unknown): r is EditRefusal {
  return typeof r === "object" && r !== null && "error" in r;
}

/**
 * Renames an enum member everywhere it is written (the dsl's rename service), or says why it
 * cannot be renamed (a keyword, a taken name).
 */
export function renameEnumMember(text: string, enumName: string, member: string, newName: string): TextEdit[] | EditRefusal {
  const m = findEnum(ast(text), enumName)?.members.find((x) => x.name.value === member);
  if (!m) return { error: { zh: `枚举 ${enumName} 没有值 ${member}`, en: `enum ${enumName} has no member ${member}` } };
  return renameAt(text, m.name.span.start.offset, newName);
}

/** Renames the input, enum, record, field, member, table or grade whose name starts at `offset`. */
export function renameAt(text: string, offset: number, newName: string): TextEdit[] | EditRefusal {
  const a = analyze(text);
  const r = rename(a, a.positionAt(offset), newName);
  if (isRenameError(r)) return r;
  return r.map((e) => ({ start: a.offsetAt(e.range.start), end: a.offsetAt(e.range.end), text: e.newText }));
}

/** Every `in {…}` list naming `member` of `enumName`, and whether something else names it. */
function memberUses(file: A.RuleFile, text: string, enumName: string, member: string): { lists: A.InExpr[]; other: number } {
  const a = analyze(text);
  const lists: A.InExpr[] = [];
  let other = 0;
  const inLists = new Set<number>();
  const visit = (e: A.Expr | null): void => {
    if (!e) return;
    switch (e.type) {
      case "In":
        for (const v of e.values) if (v.name === member) { lists.push(e); inLists.add(v.span.start.offset); }
        visit(e.subject);
        return;
      case "Unary": visit(e.operand); return;
      case "Binary": visit(e.left); visit(e.right); return;
      case "Within": visit(e.subject); visit(e.anchor); return;
      case "Call": e.args.forEach(visit); return;
      case "Quantifier": visit(e.where); visit(e.of); return;
      case "Lookup": e.keys.forEach(visit); return;
      default: return;
    }
  };
  for (const ex of allExprs(file)) visit(ex);
  const decl = findEnum(file, enumName)!.members.find((x) => x.name.value === member)!;
  const sym = a.occurrenceAt(decl.name.span.start.offset)?.symbol;
  for (const o of a.occurrences()) {
    if (o.symbol !== sym || o.start === decl.name.span.start.offset || inLists.has(o.start)) continue;
    other++;
  }
  return { lists, other };
}

function allExprs(file: A.RuleFile): A.Expr[] {
  const out: A.Expr[] = [];
  for (const d of file.declarations) {
    if (d.type === "Section") for (const i of d.items) out.push(...formExprs(i.form));
    if (d.type === "VetoGroup") for (const v of d.vetoes) out.push(v.when);
    if (d.type === "Eligibility" || d.type === "Grade") for (const r of d.requirements) out.push(r.condition);
  }
  return out;
}

function formExprs(f: A.ScoreForm): A.Expr[] {
  switch (f.type) {
    case "Fixed": return [f.when];
    case "PerCount": return f.terms.map((t) => t.count);
    case "BaseIncrement": return [f.count];
    case "TakeMax": return f.branches.map((b) => b.when);
    case "Cumulative": return f.where ? [f.where, f.value] : [f.value];
    case "Tiers": return [f.value];
    case "Formula": return [f.expr];
    default: return [];
  }
}

/**
 * Removes an enum member and takes it out of every `x in {…}` list that names it among others.
 * Refused while a rule still needs it elsewhere (a comparison, a table row, or a list of that
 * member alone): removing it would change what the rule means, so the officer decides there.
 */
export function removeEnumMember(text: string, enumName: string, member: string): TextEdit[] | EditRefusal {
  const file = ast(text);
  const e = findEnum(file, enumName);
  const m = e?.members.find((x) => x.name.value === member);
  if (!e || !m) return { error: { zh: `枚举 ${enumName} 没有值 ${member}`, en: `enum ${enumName} has no member ${member}` } };
  const { lists, other } = memberUses(file, text, enumName, member);
  const sole = lists.filter((l) => l.values.length === 1).length;
  if (other > 0 || sole > 0) {
    const n = other + sole;
    return { error: { zh: `枚举值 ${member} 仍在 ${n} 处规则中使用，请先修改这些规则`, en: `the enum member ${member} is still used in ${n} place(s) in the rules; change those rules first` } };
  }
  const out: TextEdit[] = [];
  const ls = lineStart(text, m.span.start.offset);
  const le = lineEnd(text, m.span.end.offset);
  if (text.slice(ls, m.span.start.offset).trim() === "" && text.slice(m.span.end.offset, le).trim() === "") out.push({ start: ls, end: le, text: "" });
  else out.push(removeClause(text, m.span.start.offset, m.span.end.offset));
  for (const l of lists) {
    const k = l.values.findIndex((v) => v.name === member);
    const v = l.values[k]!;
    // Take the comma on one side with the name.
    if (k > 0) out.push({ start: l.values[k - 1]!.span.end.offset, end: v.span.end.offset, text: "" });
    else out.push({ start: v.span.start.offset, end: l.values[1]!.span.start.offset, text: "" });
  }
  return out;
}

// ---- notes ------------------------------------------------------------------------------------

/** The rule a note stands beside. */
export type NoteOwner =
  | { readonly kind: "header" }
  | { readonly kind: "section"; readonly id: string }
  | { readonly kind: "item"; readonly id: string }
  | { readonly kind: "veto"; readonly id: string }
  | { readonly kind: "grade"; readonly name: string }
  | { readonly kind: "eligibility" }
  | { readonly kind: "requirement"; readonly grade: string | null; readonly index: number }
  | { readonly kind: "input"; readonly name: string }
  | { readonly kind: "experts" };

type NoteNode = { readonly notes: readonly A.Note[]; readonly span: A.Span };

function findOwner(file: A.RuleFile, owner: NoteOwner): { node: NoteNode; braces: boolean } | null {
  const decl = <T extends A.Declaration["type"]>(t: T) => file.declarations.filter((d): d is Extract<A.Declaration, { type: T }> => d.type === t);
  switch (owner.kind) {
    case "header": return file.header ? { node: file.header, braces: true } : null;
    case "section": { const s = findSection(file, owner.id); return s ? { node: s, braces: true } : null; }
    case "item": { const f = findItem(file, owner.id); return f ? { node: f.item, braces: true } : null; }
    case "veto": { const v = decl("VetoGroup").flatMap((g) => g.vetoes).find((x) => x.id === owner.id); return v ? { node: v, braces: false } : null; }
    case "grade": { const g = findGrade(file, owner.name); return g ? { node: g, braces: true } : null; }
    case "eligibility": { const e = decl("Eligibility")[0]; return e ? { node: e, braces: true } : null; }
    case "requirement": {
      const list = owner.grade === null ? decl("Eligibility")[0]?.requirements : findGrade(file, owner.grade)?.requirements;
      const r = list?.[owner.index];
      return r ? { node: r, braces: false } : null;
    }
    case "input": { const i = findInput(file, owner.name); return i ? { node: { notes: i.options.notes, span: i.span }, braces: false } : null; }
    case "experts": { const x = decl("Experts")[0]; return x ? { node: x, braces: true } : null; }
  }
}

/** Sets the text of a rule's `index`th note. */
export function setNote(text: string, owner: NoteOwner, index: number, value: string): TextEdit[] {
  const note = findOwner(ast(text), owner)?.node.notes[index];
  return note ? [replace(note.text.span, quote(value))] : [];
}

/** Removes a rule's `index`th note (its line, when it has one of its own). */
export function removeNote(text: string, owner: NoteOwner, index: number): TextEdit[] {
  const note = findOwner(ast(text), owner)?.node.notes[index];
  return note ? [removeClause(text, note.span.start.offset, note.span.end.offset)] : [];
}

/**
 * Adds a note beside a rule: after its last note or clause, one level deeper. A one-line item
 * (`{ judged }`) opens into a block so the note gets a line of its own.
 */
export function addNote(text: string, owner: NoteOwner, value: string): TextEdit[] {
  const found = findOwner(ast(text), owner);
  if (!found) return [];
  const { node, braces } = found;
  const clause = `note ${quote(value)}`;
  const indent = indentOf(text, node.span.start.offset);
  if (!braces) {
    const at = lineEnd(text, Math.max(node.span.start.offset, node.span.end.offset - 1));
    const nl = at === text.length && !text.endsWith("\n") ? "\n" : "";
    return [insert(at, `${nl}${indent}  ${clause}\n`)];
  }
  const close = node.span.end.offset - 1;
  const closeLineStart = lineStart(text, close);
  if (text.slice(closeLineStart, close).trim() === "") return [insert(closeLineStart, `${indent}  ${clause}\n`)];
  // `{ judged }` on one line: `{\n  judged\n  note "…"\n}`.
  const open = text.indexOf("{", node.span.start.offset);
  const inner = text.slice(open + 1, close).trim();
  return [{ start: open, end: node.span.end.offset, text: `{\n${indent}  ${inner}\n${indent}  ${clause}\n${indent}}` }];
}

// ---- conditions -------------------------------------------------------------------------------

/** Replaces a veto's condition (`when …`) by `condition` as written. */
export function setVetoCondition(text: string, vetoId: string, condition: string): TextEdit[] {
  for (const d of ast(text).declarations) {
    if (d.type !== "VetoGroup") continue;
    const v = d.vetoes.find((x) => x.id === vetoId);
    if (v) return [replace(v.when.span, condition.trim())];
  }
  return [];
}

function requirementsOf(file: A.RuleFile, grade: string | null): { block: A.EligibilityDecl | A.GradeDecl | null; list: readonly A.Requirement[] } {
  const block = grade === null ? file.declarations.find((d): d is A.EligibilityDecl => d.type === "Eligibility") ?? null : findGrade(file, grade);
  return { block, list: block?.requirements ?? [] };
}

/** Replaces the condition of a requirement of a grade (or, with `null`, of the eligibility block). */
export function setRequirementCondition(text: string, grade: string | null, index: number, condition: string): TextEdit[] {
  const r = requirementsOf(ast(text), grade).list[index];
  return r ? [replace(r.condition.span, condition.trim())] : [];
}

/** Sets a requirement's printed text (its label). */
export function setRequirementLabel(text: string, grade: string | null, index: number, label: string): TextEdit[] {
  const r = requirementsOf(ast(text), grade).list[index];
  return r ? [replace(r.label.span, quote(label))] : [];
}

/** Appends `require "label": condition` to a grade (or the eligibility block) before its closing brace. */
export function addRequirement(text: string, grade: string | null, label: string, condition: string): TextEdit[] {
  const { block } = requirementsOf(ast(text), grade);
  if (!block) return [];
  const close = block.span.end.offset - 1;
  const indent = `${indentOf(text, block.span.start.offset)}  `;
  return [insert(lineStart(text, close), `${indent}require ${quote(label)}: ${condition.trim()}\n`)];
}

/** Removes a requirement with its notes. */
export function removeRequirement(text: string, grade: string | null, index: number): TextEdit[] {
  const r = requirementsOf(ast(text), grade).list[index];
  if (!r) return [];
  const { start, end } = nodeLines(text, r.span);
  return [{ start, end, text: "" }];
}

/** Points a tiers item at another input (`tiers 输入项 { … }`): which input the tiers read. */
export function setTiersInput(text: string, itemId: string, input: string): TextEdit[] {
  const f = findItem(ast(text), itemId)?.item.form;
  return f?.type === "Tiers" ? [replace(f.value.span, input)] : [];
}

const DIGITS = "零一二三四五六七八九";

/** 一 … 九十九 → 1 … 99; null for anything else. */
export function chineseNumberValue(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^([一二三四五六七八九]?)(十?)([一二三四五六七八九]?)$/.exec(s);
  if (!m || s === "") return null;
  if (!m[2]) return m[1] && !m[3] ? DIGITS.indexOf(m[1]) : null;
  return (m[1] ? DIGITS.indexOf(m[1]) : 1) * 10 + (m[3] ? DIGITS.indexOf(m[3]) : 0);
}

/** 1 … 99 → 一 … 九十九. */
export function chineseNumberText(n: number): string {
  if (n < 10) return DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? "" : DIGITS[tens]}十${ones ? DIGITS[ones] : ""}`;
}

/**
 * Adds a section after the last one; when a veto group already has that id (the notice's 十一
 * 否决项 after a new section 十一), the veto group takes the next number, so ids stay unique.
 */
export function addSectionRenumberingVetoes(text: string, id: string, title: string, weight: string): TextEdit[] {
  const file = ast(text);
  const group = file.declarations.find((d): d is A.VetoGroupDecl => d.type === "VetoGroup" && d.id.value === id);
  const added = addSection(text, id, title, weight);
  if (!group) return added;
  const n = chineseNumberValue(id);
  const taken = new Set(file.declarations.flatMap((d) => (d.type === "Section" || d.type === "VetoGroup" ? [d.id.value] : [])));
  let next = n === null ? null : n + 1;
  while (next !== null && taken.has(chineseNumberText(next))) next++;
  const newId = next === null ? `${id}_2` : /^\d+$/.test(id) ? String(next) : chineseNumberText(next);
  return [...added, replace(group.id.span, newId)];
}

/** A section's or an item's own expert rule; an unset clause is inherited (item → section → file). */
export interface ExpertRule {
  readonly combine?: "mean" | "trimmed mean" | undefined;
  readonly round?: string | undefined;
  readonly spread?: string | undefined;
  readonly atLeast?: string | undefined;
}

/** The one-line `experts { … }` block of a rule (null when it sets nothing). */
export function expertRuleText(rule: ExpertRule): string | null {
  const clauses = [
    rule.combine ? `combine ${rule.combine}` : "",
    rule.round?.trim() ? `round ${dec(rule.round)}` : "",
    rule.spread?.trim() ? `spread ${dec(rule.spread)}` : "",
    rule.atLeast?.trim() ? `at least ${dec(rule.atLeast)} experts` : "",
  ].filter(Boolean);
  return clauses.length ? `experts { ${clauses.join(" ")} }` : null;
}

/**
 * Sets (or, when it sets nothing, removes) a section's own expert rule — the file's `experts`
 * block stays the default for the other sections. Written as one line, first in the section.
 */
export function setSectionExperts(text: string, sectionId: string, rule: ExpertRule): TextEdit[] {
  const s = findSection(ast(text), sectionId);
  if (!s) return [];
  const block = expertRuleText(rule);
  if (s.experts) {
    if (block) return [replace(s.experts.span, block)];
    return [removeClause(text, s.experts.span.start.offset, s.experts.span.end.offset)];
  }
  return block ? [insertFirstInBlock(text, s, block)] : [];
}

/**
 * Sets (or, when it sets nothing, removes) an item's own expert rule, over its section's and the
 * file's. Written as one line after the item's form and `cap`, before its notes; a one-line item
 * (`{ judged }`) opens into a block, and closes again when the rule is removed and nothing else
 * is left in it — what `jsqc fmt` prints in both cases.
 */
export function setItemExperts(text: string, itemId: string, rule: ExpertRule): TextEdit[] {
  const found = findItem(ast(text), itemId);
  if (!found) return [];
  const { item } = found;
  const block = expertRuleText(rule);
  if (item.experts) {
    if (block) return [replace(item.experts.span, block)];
    if (item.form.type === "Judged" && !item.cap && item.notes.length === 0) {
      const open = text.indexOf("{", item.text.span.end.offset);
      const body = text.slice(open + 1, item.span.end.offset - 1);
      const rest = body.slice(0, item.experts.span.start.offset - open - 1) + body.slice(item.experts.span.end.offset - open - 1);
      if (!rest.includes("#") && rest.trim() === "judged") return [{ start: open, end: item.span.end.offset, text: "{ judged }" }];
    }
    return [removeClause(text, item.experts.span.start.offset, item.experts.span.end.offset)];
  }
  if (!block) return [];
  const indent = indentOf(text, item.span.start.offset);
  const close = item.span.end.offset - 1;
  const closeLineStart = lineStart(text, close);
  if (text.slice(closeLineStart, close).trim() !== "") {
    // `{ judged }` on one line: `{\n  judged\n  experts { … }\n}`.
    const open = text.indexOf("{", item.text.span.end.offset);
    const inner = text.slice(open + 1, close).trim();
    return [{ start: open, end: item.span.end.offset, text: `{\n${indent}  ${inner}\n${indent}  ${block}\n${indent}}` }];
  }
  const after = Math.max(item.form.span.end.offset, item.cap?.span.end.offset ?? 0);
  return [insert(lineEnd(text, Math.max(after - 1, 0)), `${indent}  ${block}\n`)];
}

/** Whose expert rule: the file's (the top-level `experts` block), a section's or an item's. */
export type ExpertOwner =
  | { readonly kind: "file" }
  | { readonly kind: "section"; readonly id: string }
  | { readonly kind: "item"; readonly id: string };

export type ExpertClause = "combine" | "round" | "spread" | "atLeast";

const CLAUSE_ORDER: readonly ExpertClause[] = ["combine", "round", "spread", "atLeast"];

function findExperts(file: A.RuleFile, level: ExpertOwner): { found: boolean; block: A.ExpertsDecl | null } {
  switch (level.kind) {
    case "file": return { found: true, block: file.declarations.find((d): d is A.ExpertsDecl => d.type === "Experts") ?? null };
    case "section": { const s = findSection(file, level.id); return { found: !!s, block: s?.experts ?? null }; }
    case "item": { const f = findItem(file, level.id); return { found: !!f, block: f?.item.experts ?? null }; }
  }
}

/** The clause's text: `combine mean`, `round 0.5`, `spread 1`, `at least 4 experts`. */
function clauseText(clause: ExpertClause, value: string): string {
  switch (clause) {
    case "combine": return `combine ${value.trim()}`;
    case "round": return `round ${dec(value)}`;
    case "spread": return `spread ${dec(value)}`;
    case "atLeast": return `at least ${dec(value)} experts`;
  }
}

/** Where a clause of a block stands in the text, from its keyword to its last word. */
function clauseExtent(text: string, block: A.ExpertsDecl, clause: ExpertClause): { start: number; end: number } | null {
  const lit = block[clause];
  if (!lit) return null;
  if (clause === "combine") return { start: lit.span.start.offset, end: lit.span.end.offset };
  const keyword = clause === "atLeast" ? "at" : clause;
  const start = text.lastIndexOf(keyword, lit.span.start.offset - 1);
  let end = lit.span.end.offset;
  if (clause === "atLeast") {
    const m = /^\s*experts/.exec(text.slice(end));
    if (m) end += m[0].length;
  }
  return { start, end };
}

/**
 * Changes one clause of an expert rule — the file's, a section's or an item's — as the smallest
 * edit: the clause's figure or words are replaced, a new clause goes in its usual place (combine,
 * round, spread, at least) on a line of its own or, in a one-line block, in the line, and a
 * cleared clause (`null` or blank) goes with its line. A section or item without a block gets
 * one (`setSectionExperts`/`setItemExperts`); a nested block left with no clause and no note is
 * removed, so the level inherits everything again.
 */
export function setExpertClause(text: string, level: ExpertOwner, clause: ExpertClause, value: string | null): TextEdit[] {
  const file = ast(text);
  const { found, block } = findExperts(file, level);
  if (!found) return [];
  const v = value?.trim() ? value.trim() : null;
  if (v !== null && clause === "combine" && v !== "mean" && v !== "trimmed mean") return [];
  if (!block) {
    if (v === null) return [];
    if (level.kind === "section") return setSectionExperts(text, level.id, { [clause]: v });
    if (level.kind === "item") return setItemExperts(text, level.id, { [clause]: v });
    // No file rule yet: a block of its own before the first section.
    const first = sections(file)[0];
    const at = first ? lineStart(text, first.span.start.offset) : text.length;
    const lead = at === text.length && text.length > 0 && !text.endsWith("\n") ? "\n" : "";
    return [insert(at, `${lead}experts {\n  ${clauseText(clause, v)}\n}\n\n`)];
  }
  const extent = clauseExtent(text, block, clause);
  if (v !== null && extent) {
    const lit = block[clause]!;
    return clause === "combine" ? [replace(lit.span, clauseText("combine", v))] : [replace(lit.span, dec(v))];
  }
  if (v === null) {
    if (!extent) return [];
    const left = CLAUSE_ORDER.filter((c) => c !== clause && block[c]);
    if (left.length === 0 && block.notes.length === 0 && !text.slice(block.span.start.offset, block.span.end.offset).includes("#")) {
      if (level.kind === "section") return setSectionExperts(text, level.id, {});
      if (level.kind === "item") return setItemExperts(text, level.id, {});
      return [removeClause(text, block.span.start.offset, block.span.end.offset)];
    }
    return [removeClause(text, extent.start, extent.end)];
  }
  // A new clause: after the clause before it in the usual order, or first in the block.
  const line = clauseText(clause, v);
  const oneLine = lineStart(text, block.span.start.offset) === lineStart(text, block.span.end.offset - 1);
  const before = CLAUSE_ORDER.slice(0, CLAUSE_ORDER.indexOf(clause)).reverse().map((c) => clauseExtent(text, block, c)).find((e) => e !== null);
  const open = text.indexOf("{", block.span.start.offset);
  if (oneLine) return [insert(before ? before.end : open + 1, ` ${line}`)];
  if (before) return [insert(before.end, `\n${indentOf(text, before.start)}${line}`)];
  return [insert(open + 1, `\n${indentOf(text, block.span.start.offset)}  ${line}`)];
}
