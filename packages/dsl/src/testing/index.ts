/** Helpers for tests of the rules language and of the packages built on it. */
export { stripSpans, type WithoutSpans } from "./strip.js";
export { arbRuleFileText } from "./arbitraries.js";
