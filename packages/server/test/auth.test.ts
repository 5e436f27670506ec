import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtemp, mkdir, cp, writeFile, readFile, readdir, rm, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildServer, etagOf, hashToken, verifyToken, parseAccounts, AccountsError, ROUTE_ACCESS, ROLES,
  type Role, type Access,
} from "../src/index.js";
import { raw, type Answer } from "./http.js";

const repo = new URL("../../../", import.meta.url).pathname;
const EXAMPLE = "01-kunshan-ruitai-jingmi-muju.json";
const ORIGIN = "https://credit.example.gov.cn";
const TOKENS: Record<Role, string> = {
  policy: "policy-token-Zq3v9XkLm2Rt8Wb1",
  reviewer: "reviewer-token-Hn4s7YpQe6Uc0Ja5",
  service: "service-token-Dk2f8GtVx5Ni3Ow9",
};
const NAMES: Record<Role, string> = { policy: "张三", reviewer: "李四", service: "评分系统" };

let root: string;
let dir: string;
let accountsFile: string;
let base: string;
let routes: string[];
let close: () => Promise<void>;
let original: string;
let application: unknown;
let version: string; // a history version of 2024.rules

const call = (method: string, path: string, options: Parameters<typeof raw>[3] = {}) => raw(base, method, path, options);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "jsqc-auth-"));
  dir = join(root, "rules");
  await mkdir(dir);
  await cp(join(repo, "rules/2024.rules"), join(dir, "2024.rules"));
  original = await readFile(join(dir, "2024.rules"), "utf8");
  await mkdir(join(root, "examples"));
  await copyFile(join(repo, "examples", EXAMPLE), join(root, "examples", EXAMPLE));
  application = JSON.parse(await readFile(join(repo, "examples", EXAMPLE), "utf8"));
  await mkdir(join(root, "editor"));
  await writeFile(join(root, "editor", "index.html"), "<!doctype html><title>jsqc</title>");

  accountsFile = join(root, "accounts.json");
  const accounts = [];
  for (const role of ROLES) accounts.push({ name: NAMES[role], role, tokenHash: await hashToken(TOKENS[role]) });
  await writeFile(accountsFile, JSON.stringify({ accounts }, null, 2));

  const built = await buildServer({ rulesDir: dir, accountsFile, editorDir: join(root, "editor"), corsOrigins: [ORIGIN], watch: false });
  routes = built.routes;
  base = await built.app.listen({ port: 0, host: "127.0.0.1" });
  close = () => built.app.close();

  // One saved version, so the history routes have something to show.
  const saved = await call("PUT", "/api/files/2024.rules", { token: TOKENS.policy, headers: { "if-match": etagOf(original) }, body: JSON.stringify({ source: `${original}# 一\n` }) });
  expect(saved.status).toBe(200);
  const history = await call("GET", "/api/files/2024.rules/history", { token: TOKENS.policy });
  version = history.json[0].version;
});
afterAll(async () => {
  await close();
  await rm(root, { recursive: true, force: true });
});

/** The current text and ETag of a file in the store folder (null when missing). */
async function onDisk(name: string): Promise<{ source: string; etag: string } | null> {
  try {
    const source = await readFile(join(dir, name), "utf8");
    return { source, etag: etagOf(source) };
  } catch {
    return null;
  }
}

/** Every file of the store folder with its content: to show a refused request changed nothing. */
async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name)] = await readFile(join(e.parentPath, e.name), "utf8");
  }
  return out;
}

type Who = "none" | "bad" | Role;
let doc: Promise<Record<string, Record<string, { responses: Record<string, unknown> }>>> | undefined;
/** docs/openapi.json's paths, read once. */
const documented = () => (doc ??= readFile(join(repo, "docs/openapi.json"), "utf8").then((t) => (JSON.parse(t) as { paths: never }).paths));

const WHO: readonly Who[] = ["none", "bad", "policy", "reviewer", "service"];
const tokenOf = (who: Who) => (who === "none" ? undefined : who === "bad" ? "not-a-real-token-0000000000000" : TOKENS[who]);

interface Case {
  /** The route as in ROUTE_ACCESS. */
  route: string;
  /** A request that succeeds for a role allowed on the route (made afresh for each caller). */
  request: () => Promise<{ method: string; path: string; body?: unknown; headers?: Record<string, string> }>;
  /** Its status for an allowed caller. */
  ok: number;
}

let nextYear = 2040;
const json = (body: unknown) => JSON.stringify(body);

