import { describe, expect, test } from "vitest";
import fc from "fast-check";
import {
  CREDIT_CODE_CHARSET,
  checkCreditCode,
  creditCodeCheckChar,
  isJiangsuCode,
} from "../src/credit-code.js";

// 91320583MA1N2K7Q5U, worked by hand (values: digits as is, M 21, A 10, N 22, K 19, Q 24):
//   9×1 + 1×3 + 3×9 + 2×27 + 0×19 + 5×26 + 8×16 + 3×17 + 21×20 + 10×29 + 1×25 + 22×13
//   + 2×8 + 19×24 + 7×10 + 24×30 + 5×28 = 2825; 2825 mod 31 = 4; 31 − 4 = 27 → "U".
const HAND_WORKED = "91320583MA1N2K7Q5U";
/** The example code printed in GB 32100-2015 and quoted by most validators (Fujian, 350100). */
const STANDARD_EXAMPLE = "91350100M000100Y43";
/** Σ ≡ 0 (mod 31): (31 − 0) mod 31 = 0, so the check character is "0", not charset[31]. */
const CHECK_ZERO = "91320213MA1P7LQ0P0";
/** A check character at the top of the charset. */
const CHECK_Y = "91320213MA1P7LQ02Y";

const charArb = fc.constantFrom(...CREDIT_CODE_CHARSET);
const bodyArb = fc.array(charArb, { minLength: 17, maxLength: 17 }).map((cs) => cs.join(""));

describe("checkCreditCode", () => {
  test.each([HAND_WORKED, STANDARD_EXAMPLE, CHECK_ZERO, CHECK_Y])("accepts %s", (code) => {
    expect(checkCreditCode(code)).toEqual({ ok: true });
  });

  test.each([
    ["", 0],
    ["91320583MA1N2K7Q5", 17],
    ["91320583MA1N2K7Q5UU", 19],
    ["91320583MA1N2K7Q5U ", 19],
  ])("refuses %j for its length (%i)", (code, n) => {
    const r = checkCreditCode(code);
    expect(r).toMatchObject({ ok: false, kind: "length" });
    if (!r.ok) {
      expect(r.reason.zh).toBe(`统一社会信用代码应为 18 位，实际为 ${n} 位`);
      expect(r.reason.en).toBe(`a unified social credit code has 18 characters, not ${n}`);
    }
  });

  test("counts characters, not UTF-16 units, so a wide character is a bad character", () => {
    const code = "91320583MA1N2K7Q5𠀀";
    expect(code.length).toBe(19);
    expect(checkCreditCode(code)).toMatchObject({ ok: false, kind: "character" });
  });

  test.each(["I", "O", "Z", "S", "V"])("refuses the excluded letter %s, saying it is excluded", (letter) => {
    const r = checkCreditCode(`91320583MA1N2K7${letter}5U`);
    expect(r).toEqual({
      ok: false,
      kind: "character",
      reason: {
        zh: `第 16 位“${letter}”不是统一社会信用代码可用的字符（不使用字母 I、O、Z、S、V）`,
        en: `character 16, "${letter}", is not allowed in a unified social credit code (the letters I, O, Z, S and V are not used)`,
      },
    });
  });

  test("refuses lower case rather than normalising it, and says letters must be upper case", () => {
    const r = checkCreditCode(HAND_WORKED.toLowerCase());
    expect(r).toEqual({
      ok: false,
      kind: "character",
      reason: {
        zh: "第 9 位“m”不是统一社会信用代码可用的字符（字母须大写）",
        en: 'character 9, "m", is not allowed in a unified social credit code (letters must be upper case)',
      },
    });
    // A lower-case check character is refused too, before the check is computed.
    expect(checkCreditCode("91320213MA1P7LQ02y")).toMatchObject({ ok: false, kind: "character" });
    // Upper-casing first is the caller's choice, and then the code is fine.
    expect(checkCreditCode(HAND_WORKED.toLowerCase().toUpperCase())).toEqual({ ok: true });
  });

  test.each([
    ["91320583MA1N2K7Q5U".replace("9", "#"), 1, "#"],
    ["913205８3MA1N2K7Q5U", 7, "８"],
    ["91320583MA1N2K7Q5 ", 18, " "],
    ["91320583MA1N2K7Q5苏", 18, "苏"],
  ])("refuses %j at character %i with no hint", (code, position, c) => {
    const r = checkCreditCode(code);
    expect(r).toMatchObject({ ok: false, kind: "character" });
    if (!r.ok) expect(r.reason.zh).toBe(`第 ${position} 位“${c}”不是统一社会信用代码可用的字符`);
  });

  test("refuses a wrong check character and names the expected one", () => {
    expect(checkCreditCode("91320583MA1N2K7Q5T")).toEqual({
      ok: false,
      kind: "check",
      reason: { zh: "校验码应为“U”，实际为“T”", en: 'the check character should be "U", not "T"' },
    });
    expect(checkCreditCode("91320213MA1P7LQ0PY")).toMatchObject({
      ok: false,
      kind: "check",
      reason: { zh: "校验码应为“0”，实际为“Y”" },
    });
  });

  test("a changed body character is caught by the check character", () => {
    // Swapping 5 → 6 at position 6 (weight 26) moves the sum by 26, so the check moves too.
    expect(checkCreditCode("91320683MA1N2K7Q5U")).toMatchObject({ ok: false, kind: "check" });
  });

  test("property: body + its check character is accepted, and no other last character is", () => {
    fc.assert(
      fc.property(bodyArb, (body) => {
        const check = creditCodeCheckChar(body);
        expect(check).not.toBeNull();
        for (const c of CREDIT_CODE_CHARSET) {
          expect(checkCreditCode(body + c).ok).toBe(c === check);
        }
      }),
      { numRuns: 200 },
    );
  });

  test("property: every single-character substitution in the body is detected", () => {
    // 31 is prime and no weight is 0 mod 31, so one changed value always changes the sum.
    fc.assert(
      fc.property(bodyArb, fc.nat(16), charArb, (body, at, c) => {
        fc.pre(body[at] !== c);
        const code = body + creditCodeCheckChar(body)!;
        const changed = code.slice(0, at) + c + code.slice(at + 1);
        expect(checkCreditCode(changed)).toMatchObject({ ok: false, kind: "check" });
      }),
      { numRuns: 300 },
    );
  });
});

