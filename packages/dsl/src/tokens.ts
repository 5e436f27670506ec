/**
 * The token list of the rules language. Kept apart from the parser so the highlighter and the
 * formatter can use it without building the parser.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

// Chevrotain 11 silently matches nothing for `/u` patterns with `\p{L}`, so the letters of an
// identifier are spelled out: ASCII, CJK Unified Ideographs with Extension A, and the CJK
// compatibility block. A test pins this down (tokens.test.ts).
const LETTER = "A-Za-z_\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
export const IDENTIFIER_PATTERN = new RegExp(`[${LETTER}][${LETTER}0-9]*`);

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\u3000\ufeff]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: "Comment", pattern: /#[^\n\r]*/, group: "comments" });

export const Identifier = createToken({ name: "Identifier", pattern: IDENTIFIER_PATTERN });

/** Every keyword; `category` lets the highlighter colour them without a second list. */
export const Keyword = createToken({ name: "Keyword", pattern: Lexer.NA });
/** Scoring-form keywords, coloured apart in the editor. */
export const FormKeyword = createToken({ name: "FormKeyword", pattern: Lexer.NA, categories: [Keyword] });
/** Type names. */
export const TypeKeyword = createToken({ name: "TypeKeyword", pattern: Lexer.NA, categories: [Keyword] });
/** Functions and quantifiers written with parentheses. */
export const FunctionKeyword = createToken({ name: "FunctionKeyword", pattern: Lexer.NA, categories: [Keyword] });
/** Word operators: and, or, not, in, within, before, after. */
export const WordOperator = createToken({ name: "WordOperator", pattern: Lexer.NA, categories: [Keyword] });
/** Units of a duration. */
export const DurationUnitKeyword = createToken({ name: "DurationUnit", pattern: Lexer.NA, categories: [Keyword] });

function keyword(word: string, categories: TokenType[] = [Keyword]): TokenType {
  return createToken({
    name: `Kw_${word}`,
    label: `'${word}'`,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories,
  });
}

// Declarations and clauses.
export const Ruleset = keyword("ruleset");
export const Year = keyword("year", [FunctionKeyword]);
export const Document = keyword("document");
export const Effective = keyword("effective");
export const Total = keyword("total");
export const Application = keyword("application");
export const DateKw = keyword("date", [TypeKeyword]);
export const Note = keyword("note");
export const Enum = keyword("enum");
export const Record = keyword("record");
export const Input = keyword("input");
export const Table = keyword("table");
export const Columns = keyword("columns");
export const Section = keyword("section");
export const Weight = keyword("weight");
export const Item = keyword("item");
export const Points = keyword("points");
export const Cap = keyword("cap");
export const Vetoes = keyword("vetoes");
export const Veto = keyword("veto");
export const Eligibility = keyword("eligibility");
export const Require = keyword("require");
export const Grade = keyword("grade");
export const Pass = keyword("pass");
export const Window = keyword("window");
export const Quota = keyword("quota");
export const City = keyword("city");
export const Experts = keyword("experts");
export const Combine = keyword("combine");
export const Mean = keyword("mean");
export const Trimmed = keyword("trimmed");
export const Round = keyword("round");
export const Spread = keyword("spread");
/** `at least 4 experts`: the number of experts an item needs. */
export const At = keyword("at");
export const Least = keyword("least");
export const To = keyword("to");
export const Of = keyword("of");
export const Min = keyword("min", [FunctionKeyword]);
export const Max = keyword("max", [FunctionKeyword]);
export const Unit = keyword("unit");
export const En = keyword("en");
export const Help = keyword("help");
export const Optional = keyword("optional");

// Types.
export const YesNo = keyword("yesno", [TypeKeyword]);
export const Count = keyword("count", [TypeKeyword, FunctionKeyword]);
export const DecimalKw = keyword("decimal", [TypeKeyword]);
export const Text = keyword("text", [TypeKeyword]);
export const SetKw = keyword("set", [TypeKeyword]);
export const List = keyword("list", [TypeKeyword]);

// Scoring forms.
export const Judged = keyword("judged", [FormKeyword]);
export const Award = keyword("award", [FormKeyword]);
export const When = keyword("when", [FormKeyword]);
export const Per = keyword("per", [FormKeyword]);
export const Base = keyword("base", [FormKeyword]);
export const Plus = keyword("plus", [FormKeyword]);
export const Further = keyword("further", [FormKeyword]);
export const Highest = keyword("highest", [FormKeyword]);
export const Sum = keyword("sum", [FormKeyword, FunctionKeyword]);
export const Over = keyword("over", [FormKeyword]);
export const Where = keyword("where", [FormKeyword]);
export const Tiers = keyword("tiers", [FormKeyword]);
export const Formula = keyword("formula", [FormKeyword]);

