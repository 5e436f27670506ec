/** The jsqc command line as a library: `run(argv, streams)` returns the exit code. */
export { run, EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, type Streams } from "./cli.js";
