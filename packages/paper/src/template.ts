/**
 * Applications from Excel: `applicationTemplate(ruleset)` writes the workbook a county or city
 * office fills in, and `readApplicationWorkbook(ruleset, bytes)` reads it back into the engine's
 * JSON applications, naming every bad cell by sheet, row, column and Chinese label.
 *
 * Layout (sheet 申请表): row 1 the title, row 2 "填报单位：", row 3 the labels, row 4 a help row,
 * one enterprise per row from row 5. First the 附件2 columns, then one column per input of the
 * rule file: a set gets one 是/否 column per member; a list (标准, 不良记录) gets a sheet of its own,
 * one record per row, linked to the enterprise by 统一社会信用代码. A hidden sheet `_字段` records
 * which column is which input, so reading never guesses from the labels; `_选项` holds the lists
 * the data validation offers.
 */
import ExcelJS from "exceljs";
import { decimal as D, type Model, type Sym, type Type } from "@jsqc/dsl";
import { parseDay, validate, type Ruleset } from "@jsqc/engine";

export const MAIN_SHEET = "申请表";
const FIELDS_SHEET = "_字段";
const OPTIONS_SHEET = "_选项";
const HEADER_ROW = 3;
const HELP_ROW = 4;
const FIRST_DATA_ROW = 5;
/** Rows the data validation covers: a city recommends at most 45 AA/AAA a year; rows past 200 are still read, only unvalidated. */
const VALIDATED_ROWS = 200;

/** The 附件2 columns, in the notice's order, as fields of the application's envelope. */
export const ANNEX2_COLUMNS = ["序号", "企业名称", "统一社会信用代码", "地址", "联系人", "所属部门", "联系电话", "所在县(市、区)", "申报等级"] as const;

/** A cell the reader refused, named as a person would find it in Excel. */
export interface CellError {
  readonly sheet: string;
  /** 1-based row number as Excel shows it. */
  readonly row: number;
  /** Column letter as Excel shows it (A, B, …, AA). */
  readonly column: string;
  /** The column's Chinese label. */
  readonly label: string;
  readonly value: string;
  readonly message: string;
  readonly messageEn: string;
}

export interface WorkbookApplications {
  /** The city from the 填报单位 line, if filled in. */
  readonly city: string | null;
  /** Each data row of 申请表 with its 附件2 cells, in order. */
  readonly rows: readonly { readonly rowNumber: number; readonly cells: Readonly<Record<(typeof ANNEX2_COLUMNS)[number], string>> }[];
  /** The applications by 统一社会信用代码; rows with a bad cell are left out. */
  readonly applications: ReadonlyMap<string, unknown>;
  readonly errors: readonly CellError[];
}

/** What one column of the workbook holds. */
type Column =
  | { readonly kind: "annex2"; readonly key: (typeof ANNEX2_COLUMNS)[number]; readonly label: string }
  | { readonly kind: "input"; readonly input: string; readonly label: string; readonly type: Type; readonly help: string; readonly sym: Extract<Sym, { kind: "input" | "field" }> }
  | { readonly kind: "member"; readonly input: string; readonly member: string; readonly label: string; readonly help: string }
  | { readonly kind: "link"; readonly label: string }
  | { readonly kind: "field"; readonly field: string; readonly label: string; readonly type: Type; readonly help: string; readonly sym: Extract<Sym, { kind: "input" | "field" }> };

interface SheetPlan { readonly name: string; readonly input: string | null; readonly label: string; readonly columns: readonly Column[] }

const enumMembers = (model: Model, name: string): { name: string; label: string }[] => {
  const sym = model.symbols.get(name);
  return sym?.kind === "enum" ? sym.decl.members.map((m) => ({ name: m.name.value, label: m.label?.value ?? m.name.value })) : [];
};

const bounds = (sym: Extract<Sym, { kind: "input" | "field" }>): { min: string | null; max: string | null } => ({
  min: Number.isFinite(sym.bounds.min) ? D.format(sym.bounds.min) : null,
  max: Number.isFinite(sym.bounds.max) ? D.format(sym.bounds.max) : null,
});

