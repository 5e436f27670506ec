/**
 * The HTTP API, on Fastify: chosen over Hono for what it does out of the box that this API
 * needs — a body limit answered with 413, content-type checks (415), JSON parsing that refuses
 * `__proto__`/`constructor` keys, and a mature Node server with clean shutdown — so no request
 * handling is hand-written. The OpenAPI document is `docs/openapi.json`, served at
 * `/api/openapi.json`.
 *
 * Who may call which route is decided in one place, auth.ts's hook and its route table; the
 * file store's changes are audited and their old texts kept (audit.ts).
 */
import Fastify, { type FastifyInstance, type FastifyError, type FastifyReply } from "fastify";
import cors from "@fastify/cors";
import { readFileSync } from "node:fs";
import { parse, check, decimal as D } from "@jsqc/dsl";
import { evaluate, validate, applicationJsonSchema, type Ruleset } from "@jsqc/engine";
import { RuleStore, type RuleEntry } from "./store.js";
import { apiError, diagnosticJson } from "./json.js";
import { registerFiles, badStoreName, type FileStoreOptions } from "./files.js";
import { registerStatic } from "./static.js";
import { registerPaper } from "./paper-routes.js";
import { drainBody } from "./drain.js";
import { registerAuth, loadAccountsFile, parseAccounts, AccountsError, type Access, type Account, type AccountsConfig, type Auth } from "./auth.js";

