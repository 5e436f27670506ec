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

/**
 * Days since 1970-01-01 of a proleptic Gregorian date, in integer arithmetic (H. Hinnant's
 * days_from_civil) rather than through Date objects. As Date.UTC, which this replaced, a year
 * from 0 to 99 means 1900 to 1999 (the compiled module's runtime mirrors this, aot/runtime.ts).
 */
export function dayOf(y: number, m: number, d: number): Day {
  if (y >= 0 && y <= 99) y += 1900;
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/** The calendar date of a day number (civil_from_days). */
export function ymd(day: Day): { y: number; m: number; d: number } {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d: doy - Math.floor((153 * mp + 2) / 5) + 1 };
}

export function formatDay(day: Day): string {
  const { y, m, d } = ymd(day);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export function yearOf(day: Day): number {
  return ymd(day).y;
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