const CASES: Case[] = [
  { route: "GET /api/health", ok: 200, request: async () => ({ method: "GET", path: "/api/health" }) },
  { route: "GET /api/openapi.json", ok: 200, request: async () => ({ method: "GET", path: "/api/openapi.json" }) },
  { route: "GET /api/whoami", ok: 200, request: async () => ({ method: "GET", path: "/api/whoami" }) },
  { route: "GET /api/rules", ok: 200, request: async () => ({ method: "GET", path: "/api/rules" }) },
  { route: "GET /api/rules/:year", ok: 200, request: async () => ({ method: "GET", path: "/api/rules/2024" }) },
  { route: "GET /api/rules/:year/schema", ok: 200, request: async () => ({ method: "GET", path: "/api/rules/2024/schema" }) },
  { route: "POST /api/rules/:year/evaluate", ok: 200, request: async () => ({ method: "POST", path: "/api/rules/2024/evaluate", body: application }) },
  { route: "POST /api/rules/:year/evaluate-batch", ok: 200, request: async () => ({ method: "POST", path: "/api/rules/2024/evaluate-batch", body: { applications: [application] } }) },
  { route: "POST /api/rules/:year/validate", ok: 200, request: async () => ({ method: "POST", path: "/api/rules/2024/validate", body: application }) },
  { route: "GET /api/rules/:year/annex1", ok: 200, request: async () => ({ method: "GET", path: "/api/rules/2024/annex1?format=md" }) },
  { route: "GET /api/rules/:year/template", ok: 200, request: async () => ({ method: "GET", path: "/api/rules/2024/template" }) },
  { route: "POST /api/rules/:year/score-sheet", ok: 200, request: async () => ({ method: "POST", path: "/api/rules/2024/score-sheet?expert=%E4%B8%93%E5%AE%B6%E7%94%B2", body: { applications: [application] } }) },
  { route: "POST /api/rules/:year/report", ok: 200, request: async () => ({ method: "POST", path: "/api/rules/2024/report?format=html", body: application }) },
  { route: "POST /api/check", ok: 200, request: async () => ({ method: "POST", path: "/api/check", body: { source: original } }) },
  { route: "GET /api/files", ok: 200, request: async () => ({ method: "GET", path: "/api/files" }) },
  { route: "GET /api/files/:name", ok: 200, request: async () => ({ method: "GET", path: "/api/files/2024.rules" }) },
  {
    route: "PUT /api/files/:name", ok: 200,
    request: async () => {
      const now = await onDisk("2024.draft.rules");
      return {
        method: "PUT", path: "/api/files/2024.draft.rules", body: { source: `${original}# 草稿 ${Date.now()}\n` },
        headers: now ? { "if-match": now.etag } : { "if-none-match": "*" },
      };
    },
  },
  {
    route: "DELETE /api/files/:name", ok: 200,
    request: async () => {
      const text = `${original}# 待删除的草稿\n`;
      await writeFile(join(dir, "2099.draft.rules"), text);
      return { method: "DELETE", path: "/api/files/2099.draft.rules", headers: { "if-match": etagOf(text) } };
    },
  },
  { route: "POST /api/files/new-year", ok: 201, request: async () => ({ method: "POST", path: "/api/files/new-year", body: { from: "2024", year: String(nextYear++) } }) },
  { route: "GET /api/files/:name/tests", ok: 200, request: async () => ({ method: "GET", path: "/api/files/2024.rules/tests" }) },
  {
    route: "PUT /api/files/:name/tests", ok: 200,
    request: async () => {
      await mkdir(join(dir, "2024.tests"), { recursive: true });
      await writeFile(join(dir, "2024.tests", "t.json"), JSON.stringify({ application: {}, expect: {} }));
      return { method: "PUT", path: "/api/files/2024.rules/tests", body: { file: "t.json", index: 0, expect: { total: "100" } } };
    },
  },
  { route: "GET /api/files/:name/history", ok: 200, request: async () => ({ method: "GET", path: "/api/files/2024.rules/history" }) },
  { route: "GET /api/files/:name/history/:version", ok: 200, request: async () => ({ method: "GET", path: `/api/files/2024.rules/history/${version}` }) },
  { route: "POST /api/files/:name/merge", ok: 200, request: async () => ({ method: "POST", path: "/api/files/2024.rules/merge", body: { source: original, baseSource: original } }) },
  { route: "GET /api/examples", ok: 200, request: async () => ({ method: "GET", path: "/api/examples" }) },
  { route: "GET /api/examples/:name", ok: 200, request: async () => ({ method: "GET", path: `/api/examples/${EXAMPLE}` }) },
  { route: "GET /*", ok: 200, request: async () => ({ method: "GET", path: "/files/2024" }) },
  {
    route: "OPTIONS *", ok: 204,
    request: async () => ({ method: "OPTIONS", path: "/api/files/2024.rules", headers: { origin: ORIGIN, "access-control-request-method": "PUT", "access-control-request-headers": "authorization, if-match" } }),
  },
];

