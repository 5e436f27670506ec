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
import { RuleStore, type RuleEntry } from "./store.js";
import { withApplicationSchemas } from "./openapi.js";
import { WorkPool, type PoolOptions } from "./pool.js";
import { registerEvaluation, DEFAULT_MAX_ERRORS, DEFAULT_BATCH_CHUNK } from "./evaluation.js";
import { clientErrorHandler } from "./client-error.js";
import { registerJsonBody } from "./json-body.js";
import { apiError, diagnosticJson } from "./json.js";
import { registerFiles, badStoreName, type FileStoreOptions } from "./files.js";
import { registerStatic } from "./static.js";
import { registerPaper } from "./paper-routes.js";
import { drainBody } from "./drain.js";
import { registerGuards } from "./guard.js";
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
  /** The worker pool's threads, time and memory limits (pool.ts; docs/reliability.md). */
  readonly pool?: PoolOptions;
  /** Errors answered per application by evaluate, evaluate-batch and validate (default 20). */
  readonly maxErrors?: number;
  /** Host names accepted besides loopback (guard.ts; without accounts others get 421). */
  readonly allowHosts?: readonly string[];
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_BATCH_BODY_LIMIT = 16 * 1024 * 1024;
export const DEFAULT_MAX_BATCH = 10_000;

export { apiError };

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

  const pool = new WorkPool(options.pool);
  const store = new RuleStore(options.rulesDir, pool);
  await store.load();
  if (options.watch !== false) store.watch();
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    clientErrorHandler,
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
  app.addHook("onClose", async () => {
    store.close();
    await pool.close();
  });
  /** Every route as "METHOD /path", for the test that holds docs/openapi.json to the server. */
  const routes: string[] = [];
  app.addHook("onRoute", (r) => {
    for (const m of [r.method].flat()) if (m !== "HEAD" && m !== "OPTIONS") routes.push(`${m} ${r.url}`);
  });

  const origins = options.corsOrigins ?? [];
  if (origins.length > 0) {
    await app.register(cors, { origin: origins.includes("*") ? true : [...origins], methods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"] });
  }
  // Security headers and the Host allow-list (guard.ts), then who may do what.
  registerGuards(app, { accounts: accounts !== null, ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}) });
  // Before every other hook: a request that may not be made is refused before its body is read.
  const auth = registerAuth(app, { accounts, ...(options.access ? { access: options.access } : {}) });
  // Compressed bodies are refused before they are read: no decompression, so no compression bomb.
  app.addHook("onRequest", async (req, reply) => {
    const encoding = req.headers["content-encoding"];
    if (encoding && encoding.toLowerCase() !== "identity") {
      return reply.status(415).send(apiError("unsupported_encoding", "不支持压缩的请求体", "compressed request bodies are not supported"));
    }
  });
  registerJsonBody(app);
  app.addContentTypeParser("text/plain", { parseAs: "string" }, (_req, body, done) => done(null, body));

  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 413) {
      // The limit of the route that refused the body (the batch route has its own).
      const limit = req.routeOptions.bodyLimit ?? options.bodyLimit ?? DEFAULT_BODY_LIMIT;
      // Answer at once, but keep reading (and throwing away) the rest of the body behind the
      // answer, up to a bound, so that a client still writing gets the 413 instead of a reset
      // connection (drain.ts). Fastify marks a refused body's connection to be closed, which
      // would close it with unread data: keep it open while draining; past the bound, cut it off.
      // Node closes the connection right after the answer when the client said
      // `Connection: close`; so the answer is sent as keep-alive and the connection is ended here,
      // once the body has been read (past the bound it is cut off instead).
      reply.removeHeader("connection");
      const askedToClose = !reply.raw.shouldKeepAlive;
      reply.raw.shouldKeepAlive = true;
      void drainBody(req.raw).then((whole) => {
        const socket = req.raw.socket;
        if (!whole) socket?.destroy();
        else if (askedToClose) socket?.end();
      });
      return reply.status(413).send(apiError("body_too_large", `请求体过大（上限 ${limit} 字节）`, `request body too large (limit ${limit} bytes)`, { limit }));
    }
    if (status === 415) return reply.status(415).send(apiError("unsupported_media_type", "不支持的内容类型，请用 application/json", "unsupported content type; use application/json"));
    if (status === 400) {
      const reason = err.code === "FST_ERR_CTP_EMPTY_JSON_BODY" ? "empty body" : err.code === "FST_ERR_CTP_FORBIDDEN_KEY" ? err.message : /prototype|constructor/i.test(err.message) ? "forbidden __proto__ or constructor key" : err.message.replace(/\s+at .*$/s, "").slice(0, 200);
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
  app.get("/api/health", async () => ({ status: "ok", years: store.years() }));

  app.get("/api/openapi.json", async (_req, reply) => {
    if (!openapi) return reply.status(404).send(apiError("not_found", "没有 OpenAPI 文档", "no OpenAPI document"));
    // With the exact application schema of every year loaded now (openapi.ts).
    const years = store.years().flatMap((year) => {
      const schema = store.get(year)?.good?.schema;
      return schema ? [{ year, schema }] : [];
    });
    return withApplicationSchemas(openapi as Parameters<typeof withApplicationSchemas>[0], years);
  });

  app.get("/api/whoami", async (req) => {
    const who = auth.identity(req);
    return { name: who.name, role: who.role, authenticated: who.authenticated };
  });

  app.get("/api/rules", async () => ({
    rules: store.years().map((year) => {
      const e = store.get(year)!;
      return {
        year, title: e.outline.title, document: e.outline.document,
        etag: e.etag, errors: e.diagnostics.filter((d) => d.severity === "error").length,
        warnings: e.diagnostics.filter((d) => d.severity !== "error").length, evaluable: e.good !== null, stale: e.stale, loadedAt: e.loadedAt,
      };
    }),
  }));

  app.get<{ Params: { year: string } }>("/api/rules/:year", async (req, reply) => {
    const entry = entryOr404(req.params.year, reply);
    if (!entry) return reply;
    reply.header("etag", entry.etag);
    return {
      year: entry.year, source: entry.source, etag: entry.etag, outline: entry.outline, summary: entry.summary,
      diagnostics: entry.diagnostics.map(diagnosticJson), stale: entry.stale,
      schema: entry.good?.schema ?? null,
    };
  });

  app.get<{ Params: { year: string } }>("/api/rules/:year/schema", async (req, reply) => {
    const entry = entryOr404(req.params.year, reply);
    if (!entry) return reply;
    if (!entry.good) return reply.status(409).send(apiError("rules_have_errors", `${entry.year} 年度规则文件有错误，无法评分`, `the ${entry.year} rule file has errors`, { diagnostics: entry.diagnostics.filter((d) => d.severity === "error").map(diagnosticJson) }));
    return entry.good.schema;
  });

  registerEvaluation(app, store, pool, {
    batchBodyLimit: options.batchBodyLimit ?? DEFAULT_BATCH_BODY_LIMIT, maxBatch,
    maxErrors: options.maxErrors ?? DEFAULT_MAX_ERRORS, chunk: DEFAULT_BATCH_CHUNK, inlineBatch: 16,
  });

  await registerFiles(app, store, {
    ...options.files,
    rulesDir: options.rulesDir,
    identity: (req) => auth.identity(req),
    ...(options.examplesDir !== undefined ? { examplesDir: options.examplesDir } : {}),
  });
  registerPaper(app, store, pool);
  if (options.editorDir !== undefined) registerStatic(app, options.editorDir);

  if (options.extend) await options.extend(app, store);
  return { app, store, routes, auth };
}
