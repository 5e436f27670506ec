/**
 * Carrying an application into another year (由此新建下一年度): every date it declares moves by the
 * difference of the years, so that an example of 2024 is dated as it would be in 2025 — the same
 * day of its window, the same distances between its dates (A held two full years, a record within
 * two years) — instead of falling outside the new window.
 */
import { isValidDate } from "@jsqc/dsl/core";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `date` moved by `years` whole years; 29 February becomes the 28th in a common year. */
export function shiftDate(date: string, years: number): string {
  const m = DATE.exec(date);
  if (!m || !isValidDate(date)) return date;
  const year = Number(m[1]) + years;
  if (year < 1 || year > 9999) return date;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const day = m[2] === "02" && m[3] === "29" && !leap ? "28" : m[3]!;
  return `${String(year).padStart(4, "0")}-${m[2]}-${day}`;
}

function shiftValue(v: unknown, years: number, depth: number): unknown {
  if (typeof v === "string") return DATE.test(v) ? shiftDate(v, years) : v;
  // Applications nest two levels at most (a list of records); the cap only guards odd input.
  if (depth > 8 || v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => shiftValue(x, years, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = shiftValue(x, years, depth + 1);
  return out;
}

/**
 * A copy of `app` with every date among its `inputs` (record fields of lists included) moved by
 * `toYear − fromYear` years. The envelope — id, enterprise, grade, experts — is kept as it is.
 * Anything that is not an application object comes back unchanged. Never throws.
 */
export function carryApplication(app: unknown, fromYear: number, toYear: number): unknown {
  const years = toYear - fromYear;
  if (!Number.isInteger(years) || years === 0) return app;
  if (app === null || typeof app !== "object" || Array.isArray(app)) return app;
  const a = app as Record<string, unknown>;
  if (a["inputs"] === null || typeof a["inputs"] !== "object" || Array.isArray(a["inputs"])) return app;
  return { ...a, inputs: shiftValue(a["inputs"], years, 0) };
}
