/**
 * The OpenAPI document as a client in another service uses it (issue 16):
 * - docs/openapi.json is what `npm run openapi` writes for rules/ (every year's exact
 *   application schema in it), so it never falls behind a rule file;
 * - it is a valid OpenAPI 3.1 document (a standard validator, not ours);
 * - openapi-typescript turns it into types with the real inputs: an example application
 *   type-checks against them, and an application with a wrong type or an unknown field does not;
 * - the server serves the same document, with the years it has loaded.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import openapiTS, { astToString } from "openapi-typescript";
import { Validator } from "@seriousme/openapi-schema-validator";
import { compile } from "@jsqc/engine";
import { buildServer, withApplicationSchemas } from "@jsqc/server";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const committed = JSON.parse(readFileSync(join(repo, "docs/openapi.json"), "utf8")) as Record<string, any>;

function rulesYears() {
  return readdirSync(join(repo, "rules"))
    .filter((n) => /^\d{4}\.rules$/.test(n))
    .map((n) => {
      const c = compile(readFileSync(join(repo, "rules", n), "utf8"), n);
      if (!c.ok) throw new Error(`${n} has errors`);
      return { year: n.slice(0, 4), ruleset: c.ruleset };
    });
}

describe("docs/openapi.json", () => {
  test("holds the exact application schema of every rule file in rules/ (else: npm run openapi)", () => {
    const regenerated = withApplicationSchemas(committed, rulesYears());
    expect(JSON.parse(JSON.stringify(regenerated))).toEqual(committed);
    expect(Object.keys(committed["components"]["schemas"])).toContain("Application2024");
  });

  test("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(committed));
    expect(result.errors ?? [], JSON.stringify(result.errors ?? []).slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  test("openapi-typescript gives a client the real types: an example type-checks, a wrong field does not", async () => {
    const types = astToString(await openapiTS(structuredClone(committed) as never));
    expect(types).toContain("Application2024");
    expect(types).toContain("申报日期");
    // On one line, so that each bad case below is one line of the client.
    const example = JSON.stringify(JSON.parse(readFileSync(join(repo, "examples/01-kunshan-ruitai-jingmi-muju.json"), "utf8")));
    const client = [
      `import type { components } from "./api";`,
      `type Application = components["schemas"]["Application2024"];`,
      `export const good: Application = ${example};`,
      `export const badCount: Application = { grade: "A", inputs: { ...good.inputs, 发明专利数: "三" } };`,
      `export const badGrade: Application = { ...good, grade: "AAAA" };`,
      `export const unknownField: Application = { ...good, 未知字段: 1 };`,
      `export const missingInputs: Application = { grade: "A" };`,
    ].join("\n");
    const dir = await mkdtemp(join(tmpdir(), "jsqc-client-"));
    try {
      await writeFile(join(dir, "api.ts"), types);
      await writeFile(join(dir, "client.ts"), client);
      const program = ts.createProgram([join(dir, "client.ts")], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true });
      const errors = ts.getPreEmitDiagnostics(program).map((d) => ({
        line: d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : 0,
        file: d.file?.fileName.endsWith("api.ts") ? "api.ts" : "client.ts",
        text: ts.flattenDiagnosticMessageText(d.messageText, "\n").slice(0, 200),
      }));
      // The generated types themselves compile; the good example passes; each bad one fails.
      expect(errors.filter((e) => e.file === "api.ts")).toEqual([]);
      const lines = errors.map((e) => e.line);
      expect(lines, JSON.stringify(errors)).not.toContain(3);
      for (const line of [4, 5, 6, 7]) expect(lines, `line ${line} of the client should not type-check: ${client.split("\n")[line - 1]}`).toContain(line);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("GET /api/openapi.json", () => {
  let dir: string;
  let base: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "jsqc-openapi-"));
    await cp(join(repo, "rules/2024.rules"), join(dir, "2024.rules"));
    const source = (await readFile(join(repo, "rules/2024.rules"), "utf8")).replace("year 2024", "year 2031");
    await writeFile(join(dir, "2031.rules"), source);
    const { app } = await buildServer({ rulesDir: dir, watch: false });
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    close = () => app.close();
  });
  afterAll(async () => {
    await close();
    await rm(dir, { recursive: true, force: true });
  });

  test("serves the document with the application schema of each year it has loaded", async () => {
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as Record<string, any>;
    const schemas = doc["components"]["schemas"];
    expect(Object.keys(schemas).filter((k) => /^Application\d{4}$/.test(k)).sort()).toEqual(["Application2024", "Application2031"]);
    expect(schemas["Application"]["anyOf"]).toEqual([{ $ref: "#/components/schemas/Application2024" }, { $ref: "#/components/schemas/Application2031" }]);
    const served = (await (await fetch(`${base}/api/rules/2024/schema`)).json()) as Record<string, any>;
    const { $schema: _d, ...exact } = served["schema"] ?? served;
    expect(schemas["Application2024"]["properties"]).toEqual(exact["properties"]);
  });
});
