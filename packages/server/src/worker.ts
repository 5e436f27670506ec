/**
 * The work that may be expensive, run in a worker thread of the pool (pool.ts): checking a rule
 * text, analysing a rule file for the store, and evaluating or validating applications. Each
 * task's answer is plain data (structured-clone), never an AST or a compiled ruleset, so the
 * main thread's cost of receiving it is small. Compiled rulesets are kept here, by ETag, so a
 * batch's chunks compile once per worker.
 */
import { parentPort, threadId } from "node:worker_threads";
import { parse, check, hasErrors, type Diagnostic } from "@jsqc/dsl";
import { compile, evaluate, validate, applicationJsonSchema, type Ruleset } from "@jsqc/engine";
import { LOADED } from "./loaded.js";
import { outline, summaryJson, costOf, type Cost, type Outline, type SummaryJson } from "./views.js";

/** A rule file checked: what the store and the routes need of it. */
export interface Analysis {
  readonly diagnostics: readonly Diagnostic[];
  readonly errors: boolean;
  readonly outline: Outline;
  readonly summary: SummaryJson;
  readonly cost: Cost;
  /** The application's JSON Schema when the file compiles, else null. */
  readonly schema: Record<string, unknown> | null;
}

/** One application's outcome, as the batch route answers it. */
export type Outcome =
  | { readonly index: number; readonly ok: true; readonly result: unknown }
  | { readonly index: number; readonly ok: false; readonly errors: readonly unknown[]; readonly errorsOmitted?: number };

export type Task =
  /** Answers once the worker has loaded the parser and the engine (the pool waits for it). */
  | { readonly kind: "ping" }
  | { readonly kind: "analyse"; readonly source: string; readonly name: string }
  | {
      readonly kind: "evaluate";
      readonly source: string;
      readonly etag: string;
      readonly name: string;
      readonly applications: readonly unknown[];
      /** Index of the first application in the whole request (for a batch's chunks). */
      readonly first: number;
      readonly trace: boolean;
      /** Errors kept per application; the rest are counted in `errorsOmitted`. */
      readonly maxErrors: number;
    }
  | { readonly kind: "validate"; readonly source: string; readonly etag: string; readonly name: string; readonly application: unknown; readonly maxErrors: number };

/** Analyses a rule text: parse, check, and compile when it has no errors. Never throws. */
export function analyse(source: string, name: string): Analysis & { ruleset: Ruleset | null } {
  const parsed = parse(source);
  const checked = check(parsed);
  const errors = hasErrors(checked.diagnostics);
  let ruleset: Ruleset | null = null;
  if (!errors) {
    const compiled = compile(source, name, { parse: parsed, diagnostics: checked.diagnostics, model: checked.model });
    if (compiled.ok) ruleset = compiled.ruleset;
  }
  return {
    diagnostics: checked.diagnostics, errors, outline: outline(parsed, checked.model), summary: summaryJson(checked.model),
    cost: costOf(parsed, checked.model.summary.cost.steps), schema: ruleset ? applicationJsonSchema(ruleset) : null, ruleset,
  };
}

/** Keeps at most `max` errors, counting the rest. */
export function capErrors<T>(errors: readonly T[], max: number): { errors: readonly T[]; errorsOmitted?: number } {
  return errors.length > max ? { errors: errors.slice(0, max), errorsOmitted: errors.length - max } : { errors };
}

/** Evaluates applications; `first` numbers them within the whole batch. Never throws. */
export function evaluateAll(rs: Ruleset, applications: readonly unknown[], first: number, trace: boolean, maxErrors: number): Outcome[] {
  return applications.map((a, i) => {
    const r = evaluate(rs, a, { trace });
    return r.ok ? { index: first + i, ok: true as const, result: r.result } : { index: first + i, ok: false as const, ...capErrors(r.errors, maxErrors) };
  });
}

const compiled = new Map<string, Ruleset>();
function rulesetOf(source: string, etag: string, name: string): Ruleset {
  let rs = compiled.get(etag);
  if (!rs) {
    const c = compile(source, name);
    if (!c.ok) throw new Error(`${name} does not compile`);
    rs = c.ruleset;
    compiled.set(etag, rs);
    if (compiled.size > 4) compiled.delete(compiled.keys().next().value!);
  }
  return rs;
}

/** The worker's entry point (piscina calls the default export with the task). */
export default function run(task: Task): unknown {
  switch (task.kind) {
    case "ping":
      return true;
    case "analyse": {
      const { ruleset: _dropped, ...rest } = analyse(task.source, task.name);
      return rest;
    }
    case "evaluate":
      return evaluateAll(rulesetOf(task.source, task.etag, task.name), task.applications, task.first, task.trace, task.maxErrors);
    case "validate": {
      const errors = validate(rulesetOf(task.source, task.etag, task.name), task.application);
      return errors === null ? null : capErrors(errors, task.maxErrors);
    }
  }
}

// Told to the pool once this module (and so every module of the worker) is loaded: a thread is
// never terminated (at a time limit, or when the pool closes) while Node is still instantiating
// its modules, which Node 20 survives only sometimes ("FATAL ERROR: v8::Module::IsGraphAsync must
// be used on an instantiated module" ends the whole process). See pool.ts.
parentPort?.postMessage({ [LOADED]: threadId });
