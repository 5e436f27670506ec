/** The paperwork commands as a user runs them: the built binary, spawned, writing real files. */
import { describe, expect, test, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, writeFile, rm, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { docxTables } from "@jsqc/paper";

const repo = new URL("../../../", import.meta.url).pathname;
const bin = join(repo, "packages/cli/dist/main.js");
const rules = join(repo, "rules/2024.rules");
let tmp: string;

function jsqc(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd: repo, env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => { tmp = await mkdtemp(join(tmpdir(), "jsqc-paper-")); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe("jsqc publish", () => {
  test("writes 附件1 as Word, HTML and Markdown", async () => {
    const out = join(tmp, "pub");
    const r = jsqc("publish", rules, "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["2024-附件1.docx", "2024-附件1.html", "2024-附件1.md"]);
    const t = docxTables(await readFile(join(out, "2024-附件1.docx")))[0]!;
    expect(t.map((row) => row[0])).toEqual(["序号", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]);
    expect(await readFile(join(out, "2024-附件1.md"), "utf8")).toContain("| 三 | 质量管理体系 (满分 8 分) |");
  });

  test("--format picks the outputs; a bad one is a usage error (2)", async () => {
    const out = join(tmp, "md-only");
    expect(jsqc("publish", rules, "--out", out, "--format", "md").code).toBe(0);
    expect(await readdir(out)).toEqual(["2024-附件1.md"]);
    const bad = jsqc("publish", rules, "--format", "pdf");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--format");
  });

  test("refuses (1) when a printed figure disagrees with its rule; --force writes and marks it", async () => {
    const text = (await readFile(rules, "utf8")).replace("支持公益事业。(2.5 分)", "支持公益事业。(3 分)");
    const file = join(tmp, "wrong.rules");
    await writeFile(file, text);
    const out = join(tmp, "wrong");
    const r = jsqc("publish", file, "--out", out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/wrong\.rules:\d+:\d+: 一\.4 文字印的本项分值是 3 分，规则是 2\.5 分/);
    expect(r.err).toContain("the text prints the item's points as 3, the rule says 2.5");
    await expect(readdir(out)).rejects.toThrow();
    const f = jsqc("publish", file, "--out", out, "--force");
    expect(f.code).toBe(0);
    expect(await readFile(join(out, "wrong-附件1.html"), "utf8")).toContain("【与规则不符：印 3 分，规则 2.5 分】");
  });

  test("--help, a missing file (2), a rule file with errors (1)", async () => {
    const h = jsqc("publish", "--help");
    expect(h.code).toBe(0);
    expect(h.out).toContain("jsqc publish <rules>");
    expect(jsqc("publish", join(tmp, "nope.rules")).code).toBe(2);
    const broken = join(tmp, "broken.rules");
    await writeFile(broken, "section 一 \"x\" weight {");
    expect(jsqc("publish", broken, "--out", join(tmp, "b")).code).toBe(1);
  });
});
