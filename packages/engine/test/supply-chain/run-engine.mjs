// Run by no-eval.test.ts in a child process, with record-loads.mjs registered: loads the built
// engine (packages/engine/dist, as a service would) and exercises it — compile, evaluate valid
// and invalid applications, validate, the JSON Schema — so that every module it loads, eagerly
// or lazily, is recorded (ES modules by the hooks, CommonJS files from the require cache).
import { register, createRequire } from "node:module";
import { appendFileSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

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
// The engine requires zod (CommonJS) on first use, which the module hooks do not see in Node 20:
// the files it loaded that way are in the require cache, shared by every createRequire.
for (const file of Object.keys(createRequire(import.meta.url).cache)) appendFileSync(process.env.JSQC_LOADS, `${pathToFileURL(file)}\n`);
console.log("ok");