/** What a caller gets on a route of the given access. */
function expected(access: Access, who: Who, ok: number): number {
  if (access === "public") return ok;
  if (who === "none" || who === "bad") return 401;
  return access.includes(who) ? ok : 403;
}

describe("the route table", () => {
  test("every registered route is in the table, and every table entry is a route", () => {
    const table = Object.keys(ROUTE_ACCESS).sort();
    // The server's routes (HEAD and OPTIONS aside) plus @fastify/cors's OPTIONS route.
    expect([...routes, "OPTIONS *"].sort()).toEqual(table);
  });

  test("the table-driven test below covers every route of the table", () => {
    expect(CASES.map((c) => c.route).sort()).toEqual(Object.keys(ROUTE_ACCESS).sort());
  });

  test("docs/openapi.json states the same roles per operation (x-roles) and no security on public ones", async () => {
    const doc = JSON.parse(await readFile(join(repo, "docs/openapi.json"), "utf8")) as { paths: Record<string, Record<string, { security?: unknown[]; "x-roles"?: string[] }>> };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const access = ROUTE_ACCESS[`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`];
        expect(access, `${method} ${path}`).toBeDefined();
        if (access === "public") {
          expect(op.security, `${method} ${path}`).toEqual([]);
          expect(op["x-roles"], `${method} ${path}`).toBeUndefined();
        } else {
          expect(op.security, `${method} ${path}`).toBeUndefined();
          expect(op["x-roles"], `${method} ${path}`).toEqual([...access!]);
        }
      }
    }
  });
});

describe("each role on each route", () => {
  for (const c of CASES) {
    test(c.route, async () => {
      const access = ROUTE_ACCESS[c.route]!;
      const got: Record<string, number> = {};
      const want: Record<string, number> = {};
      for (const who of WHO) {
        const r = await c.request();
        const before = await snapshot();
        const token = tokenOf(who);
        const answer = await call(r.method, r.path, {
          headers: r.headers ?? {},
          ...(r.body !== undefined ? { body: json(r.body) } : {}),
          ...(token !== undefined ? { token } : {}),
        });
        got[who] = answer.status;
        want[who] = expected(access, who, c.ok);
        if (answer.status === 401) {
          expect(answer.headers["www-authenticate"], `${c.route} as ${who}`).toMatch(/^Bearer realm="jsqc"/);
          expect(answer.json.error.code).toBe("unauthorized");
        }
        if (answer.status === 403) {
          expect(answer.json.error.code).toBe("forbidden");
          expect(answer.json.error.role).toBe(who);
          expect(answer.json.error.message).toContain(who);
          expect(answer.json.error.messageEn).toContain(`"${who}"`);
        }
        // A refused request changes nothing on disk.
        if (answer.status === 401 || answer.status === 403) expect(await snapshot(), `${c.route} as ${who}`).toEqual(before);
        // The draft the DELETE case wrote is cleaned up when the delete was refused.
        await rm(join(dir, "2099.draft.rules"), { force: true });
      }
      expect(got).toEqual(want);
      // Every answer an API route gave is one docs/openapi.json lists for the operation, and every
      // operation lists the guards' answers (421 host_not_allowed; 429 and 503 where a token is checked).
      const [method, route] = c.route.split(" ") as [string, string];
      if (route.startsWith("/api/")) {
        const op = (await documented())[route.replace(/:(\w+)/g, "{$1}")]?.[method.toLowerCase()];
        expect(op, c.route).toBeDefined();
        const listed = Object.keys(op!.responses);
        for (const status of new Set(Object.values(got))) expect(listed, `${c.route} answered ${status}`).toContain(String(status));
        expect(listed, c.route).toContain("421");
        if (access !== "public") expect(listed, c.route).toEqual(expect.arrayContaining(["401", "429", "503"]));
      }
    });
  }

  test("an unknown /api route needs an account before it is a 404; HEAD is GET's", async () => {
    const expect404: [Who, number][] = [["none", 401], ["bad", 401], ["policy", 404], ["reviewer", 404], ["service", 404]];
    for (const [who, status] of expect404) {
      const token = tokenOf(who);
      expect((await call("GET", "/api/nothing", token !== undefined ? { token } : {})).status, who).toBe(status);
      // A bad name under /api/files/ too: 401 first, then 400.
      expect((await call("GET", "/api/files/..%2f..%2fsecret", token !== undefined ? { token } : {})).status, who).toBe(status === 404 ? (who === "service" ? 403 : 400) : 401);
    }
    expect((await call("HEAD", "/api/files")).status).toBe(401);
    expect((await call("HEAD", "/api/files", { token: TOKENS.reviewer })).status).toBe(200);
    expect((await call("HEAD", "/api/files", { token: TOKENS.service })).status).toBe(403);
  });
});

