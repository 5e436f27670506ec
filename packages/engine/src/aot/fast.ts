/**
 * The straight-line part of a compiled module (`jsqc build`): for one rule file, the text of
 *
 * - `$fastPrepare(app)`: the input check and conversion written out field by field — the inputs
 *   by a walk of the object's own keys and a switch on each, list fields and judged scores each
 *   read by its own name, every check specialised to the declared type and bounds. It answers
 *   only for applications it can vouch for; anything unusual (an own key holding `undefined`, a
 *   key it does not know, an expert rule counting scores) gives null, and the runtime's general
 *   `prepare` decides, so the fast path may refuse more than the engine but never accepts what
 *   the engine refuses;
 * - `$run(p, app)`: each judged item combined by a call of the runtime's `$combine` with its own
 *   rule's constants, the other items' generated scorers, and the result assembled as object
 *   literals in the engine's key order, with shared frozen entries for items and vetoes.
 *
 * Safety rules are build.ts's: strings as JSON literals (`lit`), numbers as safe integers
 * (`int`), identifiers generated here (`$`, a prefix and a counter: $lo $hi $d $E $x $cv $L $W $M
 * $I $VE, none of them build.ts's $s $c $V $T $q), never a name from the rule file.
 */
import type { ValueSpec } from "./runtime.js";

export interface FastItem { id: string; max: number; cap: number | null; judged: number; score: string | null }
export interface FastSection { id: string; title: string; weight: number; cap: number | null; items: FastItem[] }
export interface FastJudged { id: string; max: number; trimmed: boolean; round: number | null; spread: number | null; atLeast: number | null }
export interface FastCond { id: string; label: string; test: string }
export interface FastGrade { name: string; pass: number | null; window: [number, number] | null; requirements: FastCond[] }
export interface FastInput { name: string; omittable: boolean; list: boolean; spec: ValueSpec }
export interface FastRuleset {
  title: string;
  year: number | null;
  document: string | null;
  total: number;
  applicationDateIndex: number | null;
  inputs: FastInput[];
  sections: FastSection[];
  judged: FastJudged[];
  vetoes: FastCond[];
  eligibility: FastCond[];
  grades: FastGrade[];
}

/** Writes the fast path; `lit` and `int` are build.ts's safe literal writers. */
export function fastPath(rs: FastRuleset, lit: (v: unknown) => string, int: (n: number) => string): string[] {
  return new FastWriter(rs, lit, int).write();
}

/** Names that a plain object inherits: a property load of one of them must check ownership first. */
const inherited = (name: string): boolean => name in Object.prototype || name === "__proto__";

class FastWriter {
  private readonly top: string[] = [];
  private next = 0;

  constructor(private readonly rs: FastRuleset, private readonly lit: (v: unknown) => string, private readonly int: (n: number) => string) {}

  private id(prefix: string): string {
    return `${prefix}${this.next++}`;
  }

  /** `obj[name]` as a load that never sees an inherited value. */
  private load(obj: string, name: string): string {
    return inherited(name) ? `($hasOwn.call(${obj}, ${this.lit(name)}) ? ${obj}[${this.lit(name)}] : undefined)` : `${obj}[${this.lit(name)}]`;
  }

  write(): string[] {
    const prepare = this.prepare();
    const run = this.run();
    return [...this.top, prepare, run];
  }

