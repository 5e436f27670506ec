/**
 * Who may do what. Without accounts (the default) the server is for one person on their own
 * machine: it listens on loopback only (main.ts), every request is the "local" user, and every
 * route is allowed. With accounts, every `/api` route but `/api/health` and `/api/openapi.json`
 * needs `Authorization: Bearer <token>`, and the account's role must be allowed on the route.
 *
 * Roles:
 * - **policy** (政策制定): everything — create, save, delete drafts, new year, check, evaluate.
 * - **reviewer** (评审): open files and their history, check, evaluate/validate, examples; never
 *   PUT, DELETE or new year.
 * - **service** (系统对接): evaluate, evaluate-batch, validate, and read `/api/rules`,
 *   `/api/rules/:year` and its schema.
 *
 * The decision is made in ONE place: an `onRequest` hook reading `ROUTE_ACCESS`, a table from
 * "METHOD /route" to the roles allowed. It fails closed: a route missing from the table is refused
 * (403) for every role, accounts or not; a test holds the table to the server's routes.
 *
 * Accounts are `{ "accounts": [{ "name", "role", "tokenHash" }] }`; a token is never stored, only
 * `scrypt$<salt base64>$<hash base64>` (scrypt N=16384, r=8, p=1, 32 bytes; `jsqc-server
 * hash-token` makes one). A presented token is hashed with every account's salt and compared in
 * constant time (`timingSafeEqual`); the outcome is remembered by the token's SHA-256, so scrypt
 * runs once per token, not per request, and at most two verifications run at a time.
 *
 * Failed sign-ins are limited per client (its address), not globally, so one client flooding
 * made-up tokens cannot lock out another: each client has a bucket of 10 failures, refilled one
 * every 6 s, and at most 2 verifications waiting or running; only a new token counts (one
 * verified before, right or wrong, is answered from memory); past either it gets 429
 * `too_many_failures` with Retry-After, before any scrypt runs. A token already verified (a real
 * user's) is never limited. Hand-written rather than @fastify/rate-limit: that plugin counts
 * requests, and here only failures may count (a busy service account must never be limited), the
 * decision has to be taken inside this hook before the costly verification, and the per-client
 * cap on verifications in flight is what keeps the shared queue fair — about 40 lines.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { apiError } from "./json.js";

export const ROLES = ["policy", "reviewer", "service"] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_NAMES: Readonly<Record<Role, string>> = { policy: "政策制定", reviewer: "评审", service: "系统对接" };

/** Who may call a route: anyone (no token even with accounts), or the roles listed. */
export type Access = "public" | readonly Role[];

const ALL: readonly Role[] = ["policy", "reviewer", "service"];
const STAFF: readonly Role[] = ["policy", "reviewer"];
const POLICY: readonly Role[] = ["policy"];

/**
 * Every route of the server, "METHOD /route" as Fastify has it, with the roles allowed. HEAD is
 * GET's. A route not here is refused.
 */
export const ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  "GET /api/health": "public",
  "GET /api/openapi.json": "public",
  "GET /api/whoami": ALL,
  "GET /api/rules": ALL,
  "GET /api/rules/:year": ALL,
  "GET /api/rules/:year/schema": ALL,
  "POST /api/rules/:year/evaluate": ALL,
  "POST /api/rules/:year/evaluate-batch": ALL,
  "POST /api/rules/:year/validate": ALL,
  "GET /api/rules/:year/annex1": ALL,
  "GET /api/rules/:year/template": ALL,
  "POST /api/rules/:year/score-sheet": STAFF,
  "POST /api/rules/:year/report": ALL,
  "POST /api/check": STAFF,
  "GET /api/files": STAFF,
  "GET /api/files/:name": STAFF,
  "PUT /api/files/:name": POLICY,
  "DELETE /api/files/:name": POLICY,
  "POST /api/files/new-year": POLICY,
  "GET /api/files/:name/tests": STAFF,
  "PUT /api/files/:name/tests": POLICY,
  "GET /api/files/:name/history": STAFF,
  "GET /api/files/:name/history/:version": STAFF,
  "POST /api/files/:name/merge": STAFF,
  "GET /api/examples": STAFF,
  "GET /api/examples/:name": STAFF,
  // The built editor's files: public, so the editor loads and then asks for a token. A path
  // under /api that reaches this catch-all is no editor file: it is treated as an unknown route.
  "GET /*": "public",
  // @fastify/cors's preflight route (the preflight itself is answered in its hook, before ours).
  "OPTIONS *": "public",
};

// ---------------------------------------------------------------------------------------------
// Token hashes
// ---------------------------------------------------------------------------------------------

