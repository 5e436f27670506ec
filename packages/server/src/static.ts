/**
 * The built editor served from a folder (`editorDir`): `GET /` is its index.html, every other
 * non-`/api` GET a file of the folder. A path without an extension that names no file gets
 * index.html (the editor's own routes); one with an extension gets 404.
 *
 * Paths never leave the folder: `..`, `.`-prefixed segments, backslashes and NUL are refused
 * before any file system call, and a file is served only when its real path (symlinks resolved)
 * is inside the folder's real path, so a symlink pointing out is not followed.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { open, realpath } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { apiError } from "./json.js";

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

const notFound = (path: string) => apiError("not_found", `没有此文件：${path.slice(0, 100)}`, `no such file: ${path.slice(0, 100)}`);

export function registerStatic(app: FastifyInstance, editorDir: string): void {
  const dir = resolve(editorDir);

  /** The real path of `segments` in the folder when it is a file inside it; otherwise null. */
  async function inside(root: string, segments: readonly string[]): Promise<string | null> {
    try {
      const real = await realpath(join(root, ...segments));
      return real.startsWith(root + sep) ? real : null;
    } catch {
      return null;
    }
  }

  /** Sends a file; false when it cannot be opened as a file. (Never returns the reply: it is thenable.) */
  async function serve(reply: FastifyReply, root: string, file: string): Promise<boolean> {
    const handle = await open(file, "r").catch(() => null);
    if (!handle) return false;
    const info = await handle.stat().catch(() => null);
    if (!info?.isFile()) {
      await handle.close();
      return false;
    }
    const ext = extname(file).toLowerCase();
    // Vite puts content-hashed names under assets/: those never change.
    const hashed = file.slice(root.length).startsWith(`${sep}assets${sep}`);
    reply
      .header("content-type", CONTENT_TYPES[ext] ?? "application/octet-stream")
      .header("content-length", info.size)
      .header("x-content-type-options", "nosniff")
      .header("cache-control", ext === ".html" || !hashed ? "no-cache" : "public, max-age=31536000, immutable");
    void reply.send(handle.createReadStream());
    return true;
  }

  app.get("/*", async (req, reply) => {
    const path = req.url.split("?")[0]!;
    if (path === "/api" || path.startsWith("/api/")) return reply.callNotFound();
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return reply.status(400).send(apiError("bad_name", "路径不合规", "bad path"));
    }
    const segments = decoded.split("/").filter((s) => s !== "");
    if (/[\\\0]/.test(decoded) || segments.some((s) => s.startsWith("."))) {
      return reply.status(400).send(apiError("bad_name", "路径不合规", "bad path"));
    }
    const root = await realpath(dir).catch(() => null);
    if (!root) return reply.status(404).send(notFound(path));
    const file = await inside(root, segments.length > 0 ? segments : ["index.html"]);
    if (file && (await serve(reply, root, file))) return reply;
    // The editor's own paths (no extension) get the editor; a missing asset is a 404.
    if (extname(segments.at(-1) ?? "") === "") {
      const index = await inside(root, ["index.html"]);
      if (index && (await serve(reply, root, index))) return reply;
    }
    return reply.status(404).send(notFound(path));
  });
}
