#!/usr/bin/env node
/**
 * jsqc-server: serves the HTTP API on the rule files of a folder, and the built editor.
 *   jsqc-server [--rules DIR] [--port 8787] [--host 127.0.0.1] [--cors ORIGIN,…] [--editor DIR] [--examples DIR]
 *               [--accounts FILE] [--allow-open] [--acknowledge-audit-break]
 *   jsqc-server hash-token     reads a token on stdin, prints its hash for the accounts file
 * Environment: JSQC_RULES_DIR, JSQC_PORT, JSQC_HOST, JSQC_CORS_ORIGINS, JSQC_EDITOR_DIR, JSQC_EXAMPLES_DIR,
 * JSQC_ACCOUNTS_FILE (like --accounts), JSQC_ACCOUNTS (the accounts JSON itself).
 * The editor defaults to packages/editor/dist of this repository when it has been built.
 *
 * Without accounts the server is for one person: it refuses a host other than loopback unless
 * --allow-open says the network is trusted. With accounts every /api route needs a bearer token
 * (docs/server.md, "Accounts and roles").
 *
 * The audit log's hash chain is verified at start; a break is printed and changes are refused
 * until an operator who has looked at it starts the server once with --acknowledge-audit-break
 * (docs/reliability.md, "The audit log").
 */
import { parseArgs } from "node:util";
import { userInfo } from "node:os";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildServer } from "./app.js";
import { AccountsError, hashToken, tokenProblem, type AccountsConfig } from "./auth.js";
import type { AuditStatus } from "./audit.js";

const fail = (zh: string, en: string): never => {
  process.stderr.write(`jsqc-server: ${zh}\n             ${en}\n`);
  process.exit(2);
};

/** The token on stdin: all of it from a pipe, one line from a terminal; surrounding space dropped. */
async function readToken(): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) process.stderr.write("令牌 token: ");
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(chunk as Buffer);
    if (stdin.isTTY && (chunk as Buffer).includes(0x0a)) break;
  }
  return Buffer.concat(chunks).toString("utf8").trim();
}