export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** A bearer token (RFC 6750 b64token), at most 512 characters. */
export const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAX_TOKEN_LENGTH = 512;
/** Shortest token `hash-token` accepts. */
export const MIN_TOKEN_LENGTH = 16;
const TOKEN_HASH = /^scrypt\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function scryptKey(token: string, salt: Buffer, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(token, salt, bytes, SCRYPT_PARAMS, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Why a token cannot be used, or null when it can. */
export function tokenProblem(token: string): { zh: string; en: string } | null {
  if (token.length < MIN_TOKEN_LENGTH) return { zh: `令牌至少 ${MIN_TOKEN_LENGTH} 个字符`, en: `a token has at least ${MIN_TOKEN_LENGTH} characters` };
  if (token.length > MAX_TOKEN_LENGTH) return { zh: `令牌至多 ${MAX_TOKEN_LENGTH} 个字符`, en: `a token has at most ${MAX_TOKEN_LENGTH} characters` };
  if (!TOKEN.test(token)) return { zh: "令牌只能由字母、数字和 - . _ ~ + / 组成（末尾可有 =）", en: "a token is letters, digits and - . _ ~ + / (with = at the end)" };
  return null;
}

/** `scrypt$<salt>$<hash>` of a token, for the accounts file. */
export async function hashToken(token: string): Promise<string> {
  const problem = tokenProblem(token);
  if (problem) throw new Error(problem.en);
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptKey(token, salt, KEY_BYTES);
  return `scrypt$${salt.toString("base64")}$${key.toString("base64")}`;
}

function decodeHash(tokenHash: string): { salt: Buffer; hash: Buffer } | null {
  const m = TOKEN_HASH.exec(tokenHash);
  if (!m) return null;
  const salt = Buffer.from(m[1]!, "base64");
  const hash = Buffer.from(m[2]!, "base64");
  return salt.length >= 8 && hash.length >= 16 && hash.length <= 64 ? { salt, hash } : null;
}

/** Whether `token` is the one `tokenHash` was made from (constant-time comparison). */
export async function verifyToken(token: string, tokenHash: string): Promise<boolean> {
  const decoded = decodeHash(tokenHash);
  if (!decoded) return false;
  const key = await scryptKey(token, decoded.salt, decoded.hash.length);
  return timingSafeEqual(key, decoded.hash);
}

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

export interface Account {
  /** Shown in the audit log: a person's name or a service's. */
  readonly name: string;
  readonly role: Role;
  /** `scrypt$<salt base64>$<hash base64>`, made by `jsqc-server hash-token`. */
  readonly tokenHash: string;
}

/** The accounts file (or `JSQC_ACCOUNTS`). */
export interface AccountsConfig {
  readonly accounts: readonly Account[];
}

export class AccountsError extends Error {}

/** The accounts of a parsed accounts file; throws `AccountsError` saying what is wrong. */
export function parseAccounts(json: unknown): Account[] {
  const fail = (zh: string, en: string): never => { throw new AccountsError(`${zh} / ${en}`); };
  if (!json || typeof json !== "object" || Array.isArray(json) || !Array.isArray((json as { accounts?: unknown }).accounts)) {
    fail("账户文件应为 { \"accounts\": [...] }", "the accounts file must be { \"accounts\": [...] }");
  }
  const out: Account[] = [];
  const names = new Set<string>();
  ((json as { accounts: unknown[] }).accounts).forEach((raw, i) => {
    const at = `accounts[${i}]`;
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) return fail(`${at} 应为对象`, `${at} must be an object`);
    const a = raw as Record<string, unknown>;
    if ("token" in a) fail(`${at} 含明文令牌 token：只写 tokenHash（用 jsqc-server hash-token 生成）`, `${at} has a clear-text "token": store only tokenHash (made by jsqc-server hash-token)`);
    const name = a["name"];
    if (typeof name !== "string" || name.trim() === "" || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) {
      fail(`${at}.name 应为一行不超过 100 字的名称`, `${at}.name must be one line of at most 100 characters`);
    }
    if (names.has(name as string)) fail(`${at}.name 重复：${String(name)}`, `${at}.name is a duplicate: ${String(name)}`);
    names.add(name as string);
    const role = a["role"];
    if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) fail(`${at}.role 应为 policy、reviewer 或 service`, `${at}.role must be policy, reviewer or service`);
    const tokenHash = a["tokenHash"];
    if (typeof tokenHash !== "string" || !decodeHash(tokenHash)) fail(`${at}.tokenHash 应为 scrypt$<盐>$<散列>（用 jsqc-server hash-token 生成）`, `${at}.tokenHash must be scrypt$<salt>$<hash> (made by jsqc-server hash-token)`);
    out.push({ name: name as string, role: role as Role, tokenHash: tokenHash as string });
  });
  return out;
}

