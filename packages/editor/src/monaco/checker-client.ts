/**
 * Checking as the user types. Tiny texts are checked on the main thread — cheap, and the
 * markers appear soonest; texts of `WORKER_THRESHOLD` characters or more go to a module worker,
 * so parsing never stalls typing (the 2024 file, 11,845 characters, took about 17 ms a keystroke
 * on the main thread: `bench:editor`'s typing cost, docs/speed.md). Only the newest text's diagnostics are ever
 * delivered: a reply for an older text is dropped, and the older requests resolve with the
 * newest diagnostics.
 */
import { analyze, foldingRanges, semanticTokens, type Diagnostic } from "@jsqc/dsl";
import { CHECK_PROTOCOL_VERSION, type CheckReply, type CheckRequest, type TextEdit } from "./check-protocol.js";
import { encodeSemanticTokens } from "./semantic-tokens.js";
import { encodeFoldingRanges } from "./folding.js";

/** The message semantic tokens are refused with when a newer text came first (Monaco treats "busy" as "ask again later"). */
export const BUSY = "busy: a newer text is being checked";

/** More edits than this since the worker's text: send the whole text instead. */
const MAX_EDITS = 500;

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

/** How one text is checked. */
export interface CheckOptions {
  /** Check on this thread whatever the text's size. */
  readonly here?: boolean;
  /**
   * The edits that made this text from the text of the previous `check` (Monaco's content
   * changes, in order): the worker is then sent edits, not the whole text. Without them the
   * next text sent to the worker goes whole.
   */
  readonly edits?: readonly TextEdit[];
}

