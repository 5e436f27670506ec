/** `jsqc publish`: 附件1 from a rule file as Word, printable HTML and Markdown (docs/paperwork.md). */
import { mkdir } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { annex1, annex1Docx, annex1Html, annex1Markdown } from "@jsqc/paper";
import { EXIT_FINDINGS, EXIT_OK, InputError, loadRuleset, writeAtomically, type Streams } from "./cli.js";

const FORMATS = ["docx", "html", "md"] as const;
type Format = (typeof FORMATS)[number];

/** Parses `--format docx,html` (default: all three). */
function formats(value: unknown): Format[] {
  if (typeof value !== "string") return [...FORMATS];
  const list = value.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((f) => !(FORMATS as readonly string[]).includes(f));
  if (bad.length > 0 || list.length === 0) throw new InputError(`--format 只能是 ${FORMATS.join("、")} / --format must be ${FORMATS.join(", ")}: ${bad.join(", ") || "(empty)"}`);
  return list as Format[];
}

export async function publishCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  if (positionals.length !== 1) throw new InputError("用法 usage: jsqc publish <rules> [--out DIR] [--format docx,html,md] [--force]");
  const rulesFile = positionals[0]!;
  const wanted = formats(values["format"]);
  const ruleset = await loadRuleset(rulesFile, io);
  if (!ruleset) return EXIT_FINDINGS;
  const a = annex1(ruleset);
  for (const m of a.mismatches) io.stderr.write(`${rulesFile}:${m.line}:${m.column}: ${m.message}\n  ${m.messageEn}\n`);
  if (a.mismatches.length > 0 && !values["force"]) {
    io.stderr.write(`${rulesFile}: ${a.mismatches.length} 项印刷分值与规则不符，未生成附件1；改正文字或规则，或用 --force 生成并标出 / ${a.mismatches.length} item(s) print figures that disagree with the rule; nothing written (use --force to write and mark them)\n`);
    return EXIT_FINDINGS;
  }
  const out = typeof values["out"] === "string" ? values["out"] : ".";
  await mkdir(out, { recursive: true });
  const stem = `${basename(rulesFile, extname(rulesFile))}-附件1`;
  for (const f of wanted) {
    const file = join(out, `${stem}.${f}`);
    await writeAtomically(file, f === "docx" ? await annex1Docx(a) : f === "html" ? annex1Html(a) : annex1Markdown(a));
    io.stdout.write(`${file}\n`);
  }
  if (a.mismatches.length > 0) io.stderr.write(`已用 --force 生成，不符之处已用【与规则不符】标出 / written with --force; the mismatches are marked\n`);
  return EXIT_OK;
}
