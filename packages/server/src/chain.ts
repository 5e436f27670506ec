/**
 * The audit log as a hash chain: each line carries the SHA-256 of the line before it (`prev`) and
 * its own (`hash`), so a line edited, removed, inserted or moved by hand breaks the chain where it
 * happened, and the server sees it at start.
 *
 * A line is the JSON text `{…fields, "prev": P, "hash": H}` where H is the SHA-256 (hex) of the
 * same text without its `,"hash":"H"` member — the exact bytes written, so no re-serialisation
 * is needed to verify it. P is the previous line's H; for the first chained line of a log (one
 * that began before the chain, or is empty) and for an operator's acknowledgement, P is the
 * SHA-256 of all the bytes of the log before the line, which seals everything before it.
 *
 * The chain alone cannot see its last lines removed, so `.audit/head.json` keeps the hash of the
 * last line written: a head that is not in the log means lines were cut from its end.
 *
 * What it protects against: careless or hand edits and lost lines. Whoever can write the folder
 * can also rewrite the whole chain; that needs a key kept elsewhere, which this does not have.
 */
import { createHash, type Hash } from "node:crypto";

export const sha256 = (text: string | Buffer): string => createHash("sha256").update(text).digest("hex");

/** A chained line's trailing member; its text is what `hash` was made over, minus this. */
const HASH_MEMBER = /,"hash":"([0-9a-f]{64})"\}$/;

/** The line of `fields` chained after `prev`: its text (no newline) and hash. */
export function sealLine(fields: Record<string, unknown>, prev: string): { text: string; hash: string } {
  const { prev: _p, hash: _h, ...rest } = fields;
  const body = JSON.stringify({ ...rest, prev });
  const hash = sha256(body);
  return { text: `${body.slice(0, -1)},"hash":"${hash}"}`, hash };
}

export type BreakReason = "edited" | "not_json" | "out_of_order" | "unchained" | "tail_removed" | "torn";

/** Where the chain is broken (1-based line), and how, in Chinese and English. */
export interface ChainBreak {
  readonly line: number;
  readonly reason: BreakReason;
  readonly zh: string;
  readonly en: string;
}

export interface ChainLine {
  readonly line: number;
  readonly fields: Record<string, unknown>;
  /** Its `hash`, or null for a line from before the chain. */
  readonly hash: string | null;
}

export interface Verified {
  /** Breaks after the last valid acknowledgement (none: the log is whole). */
  readonly breaks: readonly ChainBreak[];
  /** What the next line's `prev` must be. */
  readonly head: string;
  /** Every line that parsed, in order. */
  readonly lines: readonly ChainLine[];
  /** How many lines the log has. */
  readonly count: number;
}

const words: Record<BreakReason, (n: number) => [string, string]> = {
  edited: (n) => [`第 ${n} 行被改动（散列不符）`, `line ${n} was edited (its hash does not match)`],
  not_json: (n) => [`第 ${n} 行不是 JSON（被改动或损坏）`, `line ${n} is not JSON (edited or damaged)`],
  out_of_order: (n) => [`第 ${n} 行之前有行被删除、插入或调换了顺序`, `a line before line ${n} was removed, inserted or moved`],
  unchained: (n) => [`第 ${n} 行没有散列链字段（手工加入的行）`, `line ${n} has no chain fields (a line added by hand)`],
  tail_removed: (n) => [`日志末尾的行被删除（最后写入的行不在日志中，现有 ${n} 行）`, `lines were removed from the end of the log (the last line written is not in it; it has ${n} lines)`],
  torn: (n) => [`第 ${n} 行不完整（写入中断）`, `line ${n} is incomplete (a write was interrupted)`],
};

function brk(line: number, reason: BreakReason): ChainBreak {
  const [zh, en] = words[reason](line);
  return { line, reason, zh, en };
}

/**
 * Verifies a log's text. `lastWritten`: the hash `.audit/head.json` holds (null when it has none).
 * Never throws: whatever the text, it returns the breaks found.
 */
export function verifyChain(text: string, lastWritten: string | null): Verified {
  const pieces = text.split("\n");
  const tail = pieces.pop()!; // "" when the text ends with a newline
  const running: Hash = createHash("sha256");
  const prefixHash = () => running.copy().digest("hex");
  let breaks: ChainBreak[] = [];
  const lines: ChainLine[] = [];
  const hashes = new Set<string>();
  let head: string | null = null; // the previous chained line's hash; null before the chain began
  pieces.forEach((raw, i) => {
    const n = i + 1;
    const expectedFirst = prefixHash();
    running.update(`${raw}\n`);
    let fields: Record<string, unknown>;
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
      fields = parsed as Record<string, unknown>;
    } catch {
      breaks.push(brk(n, "not_json"));
      return;
    }
    const m = HASH_MEMBER.exec(raw);
    if (!m) {
      if (head !== null) breaks.push(brk(n, "unchained"));
      lines.push({ line: n, fields, hash: null });
      return;
    }
    const hash = m[1]!;
    const body = `${raw.slice(0, m.index)}}`;
    if (sha256(body) !== hash) breaks.push(brk(n, "edited"));
    const prev = fields["prev"];
    if (fields["kind"] === "acknowledge" && prev === expectedFirst) {
      // An operator acknowledged what was wrong before this line, as the log then was.
      breaks = [];
    } else if (prev !== (head ?? expectedFirst)) {
      breaks.push(brk(n, "out_of_order"));
    }
    head = hash;
    hashes.add(hash);
    lines.push({ line: n, fields, hash });
  });
  if (tail !== "") breaks.push(brk(pieces.length + 1, "torn"));
  else if (lastWritten !== null && !hashes.has(lastWritten)) breaks.push(brk(pieces.length, "tail_removed"));
  return { breaks, head: head ?? prefixHash(), lines, count: pieces.length + (tail !== "" ? 1 : 0) };
}