/** Checks texts as they change; see `createChecker`. */
export interface Checker {
  /**
   * The diagnostics of `text`, or — when `check` is called again before they arrive — of the
   * newest text. Never rejects. `here`: check on this thread whatever the text's size (the
   * editor does so for a keystroke after a pause, when the markers and preview are wanted at once).
   */
  check(text: string, options?: CheckOptions): Promise<Diagnostic[]>;
  /**
   * The semantic tokens of `text` (Monaco's encoding) for the highlighting: the worker's, sent
   * with its diagnostics, when `text` is the newest text it has or is checking (then once they
   * arrive); otherwise computed on this thread (a text checked here: its analysis is kept).
   * Rejects with `BUSY` when a newer text is checked before they arrive: Monaco then keeps the
   * tokens it has (moved along with the edits) and asks again; an empty answer would clear them.
   */
  semanticTokens(text: string): Promise<Uint32Array>;
  /**
   * The folding ranges of `text` (`encodeFoldingRanges`), as `semanticTokens` gets tokens, but
   * never refused: when a newer text came first, the newest ranges the worker gave (Monaco has
   * cancelled that request by then and asks again).
   */
  foldingRanges(text: string): Promise<Uint32Array>;
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
  /** A request as this side keeps it: always the whole text. */
  type Request = { readonly id: number; readonly text: string };
  let inFlight: Request | null = null;
  let queued: Request | null = null;
  /** The edits from the worker's text (the last one sent) to the newest checked text; null: send it whole. */
  let sinceWorker: TextEdit[] | null = null;
  let disposed = false;
  /** What the worker sends besides the diagnostics, for one text. */
  type Derived = { readonly text: string; readonly tokens: Uint32Array; readonly folds: Uint32Array };
  /** The worker's newest tokens and folding ranges, and the text they are of. */
  let derived: Derived | null = null;
  /** Waiting for those of the text in the worker (the newest request's). */
  let derivedWaiters: { text: string; resolve: (d: Derived) => void; reject: (e: Error) => void }[] = [];
  /** Resolves the waiters for `text` with `d`; every other one is rejected (`BUSY`: a newer text came). */
  const settleDerived = (text: string | null, d: Derived | null) => {
    const waiters = derivedWaiters;
    derivedWaiters = [];
    for (const w of waiters) {
      if (w.text === text && d) w.resolve(d);
      else w.reject(new Error(BUSY));
    }
  };
  /** A new text to check: waiters for any other text are rejected; those for this one wait on. */
  const dropOtherWaiters = (text: string) => {
    const others = derivedWaiters.filter((w) => w.text !== text);
    derivedWaiters = derivedWaiters.filter((w) => w.text === text);
    for (const w of others) w.reject(new Error(BUSY));
  };
  /** On this thread, from the analysis `checkHere` kept. */
  const derivedHere = (text: string): Derived => {
    const a = analyze(text);
    return { text, tokens: encodeSemanticTokens(semanticTokens(a)), folds: encodeFoldingRanges(foldingRanges(a)) };
  };

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
    settleDerived(newest?.text ?? null, newest && derivedWaiters.length > 0 ? derivedHere(newest.text) : null);
  };

  const send = (request: Request, whole = false) => {
    inFlight = request;
    // The worker's text is this one once the message is read; later edits count from it.
    const message: CheckRequest = sinceWorker === null || whole
      ? { id: request.id, text: request.text }
      : { id: request.id, edits: sinceWorker, length: request.text.length };
    sinceWorker = [];
    try {
      worker!.post(message);
    } catch {
      fallBack();
    }
  };

  const onReply = (reply: CheckReply) => {
    if (!inFlight || reply.id !== inFlight.id) return;
    if (reply.resync === true && reply.version === CHECK_PROTOCOL_VERSION) {
      // The edits did not fit the worker's text: the newest text goes whole.
      const newest = queued ?? inFlight;
      queued = null;
      send(newest, true);
      return;
    }
    if (reply.version !== CHECK_PROTOCOL_VERSION || reply.error !== undefined) {
      fallBack();
      return;
    }
    const text = inFlight.text;
    inFlight = null;
    derived = { text, tokens: reply.tokens, folds: reply.folds };
    if (reply.id === latest) settleDerived(text, derived);
    settle(reply.id, reply.diagnostics);
    const next = queued;
    queued = null;
    // Only the newest text is worth checking; older queued texts were replaced already.
    if (next && next.id === latest) send(next);
  };

  /** The worker's tokens and folds for `text`: kept, awaited, or made here. */
  const whenDerived = (text: string): Promise<Derived> => {
    if (derived?.text === text) return Promise.resolve(derived);
    const pending = queued ?? inFlight;
    if (!disposed && worker && pending && pending.id === latest && pending.text === text) {
      return new Promise((resolve, reject) => derivedWaiters.push({ text, resolve, reject }));
    }
    // Kept for the next request of the same text (the folding and the highlighting both ask).
    derived = derivedHere(text);
    return Promise.resolve(derived);
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
    check(text: string, options?: CheckOptions): Promise<Diagnostic[]> {
      const id = ++latest;
      if (options?.edits === undefined) sinceWorker = null;
      else sinceWorker?.push(...options.edits);
      // Checked here for long (a small file): the whole text is then shorter to send than the edits.
      if (sinceWorker !== null && sinceWorker.length > MAX_EDITS) sinceWorker = null;
      const result = new Promise<Diagnostic[]>((resolve) => waiting.set(id, resolve));
      // Tokens asked for an older text will not come: the highlighting asks again for this one.
      dropOtherWaiters(text);
      if (disposed || options?.here === true || text.length < threshold || !workerReady()) {
        settle(id, checkHere(text));
        if (derivedWaiters.length > 0) settleDerived(text, derivedHere(text));
      } else if (inFlight) {
        // One text at a time in the worker; a newer text replaces any waiting one.
        queued = { id, text };
      } else {
        send({ id, text });
      }
      return result;
    },
    semanticTokens(text: string): Promise<Uint32Array> {
      return whenDerived(text).then((d) => d.tokens);
    },
    foldingRanges(text: string): Promise<Uint32Array> {
      return whenDerived(text).then((d) => d.folds, () => derived?.folds ?? new Uint32Array(0));
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      stopWorker();
      settleDerived(null, null);
      inFlight = queued = null;
      for (const resolve of waiting.values()) resolve([]);
      waiting.clear();
    },
  };
}
