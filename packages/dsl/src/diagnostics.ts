/**
 * One diagnostic shape for the lexer, the parser and the checker, and one catalogue of their
 * messages in Chinese and English. Tests and quick fixes match the stable `code`; the wording
 * lives here only.
 */
import type { Span } from "./ast.js";

export type Severity = "error" | "warning" | "info";

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable code, e.g. `N001`; see `CATALOGUE`. */
  readonly code: string;
  /** The message in Simplified Chinese. */
  readonly message: string;
  /** The same message in English. */
  readonly messageEn: string;
  readonly span: Span;
  /** Machine-readable facts for quick fixes (e.g. `{ reachable: "13", weight: "12" }`). */
  readonly data?: Readonly<Record<string, string>>;
}

type Args = Record<string, string | number>;
interface Entry { severity: Severity; zh: (a: Args) => string; en: (a: Args) => string }

const e = (zh: Entry["zh"], en: Entry["en"]): Entry => ({ severity: "error", zh, en });
const w = (zh: Entry["zh"], en: Entry["en"]): Entry => ({ severity: "warning", zh, en });

/** Every diagnostic the language reports, by code. docs/language.md lists them. */
export const CATALOGUE = {
  // Lexer
  L001: e((a) => `无法识别的字符 '${a.text}'${a.hintZh ?? ""}`, (a) => `unrecognised character '${a.text}'${a.hintEn ?? ""}`),
  L002: e(() => `字符串缺少结尾的引号 "`, () => `string is missing its closing quote "`),
  // Parser (P001–P004 are worded in parser.ts, where the expected tokens are known)
  P005: e(
    (a) => `嵌套过深（超过 ${a.limit} 层）${a.skipped ? "，此声明及其后的内容未读取" : ""}`,
    (a) => `nesting deeper than ${a.limit} levels${a.skipped ? "; this declaration and the rest of the file were not read" : ""}`,
  ),
  P006: e((a) => `数字 ${a.text} 小数位过多（最多 ${a.places} 位）`, (a) => `number ${a.text} has more than ${a.places} decimal places`),
  P007: e((a) => `日期 ${a.text} 不存在`, (a) => `date ${a.text} does not exist`),
  P008: e((a) => `序号 ${a.text} 应为正整数或 ①–⑳`, (a) => `number ${a.text} must be a positive whole number or ①–⑳`),
  P009: e((a) => `未知的字符串转义 ${a.text}`, (a) => `unknown escape ${a.text} in string`),
  // Names
  N001: e((a) => `未定义的名称 ${a.name}`, (a) => `unknown name ${a.name}`),
  N002: e((a) => `名称 ${a.name} 已在第 ${a.line} 行定义`, (a) => `${a.name} is already defined on line ${a.line}`),
  N003: w((a) => `输入项 ${a.name} 未被任何规则使用`, (a) => `input ${a.name} is not used by any rule`),
  N004: e((a) => `未定义的类型 ${a.name}`, (a) => `unknown type ${a.name}`),
  N005: e((a) => `${a.name} 不是枚举 ${a.enum} 的值`, (a) => `${a.name} is not a value of enum ${a.enum}`),
  N006: e((a) => `${a.name} 不是列表，不能用于 ${a.what}`, (a) => `${a.name} is not a list and cannot be used with ${a.what}`),
  N007: e((a) => `${a.name} 不是查分表`, (a) => `${a.name} is not a table`),
  N008: w((a) => `${a.name} 已定义但未被使用`, (a) => `${a.name} is defined but never used`),
  // Types
  T001: e((a) => `此处应为${a.expected}，实为${a.found}`, (a) => `expected ${a.expectedEn} but found ${a.foundEn}`),
  T002: e(
    (a) => `不能比较${a.left}与${a.right}`,
    (a) => `cannot compare ${a.leftEn} with ${a.rightEn}`,
  ),
  T003: e(
    (a) => `${a.fn} 需要 ${a.expected} 个参数，实有 ${a.found} 个`,
    (a) => `${a.fn} takes ${a.expected} argument${a.expected === 1 ? "" : "s"}, found ${a.found}`,
  ),
  T004: e((a) => `查分表 ${a.table} 有 ${a.expected} 个键，此处给了 ${a.found} 个`, (a) => `table ${a.table} has ${a.expected} keys, ${a.found} given`),
  T005: e(
    () => `时长只能写在日期之后与其相加减，如 申报日期 - 2 years`,
    () => `a duration can only be added to or subtracted from a date written before it, as in 申报日期 - 2 years`,
  ),
  T006: e(() => `sum(…) 须用 of 写明累加的值，如 sum(标准 where … of 分值)`, () => `sum(…) needs of and the value to add up, as in sum(标准 where … of 分值)`),
  T007: e((a) => `of 只用于 sum(…)，${a.fn}(…) 不取 of`, (a) => `of belongs to sum(…); ${a.fn}(…) takes none`),
  T008: e((a) => `时长 ${a.amount} ${a.unit} 须为整数`, (a) => `duration ${a.amount} ${a.unit} must be a whole number`),
  T009: e((a) => `列表嵌套超过 ${a.limit} 层：每多一层，计算量乘以列表长度`, (a) => `lists nested deeper than ${a.limit} levels: each level multiplies the work by a list's length`),
  N009: e((a) => `${a.name} 是${a.what}的名称，不能当作值使用`, (a) => `${a.name} is ${a.whatEn}, not a value`),
  I006: e((a) => `计数的最小值 ${a.min} 不能小于 0`, (a) => `a count's min ${a.min} cannot be below 0`),
  S020: e((a) => `${a.clause} 重复写了两次，请只保留一处`, (a) => `${a.clause} is written twice; keep one`),
  P010: e((a) => `数字 ${a.text} 过大（最大约 90 亿）`, (a) => `number ${a.text} is too large (the limit is about 9 × 10⁹)`),
  F001: w(() => `有重复的子句，格式化会删去其中之一，因此未格式化`, () => `a clause is written twice; formatting would drop one, so the file was left as it is`),
  C001: e((a) => `内部错误：规则文件无法编译（${a.reason}）`, (a) => `internal error: the rule file could not be compiled (${a.reason})`),
  // Structure and points
  S001: e((a) => `${a.what}序号 ${a.number} 重复（第 ${a.line} 行已有）`, (a) => `duplicate ${a.whatEn} number ${a.number} (already on line ${a.line})`),
  S002: e((a) => `部分 ${a.id} 重复（第 ${a.line} 行已有）`, (a) => `duplicate section ${a.id} (already on line ${a.line})`),
  S003: e(() => `缺少规则集头部 ruleset "…" { year … total … }`, () => `missing ruleset header ruleset "…" { year … total … }`),
  S004: e((a) => `规则集头部重复（第 ${a.line} 行已有）`, (a) => `duplicate ruleset header (already on line ${a.line})`),
  S005: e((a) => `规则集头部缺少 ${a.clause}`, (a) => `ruleset header is missing ${a.clause}`),
  S006: e(
    (a) => `各部分满分合计 ${a.sum} 分，与总分 ${a.total} 分不符`,
    (a) => `section weights add up to ${a.sum}, not the total of ${a.total}`,
  ),
  S007: e(
    (a) => `第${a.id}部分可得 ${a.reachable} 分，满分 ${a.weight} 分`,
    (a) => `section ${a.id} can reach ${a.reachable} points but its weight is ${a.weight}`,
  ),
  S008: w(
    (a) => `第${a.id}部分最多只能得 ${a.reachable} 分，达不到满分 ${a.weight} 分`,
    (a) => `section ${a.id} can reach only ${a.reachable} of its weight ${a.weight}`,
  ),
  S009: e(
    (a) => `第 ${a.id} 项可得 ${a.reachable} 分，超过其分值 ${a.points} 分`,
    (a) => `item ${a.id} can reach ${a.reachable} points, more than its ${a.points}`,
  ),
  S010: w(
    (a) => `第 ${a.id} 项最多只能得 ${a.reachable} 分，达不到其分值 ${a.points} 分`,
    (a) => `item ${a.id} can reach only ${a.reachable} of its ${a.points} points`,
  ),
  S011: w(
    (a) => `封顶 ${a.cap} 分不起作用：此项最多只能得 ${a.reachable} 分`,
    (a) => `cap ${a.cap} never applies: the item can reach only ${a.reachable}`,
  ),
  S012: e((a) => `第 ${a.id} 项可能得负分（最低 ${a.min} 分）`, (a) => `item ${a.id} can score below zero (as low as ${a.min})`),
  S013: e((a) => `专家评分项 ${a.id} 须写明分值 points`, (a) => `judged item ${a.id} needs its points`),
  S014: e((a) => `第 ${a.id} 项缺少计分方式`, (a) => `item ${a.id} has no scoring form`),
  S015: e((a) => `部分 ${a.id} 缺少满分 weight`, (a) => `section ${a.id} has no weight`),
  S016: w(
    (a) => `取最高分的第 ${a.n} 个分支不起作用：第 ${a.line} 行的分支条件相同（或恒成立）且分数不低于它`,
    (a) => `branch ${a.n} of highest never counts: the branch on line ${a.line} has the same condition (or always holds) and as many points or more`,
  ),
  S018: e((a) => `有效期起 ${a.from} 晚于止 ${a.to}`, (a) => `period starts ${a.from} after it ends ${a.to}`),
  S019: e((a) => `application date 须为日期型输入，${a.name} 是${a.found}`, (a) => `application date must be a date input; ${a.name} is ${a.foundEn}`),
  // Tables
  E001: e(
    (a) => `查分表 ${a.table} 缺少 ${a.enum} 的值 ${a.member}`,
    (a) => `table ${a.table} has no entry for ${a.member} of ${a.enum}`,
  ),
  E002: e(
    (a) => `此行有 ${a.found} 个分值，应有 ${a.expected} 个（每列一个）`,
    (a) => `row has ${a.found} value${a.found === 1 ? "" : "s"}, expected ${a.expected} (one per column)`,
  ),
  E003: e((a) => `查分表的键 ${a.name} 须为枚举类型`, (a) => `table key ${a.name} must be an enum`),
  E004: e((a) => `${a.member} 在查分表中重复`, (a) => `${a.member} appears twice in the table`),
  E005: e((a) => `查分表最多两个键，此处有 ${a.found} 个`, (a) => `a table has at most two keys, found ${a.found}`),
  E006: e(() => `双键查分表须有 columns 行`, () => `a two-key table needs a columns line`),
  // Tiers
  R001: e(
    (a) => `分档重叠：门槛 ${a.threshold} 已在第 ${a.line} 行使用`,
    (a) => `tiers overlap: threshold ${a.threshold} is already used on line ${a.line}`,
  ),
  R002: w(
    (a) => `分档不单调：门槛 ${a.high} 得 ${a.highPoints} 分，低于门槛 ${a.low} 的 ${a.lowPoints} 分`,
    (a) => `tiers are not monotone: threshold ${a.high} gives ${a.highPoints}, less than ${a.lowPoints} at ${a.low}`,
  ),
  // Grades
  G001: e((a) => `及格分 ${a.pass} 不在 0 至总分 ${a.total} 之间`, (a) => `pass mark ${a.pass} is outside 0 to the total ${a.total}`),
  G002: e((a) => `等级 ${a.name} 重复（第 ${a.line} 行已有）`, (a) => `duplicate grade ${a.name} (already on line ${a.line})`),
  G003: e(() => `名额须为正整数`, () => `a quota must be a positive whole number`),
  G004: w((a) => `等级 ${a.name} 没有及格分 pass`, (a) => `grade ${a.name} has no pass mark`),
  G005: w(
    (a) => `等级 ${a.name} 的及格分 ${a.pass} 低于较低等级 ${a.lower} 的 ${a.lowerPass}`,
    (a) => `grade ${a.name} passes at ${a.pass}, below the lower grade ${a.lower} at ${a.lowerPass}`,
  ),
  G006: e(() => `申报期须在 application date 声明后使用`, () => `a window needs the ruleset's application date`),
  // Experts
  X001: e((a) => `取整步长 ${a.step} 须大于 0`, (a) => `rounding step ${a.step} must be greater than 0`),
  X002: e(
    () => `experts 在同一层（全文件、一个部分或一个评分项）只能声明一次`,
    () => `experts can be declared only once per level (the file, a section or an item)`,
  ),
  X003: e(() => `有专家评分项时须声明 experts { combine … }`, () => `judged items need an experts { combine … } declaration`),
  // Experts per section or item (issue 11)
  X004: w(
    (a) => `${a.where}（judged），此 experts 不起作用`,
    (a) => `${a.whereEn}; this experts block applies to nothing`,
  ),
  X005: e((a) => `at least ${a.n} experts：专家人数须为正整数`, (a) => `at least ${a.n} experts: the number of experts must be a positive whole number`),
  X006: e(
    (a) => `at least ${a.n} experts：一份申请最多 ${a.max} 位专家评分，此要求无法满足`,
    (a) => `at least ${a.n} experts: an application carries at most ${a.max} experts, so this can never be met`,
  ),
  // Revision findings (issue 11): what a year's revision leaves stale, from the file alone
  S021: e(
    (a) => `编号 ${a.id} 与第 ${a.line} 行的${a.what}相同，结果中会出现两个 ${a.id}.1；请给新的部分或否决项另编号`,
    (a) => `id ${a.id} is also ${a.whatEn}'s on line ${a.line}, so results would show two ${a.id}.1; renumber one of them`,
  ),
  S022: w(
    (a) => `${a.id} 的文字印有${a.what} ${a.printed} 分，规则为 ${a.rule} 分：文字可能未随规则修改`,
    (a) => `item ${a.id}'s text prints ${a.whatEn} ${a.printed}, but the rule says ${a.ruleEn}: the text may be stale`,
  ),
  S023: w(
    (a) => `${a.id} 的注释写${a.what} ${a.printed} 分，规则为 ${a.rule} 分：注释可能未随规则修改`,
    (a) => `a note of item ${a.id} says ${a.whatEn} ${a.printed}, but the rule says ${a.ruleEn}: the note may be stale`,
  ),
  H001: w((a) => `有效期日期 ${a.date} 不在规则集年度 ${a.year} 年内`, (a) => `effective date ${a.date} is outside the ruleset's year ${a.year}`),
  H002: w(
    (a) => `${a.grade} 级申报期日期 ${a.date} 不在规则集年度 ${a.year} 年内`,
    (a) => `grade ${a.grade}'s window date ${a.date} is outside the ruleset's year ${a.year}`,
  ),
  H003: w(
    (a) => `${a.grade} 级申报期日期 ${a.date} 不在有效期 ${a.from} 至 ${a.to} 内`,
    (a) => `grade ${a.grade}'s window date ${a.date} is outside the effective period ${a.from} to ${a.to}`,
  ),
  H004: w((a) => `文字写的是 ${a.found} 年度，规则集年度为 ${a.year}`, (a) => `the text names the year ${a.found}, but the ruleset's year is ${a.year}`),
  H005: w(
    (a) => `文号年份 ${a.found} 与规则集年度 ${a.year} 不符：请填写本年度的文号`,
    (a) => `document number year ${a.found} does not match the ruleset's year ${a.year}: give this year's document number`,
  ),
  // Inputs
  I001: e((a) => `最小值 ${a.min} 大于最大值 ${a.max}`, (a) => `min ${a.min} is greater than max ${a.max}`),
  I002: e((a) => `${a.option} 只适用于数值类型`, (a) => `${a.option} applies only to numeric types`),
  I003: e((a) => `${a.name} 是记录类型，只能用于 list of`, (a) => `${a.name} is a record; use it as list of ${a.name}`),
  I004: e((a) => `${a.name} 不是枚举，不能用于 set of`, (a) => `${a.name} is not an enum; set of needs an enum`),
  I005: e((a) => `${a.name} 不是记录类型，不能用于 list of`, (a) => `${a.name} is not a record; list of needs a record`),
  // Limits
  M001: w((a) => `诊断过多，其余 ${a.count} 条未列出`, (a) => `too many diagnostics; ${a.count} more not shown`),
  M002: e((a) => `规则文件过大（${a.size} 字符，上限 ${a.limit}）`, (a) => `rule file too large (${a.size} characters, limit ${a.limit})`),
  M003: e((a) => `规则文件的记号过多（${a.count} 个，上限 ${a.limit}），未解析`, (a) => `rule file has too many tokens (${a.count}, limit ${a.limit}); not parsed`),
  // Cost of evaluation (cost.ts): a static bound on the steps one application can take
  K001: e(
    (a) => `评分工作量超出上限：每份申请最多约 ${a.steps} 步，上限 ${a.budget} 步；最耗时的是${a.kindZh} ${a.rule}（${a.ruleSteps} 步），请减少列表条件的嵌套或条件的长度`,
    (a) => `evaluation work over the budget: up to ${a.steps} steps per application, budget ${a.budget}; the costliest rule is ${a.kindEn} ${a.rule} (${a.ruleSteps} steps): nest fewer list conditions or shorten them`,
  ),
  K002: w(
    (a) => `评分工作量接近上限：每份申请最多约 ${a.steps} 步，上限 ${a.budget} 步；最耗时的是${a.kindZh} ${a.rule}（${a.ruleSteps} 步）`,
    (a) => `evaluation work near the budget: up to ${a.steps} steps per application, budget ${a.budget}; the costliest rule is ${a.kindEn} ${a.rule} (${a.ruleSteps} steps)`,
  ),
} satisfies Record<string, Entry>;