function typeHelp(model: Model, sym: Extract<Sym, { kind: "input" | "field" }>): string {
  const t = sym.type;
  const { min, max } = bounds(sym);
  const range = min !== null && max !== null ? `${min}～${max}` : max !== null ? `不超过 ${max}` : min !== null ? `不小于 ${min}` : "";
  const unit = sym.decl.options.unit?.value ?? "";
  const base = (() => {
    switch (t.kind) {
      case "bool": return "选“是”或“否”";
      case "count": return `填整数${range ? `（${range}${unit}）` : ""}`;
      case "number": return `填数字${range ? `（${range}${unit}）` : ""}`;
      case "date": return "填日期，如 2024-04-26";
      case "text": return "填文字";
      case "enum": return `从下拉列表选：${enumMembers(model, t.name).map((m) => m.label).join("、")}`;
      default: return "";
    }
  })();
  const help = sym.decl.options.help?.value;
  return [base, sym.optional ? "可留空" : "必填", help].filter(Boolean).join("；");
}

/** Plans the sheets and their columns from the rule file; the same plan writes and reads. */
function plan(rs: Ruleset): SheetPlan[] {
  const model = rs.model;
  const main: Column[] = ANNEX2_COLUMNS.map((key) => ({ kind: "annex2", key, label: key }));
  const lists: SheetPlan[] = [];
  for (const input of rs.inputs) {
    const sym = input.sym;
    const t = sym.type;
    if (t.kind === "set") {
      for (const m of enumMembers(model, t.element)) {
        main.push({ kind: "member", input: input.name, member: m.name, label: `${input.label}：${m.label}`, help: `是/否；${sym.decl.options.help?.value ?? "可多选"}` });
      }
    } else if (t.kind === "list") {
      const fields = model.records.get(t.record) ?? new Map<string, Sym>();
      const columns: Column[] = [{ kind: "link", label: "统一社会信用代码" }];
      for (const f of fields.values()) {
        if (f.kind !== "field") continue;
        columns.push({ kind: "field", field: f.name, label: f.decl.label?.value ?? f.name, type: f.type, help: typeHelp(model, f), sym: f });
      }
      lists.push({ name: sheetName(input.name), input: input.name, label: input.label, columns });
    } else {
      main.push({ kind: "input", input: input.name, label: input.label, type: t, help: typeHelp(model, sym), sym });
    }
  }
  return [{ name: MAIN_SHEET, input: null, label: MAIN_SHEET, columns: main }, ...lists];
}

/** Excel's sheet names: at most 31 characters, none of : \ / ? * [ ]. */
const sheetName = (s: string): string => s.replace(/[:\\/?*[\]]/g, "_").slice(0, 31);

const ANNEX2_HELP: Record<(typeof ANNEX2_COLUMNS)[number], string> = {
  序号: "1、2、3……", 企业名称: "与营业执照一致", 统一社会信用代码: "18 位，含校验码", 地址: "注册地址", 联系人: "姓名",
  所属部门: "如 质量部", 联系电话: "手机或座机（含区号）", "所在县(市、区)": "如 江宁区", 申报等级: "从下拉列表选",
};

