#!/usr/bin/env node
/**
 * jsqc — the command line. Exit codes: 0 ok, 1 findings (errors in a rule file, failed tests,
 * a format check that would change files), 2 usage or input error (missing file, bad JSON).
 */
import { run } from "./cli.js";

run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`jsqc: 内部错误 internal error: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
