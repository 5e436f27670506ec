/** `jsqc check` and `jsqc fmt`: the parser, checker and formatter. */
import { parse, check, renderDiagnostic, hasErrors, format, decimal, costJson, type Diagnostic, type RuleFile, type Summary } from "@jsqc/dsl";
import { EXIT_FINDINGS, EXIT_OK, UsageError, one, readText, writeAtomically, type Streams } from "./cli.js";
import { renderSummary } from "./render.js";

export async function checkCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  const file = one(positionals, "<rules>");
  const text = await readText(file);
  const parsed = parse(text);
  const checked = check(parsed);
  if (values["format"] === "json") {
    io.stdout.write(`${JSON.stringify({ file, diagnostics: checked.diagnostics.map(plainDiagnostic), summary: summaryJson(checked.model.summary) }, null, 2)}\n`);
  } else {
    const lang = (values["lang"] as "zh" | "en" | "both") ?? "both";
    for (const d of checked.diagnostics) io.stdout.write(`${renderDiagnostic(d, text, file, lang)}\n\n`);
    const errors = checked.diagnostics.filter((d) => d.severity === "error").length;
    const warnings = checked.diagnostics.length - errors;
    if (values["summary"]) io.stdout.write(`${outline(parsed.ast)}\n\n${renderSummary(checked.model.summary)}\n\n`);
    io.stdout.write(`${file}: ${errors} 个错误 errors, ${warnings} 个警告 warnings\n`);
  }
  return hasErrors(checked.diagnostics) ? EXIT_FINDINGS : EXIT_OK;
}

export async function fmtCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  if (positionals.length === 0) throw new UsageError("缺少 <rules> / missing <rules>");
  let changed = 0;
  let failed = 0;
  for (const file of positionals) {
    const text = await readText(file);
    const result = format(text);
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) {
      failed++;
      for (const d of errors) io.stderr.write(`${renderDiagnostic(d, text, file)}\n`);
      io.stderr.write(`${file}: 有语法错误，未排版 / has syntax errors, not formatted\n`);
      continue;
    }
    if (result.text === text) continue;
    changed++;
    if (values["check"]) io.stdout.write(`${file}: 需要排版 / would be reformatted\n`);
    else {
      await writeAtomically(file, result.text);
      io.stdout.write(`${file}: 已排版 / formatted\n`);
    }
  }
  if (failed > 0) return EXIT_FINDINGS;
  return values["check"] && changed > 0 ? EXIT_FINDINGS : EXIT_OK;
}

function plainDiagnostic(d: Diagnostic) {
  return {
    severity: d.severity, code: d.code, message: d.message, messageEn: d.messageEn,
    line: d.span.start.line, column: d.span.start.column, endLine: d.span.end.line, endColumn: d.span.end.column,
    ...(d.data ? { data: d.data } : {}),
  };
}

function summaryJson(s: Summary) {
  const D = (x: number | null) => (x === null ? null : decimal.format(x));
  return {
    total: D(s.total),
    weightSum: D(s.weightSum),
    sections: s.sections.map((x) => ({ id: x.id, title: x.title, weight: D(x.weight), reachableMin: D(x.reachable.min), reachableMax: D(x.reachable.max) })),
    cost: costJson(s.cost),
  };
}

/** The rule file's structure: sections and their items, vetoes, grades. */
function outline(ast: RuleFile): string {
  const lines: string[] = [];
  if (ast.header) lines.push(`${ast.header.title.value}  ${ast.header.document?.value ?? ""}`);
  for (const d of ast.declarations) {
    if (d.type === "Section") {
      lines.push(`  ${d.id.value} ${d.title.value}（满分 ${d.weight?.value ?? "?"}）`);
      for (const i of d.items) lines.push(`      ${i.number.text} ${i.form.type.padEnd(13)} ${i.points?.value ?? "—"} 分`);
    } else if (d.type === "VetoGroup") {
      lines.push(`  ${d.id.value} ${d.title.value}：${d.vetoes.map((v) => v.number.text).join(" ")}`);
    } else if (d.type === "Grade") {
      lines.push(`  等级 ${d.name.value}：及格 ${d.pass?.value ?? "—"}${d.quota ? `，每市 ≤ ${d.quota.value} 家` : ""}${d.windowFrom ? `，申报期 ${d.windowFrom.value} 至 ${d.windowTo?.value}` : ""}`);
    }
  }
  return lines.join("\n");
}