/** The application workbook for a rule file, as .xlsx bytes; rejects only if exceljs fails. */
export async function applicationTemplate(rs: Ruleset): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "jsqc";
  const sheets = plan(rs);
  const options = wb.addWorksheet(OPTIONS_SHEET, { state: "veryHidden" });
  const fields = wb.addWorksheet(FIELDS_SHEET, { state: "veryHidden" });
  fields.addRow(["sheet", "column", "kind", "input", "member/field", "label"]);
  let optionColumn = 0;
  /** A validation list kept in `_选项` (a literal list breaks on commas and is capped at 255 characters). */
  const listRange = (values: readonly string[]): string => {
    optionColumn++;
    const col = options.getColumn(optionColumn);
    values.forEach((v, i) => { options.getCell(i + 1, optionColumn).value = v; });
    return `'${OPTIONS_SHEET}'!$${col.letter}$1:$${col.letter}$${values.length}`;
  };
  const yesNo = listRange(["是", "否"]);
  const grades = listRange(rs.grades.map((g) => g.name));

  for (const [index, p] of sheets.entries()) {
    const ws = wb.addWorksheet(p.name, { views: [{ state: "frozen", ySplit: index === 0 ? HELP_ROW : 2, xSplit: index === 0 ? 3 : 1 }] });
    const header = index === 0 ? HEADER_ROW : 1;
    const help = header + 1;
    if (index === 0) {
      ws.getCell(1, 1).value = `${rs.title}${rs.document ? `（${rs.document}）` : ""} 申报表 — 由 jsqc template 生成，请勿改动第 3、4 行`;
      ws.getCell(1, 1).font = { bold: true, size: 14 };
      ws.getCell(2, 1).value = "填报单位：";
    }
    p.columns.forEach((c, k) => {
      const col = k + 1;
      const cell = ws.getCell(header, col);
      cell.value = c.label;
      cell.font = { bold: true };
      cell.alignment = { wrapText: true, vertical: "middle" };
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };
      const helpText = c.kind === "annex2" ? ANNEX2_HELP[c.key] : c.kind === "link" ? "与申请表中的统一社会信用代码一致" : c.help;
      const h = ws.getCell(help, col);
      h.value = helpText;
      h.font = { italic: true, color: { argb: "FF666666" }, size: 9 };
      h.alignment = { wrapText: true, vertical: "top" };
      ws.getColumn(col).width = Math.min(40, Math.max(12, c.label.length * 2 + 2));
      fields.addRow([p.name, col, c.kind, p.input ?? (c.kind === "input" || c.kind === "member" ? c.input : ""), c.kind === "member" ? c.member : c.kind === "field" ? c.field : c.kind === "annex2" ? c.key : "", c.label]);
      const validation = ((): ExcelJS.DataValidation | null => {
        const prompt = { showErrorMessage: true, errorStyle: "stop", errorTitle: c.label, showInputMessage: true, promptTitle: c.label.slice(0, 32), prompt: helpText.slice(0, 255) } as const;
        if (c.kind === "annex2") return c.key === "申报等级" ? { type: "list", allowBlank: false, formulae: [grades], error: "请从列表中选择申报等级", ...prompt } : null;
        if (c.kind === "member") return { type: "list", allowBlank: true, formulae: [yesNo], error: "请填“是”或“否”", ...prompt };
        if (c.kind === "input" || c.kind === "field") {
          const { min, max } = bounds(c.sym);
          switch (c.type.kind) {
            case "bool": return { type: "list", allowBlank: c.sym.optional, formulae: [yesNo], error: "请填“是”或“否”", ...prompt };
            case "enum": return { type: "list", allowBlank: c.sym.optional, formulae: [listRange(enumMembers(rs.model, c.type.name).map((m) => m.label))], error: "请从列表中选择", ...prompt };
            case "count": return { type: "whole", operator: "between", allowBlank: c.sym.optional, formulae: [Number(min ?? 0), Number(max ?? 1e9)], error: `请填 ${min ?? 0} 到 ${max ?? "1000000000"} 之间的整数`, ...prompt };
            case "number": return { type: "decimal", operator: "between", allowBlank: c.sym.optional, formulae: [Number(min ?? -1e15), Number(max ?? 1e15)], error: "请填数字", ...prompt };
            case "date": return { type: "date", operator: "between", allowBlank: c.sym.optional, formulae: [new Date(Date.UTC(1949, 9, 1)), new Date(Date.UTC(2099, 11, 31))], error: "请填日期，如 2024-04-26", ...prompt };
            default: return null;
          }
        }
        return null;
      })();
      const first = header + 2;
      for (let r = first; r < first + VALIDATED_ROWS; r++) {
        if (validation) ws.getCell(r, col).dataValidation = validation;
        if ((c.kind === "input" || c.kind === "field") && c.type.kind === "date") ws.getCell(r, col).numFmt = "yyyy-mm-dd";
        if (c.kind === "annex2" && (c.key === "统一社会信用代码" || c.key === "联系电话")) ws.getCell(r, col).numFmt = "@";
        if (c.kind === "link") ws.getCell(r, col).numFmt = "@";
      }
    });
    ws.getRow(header).height = 36;
    ws.getRow(help).height = 60;
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** A cell's value as text (rich text, formulas' results and hyperlinks unwrapped); dates as YYYY-MM-DD. */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    if ("richText" in v) return v.richText.map((r) => r.text).join("").trim();
    if ("result" in v) return cellText(v.result as ExcelJS.CellValue);
    if ("text" in v) return String(v.text).trim();
    if ("error" in v) return String(v.error);
  }
  return String(v).trim();
}

const YES = new Set(["是", "√", "✓", "Y", "y", "yes", "YES", "TRUE", "true", "1"]);
const NO = new Set(["否", "×", "N", "n", "no", "NO", "FALSE", "false", "0", ""]);

