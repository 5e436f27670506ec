/**
 * The semantic diff. Golden pairs: each `diff/<name>/` holds `old.rules`, `new.rules` (a 40-point
 * cut of the 2024 file and one kind of revision of it) and `expected.txt`: the diff as
 * `renderDiff(…, "both")` prints it, then each change's kind, path and old → new values.
 * Formatting-only and comments-only revisions must give an empty diff.
 *
 * `UPDATE_GOLDEN=1 npx vitest run packages/dsl/test/diff.test.ts` rewrites the expected files;
 * read every changed one before committing it.
 */
import { describe, expect, test } from "vitest";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { check, diffAsts, diffRuleFiles, parse, renderDiff, type Change, type RuleDiff } from "../src/index.js";

const dir = fileURLToPath(new URL("./diff/", import.meta.url));
const update = process.env["UPDATE_GOLDEN"] === "1";
const pairs = readdirSync(dir).filter((n) => existsSync(`${dir}${n}/old.rules`)).sort();
const read = (name: string, file: string) => readFileSync(`${dir}${name}/${file}`, "utf8");

function golden(d: RuleDiff): string {
  const detail = d.changes.map((c) => `${c.kind}  ${c.path}${c.field ? ` (${c.field})` : ""}  ${c.old ?? "—"} → ${c.new ?? "—"}`);
  return `${renderDiff(d, "both")}\n---\n${detail.join("\n")}${detail.length ? "\n" : ""}`;
}

/** The text a span covers. */
const at = (text: string, c: Change, side: "old" | "new") => {
  const span = side === "old" ? c.oldSpan : c.newSpan;
  return span ? text.slice(span.start.offset, span.end.offset) : null;
};

describe("golden pairs", () => {
  test("there are at least the pairs the brief asks for", () => {
    for (const name of ["points-change", "cap-change", "item-removed-renumbered", "item-added-tiers", "section-weight", "table-cells", "veto-added", "grades", "renames", "moves", "formatting-only", "comments-only"]) {
      expect(pairs, name).toContain(name);
    }
  });

  test.each(pairs)("%s", (name) => {
    const oldText = read(name, "old.rules");
    const newText = read(name, "new.rules");
    const d = diffRuleFiles(oldText, newText);
    // Every pair is a file the checker accepts (warnings allowed), on both sides.
    expect(d.errors.old.map((e) => e.message)).toEqual([]);
    expect(d.errors.new.map((e) => e.message)).toEqual([]);
    const actual = golden(d);
    const file = `${dir}${name}/expected.txt`;
    if (update) writeFileSync(file, actual);
    expect(existsSync(file), `${file} exists (run with UPDATE_GOLDEN=1)`).toBe(true);
    expect(actual).toBe(readFileSync(file, "utf8"));
    // Each span covers a part of its file, and the file is the right one.
    for (const c of d.changes) {
      if (c.oldSpan) expect(c.oldSpan.end.offset).toBeLessThanOrEqual(oldText.length);
      if (c.newSpan) expect(c.newSpan.end.offset).toBeLessThanOrEqual(newText.length);
    }
    // Compared with itself, each file has no changes.
    expect(diffRuleFiles(newText, newText).changes).toEqual([]);
  });

  test("formatting and comments never show", () => {
    for (const name of ["formatting-only", "comments-only"]) {
      const d = diffRuleFiles(read(name, "old.rules"), read(name, "new.rules"));
      expect(d.changes, name).toEqual([]);
      expect(d.renumbered, name).toEqual([]);
      expect(read(name, "old.rules")).not.toBe(read(name, "new.rules"));
    }
  });
});

