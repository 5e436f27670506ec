/**
 * The routes that evaluate, validate and check: `/api/rules/:year/evaluate`, `/evaluate-batch`,
 * `/validate` and `/api/check`. What may be expensive runs in the worker pool (pool.ts) under a
 * hard time limit, so one request never stalls the others; evaluations of a file under the
 * inline budget (views.ts) run here, because a worker round-trip would cost more than they do.
 *
 * A batch's answer is streamed, a chunk of applications at a time with backpressure: JSON by
 * default (the same document as before, `count` and `failed` after `results`), or NDJSON — one
 * outcome per line, then a summary line — when the request accepts `application/x-ndjson`.
 * Errors are capped per application (`errorsOmitted` counts the rest).
 */
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply } from "fastify";
import { validate } from "@jsqc/engine";
import { apiError, diagnosticJson } from "./json.js";
import { PoolError, type WorkPool } from "./pool.js";
import type { GoodVersion, RuleEntry, RuleStore } from "./store.js";
import { capErrors, evaluateAll, type Outcome } from "./worker.js";

export interface EvaluationOptions {
  readonly batchBodyLimit: number;
  readonly maxBatch: number;
  /** Errors answered per application; the rest are counted (default 20). */
  readonly maxErrors: number;
  /** The most applications per pool task of a batch (default 64); each task is under the time limit. */
  readonly chunk: number;
  /** Batches up to this many applications of an inline file are evaluated here (default 16). */
  readonly inlineBatch: number;
}

export const DEFAULT_MAX_ERRORS = 20;
/** The most applications one pool task of a batch evaluates. */
export const DEFAULT_BATCH_CHUNK = 64;

/** The error envelope for a pool task that did not finish, with its HTTP status. */
export function poolFailure(err: unknown, what: "evaluation" | "check"): { status: number; body: ReturnType<typeof apiError> } {
  if (!(err instanceof PoolError)) throw err;
  const zh = what === "evaluation" ? "评分" : "检查";
  if (err.reason === "timeout") {
    return { status: 504, body: apiError(`${what}_timeout`, `${zh}超时（上限 ${err.limitMs} 毫秒），已中止`, `the ${what} took longer than the limit (${err.limitMs} ms) and was stopped`, { limitMs: err.limitMs }) };
  }
  if (err.reason === "busy") return { status: 503, body: apiError("busy", "服务器繁忙，请稍后再试", "the server is busy; try again later") };
  if (err.reason === "memory") return { status: 503, body: apiError(`${what}_failed`, `${zh}所需内存超出上限，已中止`, `the ${what} needed more memory than the limit and was stopped`) };
  return { status: 503, body: apiError(`${what}_failed`, `${zh}失败`, `the ${what} failed`) };
}

type Year = { Params: { year: string }; Querystring: { trace?: string } };