/**
 * Reads a filled-in workbook back into applications. Never throws on bad cells (they are returned
 * as `errors`); rejects only when the bytes are not a workbook made by `applicationTemplate`.
 */
export async function readApplicationWorkbook(rs: Ruleset, bytes: Uint8Array): Promise<WorkbookApplications> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  if (!wb.getWorksheet(FIELDS_SHEET) || !wb.getWorksheet(MAIN_SHEET)) {
    throw new Error("不是 jsqc template 生成的申报表（缺少“申请表”或“_字段”工作表）/ not a workbook made by jsqc template");
  }
  const sheets = plan(rs);
  const errors: CellError[] = [];
  const bad = new Set<string>();
  const main = wb.getWorksheet(MAIN_SHEET)!;
  const headerCheck = (ws: ExcelJS.Worksheet, p: SheetPlan, row: number): void => {
    p.columns.forEach((c, k) => {
      const found = cellText(ws.getCell(row, k + 1).value);
      if (found !== c.label) throw new Error(`${p.name}!${ws.getColumn(k + 1).letter}${row} 表头应为“${c.label}”，却是“${found}”：表格与规则文件 ${rs.title} 不对应，请重新用 jsqc template 生成 / header ${ws.getColumn(k + 1).letter}${row} should be “${c.label}”: the workbook was made for another rule file`);
    });
  };
  headerCheck(main, sheets[0]!, HEADER_ROW);
  const city = /填报单位[:：]\s*(\S+?市)/.exec(cellText(main.getCell(2, 1).value) + cellText(main.getCell(2, 2).value))?.[1] ?? null;

  const model = rs.model;
  /** Converts one cell for a column; pushes an error and returns undefined when it is wrong. */
  const convert = (ws: ExcelJS.Worksheet, row: number, col: number, c: Column, key: string): unknown => {
    const raw = ws.getCell(row, col).value;
    const text = cellText(raw);
    const fail = (zh: string, en: string): undefined => {
      const letter = ws.getColumn(col).letter;
      errors.push({ sheet: ws.name, row, column: letter, label: c.label, value: text, message: `${ws.name}!${letter}${row}（${c.label}）：${zh}，填的是“${text}”`, messageEn: `${ws.name}!${letter}${row} (${c.label}): ${en}, found “${text}”` });
      bad.add(key);
      return undefined;
    };
    if (c.kind === "member") {
      if (YES.has(text)) return true;
      if (NO.has(text)) return false;
      return fail("应填“是”或“否”", "expected 是 or 否");
    }
    if (c.kind !== "input" && c.kind !== "field") return text;
    if (text === "") return c.sym.optional || c.type.kind === "bool" ? (c.type.kind === "bool" ? false : undefined) : fail("必填，不能留空", "required, may not be empty");
    const { min, max } = bounds(c.sym);
    switch (c.type.kind) {
      case "bool":
        if (YES.has(text)) return true;
        if (NO.has(text)) return false;
        return fail("应填“是”或“否”", "expected 是 or 否");
      case "count": case "number": {
        const n = typeof raw === "number" ? D.fromNumber(raw) : D.parseDec(text);
        if (n === null) return fail(c.type.kind === "count" ? "应填整数" : "应填数字", c.type.kind === "count" ? "expected a whole number" : "expected a number");
        if (c.type.kind === "count" && !D.isWhole(n)) return fail("应填整数", "expected a whole number");
        if ((min !== null && n < D.parseDec(min)!) || (max !== null && n > D.parseDec(max)!)) return fail(`应在 ${min ?? "−∞"}～${max ?? "∞"} 之间`, `expected between ${min ?? "-inf"} and ${max ?? "inf"}`);
        return c.type.kind === "count" ? D.toNumber(n) : D.format(n);
      }
      case "date": {
        const day = raw instanceof Date ? raw.toISOString().slice(0, 10) : text.replace(/[./年月]/g, "-").replace(/日$/, "").replace(/-(\d)(?=-|$)/g, "-0$1");
        if (parseDay(day) === null) return fail("应填日期，如 2024-04-26", "expected a date such as 2024-04-26");
        return day;
      }
      case "enum": {
        const m = enumMembers(model, c.type.name).find((x) => x.label === text || x.name === text);
        return m ? m.name : fail(`应从列表中选：${enumMembers(model, c.type.name).map((x) => x.label).join("、")}`, "expected one of the list's values");
      }
      case "text": return text;
      default: return text;
    }
  };

  type Row = WorkbookApplications["rows"][number];
  const rows: Row[] = [];
  const apps = new Map<string, { enterprise: Record<string, string>; grade: string; inputs: Record<string, unknown> }>();
  const codeRow = new Map<string, number>();
  const mainPlan = sheets[0]!;
  for (let r = FIRST_DATA_ROW; r <= main.rowCount; r++) {
    const texts = mainPlan.columns.map((_, k) => cellText(main.getCell(r, k + 1).value));
    if (texts.every((t) => t === "")) continue;
    const cells = Object.fromEntries(ANNEX2_COLUMNS.map((k, i) => [k, texts[i] ?? ""])) as Row["cells"];
    rows.push({ rowNumber: r, cells });
    const code = cells["统一社会信用代码"];
    const key = code || `row ${r}`;
    if (code) codeRow.set(code, r);
    const inputs: Record<string, unknown> = {};
    mainPlan.columns.forEach((c, k) => {
      if (c.kind === "member") {
        const v = convert(main, r, k + 1, c, key);
        const set = (inputs[c.input] ??= []) as string[];
        if (v === true) set.push(c.member);
      } else if (c.kind === "input") {
        const v = convert(main, r, k + 1, c, key);
        if (v !== undefined) inputs[c.input] = v;
      }
    });
    apps.set(key, {
      enterprise: { name: cells["企业名称"], creditCode: code, ...(city ? { city } : {}), county: cells["所在县(市、区)"] },
      grade: cells["申报等级"],
      inputs,
    });
  }
  for (const p of sheets.slice(1)) {
    const ws = wb.getWorksheet(p.name);
    for (const app of apps.values()) app.inputs[p.input!] = [];
    if (!ws) continue;
    headerCheck(ws, p, 1);
    for (let r = 3; r <= ws.rowCount; r++) {
      const texts = p.columns.map((_, k) => cellText(ws.getCell(r, k + 1).value));
      if (texts.every((t) => t === "")) continue;
      const code = texts[0]!;
      const app = apps.get(code);
      if (!app) {
        const letter = ws.getColumn(1).letter;
        errors.push({ sheet: ws.name, row: r, column: letter, label: "统一社会信用代码", value: code, message: `${ws.name}!${letter}${r}（统一社会信用代码）：申请表中没有这家企业，填的是“${code}”`, messageEn: `${ws.name}!${letter}${r} (统一社会信用代码): no such enterprise on ${MAIN_SHEET}, found “${code}”` });
        continue;
      }
      const record: Record<string, unknown> = {};
      p.columns.forEach((c, k) => {
        if (c.kind !== "field") return;
        const v = convert(ws, r, k + 1, c, code);
        if (v !== undefined) record[c.field] = v;
      });
      (app.inputs[p.input!] as unknown[]).push(record);
    }
  }
  // What the cells cannot say alone (a rule the engine enforces across fields): the engine's own
  // validation, its JSON path mapped back to the row's column.
  for (const [key, app] of apps) {
    if (bad.has(key)) continue;
    // A credit code's own check is batch's (it names the row); here only the inputs.
    const r = codeRow.get(app.enterprise["creditCode"] ?? "");
    const problems = validate(rs, app) ?? [];
    for (const e of problems) {
      const name = /^inputs\.([^.[\]]+)/.exec(e.path)?.[1];
      const col = name ? mainPlan.columns.findIndex((c) => (c.kind === "input" || c.kind === "member") && c.input === name) + 1 : 0;
      const letter = col > 0 ? main.getColumn(col).letter : "A";
      errors.push({ sheet: MAIN_SHEET, row: r ?? 0, column: letter, label: e.label, value: e.found, message: `${MAIN_SHEET}!${letter}${r ?? "?"}（${e.label}）：${e.message}`, messageEn: `${MAIN_SHEET}!${letter}${r ?? "?"} (${e.label}): ${e.messageEn}` });
      bad.add(key);
    }
  }
  const applications = new Map<string, unknown>();
  for (const [key, app] of apps) if (!bad.has(key)) applications.set(key, app);
  return { city, rows, applications, errors };
}
