/**
 * The grammar, as a Chevrotain CST parser with error recovery. Nothing outside `parse.ts` sees
 * the CST: `parse.ts` turns it into the typed AST of `ast.ts`.
 */
import { CstParser, type IParserErrorMessageProvider, type TokenType, type IToken } from "chevrotain";
import * as T from "./tokens.js";

/** Human descriptions of grammar rules, for "while reading …" in syntax errors. */
export const RULE_DESCRIPTIONS: Record<string, { zh: string; en: string }> = {
  ruleFile: { zh: "规则文件", en: "rule file" },
  rulesetHeader: { zh: "规则集头部", en: "ruleset header" },
  enumDecl: { zh: "枚举", en: "enum" },
  enumMember: { zh: "枚举值", en: "enum member" },
  recordDecl: { zh: "记录类型", en: "record" },
  fieldDecl: { zh: "记录字段", en: "record field" },
  inputDecl: { zh: "输入项", en: "input" },
  typeRef: { zh: "类型", en: "type" },
  tableDecl: { zh: "查分表", en: "table" },
  tableRow: { zh: "查分表行", en: "table row" },
  sectionDecl: { zh: "评价部分", en: "section" },
  itemDecl: { zh: "评分项", en: "item" },
  scoreForm: { zh: "计分方式", en: "scoring form" },
  vetoGroupDecl: { zh: "否决项", en: "vetoes" },
  vetoDecl: { zh: "否决条款", en: "veto" },
  eligibilityDecl: { zh: "基本条件", en: "eligibility" },
  requirement: { zh: "条件", en: "requirement" },
  gradeDecl: { zh: "等级", en: "grade" },
  expertsDecl: { zh: "专家评分规则", en: "experts" },
  expression: { zh: "表达式", en: "expression" },
  note: { zh: "注释", en: "note" },
  inputOption: { zh: "输入项", en: "input" },
  tableKey: { zh: "查分表", en: "table" },
  tableColumns: { zh: "查分表", en: "table" },
  itemNumber: { zh: "序号", en: "item number" },
  perTerm: { zh: "计分方式", en: "scoring form" },
  takeMaxBranch: { zh: "计分方式", en: "scoring form" },
  tier: { zh: "计分方式", en: "scoring form" },
  andExpr: { zh: "表达式", en: "expression" },
  notExpr: { zh: "表达式", en: "expression" },
  comparison: { zh: "表达式", en: "expression" },
  additive: { zh: "表达式", en: "expression" },
  multiplicative: { zh: "表达式", en: "expression" },
  unary: { zh: "表达式", en: "expression" },
  primary: { zh: "表达式", en: "expression" },
};

function describe(t: TokenType): string {
  const label = t.LABEL ?? t.name;
  switch (t.name) {
    case "Identifier": return "名称 name";
    case "StringLiteral": return "\"文字\" \"text\"";
    case "NumberLiteral": return "数字 number";
    case "DateLiteral": return "日期 date (YYYY-MM-DD)";
    case "CircledNumber": return "序号 ① number";
    case "Comparison": return "比较符 comparison (== != < <= > >=)";
    case "AdditiveOp": return "+ -";
    case "MultiplicativeOp": return "* /";
    case "DurationUnit": return "years/months/days";
    case "Minus": return "-";
    default: return label;
  }
}

function found(t: IToken): string {
  return t.tokenType.name === "EOF" ? "文件结尾 end of file" : `'${t.image}'`;
}

/**
 * The token before `t` in the parser's input. Chevrotain's own `previous` is the last token skipped
 * when it recovers inside a repetition, so it is not used.
 */
function tokenBefore(t: IToken): IToken | undefined {
  const input = shared?.input ?? [];
  // Chevrotain pads its input with EOF sentinels.
  let n = input.length;
  while (n > 0 && input[n - 1]!.tokenType.name === "EOF") n--;
  if (t.tokenType.name === "EOF" || Number.isNaN(t.startOffset)) return input[n - 1];
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (input[mid]!.startOffset < t.startOffset) lo = mid + 1;
    else hi = mid;
  }
  return input[lo - 1];
}

