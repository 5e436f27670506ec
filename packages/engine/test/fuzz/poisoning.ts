/**
 * `assertNoPoisoning` (@fast-check/poisoning) for the fuzz suites: fails when a run changed,
 * added or removed anything reachable from `globalThis` (Object.prototype,
 * Array.prototype.map, …).
 *
 * The package takes its snapshot of the globals when it is first imported, so it is imported
 * here only after a warm-up: Node defines some globals lazily (AbortController, …), and zod
 * fills in its global config (`__zod_globalConfig.localeError`, `.memoizer`) the first time it
 * reports an issue. After the warm-up, those are as they stay; only a change made by the fuzzed
 * inputs is reported. Vitest's own bookkeeping (`__vitest_worker__`, `__vitest_mocker__`) and
 * `console`'s stream state (which changes whenever anything is printed) are not ours: ignored.
 */
import { FUZZ_LONG } from "@jsqc/dsl/testing";

let check: ((full: boolean) => void) | null = null;
let runs = 0;

/** The built-ins that poisoning goes after; checked after every run, cheaply (≈0.5 ms). */
const CORE = /^(?!(Object|Array|Function|String|Number|Boolean|Symbol|JSON|Map|Set|WeakMap|WeakSet|Promise|RegExp|Date|Error|TypeError|RangeError|SyntaxError|Math|Reflect|BigInt|Proxy|Intl|structuredClone)$)/;
const IGNORED = /^(__vitest|console$)/;
/** In the long run the whole graph (≈5 ms) is walked every this many runs, the core after each. */
const FULL_EVERY = 25;

/** Runs `warmUp`, then takes the snapshot. Call once per test file, in `beforeAll`. */
export async function snapshotGlobals(warmUp: () => void): Promise<void> {
  for (const key of Object.getOwnPropertyNames(globalThis)) {
    try {
      void (globalThis as Record<string, unknown>)[key];
    } catch {
      // A getter that throws: nothing to warm.
    }
  }
  warmUp();
  const { assertNoPoisoning } = await import("@fast-check/poisoning");
  const roots = Object.getOwnPropertyNames(globalThis).filter((k) => !IGNORED.test(k)).sort().join("\n");
  check = (full) => {
    if (full) return assertNoPoisoning({ ignoredRootRegex: IGNORED });
    assertNoPoisoning({ ignoredRootRegex: CORE });
    // A global added or removed, which the core check does not look for.
    const now = Object.getOwnPropertyNames(globalThis).filter((k) => !IGNORED.test(k)).sort().join("\n");
    if (now !== roots) throw new Error(`Poisoning detected: the global names changed`);
  };
}

/**
 * Fails when anything reachable from `globalThis` changed since the snapshot: the whole graph
 * after every run in the short run; in the long run the poisoning targets (Object, Array,
 * Function, … and the set of global names) after every run and the whole graph every 25th.
 */
export function noPoisoning(): void {
  if (!check) throw new Error("snapshotGlobals() was not called");
  runs++;
  check(!FUZZ_LONG || runs % FULL_EVERY === 0);
}
