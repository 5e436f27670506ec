/**
 * The calendar in integer arithmetic (days_from_civil / civil_from_days), in the engine
 * (dates.ts) and in the compiled module's runtime (aot/runtime.ts), against JavaScript's Date
 * for every day from 400 BC to AD 3000 — including Date.UTC's reading of years 0 to 99 as
 * 1900 to 1999, which the engine has always had and keeps.
 */
import { describe, expect, test } from "vitest";
import { addMonths, dayOf, parseDay, yearOf, ymd } from "../src/dates.js";
import { $addMonths, $civil, $dayOf, $parseDay } from "../src/aot/runtime.js";

const DAY = 86_400_000;
const viaDate = (y: number, m: number, d: number) => Math.floor(Date.UTC(y, m - 1, d) / DAY);
const pad = (n: number, w: number) => String(n).padStart(w, "0");

describe("dates in integer arithmetic", () => {
  test("every day from year -400 to 3000: day → date → day as Date has it, engine and module alike", () => {
    let checked = 0;
    for (let day = viaDate(-400, 1, 1); day < viaDate(3000, 1, 1); day++) {
      const dt = new Date(day * DAY);
      const want = { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
      const got = ymd(day);
      if (got.y !== want.y || got.m !== want.m || got.d !== want.d) expect(got).toEqual(want);
      const civil = $civil(day);
      if (civil[0] !== want.y || civil[1] !== want.m || civil[2] !== want.d) expect([...civil]).toEqual([want.y, want.m, want.d]);
      if (yearOf(day) !== want.y) expect(yearOf(day)).toBe(want.y);
      if (want.y < 0 || want.y > 99) {
        const back = viaDate(want.y, want.m, want.d);
        if (dayOf(want.y, want.m, want.d) !== back) expect(dayOf(want.y, want.m, want.d)).toBe(back);
        if ($dayOf(want.y, want.m, want.d) !== back) expect($dayOf(want.y, want.m, want.d)).toBe(back);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(1_000_000);
  });

  test("years 0 to 99 are 1900 to 1999, as Date.UTC reads them; 29 February rolls over where Date rolls it", () => {
    for (const text of ["0000-01-01", "0000-02-29", "0050-06-15", "0099-12-31", "0100-01-01", "1900-02-28", "2000-02-29", "2024-02-29", "9999-12-31"]) {
      const [y, m, d] = text.split("-").map(Number) as [number, number, number];
      expect(parseDay(text), text).toBe(viaDate(y, m, d));
      expect($parseDay(text), text).toBe(viaDate(y, m, d));
    }
    expect(parseDay("2023-02-29")).toBeNull();
    expect($parseDay("2023-02-29")).toBeNull();
    // Not plain digits: the module's fast reading hands these to Number(), as the engine does.
    for (const text of ["+024-01-01", " 2024-1-01", "2024-01-1x", "2024-13-01", "2024-00-10", "2024-01-32"]) {
      expect($parseDay(text), text).toBe(parseDay(text));
    }
  });

  test("adding months clamps the day, engine and module alike", () => {
    for (let y = 1995; y <= 2030; y++) {
      for (let m = 1; m <= 12; m++) {
        for (const d of [1, 28, 29, 30, 31]) {
          const day = parseDay(`${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
          if (day === null) continue;
          for (const n of [-36, -24, -13, -12, -1, 1, 11, 12, 24]) expect($addMonths(day, n)).toBe(addMonths(day, n));
        }
      }
    }
    expect(addMonths(parseDay("2024-02-29")!, -24)).toBe(parseDay("2022-02-28"));
    expect(addMonths(parseDay("2024-03-31")!, -1)).toBe(parseDay("2024-02-29"));
  });
});
