/** Helpers for tests of the rules language and of the packages built on it. */
export { stripSpans, type WithoutSpans } from "./strip.js";
export { arbRuleFileText } from "./arbitraries.js";
export { runs, fuzzParams, FUZZ_LONG, FUZZ_MODE } from "./fuzz.js";
export { arbCheckedRuleFileText } from "./checked.js";
