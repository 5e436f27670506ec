/**
 * The worker pool for work that may be expensive: checking rule texts and evaluating under a hard
 * time limit. Piscina (a well-kept pool) rather than worker_threads by hand: it queues tasks with
 * a bound, replaces a worker that died (out of memory, or terminated when a task was aborted),
 * and aborting a running task terminates its thread — which is the only way to stop a
 * synchronous evaluation that runs away. Each worker runs with a V8 heap limit, so a file that
 * would need gigabytes fails its task instead of the server.
 */
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { Analysis, Outcome, Task } from "./worker.js";

export interface PoolOptions {
  /** Worker threads (default: the machine's cores, at most 2, at least 1). */
  readonly threads?: number;
  /** Hard limit for one evaluation task, in ms (default 5,000). */
  readonly evaluationTimeoutMs?: number;
  /** Hard limit for checking one rule text, in ms (default 60,000). */
  readonly checkTimeoutMs?: number;
  /** Each worker's V8 old-generation heap limit, in MiB (default 1,536). */
  readonly memoryMb?: number;
  /** Tasks waiting for a worker before new ones are refused as busy (default 64). */
  readonly maxQueue?: number;
}

export const DEFAULT_POOL = { evaluationTimeoutMs: 5_000, checkTimeoutMs: 60_000, memoryMb: 1_536, maxQueue: 64 } as const;

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

/** A pool of worker threads; `close()` ends them. */
export class WorkPool {
  private readonly piscina: Piscina;
  readonly evaluationTimeoutMs: number;
  readonly checkTimeoutMs: number;

  constructor(options: PoolOptions = {}) {
    const threads = Math.max(1, options.threads ?? Math.min(2, availableParallelism()));
    this.evaluationTimeoutMs = options.evaluationTimeoutMs ?? DEFAULT_POOL.evaluationTimeoutMs;
    this.checkTimeoutMs = options.checkTimeoutMs ?? DEFAULT_POOL.checkTimeoutMs;
    this.piscina = new Piscina({
      filename: workerFile.href,
      minThreads: 1,
      maxThreads: threads,
      idleTimeout: 30_000,
      maxQueue: options.maxQueue ?? DEFAULT_POOL.maxQueue,
      // Without the test runner's `--conditions source`: the worker loads the built packages.
      execArgv: workerExecArgv(),
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb ?? DEFAULT_POOL.memoryMb },
    });
  }

  /**
   * Runs a task, aborting it (its thread is terminated and replaced) after `limitMs` counted from
   * when it was handed to the pool. Rejects with a PoolError; never hangs.
   */
  async run<T>(task: Task, limitMs: number): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), limitMs);
    try {
      return (await this.piscina.run(task, { signal: controller.signal })) as T;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (controller.signal.aborted) throw new PoolError("timeout", message, limitMs);
      if ((err as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY" || /out of memory|heap/i.test(message)) throw new PoolError("memory", message);
      if (/queue is at limit/i.test(message)) throw new PoolError("busy", message);
      throw new PoolError("failed", message);
    } finally {
      clearTimeout(timer);
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
    await this.piscina.close({ force: true });
  }
}
