/**
 * What must hold of every evaluation the fuzz suites make: a valid application always gives a
 * result within the bounds the rule file declares and the checker proved; an invalid one always
 * gives errors; neither throws. Plain errors (no `expect`): these run hundreds of thousands of
 * times in the long run.
 */
import { decimal as D } from "@jsqc/dsl";
import { evaluate, validate, type Ruleset, type Evaluation, type EvaluationResult, type Amount } from "../../src/index.js";

function fail(what: string, app: unknown): never {
  throw new Error(`${what}\napplication: ${JSON.stringify(app)?.slice(0, 2000)}`);
}

/** The Dec of an amount; asserts the text is exact decimal text and the number is its nearest double. */
function dec(a: Amount, what: string, app: unknown): D.Dec {
  const d = D.parseDec(a.decimal);
  if (d === null || D.format(d) !== a.decimal) fail(`${what}: ${JSON.stringify(a.decimal)} is not a canonical decimal`, app);
  if (a.number !== Number(a.decimal)) fail(`${what}: number ${a.number} is not ${a.decimal}`, app);
  return d;
}

/** Evaluates without letting an exception through as anything but a failure naming the input. */
export function evaluateSafely(rs: Ruleset, app: unknown, trace = true): Evaluation {
  try {
    return evaluate(rs, app, { trace });
  } catch (err) {
    fail(`evaluate threw ${(err as Error)?.stack ?? String(err)}`, app);
  }
}

/** A valid application: a result, every figure within its bounds, the outcome consistent. */
export function checkValid(rs: Ruleset, app: unknown): EvaluationResult {
  const r = evaluateSafely(rs, app);
  if (!r.ok) fail(`a valid application was refused: ${JSON.stringify(r.errors).slice(0, 1000)}`, app);
  const res = r.result;
  let total = 0;
  if (res.sections.length !== rs.sections.length) fail("sections missing from the result", app);
  res.sections.forEach((s, k) => {
    const sec = rs.sections[k]!;
    let sum = 0;
    s.items.forEach((it, j) => {
      const item = sec.items[j]!;
      const pts = dec(it.points, `${it.id} points`, app);
      const max = dec(it.maximum, `${it.id} maximum`, app);
      const proved = rs.model.items.get(item.id)?.bounds.max ?? Infinity;
      if (pts < 0) fail(`${it.id}: ${it.points.decimal} below zero`, app);
      if (pts > max) fail(`${it.id}: ${it.points.decimal} above its maximum ${it.maximum.decimal}`, app);
      if (pts > proved) fail(`${it.id}: ${it.points.decimal} above what the checker proved (${D.format(proved)})`, app);
      if (item.cap !== null && pts > item.cap) fail(`${it.id}: ${it.points.decimal} above its cap ${D.format(item.cap)}`, app);
      sum += pts;
    });
    const points = dec(s.points, `${s.id} points`, app);
    const expected = sec.cap !== null && sum > sec.cap ? sec.cap : sum;
    if (points !== expected) fail(`section ${s.id}: ${s.points.decimal}, but its items add up to ${D.format(sum)}${sec.cap !== null ? ` (cap ${D.format(sec.cap)})` : ""}`, app);
    if (points > dec(s.weight, `${s.id} weight`, app)) fail(`section ${s.id}: ${s.points.decimal} above its weight ${s.weight.decimal}`, app);
    total += points;
  });
  const t = dec(res.total, "total", app);
  if (t !== total) fail(`total ${res.total.decimal}, but the sections add up to ${D.format(total)}`, app);
  if (t > rs.total) fail(`total ${res.total.decimal} above the rule file's total ${D.format(rs.total)}`, app);
  if (t > rs.model.summary.reachable.max) fail(`total ${res.total.decimal} above the reachable ${D.format(rs.model.summary.reachable.max)}`, app);
  const o = res.outcome;
  if (dec(o.score, "score", app) !== t) fail("outcome.score is not the total", app);
  if (o.passed !== t >= dec(o.passMark, "pass mark", app)) fail("outcome.passed disagrees with the score and pass mark", app);
  if (o.vetoed !== res.vetoes.some((v) => v.applies)) fail("outcome.vetoed disagrees with the vetoes", app);
  const elig = res.eligibility.find((e) => e.grade === o.grade);
  if (!elig || o.eligible !== elig.eligible || elig.eligible !== (elig.failed.length === 0)) fail("eligibility disagrees", app);
  if (o.granted !== (o.eligible && !o.vetoed && o.passed)) fail("outcome.granted disagrees", app);
  // The lean result (no trace) has the same figures.
  const lean = evaluateSafely(rs, app, false);
  if (!lean.ok) fail("refused without the trace", app);
  if (lean.result.total.decimal !== res.total.decimal || JSON.stringify(lean.result.outcome) !== JSON.stringify(o)) fail("the lean result differs", app);
  return res;
}

/** An invalid application: errors, each with a path, a label and both messages; `validate` agrees. */
export function checkInvalid(rs: Ruleset, app: unknown): void {
  const r = evaluateSafely(rs, app);
  if (r.ok) fail("an invalid application was accepted", app);
  if (r.errors.length === 0) fail("refused without an error", app);
  for (const e of r.errors) {
    if (!e.path || !e.label || !e.message || !e.messageEn) fail(`an error without path, label or message: ${JSON.stringify(e)}`, app);
  }
  const v = validate(rs, app);
  if (v === null || v.length === 0) fail("validate accepts what evaluate refused", app);
}

/** The fast path and the zod contract agree on every application. */
export function checkContract(rs: Ruleset, app: unknown): void {
  const fast = validate(rs, app) === null;
  const zod = rs.schema.safeParse(app).success;
  if (fast !== zod) fail(`the fast path says ${fast ? "valid" : "invalid"}, the zod contract ${zod ? "valid" : "invalid"}`, app);
}
