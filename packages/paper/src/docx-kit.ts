/**
 * The few Word building blocks the paperwork shares (fonts, bordered table cells, a titled A4
 * document), over the `docx` library, so 附件1 and the reports look like one office's papers.
 */
import {
  AlignmentType, BorderStyle, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun,
  VerticalAlign, WidthType, type ISectionOptions,
} from "docx";

/** 仿宋 for body text and 黑体 for headings, as provincial notices are set. */
export const BODY_FONT = "仿宋";
export const HEAD_FONT = "黑体";

/** A run of text; `mark` prints it red (used for figures that disagree with their rule). */
export function run(text: string, opts: { bold?: boolean; size?: number; font?: string; mark?: boolean } = {}): TextRun {
  return new TextRun({
    text,
    bold: opts.bold ?? false,
    size: opts.size ?? 21,
    font: opts.font ?? BODY_FONT,
    ...(opts.mark ? { color: "C00000" } : {}),
  });
}

export function paragraph(children: TextRun[] | string, opts: { center?: boolean; bold?: boolean; size?: number; font?: string } = {}): Paragraph {
  const runs = typeof children === "string" ? [run(children, opts)] : children;
  return new Paragraph({ children: runs, alignment: opts.center ? AlignmentType.CENTER : AlignmentType.LEFT, spacing: { after: 60 } });
}

const border = { style: BorderStyle.SINGLE, size: 4, color: "000000" } as const;
const borders = { top: border, bottom: border, left: border, right: border };

/** A bordered cell holding one or more paragraphs; `width` in percent of the table. */
export function cell(content: Paragraph[] | string, width: number, opts: { center?: boolean; bold?: boolean } = {}): TableCell {
  const children = typeof content === "string" ? [paragraph(content, opts)] : content;
  return new TableCell({
    children: children.length > 0 ? children : [paragraph("")],
    width: { size: width, type: WidthType.PERCENTAGE },
    verticalAlign: VerticalAlign.CENTER,
    borders,
  });
}

/** A full-width table whose first row repeats on every page, as the notice's does. */
export function table(header: readonly string[], widths: readonly number[], rows: TableCell[][]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h, i) => cell(h, widths[i]!, { center: true, bold: true })) }),
      ...rows.map((cells) => new TableRow({ children: cells, cantSplit: false })),
    ],
  });
}

/** Packs an A4 document (margins as the notice's) into .docx bytes (works in Node and browsers). */
export async function pack(title: string, children: ISectionOptions["children"]): Promise<Uint8Array> {
  const doc = new Document({
    title,
    creator: "jsqc",
    styles: { default: { document: { run: { font: BODY_FONT, size: 21 } } } },
    sections: [{
      properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1440, bottom: 1440, left: 1247, right: 1247 } } },
      children,
    }],
  });
  return new Uint8Array(await Packer.toArrayBuffer(doc));
}

/** Escapes text for HTML element content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The stylesheet shared by the printable HTML pages (A4, the notice's fonts, borders that print). */
export const PRINT_CSS = `
@page { size: A4; margin: 2.54cm 2.2cm; }
body { font-family: "FangSong", "仿宋", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 10.5pt; line-height: 1.5; color: #000; max-width: 17cm; margin: 1.5em auto; }
h1, h2, .annex { font-family: "SimHei", "黑体", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; }
h1 { font-size: 16pt; text-align: center; margin: 0.6em 0; }
h2 { font-size: 12pt; margin: 1em 0 0.4em; }
.annex { font-size: 12pt; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
th, td { border: 0.75pt solid #000; padding: 3pt 5pt; vertical-align: middle; }
th { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-weight: normal; text-align: center; }
td.num { text-align: center; white-space: nowrap; }
td p { margin: 0 0 2pt; }
.mark { color: #c00000; font-weight: bold; }
.meta { text-align: center; margin: 0 0 1em; }
.ok { color: #006100; } .bad { color: #c00000; }
@media print { body { margin: 0; max-width: none; } }
`;