describe("creditCodeCheckChar", () => {
  test("computes the check character of 17 characters", () => {
    expect(creditCodeCheckChar(HAND_WORKED.slice(0, 17))).toBe("U");
    expect(creditCodeCheckChar(STANDARD_EXAMPLE.slice(0, 17))).toBe("3");
    expect(creditCodeCheckChar(CHECK_ZERO.slice(0, 17))).toBe("0");
    expect(creditCodeCheckChar("00000000000000000")).toBe("0");
  });

  test.each(["", "91320583MA1N2K7Q", "91320583MA1N2K7Q5U", "91320583MA1N2K7QS", "91320583ma1n2k7q5"])(
    "returns null for %j",
    (text) => {
      expect(creditCodeCheckChar(text)).toBeNull();
    },
  );
});

describe("isJiangsuCode", () => {
  test("is true for a valid code whose division (characters 3–8) starts with 32", () => {
    expect(isJiangsuCode(HAND_WORKED)).toBe(true);
    expect(isJiangsuCode(CHECK_ZERO)).toBe(true);
    const provinceLevel = "91320000MA1N2K7Q5";
    expect(isJiangsuCode(provinceLevel + creditCodeCheckChar(provinceLevel))).toBe(true);
  });

  test("is false outside Jiangsu", () => {
    expect(isJiangsuCode(STANDARD_EXAMPLE)).toBe(false);
    const shanghai = "91310115MA1N2K7Q5";
    expect(isJiangsuCode(shanghai + creditCodeCheckChar(shanghai))).toBe(false);
    // "32" elsewhere in the code does not count.
    const elsewhere = "93213205MA1N2K7Q5";
    expect(isJiangsuCode(elsewhere + creditCodeCheckChar(elsewhere))).toBe(false);
  });

  test("is false for an invalid code, even with a Jiangsu division", () => {
    expect(isJiangsuCode("91320583MA1N2K7Q5T")).toBe(false);
    expect(isJiangsuCode("91320583MA1N2K7Q5")).toBe(false);
    expect(isJiangsuCode(HAND_WORKED.toLowerCase())).toBe(false);
  });

  test("is false when the division is not six digits", () => {
    const letters = "9132A583MA1N2K7Q5";
    expect(isJiangsuCode(letters + creditCodeCheckChar(letters))).toBe(false);
  });
});
