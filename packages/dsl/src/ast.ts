/**
 * The typed AST of a rule file. Every node is a member of a discriminated union on `type` and
 * carries its source `span`. The checker, formatter, engine and editor depend on this file only,
 * never on Chevrotain's CST.
 *
 * Positions: `offset` is 0-based in UTF-16 code units; `line` and `column` are 1-based, the
 * column counting UTF-16 code units (the same base as Monaco). A span's `end` is exclusive.
 */

export interface Position {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export interface Span {
  readonly start: Position;
  readonly end: Position;
}

/** A value written in the source, with where it was written (for hovers and minimal edits). */
export interface Lit<T> {
  readonly value: T;
  readonly span: Span;
}

/** An exact decimal as written in the source, normalised ("2.50" → "2.5", "03" → "3"). */
export type DecimalText = string;

export type DurationUnit = "years" | "months" | "days";

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

export type BinaryOp = "+" | "-" | "*" | "/" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "and" | "or";

export type Expr =
  | NumberExpr
  | BoolExpr
  | DateExpr
  | NameExpr
  | DurationExpr
  | UnaryExpr
  | BinaryExpr
  | InExpr
  | WithinExpr
  | CallExpr
  | QuantifierExpr
  | LookupExpr
  | MissingExpr;

export interface NumberExpr { readonly type: "Number"; readonly value: DecimalText; readonly span: Span }
export interface BoolExpr { readonly type: "Bool"; readonly value: boolean; readonly span: Span }
/** A calendar date literal, `YYYY-MM-DD`. */
export interface DateExpr { readonly type: "Date"; readonly value: string; readonly span: Span }
/** A name: an input, a record field in a list's scope, an enum member, or a table. */
export interface NameExpr { readonly type: "Name"; readonly name: string; readonly span: Span }
/** `2 years`, `6 months`, `30 days`: only meaningful added to or subtracted from a date. */
export interface DurationExpr {
  readonly type: "Duration";
  readonly amount: DecimalText;
  readonly unit: DurationUnit;
  readonly span: Span;
}
export interface UnaryExpr {
  readonly type: "Unary";
  readonly op: "not" | "-";
  readonly operand: Expr;
  readonly span: Span;
}
export interface BinaryExpr {
  readonly type: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}
/** `x in {a, b}` (or `x not in {…}`): an enum value among members, or a set input holding one. */
export interface InExpr {
  readonly type: "In";
  readonly subject: Expr;
  readonly values: readonly NameExpr[];
  readonly negated: boolean;
  readonly span: Span;
}
/**
 * `日期 within 2 years before 申报日期`: the subject lies in the closed window
 * [anchor − amount, anchor] (before) or [anchor, anchor + amount] (after).
 */
export interface WithinExpr {
  readonly type: "Within";
  readonly subject: Expr;
  readonly amount: DecimalText;
  readonly unit: DurationUnit;
  readonly direction: "before" | "after";
  readonly anchor: Expr;
  readonly span: Span;
}
export type BuiltinFunction = "min" | "max" | "year" | "present" | "size";
export interface CallExpr {
  readonly type: "Call";
  readonly fn: BuiltinFunction;
  readonly fnSpan: Span;
  readonly args: readonly Expr[];
  readonly span: Span;
}
export type QuantifierKind = "count" | "any" | "all" | "sum";
/**
 * `count(L where c)`, `any(L where c)`, `all(L where c)`, `sum(L where c of e)`: the condition
 * and the summed expression see the record's fields by name.
 */
export interface QuantifierExpr {
  readonly type: "Quantifier";
  readonly kind: QuantifierKind;
  readonly list: NameExpr;
  readonly where: Expr | null;
  readonly of: Expr | null;
  readonly span: Span;
}
/** `标准分值[角色, 级别]`: a lookup table's cell. */
export interface LookupExpr {
  readonly type: "Lookup";
  readonly table: NameExpr;
  readonly keys: readonly Expr[];
  readonly span: Span;
}
/** Stands where the parser recovered from a syntax error; it has been reported already. */
export interface MissingExpr { readonly type: "Missing"; readonly span: Span }

// ---------------------------------------------------------------------------------------------
// Types of inputs and record fields
// ---------------------------------------------------------------------------------------------

export type TypeRef =
  | { readonly type: "YesNoType"; readonly span: Span }
  | { readonly type: "CountType"; readonly span: Span }
  | { readonly type: "DecimalType"; readonly span: Span }
  | { readonly type: "DateType"; readonly span: Span }
  | { readonly type: "TextType"; readonly span: Span }
  /** An enum or record declared by name. */
  | { readonly type: "NamedType"; readonly name: Lit<string>; readonly span: Span }
  | { readonly type: "SetType"; readonly element: Lit<string>; readonly span: Span }
  | { readonly type: "ListType"; readonly element: Lit<string>; readonly span: Span };

/** Options that follow an input or a field: bounds, unit, English label, help, optionality. */
export interface InputOptions {
  readonly min: Lit<DecimalText> | null;
  readonly max: Lit<DecimalText> | null;
  readonly unit: Lit<string> | null;
  readonly en: Lit<string> | null;
  readonly help: Lit<string> | null;
  readonly optional: Lit<true> | null;
  readonly notes: readonly Note[];
}

// ---------------------------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------------------------

/** `note "…"`: an interpretation recorded beside the rule it explains (DOMAIN.md's readings). */
export interface Note { readonly type: "Note"; readonly text: Lit<string>; readonly span: Span }

export interface RuleFile {
  readonly type: "RuleFile";
  readonly header: RulesetHeader | null;
  readonly declarations: readonly Declaration[];
  readonly span: Span;
}

/** `ruleset "title" { year … document … effective … to … total … application date … }` */
export interface RulesetHeader {
  readonly type: "Ruleset";
  readonly title: Lit<string>;
  readonly year: Lit<DecimalText> | null;
  readonly document: Lit<string> | null;
  readonly effectiveFrom: Lit<string> | null;
  readonly effectiveTo: Lit<string> | null;
  readonly total: Lit<DecimalText> | null;
  /** The date input that is "the application date" for windows and vetoes. */
  readonly applicationDate: NameExpr | null;
  readonly notes: readonly Note[];
  readonly span: Span;
}

export type Declaration =
  | EnumDecl
  | RecordDecl
  | InputDecl
  | TableDecl
  | SectionDecl
  | VetoGroupDecl
  | EligibilityDecl
  | GradeDecl
  | ExpertsDecl;

export interface EnumMember {
  readonly type: "EnumMember";
  readonly name: Lit<string>;
  readonly label: Lit<string> | null;
  readonly span: Span;
}
/** `enum 标准级别 "标准级别" { 国际 "国际标准" 国家 "国家标准" … }` */
export interface EnumDecl {
  readonly type: "Enum";
  readonly name: Lit<string>;
  readonly label: Lit<string> | null;
  readonly members: readonly EnumMember[];
  readonly notes: readonly Note[];
  readonly span: Span;
}

export interface FieldDecl {
  readonly type: "Field";
  readonly name: Lit<string>;
  readonly valueType: TypeRef;
  readonly label: Lit<string> | null;
  readonly options: InputOptions;
  readonly span: Span;
}
/** `record 标准记录 "标准" { 角色: 标准角色 "角色" … }`: the shape of a list input's entries. */
export interface RecordDecl {
  readonly type: "Record";
  readonly name: Lit<string>;
  readonly label: Lit<string> | null;
  readonly fields: readonly FieldDecl[];
  readonly notes: readonly Note[];
  readonly span: Span;
}

/** `input 有效证书数: count "有效的体系认证证书数量" max 100 unit "个"`, then `en`, `help`, `note` lines */
export interface InputDecl {
  readonly type: "Input";
  readonly name: Lit<string>;
  readonly valueType: TypeRef;
  readonly label: Lit<string> | null;
  readonly options: InputOptions;
  readonly span: Span;
}

/**
 * A lookup table keyed by one or two enums:
 * `table 标准分值 "…" (角色: 标准角色, 级别: 标准级别) { columns 国际 国家 …  主导: 2.5 2 … }`.
 * One-key tables have no `columns` line and one value per row (`国家级: 2.5`).
 */
export interface TableDecl {
  readonly type: "Table";
  readonly name: Lit<string>;
  readonly label: Lit<string> | null;
  readonly keys: readonly TableKey[];
  readonly columns: readonly Lit<string>[];
  readonly rows: readonly TableRow[];
  readonly notes: readonly Note[];
  readonly span: Span;
}
export interface TableKey { readonly name: Lit<string>; readonly enumName: Lit<string>; readonly span: Span }
export interface TableRow {
  readonly type: "TableRow";
  readonly key: Lit<string>;
  readonly values: readonly Lit<DecimalText>[];
  readonly span: Span;
}

/** `section 三 "质量管理体系" weight 8 { item … }` (一 … 十 in the notice's 附件1). */
export interface SectionDecl {
  readonly type: "Section";
  readonly id: Lit<string>;
  readonly title: Lit<string>;
  readonly weight: Lit<DecimalText> | null;
  /** Optional cap on the section's sum (rarely needed: 2024's sections reach exactly their weight). */
  readonly cap: Lit<DecimalText> | null;
  readonly items: readonly ItemDecl[];
  /** `experts { … }` inside the section: the expert rule of its judged items, over the file's. */
  readonly experts: ExpertsDecl | null;
  readonly notes: readonly Note[];
  readonly span: Span;
}

/** An item's number as written: `①` or `1`; `value` is the integer. */
export interface ItemNumber { readonly value: number; readonly text: string; readonly span: Span }

/** `item ① "…" points 4 { base 2 plus 0.5 per further 证书数  cap 4 }` */
export interface ItemDecl {
  readonly type: "Item";
  readonly number: ItemNumber;
  /** `三.1`: the section's id and the item's number; stable across formatting. */
  readonly id: string;
  readonly text: Lit<string>;
  /** The item's full marks as the notice prints them; null when the notice gives none (take-max items). */
  readonly points: Lit<DecimalText> | null;
  readonly form: ScoreForm;
  /** 最高不超过: the item's points never exceed this. */
  readonly cap: Lit<DecimalText> | null;
  /** `experts { … }` inside a judged item: its own expert rule, over the section's and the file's. */
  readonly experts: ExpertsDecl | null;
  readonly notes: readonly Note[];
  readonly span: Span;
}

export type ScoreForm =
  | JudgedForm
  | FixedForm
  | PerCountForm
  | BaseIncrementForm
  | TakeMaxForm
  | CumulativeForm
  | TiersForm
  | FormulaForm
  | MissingForm;

/** `judged`: experts award 0 … the item's points. */
export interface JudgedForm { readonly type: "Judged"; readonly span: Span }
/** `award 2 when 获江苏精品认证` */
export interface FixedForm { readonly type: "Fixed"; readonly points: Lit<DecimalText>; readonly when: Expr; readonly span: Span }
export interface PerCountTerm { readonly points: Lit<DecimalText>; readonly count: Expr; readonly span: Span }
/** `award 1 per 发明专利数, 0.5 per 实用新型专利数` */
export interface PerCountForm { readonly type: "PerCount"; readonly terms: readonly PerCountTerm[]; readonly span: Span }
/** `base 2 plus 0.5 per further 证书数`: 0 for none, 2 for the first, +0.5 for each further one. */
export interface BaseIncrementForm {
  readonly type: "BaseIncrement";
  readonly base: Lit<DecimalText>;
  readonly increment: Lit<DecimalText>;
  readonly count: Expr;
  readonly span: Span;
}
export interface TakeMaxBranch { readonly points: Lit<DecimalText>; readonly when: Expr; readonly label: Lit<string> | null; readonly span: Span }
/** `highest { award 2.5 when … award 2 when … }` (取单项最高分). */
export interface TakeMaxForm { readonly type: "TakeMax"; readonly branches: readonly TakeMaxBranch[]; readonly span: Span }
/** `sum over 标准 [where …] of 标准分值[角色, 级别]` (得分可累计). */
export interface CumulativeForm {
  readonly type: "Cumulative";
  readonly list: NameExpr;
  readonly where: Expr | null;
  readonly value: Expr;
  readonly span: Span;
}
export interface Tier {
  readonly op: ">=" | ">";
  readonly threshold: Lit<DecimalText>;
  readonly points: Lit<DecimalText>;
  readonly span: Span;
}
/** `tiers 研发投入占比 { >= 5 award 2  >= 3 award 1 }`: the points of the highest tier reached. */
export interface TiersForm { readonly type: "Tiers"; readonly value: Expr; readonly tiers: readonly Tier[]; readonly span: Span }
/** `formula max(0, …)`: any expression of points. */
export interface FormulaForm { readonly type: "Formula"; readonly expr: Expr; readonly span: Span }
export interface MissingForm { readonly type: "MissingForm"; readonly span: Span }

/** `vetoes 十一 "否决项" { veto ① "…" when … }` */
export interface VetoGroupDecl {
  readonly type: "VetoGroup";
  readonly id: Lit<string>;
  readonly title: Lit<string>;
  readonly vetoes: readonly VetoDecl[];
  readonly notes: readonly Note[];
  readonly span: Span;
}
export interface VetoDecl {
  readonly type: "Veto";
  readonly number: ItemNumber;
  /** `十一.1` */
  readonly id: string;
  readonly text: Lit<string>;
  readonly when: Expr;
  readonly notes: readonly Note[];
  readonly span: Span;
}

/** `require "注册地在江苏": 注册地 in {江苏}`, then its `note` lines */
export interface Requirement {
  readonly type: "Require";
  readonly label: Lit<string>;
  readonly condition: Expr;
  readonly notes: readonly Note[];
  readonly span: Span;
}
/** `eligibility "基本条件" { require … }`: conditions every grade must meet. */
export interface EligibilityDecl {
  readonly type: "Eligibility";
  readonly title: Lit<string> | null;
  readonly requirements: readonly Requirement[];
  readonly notes: readonly Note[];
  readonly span: Span;
}

/** `grade AA "质量信用AA级" { pass 75 window … quota 30 per city require … }` */
export interface GradeDecl {
  readonly type: "Grade";
  readonly name: Lit<string>;
  readonly label: Lit<string> | null;
  readonly pass: Lit<DecimalText> | null;
  readonly windowFrom: Lit<string> | null;
  readonly windowTo: Lit<string> | null;
  readonly quota: Lit<DecimalText> | null;
  readonly requirements: readonly Requirement[];
  readonly notes: readonly Note[];
  readonly span: Span;
}

export type CombineRule = "mean" | "trimmed mean";
/**
 * `experts { combine trimmed mean  round 0.01  spread 1  at least 3 experts }`: at the top level
 * the file's rule; inside a section or an item, that level's rule. A clause left out is inherited
 * from the enclosing level (item → section → file); see `effectiveExperts` in experts.ts.
 */
export interface ExpertsDecl {
  readonly type: "Experts";
  readonly combine: Lit<CombineRule> | null;
  /** The step results are rounded to, half up: 0.5, 0.1, 0.01 … */
  readonly round: Lit<DecimalText> | null;
  /** Items on which experts differ by more than this are flagged. */
  readonly spread: Lit<DecimalText> | null;
  /** `at least 4 experts`: an application must carry this many scores for each judged item. */
  readonly atLeast: Lit<DecimalText> | null;
  readonly notes: readonly Note[];
  readonly span: Span;
}

/** A comment, kept for the formatter. `text` includes the leading `#`. */
export interface Comment { readonly text: string; readonly span: Span }

/** Every kind of node, for tools that walk the tree generically. */
export type Node = RuleFile | RulesetHeader | Declaration | ItemDecl | VetoDecl | Requirement | Expr | ScoreForm;
