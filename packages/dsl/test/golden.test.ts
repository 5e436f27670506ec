/**
 * Golden tests of diagnostics: each `golden/<CODE>-<name>.rules` is a small, complete rule file
 * with one mistake (or, when its first comment says `mistakes: N`, N mistakes), and
 * `<CODE>-<name>.expected` holds what the CLI prints for it. One mistake must give one clear
 * diagnostic at the right place; the file name's CODE is the code of the first diagnostic.
 *
 * `UPDATE_GOLDEN=1 npx vitest run packages/dsl/test/golden.test.ts` rewrites the .expected files;
 * read every changed one before committing it.
 */
import { describe, expect, test } from "vitest";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CATALOGUE, MAX_DIAGNOSTICS, MAX_SOURCE_LENGTH, check, parse, renderDiagnostic } from "../src/index.js";

const goldenDir = fileURLToPath(new URL("./golden/", import.meta.url));
const update = process.env["UPDATE_GOLDEN"] === "1";
const files = readdirSync(goldenDir).filter((f) => f.endsWith(".rules")).sort();

function diagnose(text: string) {
  return check(parse(text)).diagnostics;
}

function render(file: string, text: string): string {
  return `${diagnose(text).map((d) => renderDiagnostic(d, text, file, "both")).join("\n\n")}\n`;
}

/** The sample rule file with every construct of the language, its mistakes removed. */
const clean = readFileSync(new URL("./fixtures/clean.rules", import.meta.url), "utf8");

describe("golden diagnostics", () => {
  test.each(files)("%s", (file) => {
    const text = readFileSync(goldenDir + file, "utf8");
    const diagnostics = diagnose(text);
    const code = /^([A-Z]\d{3})-/.exec(file)?.[1];
    const mistakes = Number(/mistakes: (\d+)/.exec(text)?.[1] ?? "1");

    expect(code, "file name starts with a diagnostic code").toBeDefined();
    expect(diagnostics[0]?.code, "first diagnostic's code").toBe(code);
    expect(diagnostics.map((d) => d.code), "one diagnostic per mistake").toHaveLength(mistakes);

    const actual = render(file, text);
    const expectedFile = goldenDir + file.replace(/\.rules$/, ".expected");
    if (update) writeFileSync(expectedFile, actual);
    expect(existsSync(expectedFile), `${expectedFile} exists (run with UPDATE_GOLDEN=1)`).toBe(true);
    expect(actual).toBe(readFileSync(expectedFile, "utf8"));
  });

  test("every diagnostic code the lexer, parser and checker emit has a golden file", () => {
    const covered = new Set(files.map((f) => f.slice(0, 4)));
    const codes = [...Object.keys(CATALOGUE), "P001", "P002", "P003", "P004"].filter((c) => !["M001", "M002", "M003", "F001", "C001"].includes(c)); // F001: format.test.ts; C001: the engine
    expect(codes.filter((c) => !covered.has(c))).toEqual([]);
  });

  test("every .expected file has its .rules file", () => {
    const stale = readdirSync(goldenDir)
      .filter((f) => f.endsWith(".expected"))
      .filter((f) => !files.includes(f.replace(/\.expected$/, ".rules")));
    expect(stale).toEqual([]);
  });

  test("the clean fixture checks without diagnostics", () => {
    expect(diagnose(clean).map((d) => renderDiagnostic(d, clean, "clean.rules"))).toEqual([]);
  });
});

describe("limits", () => {
  test(`more than ${MAX_DIAGNOSTICS} mistakes give ${MAX_DIAGNOSTICS} diagnostics and one M001`, () => {
    const mistakes = 150;
    const requirements = Array.from({ length: mistakes }, (_, i) => `  require "条件${i}": 未定义${i} >= 1`).join("\n");
    const text = clean.replace(/eligibility "基本条件" \{\n/, (m) => `${m}${requirements}\n`);
    expect(text).not.toBe(clean);
    const diagnostics = diagnose(text);
    expect(diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(diagnostics.slice(0, MAX_DIAGNOSTICS).every((d) => d.code === "N001")).toBe(true);
    const last = diagnostics[MAX_DIAGNOSTICS]!;
    expect(last.code).toBe("M001");
    expect(last.severity).toBe("warning");
    expect(last.messageEn).toContain(String(mistakes - MAX_DIAGNOSTICS));
  });

  test("exactly as many as the limit give no M001", () => {
    const requirements = Array.from({ length: MAX_DIAGNOSTICS }, (_, i) => `  require "条件${i}": 未定义${i} >= 1`).join("\n");
    const text = clean.replace(/eligibility "基本条件" \{\n/, (m) => `${m}${requirements}\n`);
    const codes = diagnose(text).map((d) => d.code);
    expect(codes).toHaveLength(MAX_DIAGNOSTICS);
    expect(codes).not.toContain("M001");
  });

  test(`a source longer than ${MAX_SOURCE_LENGTH} characters gives M002 alone`, () => {
    const text = clean + "#".repeat(MAX_SOURCE_LENGTH - clean.length + 1);
    expect(text.length).toBe(MAX_SOURCE_LENGTH + 1);
    const diagnostics = diagnose(text);
    expect(diagnostics.map((d) => d.code)).toEqual(["M002"]);
    expect(diagnostics[0]!.messageEn).toContain(String(MAX_SOURCE_LENGTH + 1));
    // A file of exactly the limit is read.
    expect(diagnose(clean + " ".repeat(MAX_SOURCE_LENGTH - clean.length)).map((d) => d.code)).toEqual([]);
  });
});