  /**
   * Statements converting `v` (a present, non-null value) of one declared type into `dst`, or
   * running `fail`. The same conversions as the runtime's `$converter`.
   */
  private convert(spec: ValueSpec, v: string, dst: string, fail: string, indent: string): string[] {
    const { int } = this;
    switch (spec.kind) {
      case "bool":
        return [`${indent}if (${v} !== true && ${v} !== false) ${fail}`, `${indent}${dst} = ${v};`];
      case "count": {
        const lo = this.id("$lo");
        const hi = this.id("$hi");
        this.top.push(`const ${lo} = ${spec.min === null ? "0" : `Math.max(0, $toNumber(${int(spec.min)}))`};`);
        this.top.push(`const ${hi} = ${spec.max === null ? "Number.MAX_SAFE_INTEGER / $SCALE" : `$toNumber(${int(spec.max)})`};`);
        return [
          `${indent}if (typeof ${v} !== "number" || !Number.isInteger(${v}) || ${v} < ${lo} || ${v} > ${hi}) ${fail}`,
          `${indent}${dst} = ${v} * $SCALE;`,
        ];
      }
      case "number": {
        const d = this.id("$d");
        const bounds = [`${d} === null`];
        if (spec.min !== null) bounds.push(`${d} < ${int(spec.min)}`);
        if (spec.max !== null) bounds.push(`${d} > ${int(spec.max)}`);
        return [`${indent}const ${d} = $numberDec(${v});`, `${indent}if (${bounds.join(" || ")}) ${fail}`, `${indent}${dst} = ${d};`];
      }
      case "date": {
        const d = this.id("$d");
        return [`${indent}if (typeof ${v} !== "string") ${fail}`, `${indent}const ${d} = $parseDay(${v});`, `${indent}if (${d} === null) ${fail}`, `${indent}${dst} = ${d};`];
      }
      case "text":
        return [`${indent}if (typeof ${v} !== "string" || !$withinLength(${v}, $MAX_TEXT)) ${fail}`, `${indent}${dst} = ${v};`];
      case "enum": {
        const members = this.id("$E");
        this.top.push(`const ${members} = new Set(${this.lit(spec.members ?? [])});`);
        return [`${indent}if (typeof ${v} !== "string" || !${members}.has(${v})) ${fail}`, `${indent}${dst} = ${v};`];
      }
      case "set": {
        const members = this.id("$E");
        this.top.push(`const ${members} = new Set(${this.lit(spec.members ?? [])});`);
        return [
          `${indent}if (!Array.isArray(${v}) || ${v}.length > $MAX_LIST) ${fail}`,
          `${indent}for (let i = 0; i < ${v}.length; i++) {`,
          `${indent}  const x = ${v}[i];`,
          `${indent}  if (typeof x !== "string" || !${members}.has(x)) ${fail}`,
          `${indent}  for (let j = 0; j < i; j++) if (${v}[j] === x) ${fail}`,
          `${indent}}`,
          `${indent}${dst} = ${v};`,
        ];
      }
      case "list":
        if ((spec.fields ?? []).every((f) => f.spec.kind !== "list" && f.spec.kind !== "set")) {
          const conv = this.list(spec);
          const x = this.id("$x");
          return [`${indent}const ${x} = ${conv}(${v});`, `${indent}if (${x} === $INVALID) ${fail}`, `${indent}${dst} = ${x};`];
        }
        break;
      default:
        break;
    }
    // Sets (and anything else): the runtime's converter, made once when the module loads.
    const conv = this.id("$cv");
    this.top.push(`const ${conv} = $converter(${specLiteral(spec, this.lit, this.int)});`);
    const x = this.id("$x");
    return [`${indent}const ${x} = ${conv}(${v});`, `${indent}if (${x} === $INVALID) ${fail}`, `${indent}${dst} = ${x};`];
  }

  /** A list's converter, field by field: rows of converted values in the record's field order. */
  private list(spec: ValueSpec): string {
    const fn = this.id("$L");
    const fields = spec.fields ?? [];
    const lines = [
      `function ${fn}(v) {`,
      "  if (!Array.isArray(v) || v.length > $MAX_LIST) return $INVALID;",
      "  const out = new Array(v.length);",
      "  for (let i = 0; i < v.length; i++) {",
      "    const rec = v[i];",
      "    if (rec === null || typeof rec !== \"object\" || Array.isArray(rec)) return $INVALID;",
      "    let known = 0;",
    ];
    const cells: string[] = [];
    fields.forEach((f, j) => {
      const raw = `f${j}`;
      const cell = `c${j}`;
      cells.push(cell);
      lines.push(`    const ${raw} = ${this.load("rec", f.name)};`, `    let ${cell};`);
      // Missing: allowed when optional. Null: allowed when optional, and counted as a key.
      lines.push(`    if (${raw} === undefined) { ${f.optional ? "" : "return $INVALID; "}}`);
      lines.push(`    else if (${raw} === null) { ${f.optional ? "known++;" : "return $INVALID;"} }`);
      lines.push("    else {", "      known++;", ...this.convert(f.spec, raw, cell, "return $INVALID;", "      "), "    }");
    });
    lines.push(
      "    if ($ownKeyCount(rec) !== known) return $INVALID;",
      `    out[i] = [${cells.join(", ")}];`,
      "  }",
      "  return out;",
      "}",
    );
    this.top.push(lines.join("\n"));
    return fn;
  }

