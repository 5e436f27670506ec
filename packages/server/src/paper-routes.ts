/**
 * The paperwork over HTTP (docs/paperwork.md): 附件1, the application workbook, an expert's score
 * sheet and an enterprise's report, each as a download. Registered with one line in app.ts; the
 * documents are made by @jsqc/paper from the year's compiled rule file; a report's evaluation runs
 * where /evaluate runs it (in the worker pool, under its time limit, for a file that may be expensive).
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { compile, evaluate, type EvaluationResult, type Ruleset } from "@jsqc/engine";
import { annex1, annex1Docx, annex1Html, annex1Markdown, applicationTemplate, reportDocx, reportHtml, scoreSheet, subjectOf } from "@jsqc/paper";
import type { RuleStore } from "./store.js";
import { apiError, diagnosticJson } from "./json.js";
import type { WorkPool } from "./pool.js";
import { DEFAULT_MAX_ERRORS, poolFailure } from "./evaluation.js";
import type { Outcome } from "./worker.js";

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const MAX_SHEET_ENTERPRISES = 2000;

/** Sends bytes or text as a download named `name` (UTF-8 file name per RFC 6266/5987). */
function download(reply: FastifyReply, name: string, type: string, body: Uint8Array | string): FastifyReply {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/"/g, "");
  return reply
    .header("content-type", type)
    .header("content-disposition", `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`)
    .send(typeof body === "string" ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

const compiledHere = new WeakMap<object, Ruleset>();

/** Registers the paperwork routes under /api/rules/:year/. */
export function registerPaper(app: FastifyInstance, store: RuleStore, pool: WorkPool): void {
  const rulesetOf = (year: string, reply: FastifyReply): Ruleset | null => {
    const entry = store.get(year);
    if (!entry) {
      reply.status(404).send(apiError("unknown_year", `没有 ${year.slice(0, 20)} 年度的规则文件`, `no rule file for year ${year.slice(0, 20)}`, { years: store.years() }));
      return null;
    }
    const good = entry.good;
    if (!good) {
      reply.status(409).send(apiError("rules_have_errors", `${entry.year} 年度规则文件有错误，无法生成`, `the ${entry.year} rule file has errors`, { diagnostics: entry.diagnostics.filter((d) => d.severity === "error").map(diagnosticJson) }));
      return null;
    }
    // The store compiles small files on this thread; a file it evaluates in the pool is compiled
    // here once, for the documents (it has passed the checker, cost model included).
    let rs = good.ruleset ?? compiledHere.get(good) ?? null;
    if (!rs) {
      const c = compile(good.source, `${entry.year}.rules`);
      if (!c.ok) {
        reply.status(409).send(apiError("rules_have_errors", `${entry.year} 年度规则文件有错误，无法生成`, `the ${entry.year} rule file has errors`, { diagnostics: c.diagnostics.filter((d) => d.severity === "error").map(diagnosticJson) }));
        return null;
      }
      rs = c.ruleset;
      compiledHere.set(good, rs);
    }
    return rs;
  };

  app.get<{ Params: { year: string }; Querystring: { format?: string; force?: string } }>("/api/rules/:year/annex1", async (req, reply) => {
    const format = req.query.format ?? "docx";
    if (!["docx", "html", "md"].includes(format)) return reply.status(400).send(apiError("bad_format", "format 只能是 docx、html 或 md", "format must be docx, html or md"));
    const rs = rulesetOf(req.params.year, reply);
    if (!rs) return reply;
    const a = annex1(rs);
    if (a.mismatches.length > 0 && req.query.force !== "true") {
      return reply.status(409).send(apiError("figures_disagree", `${a.mismatches.length} 项印刷分值与规则不符`, `${a.mismatches.length} item(s) print figures that disagree with the rule`, { mismatches: a.mismatches }));
    }
    const name = `${req.params.year}-附件1.${format}`;
    if (format === "docx") return download(reply, name, DOCX, await annex1Docx(a));
    if (format === "html") return download(reply, name, "text/html; charset=utf-8", annex1Html(a));
    return download(reply, name, "text/markdown; charset=utf-8", annex1Markdown(a));
  });

  app.get<{ Params: { year: string } }>("/api/rules/:year/template", async (req, reply) => {
    const rs = rulesetOf(req.params.year, reply);
    if (!rs) return reply;
    return download(reply, `${req.params.year}-申报表.xlsx`, XLSX, await applicationTemplate(rs));
  });

  app.post<{ Params: { year: string }; Querystring: { expert?: string } }>("/api/rules/:year/score-sheet", async (req, reply) => {
    const expert = (req.query.expert ?? "").trim();
    if (!expert || expert.length > 50 || /[\\/:*?"<>|\x00-\x1f]/.test(expert)) {
      return reply.status(400).send(apiError("bad_expert", "expert 应为专家姓名（不超过 50 字，不含 \\ / : * ? \" < > |）", "expert must be a name of at most 50 characters without \\ / : * ? \" < > |"));
    }
    const rs = rulesetOf(req.params.year, reply);
    if (!rs) return reply;
    const body = req.body as { applications?: unknown } | null;
    const apps = body && typeof body === "object" && Array.isArray(body.applications) ? body.applications : null;
    if (!apps || apps.length === 0 || apps.length > MAX_SHEET_ENTERPRISES) {
      return reply.status(422).send(apiError("invalid_sheet_request", `请求体应为 { applications: [...] }，1 至 ${MAX_SHEET_ENTERPRISES} 份申请`, `the body must be { applications: [...] } with 1 to ${MAX_SHEET_ENTERPRISES} applications`));
    }
    const enterprises = apps.map((app, i) => {
      const a = (app ?? {}) as { enterprise?: { name?: unknown; creditCode?: unknown }; grade?: unknown };
      return {
        creditCode: typeof a.enterprise?.creditCode === "string" ? a.enterprise.creditCode : `#${i + 1}`,
        name: typeof a.enterprise?.name === "string" ? a.enterprise.name : "",
        grade: typeof a.grade === "string" ? a.grade : "",
      };
    });
    return download(reply, `评分表-${expert}.xlsx`, XLSX, await scoreSheet(rs, expert, enterprises));
  });

  app.post<{ Params: { year: string }; Querystring: { format?: string } }>("/api/rules/:year/report", async (req, reply) => {
    const format = req.query.format ?? "docx";
    if (format !== "docx" && format !== "html") return reply.status(400).send(apiError("bad_format", "format 只能是 docx 或 html", "format must be docx or html"));
    const rs = rulesetOf(req.params.year, reply);
    if (!rs) return reply;
    // The evaluation runs where /evaluate runs it: here for a file under the inline budget, in the
    // pool under the hard time limit for one that may be expensive — never on this thread.
    const good = store.get(req.params.year)!.good!;
    let outcome: Outcome;
    if (good.ruleset) {
      const r = evaluate(rs, req.body, { trace: true });
      outcome = r.ok ? { index: 0, ok: true, result: r.result } : { index: 0, ok: false, errors: r.errors };
    } else {
      try {
        outcome = (await pool.evaluate({ source: good.source, etag: good.etag, name: `${req.params.year}.rules`, applications: [req.body], first: 0, trace: true, maxErrors: DEFAULT_MAX_ERRORS }))[0]!;
      } catch (err) {
        const f = poolFailure(err, "evaluation");
        return reply.status(f.status).send(f.body);
      }
    }
    if (!outcome.ok) {
      const { errors, errorsOmitted } = outcome;
      return reply.status(422).send(apiError("invalid_application", "申请数据有误", "invalid application", { errors, ...(errorsOmitted ? { errorsOmitted } : {}) }));
    }
    const who = subjectOf(req.body, rs.applicationDateIndex === null ? null : rs.inputs[rs.applicationDateIndex]!.name);
    const name = `${who.creditCode ?? "报告"}-${who.name}.${format}`;
    if (format === "docx") return download(reply, name, DOCX, await reportDocx(outcome.result as EvaluationResult, who));
    return download(reply, name, "text/html; charset=utf-8", reportHtml(outcome.result as EvaluationResult, who));
  });
}
