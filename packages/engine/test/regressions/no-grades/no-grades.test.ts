/**
 * Issue 13, item 12: a rule file that declares no grade answered every application with
 * "应为之一" / "expected one of " — a list with nothing in it. It now says that the file declares
 * no grade.
 */
import { expect, test } from "vitest";
import { compile, evaluate } from "../../../src/index.js";

test("an application to a rule file without grades is told that the file declares none", () => {
  const c = compile(`ruleset "t" { year 2025 total 1 }\ninput 达标: yesno "达标"\nsection 一 "s" weight 1 { item 1 "x" points 1 { award 1 when 达标 } }\n`);
  if (!c.ok) throw new Error("does not compile");
  const r = evaluate(c.ruleset, { id: "1", enterprise: { name: "某公司" }, grade: "A", inputs: { 达标: true } });
  expect(r.ok).toBe(false);
  if (r.ok) return;
  const e = r.errors.find((x) => x.path === "grade")!;
  expect(e.message).toBe('grade（申报等级）：应为规则文件中声明的等级（本规则文件未声明任何等级 grade，无法申报），实为 "A"');
  expect(e.messageEn).toBe('grade (申报等级): expected a grade declared in the rule file (this rule file declares no grade, so none can be applied for), found "A"');
  expect(e.message).not.toContain("应为之一");
});

test("with grades, the list is still given", () => {
  const c = compile(`ruleset "t" { year 2025 total 1 }\ninput 达标: yesno "达标"\nsection 一 "s" weight 1 { item 1 "x" points 1 { award 1 when 达标 } }\ngrade A { pass 1 }\ngrade B { pass 0 }\n`);
  if (!c.ok) throw new Error("does not compile");
  const r = evaluate(c.ruleset, { id: "1", enterprise: { name: "某公司" }, grade: "C", inputs: { 达标: true } });
  expect(r.ok ? null : r.errors.find((x) => x.path === "grade")!.message).toBe('grade（申报等级）：应为A、B之一，实为 "C"');
});
