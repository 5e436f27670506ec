/**
 * Reading a city's summary table (附件2) as a stream of rows: `openSummary(file)` finds the header
 * (the row starting 序号) and the city (a 填报单位 line above it), then hands out the data rows one
 * at a time as an async iterable, so a 10⁶-row file never sits in memory. CSV in any encoding
 * Excel or WPS writes (encoding.ts); XLSX after its bounds are checked (xlsx-bounds.ts), read by
 * exceljs's streaming reader. Another reader (e.g. a template workbook) plugs in by producing
 * `SheetRecord`s and calling `summaryFromRecords`.
 */
import { parse as parseCsv } from "csv-parse";
import { parse as parseCsvSync } from "csv-parse/sync";
import { once } from "node:events";
import ExcelJS from "exceljs";
import { extname } from "node:path";
import { InputError } from "./cli.js";
import { decodeFile, detectFileEncoding, ENCODING_LABEL, undecodable } from "./encoding.js";
import { checkXlsxBounds, XlsxBoundsError } from "./xlsx-bounds.js";
import { SUMMARY_COLUMNS, type SummaryRow } from "./batch.js";

/** Most data rows one batch reads (an XLSX sheet holds 1,048,576 rows). More is an error, never a silent drop. */
export const MAX_BATCH_ROWS = 1_000_000;

/** One row of a sheet as read: its number in the sheet (1-based) and its cells, trimmed. */
export interface SheetRecord {
  readonly number: number;
  readonly cells: readonly string[];
}

/** A summary table opened for reading. */
export interface SummarySource {
  /** From a `填报单位：南京市…` line above the header, when there is one. */
  readonly city: string | null;
  /** `CSV, UTF-8` or `XLSX`: what was read, for the summary line. */
  readonly format: string;
  /** The data rows, in order; throws InputError past `maxRows` (with the count) or on unreadable bytes. */
  readonly rows: AsyncIterable<SummaryRow>;
}

/** Too many rows: the count of data rows and the limit, both in the message. */
export class RowLimitError extends InputError {}

/**
 * Finds the header and the city in a sheet's records; null when no header row is found. The
 * records after the header become the source's rows (read lazily).
 */
export async function summaryFromRecords(records: AsyncIterable<SheetRecord>, format: string, file: string, maxRows = MAX_BATCH_ROWS): Promise<SummarySource | null> {
  const it = records[Symbol.asyncIterator]();
  let city: string | null = null;
  let header: readonly string[] | null = null;
  for (let next = await it.next(); !next.done; next = await it.next()) {
    const r = next.value.cells;
    if (r[0] === "序号" || r.includes("统一社会信用代码")) { header = r; break; }
    const m = /填报单位[:：]\s*(\S+?市)/.exec(r.join(""));
    if (m) city = m[1]!;
  }
  if (!header) return null;
  const index = SUMMARY_COLUMNS.map((c) => header.indexOf(c));
  async function* rows(): AsyncGenerator<SummaryRow> {
    let count = 0;
    for (let next = await it.next(); !next.done; next = await it.next()) {
      const { number, cells: r } = next.value;
      if (r.every((c) => c === "")) continue;
      if (++count > maxRows) {
        // Count the rest, so the message says how many there are; nothing more is scored.
        for (let rest = await it.next(); !rest.done; rest = await it.next()) if (rest.value.cells.some((c) => c !== "")) count++;
        throw new RowLimitError(`${file} 有 ${count} 个数据行，超过上限 ${maxRows} 行；请分成几个文件提交 / ${file} has ${count} data rows, over the limit of ${maxRows}: split it into several files`);
      }
      const cells = Object.fromEntries(SUMMARY_COLUMNS.map((c, k) => [c, index[k]! >= 0 ? r[index[k]!] ?? "" : ""])) as SummaryRow["cells"];
      yield { rowNumber: number, cells };
    }
  }
  return { city, format, rows: rows() };
}

/** How far into a CSV the header line is looked for before the whole text goes to one parser. */
const PREAMBLE_SEARCH = 1024 * 1024;