/** Where a message puts its error when not at the token found: on, or right after, another token. */
function at(where: "on" | "after", t: IToken): { at: string; ref: number[] } {
  return { at: where, ref: [t.startOffset, t.endOffset!, t.startLine!, t.startColumn!, t.endLine!, t.endColumn!] };
}

/** Tokens that begin a declaration, clause, scoring form or block: a line starting with one is new. */
const STARTERS = new Set<TokenType>([
  T.Ruleset, T.Enum, T.Record, T.Input, T.Table, T.Section, T.Vetoes, T.Eligibility, T.Grade, T.Experts,
  T.Item, T.Veto, T.Require, T.Note, T.Judged, T.Award, T.Base, T.Highest, T.Sum, T.Tiers, T.Formula, T.Cap,
  T.LBrace, T.RBrace,
]);

/**
 * When the token found is on a later line than the one before it (or is the end of the file), the
 * error goes at the end of that earlier token, where the missing text belongs, and the message
 * names what follows. Null when the token found is on the same line.
 */
function missingBefore(
  code: string,
  expected: string | { zh: string; en: string },
  actual: IToken,
  ruleName: string,
): string | null {
  const previous = tokenBefore(actual);
  const eof = actual.tokenType.name === "EOF";
  if (!eof && !(previous && actual.startLine! > (previous.endLine ?? Infinity))) return null;
  // Only what begins something else says that the line before ended too soon.
  if (!eof && !STARTERS.has(actual.tokenType)) return null;
  const next = eof
    ? { zh: "文件已结束", en: "at end of file" }
    : { zh: `应在第 ${actual.startLine} 行的 ${found(actual)} 之前`, en: `before ${found(actual)} on line ${actual.startLine}` };
  // A token or list of tokens is named with the rule it was missing from; a rule by its own name.
  const where = RULE_DESCRIPTIONS[ruleName];
  const what = typeof expected !== "string"
    ? { zh: `缺少${expected.zh}`, en: `missing ${expected.en}` }
    : { zh: `缺少 ${expected}${where ? `（在${where.zh}中）` : ""}`, en: `missing ${expected}${where ? ` (in ${where.en})` : ""}` };
  return JSON.stringify({ code, ...(previous ? at("after", previous) : {}), zh: `${what.zh}，${next.zh}`, en: `${what.en} ${next.en}` });
}

const FUNCTION_WORDS = "min, max, year, present, size, count, any, all, sum";

/** What each block may hold, for "expected '}'" at a word the block does not know (often a typo). */
const BLOCK_CONTENT: Record<string, string> = {
  rulesetHeader: "year, document, effective, total, application date, note",
  enumDecl: "名称 name, note",
  recordDecl: "名称 name, note",
  tableDecl: "名称 name, note",
  sectionDecl: "item, experts, note",
  itemDecl: "cap, experts, note",
  vetoGroupDecl: "veto, note",
  eligibilityDecl: "require, note",
  gradeDecl: "pass, window, quota, require, note",
  expertsDecl: "combine, round, spread, at least, note",
};

/** The first words of the scoring forms, for "expected a scoring form" messages. */
const SCORE_FORM_WORDS = "judged, award, base, highest, sum, tiers, formula";