export interface ServerOptions {
  /** The folder of `<year>.rules` files. */
  readonly rulesDir: string;
  /** Origins allowed by CORS; empty (the default) sends no CORS headers. `["*"]` allows any. */
  readonly corsOrigins?: readonly string[];
  /** Largest request body for one application or a rule text, in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  /** Largest request body for a batch, in bytes (default 16 MiB). */
  readonly batchBodyLimit?: number;
  /** Most applications in one batch request (default 10,000). */
  readonly maxBatch?: number;
  /** Reload rule files when they change on disk (default true). */
  readonly watch?: boolean;
  readonly logger?: boolean;
  /**
   * The folder of example applications (`<name>.json`) offered by `GET /api/examples`; default
   * `examples/` beside the rules folder when it exists.
   */
  readonly examplesDir?: string;
  /** The built editor (a folder with index.html), served at `/` and every non-`/api` path; off when unset. */
  readonly editorDir?: string;
  /** The file store's options (the editor's `/api/files`): mostly for tests, which inject failing writes. */
  readonly files?: FileStoreOptions;
  /** Called with the Fastify instance before it is ready, to add routes (the editor's). */
  readonly extend?: (app: FastifyInstance, store: RuleStore) => void | Promise<void>;
  /**
   * A JSON accounts file `{ "accounts": [{ name, role, tokenHash }] }`: with it, `/api` needs a
   * bearer token (auth.ts). Without it (and without `accounts`) everything is allowed.
   */
  readonly accountsFile?: string;
  /** The accounts themselves (the same JSON, e.g. from `JSQC_ACCOUNTS`); not with `accountsFile`. */
  readonly accounts?: AccountsConfig;
  /** Who may call the routes `extend` adds ("METHOD /route" → roles, or "public"); others are refused. */
  readonly access?: Readonly<Record<string, Access>>;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_BATCH_BODY_LIMIT = 16 * 1024 * 1024;
export const DEFAULT_MAX_BATCH = 10_000;

export { apiError };

function summaryJson(entry: { model: RuleEntry["model"] }) {
  const s = entry.model.summary;
  const f = (x: number | null) => (x === null ? null : D.format(x));
  return {
    total: f(s.total),
    weightSum: f(s.weightSum),
    sections: s.sections.map((x) => ({ id: x.id, title: x.title, weight: f(x.weight), reachableMin: f(x.reachable.min), reachableMax: f(x.reachable.max) })),
  };
}

function outline(entry: RuleEntry) {
  const ast = entry.parsed.ast;
  return {
    title: ast.header?.title.value ?? null,
    year: ast.header?.year?.value ?? null,
    document: ast.header?.document?.value ?? null,
    sections: ast.declarations.flatMap((d) =>
      d.type === "Section"
        ? [{ id: d.id.value, title: d.title.value, weight: d.weight?.value ?? null, line: d.span.start.line,
             items: d.items.map((i) => ({ id: i.id, number: i.number.text, text: i.text.value, points: i.points?.value ?? null, form: i.form.type, line: i.span.start.line })) }]
        : []),
    vetoes: ast.declarations.flatMap((d) => (d.type === "VetoGroup" ? d.vetoes.map((v) => ({ id: v.id, text: v.text.value, line: v.span.start.line })) : [])),
    grades: ast.declarations.flatMap((d) =>
      d.type === "Grade" ? [{ name: d.name.value, label: d.label?.value ?? null, pass: d.pass?.value ?? null, quota: d.quota?.value ?? null, windowFrom: d.windowFrom?.value ?? null, windowTo: d.windowTo?.value ?? null }] : []),
    inputs: [...entry.model.symbols.values()].flatMap((s) => (s.kind === "input" ? [{ name: s.name, label: s.decl.label?.value ?? s.name, type: s.type }] : [])),
  };
}

const schemaCache = new WeakMap<Ruleset, Record<string, unknown>>();
function jsonSchema(rs: Ruleset): Record<string, unknown> {
  let s = schemaCache.get(rs);
  if (!s) {
    s = applicationJsonSchema(rs.schema, `${rs.title} 申请`);
    schemaCache.set(rs, s);
  }
  return s;
}

const openapi = (() => {
  try {
    return JSON.parse(readFileSync(new URL("../../../docs/openapi.json", import.meta.url), "utf8")) as unknown;
  } catch {
    return null;
  }
})();

/** Builds the server (not listening yet). */
export async function buildServer(options: ServerOptions): Promise<{ app: FastifyInstance; store: RuleStore; routes: string[]; auth: Auth }> {
  // The accounts first: a broken accounts file stops the server before anything starts.
  if (options.accountsFile !== undefined && options.accounts !== undefined) {
    throw new AccountsError("accountsFile 与 accounts 只能给一个 / give accountsFile or accounts, not both");
  }
  let accounts: Account[] | null = null;
  if (options.accountsFile !== undefined) accounts = await loadAccountsFile(options.accountsFile);
  else if (options.accounts !== undefined) accounts = parseAccounts(options.accounts);

  const store = new RuleStore(options.rulesDir);
  await store.load();
  if (options.watch !== false) store.watch();
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    return503OnClosing: true,
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    // Room for an example's Chinese name percent-encoded; names are checked by pattern anyway.
    routerOptions: { maxParamLength: 1000 },
    // A URL that does not percent-decode, or a path segment past the length limit: the same
    // error envelope as every other 4xx (and a bad name under /api/files/ or /api/examples/).
    frameworkErrors: (err, req, reply) => {
      const r = reply as FastifyReply;
      const bad = badStoreName(req.url);
      if (bad) return void r.status(400).send(bad);
      if (err.code === "FST_ERR_MAX_PARAM_LENGTH") return void r.status(414).send(apiError("uri_too_long", "请求路径过长", "request path too long"));
      if (err.code === "FST_ERR_BAD_URL") return void r.status(400).send(apiError("bad_request", "请求无法解析：URL 编码有误", "malformed request: bad URL encoding"));
      return void r.status(400).send(apiError("bad_request", "请求无法解析", "malformed request"));
    },
  });
  app.addHook("onClose", async () => store.close());
  /** Every route as "METHOD /path", for the test that holds docs/openapi.json to the server. */
  const routes: string[] = [];
  app.addHook("onRoute", (r) => {
    for (const m of [r.method].flat()) if (m !== "HEAD" && m !== "OPTIONS") routes.push(`${m} ${r.url}`);
  });

  const origins = options.corsOrigins ?? [];
  if (origins.length > 0) {
    await app.register(cors, { origin: origins.includes("*") ? true : [...origins], methods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"] });
  }
  // Before every other hook: a request that may not be made is refused before its body is read.
  const auth = registerAuth(app, { accounts, ...(options.access ? { access: options.access } : {}) });
  // Compressed bodies are refused before they are read: no decompression, so no compression bomb.
  app.addHook("onRequest", async (req, reply) => {
    const encoding = req.headers["content-encoding"];
    if (encoding && encoding.toLowerCase() !== "identity") {
      return reply.status(415).send(apiError("unsupported_encoding", "不支持压缩的请求体", "compressed request bodies are not supported"));
    }
  });
  app.addContentTypeParser("text/plain", { parseAs: "string" }, (_req, body, done) => done(null, body));

  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 413) {
      // The limit of the route that refused the body (the batch route has its own).
      const limit = req.routeOptions.bodyLimit ?? options.bodyLimit ?? DEFAULT_BODY_LIMIT;
      // Read the rest of the body (bounded) before answering, so that a client still writing
      // gets the 413 instead of a reset connection (drain.ts).
      const whole = await drainBody(req.raw);
      // Fastify marks a refused body's connection to be closed; once the body has been read to
      // its end the connection can serve the client's next request.
      if (whole) reply.removeHeader("connection");
      else reply.header("connection", "close");
      return reply.status(413).send(apiError("body_too_large", `请求体过大（上限 ${limit} 字节）`, `request body too large (limit ${limit} bytes)`, { limit }));
    }
    if (status === 415) return reply.status(415).send(apiError("unsupported_media_type", "不支持的内容类型，请用 application/json", "unsupported content type; use application/json"));
    if (status === 400) {
      const reason = err.code === "FST_ERR_CTP_EMPTY_JSON_BODY" ? "empty body" : /prototype|constructor/i.test(err.message) ? "forbidden __proto__ or constructor key" : err.message.replace(/\s+at .*$/s, "").slice(0, 200);
      return reply.status(400).send(apiError("bad_request", `请求无法解析：${reason}`, `malformed request: ${reason}`));
    }
    if (status < 500) return reply.status(status).send(apiError("request_error", "请求有误", err.message.slice(0, 200)));
    app.log.error(err);
    return reply.status(500).send(apiError("internal", "服务器内部错误", "internal server error"));
  });
  app.setNotFoundHandler((req, reply) => {
    // A name under /api/files/ or /api/examples/ that no route took (it had a slash, or was empty)
    // is answered as the bad name it is, the same as one that reached a route.
    const bad = badStoreName(req.url);
    if (bad) return reply.status(400).send(bad);
    reply.status(404).send(apiError("not_found", `没有此路径：${req.method} ${req.url.split("?")[0]!.slice(0, 100)}`, `no such route: ${req.method} ${req.url.split("?")[0]!.slice(0, 100)}`));
  });

  const entryOr404 = (year: string, reply: import("fastify").FastifyReply): RuleEntry | null => {
    const entry = store.get(year);
    if (!entry) {
      reply.status(404).send(apiError("unknown_year", `没有 ${year.slice(0, 20)} 年度的规则文件`, `no rule file for year ${year.slice(0, 20)}`, { years: store.years() }));
      return null;
    }
    return entry;
  };
  const rulesetOr409 = (entry: RuleEntry, reply: import("fastify").FastifyReply): Ruleset | null => {
    if (!entry.ruleset) {
      reply.status(409).send(apiError("rules_have_errors", `${entry.year} 年度规则文件有错误，无法评分`, `the ${entry.year} rule file has errors`, { diagnostics: entry.diagnostics.filter((d) => d.severity === "error").map(diagnosticJson) }));
      return null;
    }
    return entry.ruleset;
  };

  app.get("/api/health", async () => ({ status: "ok", years: store.years() }));

  app.get("/api/openapi.json", async (_req, reply) => {
    if (!openapi) return reply.status(404).send(apiError("not_found", "没有 OpenAPI 文档", "no OpenAPI document"));
    return openapi;
  });

  app.get("/api/whoami", async (req) => {
    const who = auth.identity(req);
    return { name: who.name, role: who.role, authenticated: who.authenticated };
  });

  app.get("/api/rules", async () => ({
    rules: store.years().map((year) => {
      const e = store.get(year)!;
      return {
        year, title: e.parsed.ast.header?.title.value ?? null, document: e.parsed.ast.header?.document?.value ?? null,
        etag: e.etag, errors: e.diagnostics.filter((d) => d.severity === "error").length,
        warnings: e.diagnostics.filter((d) => d.severity !== "error").length, evaluable: e.ruleset !== null, stale: e.stale, loadedAt: e.loadedAt,
      };
    }),
  }));

  app.get<{ Params: { year: string } }>("/api/rules/:year", async (req, reply) => {
    const entry = entryOr404(req.params.year, reply);
    if (!entry) return reply;
    reply.header("etag", entry.etag);
    return {
      year: entry.year, source: entry.source, etag: entry.etag, outline: outline(entry), summary: summaryJson(entry),
      diagnostics: entry.diagnostics.map(diagnosticJson), stale: entry.stale,
      schema: entry.ruleset ? jsonSchema(entry.ruleset) : null,
    };
  });

  app.get<{ Params: { year: string } }>("/api/rules/:year/schema", async (req, reply) => {
    const entry = entryOr404(req.params.year, reply);
    if (!entry) return reply;
    const rs = rulesetOr409(entry, reply);
    if (!rs) return reply;
    return jsonSchema(rs);
  });

  app.post<{ Params: { year: string }; Querystring: { trace?: string } }>("/api/rules/:year/evaluate", async (req, reply) => {
    const entry = entryOr404(req.params.year, reply);
    if (!entry) return reply;
    const rs = rulesetOr409(entry, reply);
    if (!rs) return reply;
    const result = evaluate(rs, req.body, { trace: req.query.trace !== "false" });
    if (!result.ok) return reply.status(422).send(apiError("invalid_application", "申请数据有误", "invalid application", { errors: result.errors }));
    return result.result;
  });

  app.post<{ Params: { year: string }; Querystring: { trace?: string } }>(
    "/api/rules/:year/evaluate-batch",
    { bodyLimit: options.batchBodyLimit ?? DEFAULT_BATCH_BODY_LIMIT },
    async (req, reply) => {
      const entry = entryOr404(req.params.year, reply);
      if (!entry) return reply;
      const rs = rulesetOr409(entry, reply);
      if (!rs) return reply;
      const body = req.body as { applications?: unknown } | null;
      const apps = body && typeof body === "object" && !Array.isArray(body) ? body.applications : Array.isArray(body) ? body : undefined;
      if (!Array.isArray(apps)) return reply.status(422).send(apiError("invalid_batch", "请求体应为 { applications: [...] }", "the body must be { applications: [...] }"));
      if (apps.length > maxBatch) return reply.status(413).send(apiError("batch_too_large", `一批最多 ${maxBatch} 份申请`, `at most ${maxBatch} applications per batch`, { limit: maxBatch }));
      const trace = req.query.trace !== "false";
      const results = apps.map((a, index) => {
        const r = evaluate(rs, a, { trace });
        return r.ok ? { index, ok: true, result: r.result } : { index, ok: false, errors: r.errors };
      });
      return { year: entry.year, count: results.length, failed: results.filter((r) => !r.ok).length, results };
    },
  );

  app.post<{ Params: { year: string } }>("/api/rules/:year/validate", async (req, reply) => {
    const entry = entryOr404(req.params.year, reply);
    if (!entry) return reply;
    const rs = rulesetOr409(entry, reply);
    if (!rs) return reply;
    const errors = validate(rs, req.body);
    return { ok: errors === null, errors: errors ?? [] };
  });

  app.post("/api/check", async (req, reply) => {
    const body = req.body;
    const source = typeof body === "string" ? body : body && typeof body === "object" && typeof (body as { source?: unknown }).source === "string" ? (body as { source: string }).source : null;
    if (source === null) return reply.status(422).send(apiError("invalid_check", "请求体应为规则文本（text/plain）或 { source }", "the body must be rule text (text/plain) or { source }"));
    const parsed = parse(source);
    const checked = check(parsed);
    return { diagnostics: checked.diagnostics.map(diagnosticJson), summary: summaryJson(checked) };
  });

  await registerFiles(app, store, {
    ...options.files,
    rulesDir: options.rulesDir,
    identity: (req) => auth.identity(req),
    ...(options.examplesDir !== undefined ? { examplesDir: options.examplesDir } : {}),
  });
  registerPaper(app, store);
  if (options.editorDir !== undefined) registerStatic(app, options.editorDir);

  if (options.extend) await options.extend(app, store);
  return { app, store, routes, auth };
}
