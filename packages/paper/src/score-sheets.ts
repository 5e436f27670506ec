/**
 * Experts' score sheets: one workbook per expert, a row per enterprise and a column per judged item
 * (its points as the validation limit, its text as the column's note). Read back, the scores go
 * into each application's `experts`, and the engine combines them by the rule file's expert rules
 * (its compiled ruleset: mean or trimmed mean, rounding, spread) — nothing is combined here.
 * What only the sheets can tell is reported here: a blank cell in a row the expert otherwise
 * filled (缺评分), and a cell that is not a score within the item's points.
 */
import ExcelJS from "exceljs";
import { decimal as D } from "@jsqc/dsl";
import type { CompiledItem, Ruleset } from "@jsqc/engine";
import type { CellError } from "./template.js";

export const SCORE_SHEET = "评分表";
const FIELDS_SHEET = "_字段";
const HEADER_ROW = 3;
const FIRST_ROW = 4;
const FIXED = ["序号", "统一社会信用代码", "企业名称", "申报等级"] as const;

/** An enterprise to score: its key (统一社会信用代码) and what the expert sees. */
export interface SheetEnterprise {
  readonly creditCode: string;
  readonly name: string;
  readonly grade: string;
}

/** A judged item an expert left blank for an enterprise whose other items they scored. */
export interface MissingScore {
  readonly expert: string;
  readonly creditCode: string;
  readonly item: string;
  readonly sheet: string;
  readonly row: number;
  readonly column: string;
  readonly message: string;
  readonly messageEn: string;
}

export interface ReadScores {
  /** Per enterprise: the experts who scored it, with their scores by item id. */
  readonly experts: ReadonlyMap<string, { name: string; scores: Record<string, number> }[]>;
  readonly missing: readonly MissingScore[];
  readonly errors: readonly CellError[];
}

const header = (i: CompiledItem): string => `${i.id}（${D.format(i.max)}分）`;

