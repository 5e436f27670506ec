/**
 * Calendar dates as whole day numbers (days since 1970-01-01), so comparisons are integer
 * comparisons. Adding years or months keeps the day of the month, clamped to the month's length:
 * 2024-02-29 minus 2 years is 2022-02-28 (DOMAIN.md's reading of "满2年以上").
 */
import { daysInMonth } from "@jsqc/dsl/core";

export type Day = number;

/** Day number of a valid `YYYY-MM-DD`, or null. */
export function parseDay(text: string): Day | null {
  if (text.length !== 10 || text[4] !== "-" || text[7] !== "-") return null;
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return dayOf(y, m, d);
}

export function dayOf(y: number, m: number, d: number): Day {
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

export function ymd(day: Day): { y: number; m: number; d: number } {
  const dt = new Date(day * 86_400_000);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

export function formatDay(day: Day): string {
  const { y, m, d } = ymd(day);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export function yearOf(day: Day): number {
  return new Date(day * 86_400_000).getUTCFullYear();
}

/** day + n months (n may be negative), the day of month clamped to the target month's length. */
export function addMonths(day: Day, n: number): Day {
  const { y, m, d } = ymd(day);
  const index = y * 12 + (m - 1) + n;
  const ty = Math.floor(index / 12);
  const tm = index - ty * 12 + 1;
  return dayOf(ty, tm, Math.min(d, daysInMonth(ty, tm)));
}

export function addDuration(day: Day, amount: number, unit: "years" | "months" | "days"): Day {
  switch (unit) {
    case "years": return addMonths(day, amount * 12);
    case "months": return addMonths(day, amount);
    case "days": return day + amount;
  }
}
