/**
 * fast-check arbitraries for property tests: random but syntactically valid rule files.
 *
 * Texts are built as token lists and joined with random separators (spaces, tabs, full-width
 * spaces, newlines, CRLF, blank lines and `#` comments, own-line or trailing), so comments land
 * everywhere a token boundary is: between declarations, inside clauses, inside expressions.
 * Nothing here is checked for meaning (names need not be declared); only the grammar is honoured.
 */
import fc from "fast-check";
import { keywordWords } from "../tokens.js";

type Toks = readonly string[];
type Arb<T> = fc.Arbitrary<T>;

const KEYWORDS = new Set(keywordWords);

const ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
const CJK = "标准级别角色证书数申报日期国际国家主导参与有效认定江苏质量信用等级部分项目专利奖品牌";
const DIGITS = "0123456789";

/** Names that start like keywords, to keep the lexer's longest-match honest. */
const TRICKY_NAMES = ["yearly", "input1", "in中", "notes", "summary", "countA", "date2", "maxi", "min_", "orx", "and中", "years1", "daysX", "itemX", "tiers2", "passed", "ofx", "to_"];

/** An identifier that is not a keyword: ASCII or Chinese letters, then letters or digits. */
export function arbIdentifier(): Arb<string> {
  const first = fc.constantFrom(...ASCII_LETTERS, ...CJK);
  const rest = fc.array(fc.constantFrom(...ASCII_LETTERS, ...CJK, ...DIGITS), { maxLength: 4 });
  const random = fc.tuple(first, rest).map(([f, r]) => f + r.join(""));
  return fc
    .oneof({ arbitrary: random, weight: 6 }, { arbitrary: fc.constantFrom(...TRICKY_NAMES), weight: 1 })
    .filter((s) => !KEYWORDS.has(s));
}

/** A non-negative number literal with at most two decimals, sometimes with redundant zeros. */
export function arbNumber(): Arb<string> {
  return fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 99 }), fc.boolean()).map(
    ([int, kind, frac, pad]) => {
      const i = pad && int < 100 ? `0${int}` : String(int);
      switch (kind) {
        case 0: return `${i}.${frac % 10}`;
        case 1: return `${i}.${String(frac).padStart(2, "0")}`;
        default: return i;
      }
    },
  );
}

/** A signed number as tokens: `["-", "2.5"]` or `["2.5"]`. */
function arbSigned(): Arb<Toks> {
  return fc.tuple(fc.boolean(), arbNumber()).map(([neg, n]) => (neg ? ["-", n] : [n]));
}

function arbPositiveInt(): Arb<string> {
  return fc.integer({ min: 1, max: 30 }).map(String);
}

