/**
 * The worker pool for work that may be expensive: checking rule texts and evaluating under a hard
 * time limit. Piscina (a well-kept pool) rather than worker_threads by hand: it queues tasks with
 * a bound, replaces a worker that died (out of memory, or terminated when a task was aborted),
 * and aborting a running task terminates its thread — which is the only way to stop a
 * synchronous evaluation that runs away. Each worker runs with a V8 heap limit, so a file that
 * would need gigabytes fails its task instead of the server.
 */
import { availableParallelism } from "node:os";
import { LOADED } from "./loaded.js";
import { Piscina } from "piscina";
import type { Analysis, Outcome, Task } from "./worker.js";

export interface PoolOptions {
  /** Worker threads (default: the machine's cores, at most 2, at least 1). */
  readonly threads?: number;
  /** Hard limit for one evaluation task, in ms (default 5,000). */
  readonly evaluationTimeoutMs?: number;
  /** Hard limit for checking one rule text, in ms (default 20,000: under the 30 s connection timeout). */
  readonly checkTimeoutMs?: number;
  /** Each worker's V8 old-generation heap limit, in MiB (default 1,536). */
  readonly memoryMb?: number;
  /** Tasks waiting for a worker before new ones are refused as busy (default 64). */
  readonly maxQueue?: number;
}

export const DEFAULT_POOL = { evaluationTimeoutMs: 5_000, checkTimeoutMs: 20_000, memoryMb: 1_536, maxQueue: 64 } as const;

/** Why a task did not finish: over its time limit, over the memory limit, or too many waiting. */
export class PoolError extends Error {
  constructor(readonly reason: "timeout" | "memory" | "busy" | "failed", message: string, readonly limitMs?: number) {
    super(message);
    this.name = "PoolError";
  }
}

// From src/ (tests run the sources) the worker is the built one: a worker thread cannot load .ts.
const workerFile = new URL(import.meta.url.endsWith(".ts") ? "../dist/worker.js" : "./worker.js", import.meta.url);

function workerExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--conditions" || a === "-C") i++;
    else if (!a.startsWith("--conditions=") && !a.startsWith("-C=")) out.push(a);
  }
  return out;
}

/**
 * One set of threads per process and settings, shared by every server built in it (tests build
 * several): starting a worker loads the parser and the engine, which costs seconds on a busy
 * machine. Counted, so the last server to close ends the threads.
 */
const shared = new Map<string, Shared>();

/**
 * The threads, and the gate in front of them: at most `threads` tasks are handed to Piscina at
 * once, so a task's time limit starts when a thread is free for it, not while it waits behind
 * others (a busy moment must not turn good evaluations into timeouts).
 */
interface Shared {
  readonly piscina: Piscina;
  users: number;
  running: number;
  readonly threads: number;
  readonly maxQueue: number;
  readonly waiting: (() => void)[];
  /** Settles once every thread has loaded its modules: time limits are not spent loading them. */
  readonly ready: Promise<unknown>;
  /** Threads (by id) that have loaded their modules (worker.ts posts LOADED). */
  readonly loaded: Set<number>;
}

/**
 * Waits until every thread of the pool has loaded its modules, or `ms` passed. Node 20 may end
 * the whole process when a worker is terminated while its ES modules are being instantiated, and
 * piscina marks its first threads ready before they have loaded: so no task runs (and no time
 * limit can terminate) before this, and the pool is not closed before it either.
 */
async function allLoaded(piscina: Piscina, loaded: Set<number>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && piscina.threads.some((t) => !loaded.has(t.threadId))) await new Promise((r) => setTimeout(r, 10));
}

