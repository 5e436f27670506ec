#!/usr/bin/env node
/**
 * jsqc-server: serves the HTTP API on the rule files of a folder.
 *   jsqc-server [--rules DIR] [--port 8787] [--host 127.0.0.1] [--cors ORIGIN,…]
 * Environment: JSQC_RULES_DIR, JSQC_PORT, JSQC_HOST, JSQC_CORS_ORIGINS.
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { buildServer } from "./app.js";

const { values } = parseArgs({
  options: {
    rules: { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    cors: { type: "string" },
  },
});
const rulesDir = resolve(values.rules ?? process.env["JSQC_RULES_DIR"] ?? "rules");
const port = Number(values.port ?? process.env["JSQC_PORT"] ?? 8787);
// Loopback only unless told otherwise: serving a team is a deliberate choice.
const host = values.host ?? process.env["JSQC_HOST"] ?? "127.0.0.1";
const corsOrigins = (values.cors ?? process.env["JSQC_CORS_ORIGINS"] ?? "").split(",").map((s) => s.trim()).filter(Boolean);

const { app, store } = await buildServer({ rulesDir, corsOrigins });
const address = await app.listen({ port, host });
process.stdout.write(`jsqc-server: ${store.years().length} 个规则文件 rule files from ${rulesDir}\n`);
process.stdout.write(`API: ${address}/api/rules\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => { void app.close().then(() => process.exit(0)); });
}
