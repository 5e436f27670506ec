// Run by no-eval.test.ts in a child process, with record-loads.mjs registered: loads the built
// engine (packages/engine/dist, as a service would) and exercises it — compile, evaluate valid
// and invalid applications, validate, the JSON Schema — so that every module it loads, eagerly
// or lazily, is recorded.
import { register } from "node:module";
import { readFileSync } from "node:fs";

register(new URL("./record-loads.mjs", import.meta.url));
const { compile, evaluate, validate, applicationJsonSchema } = await import("@jsqc/engine");
const repo = new URL("../../../../", import.meta.url);
const c = compile(readFileSync(new URL("rules/2024.rules", repo), "utf8"));
if (!c.ok) throw new Error("rules/2024.rules does not compile");
const app = JSON.parse(readFileSync(new URL("examples/01-kunshan-ruitai-jingmi-muju.json", repo), "utf8"));
if (!evaluate(c.ruleset, app).ok) throw new Error("the example was refused");
if (evaluate(c.ruleset, { grade: "X", inputs: { a: 1 } }).ok) throw new Error("an invalid application was accepted");
validate(c.ruleset, { ...app, experts: "x" });
applicationJsonSchema(c.ruleset, "t");
compile("ruleset {"); // a file with errors
console.log("ok");
