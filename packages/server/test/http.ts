/** Requests over a raw socket for the tests: the path is sent exactly as given (fetch would normalise `..`). */
import { request as httpRequest } from "node:http";

export interface Answer { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: any }

export interface RawOptions {
  headers?: Record<string, string>;
  body?: string;
  /** A bearer token: sent as `Authorization: Bearer <token>`. */
  token?: string;
}

export function raw(base: string, method: string, path: string, options: RawOptions = {}): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.token !== undefined) headers["authorization"] = `Bearer ${options.token}`;
    if (options.body !== undefined) {
      headers["content-type"] ??= "application/json";
      headers["content-length"] = Buffer.byteLength(options.body);
    }
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode!, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Applies a unified diff to `oldText`; throws when a context or deleted line does not match. */
export function applyUnifiedDiff(oldText: string, diff: string): string {
  const a = oldText.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  if (diff === "") return oldText;
  const lines = diff.split("\n");
  if (lines.pop() !== "") throw new Error("a diff ends with a newline");
  if (!lines[0]!.startsWith("--- ") || !lines[1]!.startsWith("+++ ")) throw new Error("no ---/+++ headers");
  const out: string[] = [];
  let i = 0;
  for (let k = 2; k < lines.length; k++) {
    const l = lines[k]!;
    const h = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$/.exec(l);
    if (h) {
      const [start, count, newStart, newCount] = [Number(h[1]), h[2] === undefined ? 1 : Number(h[2]), Number(h[3]), h[4] === undefined ? 1 : Number(h[4])];
      const to = count === 0 ? start : start - 1;
      if (to < i) throw new Error(`hunk out of order: ${l}`);
      while (i < to) out.push(a[i++]!);
      if (out.length !== (newCount === 0 ? newStart : newStart - 1)) throw new Error(`new start wrong: ${l}`);
      continue;
    }
    const noNewline = lines[k + 1]?.startsWith("\\ ") ?? false;
    const text = l.slice(1) + (noNewline ? "" : "\n");
    if (noNewline) k++;
    if (l[0] === " " || l[0] === "-") {
      if (a[i] !== text) throw new Error(`line ${i + 1} does not match: ${JSON.stringify(a[i])} vs ${JSON.stringify(text)}`);
      i++;
      if (l[0] === " ") out.push(text);
    } else if (l[0] === "+") {
      out.push(text);
    } else {
      throw new Error(`not a diff line: ${JSON.stringify(l)}`);
    }
  }
  while (i < a.length) out.push(a[i++]!);
  return out.join("");
}
