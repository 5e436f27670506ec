/** The quality-credit rules language: parse, check, format, and the editor's language services. */
export type * from "./ast.js";
export { parse, MAX_NESTING, MAX_EXPRESSION_DEPTH, MAX_SOURCE_LENGTH, MAX_TOKENS, type ParseResult } from "./parse.js";
export {
  CATALOGUE,
  diagnostic,
  renderDiagnostic,
  displayWidth,
  MAX_DIAGNOSTICS,
  type Diagnostic,
  type DiagnosticCode,
  type Severity,
} from "./diagnostics.js";
export * as decimal from "./decimal.js";
export type { Dec } from "./decimal.js";
export { isValidDate, normaliseDecimal, daysInMonth } from "./decimal-text.js";
export { keywordWords } from "./tokens.js";
export { format, printRuleFile, printExpr } from "./format.js";
export { diffRuleFiles, diffAsts, renderDiff, printForm, type RuleDiff, type Change, type ChangeKind, type Pair, type DiffSide } from "./diff.js";
export { check, hasErrors, type CheckResult, type Model, type Sym, type ItemInfo, type Interval, type Summary, type SectionSummary } from "./checker.js";
export { evaluationCost, formatSteps, costJson, renderCost, EVALUATION_BUDGET, MAX_LIST_LENGTH, MAX_EXPERTS, type EvaluationCost, type RuleCost } from "./cost.js";
export { effectiveExperts, fileExperts, levelText, type EffectiveExperts, type ExpertLevel } from "./experts.js";
export { type Type, typeZh, typeEn, typeSource } from "./types.js";
export * from "./services.js";
export * as edits from "./edits.js";
export * as conditions from "./conditions.js";
export type { ConditionPattern, PatternKind } from "./conditions.js";
export { mergeRuleFiles, resolveMerge, checkErrors, type RuleMerge, type MergeConflict, type MergeChunk, type MergeChoice } from "./merge.js";
