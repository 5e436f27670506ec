/**
 * The paperwork around a rule file (issue 15): 附件1 as Word, HTML and Markdown; each
 * enterprise's report; the offices' Excel application template and the experts' score sheets.
 * Depends on @jsqc/dsl and @jsqc/engine, never the reverse: the engine stays free of Word and Excel.
 */
export { annex1, checkFigures, mismatchMark, ANNEX1_HEADER, type Annex1, type Annex1Row, type Annex1Point, type FigureMismatch } from "./annex1.js";
export { annex1Docx, annex1Html, annex1Markdown, type Annex1RenderOptions } from "./annex1-render.js";
export { docxTables, docxParagraphs, type DocxTable } from "./docx-read.js";
export { reportDocx, reportHtml, subjectOf, REPORT_TITLE, REPORT_SCORE_HEADER, type ReportSubject, type ReportOptions } from "./report.js";
export { applicationTemplate, readApplicationWorkbook, MAIN_SHEET, ANNEX2_COLUMNS, type CellError, type WorkbookApplications } from "./template.js";
export { scoreSheet, readScoreSheets, SCORE_SHEET, type SheetEnterprise, type MissingScore, type ReadScores } from "./score-sheets.js";