function acquire(threads: number, memoryMb: number, maxQueue: number): { key: string; shared: Shared } {
  const key = `${threads}/${memoryMb}/${maxQueue}`;
  let found = shared.get(key);
  if (!found) {
    const piscina = new Piscina({
        filename: workerFile.href,
        // All threads kept warm: a worker stopped at a time limit is replaced at once.
        minThreads: threads,
        maxThreads: threads,
        idleTimeout: 30_000,
        // Without the test runner's `--conditions source`: the worker loads the built packages.
        execArgv: workerExecArgv(),
        resourceLimits: { maxOldGenerationSizeMb: memoryMb },
      });
    const loaded = new Set<number>();
    piscina.on("message", (m: unknown) => {
      const id = (m as Record<string, unknown> | null)?.[LOADED];
      if (typeof id === "number") loaded.add(id);
    });
    const ready = piscina.run({ kind: "ping" }).catch(() => false).then(() => allLoaded(piscina, loaded, 60_000));
    found = { users: 0, running: 0, threads, maxQueue, waiting: [], piscina, ready, loaded };
    shared.set(key, found);
  }
  found.users++;
  return { key, shared: found };
}

/** A pool of worker threads; `close()` ends them (when no other server of the process uses them). */
export class WorkPool {
  private readonly shared: Shared;
  private readonly key: string;
  private closed = false;
  readonly evaluationTimeoutMs: number;
  readonly checkTimeoutMs: number;

  constructor(options: PoolOptions = {}) {
    const threads = Math.max(1, options.threads ?? Math.min(2, availableParallelism()));
    this.evaluationTimeoutMs = options.evaluationTimeoutMs ?? DEFAULT_POOL.evaluationTimeoutMs;
    this.checkTimeoutMs = options.checkTimeoutMs ?? DEFAULT_POOL.checkTimeoutMs;
    const got = acquire(threads, options.memoryMb ?? DEFAULT_POOL.memoryMb, options.maxQueue ?? DEFAULT_POOL.maxQueue);
    this.shared = got.shared;
    this.key = got.key;
  }

  /**
   * Runs a task, aborting it (its thread is terminated and replaced) after `limitMs` counted from
   * when it was handed to the pool. Rejects with a PoolError; never hangs.
   */
  async run<T>(task: Task, limitMs: number): Promise<T> {
    const gate = this.shared;
    await gate.ready;
    if (gate.running >= gate.threads) {
      if (gate.waiting.length >= gate.maxQueue) throw new PoolError("busy", "too many tasks waiting");
      // The finishing task hands its slot over: `running` stays the same.
      await new Promise<void>((resolve) => gate.waiting.push(resolve));
    } else {
      gate.running++;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), limitMs);
    try {
      return (await gate.piscina.run(task, { signal: controller.signal })) as T;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (controller.signal.aborted) throw new PoolError("timeout", message, limitMs);
      if ((err as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY" || /out of memory|heap/i.test(message)) throw new PoolError("memory", message);
      throw new PoolError("failed", message);
    } finally {
      clearTimeout(timer);
      const next = gate.waiting.shift();
      if (next) next();
      else gate.running--;
    }
  }

  /** Checks a rule text in a worker (limit: checkTimeoutMs). */
  analyse(source: string, name: string): Promise<Analysis> {
    return this.run<Analysis>({ kind: "analyse", source, name }, this.checkTimeoutMs);
  }

  /** Evaluates applications in a worker (limit: evaluationTimeoutMs for the whole task). */
  evaluate(task: Omit<Extract<Task, { kind: "evaluate" }>, "kind">): Promise<Outcome[]> {
    return this.run<Outcome[]>({ kind: "evaluate", ...task }, this.evaluationTimeoutMs);
  }

  /** Validates one application in a worker: null when valid, else its (capped) errors. */
  validate(task: Omit<Extract<Task, { kind: "validate" }>, "kind">): Promise<{ errors: unknown[]; errorsOmitted?: number } | null> {
    return this.run({ kind: "validate", ...task }, this.evaluationTimeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const found = shared.get(this.key);
    if (!found || --found.users > 0) return;
    shared.delete(this.key);
    await allLoaded(found.piscina, found.loaded, 30_000);
    await found.piscina.close({ force: true });
  }
}