  private prepare(): string {
    const { rs, lit, int } = this;
    const width = rs.judged.length;
    const lines = [
      "let $scores = new Float64Array(0);",
      "/**",
      " * Fills `$scores` (reused by every call), or a new array when `fresh`: a getter of the",
      " * application called evaluate again while an outer call was preparing (see `$evaluator`).",
      " */",
      "function $fastPrepare(app, fresh) {",
      "  if (app === null || typeof app !== \"object\" || Array.isArray(app)) return null;",
      "  let known = 2;",
      "  const id = app.id;",
      "  if (id !== undefined) { if (typeof id !== \"string\" || !$withinLength(id, 200)) return null; known++; }",
      "  const enterprise = app.enterprise;",
      "  if (enterprise !== undefined) { if ($enterpriseError(enterprise) !== null) return null; known++; }",
      "  const grade = app.grade;",
      `  if (${rs.grades.length === 0 ? "true" : rs.grades.map((g) => `grade !== ${lit(g.name)}`).join(" && ")}) return null;`,
      "  const raw = app.inputs;",
      "  if (raw === null || typeof raw !== \"object\" || Array.isArray(raw)) return null;",
      "  const experts = app.experts;",
      "  if (experts !== undefined) known++;",
      "  if ($ownKeyCount(app) !== known) return null;",
      `  const I = new Array(${int(rs.inputs.length)});`,
    ];
    // The inputs by walking the object's own keys (for-in, whose keyed loads V8 makes from the
    // object's enum cache) and switching on the key: applications differ in which optional
    // inputs they give, so a load of each input by name would see many object shapes
    // (megamorphic, often a lookup through the shape's descriptors). A key given twice cannot
    // be; a key of no input, an inherited key or an own undefined declines.
    rs.inputs.forEach((_, i) => lines.push(`  let g${i} = false;`));
    lines.push(
      "  for (const k in raw) {",
      "    if (!$hasOwn.call(raw, k)) return null;",
      "    const v = raw[k];",
      "    if (v === undefined) return null;",
      "    switch (k) {",
    );
    rs.inputs.forEach((input, i) => {
      const none = input.list ? "[]" : "undefined";
      lines.push(
        `      case ${lit(input.name)}: {`,
        `        g${i} = true;`,
        `        if (v === null) { ${input.omittable ? `I[${int(i)}] = ${none};` : "return null;"} break; }`,
        ...this.convert(input.spec, "v", `I[${int(i)}]`, "return null;", "        "),
        "        break;",
        "      }",
      );
    });
    lines.push("      default: return null;", "    }", "  }");
    rs.inputs.forEach((input, i) => {
      lines.push(`  if (!g${i}) ${input.omittable ? `I[${int(i)}] = ${input.list ? "[]" : "undefined"};` : "return null;"}`);
    });
    // Expert rules that need N scores for an item are left to the runtime (their error names the count).
    const counted = rs.judged.some((j) => j.atLeast !== null);
    lines.push(
      "  if (experts === undefined) {",
      `    ${counted ? "return null;" : "return { inputs: I, grade, experts: 0, scores: $scores };"}`,
      "  }",
      "  if (!Array.isArray(experts) || experts.length > $MAX_EXPERTS) return null;",
      `  const need = experts.length * ${int(width)};`,
      "  let S = $scores;",
      "  if (fresh) S = new Float64Array(need);",
      "  else if (S.length < need) S = $scores = new Float64Array(need);",
      "  for (let e = 0; e < experts.length; e++) {",
      "    const ex = experts[e];",
      "    if (ex === null || typeof ex !== \"object\" || Array.isArray(ex)) return null;",
      "    const name = ex.name;",
      "    if (typeof name !== \"string\" || !$withinLength(name, 100)) return null;",
      "    const s = ex.scores;",
      "    if (s === null || typeof s !== \"object\" || Array.isArray(s)) return null;",
      "    if ($ownKeyCount(ex) !== 2) return null;",
      ...(rs.judged.some((j) => j.id === "__proto__") ? ["    if ($isEnumerable.call(s, \"__proto__\")) return null;"] : []),
      `    const b = e * ${int(width)};`,
      "    let v;",
      "    let d;",
    );
    // A score given as a number is scaled in place when that is exact (as $fromNumber finds it);
    // anything else (text, NaN, a number with more than 6 decimals) goes through $scoreDec.
    const scoreOf = "if (typeof v === \"number\") { d = Math.round(v * $SCALE); if (d / $SCALE !== v) d = $scoreDec(v); } else d = $scoreDec(v);";
    // Each expert's scores by walking the object's own keys and switching on each: experts
    // score different items, so their objects have many shapes, and loading all 41 ids by name
    // measured 1.5-2× slower on the expert-heavy workload (and about even on the neutral one).
    lines.push(
      `    S.fill(NaN, b, b + ${int(width)});`,
      "    for (const key in s) {",
      "      if (!$hasOwn.call(s, key)) return null;",
      "      v = s[key];",
      "      if (v === undefined) return null;",
      `      ${scoreOf}`,
      "      switch (key.charCodeAt(0)) {",
    );
    // Two levels: the id's first character (its section, usually), then the id itself.
    const groups = new Map<number, number[]>();
    rs.judged.forEach((j, k) => {
      const c = j.id.charCodeAt(0);
      groups.set(c, [...(groups.get(c) ?? []), k]);
    });
    for (const [c, ks] of groups) {
      lines.push(`        case ${int(c)}:`, "          switch (key) {");
      for (const k of ks) {
        const j = rs.judged[k]!;
        lines.push(`            case ${lit(j.id)}: if (d === null || d < 0 || d > ${int(j.max)}) return null; S[b + ${int(k)}] = d; continue;`);
      }
      lines.push("            default: return null;", "          }");
    }
    lines.push("        default: return null;", "      }", "    }", "  }");
    lines.push(
      `  ${counted ? "return null;" : "return { inputs: I, grade, experts: experts.length, scores: S };"}`,
      "}",
    );
    return lines.join("\n");
  }

