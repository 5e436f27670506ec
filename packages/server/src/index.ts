/** The HTTP API as a library: `buildServer(options)` returns a Fastify instance not yet listening. */
export { buildServer, apiError, DEFAULT_BODY_LIMIT, DEFAULT_BATCH_BODY_LIMIT, DEFAULT_MAX_BATCH, type ServerOptions } from "./app.js";
export { RuleStore, etagOf, RULE_FILE, type RuleEntry } from "./store.js";
export {
  writeAtomically, newYearSource, storeName, exampleName, nodeIo, STORE_FILE, EXAMPLE_FILE,
  type AtomicIo, type FileStoreOptions, type StoreName, type NewYearResult,
} from "./files.js";
export { CONTENT_TYPES } from "./static.js";
