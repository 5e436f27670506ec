/**
 * Run counts for the fuzz suites (`packages/*\/test/fuzz/*.test.ts`), from one place.
 *
 * - SHORT (the default, for CI): each property a few hundred runs; every suite together stays
 *   under about a minute on two cores.
 * - LONG (`FUZZ=long`, `npm run fuzz:long`): the counts documented in docs/reliability.md, over
 *   a million inputs to the parser and checker, in about 11 minutes on two cores.
 *
 * `FUZZ_SEED=<n>` fixes fast-check's seed (a failure prints the seed and path to replay it).
 */

interface Env { readonly env: Record<string, string | undefined> }
const env: Record<string, string | undefined> = (globalThis as { process?: Env }).process?.env ?? {};

/** Whether this is the long run. */
export const FUZZ_LONG: boolean = env["FUZZ"] === "long";

/** The mode's name, for test titles and reports. */
export const FUZZ_MODE: "short" | "long" = FUZZ_LONG ? "long" : "short";

/** `short` runs in CI, `long` with `FUZZ=long`. */
export function runs(short: number, long: number): number {
  return FUZZ_LONG ? long : short;
}

/** fast-check parameters: the run count of the mode, and the seed from `FUZZ_SEED` when set. */
export function fuzzParams(short: number, long: number): { numRuns: number; seed?: number } {
  const seed = env["FUZZ_SEED"];
  return seed !== undefined && seed !== "" ? { numRuns: runs(short, long), seed: Number(seed) } : { numRuns: runs(short, long) };
}
