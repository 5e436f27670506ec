import { test } from "vitest";
import { readFileSync } from "node:fs";
import { parse } from "../src/index.js";
test("smoke", () => {
  const r = parse(readFileSync("/tmp/t/sample.rules", "utf8"));
  console.log(JSON.stringify(r.diagnostics, null, 1));
  console.log(JSON.stringify(r.ast.declarations.map((d) => d.type)));
  const sec = r.ast.declarations.find((d) => d.type === "Section");
  console.log(JSON.stringify(sec, (k, v) => (k === "span" ? undefined : v)).slice(0, 3000));
});
