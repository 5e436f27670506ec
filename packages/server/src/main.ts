#!/usr/bin/env node
/**
 * jsqc-server: serves the HTTP API on the rule files of a folder, and the built editor.
 *   jsqc-server [--rules DIR] [--port 8787] [--host 127.0.0.1] [--cors ORIGIN,…] [--editor DIR] [--examples DIR]
 * Environment: JSQC_RULES_DIR, JSQC_PORT, JSQC_HOST, JSQC_CORS_ORIGINS, JSQC_EDITOR_DIR, JSQC_EXAMPLES_DIR.
 * The editor defaults to packages/editor/dist of this repository when it has been built.
 */
import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildServer } from "./app.js";

const { values } = parseArgs({
  options: {
    rules: { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    cors: { type: "string" },
    editor: { type: "string" },
    examples: { type: "string" },
  },
});
const rulesDir = resolve(values.rules ?? process.env["JSQC_RULES_DIR"] ?? "rules");
const port = Number(values.port ?? process.env["JSQC_PORT"] ?? 8787);
// Loopback only unless told otherwise: serving a team is a deliberate choice.
const host = values.host ?? process.env["JSQC_HOST"] ?? "127.0.0.1";
const corsOrigins = (values.cors ?? process.env["JSQC_CORS_ORIGINS"] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const examples = values.examples ?? process.env["JSQC_EXAMPLES_DIR"];
const examplesDir = examples ? resolve(examples) : undefined;

// src/main.ts and dist/main.js are both three levels below the repository's root.
const builtEditor = join(fileURLToPath(new URL("../../../", import.meta.url)), "packages/editor/dist");
const editorChoice = values.editor ?? process.env["JSQC_EDITOR_DIR"];
let editorDir: string | undefined;
if (editorChoice) {
  editorDir = resolve(editorChoice);
  if (!existsSync(join(editorDir, "index.html"))) {
    process.stderr.write(`jsqc-server: 编辑器目录中没有 index.html / no index.html in the editor folder: ${editorDir}\n`);
    process.exit(2);
  }
} else if (existsSync(join(builtEditor, "index.html"))) {
  editorDir = builtEditor;
}

const { app, store } = await buildServer({
  rulesDir, corsOrigins,
  ...(examplesDir ? { examplesDir } : {}),
  ...(editorDir ? { editorDir } : {}),
});
const address = await app.listen({ port, host });
process.stdout.write(`jsqc-server: ${store.years().length} 个规则文件 rule files from ${rulesDir}\n`);
process.stdout.write(`API: ${address}/api/rules\n`);
if (editorDir) process.stdout.write(`编辑器 editor: ${address}/  (${editorDir})\n`);
else process.stdout.write(`编辑器未构建，未提供 / editor not built, not served (pnpm -r build, or --editor DIR)\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => { void app.close().then(() => process.exit(0)); });
}
