/**
 * The Monarch tokenizer, for colour before the first semantic-token pass and on every
 * keystroke. Generated from the dsl — `keywordWords`, and the kind its highlighter gives each
 * word — so there is no second word list to keep: a keyword added to tokens.ts is coloured here
 * with the category it was given there.
 */
import { keywordWords, semanticTokens, type SemanticTokenKind } from "@jsqc/dsl";
import type * as M from "monaco-editor";

/** The reserved words by the colour they get, as the dsl's token categories decide. */
export interface KeywordClasses {
  /** Declarations, clauses, literals and units. */
  readonly keyword: readonly string[];
  /** Scoring forms (`award`, `highest`, `tiers` …). */
  readonly formKeyword: readonly string[];
  /** Type names (`count`, `date` …). */
  readonly type: readonly string[];
  /** Word operators (`and`, `within` …). */
  readonly operator: readonly string[];
  /** Words that are function calls when `(` follows (`count(`, `max(` …), whatever they are otherwise. */
  readonly function: readonly string[];
  /** Words after which a number (or ①) is an item's or section's number: `item 3`, `veto ①`. */
  readonly numbers: readonly string[];
  /** Words after which a name is a section's number: `section 一`. */
  readonly names: readonly string[];
}

const SEPARATOR = " , ";

/**
 * Asks the dsl's highlighter how it colours each word, and the token after it, when written as
 * `word + suffix` between commas (so no word is read together with its neighbour).
 */
function probe(words: readonly string[], suffix: string): { word?: SemanticTokenKind; next?: SemanticTokenKind }[] {
  const lead = suffix.length - suffix.trimStart().length;
  const starts: number[] = [];
  let column = 1;
  for (const w of words) {
    starts.push(column);
    column += w.length + suffix.length + SEPARATOR.length;
  }
  const text = words.map((w) => w + suffix).join(SEPARATOR);
  const kinds = new Map(semanticTokens(text).map((t) => [t.column, t.kind] as const));
  return words.map((w, i) => {
    const word = kinds.get(starts[i]!);
    const next = kinds.get(starts[i]! + w.length + lead);
    return { ...(word ? { word } : {}), ...(next ? { next } : {}) };
  });
}

let classes: KeywordClasses | undefined;

/** The reserved words by colour; computed once. Never throws (a word the probe misses is a plain keyword). */
export function keywordClasses(): KeywordClasses {
  if (classes) return classes;
  const words = [...keywordWords];
  const alone = probe(words, "");
  const called = probe(words, "(");
  const numbered = probe(words, " 1");
  const named = probe(words, " 一");
  const pick = (kind: SemanticTokenKind) => words.filter((_, i) => alone[i]?.word === kind);
  const known = new Set<SemanticTokenKind>(["formKeyword", "type", "operator"]);
  classes = {
    keyword: words.filter((_, i) => !known.has(alone[i]?.word ?? "keyword")),
    formKeyword: pick("formKeyword"),
    type: pick("type"),
    operator: pick("operator"),
    function: words.filter((_, i) => called[i]?.word === "function"),
    numbers: words.filter((_, i) => numbered[i]?.next === "itemNumber"),
    names: words.filter((_, i) => named[i]?.next === "itemNumber"),
  };
  return classes;
}

/** Alternation of words, longest first, as a regular-expression source. */
function alternation(words: readonly string[]): string {
  return [...words].sort((a, b) => b.length - a.length || a.localeCompare(b)).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
}

// Letters of a name. The dsl's lexer allows ASCII letters, _ and CJK ideographs; any letter
// here only means a stray character is coloured as a name and not as invalid.
const NAME = String.raw`[\p{L}_][\p{L}\p{Nd}_]*`;
const CIRCLED = String.raw`[\u2460-\u2473]`;

/**
 * The Monarch definition. Token names are the semantic token kinds (`keyword`, `formKeyword`,
 * `type` …), so one theme rule colours a word whichever tokenizer named it.
 */
export function monarchLanguage(): M.languages.IMonarchLanguage {
  const k = keywordClasses();
  const classOf = (w: string): SemanticTokenKind =>
    k.formKeyword.includes(w) ? "formKeyword" : k.type.includes(w) ? "type" : k.operator.includes(w) ? "operator" : "keyword";
  const numberRules: M.languages.IMonarchLanguageRule[] = [
    ...k.names.map((w): M.languages.IMonarchLanguageRule => [new RegExp(String.raw`(${alternation([w])})(\s+)(${NAME}|\d+)`, "u"), [classOf(w), "white", "itemNumber"]]),
    ...k.numbers.map((w): M.languages.IMonarchLanguageRule => [new RegExp(String.raw`(${alternation([w])})(\s+)(\d+(?![\d.])|${CIRCLED})`, "u"), [classOf(w), "white", "itemNumber"]]),
  ];
  return {
    defaultToken: "invalid",
    unicode: true,
    keywords: k.keyword,
    formKeywords: k.formKeyword,
    typeKeywords: k.type,
    operatorWords: k.operator,
    brackets: [
      { open: "{", close: "}", token: "delimiter.curly" },
      { open: "(", close: ")", token: "delimiter.parenthesis" },
      { open: "[", close: "]", token: "delimiter.square" },
    ],
    tokenizer: {
      root: [
        [/[ \t\r\n\u3000\ufeff]+/u, "white"],
        [/#.*$/u, "comment"],
        [/"(?:[^"\\]|\\.)*"/u, "string"],
        [/"(?:[^"\\]|\\.)*$/u, "string.invalid"],
        [/\d{4}-\d{2}-\d{2}(?!\d)/u, "date"],
        ...numberRules,
        [new RegExp(CIRCLED, "u"), "itemNumber"],
        ...(k.function.length ? [[new RegExp(String.raw`(?:${alternation(k.function)})(?=\s*\()`, "u"), "function"] as M.languages.IMonarchLanguageRule] : []),
        [
          new RegExp(NAME, "u"),
          { cases: { "@formKeywords": "formKeyword", "@typeKeywords": "type", "@operatorWords": "operator", "@keywords": "keyword", "@default": "identifier" } },
        ],
        [/\d+(?:\.\d+)?/u, "number"],
        [/[{}()[\]]/u, "@brackets"],
        [/==|!=|<=|>=|<|>|\+|-|\*|×|\/|÷/u, "operator"],
        [/[,:]/u, "delimiter"],
      ],
    },
  };
}
