/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters —
 * 登记管理部门代码 (1), 机构类别代码 (1), 登记管理机关行政区划码 (6), 主体标识码 (9, the
 * organisation code), 校验码 (1).
 *
 * Only the length, the character set and the check character are verified. The organisation
 * code's own check digit (GB 11714) is not: the standard's check character already covers the
 * whole code, and old codes with irregular organisation codes are still in use.
 *
 * Letters must be upper case, as the standard prints them: "91320583mA…" is refused with a
 * reason that says so, never silently normalised, so the code stored is the code checked.
 * Callers that accept typed input may upper-case it first.
 */

/** The 31 characters a code may use: digits and capitals without I, O, Z, S, V. */
export const CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/** The weights of characters 1–17 in the check-character sum: 3^(i−1) mod 31 for character i. */
export const CREDIT_CODE_WEIGHTS: readonly number[] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Why a code was refused: its length, a character outside the set, or the check character. */
export type CreditCodeProblem = "length" | "character" | "check";

/** The result of {@link checkCreditCode}; `kind` lets callers and tests match without wording. */
export type CreditCodeCheck =
  | { ok: true }
  | { ok: false; kind: CreditCodeProblem; reason: { zh: string; en: string } };

const LENGTH = 18;
const EXCLUDED = new Set(["I", "O", "Z", "S", "V"]);

/** The check character for the first 17 characters, or null unless they are 17 valid characters. Never throws. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== LENGTH - 1) return null;
  let sum = 0;
  for (let i = 0; i < LENGTH - 1; i++) {
    const value = CREDIT_CODE_CHARSET.indexOf(first17[i]!);
    if (value < 0) return null;
    sum += value * CREDIT_CODE_WEIGHTS[i]!;
  }
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31]!;
}

/** Whether `code` is a well-formed credit code; when not, the first problem in zh and en. Never throws. */
export function checkCreditCode(code: string): CreditCodeCheck {
  const chars = [...code];
  if (chars.length !== LENGTH) {
    return fail(
      "length",
      `统一社会信用代码应为 18 位，实际为 ${chars.length} 位`,
      `a unified social credit code has 18 characters, not ${chars.length}`,
    );
  }
  for (let i = 0; i < LENGTH; i++) {
    const c = chars[i]!;
    if (CREDIT_CODE_CHARSET.includes(c)) continue;
    const upper = c.toUpperCase();
    const [hintZh, hintEn] =
      upper !== c && CREDIT_CODE_CHARSET.includes(upper)
        ? ["（字母须大写）", " (letters must be upper case)"]
        : EXCLUDED.has(upper)
          ? ["（不使用字母 I、O、Z、S、V）", " (the letters I, O, Z, S and V are not used)"]
          : ["", ""];
    return fail(
      "character",
      `第 ${i + 1} 位“${c}”不是统一社会信用代码可用的字符${hintZh}`,
      `character ${i + 1}, "${c}", is not allowed in a unified social credit code${hintEn}`,
    );
  }
  const expected = creditCodeCheckChar(code.slice(0, LENGTH - 1))!;
  const actual = code[LENGTH - 1]!;
  if (actual !== expected) {
    return fail(
      "check",
      `校验码应为“${expected}”，实际为“${actual}”`,
      `the check character should be "${expected}", not "${actual}"`,
    );
  }
  return { ok: true };
}

/**
 * Whether `code` is a well-formed credit code registered in Jiangsu: its registration division
 * code (characters 3–8) is six digits starting with "32". Never throws.
 */
export function isJiangsuCode(code: string): boolean {
  return checkCreditCode(code).ok && /^32\d{4}$/.test(code.slice(2, 8));
}

function fail(kind: CreditCodeProblem, zh: string, en: string): CreditCodeCheck {
  return { ok: false, kind, reason: { zh, en } };
}