/** Reads and checks an accounts file. */
export async function loadAccountsFile(file: string): Promise<Account[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new AccountsError(`无法读取账户文件 / cannot read the accounts file: ${(err as { code?: string }).code ?? "error"}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AccountsError("账户文件不是有效的 JSON / the accounts file is not valid JSON");
  }
  return parseAccounts(json);
}

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

/** Most verifications at once, and waiting. */
const VERIFY_CONCURRENCY = 2;
const VERIFY_QUEUE = 64;
/** Most unknown tokens remembered. */
const MAX_REMEMBERED = 1000;
/** Failed sign-ins a client may make at once (its bucket), and how often one comes back. */
export const FAILURE_BURST = 10;
export const FAILURE_REFILL_MS = 6_000;
/** Verifications one client may have waiting or running. */
export const CLIENT_PENDING = 2;
/** Most clients tracked (the idle ones, with full buckets, are forgotten first). */
const MAX_CLIENTS = 10_000;

/** A sign-in refused because its client failed too often: retry after `retryAfter` seconds. */
export interface Limited {
  readonly limited: true;
  readonly retryAfter: number;
}

interface Client {
  /** Failures left (fractional while refilling). */
  tokens: number;
  updated: number;
  pending: number;
}

/** Finds the account of a token. */
export class Authenticator {
  private readonly accounts: { account: Account; salt: Buffer; hash: Buffer }[];
  /** Outcomes by SHA-256 of the token: the account, or null for no account. */
  private readonly known = new Map<string, Account | null>();
  private readonly pending = new Map<string, Promise<Account | null>>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly clients = new Map<string, Client>();

  constructor(accounts: readonly Account[], private readonly now: () => number = Date.now) {
    this.accounts = accounts.map((account) => ({ account, ...decodeHash(account.tokenHash)! }));
  }

  /** The client's bucket, refilled for the time since it was last seen. */
  private client(id: string): Client {
    const t = this.now();
    let c = this.clients.get(id);
    if (!c) {
      if (this.clients.size >= MAX_CLIENTS) {
        for (const [k, v] of this.clients) if (v.pending === 0 && v.tokens >= FAILURE_BURST) this.clients.delete(k);
        if (this.clients.size >= MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
      }
      c = { tokens: FAILURE_BURST, updated: t, pending: 0 };
      this.clients.set(id, c);
    }
    c.tokens = Math.min(FAILURE_BURST, c.tokens + (t - c.updated) / FAILURE_REFILL_MS);
    c.updated = t;
    return c;
  }

  private limited(c: Client): Limited {
    return { limited: true, retryAfter: Math.max(1, Math.ceil(((1 - Math.min(1, c.tokens)) * FAILURE_REFILL_MS) / 1000)) };
  }

  /**
   * The token's account; null when there is none; `Limited` when `client` (its address) has failed
   * too often or has too many verifications in flight; "busy" when the shared queue is full.
   */
  async authenticate(token: string, clientId = ""): Promise<Account | null | "busy" | Limited> {
    if (token.length > MAX_TOKEN_LENGTH || !TOKEN.test(token)) return null;
    const key = createHash("sha256").update(token, "utf8").digest("base64");
    // Known outcomes cost nothing and guess nothing: a real user's token is never limited, and a
    // wrong token sent again (a stale one in a script) keeps getting its 401.
    const seen = this.known.get(key);
    if (seen !== undefined) return seen;
    // Only a new guess costs a verification, so only new guesses are counted and limited.
    const c = this.client(clientId);
    if (c.tokens < 1 || c.pending >= CLIENT_PENDING) return this.limited(c);
    let run = this.pending.get(key);
    if (!run) {
      if (this.waiting.length >= VERIFY_QUEUE) return "busy";
      run = this.verify(token).finally(() => this.pending.delete(key));
      this.pending.set(key, run);
    }
    c.pending++;
    let account: Account | null;
    try {
      account = await run;
    } finally {
      c.pending--;
    }
    if (account === null) c.tokens = Math.max(0, c.tokens - 1);
    if (account === null && this.known.size >= MAX_REMEMBERED) {
      // Forget the oldest unknown token (the accounts' own tokens are few and stay).
      for (const [k, v] of this.known) if (v === null) { this.known.delete(k); break; }
    }
    this.known.set(key, account);
    return account;
  }

  private async verify(token: string): Promise<Account | null> {
    if (this.active >= VERIFY_CONCURRENCY) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      // Every account is tried, one after the other: the time does not depend on which matched.
      const matches: Account[] = [];
      for (const a of this.accounts) {
        const key = await scryptKey(token, a.salt, a.hash.length);
        if (timingSafeEqual(key, a.hash)) matches.push(a.account);
      }
      // One token for two accounts would make the audit log ambiguous: neither is used.
      return matches.length === 1 ? matches[0]! : null;
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The hook
// ---------------------------------------------------------------------------------------------

export interface Identity {
  readonly name: string;
  readonly role: Role;
  /** False for the "local" user of a server without accounts. */
  readonly authenticated: boolean;
}

/** Everyone, on a server without accounts: allowed everything, as the policy role is. */
export const LOCAL: Identity = { name: "local", role: "policy", authenticated: false };

/** The token of an `Authorization: Bearer <token>` header; null when the header is not that. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^Bearer +(\S+) *$/i.exec(header);
  return m && m[1]!.length <= MAX_TOKEN_LENGTH && TOKEN.test(m[1]!) ? m[1]! : null;
}

export interface AuthOptions {
  /** The accounts; null (or undefined) for a server without accounts. */
  readonly accounts?: readonly Account[] | null;
  /** More routes for the table (routes added by `extend`). */
  readonly access?: Readonly<Record<string, Access>>;
}

export interface Auth {
  /** Whether accounts are configured. */
  readonly enabled: boolean;
  /** The route table in force. */
  readonly access: Readonly<Record<string, Access>>;
  /** Who made a request that passed the hook (LOCAL without accounts). */
  identity(req: FastifyRequest): Identity;
}

/** Adds the one hook that decides who may call which route. */
export function registerAuth(app: FastifyInstance, options: AuthOptions): Auth {
  const access: Readonly<Record<string, Access>> = { ...ROUTE_ACCESS, ...options.access };
  const authenticator = options.accounts ? new Authenticator(options.accounts) : null;
  const identities = new WeakMap<FastifyRequest, Identity>();

  const unauthorized = (reply: FastifyReply, bad: boolean) => {
    reply.header("www-authenticate", bad ? 'Bearer realm="jsqc", error="invalid_token"' : 'Bearer realm="jsqc"');
    return reply.status(401).send(bad
      ? apiError("unauthorized", "令牌无效：请检查 Authorization: Bearer 令牌", "invalid token: check the Authorization: Bearer token")
      : apiError("unauthorized", "需要身份验证：请在 Authorization 头中提供 Bearer 令牌", "authentication required: send Authorization: Bearer <token>"));
  };

  app.addHook("onRequest", async (req, reply) => {
    const path = req.url.split("?")[0]!;
    const underApi = path === "/api" || path.startsWith("/api/");
    const route = req.routeOptions.url;
    const method = req.method === "HEAD" ? "GET" : req.method;
    // No route (a 404 follows), or the editor's catch-all reached with an /api path: an unknown
    // API route needs an account, so the API's routes cannot be probed without one.
    const rule: Access | "account" | undefined =
      route === undefined || (underApi && !route.startsWith("/api")) ? (underApi ? "account" : "public") : access[`${method} ${route}`];
    if (rule === "public") return;
    const unlisted = () => reply.status(403).send(apiError("forbidden", `此路径未列入权限表，已拒绝：${method} ${route ?? ""}`, `this route is not in the access table and is refused: ${method} ${route ?? ""}`));
    if (!authenticator) {
      if (rule === undefined) return unlisted();
      identities.set(req, LOCAL);
      return;
    }
    const header = req.headers.authorization;
    if (header === undefined || header === "") return unauthorized(reply, false);
    const token = bearerToken(header);
    if (token === null) return unauthorized(reply, true);
    const account = await authenticator.authenticate(token, req.ip);
    if (account !== null && typeof account === "object" && "limited" in account) {
      reply.header("retry-after", String(account.retryAfter));
      return reply.status(429).send(apiError(
        "too_many_failures",
        `此客户端令牌验证失败次数过多，请 ${account.retryAfter} 秒后再试`,
        `too many failed sign-ins from this client; retry in ${account.retryAfter} s`,
        { retryAfter: account.retryAfter },
      ));
    }
    if (account === "busy") {
      reply.header("retry-after", "1");
      return reply.status(503).send(apiError("busy", "验证请求过多，请稍后再试", "too many token verifications; retry shortly"));
    }
    if (!account) return unauthorized(reply, true);
    identities.set(req, { name: account.name, role: account.role, authenticated: true });
    if (rule === "account") return;
    if (rule === undefined) return unlisted();
    if (!rule.includes(account.role)) {
      return reply.status(403).send(apiError(
        "forbidden",
        `角色「${ROLE_NAMES[account.role]}」（${account.role}）无权执行此操作：${method} ${route}`,
        `the role "${account.role}" may not do this: ${method} ${route}`,
        { role: account.role, allowed: [...rule] },
      ));
    }
  });

  return {
    enabled: authenticator !== null,
    access,
    identity(req) {
      const who = identities.get(req);
      if (who) return who;
      if (!authenticator) return LOCAL;
      // A route that skipped the hook's decision cannot act for anyone.
      throw new Error("no identity for this request");
    },
  };
}