/**
 * A CSV's records, streaming. The lines above the header (title, 填报单位) are parsed apart from
 * the table: csv-parse builds a costly error object for every record whose length differs from
 * the first one's (even when told to relax), which on a 10⁵-row file was most of the time.
 */
async function* csvRecords(file: string, encoding: Parameters<typeof decodeFile>[1]): AsyncGenerator<SheetRecord> {
  const text = decodeFile(file, encoding)[Symbol.asyncIterator]();
  let head = "";
  let headerAt = -1;
  let done = false;
  while (headerAt < 0 && head.length < PREAMBLE_SEARCH) {
    let next;
    try { next = await text.next(); } catch { throw new InputError(undecodable(file, encoding)); }
    if (next.done) { done = true; break; }
    head += next.value;
    const m = /(^|\n)(\ufeff?"?序号"?,|[^\n]*统一社会信用代码)/.exec(head);
    if (m) headerAt = m.index + m[1]!.length;
  }
  let n = 0;
  if (headerAt > 0) {
    for (const record of parseCsvSync(head.slice(0, headerAt), { relax_column_count: true, skip_empty_lines: false, relax_quotes: true }) as string[][]) {
      yield { number: ++n, cells: record.map((c) => c.trim()) };
    }
    head = head.slice(headerAt);
  }
  const parser = parseCsv({ relax_column_count: true, skip_empty_lines: false, relax_quotes: true });
  const feed = (async () => {
    try {
      if (!parser.write(head)) await once(parser, "drain");
      if (!done) for (let next = await text.next(); !next.done; next = await text.next()) if (!parser.write(next.value)) await once(parser, "drain");
      parser.end();
    } catch (err) {
      parser.destroy(err instanceof TypeError ? new InputError(undecodable(file, encoding)) : (err as Error));
    }
  })();
  try {
    for await (const record of parser as AsyncIterable<string[]>) yield { number: ++n, cells: record.map((c) => c.trim()) };
  } finally {
    parser.destroy();
    await feed;
  }
}

const cellText = (v: unknown): string => {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object" && "richText" in (v as object)) return ((v as { richText: { text: string }[] }).richText ?? []).map((r) => r.text).join("").trim();
  if (typeof v === "object" && "text" in (v as object)) return String((v as { text: unknown }).text ?? "").trim();
  if (typeof v === "object" && "result" in (v as object)) return String((v as { result: unknown }).result ?? "").trim();
  return String(v).trim();
};

async function* xlsxRecords(file: string): AsyncGenerator<SheetRecord> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: "emit", sharedStrings: "cache", hyperlinks: "ignore", styles: "ignore", entries: "ignore" });
  for await (const sheet of reader) {
    for await (const row of sheet) yield { number: row.number, cells: (row.values as unknown[]).slice(1).map(cellText) };
    return; // the first sheet only
  }
}

/** Opens a summary table (.xlsx, else CSV) for streaming; throws InputError when it cannot be read. */
export async function openSummary(file: string, maxRows = MAX_BATCH_ROWS): Promise<SummarySource> {
  const isXlsx = extname(file).toLowerCase() === ".xlsx";
  let source: SummarySource | null;
  try {
    if (isXlsx) {
      await checkXlsxBounds(file);
      source = await summaryFromRecords(xlsxRecords(file), "XLSX", file, maxRows);
    } else {
      const { encoding } = await detectFileEncoding(file);
      source = await summaryFromRecords(csvRecords(file, encoding), `CSV, ${ENCODING_LABEL[encoding]}`, file, maxRows);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    if (err instanceof XlsxBoundsError) throw new InputError(err.message);
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "EISDIR") throw new InputError(`无法读取 ${file} / cannot read ${file}`);
    throw new InputError(`${file} 无法读取为${isXlsx ? " XLSX" : " CSV"} / cannot be read: ${(err as Error).message}`);
  }
  if (!source) throw new InputError(`${file} 没有找到以“序号”开头的表头和数据行 / no header row starting 序号`);
  return source;
}
