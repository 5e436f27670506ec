/**
 * 附件1 rendered from rules/2024.rules against the notice itself (a copy of
 * /work/shared/notice-2024.txt in fixtures/): every section, weight, item and veto, cell by cell,
 * in each of the three outputs. Whitespace and full/half-width punctuation are the only
 * differences allowed (the notice's own text mixes both); a word or figure that differs fails.
 *
 * `UPDATE_GOLDEN=1 npx vitest run packages/paper/test/annex1.test.ts` rewrites the Word golden file.
 */
import { describe, expect, test } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { compile, type Ruleset } from "@jsqc/engine";
import { annex1, annex1Docx, annex1Html, annex1Markdown, docxTables } from "../src/index.js";

const root = new URL("../../../", import.meta.url);
const rulesText = readFileSync(new URL("rules/2024.rules", root), "utf8");

function rules(text: string): Ruleset {
  const c = compile(text, "2024.rules");
  if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join("\n"));
  return c.ruleset;
}

/** 附件1 of the notice as rows [序号, 评价内容及权重, 核查要点 paragraphs…]; a section split over two pages is one row. */
function noticeTable(): { title: string; rows: string[][] } {
  const text = readFileSync(new URL("./fixtures/notice-2024.txt", import.meta.url), "utf8");
  const start = text.indexOf("附件 1\n");
  const end = text.indexOf("2024年度江苏省质量信用AA级及以上等级认定申报汇总表", start);
  const lines = text.slice(start, end).split("\n").map((l) => l.trim()).filter(Boolean);
  const title = lines[1]!;
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(2)) {
    const cells = line.split("\t");
    if (cells[0] === "序号") continue;
    const [number, criterion, body] = cells as [string, string, string];
    // Items are either <p>…</p> paragraphs or run together, each opening with ①…⑩.
    const items = body.includes("<p>")
      ? [...body.matchAll(/<p>(.*?)<\/p>/g)].map((m) => m[1]!)
      : body.split(/(?=[①②③④⑤⑥⑦⑧⑨⑩])/).map((s) => s.trim()).filter(Boolean);
    const row = rows.get(number);
    if (row) row.push(...items);
    else rows.set(number, [number, criterion, ...items]);
  }
  return { title, rows: [...rows.values()] };
}

/** What may differ between the notice and our print: spacing, and full- vs half-width punctuation. */
const norm = (s: string): string => s.normalize("NFKC").replace(/\s+/g, "");

const notice = noticeTable();

function compareWithNotice(rows: string[][]): void {
  expect(rows.map((r) => r[0])).toEqual(notice.rows.map((r) => r[0]));
  for (const [i, expected] of notice.rows.entries()) {
    const got = rows[i]!;
    expect(got.length, `${expected[0]}: number of cells`).toBe(expected.length);
    for (const [k, cell] of expected.entries()) expect(norm(got[k]!), `${expected[0]} cell ${k}`).toBe(norm(cell));
  }
}

describe("附件1 from rules/2024.rules matches the 2024 notice", () => {
  const rs = rules(rulesText);
  const a = annex1(rs);

  test("the notice has ten sections and the vetoes (the parser of the fixture works)", () => {
    expect(notice.rows.map((r) => r[0])).toEqual(["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]);
    expect(notice.rows.find((r) => r[0] === "九")!.length).toBe(2 + 5);
  });

  test("no printed figure disagrees with its rule", () => {
    expect(a.mismatches).toEqual([]);
  });

  test("Word: title and every cell", async () => {
    const bytes = await annex1Docx(a);
    const [t, ...rest] = docxTables(bytes);
    expect(rest).toEqual([]);
    expect(t![0]).toEqual(["序号", "评价内容及权重", "核查要点"]);
    compareWithNotice(t!.slice(1).map((r) => [r[0]!, r[1]!, ...r[2]!.split("\n")]));
    expect(norm(a.title)).toBe(norm(notice.title));
  });

  test("HTML: every cell", () => {
    const html = annex1Html(a);
    const body = html.slice(html.indexOf("<tbody>"), html.indexOf("</tbody>"));
    const rows = [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => {
      const cells = [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!);
      return [cells[0]!, cells[1]!, ...[...cells[2]!.matchAll(/<p>(.*?)<\/p>/g)].map((p) => p[1]!)];
    });
    compareWithNotice(rows);
    expect(html).toContain(`<h1>${a.title}</h1>`);
  });

  test("Markdown: every cell", () => {
    const md = annex1Markdown(a);
    const rows = md.split("\n").filter((l) => /^\| (?!序号|:)/.test(l)).map((l) => {
      const cells = l.slice(2, -2).split(" | ");
      return [cells[0]!, cells[1]!, ...cells[2]!.split("<br>")];
    });
    compareWithNotice(rows);
  });

  test("golden: the Word document's table text", async () => {
    const t = docxTables(await annex1Docx(a))[0]!;
    const text = `${t.map((r) => r.join("\t")).join("\n")}\n`;
    const golden = new URL("./golden/annex1-2024.docx.txt", import.meta.url);
    if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(golden, text);
    expect(existsSync(golden), "golden file exists (run with UPDATE_GOLDEN=1)").toBe(true);
    expect(text).toBe(readFileSync(golden, "utf8"));
  });
});

describe("printed figures that disagree with the rule", () => {
  test("an item printed (3 分) over a rule worth 2.5 is found, with its line and column", () => {
    const text = rulesText.replace("支持公益事业。(2.5 分)", "支持公益事业。(3 分)");
    const a = annex1(rules(text));
    expect(a.mismatches).toHaveLength(1);
    const m = a.mismatches[0]!;
    expect(m).toMatchObject({ id: "一.4", printed: "3", rule: "2.5" });
    const line = text.split("\n").findIndex((l) => l.includes("支持公益事业。(3 分)")) + 1;
    expect(m.line).toBe(line);
    expect(m.message).toContain(`第 ${line} 行`);
    expect(m.messageEn).toContain(`line ${line}`);
  });

  test("a cap, a base and a take-highest amount that disagree are each found", () => {
    const text = rulesText
      .replace("(基础分 2 分,", "(基础分 1 分,")
      .replace("获县(市、区)级质量奖得 1 分", "获县(市、区)级质量奖得 0.5 分")
      .replace("(得分可累计，最高不超过 2 分)", "(得分可累计，最高不超过 3 分)");
    const ids = annex1(rules(text)).mismatches.map((m) => [m.id, m.printed, m.rule]);
    expect(ids).toEqual([["三.1", "1", "2"], ["七.2", "3、2、0.5", "3、2、1"], ["七.3", "3", "2"]]);
  });

  test("with the mismatch, every renderer marks the item", async () => {
    const a = annex1(rules(rulesText.replace("支持公益事业。(2.5 分)", "支持公益事业。(3 分)")));
    const mark = "【与规则不符：印 3 分，规则 2.5 分】";
    expect(annex1Markdown(a)).toContain(`支持公益事业。(3 分)${mark}`);
    expect(annex1Html(a)).toContain(`<span class="mark">${mark}</span>`);
    expect(docxTables(await annex1Docx(a))[0]![1]![2]).toContain(mark);
  });
});
