import { expect, test } from "vitest";
import { RuleParser } from "../src/parser.js";

test("the grammar passes Chevrotain's validations (the shared parser skips them for speed)", () => {
  expect(() => new RuleParser(true)).not.toThrow();
});
