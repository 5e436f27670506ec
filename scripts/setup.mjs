// Sets the workspace up on a machine with only Node and npm: installs the pinned pnpm's
// dependencies (from the lockfile) and builds every package. Idempotent and quick when done.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const PNPM = ["-y", "pnpm@12.4.2"];

export function pnpm(args, options = {}) {
  execFileSync("npx", [...PNPM, ...args], { cwd: root, stdio: "inherit", ...options });
}

export function setup({ quiet = false } = {}) {
  const log = (m) => quiet || console.log(`\n▶ ${m}`);
  log("installing dependencies (pnpm, from pnpm-lock.yaml)");
  pnpm(["install", "--frozen-lockfile", "--reporter=append-only"]);
  log("building packages");
  pnpm(["-r", "--if-present", "run", "build"]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) setup();
