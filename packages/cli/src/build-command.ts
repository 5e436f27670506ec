/**
 * `jsqc build <rules> -o out.mjs`: the rule file compiled ahead of time into a standalone ES
 * module (@jsqc/engine/aot) exporting `evaluate(application, { trace: false })` — no chevrotain,
 * zod or @jsqc/* at run time. The file is written atomically (temporary file, fsync, rename). A
 * rule file with errors is refused with its diagnostics (exit 1), and nothing is written.
 */
import { renderDiagnostic } from "@jsqc/dsl";
import { buildModule } from "@jsqc/engine/aot";
import { EXIT_FINDINGS, EXIT_OK, InputError, readText, writeAtomically, type Streams } from "./cli.js";

export async function buildCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  if (positionals.length !== 1) throw new InputError("用法 usage: jsqc build <rules> -o <out.mjs>");
  const file = positionals[0]!;
  const out = values["out"];
  if (typeof out !== "string" || out === "") throw new InputError("缺少 -o <out.mjs>（生成的模块写到哪里）/ missing -o <out.mjs> (where to write the module)");
  const text = await readText(file);
  const built = buildModule(text, file);
  if (!built.ok) {
    for (const d of built.diagnostics.filter((x) => x.severity === "error")) io.stderr.write(`${renderDiagnostic(d, text, file)}\n\n`);
    io.stderr.write(`${file}: 规则文件有错误，未生成模块 / the rule file has errors; no module written\n`);
    return EXIT_FINDINGS;
  }
  try {
    await writeAtomically(out, built.code);
  } catch (err) {
    throw new InputError(`无法写入 ${out} / cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const kb = (Buffer.byteLength(built.code) / 1024).toFixed(1);
  io.stdout.write(`${out}: 已生成评分模块（${kb} KB，无依赖，不含评分依据）/ wrote the scoring module (${kb} KB, no dependencies, no trace)\n`);
  return EXIT_OK;
}
