/** The HTTP API as a library: `buildServer(options)` returns a Fastify instance not yet listening. */
export { buildServer, apiError, DEFAULT_BODY_LIMIT, DEFAULT_BATCH_BODY_LIMIT, DEFAULT_MAX_BATCH, type ServerOptions } from "./app.js";
export { RuleStore, etagOf, RULE_FILE, type RuleEntry } from "./store.js";
