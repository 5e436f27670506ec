/**
 * A year's rule tests (`<year>.tests/`) as the editor uses them: carried into a new year with
 * their applications' dates moved (so last year's cases still fall inside the new windows), read
 * with every referenced application and expectation resolved, and an expectation replaced once
 * the officer accepts a case's new result. Case files follow docs/rule-tests.md.
 */
import type { FastifyInstance } from "fastify";
import { readFile, readdir, mkdir } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { apiError } from "./json.js";
import { storeName, writeAtomically, shiftDate, type AtomicIo } from "./files.js";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A case file's name inside a tests folder (no separators). */
const CASE_FILE = /^[^/\\\u0000-\u001f]{1,200}\.json$/;

/** Every `YYYY-MM-DD` string inside `value` moved by `years` (29 February becomes the 28th in a common year). */
export function shiftDates(value: unknown, years: number): unknown {
  if (typeof value === "string") return DATE.test(value) ? shiftDate(value, years) : value;
  if (Array.isArray(value)) return value.map((v) => shiftDates(v, years));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftDates(v, years)]));
  return value;
}

type CaseJson = Record<string, unknown>;

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, "utf8")) as unknown;
}

/**
 * Rewrites the copied case files of `dir` for a year `years` later: applications they reference
 * are copied into `applications/` with their dates moved; expectations they reference are copied
 * into `expected/` (so the new year's tests no longer depend on last year's files); inline
 * applications and input overrides have their dates moved too.
 */
export async function carryTests(dir: string, years: number): Promise<void> {
  const copied = new Map<string, string>();
  const bring = async (ref: string, caseDir: string, into: string, move: boolean): Promise<string> => {
    const source = resolve(caseDir, ref);
    let target = copied.get(source);
    if (!target) {
      // A reference that cannot be read stays as it was: the case then fails visibly in the editor.
      const json = await readJson(source).catch(() => undefined);
      if (json === undefined) return ref;
      await mkdir(join(dir, into), { recursive: true });
      target = join(dir, into, basename(source));
      await writeAtomically(target, `${JSON.stringify(move ? shiftDates(json, years) : json, null, 2)}\n`);
      copied.set(source, target);
    }
    return relative(caseDir, target).split(sep).join("/");
  };
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) { if (path !== join(dir, "applications") && path !== join(dir, "expected")) await walk(path); continue; }
      if (!entry.isFile() || !entry.name.endsWith(".json")) continue;
      const json = (await readJson(path)) as CaseJson | { cases: CaseJson[] };
      const list: CaseJson[] = Array.isArray((json as { cases?: unknown }).cases) ? (json as { cases: CaseJson[] }).cases : [json as CaseJson];
      for (const c of list) {
        if (typeof c["application"] === "string") c["application"] = await bring(c["application"], folder, "applications", true);
        else if (c["application"] !== undefined) c["application"] = shiftDates(c["application"], years);
        if (c["inputs"] !== undefined) c["inputs"] = shiftDates(c["inputs"], years);
        if (typeof c["expect"] === "string") c["expect"] = await bring(c["expect"], folder, "expected", false);
      }
      await writeAtomically(path, `${JSON.stringify(json, null, 2)}\n`);
    }
  };
  await walk(dir);
}

/** One case as the editor runs it: its application and expectation resolved. */
export interface LoadedCase {
  readonly file: string;
  readonly index: number;
  readonly name: string;
  readonly application: unknown;
  readonly grade?: unknown;
  readonly inputs?: unknown;
  readonly experts?: unknown;
  readonly expect: unknown;
}

/** Reads the case files directly in `dir` (a missing folder has no cases). */
export async function loadTests(dir: string): Promise<LoadedCase[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(".json")).sort();
  const out: LoadedCase[] = [];
  const ref = async (v: unknown) => (typeof v === "string" ? readJson(resolve(dir, v)) : v);
  for (const file of names) {
    const json = (await readJson(join(dir, file))) as CaseJson | { cases: CaseJson[] };
    const list: CaseJson[] = Array.isArray((json as { cases?: unknown }).cases) ? (json as { cases: CaseJson[] }).cases : [json as CaseJson];
    for (const [index, c] of list.entries()) {
      out.push({
        file, index,
        name: typeof c["name"] === "string" ? c["name"] : file.replace(/\.json$/, ""),
        application: await ref(c["application"] ?? {}),
        grade: c["grade"], inputs: c["inputs"], experts: c["experts"],
        expect: await ref(c["expect"]),
      });
    }
  }
  return out;
}

/**
 * `GET /api/files/:name/tests` (the cases of the file's year, resolved) and
 * `PUT /api/files/:name/tests` with `{ file, index, expect }` (a case's expectation replaced, written inline).
 */
export function registerYearTests(app: FastifyInstance, rulesDir: string, io: Partial<AtomicIo>): void {
  const folderOf = (name: string) => {
    const s = storeName(name);
    return s ? join(rulesDir, `${s.year}.tests`) : null;
  };
  app.get<{ Params: { name: string } }>("/api/files/:name/tests", async (req, reply) => {
    const dir = folderOf(req.params.name);
    if (!dir) return reply.status(400).send(apiError("bad_name", "文件名应为 <年度>.rules 或 <年度>.draft.rules", "a file name is <year>.rules or <year>.draft.rules"));
    try {
      return { folder: basename(dir), cases: await loadTests(dir) };
    } catch (err) {
      return reply.status(422).send(apiError("bad_tests", `读取规则测试失败：${(err as Error).message}`, `the rule tests could not be read: ${(err as Error).message}`));
    }
  });
  app.put<{ Params: { name: string } }>("/api/files/:name/tests", async (req, reply) => {
    const dir = folderOf(req.params.name);
    const body = req.body as { file?: unknown; index?: unknown; expect?: unknown } | null;
    if (!dir) return reply.status(400).send(apiError("bad_name", "文件名应为 <年度>.rules 或 <年度>.draft.rules", "a file name is <year>.rules or <year>.draft.rules"));
    if (!body || typeof body.file !== "string" || !CASE_FILE.test(body.file) || typeof body.index !== "number" || !Number.isInteger(body.index) || !body.expect || typeof body.expect !== "object") {
      return reply.status(422).send(apiError("invalid_case", "请求体应为 { file, index, expect }", "the body must be { file, index, expect }"));
    }
    const path = join(dir, body.file);
    if (dirname(path) !== dir) return reply.status(400).send(apiError("bad_name", "用例文件名无效", "invalid case file name"));
    let json: CaseJson | { cases: CaseJson[] };
    try {
      json = (await readJson(path)) as CaseJson | { cases: CaseJson[] };
    } catch {
      return reply.status(404).send(apiError("unknown_case", `没有用例文件 ${body.file}`, `no case file ${body.file}`));
    }
    const list: CaseJson[] = Array.isArray((json as { cases?: unknown }).cases) ? (json as { cases: CaseJson[] }).cases : [json as CaseJson];
    const c = list[body.index];
    if (!c) return reply.status(404).send(apiError("unknown_case", `${body.file} 没有第 ${body.index + 1} 个用例`, `${body.file} has no case ${body.index + 1}`));
    c["expect"] = body.expect;
    await writeAtomically(path, `${JSON.stringify(json, null, 2)}\n`, io);
    return { file: body.file, index: body.index };
  });
}