/** Adds the evaluation and check routes. */
export function registerEvaluation(app: FastifyInstance, store: RuleStore, pool: WorkPool, options: EvaluationOptions): void {
  const entryOr404 = (year: string, reply: FastifyReply): RuleEntry | null => {
    const entry = store.get(year);
    if (!entry) {
      reply.status(404).send(apiError("unknown_year", `没有 ${year.slice(0, 20)} 年度的规则文件`, `no rule file for year ${year.slice(0, 20)}`, { years: store.years() }));
      return null;
    }
    return entry;
  };
  const goodOr409 = (year: string, reply: FastifyReply): GoodVersion | null => {
    const entry = entryOr404(year, reply);
    if (!entry) return null;
    if (!entry.good) {
      reply.status(409).send(apiError("rules_have_errors", `${entry.year} 年度规则文件有错误，无法评分`, `the ${entry.year} rule file has errors`, { diagnostics: entry.diagnostics.filter((d) => d.severity === "error").map(diagnosticJson) }));
      return null;
    }
    return entry.good;
  };
  const name = (year: string) => `${year}.rules`;
  const fail = (reply: FastifyReply, err: unknown) => {
    const f = poolFailure(err, "evaluation");
    return reply.status(f.status).send(f.body);
  };

  app.post<Year>("/api/rules/:year/evaluate", async (req, reply) => {
    const good = goodOr409(req.params.year, reply);
    if (!good) return reply;
    const trace = req.query.trace !== "false";
    let outcome: Outcome;
    if (good.ruleset) {
      outcome = evaluateAll(good.ruleset, [req.body], 0, trace, options.maxErrors)[0]!;
    } else {
      try {
        outcome = (await pool.evaluate({ source: good.source, etag: good.etag, name: name(req.params.year), applications: [req.body], first: 0, trace, maxErrors: options.maxErrors }))[0]!;
      } catch (err) {
        return fail(reply, err);
      }
    }
    if (!outcome.ok) {
      const { errors, errorsOmitted } = outcome;
      return reply.status(422).send(apiError("invalid_application", "申请数据有误", "invalid application", { errors, ...(errorsOmitted ? { errorsOmitted } : {}) }));
    }
    return outcome.result;
  });

  app.post<Year>("/api/rules/:year/evaluate-batch", { bodyLimit: options.batchBodyLimit }, async (req, reply) => {
    const good = goodOr409(req.params.year, reply);
    if (!good) return reply;
    const body = req.body as { applications?: unknown } | null;
    const apps = body && typeof body === "object" && !Array.isArray(body) ? body.applications : Array.isArray(body) ? body : undefined;
    if (!Array.isArray(apps)) return reply.status(422).send(apiError("invalid_batch", "请求体应为 { applications: [...] }", "the body must be { applications: [...] }"));
    if (apps.length > options.maxBatch) return reply.status(413).send(apiError("batch_too_large", `一批最多 ${options.maxBatch} 份申请`, `at most ${options.maxBatch} applications per batch`, { limit: options.maxBatch }));
    const list: readonly unknown[] = apps;
    const version: GoodVersion = good;
    const trace = req.query.trace !== "false";
    const year = req.params.year;
    const ndjson = /application\/x-ndjson/i.test(String(req.headers.accept ?? ""));

    // Each chunk's outcomes. Chunks start at one application and double (up to options.chunk)
    // while a chunk takes under an eighth of the time limit, so the limit stays a limit per
    // evaluation. A chunk that fails is retried one application at a time; the first single
    // application that fails (over the time limit, or the memory limit) ends the batch: the rest
    // are answered `batch_stopped`.
    async function* outcomes(): AsyncGenerator<Outcome[]> {
      if (version.ruleset && list.length <= options.inlineBatch) {
        yield evaluateAll(version.ruleset, list, 0, trace, options.maxErrors);
        return;
      }
      let size = 1;
      let singlyUntil = 0;
      for (let first = 0; first < list.length;) {
        const part = list.slice(first, first + size);
        const t0 = performance.now();
        try {
          yield await pool.evaluate({ source: version.source, etag: version.etag, name: name(year), applications: part, first, trace, maxErrors: options.maxErrors });
          first += part.length;
          if (first >= singlyUntil && performance.now() - t0 < pool.evaluationTimeoutMs / 8) size = Math.min(size * 2, options.chunk);
        } catch (err) {
          const { body: failure } = poolFailure(err, "evaluation");
          if (part.length > 1 && failure.error.code !== "busy") {
            singlyUntil = first + part.length;
            size = 1;
            continue;
          }
          yield part.map((_, k) => ({ index: first + k, ok: false as const, errors: [failure.error] }));
          const stopped = apiError("batch_stopped", "此前一份申请未能评分，本批其余申请未评分", "not evaluated: the batch stopped at an earlier application that could not be evaluated").error;
          for (let i = first + part.length; i < list.length; i += options.chunk) {
            yield Array.from({ length: Math.min(options.chunk, list.length - i) }, (_, k) => ({ index: i + k, ok: false as const, errors: [stopped] }));
          }
          return;
        }
      }
    }

    async function* text(): AsyncGenerator<string> {
      let count = 0;
      let failed = 0;
      let first = true;
      if (!ndjson) yield `{"year":${JSON.stringify(year)},"results":[`;
      for await (const chunk of outcomes()) {
        let out = "";
        for (const o of chunk) {
          count++;
          if (!o.ok) failed++;
          out += ndjson ? `${JSON.stringify(o)}\n` : `${first ? "" : ","}${JSON.stringify(o)}`;
          first = false;
        }
        yield out;
      }
      yield ndjson ? `${JSON.stringify({ year, count, failed })}\n` : `],"count":${count},"failed":${failed}}`;
    }
    reply.type(ndjson ? "application/x-ndjson; charset=utf-8" : "application/json; charset=utf-8");
    return reply.send(Readable.from(text(), { objectMode: false }));
  });

  app.post<Year>("/api/rules/:year/validate", async (req, reply) => {
    const good = goodOr409(req.params.year, reply);
    if (!good) return reply;
    if (good.ruleset) {
      const errors = validate(good.ruleset, req.body);
      return errors === null ? { ok: true, errors: [] } : { ok: false, ...capErrors(errors, options.maxErrors) };
    }
    try {
      const r = await pool.validate({ source: good.source, etag: good.etag, name: name(req.params.year), application: req.body, maxErrors: options.maxErrors });
      return r === null ? { ok: true, errors: [] } : { ok: false, ...r };
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.post("/api/check", async (req, reply) => {
    const body = req.body;
    const source = typeof body === "string" ? body : body && typeof body === "object" && typeof (body as { source?: unknown }).source === "string" ? (body as { source: string }).source : null;
    if (source === null) return reply.status(422).send(apiError("invalid_check", "请求体应为规则文本（text/plain）或 { source }", "the body must be rule text (text/plain) or { source }"));
    const checked = await store.analyse(source, "check.rules");
    return { diagnostics: checked.diagnostics.map(diagnosticJson), summary: checked.summary };
  });
}
