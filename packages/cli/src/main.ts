#!/usr/bin/env node
/**
 * jsqc — the command line. Exit codes: 0 ok, 1 findings (errors in a rule file, failed tests,
 * a format check that would change files), 2 usage or input error (missing file, bad JSON).
 */
import { run } from "./cli.js";

// `jsqc check … | head`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`jsqc: 内部错误 internal error: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
