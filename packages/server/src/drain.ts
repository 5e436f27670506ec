/**
 * Answering a request before its body has arrived (a 413 for a body over the limit) and closing
 * the connection makes the kernel reset it while the client is still writing: most clients then
 * report EPIPE or ECONNRESET and never read the clear 413 (the "lingering close" problem that
 * nginx and Apache solve by reading on after the answer). So the answer goes out at once — a
 * client that announced a huge body and sends nothing still hears at once — and behind it the
 * rest of the body is read and thrown away (never kept), up to a bound in bytes and in time; a
 * client that sends more, or more slowly, than that is cut off.
 */
import type { IncomingMessage } from "node:http";

export interface DrainBound {
  /** Most bytes read and thrown away after the limit was hit. */
  readonly bytes: number;
  /** Longest wait for the rest of the body, in milliseconds. */
  readonly ms: number;
}

/** Default: 64 MiB or 10 s, whichever comes first. */
export const DEFAULT_DRAIN: DrainBound = { bytes: 64 * 1024 * 1024, ms: 10_000 };

/**
 * Reads and discards what is left of `raw`'s body. Resolves `true` once the body has ended (the
 * connection can then serve the client's next request), `false` when the bound was reached or
 * the connection failed (the caller then closes the connection).
 */
export function drainBody(raw: IncomingMessage, bound: DrainBound = DEFAULT_DRAIN): Promise<boolean> {
  if (raw.complete || raw.readableEnded) return Promise.resolve(true);
  if (raw.destroyed) return Promise.resolve(false);
  const socket = raw.socket as IncomingMessage["socket"] | null;
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (whole: boolean) => {
      clearTimeout(timer);
      raw.removeListener("data", onData);
      raw.removeListener("end", onEnd);
      raw.removeListener("error", onFail);
      socket?.removeListener("close", onClose);
      if (!whole) raw.pause();
      resolve(whole);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > bound.bytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onFail = () => finish(false);
    const onClose = () => finish(raw.complete);
    const timer = setTimeout(() => finish(false), bound.ms);
    timer.unref();
    raw.on("data", onData);
    raw.once("end", onEnd);
    raw.once("error", onFail);
    // The connection's close, not the request's: a request emits "close" as soon as its answer
    // has been sent, while its body may still be arriving.
    socket?.once("close", onClose);
    raw.resume();
  });
}
