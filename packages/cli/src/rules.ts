/** Loading a rule file for the commands that evaluate. */
import { check, hasErrors, renderDiagnostic, type Diagnostic, type ParseResult } from "@jsqc/dsl/core";
import { compileChecked, type Ruleset } from "@jsqc/engine/checked";
import { readText, type Streams } from "./cli.js";
import { cacheDir, cacheKey, readEntry, writeEntry } from "./rules-cache.js";

export interface LoadOptions {
  /** Use the cache of parsed rule files (rules-cache.ts); off unless asked for. */
  readonly cache?: boolean;
}

/**
 * Compiles a rule file; prints its errors and returns null when it has any. The parser (and with
 * it Chevrotain) is imported only when the file is parsed: not on a cache hit.
 */
export async function loadRuleset(file: string, io: Streams, options: LoadOptions = {}): Promise<Ruleset | null> {
  const text = await readText(file);
  const key = options.cache ? cacheKey(text) : null;
  const dir = key === null ? null : cacheDir();
  if (key !== null && dir !== null) {
    const cached = await readEntry(dir, key);
    if (cached) {
      const ruleset = compileParsed(text, file, cached);
      // An entry is only ever written for a file without errors; one that has them now is not trusted.
      if (ruleset.ok) return ruleset.ruleset;
    }
  }
  const { parse } = await import("@jsqc/dsl");
  const parsed = parse(text);
  const compiled = compileParsed(text, file, parsed);
  if (!compiled.ok) {
    for (const d of compiled.diagnostics.filter((x) => x.severity === "error")) io.stderr.write(`${renderDiagnostic(d, text, file)}\n\n`);
    io.stderr.write(`${file}: 规则文件有错误，无法评分 / the rule file has errors\n`);
    return null;
  }
  if (key !== null && dir !== null) await writeEntry(dir, key, parsed);
  return compiled.ruleset;
}

function compileParsed(text: string, file: string, parsed: ParseResult): { ok: true; ruleset: Ruleset } | { ok: false; diagnostics: readonly Diagnostic[] } {
  const checked = check(parsed);
  if (hasErrors(checked.diagnostics)) return { ok: false, diagnostics: checked.diagnostics };
  return compileChecked(text, file, { parse: parsed, diagnostics: checked.diagnostics, model: checked.model });
}