// Expressions.
export const And = keyword("and", [WordOperator]);
export const Or = keyword("or", [WordOperator]);
export const Not = keyword("not", [WordOperator]);
export const In = keyword("in", [WordOperator]);
export const Within = keyword("within", [WordOperator]);
export const Before = keyword("before", [WordOperator]);
export const After = keyword("after", [WordOperator]);
export const Any = keyword("any", [FunctionKeyword]);
export const All = keyword("all", [FunctionKeyword]);
export const Present = keyword("present", [FunctionKeyword]);
export const Size = keyword("size", [FunctionKeyword]);
export const True = keyword("true");
export const False = keyword("false");
export const Years = keyword("years", [DurationUnitKeyword]);
export const Months = keyword("months", [DurationUnitKeyword]);
export const Days = keyword("days", [DurationUnitKeyword]);

// Literals.
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"(?:[^"\\\n\r]|\\.)*"/ });
export const DateLiteral = createToken({ name: "DateLiteral", pattern: /\d{4}-\d{2}-\d{2}(?![0-9])/ });
export const NumberLiteral = createToken({ name: "NumberLiteral", pattern: /\d+(?:\.\d+)?/ });
/** ① … ⑳, as the notice numbers its items. */
export const CircledNumber = createToken({ name: "CircledNumber", pattern: /[\u2460-\u2473]/ });

// Punctuation and operators.
export const Comparison = createToken({ name: "Comparison", pattern: Lexer.NA });
export const Eq = createToken({ name: "Eq", pattern: /==/, categories: [Comparison] });
export const NotEq = createToken({ name: "NotEq", pattern: /!=/, categories: [Comparison] });
export const LessEq = createToken({ name: "LessEq", pattern: /<=/, categories: [Comparison] });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: />=/, categories: [Comparison] });
export const Less = createToken({ name: "Less", pattern: /</, categories: [Comparison] });
export const Greater = createToken({ name: "Greater", pattern: />/, categories: [Comparison] });
export const AdditiveOp = createToken({ name: "AdditiveOp", pattern: Lexer.NA });
export const PlusSign = createToken({ name: "PlusSign", pattern: /\+/, categories: [AdditiveOp] });
export const Minus = createToken({ name: "Minus", pattern: /-/, categories: [AdditiveOp] });
export const MultiplicativeOp = createToken({ name: "MultiplicativeOp", pattern: Lexer.NA });
export const Star = createToken({ name: "Star", pattern: /\*|×/, categories: [MultiplicativeOp] });
export const Slash = createToken({ name: "Slash", pattern: /\/|÷/, categories: [MultiplicativeOp] });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const LBrace = createToken({ name: "LBrace", pattern: /\{/, label: "'{'" });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/, label: "'}'" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "':'" });

/**
 * Keywords, longest first: with `longer_alt` a keyword that is a prefix of a longer one (`in` of
 * `input`, `year` of `years`) would otherwise win and hand the rest to the identifier.
 */
const keywords: TokenType[] = [
  Ruleset, Years, Year, Document, Effective, Total, Application, DateKw, Note, Enum, Record,
  Input, Table, Columns, Section, Weight, Item, Points, Cap, Vetoes, Veto, Eligibility, Require,
  Grade, Pass, Window, Quota, City, Experts, Combine, Mean, Trimmed, Round, Spread, At, Least, To, Of, Min,
  Max, Unit, En, Help, Optional, YesNo, Count, DecimalKw, Text, SetKw, List, Judged, Award, When,
  Per, Base, Plus, Further, Highest, Sum, Over, Where, Tiers, Formula, And, Or, Not, In, Within,
  Before, After, Any, All, Present, Size, True, False, Months, Days,
].sort((a, b) => keywordOf(b).length - keywordOf(a).length);

function keywordOf(t: TokenType): string {
  return (t.LABEL ?? t.name).replace(/'/g, "");
}

/** Every token in lexing order. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  DateLiteral,
  NumberLiteral,
  CircledNumber,
  Keyword,
  FormKeyword,
  TypeKeyword,
  FunctionKeyword,
  WordOperator,
  DurationUnitKeyword,
  ...keywords,
  Identifier,
  Comparison,
  Eq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  AdditiveOp,
  PlusSign,
  Minus,
  MultiplicativeOp,
  Star,
  Slash,
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Comma,
  Colon,
];

/** The words the language reserves, for completion and for the highlighter. */
export const keywordWords: readonly string[] = keywords.map(keywordOf);

/** Each reserved word's token type (for the parser's quick scan of very large texts). */
export const keywordTypes: ReadonlyMap<string, TokenType> = new Map(keywords.map((k) => [keywordOf(k), k]));

/**
 * The lexer's options. Chevrotain's token-definition validations cost most of the lexer's
 * construction (~30 ms at every start), so the shared lexer skips them and a test builds one with
 * them on (tokens.test.ts): a token mistake still fails CI, and start-up stays fast.
 */
export const LEXER_OPTIONS = { ensureOptimizations: false, positionTracking: "full", skipValidations: true } as const;

export const lexer = new Lexer(allTokens, LEXER_OPTIONS);