/**
 * Messages come back as JSON `{code, zh, en}` so that one diagnostic carries both languages, and
 * `{at, ref}` when it belongs elsewhere than the token found; parse.ts decodes them.
 */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    const previous = tokenBefore(actual);
    // Recovery inside the top-level MANY reports leftovers as "expected EOF": they are stray tokens.
    if (expected.name === "EOF") return messages.buildNotAllInputParsedMessage({ firstRedundant: actual, ruleName });
    // `item ① "…" { 6 }`: the item's body does not start with a scoring form; say so, not "expected '}'".
    if (ruleName === "itemDecl" && expected === T.RBrace && previous?.tokenType === T.LBrace) {
      return JSON.stringify({
        code: "P003",
        zh: `无法识别 ${found(actual)}（在评分项中），此处应为计分方式：${SCORE_FORM_WORDS}`,
        en: `unexpected ${found(actual)} in item; expected a scoring form: ${SCORE_FORM_WORDS}`,
      });
    }
    // `minimum(2, 证书数)`: a name followed by '(' was meant as a function; parse.ts points at the name.
    if (actual.tokenType === T.LParen && previous?.tokenType === T.Identifier) {
      return JSON.stringify({
        code: "P001",
        ...at("on", previous),
        zh: `${previous.image} 不是函数（可用的函数：${FUNCTION_WORDS}）`,
        en: `${previous.image} is not a function (functions: ${FUNCTION_WORDS})`,
      });
    }
    const where = RULE_DESCRIPTIONS[ruleName];
    // A word a block does not know where its `}` or next clause belongs is a clause misspelt
    // (`iten`) or cut short, not a `}` left out: say what the block may hold.
    const content = BLOCK_CONTENT[ruleName];
    if (expected === T.RBrace && content && where && !STARTERS.has(actual.tokenType) && actual.tokenType.name !== "EOF") {
      return JSON.stringify({
        code: "P001",
        zh: `无法识别 ${found(actual)}（在${where.zh}中），此处可写：${content} 或 '}'`,
        en: `unexpected ${found(actual)} in ${where.en}; expected ${content} or '}'`,
      });
    }
    const missing = missingBefore("P001", describe(expected), actual, ruleName);
    if (missing) return missing;
    return JSON.stringify({
      code: "P001",
      zh: `此处应为 ${describe(expected)}，实为 ${found(actual)}${where ? `（在${where.zh}中）` : ""}`,
      en: `expected ${describe(expected)} but found ${found(actual)}${where ? ` (in ${where.en})` : ""}`,
    });
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return JSON.stringify({
      code: "P002",
      zh: `多余的内容 ${found(firstRedundant)}：此处应为声明（ruleset、input、section、grade 等）`,
      en: `unexpected ${found(firstRedundant)}: expected a declaration (ruleset, input, section, grade …)`,
    });
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const where = RULE_DESCRIPTIONS[ruleName];
    const firsts = new Set<string>();
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path[0]) firsts.add(describe(path[0]));
    const list = [...firsts].slice(0, 8).join(", ") + (firsts.size > 8 ? ", …" : "");
    // Nothing viable before the next line: the line ended where, say, an expression was needed.
    const missing = missingBefore("P003", where ? { zh: where.zh, en: where.en } : list, actual[0]!, ruleName);
    if (missing) return missing;
    return JSON.stringify({
      code: "P003",
      zh: `无法识别 ${found(actual[0]!)}${where ? `（在${where.zh}中）` : ""}，此处可写：${list}`,
      en: `unexpected ${found(actual[0]!)}${where ? ` in ${where.en}` : ""}; expected one of: ${list}`,
    });
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const where = RULE_DESCRIPTIONS[ruleName];
    // A number's optional sign is not worth naming next to the number.
    const firsts = expectedIterationPaths.map((p) => p[0]).filter((t): t is TokenType => t !== undefined);
    const named = firsts.some((t) => t === T.NumberLiteral) ? firsts.filter((t) => t !== T.Minus) : firsts;
    const all = [...new Set(named.map(describe))];
    // Whatever may start an expression is a long list: name it an expression.
    const list = where?.en === "expression" ? "表达式 expression" : all.slice(0, 8).join(", ") + (all.length > 8 ? ", …" : "");
    const missing = missingBefore("P004", list, actual[0]!, ruleName);
    if (missing) return missing;
    return JSON.stringify({
      code: "P004",
      zh: `此处至少需要一个 ${list}，实为 ${found(actual[0]!)}${where ? `（在${where.zh}中）` : ""}`,
      en: `expected at least one ${list} but found ${found(actual[0]!)}${where ? ` (in ${where.en})` : ""}`,
    });
  },
};

