/** A new year's rule tests: carried with their applications dated into the new year, read resolved, an expectation accepted — over real sockets and a real disk. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, cp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile, runCase, applyOverrides, type RuleCase, type Expectation } from "@jsqc/engine";
import { raw as rawRequest } from "./http.js";
import { buildServer } from "../src/index.js";
import { shiftDates } from "../src/year-tests.js";

const repo = new URL("../../../", import.meta.url).pathname;
let root: string;
let base: string;
let close: () => Promise<void>;
const raw = (method: string, path: string, body?: unknown) => rawRequest(base, method, path, body === undefined ? {} : { body: JSON.stringify(body) });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "jsqc-year-tests-"));
  await cp(join(repo, "rules"), join(root, "rules"), { recursive: true });
  await cp(join(repo, "examples"), join(root, "examples"), { recursive: true });
  const { app } = await buildServer({ rulesDir: join(root, "rules") });
  base = await app.listen({ port: 0, host: "127.0.0.1" });
  close = async () => { await app.close(); await rm(root, { recursive: true, force: true }); };
});
afterAll(async () => { await close?.(); });

describe("rule tests in a new year", () => {
  test("dates move by whole years; 29 February falls back in a common year; other strings stay", () => {
    expect(shiftDates({ a: "2024-02-29", b: ["2023-06-18", "x"], c: 3, d: "2024-3-1" }, 1)).toEqual({ a: "2025-02-28", b: ["2024-06-18", "x"], c: 3, d: "2024-3-1" });
  });

  test("carried into 2025: applications dated into 2025, and every case passes under the unchanged rules", async () => {
    const made = await raw("POST", "/api/files/new-year", { from: "2024", year: "2025", document: "苏市监〔2025〕18号" });
    expect(made.status).toBe(201);
    const app01 = JSON.parse(await readFile(join(root, "rules/2025.tests/applications/01-kunshan-ruitai-jingmi-muju.json"), "utf8"));
    const old01 = JSON.parse(await readFile(join(root, "examples/01-kunshan-ruitai-jingmi-muju.json"), "utf8"));
    expect(app01.inputs["申报日期"]).toBe(old01.inputs["申报日期"].replace(/^2024/, "2025"));
    expect(app01).toEqual(shiftDates(old01, 1));
    const cases = JSON.parse(await readFile(join(root, "rules/2025.tests/examples.json"), "utf8"));
    expect(cases.cases[0].application).toBe("applications/01-kunshan-ruitai-jingmi-muju.json");
    expect(cases.cases[0].expect).toBe("expected/01-kunshan-ruitai-jingmi-muju.expected.json");

    const res = await raw("GET", "/api/files/2025.draft.rules/tests");
    expect(res.status).toBe(200);
    expect(res.json.folder).toBe("2025.tests");
    const compiled = compile(await readFile(join(root, "rules/2025.rules"), "utf8"), "2025.rules");
    if (!compiled.ok) throw new Error("2025.rules does not compile");
    const loaded = res.json.cases as { name: string; file: string; application: unknown; grade?: unknown; inputs?: unknown; experts?: unknown; expect: Expectation }[];
    const results = loaded.map((c) => runCase(compiled.ruleset, { name: c.name, file: c.file, expect: c.expect, application: applyOverrides(c.application, { grade: c.grade, inputs: c.inputs, experts: c.experts }) } satisfies RuleCase));
    expect(results.filter((r) => !r.passed).map((r) => `${r.case.name}: ${JSON.stringify(r.differences)}`)).toEqual([]);
    expect(results.length).toBeGreaterThan(20);
  });

  test("an accepted expectation is written into the case file; bad requests are refused", async () => {
    const put = await raw("PUT", "/api/files/2025.rules/tests", { file: "三-质量管理体系.json", index: 0, expect: { total: "99" } });
    expect(put.status).toBe(200);
    const json = JSON.parse(await readFile(join(root, "rules/2025.tests/三-质量管理体系.json"), "utf8"));
    const first = Array.isArray(json.cases) ? json.cases[0] : json;
    expect(first.expect).toEqual({ total: "99" });
    expect((await raw("PUT", "/api/files/2025.rules/tests", { file: "../2024.rules", index: 0, expect: {} })).status).toBe(422);
    expect((await raw("PUT", "/api/files/2025.rules/tests", { file: "nope.json", index: 0, expect: {} })).status).toBe(404);
    expect((await raw("GET", "/api/files/..%2F/tests")).status).toBe(400);
  });
});