export type DiagnosticCode = keyof typeof CATALOGUE;

/** Builds a diagnostic from the catalogue. */
export function diagnostic(code: DiagnosticCode, span: Span, args: Args = {}, data?: Record<string, string>): Diagnostic {
  const entry: Entry = CATALOGUE[code];
  return {
    severity: entry.severity,
    code,
    message: entry.zh(args),
    messageEn: entry.en(args),
    span,
    ...(data ? { data } : {}),
  };
}

/** The most diagnostics a file reports; past it one M001 says how many were left out. */
export const MAX_DIAGNOSTICS = 100;

/**
 * Sorts by position and caps the list at `MAX_DIAGNOSTICS`. A list already capped (the parser's,
 * which the checker finishes again with its own) keeps its count of those left out.
 */
export function finishDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  let hidden = 0;
  let hiddenAt: Span | null = null;
  const shown: Diagnostic[] = [];
  for (const d of list) {
    if (d.code === "M001" && d.data?.["count"] !== undefined) {
      hidden += Number(d.data["count"]);
      hiddenAt ??= d.span;
    } else shown.push(d);
  }
  const sorted = shown.sort((a, b) => a.span.start.offset - b.span.start.offset || a.code.localeCompare(b.code));
  if (sorted.length <= MAX_DIAGNOSTICS && hidden === 0) return sorted;
  const kept = sorted.slice(0, MAX_DIAGNOSTICS);
  const count = sorted.length - kept.length + hidden;
  kept.push(diagnostic("M001", sorted[MAX_DIAGNOSTICS]?.span ?? hiddenAt!, { count }, { count: String(count) }));
  return kept;
}

