/**
 * Exact decimals for points, as fixed-point integers: a `Dec` is the value times 10⁶, held in a
 * JS number that is always a safe integer (or ±Infinity, which only the checker's bounds use).
 *
 * Why not a decimal library: every sum, cap and comparison of points stays a plain integer
 * operation, exact and an order of magnitude faster than decimal.js or big.js objects on the
 * engine's hot path. Six places cover every figure in a notice (points have one or two).
 * Products and quotients are rounded half up to six places; that is the only rounding, and it is
 * documented in docs/language.md.
 */

export type Dec = number;

export const PLACES = 6;
export const SCALE = 1_000_000;
/** The largest magnitude a Dec holds: about 9 × 10⁹ (2⁵³ / 10⁶). */
export const MAX_ABS: Dec = Math.floor(Number.MAX_SAFE_INTEGER / SCALE) * SCALE;

export const ZERO: Dec = 0;
export const ONE: Dec = SCALE;

const DECIMAL_RE = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** Parses "2.5", "-0.25", "3" exactly. Returns null when malformed, too precise or too large. */
export function parseDec(text: string): Dec | null {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return null;
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  if (fraction.length > PLACES) return null;
  const intPart = m[2]!.replace(/^0+(?=\d)/, "");
  if (intPart.length > 10) return null;
  const value = Number(intPart) * SCALE + Number(fraction.padEnd(PLACES, "0"));
  if (value > MAX_ABS) return null;
  return m[1] === "-" && value !== 0 ? -value : value;
}

/** A JS number from JSON (0.1 arrives as the shortest string "0.1"), exactly. */
export function fromNumber(n: number): Dec | null {
  if (!Number.isFinite(n)) return null;
  if (Number.isInteger(n)) return Math.abs(n) <= MAX_ABS / SCALE ? n * SCALE : null;
  // Fast path (expert scores arrive as numbers by the thousand): the scaled value, rounded, is
  // exact when dividing it back gives the same double — both are then the nearest double to the
  // same decimal of at most six places, and below 10⁹ (15 digits) no two such decimals share one.
  if (Math.abs(n) < 1e9) {
    const scaled = Math.round(n * SCALE);
    if (scaled / SCALE === n) return scaled;
  }
  const s = String(n);
  return s.includes("e") ? null : parseDec(s);
}

/** A whole number as a Dec. */
export function fromInt(n: number): Dec {
  return n * SCALE;
}

/** "2.5", "-0.25", "3": the shortest exact decimal text. */
export function format(d: Dec): string {
  if (d === Infinity) return "∞";
  if (d === -Infinity) return "-∞";
  const negative = d < 0;
  const abs = Math.abs(d);
  const int = Math.floor(abs / SCALE);
  const frac = abs - int * SCALE;
  const text = frac === 0 ? String(int) : `${int}.${String(frac).padStart(PLACES, "0").replace(/0+$/, "")}`;
  return negative ? `-${text}` : text;
}

/** The nearest JS number, for JSON consumers that want one beside the exact text. */
export function toNumber(d: Dec): number {
  return Number(format(d));
}

export function add(a: Dec, b: Dec): Dec {
  return a + b;
}

export function sub(a: Dec, b: Dec): Dec {
  return a - b;
}

/** a × n for a whole n (counts): exact. */
export function mulInt(a: Dec, n: number): Dec {
  return a * n;
}

/** a × b, rounded half up to six places. */
export function mul(a: Dec, b: Dec): Dec {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a * b;
  const p = a * b;
  if (Number.isSafeInteger(p)) return roundDiv(p, SCALE);
  return Number(roundDivBig(BigInt(a) * BigInt(b), BigInt(SCALE)));
}

/** a ÷ b, rounded half up to six places; null for division by zero. */
export function div(a: Dec, b: Dec): Dec | null {
  if (b === 0) return null;
  const p = a * SCALE;
  if (Number.isSafeInteger(p)) return roundDiv(p, b);
  return Number(roundDivBig(BigInt(a) * BigInt(SCALE), BigInt(b)));
}

/** n ÷ d for integers, rounded half away from zero. */
function roundDiv(n: number, d: number): number {
  const q = Math.trunc(n / d);
  const r = n - q * d;
  if (2 * Math.abs(r) >= Math.abs(d)) return q + (Math.sign(n) * Math.sign(d));
  return q;
}

function roundDivBig(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n - q * d;
  const abs = (x: bigint) => (x < 0n ? -x : x);
  if (2n * abs(r) >= abs(d)) return q + ((n < 0n) !== (d < 0n) ? -1n : 1n);
  return q;
}

/** Rounds to a multiple of `step` (0.5, 0.1, 0.01 …), half up. */
export function roundTo(a: Dec, step: Dec): Dec {
  if (step <= 0) return a;
  return roundDiv(a, step) * step;
}

export function min(a: Dec, b: Dec): Dec {
  return a < b ? a : b;
}

export function max(a: Dec, b: Dec): Dec {
  return a > b ? a : b;
}

/** Whether a Dec is a whole number. */
export function isWhole(d: Dec): boolean {
  return d % SCALE === 0;
}
