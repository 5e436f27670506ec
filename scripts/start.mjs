// `npm start`: set up, then start the main job on rules/.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { setup, root } from "./setup.mjs";

setup();
const cli = join(root, "packages/cli/dist/main.js");
const result = spawnSync(process.execPath, [cli, "check", join(root, "rules/2024.rules"), "--summary"], { stdio: "inherit" });
process.exit(result.status ?? 1);
