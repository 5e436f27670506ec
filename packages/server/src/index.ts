/** The HTTP API as a library: `buildServer(options)` returns a Fastify instance not yet listening. */
export { buildServer, apiError, DEFAULT_BODY_LIMIT, DEFAULT_BATCH_BODY_LIMIT, DEFAULT_MAX_BATCH, type ServerOptions } from "./app.js";
export { RuleStore, etagOf, RULE_FILE, type RuleEntry } from "./store.js";
export {
  writeAtomically, newYearSource, storeName, exampleName, nodeIo, STORE_FILE, EXAMPLE_FILE,
  type AtomicIo, type FileStoreOptions, type StoreName, type NewYearResult,
} from "./files.js";
export { CONTENT_TYPES } from "./static.js";
export {
  ROUTE_ACCESS, ROLES, ROLE_NAMES, LOCAL, SCRYPT_PARAMS, hashToken, verifyToken, parseAccounts, loadAccountsFile, tokenProblem, bearerToken,
  AccountsError, Authenticator,
  type Role, type Access, type Account, type AccountsConfig, type Identity, type Auth,
} from "./auth.js";
export { AuditTrail, versionId, historyVersion, HISTORY_VERSION, AUDIT_DIR, AUDIT_FILE, HISTORY_DIR, HEAD_FILE, MAX_DIFF_LINES, type AuditEntry, type HistoryItem, type AuditAction, type AuditStatus, type Intent } from "./audit.js";
export { sealLine, verifyChain, sha256, type ChainBreak, type Verified } from "./chain.js";
export { UnsafePathError } from "./nofollow.js";
export { unifiedDiff, diffOps, splitLines, type UnifiedDiff } from "./diff.js";
export { withApplicationSchemas } from "./openapi.js";
