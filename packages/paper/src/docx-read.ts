/**
 * Reads the tables' text back out of a .docx (word/document.xml): rows of cells, a cell's
 * paragraphs joined by "\n". Used by tests, the golden file and anyone checking a published
 * document against its rule file without Word.
 */
import { unzipSync, strFromU8 } from "fflate";

/** A table as rows of cell texts. */
export type DocxTable = string[][];

const unescape = (s: string): string =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

/** The text of each table in the document, in order; throws if the bytes are not a .docx. */
export function docxTables(bytes: Uint8Array): DocxTable[] {
  const xml = documentXml(bytes);
  const tables: DocxTable[] = [];
  for (const t of xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)) {
    const rows: string[][] = [];
    for (const r of t[1]!.matchAll(/<w:tr\b[^>]*>([\s\S]*?)<\/w:tr>/g)) {
      const cells: string[] = [];
      for (const c of r[1]!.matchAll(/<w:tc\b[^>]*>([\s\S]*?)<\/w:tc>/g)) cells.push(paragraphs(c[1]!).join("\n"));
      rows.push(cells);
    }
    tables.push(rows);
  }
  return tables;
}

/** The text of every paragraph of the document body (tables included), in order. */
export function docxParagraphs(bytes: Uint8Array): string[] {
  return paragraphs(documentXml(bytes));
}

function documentXml(bytes: Uint8Array): string {
  const files = unzipSync(bytes, { filter: (f) => f.name === "word/document.xml" });
  const doc = files["word/document.xml"];
  if (!doc) throw new Error("不是 Word 文档：缺少 word/document.xml / not a .docx: word/document.xml is missing");
  return strFromU8(doc);
}

function paragraphs(xml: string): string[] {
  return [...xml.matchAll(/<w:p\b[^>]*>([\s\S]*?)<\/w:p>/g)].map((p) =>
    [...p[1]!.matchAll(/<w:t\b[^>]*>([^<]*)<\/w:t>/g)].map((m) => unescape(m[1]!)).join(""));
}
