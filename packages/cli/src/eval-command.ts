/** `jsqc eval` and `jsqc schema`: a compiled rule file, one application. */
import { evaluate, applicationJsonSchema } from "@jsqc/engine/checked";
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, one, two, readJson, type Streams } from "./cli.js";
import { loadRuleset } from "./rules.js";
import { cacheEnabled } from "./rules-cache.js";
import { renderEvaluation, renderInputErrors } from "./render.js";

export async function evalCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  const [rulesFile, appFile] = two(positionals, "<rules>", "<application.json>");
  const ruleset = await loadRuleset(rulesFile, io, { cache: cacheEnabled(values["no-cache"]) });
  if (!ruleset) return EXIT_FINDINGS;
  const app = await readJson(appFile);
  const result = evaluate(ruleset, app, { trace: !values["no-trace"] });
  if (!result.ok) {
    if (values["json"]) io.stdout.write(`${JSON.stringify({ ok: false, errors: result.errors }, null, 2)}\n`);
    else io.stderr.write(`${renderInputErrors(result.errors, appFile)}\n`);
    return EXIT_USAGE;
  }
  if (values["json"]) io.stdout.write(`${JSON.stringify(result.result, null, 2)}\n`);
  else io.stdout.write(`${renderEvaluation(result.result, io.stdout.columns ?? 100)}\n`);
  return EXIT_OK;
}

export async function schemaCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  const file = one(positionals, "<rules>");
  const ruleset = await loadRuleset(file, io, { cache: cacheEnabled(values["no-cache"]) });
  if (!ruleset) return EXIT_FINDINGS;
  io.stdout.write(`${JSON.stringify(applicationJsonSchema(ruleset), null, 2)}\n`);
  return EXIT_OK;
}
