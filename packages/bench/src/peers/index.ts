/**
 * The encodings benchmarked by `pnpm bench:peers`, by key. Each is imported lazily, so a worker
 * process loads only its own library (and its cold start includes that import).
 */
import type { Peer } from "./types.js";

export const PEERS: Record<string, () => Promise<Peer>> = {
  "handwritten": async () => (await import("./handwritten.js")).handwritten,
  "ours": async () => (await import("./ours.js")).ours(false),
  "ours-trace": async () => (await import("./ours.js")).ours(true),
  "ours-aot": async () => (await import("./ours-aot.js")).oursAot(),
  "json-rules-engine": async () => (await import("./json-rules-engine.js")).jsonRulesEngine,
  "json-logic-js": async () => (await import("./json-logic-js.js")).jsonLogicJs,
  "json-logic-engine": async () => (await import("./json-logic-engine.js")).jsonLogicEngine,
  "json-logic-engine-ops": async () => (await import("./json-logic-engine.js")).jsonLogicEngineOps,
  "zen-engine": async () => (await import("./zen-engine.js")).zenEngine,
  "zen-engine-batch": async () => (await import("./zen-engine.js")).zenEngineBatch,
};

export type { Peer, Application, Outcome } from "./types.js";
