// `npm start`: set up, check the rule files, then start the server on rules/ (the HTTP API;
// the editor joins it when built). Options after `--` go to the server: --port, --host, --rules.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { setup, root } from "./setup.mjs";

setup();
const args = process.argv.slice(2);
const rulesFlag = args.indexOf("--rules");
const rulesDir = rulesFlag >= 0 ? args[rulesFlag + 1] : process.env.JSQC_RULES_DIR ?? join(root, "rules");
const cli = join(root, "packages/cli/dist/main.js");
for (const name of readdirSync(rulesDir).filter((n) => /^\d{4}\.rules$/.test(n)).sort()) {
  console.log(`\n▶ jsqc check ${name} --summary`);
  spawnSync(process.execPath, [cli, "check", join(rulesDir, name), "--summary", "--lang", "zh"], { stdio: "inherit" });
}
console.log("\n▶ starting the server");
const rest = rulesFlag >= 0 ? args.filter((_, i) => i !== rulesFlag && i !== rulesFlag + 1) : args;
const server = spawn(process.execPath, [join(root, "packages/server/dist/main.js"), "--rules", rulesDir, ...rest], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