describe("matching and details", () => {
  const base = read("points-change", "old.rules");

  test("a removal renumbers the items after it without reporting them; their pairs are kept", () => {
    const d = diffRuleFiles(base, read("item-removed-renumbered", "new.rules"));
    expect(d.changes.filter((c) => c.kind.startsWith("item-")).map((c) => `${c.kind} ${c.path}`)).toEqual(["item-removed 八.5"]);
    expect(d.renumbered).toEqual([6, 7, 8, 9, 10].map((k) => ({ old: `八.${k}`, new: `八.${k - 1}` })));
    expect(d.items).toContainEqual({ old: "八.10", new: "八.9" });
    expect(d.items).not.toContainEqual({ old: "八.5", new: "八.5" });
  });

  test("an item moved to the front of its section is the only one moved; one moved to another section says where", () => {
    const d = diffRuleFiles(base, read("moves", "new.rules"));
    const moves = d.changes.filter((c) => c.kind === "item-moved");
    expect(moves.map((c) => [c.old, c.new, c.field])).toEqual([["七.5", "三.4", "section"], ["八.10", "八.1", "order"]]);
    expect(moves[0]!.what).toBe("第七部分⑤ 移至第三部分④");
    expect(d.renumbered).toHaveLength(9);
  });

  test("an item renumbered and edited pairs by similar text, not with the removed item that had its number", () => {
    const newText = read("item-removed-renumbered", "new.rules").replace("使用关键绩效指标监控过程的实施。(1分)", "使用关键绩效指标监控过程的实施和改进。(1分)");
    const d = diffRuleFiles(base, newText);
    expect(d.changes.filter((c) => c.kind.startsWith("item-")).map((c) => `${c.kind} ${c.path}`)).toEqual(["item-removed 八.5", "item-renamed 八.6"]);
    const renamed = d.changes.find((c) => c.kind === "item-renamed")!;
    expect(renamed.what).toBe("第八部分⑥（原第八部分⑦） 文字修改：「…标监控过程的实施。(1分)」→「…标监控过程的实施和改进。(1分)」");
    expect(renamed.new).toBe("使用关键绩效指标监控过程的实施和改进。(1分)");
    expect(d.items).toContainEqual({ old: "八.7", new: "八.6" });
  });

  test("the same id with a rewritten text is a rename of that item", () => {
    const newText = base.replace("在过程实施中利用来自顾客和其他相关方的信息。(1分)", "建立质量追溯体系。(1分)");
    const d = diffRuleFiles(base, newText);
    expect(d.changes.map((c) => `${c.kind} ${c.path}`)).toEqual(["item-renamed 八.8"]);
  });

  test("spans point at the values that changed", () => {
    const newText = read("cap-change", "new.rules");
    const d = diffRuleFiles(base, newText);
    const cap = d.changes.find((c) => c.path === "三.1")!;
    expect(cap.what).toBe("第三部分① 封顶 4 → 3.5");
    expect(at(base, cap, "old")).toBe("4");
    expect(at(newText, cap, "new")).toBe("3.5");
    const added = d.changes.find((c) => c.path === "五.1")!;
    expect(added.what).toBe("第五部分① 新增封顶 2.5");
    expect(at(newText, added, "new")).toBe("2.5");
    // Reversed, the cap added is a cap removed.
    const back = diffRuleFiles(newText, base).changes.find((c) => c.path === "五.1")!;
    expect(back.what).toBe("第五部分① 取消封顶（原 2.5）");
    expect(back.whatEn).toBe("item 五.1: cap removed (was 2.5)");
  });

  test("table cells are listed cell by cell", () => {
    const d = diffRuleFiles(base, read("table-cells", "new.rules"));
    expect(d.changes.filter((c) => c.kind === "table-cell").map((c) => c.what)).toEqual(["标准分值[主导, 国际]: 2.5 → 3", "标准分值[参与, 地方]: 0.5 → 0.75"]);
  });

  test("a scoring form's type change prints both forms", () => {
    const d = diffRuleFiles(base, read("scoring-forms", "new.rules"));
    const type = d.changes.find((c) => c.field === "type")!;
    expect(type.what).toBe("第七部分① 计分方式 符合条件得分 → 取单项最高分");
    expect(type.old).toBe("award 2 when 获江苏精品认证");
    expect(type.new).toBe('highest { award 2 "江苏精品" when 获江苏精品认证 }');
  });

  test("works on parsed files without models, and on files with errors (reported)", () => {
    const d = diffAsts({ ast: parse(base).ast }, { ast: parse(read("points-change", "new.rules")).ast });
    expect(d.changes.map((c) => c.what)).toEqual(["第八部分① 分值 1 → 1.5", "第八部分② 分值 1 → 0.5"]);
    const broken = base.replace("section 八 \"质量过程管理\" weight 10 {", "section 八 \"质量过程管理\" weight {");
    const e = diffRuleFiles(base, broken);
    expect(e.errors.old).toEqual([]);
    expect(e.errors.new.length).toBeGreaterThan(0);
    expect(renderDiff(e, "zh").split("\n")[0]).toMatch(/^新文件有 \d+ 个错误/);
    expect(check(parse(broken)).diagnostics.some((x) => x.severity === "error")).toBe(true);
  });

  test("a section removed takes its items with it; one added brings its own", () => {
    const start = base.indexOf('section 八 "');
    const end = base.indexOf("\n}\n", start) + 3;
    const eight = base.slice(start, end);
    const newText = base.slice(0, start) + eight.replace('section 八 "质量过程管理"', 'section 九 "顾客满意调查"').replace(/"[^"]*(\(1分\))"/g, (_m, p: string) => `"顾客满意${p}"`).replace(/\n  item [②-⑩].*/g, "") + base.slice(end);
    const d = diffRuleFiles(base, newText.replace("weight 10 {\n  item ① \"顾客满意", "weight 1 {\n  item ① \"顾客满意").replace("total 40", "total 31"));
    const kinds = d.changes.map((c) => `${c.kind} ${c.path}`);
    expect(kinds.slice(0, 1)).toEqual(["ruleset ruleset.total"]);
    expect(kinds.filter((k) => k.startsWith("section-"))).toEqual(["section-removed 八", "section-added 九"]);
    expect(kinds.filter((k) => k.startsWith("item-removed"))).toHaveLength(10);
    expect(kinds.filter((k) => k.startsWith("item-added"))).toEqual(["item-added 九.1"]);
    expect(d.changes.find((c) => c.kind === "section-removed")!.what).toBe("删除第八部分「质量过程管理」（满分 10，10 项）");
  });

  test("a file rewritten wholesale (900 items, none in common) diffs quickly", () => {
    const file = (seed: string) => {
      const sections = Array.from({ length: 30 }, (_, s) => {
        const items = Array.from({ length: 30 }, (_, i) => `  item ${i + 1} "${seed}${s}-${i}：${"评审要点".repeat(1 + ((s * 31 + i) % 7))}${seed}" points 1 { judged }`).join("\n");
        return `section S${s} "部分${s}" weight 30 {\n${items}\n}`;
      });
      return `ruleset "t" { year 2024 total 900 }\n${sections.join("\n")}\n`;
    };
    const t0 = Date.now();
    const d = diffRuleFiles(file("甲"), file("乙"));
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(d.changes.length).toBeGreaterThan(0);
  });

  test("the 2024 file against itself reformatted has no changes", async () => {
    const rules = readFileSync(new URL("../../../rules/2024.rules", import.meta.url), "utf8");
    const { format } = await import("../src/index.js");
    const stripped = rules.replace(/^\s*#.*$/gm, "").replace(/\n{3,}/g, "\n\n");
    expect(diffRuleFiles(rules, format(stripped).text).changes).toEqual([]);
    expect(renderDiff(diffRuleFiles(rules, rules), "en")).toBe("no semantic changes");
  });
});