describe("tokens", () => {
  test("the accounts file holds scrypt hashes, never the tokens", async () => {
    const text = await readFile(accountsFile, "utf8");
    for (const token of Object.values(TOKENS)) expect(text).not.toContain(token);
    const file = JSON.parse(text) as { accounts: { name: string; role: Role; tokenHash: string }[] };
    for (const a of file.accounts) {
      expect(a.tokenHash).toMatch(/^scrypt\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/);
      expect(await verifyToken(TOKENS[a.role], a.tokenHash)).toBe(true);
      expect(await verifyToken(`${TOKENS[a.role]}x`, a.tokenHash)).toBe(false);
    }
    // Salted: the same token hashes differently each time.
    expect(await hashToken(TOKENS.policy)).not.toBe(file.accounts[0]!.tokenHash);
    await expect(hashToken("short")).rejects.toThrow(/at least 16/);
    await expect(hashToken("has spaces in the token")).rejects.toThrow(/letters, digits/);
  });

  test("whoami names the account and its role", async () => {
    for (const role of ROLES) {
      const me = await call("GET", "/api/whoami", { token: TOKENS[role] });
      expect(me.json).toEqual({ name: NAMES[role], role, authenticated: true });
    }
  });

  test("malformed Authorization headers get 401 invalid_token; the scheme is case-insensitive", async () => {
    for (const header of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", `Bearer ${TOKENS.policy} extra`, `Token ${TOKENS.policy}`, `Bearer ${"x".repeat(600)}`, `Bearer ${TOKENS.policy}é`]) {
      const res = await call("GET", "/api/whoami", { headers: { authorization: header } });
      expect(res.status, header.slice(0, 40)).toBe(401);
      expect(res.headers["www-authenticate"]).toContain('error="invalid_token"');
    }
    const missing = await call("GET", "/api/whoami");
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="jsqc"');
    expect((await call("GET", "/api/whoami", { headers: { authorization: `bearer ${TOKENS.service}` } })).json.name).toBe(NAMES.service);
  });

  test("errors carry no token, hash or path", async () => {
    const answers: Answer[] = [
      await call("GET", "/api/files", { token: "wrong-token-abcdefghijklmnop" }),
      await call("PUT", "/api/files/2024.rules", { token: TOKENS.reviewer, body: json({ source: "x" }) }),
    ];
    const hashes = (JSON.parse(await readFile(accountsFile, "utf8")) as { accounts: { tokenHash: string }[] }).accounts.map((a) => a.tokenHash);
    for (const a of answers) {
      expect(a.text).not.toMatch(/wrong-token|scrypt|\/tmp\//);
      for (const h of hashes) expect(a.text).not.toContain(h.split("$")[2]);
    }
  });
});

describe("accounts configuration", () => {
  test("bad accounts files are refused with a reason, before the server starts", async () => {
    const good = await hashToken(TOKENS.policy);
    const bad: [unknown, RegExp][] = [
      [[], /accounts/],
      [{ accounts: {} }, /accounts/],
      [{ accounts: [{ name: "甲", role: "policy", token: TOKENS.policy, tokenHash: good }] }, /clear-text/],
      [{ accounts: [{ name: "甲", role: "admin", tokenHash: good }] }, /role/],
      [{ accounts: [{ name: "", role: "policy", tokenHash: good }] }, /name/],
      [{ accounts: [{ name: "甲", role: "policy", tokenHash: "plain" }] }, /tokenHash/],
      [{ accounts: [{ name: "甲", role: "policy", tokenHash: "scrypt$c2FsdA==$aGFzaA==" }] }, /tokenHash/],
      [{ accounts: [{ name: "甲", role: "policy", tokenHash: good }, { name: "甲", role: "reviewer", tokenHash: good }] }, /duplicate/],
    ];
    for (const [json, reason] of bad) {
      expect(() => parseAccounts(json), JSON.stringify(json).slice(0, 80)).toThrow(reason);
      const file = join(root, "bad-accounts.json");
      await writeFile(file, JSON.stringify(json));
      await expect(buildServer({ rulesDir: dir, accountsFile: file, watch: false })).rejects.toBeInstanceOf(AccountsError);
    }
    await writeFile(join(root, "bad-accounts.json"), "{ not json");
    await expect(buildServer({ rulesDir: dir, accountsFile: join(root, "bad-accounts.json"), watch: false })).rejects.toThrow(/JSON/);
    await expect(buildServer({ rulesDir: dir, accountsFile: join(root, "missing.json"), watch: false })).rejects.toThrow(/ENOENT/);
    await expect(buildServer({ rulesDir: dir, accountsFile, accounts: { accounts: [] }, watch: false })).rejects.toThrow(/not both/);
  });

  test("accounts given as JSON (JSQC_ACCOUNTS); an empty list lets no one in; one token for two accounts is refused", async () => {
    const shared = "shared-token-Pq8Lr4Mz1Xc7Vb3N";
    const { app } = await buildServer({
      rulesDir: dir, watch: false,
      accounts: { accounts: [
        { name: "王五", role: "reviewer", tokenHash: await hashToken(TOKENS.reviewer) },
        { name: "甲", role: "policy", tokenHash: await hashToken(shared) },
        { name: "乙", role: "reviewer", tokenHash: await hashToken(shared) },
      ] },
    });
    const at = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      expect((await raw(at, "GET", "/api/whoami", { token: TOKENS.reviewer })).json.name).toBe("王五");
      expect((await raw(at, "GET", "/api/whoami", { token: TOKENS.policy })).status).toBe(401);
      expect((await raw(at, "GET", "/api/whoami", { token: shared })).status).toBe(401);
    } finally {
      await app.close();
    }
    const empty = await buildServer({ rulesDir: dir, watch: false, accounts: { accounts: [] } });
    const at2 = await empty.app.listen({ port: 0, host: "127.0.0.1" });
    try {
      expect((await raw(at2, "GET", "/api/health")).status).toBe(200);
      expect((await raw(at2, "GET", "/api/rules")).status).toBe(401);
      expect((await raw(at2, "GET", "/api/rules", { token: TOKENS.policy })).status).toBe(401);
    } finally {
      await empty.app.close();
    }
  });

  test("without accounts everything is allowed, as the local user; an unlisted route is still refused", async () => {
    const { app } = await buildServer({
      rulesDir: dir, watch: false,
      extend: (a) => {
        a.get("/api/extra", async () => ({ extra: true }));
        a.get("/api/listed", async () => ({ listed: true }));
      },
      access: { "GET /api/listed": ["reviewer"] },
    });
    const at = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      expect((await raw(at, "GET", "/api/whoami")).json).toEqual({ name: "local", role: "policy", authenticated: false });
      expect((await raw(at, "GET", "/api/files")).status).toBe(200);
      expect((await raw(at, "GET", "/api/files", { token: "anything-at-all-here-123" })).status).toBe(200);
      expect((await raw(at, "GET", "/api/listed")).status).toBe(200);
      const extra = await raw(at, "GET", "/api/extra");
      expect(extra.status).toBe(403);
      expect(extra.json.error.messageEn).toMatch(/not in the access table/);
    } finally {
      await app.close();
    }
  });

  test("with accounts, a route added by extend is refused to every role unless the table lists it", async () => {
    const { app } = await buildServer({
      rulesDir: dir, watch: false, accountsFile,
      extend: (a) => {
        a.get("/api/extra", async () => ({ extra: true }));
        a.get("/api/listed", async () => ({ listed: true }));
      },
      access: { "GET /api/listed": ["reviewer"] },
    });
    const at = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      for (const role of ROLES) {
        expect((await raw(at, "GET", "/api/extra", { token: TOKENS[role] })).status, role).toBe(403);
        expect((await raw(at, "GET", "/api/listed", { token: TOKENS[role] })).status, role).toBe(role === "reviewer" ? 200 : 403);
      }
      expect((await raw(at, "GET", "/api/extra")).status).toBe(401);
    } finally {
      await app.close();
    }
  });
});
