/** The key of the message a pool worker posts once its modules are loaded (worker.ts, pool.ts). */
export const LOADED = "jsqcWorkerLoaded";
