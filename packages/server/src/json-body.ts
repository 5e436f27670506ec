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

/** Replaces Fastify's JSON parser with `parseJsonBody` (route body limits still apply). */
export function registerJsonBody(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