async function hashTokenCommand(): Promise<void> {
  const token = await readToken();
  const problem = tokenProblem(token);
  if (problem) fail(`令牌不可用：${problem.zh}`, `the token cannot be used: ${problem.en}`);
  process.stdout.write(`${await hashToken(token)}\n`);
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

async function serve(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rules: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      cors: { type: "string" },
      editor: { type: "string" },
      examples: { type: "string" },
      accounts: { type: "string" },
      "allow-open": { type: "boolean" },
      "acknowledge-audit-break": { type: "boolean" },
    },
  });
  const rulesDir = resolve(values.rules ?? process.env["JSQC_RULES_DIR"] ?? "rules");
  const port = Number(values.port ?? process.env["JSQC_PORT"] ?? 8787);
  // Loopback only unless told otherwise: serving a team is a deliberate choice.
  const host = values.host ?? process.env["JSQC_HOST"] ?? "127.0.0.1";
  const corsOrigins = (values.cors ?? process.env["JSQC_CORS_ORIGINS"] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const examples = values.examples ?? process.env["JSQC_EXAMPLES_DIR"];
  const examplesDir = examples ? resolve(examples) : undefined;

  // Accounts: --accounts, else JSQC_ACCOUNTS_FILE, else the JSON of JSQC_ACCOUNTS.
  const accountsPath = values.accounts ?? (process.env["JSQC_ACCOUNTS_FILE"] || undefined);
  const accountsFile = accountsPath ? resolve(accountsPath) : undefined;
  let accounts: AccountsConfig | undefined;
  if (!accountsFile && process.env["JSQC_ACCOUNTS"]) {
    try {
      accounts = JSON.parse(process.env["JSQC_ACCOUNTS"]) as AccountsConfig;
    } catch {
      fail("JSQC_ACCOUNTS 不是有效的 JSON", "JSQC_ACCOUNTS is not valid JSON");
    }
  }
  const withAccounts = accountsFile !== undefined || accounts !== undefined;
  if (!withAccounts && !isLoopback(host) && !values["allow-open"]) {
    fail(
      `未配置账户时只能监听本机（127.0.0.1），不能监听 ${host}：为团队服务请加 --accounts FILE（见 docs/server.md）；确认网络可信时可加 --allow-open`,
      `without accounts the server listens on loopback only, not ${host}: to serve a team give --accounts FILE (see docs/server.md); on a trusted network add --allow-open`,
    );
  }

  // src/main.ts and dist/main.js are both three levels below the repository's root.
  const builtEditor = join(fileURLToPath(new URL("../../../", import.meta.url)), "packages/editor/dist");
  const editorChoice = values.editor ?? process.env["JSQC_EDITOR_DIR"];
  let editorDir: string | undefined;
  if (editorChoice) {
    editorDir = resolve(editorChoice);
    if (!existsSync(join(editorDir, "index.html"))) fail("编辑器目录中没有 index.html", `no index.html in the editor folder: ${editorDir}`);
  } else if (existsSync(join(builtEditor, "index.html"))) {
    editorDir = builtEditor;
  }

  let built: Awaited<ReturnType<typeof buildServer>>;
  let audit: AuditStatus | null = null;
  const operator = (() => { try { return userInfo().username; } catch { return "operator"; } })();
  try {
    built = await buildServer({
      rulesDir, corsOrigins,
      files: { acknowledgeAuditBreak: values["acknowledge-audit-break"] === true, operator, onAuditStatus: (s) => { audit = s; } },
      ...(examplesDir ? { examplesDir } : {}),
      ...(editorDir ? { editorDir } : {}),
      ...(accountsFile ? { accountsFile } : {}),
      ...(accounts ? { accounts } : {}),
    });
  } catch (err) {
    if (err instanceof AccountsError) fail(`账户配置有误`, err.message);
    throw err;
  }
  const { app, store, auth } = built;
  const address = await app.listen({ port, host });
  process.stdout.write(`jsqc-server: ${store.years().length} 个规则文件 rule files from ${rulesDir}\n`);
  for (const r of store.refused()) process.stderr.write(`jsqc-server: 未载入 not loaded — ${r.zh}\n             ${r.en}\n`);
  if (audit) printAudit(audit);
  process.stdout.write(`API: ${address}/api/rules\n`);
  if (auth.enabled) process.stdout.write(`账户 accounts: ${accountsFile ?? "JSQC_ACCOUNTS"} — /api 需要令牌 needs a bearer token\n`);
  else process.stdout.write(`无账户：不验证身份 / no accounts: no authentication${isLoopback(host) ? "" : " (--allow-open)"}\n`);
  if (editorDir) process.stdout.write(`编辑器 editor: ${address}/  (${editorDir})\n`);
  else process.stdout.write(`编辑器未构建，未提供 / editor not built, not served (pnpm -r build, or --editor DIR)\n`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => { void app.close().then(() => process.exit(0)); });
  }
}

/** What the audit log's check at start found, on stderr (breaks) and stdout (reconciled intents). */
function printAudit(s: AuditStatus): void {
  if (s.unsafe) process.stderr.write(`jsqc-server: 审计日志被拒绝，文件修改已停用 / audit log refused, changes disabled — ${s.unsafe.zh} / ${s.unsafe.en}\n`);
  for (const b of s.breaks) process.stderr.write(`jsqc-server: 审计日志散列链断裂 audit chain broken — ${b.zh} / ${b.en}\n`);
  if (s.breaks.length > 0) {
    process.stderr.write("jsqc-server: 文件修改已停用，核查后以 --acknowledge-audit-break 启动一次以确认 / changes are refused until an operator checks the log and starts once with --acknowledge-audit-break\n");
  }
  if (s.acknowledged.length > 0) process.stdout.write(`审计日志 audit log: ${s.acknowledged.length} 处断裂已确认 break(s) acknowledged\n`);
  const { committed, abandoned } = s.reconciled;
  if (committed + abandoned > 0) process.stdout.write(`审计日志 audit log: 补记 ${committed} 次已完成的保存，${abandoned} 次未完成 / reconciled ${committed} completed and ${abandoned} abandoned change(s)\n`);
}

if (process.argv[2] === "hash-token") await hashTokenCommand();
else await serve();
