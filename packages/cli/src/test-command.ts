/**
 * `jsqc test <rules>`: runs the cases in the folder beside the rule file (`2024.rules` →
 * `2024.tests/`), prints each failure as an item-by-item difference and a closing line
 * `N passed, N failed`; `--coverage` lists what no case exercised, `--min-coverage P` fails
 * under P percent. The case format is docs/rule-tests.md.
 */
import { readdir } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { applyOverrides, coverage, runCase, type Expectation, type RuleCase } from "@jsqc/engine";
import { EXIT_FINDINGS, EXIT_OK, InputError, readJson, type Streams } from "./cli.js";
import { loadRuleset } from "./rules.js";

interface CaseFile {
  name?: unknown;
  application?: unknown;
  grade?: unknown;
  inputs?: unknown;
  experts?: unknown;
  expect?: unknown;
}

/** The cases folder of a rule file: `rules/2024.rules` → `rules/2024.tests`. */
export function casesDirOf(rulesFile: string): string {
  return rulesFile.replace(/\.rules$/, "") + ".tests";
}

async function loadRef(value: unknown, base: string): Promise<unknown> {
  return typeof value === "string" ? readJson(resolve(base, value)) : value;
}

/** Reads every case of a folder: a file holds one case, or `{ "cases": [ … ] }`. */
export async function loadCases(dir: string): Promise<RuleCase[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".json")).sort();
  } catch {
    throw new InputError(`找不到测试用例目录 ${dir} / no cases folder ${dir}`);
  }
  const cases: RuleCase[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const json = (await readJson(file)) as CaseFile | { cases: CaseFile[] };
    const list: CaseFile[] = json && typeof json === "object" && Array.isArray((json as { cases?: unknown }).cases) ? (json as { cases: CaseFile[] }).cases : [json as CaseFile];
    for (const [i, c] of list.entries()) {
      const where = list.length > 1 ? `${name} #${i + 1}` : name;
      if (!c || typeof c !== "object" || c.expect === undefined) throw new InputError(`${where}: 用例须有 expect / a case needs "expect"`);
      const base = await loadRef(c.application ?? {}, dirname(file));
      const expect = (await loadRef(c.expect, dirname(file))) as Expectation;
      cases.push({
        name: typeof c.name === "string" ? c.name : name.replace(/\.json$/, ""),
        file: where,
        application: applyOverrides(base, { grade: c.grade, inputs: c.inputs, experts: c.experts }),
        expect,
      });
    }
  }
  return cases;
}

export async function testCommand(values: Record<string, unknown>, positionals: string[], io: Streams): Promise<number> {
  const rulesFile = positionals[0];
  if (!rulesFile || positionals.length > 1) throw new InputError("用法 usage: jsqc test <rules> [--cases DIR] [--coverage] [--min-coverage P]");
  const ruleset = await loadRuleset(rulesFile, io);
  if (!ruleset) return EXIT_FINDINGS;
  const dir = typeof values["cases"] === "string" ? values["cases"] : casesDirOf(rulesFile);
  const cases = await loadCases(dir);
  let passed = 0;
  let failed = 0;
  const results = cases.map((c) => runCase(ruleset, c));
  for (const r of results) {
    if (r.passed) {
      passed++;
      if (values["verbose"]) io.stdout.write(`✓ ${r.case.name}\n`);
      continue;
    }
    failed++;
    io.stdout.write(`✗ ${r.case.name}  (${relative(process.cwd(), join(dir, r.case.file.split(" ")[0]!))}${r.case.file.includes("#") ? ` ${r.case.file.split(" ")[1]}` : ""})\n`);
    for (const d of r.differences) io.stdout.write(`    ${d.path}: 期望 expected ${d.expected}，实际 actual ${d.actual}\n`);
  }
  let code = failed > 0 ? EXIT_FINDINGS : EXIT_OK;
  if (values["coverage"] || values["min-coverage"] !== undefined) {
    const cov = coverage(ruleset, results);
    const pct = (cov.ratio * 100).toFixed(1);
    io.stdout.write(`\n覆盖率 coverage: ${pct}% (${cov.goals.length - cov.missed.length}/${cov.goals.length})\n`);
    for (const m of cov.missed) io.stdout.write(`  未覆盖 not exercised: ${rulesFile}:${m.line}  ${m.description}\n`);
    const min = values["min-coverage"] !== undefined ? Number(values["min-coverage"]) : null;
    if (min !== null && (!Number.isFinite(min) || cov.ratio * 100 < min)) {
      io.stdout.write(`覆盖率低于 ${values["min-coverage"]}% / coverage below ${values["min-coverage"]}%\n`);
      code = EXIT_FINDINGS;
    }
  }
  io.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  return code;
}