export class RuleParser extends CstParser {
  /**
   * `validate`: run Chevrotain's grammar validations (ambiguities, left recursion …). They cost
   * most of the parser's construction, so the shared parser skips them and a test builds one with
   * them on (parser.test.ts): a grammar mistake still fails CI, and start-up stays fast.
   */
  constructor(validate = false) {
    super(T.allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: "full",
      maxLookahead: 3,
      errorMessageProvider: messages,
      skipValidations: !validate,
    });
    this.performSelfAnalysis();
  }

  public ruleFile = this.RULE("ruleFile", () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.rulesetHeader) },
        { ALT: () => this.SUBRULE(this.enumDecl) },
        { ALT: () => this.SUBRULE(this.recordDecl) },
        { ALT: () => this.SUBRULE(this.inputDecl) },
        { ALT: () => this.SUBRULE(this.tableDecl) },
        { ALT: () => this.SUBRULE(this.sectionDecl) },
        { ALT: () => this.SUBRULE(this.vetoGroupDecl) },
        { ALT: () => this.SUBRULE(this.eligibilityDecl) },
        { ALT: () => this.SUBRULE(this.gradeDecl) },
        { ALT: () => this.SUBRULE(this.expertsDecl) },
      ]);
    });
  });

  private note = this.RULE("note", () => {
    this.CONSUME(T.Note);
    this.CONSUME(T.StringLiteral);
  });

  private signedNumber = this.RULE("signedNumber", () => {
    this.OPTION(() => this.CONSUME(T.Minus));
    this.CONSUME(T.NumberLiteral);
  });

  public rulesetHeader = this.RULE("rulesetHeader", () => {
    this.CONSUME(T.Ruleset);
    this.CONSUME(T.StringLiteral, { LABEL: "title" });
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([
        { ALT: () => { this.CONSUME(T.Year); this.CONSUME(T.NumberLiteral, { LABEL: "year" }); } },
        { ALT: () => { this.CONSUME(T.Document); this.CONSUME2(T.StringLiteral, { LABEL: "document" }); } },
        {
          ALT: () => {
            this.CONSUME(T.Effective);
            this.CONSUME(T.DateLiteral, { LABEL: "effectiveFrom" });
            this.CONSUME(T.To);
            this.CONSUME2(T.DateLiteral, { LABEL: "effectiveTo" });
          },
        },
        { ALT: () => { this.CONSUME(T.Total); this.CONSUME2(T.NumberLiteral, { LABEL: "total" }); } },
        {
          ALT: () => {
            this.CONSUME(T.Application);
            this.CONSUME(T.DateKw);
            this.CONSUME(T.Identifier, { LABEL: "applicationDate" });
          },
        },
        { ALT: () => this.SUBRULE(this.note) },
      ]);
    });
    this.CONSUME(T.RBrace);
  });

  public enumDecl = this.RULE("enumDecl", () => {
    this.CONSUME(T.Enum);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => this.CONSUME(T.StringLiteral, { LABEL: "label" }));
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.enumMember) }, { ALT: () => this.SUBRULE(this.note) }]));
    this.CONSUME(T.RBrace);
  });

  private enumMember = this.RULE("enumMember", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.StringLiteral));
  });

  public recordDecl = this.RULE("recordDecl", () => {
    this.CONSUME(T.Record);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => this.CONSUME(T.StringLiteral, { LABEL: "label" }));
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.fieldDecl) }, { ALT: () => this.SUBRULE(this.note) }]));
    this.CONSUME(T.RBrace);
  });

  private fieldDecl = this.RULE("fieldDecl", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeRef);
    this.OPTION(() => this.CONSUME(T.StringLiteral, { LABEL: "label" }));
    this.MANY(() => this.SUBRULE(this.inputOption));
  });

  public inputDecl = this.RULE("inputDecl", () => {
    this.CONSUME(T.Input);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeRef);
    this.OPTION(() => this.CONSUME(T.StringLiteral, { LABEL: "label" }));
    this.MANY(() => this.SUBRULE(this.inputOption));
  });

  private inputOption = this.RULE("inputOption", () => {
    this.OR([
      { ALT: () => { this.CONSUME(T.Min); this.SUBRULE(this.signedNumber, { LABEL: "min" }); } },
      { ALT: () => { this.CONSUME(T.Max); this.SUBRULE2(this.signedNumber, { LABEL: "max" }); } },
      { ALT: () => { this.CONSUME(T.Unit); this.CONSUME(T.StringLiteral, { LABEL: "unit" }); } },
      { ALT: () => { this.CONSUME(T.En); this.CONSUME2(T.StringLiteral, { LABEL: "en" }); } },
      { ALT: () => { this.CONSUME(T.Help); this.CONSUME3(T.StringLiteral, { LABEL: "help" }); } },
      { ALT: () => this.CONSUME(T.Optional) },
      { ALT: () => this.SUBRULE(this.note) },
    ]);
  });

  private typeRef = this.RULE("typeRef", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.YesNo) },
      { ALT: () => this.CONSUME(T.Count) },
      { ALT: () => this.CONSUME(T.DecimalKw) },
      { ALT: () => this.CONSUME(T.DateKw) },
      { ALT: () => this.CONSUME(T.Text) },
      { ALT: () => { this.CONSUME(T.SetKw); this.CONSUME(T.Of); this.CONSUME(T.Identifier, { LABEL: "setOf" }); } },
      { ALT: () => { this.CONSUME(T.List); this.CONSUME2(T.Of); this.CONSUME2(T.Identifier, { LABEL: "listOf" }); } },
      { ALT: () => this.CONSUME3(T.Identifier, { LABEL: "named" }) },
    ]);
  });

  public tableDecl = this.RULE("tableDecl", () => {
    this.CONSUME(T.Table);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => this.CONSUME(T.StringLiteral, { LABEL: "label" }));
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.tableKey) });
    this.CONSUME(T.RParen);
    this.CONSUME(T.LBrace);
    this.OPTION2(() => this.SUBRULE(this.tableColumns));
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.tableRow) }, { ALT: () => this.SUBRULE(this.note) }]));
    this.CONSUME(T.RBrace);
  });

  private tableKey = this.RULE("tableKey", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.CONSUME2(T.Identifier, { LABEL: "enumName" });
  });

  private tableColumns = this.RULE("tableColumns", () => {
    this.CONSUME(T.Columns);
    // A column name is an identifier not followed by ':' — that would start the first row.
    this.MANY({ GATE: () => this.LA(2).tokenType !== T.Colon, DEF: () => this.CONSUME(T.Identifier) });
  });

  private tableRow = this.RULE("tableRow", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.AT_LEAST_ONE(() => this.SUBRULE(this.signedNumber));
  });

  public sectionDecl = this.RULE("sectionDecl", () => {
    this.CONSUME(T.Section);
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier, { LABEL: "id" }) },
      { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: "id" }) },
    ]);
    this.CONSUME(T.StringLiteral, { LABEL: "title" });
    this.OPTION(() => { this.CONSUME(T.Weight); this.CONSUME2(T.NumberLiteral, { LABEL: "weight" }); });
    this.OPTION2(() => { this.CONSUME(T.Cap); this.CONSUME3(T.NumberLiteral, { LABEL: "cap" }); });
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR2([
        { ALT: () => this.SUBRULE(this.itemDecl) },
        { ALT: () => this.SUBRULE(this.expertsDecl) },
        { ALT: () => this.SUBRULE(this.note) },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  private itemNumber = this.RULE("itemNumber", () => {
    this.OR([{ ALT: () => this.CONSUME(T.CircledNumber) }, { ALT: () => this.CONSUME(T.NumberLiteral) }]);
  });

  public itemDecl = this.RULE("itemDecl", () => {
    this.CONSUME(T.Item);
    this.SUBRULE(this.itemNumber);
    this.CONSUME(T.StringLiteral, { LABEL: "text" });
    this.OPTION(() => { this.CONSUME(T.Points); this.CONSUME(T.NumberLiteral, { LABEL: "points" }); });
    this.CONSUME(T.LBrace);
    this.OPTION2(() => this.SUBRULE(this.scoreForm));
    this.MANY(() =>
      this.OR([
        { ALT: () => { this.CONSUME(T.Cap); this.CONSUME2(T.NumberLiteral, { LABEL: "cap" }); } },
        { ALT: () => this.SUBRULE(this.expertsDecl) },
        { ALT: () => this.SUBRULE(this.note) },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  public scoreForm = this.RULE("scoreForm", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Judged) },
      {
        // award 2 when …
        ALT: () => {
          this.CONSUME(T.Award, { LABEL: "fixed" });
          this.CONSUME(T.NumberLiteral, { LABEL: "points" });
          this.CONSUME(T.When);
          this.SUBRULE(this.expression, { LABEL: "when" });
        },
      },
      {
        // award 1 per 发明专利数, 0.5 per 实用新型专利数
        ALT: () => {
          this.CONSUME2(T.Award, { LABEL: "perCount" });
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.perTerm) });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Base);
          this.CONSUME2(T.NumberLiteral, { LABEL: "base" });
          this.CONSUME(T.Plus);
          this.CONSUME3(T.NumberLiteral, { LABEL: "increment" });
          this.CONSUME(T.Per);
          this.CONSUME(T.Further);
          this.SUBRULE2(this.expression, { LABEL: "count" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Highest);
          this.CONSUME(T.LBrace);
          this.MANY(() => this.SUBRULE(this.takeMaxBranch));
          this.CONSUME(T.RBrace);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Sum);
          this.CONSUME(T.Over);
          this.CONSUME(T.Identifier, { LABEL: "list" });
          this.OPTION(() => { this.CONSUME(T.Where); this.SUBRULE3(this.expression, { LABEL: "where" }); });
          this.CONSUME(T.Of);
          this.SUBRULE4(this.expression, { LABEL: "value" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Tiers);
          this.SUBRULE5(this.expression, { LABEL: "tierValue" });
          this.CONSUME2(T.LBrace);
          this.MANY2(() => this.SUBRULE(this.tier));
          this.CONSUME2(T.RBrace);
        },
      },
      { ALT: () => { this.CONSUME(T.Formula); this.SUBRULE6(this.expression, { LABEL: "formula" }); } },
    ]);
  });

  private perTerm = this.RULE("perTerm", () => {
    this.CONSUME(T.NumberLiteral, { LABEL: "points" });
    this.CONSUME(T.Per);
    this.SUBRULE(this.expression, { LABEL: "count" });
  });

  private takeMaxBranch = this.RULE("takeMaxBranch", () => {
    this.CONSUME(T.Award);
    this.CONSUME(T.NumberLiteral, { LABEL: "points" });
    this.OPTION(() => this.CONSUME(T.StringLiteral, { LABEL: "label" }));
    this.CONSUME(T.When);
    this.SUBRULE(this.expression, { LABEL: "when" });
  });

  private tier = this.RULE("tier", () => {
    this.OR([{ ALT: () => this.CONSUME(T.GreaterEq, { LABEL: "op" }) }, { ALT: () => this.CONSUME(T.Greater, { LABEL: "op" }) }]);
    this.SUBRULE(this.signedNumber, { LABEL: "threshold" });
    this.CONSUME(T.Award);
    this.CONSUME(T.NumberLiteral, { LABEL: "points" });
  });

  public vetoGroupDecl = this.RULE("vetoGroupDecl", () => {
    this.CONSUME(T.Vetoes);
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier, { LABEL: "id" }) },
      { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: "id" }) },
    ]);
    this.CONSUME(T.StringLiteral, { LABEL: "title" });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR2([{ ALT: () => this.SUBRULE(this.vetoDecl) }, { ALT: () => this.SUBRULE(this.note) }]));
    this.CONSUME(T.RBrace);
  });

  public vetoDecl = this.RULE("vetoDecl", () => {
    this.CONSUME(T.Veto);
    this.SUBRULE(this.itemNumber);
    this.CONSUME(T.StringLiteral, { LABEL: "text" });
    this.CONSUME(T.When);
    this.SUBRULE(this.expression, { LABEL: "when" });
    this.MANY(() => this.SUBRULE(this.note));
  });

  public requirement = this.RULE("requirement", () => {
    this.CONSUME(T.Require);
    this.CONSUME(T.StringLiteral, { LABEL: "label" });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression, { LABEL: "condition" });
    this.MANY(() => this.SUBRULE(this.note));
  });

  public eligibilityDecl = this.RULE("eligibilityDecl", () => {
    this.CONSUME(T.Eligibility);
    this.OPTION(() => this.CONSUME(T.StringLiteral, { LABEL: "title" }));
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.requirement) }, { ALT: () => this.SUBRULE(this.note) }]));
    this.CONSUME(T.RBrace);
  });

  public gradeDecl = this.RULE("gradeDecl", () => {
    this.CONSUME(T.Grade);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => this.CONSUME(T.StringLiteral, { LABEL: "label" }));
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => { this.CONSUME(T.Pass); this.CONSUME(T.NumberLiteral, { LABEL: "pass" }); } },
        {
          ALT: () => {
            this.CONSUME(T.Window);
            this.CONSUME(T.DateLiteral, { LABEL: "windowFrom" });
            this.CONSUME(T.To);
            this.CONSUME2(T.DateLiteral, { LABEL: "windowTo" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Quota);
            this.CONSUME2(T.NumberLiteral, { LABEL: "quota" });
            this.CONSUME(T.Per);
            this.CONSUME(T.City);
          },
        },
        { ALT: () => this.SUBRULE(this.requirement) },
        { ALT: () => this.SUBRULE(this.note) },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  public expertsDecl = this.RULE("expertsDecl", () => {
    this.CONSUME(T.Experts);
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Combine);
            this.OPTION(() => this.CONSUME(T.Trimmed));
            this.CONSUME(T.Mean);
          },
        },
        { ALT: () => { this.CONSUME(T.Round); this.CONSUME(T.NumberLiteral, { LABEL: "round" }); } },
        { ALT: () => { this.CONSUME(T.Spread); this.CONSUME2(T.NumberLiteral, { LABEL: "spread" }); } },
        {
          // at least 4 experts
          ALT: () => {
            this.CONSUME(T.At);
            this.CONSUME(T.Least);
            this.CONSUME3(T.NumberLiteral, { LABEL: "atLeast" });
            this.CONSUME2(T.Experts);
          },
        },
        { ALT: () => this.SUBRULE(this.note) },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  // ---------------------------------------------------------------------------------------
  // Expressions, lowest precedence first. The printer (format.ts) follows the same table.
  // ---------------------------------------------------------------------------------------

  public expression = this.RULE("expression", () => {
    this.SUBRULE(this.andExpr, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpr, { LABEL: "operands" });
    });
  });

  private andExpr = this.RULE("andExpr", () => {
    this.SUBRULE(this.notExpr, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpr, { LABEL: "operands" });
    });
  });

  private notExpr = this.RULE("notExpr", () => {
    this.OR([
      { ALT: () => { this.CONSUME(T.Not); this.SUBRULE(this.notExpr, { LABEL: "negated" }); } },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  private comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.additive, { LABEL: "left" });
    this.OPTION(() => {
      this.OR([
        { ALT: () => { this.CONSUME(T.Comparison, { LABEL: "op" }); this.SUBRULE2(this.additive, { LABEL: "right" }); } },
        {
          ALT: () => {
            this.OPTION2(() => this.CONSUME(T.Not, { LABEL: "negated" }));
            this.CONSUME(T.In);
            this.CONSUME(T.LBrace);
            this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Identifier, { LABEL: "members" }) });
            this.CONSUME(T.RBrace);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Within);
            this.CONSUME(T.NumberLiteral, { LABEL: "amount" });
            this.CONSUME(T.DurationUnitKeyword, { LABEL: "unit" });
            this.OR2([
              { ALT: () => this.CONSUME(T.Before, { LABEL: "direction" }) },
              { ALT: () => this.CONSUME(T.After, { LABEL: "direction" }) },
            ]);
            this.SUBRULE3(this.additive, { LABEL: "anchor" });
          },
        },
      ]);
    });
  });

  private additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(T.AdditiveOp, { LABEL: "ops" });
      this.SUBRULE2(this.multiplicative, { LABEL: "operands" });
    });
  });

  private multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(T.MultiplicativeOp, { LABEL: "ops" });
      this.SUBRULE2(this.unary, { LABEL: "operands" });
    });
  });

  private unary = this.RULE("unary", () => {
    this.OR([
      { ALT: () => { this.CONSUME(T.Minus); this.SUBRULE(this.unary, { LABEL: "negated" }); } },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  private primary = this.RULE("primary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.NumberLiteral);
          this.OPTION(() => this.CONSUME(T.DurationUnitKeyword, { LABEL: "unit" }));
        },
      },
      { ALT: () => this.CONSUME(T.DateLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      {
        ALT: () => {
          this.CONSUME(T.Identifier);
          this.OPTION2(() => {
            this.CONSUME(T.LBracket);
            this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression, { LABEL: "keys" }) });
            this.CONSUME(T.RBracket);
          });
        },
      },
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.Min, { LABEL: "fn" }) },
            { ALT: () => this.CONSUME(T.Max, { LABEL: "fn" }) },
            { ALT: () => this.CONSUME(T.Year, { LABEL: "fn" }) },
            { ALT: () => this.CONSUME(T.Present, { LABEL: "fn" }) },
            { ALT: () => this.CONSUME(T.Size, { LABEL: "fn" }) },
          ]);
          this.CONSUME(T.LParen);
          this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => this.SUBRULE2(this.expression, { LABEL: "args" }) });
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.OR3([
            { ALT: () => this.CONSUME(T.Count, { LABEL: "quantifier" }) },
            { ALT: () => this.CONSUME(T.Any, { LABEL: "quantifier" }) },
            { ALT: () => this.CONSUME(T.All, { LABEL: "quantifier" }) },
            { ALT: () => this.CONSUME(T.Sum, { LABEL: "quantifier" }) },
          ]);
          this.CONSUME2(T.LParen);
          this.CONSUME2(T.Identifier, { LABEL: "list" });
          this.OPTION3(() => { this.CONSUME(T.Where); this.SUBRULE3(this.expression, { LABEL: "where" }); });
          this.OPTION4(() => { this.CONSUME(T.Of); this.SUBRULE4(this.expression, { LABEL: "of" }); });
          this.CONSUME2(T.RParen);
        },
      },
      { ALT: () => { this.CONSUME3(T.LParen); this.SUBRULE5(this.expression, { LABEL: "inner" }); this.CONSUME3(T.RParen); } },
    ]);
  });
}

/** The parser is costly to build (self-analysis): one instance, reused. */
let shared: RuleParser | undefined;
export function ruleParser(): RuleParser {
  shared ??= new RuleParser();
  return shared;
}