export function arbDate(): Arb<string> {
  return fc
    .tuple(fc.integer({ min: 1990, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .map(([y, m, d]) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
}

/** A string literal, escapes included. */
export function arbString(): Arb<string> {
  const ch = fc.constantFrom(..."abcXYZ 01", ..."质量信用等级（）“”，。", '"', "\\", "\n", "\t", "#", "{", "}");
  return fc.array(ch, { maxLength: 8 }).map((cs) => {
    const body = cs.map((c) => (c === '"' ? '\\"' : c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\t" ? "\\t" : c)).join("");
    return `"${body}"`;
  });
}

/** A comment's text, `#` included; sometimes with trailing blanks. */
export function arbComment(): Arb<string> {
  const ch = fc.constantFrom(..."abc XYZ 09", ..."注释说明，。", "#", '"', "\\", "{", "}", "(", ")", "-", "\t", "\u3000");
  return fc.array(ch, { maxLength: 12 }).map((cs) => `#${cs.join("")}`);
}

function arbItemNumber(): Arb<string> {
  return fc.oneof(
    fc.integer({ min: 0, max: 19 }).map((i) => String.fromCharCode(0x2460 + i)),
    arbPositiveInt(),
  );
}

function opt(arb: Arb<Toks>): Arb<Toks> {
  return fc.option(arb, { nil: undefined }).map((t) => t ?? []);
}

function arbLabel(): Arb<Toks> {
  return opt(arbString().map((s) => [s]));
}

function arbNote(): Arb<Toks> {
  return arbString().map((s) => ["note", s]);
}

function arbNotes(max = 2): Arb<Toks[]> {
  return fc.array(arbNote(), { maxLength: max });
}

/** Any of the parts, in a random order and subset. */
function some(parts: Arb<Toks>[]): Arb<Toks> {
  return fc.tuple(...parts).chain((ps) => fc.shuffledSubarray(ps)).map((ps) => ps.flat());
}

/** All of the parts, shuffled. */
function shuffled(parts: Arb<Toks[]>): Arb<Toks> {
  return parts.chain((ps) => fc.shuffledSubarray(ps, { minLength: ps.length, maxLength: ps.length })).map((ps) => ps.flat());
}

function joinWith(sep: string, lists: Toks[]): Toks {
  return lists.flatMap((l, i) => (i === 0 ? l : [sep, ...l]));
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

/** An expression as tokens and the precedence level of its top (1 = or … 8 = primary). */
interface GenExpr {
  readonly toks: Toks;
  readonly level: number;
}

const LEVEL = { or: 1, and: 2, not: 3, cmp: 4, add: 5, mul: 6, neg: 7, primary: 8 } as const;

function wrap(e: GenExpr, min: number, extra: boolean): Toks {
  return e.level < min || extra ? ["(", ...e.toks, ")"] : e.toks;
}

/** Rarely true: redundant parentheses. */
const arbExtraParens = fc.integer({ min: 0, max: 7 }).map((n) => n === 0);

function arbLeaf(): Arb<GenExpr> {
  const primary = (toks: Arb<Toks>): Arb<GenExpr> => toks.map((t) => ({ toks: t, level: LEVEL.primary }));
  return fc.oneof(
    { arbitrary: primary(arbNumber().map((n) => [n])), weight: 3 },
    { arbitrary: arbNumber().map((n) => ({ toks: ["-", n], level: LEVEL.neg })), weight: 1 },
    { arbitrary: primary(arbIdentifier().map((n) => [n])), weight: 4 },
    { arbitrary: primary(fc.constantFrom(["true"], ["false"])), weight: 1 },
    { arbitrary: primary(arbDate().map((d) => [d])), weight: 1 },
    { arbitrary: primary(fc.tuple(arbNumber(), fc.constantFrom("years", "months", "days")).map(([n, u]) => [n, u])), weight: 1 },
  );
}

const BINARY: readonly { op: string; level: number }[] = [
  { op: "or", level: LEVEL.or },
  { op: "and", level: LEVEL.and },
  ...["==", "!=", "<", "<=", ">", ">="].map((op) => ({ op, level: LEVEL.cmp })),
  ...["+", "-"].map((op) => ({ op, level: LEVEL.add })),
  ...["*", "/", "×", "÷"].map((op) => ({ op, level: LEVEL.mul })),
];

const exprCache = new Map<number, Arb<GenExpr>>();

/** A random expression of depth at most `depth`. */
export function arbExpr(depth = 5): Arb<GenExpr> {
  const cached = exprCache.get(depth);
  if (cached) return cached;
  const made = depth <= 1 ? arbLeaf() : compound(arbExpr(depth - 1));
  exprCache.set(depth, made);
  return made;
}

function compound(sub: Arb<GenExpr>): Arb<GenExpr> {
  const x = arbExtraParens;
  const binary = fc.tuple(fc.constantFrom(...BINARY), sub, sub, x, x).map(([b, l, r, xl, xr]): GenExpr => {
    // Left-associative; comparisons are not associative: both sides additive.
    const [lmin, rmin] = b.level === LEVEL.cmp ? [LEVEL.add, LEVEL.add] : [b.level, b.level + 1];
    return { toks: [...wrap(l, lmin, xl), b.op, ...wrap(r, rmin, xr)], level: b.level };
  });
  const not = fc.tuple(sub, x).map(([e, xe]): GenExpr => ({ toks: ["not", ...wrap(e, LEVEL.not, xe)], level: LEVEL.not }));
  const neg = fc.tuple(sub, x).map(([e, xe]): GenExpr => ({ toks: ["-", ...wrap(e, LEVEL.neg, xe)], level: LEVEL.neg }));
  const inExpr = fc
    .tuple(sub, x, fc.boolean(), fc.array(arbIdentifier(), { minLength: 1, maxLength: 3 }))
    .map(([e, xe, negated, members]): GenExpr => ({
      toks: [...wrap(e, LEVEL.add, xe), ...(negated ? ["not"] : []), "in", "{", ...joinWith(",", members.map((m) => [m])), "}"],
      level: LEVEL.cmp,
    }));
  const within = fc
    .tuple(sub, sub, x, x, arbNumber(), fc.constantFrom("years", "months", "days"), fc.constantFrom("before", "after"))
    .map(([s, a, xs, xa, n, unit, dir]): GenExpr => ({
      toks: [...wrap(s, LEVEL.add, xs), "within", n, unit, dir, ...wrap(a, LEVEL.add, xa)],
      level: LEVEL.cmp,
    }));
  const call = fc
    .tuple(fc.constantFrom("min", "max", "year", "present", "size"), fc.array(sub, { minLength: 1, maxLength: 3 }))
    .map(([fn, args]): GenExpr => ({ toks: [fn, "(", ...joinWith(",", args.map((a) => a.toks)), ")"], level: LEVEL.primary }));
  const quantifier = fc
    .tuple(fc.constantFrom("count", "any", "all", "sum"), arbIdentifier(), fc.option(sub, { nil: undefined }), fc.option(sub, { nil: undefined }))
    .map(([kind, list, where, of]): GenExpr => ({
      toks: [kind, "(", list, ...(where ? ["where", ...where.toks] : []), ...(of ? ["of", ...of.toks] : []), ")"],
      level: LEVEL.primary,
    }));
  const lookup = fc
    .tuple(arbIdentifier(), fc.array(sub, { minLength: 1, maxLength: 2 }))
    .map(([t, keys]): GenExpr => ({ toks: [t, "[", ...joinWith(",", keys.map((k) => k.toks)), "]"], level: LEVEL.primary }));
  const parens = sub.map((e): GenExpr => ({ toks: ["(", ...e.toks, ")"], level: LEVEL.primary }));
  return fc.oneof(
    { arbitrary: arbLeaf(), weight: 6 },
    { arbitrary: binary, weight: 6 },
    { arbitrary: not, weight: 1 },
    { arbitrary: neg, weight: 1 },
    { arbitrary: inExpr, weight: 1 },
    { arbitrary: within, weight: 1 },
    { arbitrary: call, weight: 1 },
    { arbitrary: quantifier, weight: 1 },
    { arbitrary: lookup, weight: 1 },
    { arbitrary: parens, weight: 1 },
  );
}

function expr(): Arb<Toks> {
  return arbExpr(5).map((e) => e.toks);
}

// ---------------------------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------------------------

function arbHeader(): Arb<Toks> {
  const clauses = some([
    arbPositiveInt().map((y) => ["year", String(2000 + Number(y))]),
    arbString().map((s) => ["document", s]),
    fc.tuple(arbDate(), arbDate()).map(([a, b]) => ["effective", a, "to", b]),
    arbNumber().map((n) => ["total", n]),
    arbIdentifier().map((n) => ["application", "date", n]),
    arbNote(),
    arbNote(),
  ]);
  return fc.tuple(arbString(), clauses).map(([title, cs]) => ["ruleset", title, "{", ...cs, "}"]);
}

function arbEnum(): Arb<Toks> {
  const member = fc.tuple(arbIdentifier(), arbLabel()).map(([n, l]) => [n, ...l]);
  const body = shuffled(fc.tuple(fc.array(member, { maxLength: 4 }), arbNotes()).map(([ms, ns]) => [...ms, ...ns]));
  return fc.tuple(arbIdentifier(), arbLabel(), body).map(([n, l, b]) => ["enum", n, ...l, "{", ...b, "}"]);
}

function arbType(): Arb<Toks> {
  return fc.oneof(
    fc.constantFrom(["yesno"], ["count"], ["decimal"], ["date"], ["text"]),
    arbIdentifier().map((n) => [n]),
    arbIdentifier().map((n) => ["set", "of", n]),
    arbIdentifier().map((n) => ["list", "of", n]),
  );
}

function arbOptions(): Arb<Toks> {
  return some([
    arbSigned().map((s) => ["min", ...s]),
    arbSigned().map((s) => ["max", ...s]),
    arbString().map((s) => ["unit", s]),
    arbString().map((s) => ["en", s]),
    arbString().map((s) => ["help", s]),
    fc.constant(["optional"]),
    arbNote(),
    arbNote(),
  ]);
}

function arbTyped(): Arb<Toks> {
  return fc.tuple(arbIdentifier(), arbType(), arbLabel(), arbOptions()).map(([n, t, l, o]) => [n, ":", ...t, ...l, ...o]);
}

function arbRecord(): Arb<Toks> {
  const body = shuffled(fc.tuple(fc.array(arbTyped(), { maxLength: 3 }), arbNotes()).map(([fs, ns]) => [...fs, ...ns]));
  return fc.tuple(arbIdentifier(), arbLabel(), body).map(([n, l, b]) => ["record", n, ...l, "{", ...b, "}"]);
}

function arbInput(): Arb<Toks> {
  return arbTyped().map((t) => ["input", ...t]);
}

function arbTable(): Arb<Toks> {
  const key = fc.tuple(arbIdentifier(), arbIdentifier()).map(([k, e]) => [k, ":", e]);
  const keys = fc.array(key, { minLength: 1, maxLength: 3 }).map((ks) => joinWith(",", ks));
  const columns = opt(fc.array(arbIdentifier(), { maxLength: 3 }).map((cs) => ["columns", ...cs]));
  const row = fc.tuple(arbIdentifier(), fc.array(arbSigned(), { minLength: 1, maxLength: 3 })).map(([k, vs]) => [k, ":", ...vs.flat()]);
  const body = shuffled(fc.tuple(fc.array(row, { maxLength: 3 }), arbNotes()).map(([rs, ns]) => [...rs, ...ns]));
  return fc
    .tuple(arbIdentifier(), arbLabel(), keys, columns, body)
    .map(([n, l, ks, cs, b]) => ["table", n, ...l, "(", ...ks, ")", "{", ...cs, ...b, "}"]);
}

function arbForm(): Arb<Toks> {
  const fixed = fc.tuple(arbNumber(), expr()).map(([p, e]) => ["award", p, "when", ...e]);
  const term = fc.tuple(arbNumber(), expr()).map(([p, e]) => [p, "per", ...e]);
  const perCount = fc.array(term, { minLength: 1, maxLength: 3 }).map((ts) => ["award", ...joinWith(",", ts)]);
  const base = fc.tuple(arbNumber(), arbNumber(), expr()).map(([b, i, e]) => ["base", b, "plus", i, "per", "further", ...e]);
  const branch = fc.tuple(arbNumber(), arbLabel(), expr()).map(([p, l, e]) => ["award", p, ...l, "when", ...e]);
  const highest = fc.array(branch, { maxLength: 3 }).map((bs) => ["highest", "{", ...bs.flat(), "}"]);
  const cumulative = fc
    .tuple(arbIdentifier(), fc.option(expr(), { nil: undefined }), expr())
    .map(([l, w, v]) => ["sum", "over", l, ...(w ? ["where", ...w] : []), "of", ...v]);
  const tier = fc.tuple(fc.constantFrom(">=", ">"), arbSigned(), arbNumber()).map(([op, t, p]) => [op, ...t, "award", p]);
  const tiers = fc.tuple(expr(), fc.array(tier, { maxLength: 3 })).map(([e, ts]) => ["tiers", ...e, "{", ...ts.flat(), "}"]);
  const formula = expr().map((e) => ["formula", ...e]);
  return fc.oneof(fc.constant(["judged"]), fixed, perCount, base, highest, cumulative, tiers, formula);
}

function arbItem(): Arb<Toks> {
  const cap = fc.option(arbNumber(), { nil: undefined }).map((n): Toks[] => (n === undefined ? [] : [["cap", n]]));
  const experts = fc.option(arbExperts(), { nil: undefined }).map((e): Toks[] => (e === undefined ? [] : [e]));
  const tail = shuffled(fc.tuple(cap, experts, arbNotes()).map(([c, e, ns]) => [...c, ...e, ...ns]));
  return fc
    .tuple(arbItemNumber(), arbString(), opt(arbNumber().map((n) => ["points", n])), opt(arbForm()), tail)
    .map(([num, text, points, form, t]) => ["item", num, text, ...points, "{", ...form, ...t, "}"]);
}

function arbSectionId(): Arb<string> {
  return fc.oneof(arbIdentifier(), arbPositiveInt());
}

function arbSection(): Arb<Toks> {
  const experts = fc.option(arbExperts(), { nil: undefined }).map((e): Toks[] => (e === undefined ? [] : [e]));
  const body = shuffled(fc.tuple(fc.array(arbItem(), { maxLength: 4 }), experts, arbNotes()).map(([is, e, ns]) => [...is, ...e, ...ns]));
  return fc
    .tuple(arbSectionId(), arbString(), opt(arbNumber().map((n) => ["weight", n])), opt(arbNumber().map((n) => ["cap", n])), body)
    .map(([id, t, w, c, b]) => ["section", id, t, ...w, ...c, "{", ...b, "}"]);
}

function arbVetoes(): Arb<Toks> {
  const veto = fc
    .tuple(arbItemNumber(), arbString(), expr(), arbNotes())
    .map(([n, t, e, ns]) => ["veto", n, t, "when", ...e, ...ns.flat()]);
  const body = shuffled(fc.tuple(fc.array(veto, { maxLength: 3 }), arbNotes()).map(([vs, ns]) => [...vs, ...ns]));
  return fc.tuple(arbSectionId(), arbString(), body).map(([id, t, b]) => ["vetoes", id, t, "{", ...b, "}"]);
}

function arbRequirement(): Arb<Toks> {
  return fc.tuple(arbString(), expr(), arbNotes()).map(([l, e, ns]) => ["require", l, ":", ...e, ...ns.flat()]);
}

function arbEligibility(): Arb<Toks> {
  const body = shuffled(fc.tuple(fc.array(arbRequirement(), { maxLength: 3 }), arbNotes()).map(([rs, ns]) => [...rs, ...ns]));
  return fc.tuple(arbLabel(), body).map(([t, b]) => ["eligibility", ...t, "{", ...b, "}"]);
}

function arbGrade(): Arb<Toks> {
  const clauses = fc
    .tuple(
      opt(arbNumber().map((n) => ["pass", n])),
      opt(fc.tuple(arbDate(), arbDate()).map(([a, b]) => ["window", a, "to", b])),
      opt(arbNumber().map((n) => ["quota", n, "per", "city"])),
      fc.array(arbRequirement(), { maxLength: 2 }),
      arbNotes(),
    )
    .map(([p, w, q, rs, ns]) => [p, w, q, ...rs, ...ns].filter((c) => c.length > 0));
  return fc.tuple(arbIdentifier(), arbLabel(), shuffled(clauses)).map(([n, l, b]) => ["grade", n, ...l, "{", ...b, "}"]);
}

function arbExperts(): Arb<Toks> {
  const clauses = some([
    fc.constantFrom(["combine", "mean"], ["combine", "trimmed", "mean"]),
    arbNumber().map((n) => ["round", n]),
    arbNumber().map((n) => ["spread", n]),
    arbNumber().map((n) => ["at", "least", n, "experts"]),
    arbNote(),
    arbNote(),
  ]);
  return clauses.map((cs) => ["experts", "{", ...cs, "}"]);
}

function arbDeclaration(): Arb<Toks> {
  return fc.oneof(arbEnum(), arbRecord(), arbInput(), arbTable(), arbSection(), arbVetoes(), arbEligibility(), arbGrade(), arbExperts());
}

/**
 * What goes between two tokens: whitespace, sometimes a comment, sometimes nothing at all (used
 * only where the two tokens cannot run together, see `tight`).
 */
function arbSeparator(): Arb<string> {
  return fc.oneof(
    { arbitrary: fc.constant(" "), weight: 20 },
    { arbitrary: fc.constant(""), weight: 4 },
    { arbitrary: arbComment().map((c) => `${c}\n`), weight: 1 },
    { arbitrary: fc.constantFrom("\n", "\n  ", "\n    ", "\t", "\u3000", "\r\n  "), weight: 5 },
    { arbitrary: fc.constant("\n\n  "), weight: 1 },
    { arbitrary: arbComment().map((c) => ` ${c}\n`), weight: 1 },
    { arbitrary: arbComment().map((c) => `\n  ${c}\n  `), weight: 1 },
    { arbitrary: fc.tuple(arbComment(), arbComment()).map(([a, b]) => `\n\n${a}\n\n${b}\n`), weight: 1 },
  );
}

/** Punctuation that ends or starts a token on its own; `-` is not (`2024-05-01` is a date). */
const DELIMITERS = new Set(["{", "}", "(", ")", "[", "]", ",", ":"]);

/** Whether two tokens may be written with nothing between them. */
function tight(left: string, right: string): boolean {
  const l = left.slice(-1);
  const r = right.slice(0, 1);
  return DELIMITERS.has(left) || DELIMITERS.has(right) || l === '"' || r === '"' || /^[\u2460-\u2473]$/.test(left) || /^[\u2460-\u2473]$/.test(right);
}

/** Before the first token: nothing, blanks, or comments each on their own line. */
function arbHead(): Arb<string> {
  return fc.oneof(
    { arbitrary: fc.constant(""), weight: 3 },
    { arbitrary: fc.constantFrom("\n", "\n\n", " ", "\ufeff"), weight: 1 },
    { arbitrary: fc.array(arbComment(), { minLength: 1, maxLength: 3 }).map((cs) => `${cs.join("\n")}\n`), weight: 2 },
    { arbitrary: fc.array(arbComment(), { minLength: 1, maxLength: 2 }).map((cs) => `${cs.join("\n\n")}\n\n`), weight: 1 },
  );
}

/** After the last token: nothing, blanks, a trailing comment, or comments on lines of their own. */
function arbTail(): Arb<string> {
  return fc.oneof(
    { arbitrary: fc.constant(""), weight: 3 },
    { arbitrary: fc.constantFrom("\n", "\n\n", " "), weight: 1 },
    { arbitrary: arbComment().map((c) => ` ${c}`), weight: 1 },
    { arbitrary: fc.array(arbComment(), { minLength: 1, maxLength: 3 }).map((cs) => `\n${cs.join("\n")}\n`), weight: 1 },
    { arbitrary: fc.array(arbComment(), { minLength: 1, maxLength: 2 }).map((cs) => `\n\n${cs.join("\n\n")}`), weight: 1 },
  );
}

/**
 * A random, syntactically valid rule file: an optional ruleset header somewhere among up to
 * eight declarations of every kind, random expressions of depth ≤ 5, random comments.
 */
export function arbRuleFileText(): Arb<string> {
  const decls = fc.tuple(fc.option(arbHeader(), { nil: undefined }), fc.array(arbDeclaration(), { maxLength: 8 }), fc.nat()).map(([h, ds, at]) => {
    const all = [...ds];
    if (h) all.splice(at % (ds.length + 1), 0, h);
    return all.flat();
  });
  return decls.chain((toks) =>
    fc
      .tuple(arbHead(), fc.array(arbSeparator(), { minLength: Math.max(0, toks.length - 1), maxLength: Math.max(0, toks.length - 1) }), arbTail())
      .map(([head, seps, tail]) => {
        let text = head;
        toks.forEach((t, i) => {
          text += t;
          const next = toks[i + 1];
          if (next === undefined) return;
          const sep = seps[i] ?? " ";
          text += sep === "" && !tight(t, next) ? " " : sep;
        });
        return text + tail;
      }),
  );
}
