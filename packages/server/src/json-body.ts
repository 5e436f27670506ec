/**
 * The JSON body parser. Fastify's own answers every refusal — broken JSON and a `__proto__` key
 * alike — with "Body is not valid JSON", which sends a caller looking for a syntax error that is
 * not there. This one says which it was. Like Fastify's (secure-json-parse), it refuses a
 * `__proto__` key anywhere, and a `constructor` key whose value has a `prototype`, and it only
 * walks the value when the text contains one of those words, so ordinary bodies pay nothing.
 */
import type { FastifyInstance } from "fastify";

/** A refused body: Fastify turns `statusCode` 400 into the error envelope (app.ts). */
export class JsonBodyError extends Error {
  readonly statusCode = 400;
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

/** The first forbidden key's JSON path, or null. Iterative: deep bodies do not overflow. */
export function poisonedKey(value: unknown): string | null {
  const stack: { v: unknown; path: string }[] = [{ v: value, path: "$" }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (Object.prototype.hasOwnProperty.call(v, "__proto__")) return `${path}.__proto__`;
    const ctor = Object.prototype.hasOwnProperty.call(v, "constructor") ? (v as { constructor: unknown }).constructor : undefined;
    if (ctor && typeof ctor === "object" && Object.prototype.hasOwnProperty.call(ctor, "prototype")) return `${path}.constructor`;
    for (const [k, x] of Object.entries(v)) if (x !== null && typeof x === "object") stack.push({ v: x, path: Array.isArray(v) ? `${path}[${k}]` : `${path}.${k}` });
  }
  return null;
}

/** Parses a JSON body; throws JsonBodyError for broken JSON or a forbidden key. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") throw new JsonBodyError("empty body", "FST_ERR_CTP_EMPTY_JSON_BODY");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new JsonBodyError(`Body is not valid JSON: ${(err as Error).message}`, "FST_ERR_CTP_INVALID_JSON_BODY");
  }
  if (text.includes("__proto__") || text.includes("constructor")) {
    const at = poisonedKey(value);
    if (at) throw new JsonBodyError(`forbidden __proto__ or constructor key at ${at}`, "FST_ERR_CTP_FORBIDDEN_KEY");
  }
  return value;
}

/** Charsets a JSON body may declare (`Content-Type: application/json; charset=…`), by decoder. */
const CHARSETS: Record<string, string> = {
  "utf-8": "utf-8", utf8: "utf-8",
  gbk: "gb18030", gb2312: "gb18030", gb18030: "gb18030", "x-gbk": "gb18030", cp936: "gb18030",
  "utf-16": "utf-16le", "utf-16le": "utf-16le", "utf-16be": "utf-16be",
};

/**
 * The body's text. JSON is UTF-8 (RFC 8259), but city offices' tools save GBK/GB18030 and
 * UTF-16: a declared `charset` is honoured, a byte-order mark is followed, and bytes that are not
 * UTF-8 are read as GB18030 when they are valid GB18030 — never silently mangled: bytes valid in
 * neither are refused with the reason.
 */
export function decodeJsonBody(bytes: Buffer, contentType: string | undefined): string {
  const declared = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  const strict = (label: string, data: Uint8Array) => new TextDecoder(label, { fatal: true }).decode(data);
  if (declared !== undefined) {
    const label = CHARSETS[declared];
    if (!label) throw new JsonBodyError(`unsupported charset ${declared.slice(0, 40)}: use utf-8, gb18030 (gbk) or utf-16`, "FST_ERR_CTP_INVALID_MEDIA_TYPE");
    try { return strict(label, bytes); } catch { throw new JsonBodyError(`the body is not valid ${declared.slice(0, 40)}`, "FST_ERR_CTP_INVALID_JSON_BODY"); }
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeOr(bytes.subarray(3), "utf-8");
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeOr(bytes.subarray(2), "utf-16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeOr(bytes.subarray(2), "utf-16be");
  try { return strict("utf-8", bytes); } catch { /* not UTF-8: try GB18030 below */ }
  try { return strict("gb18030", bytes); } catch {
    throw new JsonBodyError("the body is neither UTF-8 nor GB18030 (GBK): send UTF-8, or declare the charset", "FST_ERR_CTP_INVALID_JSON_BODY");
  }

  function decodeOr(data: Uint8Array, label: string): string {
    try { return strict(label, data); } catch { throw new JsonBodyError(`the body is not valid ${label}`, "FST_ERR_CTP_INVALID_JSON_BODY"); }
  }
}

/** Replaces Fastify's JSON parser with `parseJsonBody` (route body limits still apply). */
export function registerJsonBody(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body, done) => {
    try {
      done(null, parseJsonBody(decodeJsonBody(body as Buffer, req.headers["content-type"])));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
