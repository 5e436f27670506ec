/**
 * Runs the built CLI (`packages/cli/dist/main.js`) in a child process from the repository's root,
 * as a user would: shared by the CLI's test files.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export const repo = new URL("../../../", import.meta.url).pathname;
export const bin = join(repo, "packages/cli/dist/main.js");

/** `jsqc …args`: exit code, stdout and stderr (NO_COLOR set; up to 64 MiB of output). */
export function jsqc(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd: repo, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