/** One expert's score sheet as .xlsx bytes; rejects only if exceljs fails. */
export async function scoreSheet(rs: Ruleset, expert: string, enterprises: readonly SheetEnterprise[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "jsqc";
  const fields = wb.addWorksheet(FIELDS_SHEET, { state: "veryHidden" });
  fields.addRow(["expert", expert]);
  fields.addRow(["items", ...rs.judged.map((i) => i.id)]);
  const ws = wb.addWorksheet(SCORE_SHEET, { views: [{ state: "frozen", xSplit: 3, ySplit: HEADER_ROW }] });
  ws.getCell(1, 1).value = `${rs.title}${rs.document ? `（${rs.document}）` : ""} 材料评审专家评分表`;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.getCell(2, 1).value = `评审专家：${expert}`;
  ws.getCell(2, 4).value = "每格填 0 至该项分值之间的分数（可有小数）；鼠标移到表头可看核查要点；不评的企业整行留空。";
  const labels = [...FIXED, ...rs.judged.map(header)];
  labels.forEach((l, k) => {
    const c = ws.getCell(HEADER_ROW, k + 1);
    c.value = l;
    c.font = { bold: true };
    c.alignment = { wrapText: true, vertical: "middle", horizontal: "center" };
    c.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };
    ws.getColumn(k + 1).width = k === 2 ? 30 : k === 1 ? 22 : 10;
  });
  rs.judged.forEach((item, j) => {
    const col = FIXED.length + j + 1;
    ws.getCell(HEADER_ROW, col).note = `${item.id} ${item.number} ${item.text}`;
    for (let r = 0; r < enterprises.length; r++) {
      ws.getCell(FIRST_ROW + r, col).dataValidation = {
        type: "decimal", operator: "between", allowBlank: true, formulae: [0, D.toNumber(item.max)],
        showErrorMessage: true, errorTitle: item.id, error: `请填 0 至 ${D.format(item.max)} 之间的分数`,
      };
    }
  });
  enterprises.forEach((e, r) => {
    const row = ws.getRow(FIRST_ROW + r);
    row.getCell(1).value = r + 1;
    row.getCell(2).value = e.creditCode;
    row.getCell(2).numFmt = "@";
    row.getCell(3).value = e.name;
    row.getCell(4).value = e.grade;
  });
  ws.getRow(HEADER_ROW).height = 32;
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const cellText = (v: ExcelJS.CellValue): string => {
  if (v === null || v === undefined) return "";
  if (typeof v === "object" && "result" in v) return cellText(v.result as ExcelJS.CellValue);
  if (typeof v === "object" && "richText" in v) return v.richText.map((x) => x.text).join("").trim();
  return String(v).trim();
};

/**
 * Reads returned score sheets (any order, one per expert). Never throws on bad cells (returned as
 * `errors`); rejects when a file is not a score sheet or was made for other items.
 */
export async function readScoreSheets(rs: Ruleset, files: readonly { name: string; bytes: Uint8Array }[]): Promise<ReadScores> {
  const experts = new Map<string, { name: string; scores: Record<string, number> }[]>();
  const missing: MissingScore[] = [];
  const errors: CellError[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const wb = new ExcelJS.Workbook();
    try { await wb.xlsx.load(f.bytes as unknown as ArrayBuffer); } catch { throw new Error(`${f.name} 不是 XLSX 文件 / is not an .xlsx file`); }
    const ws = wb.getWorksheet(SCORE_SHEET);
    const meta = wb.getWorksheet(FIELDS_SHEET);
    if (!ws || !meta) throw new Error(`${f.name} 不是 jsqc sheets 生成的评分表 / is not a score sheet made by jsqc sheets`);
    const expert = cellText(meta.getCell(1, 2).value);
    if (seen.has(expert)) throw new Error(`${f.name}：专家“${expert}”的评分表重复 / a second sheet for expert ${expert}`);
    seen.add(expert);
    const ids = rs.judged.map((i) => i.id);
    const sheetIds = ((meta.getRow(2).values as unknown[]) ?? []).slice(2).map((v) => String(v));
    if (sheetIds.join(",") !== ids.join(",")) throw new Error(`${f.name}：评分表的评分项与规则文件 ${rs.title} 不一致，请重新生成 / the sheet's items differ from the rule file's`);
    for (let r = FIRST_ROW; r <= ws.rowCount; r++) {
      const code = cellText(ws.getCell(r, 2).value);
      if (!code) continue;
      const cells = rs.judged.map((_, j) => ws.getCell(r, FIXED.length + j + 1));
      if (cells.every((c) => cellText(c.value) === "")) continue; // this expert did not score this enterprise
      const scores: Record<string, number> = {};
      rs.judged.forEach((item, j) => {
        const cell = cells[j]!;
        const text = cellText(cell.value);
        const letter = ws.getColumn(FIXED.length + j + 1).letter;
        const where = `${f.name} ${SCORE_SHEET}!${letter}${r}`;
        if (text === "") {
          missing.push({ expert, creditCode: code, item: item.id, sheet: SCORE_SHEET, row: r, column: letter, message: `${where}（${item.id}）：${expert} 未给 ${code} 评分`, messageEn: `${where} (${item.id}): ${expert} left ${code} unscored` });
          return;
        }
        const n = typeof cell.value === "number" ? D.fromNumber(cell.value) : D.parseDec(text);
        if (n === null || n < 0 || n > item.max) {
          errors.push({ sheet: SCORE_SHEET, row: r, column: letter, label: header(item), value: text, message: `${where}（${header(item)}）：应为 0 至 ${D.format(item.max)} 之间的分数，填的是“${text}”`, messageEn: `${where} (${item.id}): expected a score from 0 to ${D.format(item.max)}, found “${text}”` });
          return;
        }
        scores[item.id] = D.toNumber(n);
      });
      const list = experts.get(code) ?? [];
      list.push({ name: expert, scores });
      experts.set(code, list);
    }
  }
  return { experts, missing, errors };
}
