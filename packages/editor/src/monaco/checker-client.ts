/**
 * Checking as the user types. Tiny texts are checked on the main thread — cheap, and the
 * markers appear soonest; texts of `WORKER_THRESHOLD` characters or more go to a module worker,
 * so parsing never stalls typing (the 2024 file, 11,845 characters, took about 17 ms a keystroke
 * on the main thread: `bench:editor`'s typing cost, docs/speed.md). Only the newest text's diagnostics are ever
 * delivered: a reply for an older text is dropped, and the older requests resolve with the
 * newest diagnostics.
 */
import { analyze, type Diagnostic } from "@jsqc/dsl";
import { CHECK_PROTOCOL_VERSION, type CheckReply, type CheckRequest } from "./check-protocol.js";

/** Texts this long or longer are checked in the worker. */
export const WORKER_THRESHOLD = 2_000;

/** Texts shorter than this may still be checked here when the editor asks (`here`): a keystroke after a pause. */
export const HERE_LIMIT = 20_000;

/** The editor's side of a checking worker: send a request, or stop it. */
export interface CheckWorker {
  post(request: CheckRequest): void;
  terminate(): void;
}

/** Starts a worker that calls `onReply` with each reply and `onError` if it fails; null where there are no workers. */
export type CheckWorkerFactory = (onReply: (reply: CheckReply) => void, onError: (message: string) => void) => CheckWorker | null;

/** How `createChecker` checks; both are for tests and tuning, the defaults suit the app. */
export interface CheckerOptions {
  /** Default `WORKER_THRESHOLD`. */
  readonly workerThreshold?: number;
  /** Default: the module worker `check.worker.ts` (bundled by Vite), or none outside a browser. */
  readonly createWorker?: CheckWorkerFactory;
}

/** Checks texts as they change; see `createChecker`. */
export interface Checker {
  /**
   * The diagnostics of `text`, or — when `check` is called again before they arrive — of the
   * newest text. Never rejects. `here`: check on this thread whatever the text's size (the
   * editor does so for a keystroke after a pause, when the markers and preview are wanted at once).
   */
  check(text: string, options?: { readonly here?: boolean }): Promise<Diagnostic[]>;
  /** Stops the worker; pending checks resolve with no diagnostics, later ones run on the main thread. */
  dispose(): void;
}

/** The module worker, or null where workers are unavailable (Node, old browsers, a blocked script). */
export const moduleWorker: CheckWorkerFactory = (onReply, onError) => {
  if (typeof Worker === "undefined") return null;
  let worker: Worker;
  try {
    worker = new Worker(new URL("./check.worker.ts", import.meta.url), { type: "module" });
  } catch {
    return null;
  }
  worker.onmessage = (event: MessageEvent<CheckReply>) => onReply(event.data);
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    onError(event.message || "worker failed");
  };
  worker.onmessageerror = () => onError("unreadable reply");
  return { post: (request) => worker.postMessage(request), terminate: () => worker.terminate() };
};

/** The dsl's diagnostics on this thread; `analyze` keeps the result for the providers' next request. */
function checkHere(text: string): Diagnostic[] {
  return [...analyze(text).diagnostics];
}

/** A checker; the worker starts with the first large text. Never throws. */
export function createChecker(options: CheckerOptions = {}): Checker {
  const threshold = options.workerThreshold ?? WORKER_THRESHOLD;
  const createWorker = options.createWorker ?? moduleWorker;
  let latest = 0;
  const waiting = new Map<number, (diagnostics: Diagnostic[]) => void>();
  /** undefined until first needed; null once unavailable for good. */
  let worker: CheckWorker | null | undefined;
  let inFlight: CheckRequest | null = null;
  let queued: CheckRequest | null = null;
  let disposed = false;

  /** Delivers the newest text's diagnostics to every request still waiting; anything older is dropped. */
  const settle = (id: number, diagnostics: Diagnostic[]) => {
    if (id !== latest) return;
    for (const resolve of waiting.values()) resolve(diagnostics);
    waiting.clear();
  };

  const stopWorker = () => {
    try {
      worker?.terminate();
    } catch {
      // Already gone.
    }
    worker = null;
  };

  /** Without the worker from now on: answer the newest outstanding request here. */
  const fallBack = () => {
    stopWorker();
    const newest = queued ?? inFlight;
    inFlight = queued = null;
    if (newest) settle(newest.id, checkHere(newest.text));
  };

  const send = (request: CheckRequest) => {
    inFlight = request;
    try {
      worker!.post(request);
    } catch {
      fallBack();
    }
  };

  const onReply = (reply: CheckReply) => {
    if (!inFlight || reply.id !== inFlight.id) return;
    if (reply.version !== CHECK_PROTOCOL_VERSION || reply.error !== undefined) {
      fallBack();
      return;
    }
    inFlight = null;
    settle(reply.id, reply.diagnostics);
    const next = queued;
    queued = null;
    // Only the newest text is worth checking; older queued texts were replaced already.
    if (next && next.id === latest) send(next);
  };

  const workerReady = (): boolean => {
    if (worker === undefined) {
      try {
        worker = createWorker(onReply, () => fallBack());
      } catch {
        worker = null;
      }
    }
    return worker !== null;
  };

  return {
    check(text: string, options?: { readonly here?: boolean }): Promise<Diagnostic[]> {
      const id = ++latest;
      const result = new Promise<Diagnostic[]>((resolve) => waiting.set(id, resolve));
      if (disposed || options?.here === true || text.length < threshold || !workerReady()) {
        settle(id, checkHere(text));
      } else if (inFlight) {
        // One text at a time in the worker; a newer text replaces any waiting one.
        queued = { id, text };
      } else {
        send({ id, text });
      }
      return result;
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      stopWorker();
      inFlight = queued = null;
      for (const resolve of waiting.values()) resolve([]);
      waiting.clear();
    },
  };
}