/** Renders a diagnostic as the CLI shows it: `file:line:col: error E001 message` and a caret line. */
export function renderDiagnostic(d: Diagnostic, source: string, file = "<input>", lang: "zh" | "en" | "both" = "both"): string {
  const { line, column } = d.span.start;
  const text = lang === "zh" ? d.message : lang === "en" ? d.messageEn : `${d.message}\n  ${d.messageEn}`;
  const lines = source.split(/\r\n?|\n/); // as the lexer counts lines
  const srcLine = lines[line - 1] ?? "";
  const sameLine = d.span.end.line === line;
  const width = Math.max(1, sameLine ? d.span.end.column - column : srcLine.length - column + 1);
  const gutter = String(line).length;
  const caretPad = displayWidth(srcLine.slice(0, column - 1));
  const caretWidth = Math.max(1, displayWidth(srcLine.slice(column - 1, column - 1 + width)));
  return [
    `${file}:${line}:${column}: ${d.severity} ${d.code}: ${text}`,
    `${" ".repeat(gutter)} |`,
    `${line} | ${srcLine}`,
    `${" ".repeat(gutter)} | ${" ".repeat(caretPad)}${"^".repeat(caretWidth)}`,
  ].join("\n");
}

/** Terminal columns of a string: CJK and fullwidth characters take two. */
export function displayWidth(s: string): number {
  let width = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    width += c >= 0x1100 && (c <= 0x115f || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) || (c >= 0x20000 && c <= 0x3fffd)) ? 2 : 1;
  }
  return width;
}
