/**
 * A unified line diff (the `diff -u` format) for the audit log: Myers' O((N+M)·D) algorithm on
 * the lines left once the common prefix and suffix are trimmed, with three lines of context.
 *
 * Lines are compared with their line ending, so a change of the final newline (or of `\r\n`) is
 * a change; a last line without a newline is followed by `\ No newline at end of file`, as GNU
 * diff writes it. Past `MAX_EDIT_DISTANCE` insertions plus deletions the middle is written as
 * deleted and then inserted: still a correct diff, only not the shortest (and the audit log
 * keeps at most 2,000 lines of a diff anyway).
 */

/** The most insertions plus deletions searched for a shortest diff (memory is O(D²)). */
export const MAX_EDIT_DISTANCE = 2000;
/** Lines of context around each change. */
export const CONTEXT = 3;

/** A text's lines, each with its line ending (the last may have none). */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

type Op = 0 | 1 | 2; // same, deleted (from a), inserted (from b)

/**
 * The edit script between `a` and `b` (integer line ids) as ops, or null when the shortest needs
 * more than `maxD` edits. Classic greedy forward search keeping each round's V for backtracking.
 */
function myers(a: Int32Array, b: Int32Array, maxD: number): Op[] | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= Math.min(max, maxD) && found < 0; d++) {
    // V for k in [-d-1, d+1] as it was before this round: what the backtrack reads.
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[off + k] = x;
      if (x >= n && y >= m) { found = d; break; }
    }
  }
  if (found < 0) return null;
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = found; d >= 0; d--) {
    const snap = trace[d]!;
    const at = (k: number) => snap[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) { ops.push(0); x--; y--; }
    if (d > 0) ops.push(x === prevX ? 2 : 1);
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

/** The ops turning lines `a` into lines `b`: shortest when within `maxD` edits. */
export function diffOps(a: readonly string[], b: readonly string[], maxD = MAX_EDIT_DISTANCE): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const ids = new Map<string, number>();
  const id = (s: string) => {
    let i = ids.get(s);
    if (i === undefined) ids.set(s, (i = ids.size));
    return i;
  };
  const ia = Int32Array.from(a.slice(start, endA), id);
  const ib = Int32Array.from(b.slice(start, endB), id);
  const middle = myers(ia, ib, maxD) ?? [...Array<Op>(ia.length).fill(1), ...Array<Op>(ib.length).fill(2)];
  return [...Array<Op>(start).fill(0), ...middle, ...Array<Op>(a.length - endA).fill(0)];
}

export interface UnifiedDiff {
  /** The diff text; empty when the texts are equal. */
  readonly text: string;
  /** Lines of the whole diff (headers included). */
  readonly lines: number;
  /** Whether `text` is only the first `maxLines` lines of it. */
  readonly truncated: boolean;
}

/**
 * A unified diff of two texts, with `---`/`+++` headers naming them. At most `maxLines` lines
 * are kept (`truncated` says when there were more).
 */
export function unifiedDiff(
  oldText: string, newText: string,
  options: { oldName?: string; newName?: string; context?: number; maxLines?: number } = {},
): UnifiedDiff {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const ops = diffOps(a, b);
  const ctx = options.context ?? CONTEXT;
  const maxLines = options.maxLines ?? Infinity;
  // Positions in a and b before each op.
  const ai = new Int32Array(ops.length + 1);
  const bi = new Int32Array(ops.length + 1);
  for (let i = 0; i < ops.length; i++) {
    ai[i + 1] = ai[i]! + (ops[i] === 2 ? 0 : 1);
    bi[i + 1] = bi[i]! + (ops[i] === 1 ? 0 : 1);
  }
  const changes: number[] = [];
  ops.forEach((op, i) => { if (op !== 0) changes.push(i); });
  if (changes.length === 0) return { text: "", lines: 0, truncated: false };

  const out: string[] = [`--- ${options.oldName ?? "a"}`, `+++ ${options.newName ?? "b"}`];
  const emit = (prefix: string, line: string) => {
    if (line.endsWith("\n")) out.push(prefix + line.slice(0, -1));
    else out.push(prefix + line, "\\ No newline at end of file");
  };
  const range = (start: number, count: number) => `${count === 0 ? start : start + 1}${count === 1 ? "" : `,${count}`}`;
  for (let h = 0; h < changes.length; ) {
    const first = changes[h]!;
    let last = first;
    while (h + 1 < changes.length && changes[h + 1]! - last - 1 <= 2 * ctx) last = changes[++h]!;
    h++;
    const from = Math.max(0, first - ctx);
    const to = Math.min(ops.length, last + ctx + 1); // exclusive
    out.push(`@@ -${range(ai[from]!, ai[to]! - ai[from]!)} +${range(bi[from]!, bi[to]! - bi[from]!)} @@`);
    for (let i = from; i < to; i++) {
      const op = ops[i]!;
      if (op === 0) emit(" ", a[ai[i]!]!);
      else if (op === 1) emit("-", a[ai[i]!]!);
      else emit("+", b[bi[i]!]!);
    }
  }
  const truncated = out.length > maxLines;
  const kept = truncated ? out.slice(0, maxLines) : out;
  return { text: `${kept.join("\n")}\n`, lines: out.length, truncated };
}
