/** Loading a rule file for the commands that evaluate. */
import { renderDiagnostic } from "@jsqc/dsl";
import { compile, type Ruleset } from "@jsqc/engine";
import { readText, type Streams } from "./cli.js";

/** Compiles a rule file; prints its errors and returns null when it has any. */
export async function loadRuleset(file: string, io: Streams): Promise<Ruleset | null> {
  const text = await readText(file);
  const compiled = compile(text, file);
  if (!compiled.ok) {
    for (const d of compiled.diagnostics.filter((x) => x.severity === "error")) io.stderr.write(`${renderDiagnostic(d, text, file)}\n\n`);
    io.stderr.write(`${file}: 规则文件有错误，无法评分 / the rule file has errors\n`);
    return null;
  }
  return compiled.ruleset;
}