  /**
   * Statements combining judged item k's scores (S, E experts, row width W) with its rule's
   * constants into `x`, and pushing its flag (unscored, or scores too far apart) onto `flags`.
   */
  private judged(k: number, itemId: string, x: string): string[] {
    const { rs, lit, int } = this;
    const j = rs.judged[k]!;
    // The combination is the runtime's $combine with this rule's constants (one call a line keeps
    // the module small: its size is most of its import → first result time).
    const round = j.round !== null && j.round > 0 ? int(j.round) : "0";
    const flagged = j.spread !== null ? `$scored === 0 || $spreadOf > ${int(j.spread)}` : "$scored === 0";
    return [
      `  let ${x} = $combine(S, end, ${int(k)}, ${int(rs.judged.length)}, ${j.trimmed}, ${round}, ${int(j.max)});`,
      `  if (${flagged}) flags.push($flagOf(${lit(itemId)}, ${int(j.spread ?? 0)}));`,
    ];
  }

  private run(): string {
    const { rs, lit, int } = this;
    const lines = [
      "function $run(p, app) {",
      "  const I = p.inputs;",
      "  const R = [];",
      "  const S = p.scores;",
      `  const end = p.experts * ${int(rs.judged.length)};`,
      "  const flags = [];",
      "  let total = 0;",
      "  let sum;",
    ];
    // The rule file's title, year and document: one shared frozen value, as amounts are.
    this.top.push(`const $RULESET_INFO = Object.freeze({ title: ${lit(rs.title)}, year: ${rs.year === null ? "null" : int(rs.year)}, document: ${rs.document === null ? "null" : lit(rs.document)} });`);
    const sectionLits: string[] = [];
    let n = 0;
    rs.sections.forEach((sec, s) => {
      const weight = this.id("$W");
      this.top.push(`const ${weight} = $amount(${int(sec.weight)});`);
      lines.push("  sum = 0;");
      const itemLits: string[] = [];
      for (const item of sec.items) {
        const x = `x${n++}`;
        const maximum = this.id("$M");
        this.top.push(`const ${maximum} = $amount(${int(item.max)});`);
        if (item.judged >= 0) lines.push(...this.judged(item.judged, item.id, x));
        else lines.push(`  let ${x} = ${item.score}(I, R);`, `  if (${x} < 0) ${x} = 0;`);
        if (item.cap !== null) lines.push(`  if (${x} > ${int(item.cap)}) ${x} = ${int(item.cap)};`);
        lines.push(`  sum += ${x};`);
        // Item entries are shared frozen values, as amounts are: one per item and points.
        const cache = this.id("$I");
        this.top.push(`const ${cache} = new Array(${int(Math.min(10_001, Math.floor(Math.max(item.max, 0) / 10_000) + 1))});`);
        itemLits.push(`$item(${cache}, ${lit(item.id)}, ${x}, ${maximum})`);
      }
      if (sec.cap !== null) lines.push(`  if (sum > ${int(sec.cap)}) sum = ${int(sec.cap)};`);
      lines.push("  total += sum;", `  const s${s} = sum;`);
      sectionLits.push(`    { id: ${lit(sec.id)}, title: ${lit(sec.title)}, points: $amount(s${s}), weight: ${weight}, items: [\n      ${itemLits.join(",\n      ")},\n    ] }`);
    });
    // A veto's entry is one of two shared frozen values.
    const vetoLits = rs.vetoes.map((v, i) => {
      const entries = this.id("$VE");
      this.top.push(`const ${entries} = [Object.freeze({ id: ${lit(v.id)}, text: ${lit(v.label)}, applies: false }), Object.freeze({ id: ${lit(v.id)}, text: ${lit(v.label)}, applies: true })];`);
      lines.push(`  const veto${i} = ${v.test}(I, R);`);
      return `${entries}[veto${i} ? 1 : 0]`;
    });
    lines.push(`  const vetoed = ${rs.vetoes.length === 0 ? "false" : rs.vetoes.map((_, i) => `veto${i}`).join(" || ")};`);
    lines.push(`  const appDate = ${rs.applicationDateIndex === null ? "undefined" : `I[${int(rs.applicationDateIndex)}]`};`);
    lines.push("  const common = [];");
    for (const c of rs.eligibility) lines.push(`  if (!${c.test}(I, R)) common.push(${lit(c.id)});`);
    lines.push("  let passMark = 0;", "  let eligible = false;");
    const eligLits = rs.grades.map((g, i) => {
      const f = `failed${i}`;
      lines.push(`  const ${f} = common.slice();`);
      for (const c of g.requirements) lines.push(`  if (!${c.test}(I, R)) ${f}.push(${lit(c.id)});`);
      if (g.window) lines.push(`  if (!(appDate !== undefined && appDate >= ${int(g.window[0])} && appDate <= ${int(g.window[1])})) ${f}.push(${lit(`${g.name}.申报期`)});`);
      return `{ grade: ${lit(g.name)}, eligible: ${f}.length === 0, failed: ${f} }`;
    });
    // The grade applied for: the first of that name (prepare checked the name).
    rs.grades.forEach((g, i) => {
      lines.push(`  ${i === 0 ? "" : "else "}if (p.grade === ${lit(g.name)}) { passMark = ${int(g.pass ?? 0)}; eligible = failed${i}.length === 0; }`);
    });
    const body = [
      "ruleset: $RULESET_INFO",
      "ID",
      "total: $amount(total)",
      `maximum: $amount(${int(rs.total)})`,
      `sections: [\n${sectionLits.join(",\n")},\n  ]`,
      `vetoes: [${vetoLits.join(", ")}]`,
      `eligibility: [${eligLits.join(", ")}]`,
      "outcome: { grade: p.grade, eligible, vetoed, score: $amount(total), passMark: $amount(passMark), passed, granted: eligible && !vetoed && passed }",
      "flags",
    ];
    const result = (withId: boolean) => `{\n    ${body.filter((b) => b !== "ID" || withId).map((b) => (b === "ID" ? "id" : b)).join(",\n    ")},\n  }`;
    lines.push(
      "  const passed = total >= passMark;",
      "  const id = app.id;",
      `  if (typeof id === "string") return ${result(true)};`,
      `  return ${result(false)};`,
      "}",
    );
    return lines.join("\n");
  }
}

/** A value spec as a JS object literal (the runtime's `ValueSpec`). */
export function specLiteral(spec: ValueSpec, lit: (v: unknown) => string, int: (n: number) => string): string {
  const parts = [`kind:${lit(spec.kind)}`, `min:${spec.min === null ? "null" : int(spec.min)}`, `max:${spec.max === null ? "null" : int(spec.max)}`];
  if (spec.members) parts.push(`members:${lit(spec.members)}`);
  if (spec.fields) {
    parts.push(`fields:[${spec.fields.map((f) => `{name:${lit(f.name)},label:${lit(f.label)},optional:${f.optional},spec:${specLiteral(f.spec, lit, int)}}`).join(",")}]`);
  }
  return `{${parts.join(",")}}`;
}
