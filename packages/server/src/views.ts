/**
 * The JSON views of a checked rule file that the routes answer with (outline, summary) and the
 * file's evaluation cost class. They are computed where the file is checked — in a worker
 * (pool.ts) — so the main thread keeps only these small views, never a large file's AST.
 */
import { decimal as D, costJson, type Model, type ParseResult } from "@jsqc/dsl";

export interface SummaryJson {
  readonly total: string | null;
  readonly weightSum: string | null;
  readonly sections: readonly { id: string; title: string; weight: string | null; reachableMin: string | null; reachableMax: string | null }[];
  /** The checker's static bound on one application's evaluation work (dsl cost.ts). */
  readonly cost: ReturnType<typeof costJson> | null;
}

/** The summary's figures as decimal strings. Never throws. */
export function summaryJson(model: Model): SummaryJson {
  const s = model.summary;
  const f = (x: number | null) => (x === null ? null : D.format(x));
  return {
    total: f(s.total),
    weightSum: f(s.weightSum),
    sections: s.sections.map((x) => ({ id: x.id, title: x.title, weight: f(x.weight), reachableMin: f(x.reachable.min), reachableMax: f(x.reachable.max) })),
    cost: costJson(s.cost),
  };
}

export type Outline = ReturnType<typeof outline>;

/** The file's header, sections with items, vetoes, grades and inputs, for `GET /api/rules/:year`. */
export function outline(parsed: ParseResult, model: Model) {
  const ast = parsed.ast;
  return {
    title: ast.header?.title.value ?? null,
    year: ast.header?.year?.value ?? null,
    document: ast.header?.document?.value ?? null,
    sections: ast.declarations.flatMap((d) =>
      d.type === "Section"
        ? [{ id: d.id.value, title: d.title.value, weight: d.weight?.value ?? null, line: d.span.start.line,
             items: d.items.map((i) => ({ id: i.id, number: i.number.text, text: i.text.value, points: i.points?.value ?? null, form: i.form.type, line: i.span.start.line })) }]
        : []),
    vetoes: ast.declarations.flatMap((d) => (d.type === "VetoGroup" ? d.vetoes.map((v) => ({ id: v.id, text: v.text.value, line: v.span.start.line })) : [])),
    grades: ast.declarations.flatMap((d) =>
      d.type === "Grade" ? [{ name: d.name.value, label: d.label?.value ?? null, pass: d.pass?.value ?? null, quota: d.quota?.value ?? null, windowFrom: d.windowFrom?.value ?? null, windowTo: d.windowTo?.value ?? null }] : []),
    inputs: [...model.symbols.values()].flatMap((s) => (s.kind === "input" ? [{ name: s.name, label: s.decl.label?.value ?? s.name, type: s.type }] : [])),
  };
}

/** What decides whether evaluations of a file may run on the main thread (see `inlineEvaluation`). */
export interface Cost {
  /** AST nodes of the file (a measure of its size in tokens, not characters). */
  readonly nodes: number;
  /** List quantifiers (`count/any/all/sum(L where …)`, `sum over L`) in the file. */
  readonly quantifiers: number;
  /** Deepest nesting of list quantifiers: 2 means work that grows with the product of two lists. */
  readonly nesting: number;
  /** The checker's static bound on one evaluation's steps (dsl cost.ts; the 2024 file: about 34,000). */
  readonly steps: number;
}

const LIST_WALK = new Set(["Quantifier", "Cumulative"]);

/** Counts the AST's nodes and list quantifiers, and their deepest nesting. Iterative: never overflows. */
export function costOf(parsed: ParseResult, steps: number): Cost {
  let nodes = 0;
  let quantifiers = 0;
  let nesting = 0;
  const stack: { v: unknown; depth: number }[] = [{ v: parsed.ast, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push({ v: x, depth });
      continue;
    }
    const node = v as Record<string, unknown>;
    let d = depth;
    if (typeof node["type"] === "string") {
      nodes++;
      if (LIST_WALK.has(node["type"])) {
        quantifiers++;
        d = depth + 1;
        if (d > nesting) nesting = d;
      }
    }
    for (const key in node) if (key !== "span") stack.push({ v: node[key], depth: d });
  }
  return { nodes, quantifiers, nesting, steps };
}

/**
 * The ruleset-level budget under which a file is compiled, and its evaluations run, on the main
 * thread (about 0.1 ms each for the 2024 file) instead of paying a worker round-trip. Two bounds:
 * the checker's static bound on one evaluation's steps (dsl cost.ts: the 2024 file is about
 * 34,000; this allows some six times that, a fraction of a millisecond), and the file's size in
 * AST nodes, since compiling happens here too (the 2024 file is 313 nodes and compiles in a few
 * ms; 2,000 nodes stay well under 100 ms). Any other file is compiled and evaluated in the pool,
 * under the hard time limit.
 */
export const INLINE_BUDGET = { nodes: 2_000, steps: 200_000 } as const;

/** Whether a file of this cost is evaluated on the main thread. */
export function inlineEvaluation(cost: Cost): boolean {
  return cost.nodes <= INLINE_BUDGET.nodes && cost.steps <= INLINE_BUDGET.steps;
}
