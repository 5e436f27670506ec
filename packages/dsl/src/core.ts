/**
 * The part of the language that does not need the parser (and so does not load Chevrotain): the
 * AST's types, the checker, decimals, diagnostics, the cost model and the expert rules. A rule
 * file parsed earlier — e.g. its AST read from the CLI's cache — is checked and compiled with only
 * this (issue 14, cold start); `@jsqc/dsl` re-exports all of it.
 */
export type * from "./ast.js";
export type { ParseResult } from "./parse.js";
export { CATALOGUE, diagnostic, renderDiagnostic, displayWidth, MAX_DIAGNOSTICS, type Diagnostic, type DiagnosticCode, type Severity } from "./diagnostics.js";
export * as decimal from "./decimal.js";
export type { Dec } from "./decimal.js";
export { isValidDate, normaliseDecimal, daysInMonth } from "./decimal-text.js";
export { check, hasErrors, type CheckResult, type Model, type Sym, type ItemInfo, type Interval, type Summary, type SectionSummary } from "./checker.js";
export { evaluationCost, formatSteps, costJson, renderCost, EVALUATION_BUDGET, MAX_LIST_LENGTH, MAX_EXPERTS, type EvaluationCost, type RuleCost } from "./cost.js";
export { effectiveExperts, fileExperts, levelText, type EffectiveExperts, type ExpertLevel } from "./experts.js";
export { type Type, typeZh, typeEn, typeSource } from "./types.js";
