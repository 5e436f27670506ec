/**
 * The engine without the parser: compile a rule file already parsed and checked, evaluate
 * applications. Importing this entry does not load Chevrotain (nor zod, until an application fails
 * the fast path); the CLI uses it with its cache of parsed rule files (issue 14, cold start).
 */
export { compileChecked, type Checked, type Ruleset, type CompileResult } from "./compile.js";
export { evaluate, validate, type EvaluateOptions, type Evaluation } from "./evaluate.js";
export { applicationJsonSchema } from "./json-schema.js";
export type { InputError } from "./schema.js";
export type * from "./result.js";
