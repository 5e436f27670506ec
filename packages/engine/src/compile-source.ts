/** `compile(text)`: parse, check and compile a rule file (compile.ts compiles a checked one). */
import { parse, check, type Diagnostic, type Model, type ParseResult } from "@jsqc/dsl";
import { compileChecked, type CompileResult } from "./compile.js";

/** Compiles rule-file text (or an already parsed and checked one). Refuses a file with errors. */
export function compile(source: string, file = "<rules>", parsed?: { parse: ParseResult; diagnostics: readonly Diagnostic[]; model: Model }): CompileResult {
  if (parsed) return compileChecked(source, file, parsed);
  const p = parse(source);
  const c = check(p);
  return compileChecked(source, file, { parse: p, diagnostics: c.diagnostics, model: c.model });
}
