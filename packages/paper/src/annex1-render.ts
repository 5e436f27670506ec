/** 附件1 printed three ways from one model: Word (.docx), HTML for the print dialog, Markdown. */
import { mismatchMark, type Annex1, type Annex1Point } from "./annex1.js";
import { cell, esc, HEAD_FONT, pack, paragraph, PRINT_CSS, run, table } from "./docx-kit.js";

/** Options shared by the three renderers. */
export interface Annex1RenderOptions {
  /** The notice's "附件 1" line above the title (default true). */
  readonly annexLine?: boolean;
}

const pointText = (p: Annex1Point): string => (p.mismatch ? `${p.text}${mismatchMark(p.mismatch)}` : p.text);

/** 附件1 as a Word document's bytes; resolves, or rejects only if the docx library fails. */
export async function annex1Docx(a: Annex1, opts: Annex1RenderOptions = {}): Promise<Uint8Array> {
  const rows = a.rows.map((r) => [
    cell(r.number, 9, { center: true }),
    cell(r.criterion, 21, { center: true }),
    cell(r.points.map((p) => paragraph(p.mismatch ? [run(p.text), run(mismatchMark(p.mismatch), { mark: true, bold: true })] : [run(p.text)])), 70),
  ]);
  return pack(a.title, [
    ...(opts.annexLine === false ? [] : [paragraph("附件 1", { font: HEAD_FONT, size: 24 })]),
    paragraph(a.title, { center: true, bold: true, size: 32, font: HEAD_FONT }),
    table(a.header, [9, 21, 70], rows),
  ]);
}

/** 附件1 as a self-contained HTML page laid out for printing on A4. */
export function annex1Html(a: Annex1, opts: Annex1RenderOptions = {}): string {
  const body = a.rows.map((r) => {
    const pts = r.points.map((p) => `<p>${esc(p.text)}${p.mismatch ? `<span class="mark">${esc(mismatchMark(p.mismatch))}</span>` : ""}</p>`).join("");
    return `<tr><td class="num">${esc(r.number)}</td><td class="num">${esc(r.criterion)}</td><td>${pts}</td></tr>`;
  }).join("\n");
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>${esc(a.title)}</title><style>${PRINT_CSS}
col.n { width: 9%; } col.c { width: 21%; }
</style></head>
<body>
${opts.annexLine === false ? "" : `<div class="annex">附件 1</div>\n`}<h1>${esc(a.title)}</h1>
<table>
<colgroup><col class="n"><col class="c"><col></colgroup>
<thead><tr>${a.header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>
<tbody>
${body}
</tbody>
</table>
</body>
</html>
`;
}

const mdCell = (s: string): string => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** 附件1 as a Markdown table; the items of a cell are separated by `<br>`. */
export function annex1Markdown(a: Annex1, opts: Annex1RenderOptions = {}): string {
  const lines: string[] = [];
  if (opts.annexLine !== false) lines.push("附件 1", "");
  lines.push(`# ${a.title}`, "", `| ${a.header.join(" | ")} |`, "|:---:|:---:|:---|");
  for (const r of a.rows) lines.push(`| ${mdCell(r.number)} | ${mdCell(r.criterion)} | ${r.points.map((p) => mdCell(pointText(p))).join("<br>")} |`);
  return `${lines.join("\n")}\n`;
}
