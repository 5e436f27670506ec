/** The quality-credit engine: compile a rule file once, evaluate many applications. */
export { compile } from "./compile-source.js";
export { compileChecked, type Checked, type Ruleset, type CompileResult, type CompiledInput, type CompiledItem, type CompiledSection, type CompiledGrade, type CompiledCondition, type SourceRef } from "./compile.js";
export { evaluate, validate, amount, type EvaluateOptions, type Evaluation } from "./evaluate.js";
export { applicationSchema, type InputError, MAX_LIST_LENGTH, MAX_TEXT_LENGTH, MAX_EXPERTS } from "./schema.js";
export { applicationJsonSchema, exactApplicationJsonSchema, decimalRangePattern, DATE_PATTERN, type JsonSchema } from "./json-schema.js";
export type * from "./result.js";
export { parseDay, formatDay, addDuration } from "./dates.js";
export { runCase, applyOverrides, coverage, coverageGoals, exercised, type RuleCase, type Expectation, type CaseResult, type Difference, type Coverage, type CoverageGoal } from "./rule-tests.js";
export { checkCreditCode, creditCodeCheckChar, isJiangsuCode } from "./credit-code.js";
export { JIANGSU_CITIES, countiesOf, cityOfDivision, countyOfDivision } from "./jiangsu.js";
export { carryApplication, shiftDate } from "./carry.js";
export { impact, carryToRuleset, type ImpactOptions, type ImpactReason, type ImpactApplication, type ImpactReport, type ImpactRow, type ImpactSide, type ImpactSummary, type ImpactError, type MovedItem, type SectionDelta, type Carried } from "./impact.js";
