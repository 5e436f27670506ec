/**
 * CSV that a spreadsheet cannot run (CSV formula injection, OWASP): a cell that begins with
 * = + - @ TAB or CR is read by Excel/WPS as a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`), so it
 * gets a leading single quote and is shown as the text it is. A plain number (`-1.5`, `12`) is left
 * as it is: it is no formula and stays a number. Every CSV the CLI writes goes through here.
 */
import { stringify as stringifyCsv } from "csv-stringify/sync";

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** The cell as written to CSV: quoted with `'` when a spreadsheet would read it as a formula. */
export function safeCell(value: string | number): string {
  const text = String(value);
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** CSV text of rows, each cell made safe; no BOM. */
export function safeCsv(rows: readonly (readonly (string | number)[])[]): string {
  return stringifyCsv(rows.map((r) => r.map(safeCell)));
}

/** The byte-order mark Excel needs to read UTF-8 CSV as UTF-8. */
export const CSV_BOM = "\ufeff";
