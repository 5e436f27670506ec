/**
 * 复核与发布: the revision of a new year's file before it is published — the review list (every
 * note, assumption and item text that may no longer match, each ticked off or fixed), the year's
 * rule tests run in the browser with their results (a changed result accepted case by case), and
 * publishing a draft over the official file, only with 0 errors and every test passing, with the
 * official file's ETag (If-Match) as every save.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import { parse } from "@jsqc/dsl";
import { applyOverrides, runCase, type CaseResult, type Expectation, type Ruleset } from "@jsqc/engine";
import { api, HttpError, type TestCase } from "../api.js";
import type { Lang } from "../i18n.js";
import { reviewEntries, reviewState, type ReviewEntry } from "./review.js";
import { acceptedExpectation } from "./accept.js";

interface Props {
  readonly name: string;
  readonly text: string;
  readonly ruleset: Ruleset | null;
  readonly errors: number;
  readonly dirty: boolean;
  readonly lang: Lang;
  readonly onReveal: (line: number, column: number) => void;
  readonly onPublished: (name: string) => void;
  readonly onClose: () => void;
}

const KIND: Record<ReviewEntry["kind"], { zh: string; en: string }> = {
  note: { zh: "注", en: "note" },
  assumption: { zh: "假设", en: "assumption" },
  item: { zh: "评分项原文", en: "item text" },
  veto: { zh: "否决项原文", en: "veto text" },
  requirement: { zh: "条件原文", en: "requirement text" },
};

function load<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

export function Revision({ name, text, ruleset, errors, dirty, lang, onReveal, onPublished, onClose }: Props) {
  const zh = lang === "zh";
  const year = name.slice(0, 4);
  const entries = useMemo(() => reviewEntries(parse(text).ast), [text]);
  // The texts when the list was first made (fixed = changed since), and the ticked entries.
  const baseKey = `jsqc:review-base:${year}`;
  const tickKey = `jsqc:review-ticks:${year}`;
  const [baseline] = useState<Record<string, string>>(() => {
    const kept = load<Record<string, string> | null>(baseKey, null);
    if (kept) return kept;
    const made = Object.fromEntries(entries.map((e) => [e.key, e.text]));
    localStorage.setItem(baseKey, JSON.stringify(made));
    return made;
  });
  const [ticked, setTicked] = useState<Set<string>>(() => new Set(load<string[]>(tickKey, [])));
  const tick = (e: ReviewEntry, on: boolean) => {
    const next = new Set(ticked);
    const k = `${e.key}\u0000${e.text}`;
    if (on) next.add(k); else next.delete(k);
    setTicked(next);
    localStorage.setItem(tickKey, JSON.stringify([...next]));
  };
  const states = entries.map((e) => reviewState(e, baseline, ticked));
  const open = states.filter((s) => s === "open").length;

  const [cases, setCases] = useState<TestCase[] | null>(null);
  const [status, setStatus] = useState("");
  const reload = useCallback(async () => {
    try {
      setCases((await api.tests(name)).cases);
    } catch (err) {
      setStatus(err instanceof HttpError ? (zh ? err.body.message : err.body.messageEn) : String(err));
    }
  }, [name, zh]);
  useEffect(() => { void reload(); }, [reload]);
  const results: CaseResult[] | null = useMemo(() => {
    if (!cases || !ruleset) return null;
    return cases.map((c) => runCase(ruleset, { name: c.name, file: c.file, expect: c.expect as Expectation, application: applyOverrides(c.application, { grade: c.grade, inputs: c.inputs, experts: c.experts }) }));
  }, [cases, ruleset]);
  const failed = results?.filter((r) => !r.passed).length ?? 0;
  const isDraft = name.includes(".draft.");
  const official = `${year}.rules`;
  const canPublish = isDraft && !dirty && errors === 0 && results !== null && failed === 0;

  const accept = async (c: TestCase, r: CaseResult) => {
    if (!r.result) return;
    try {
      await api.acceptTest(name, c.file, c.index, acceptedExpectation(c.expect as Expectation, r.result));
      await reload();
    } catch (err) {
      setStatus(err instanceof HttpError ? (zh ? err.body.message : err.body.messageEn) : String(err));
    }
  };

  const publish = async () => {
    setStatus(zh ? "正在发布…" : "publishing…");
    try {
      const current = await api.file(official).catch((err: unknown) => (err instanceof HttpError && err.status === 404 ? null : Promise.reject(err)));
      await api.save(official, text, current?.etag ?? null);
      setStatus(zh ? `已发布为 ${official}` : `published as ${official}`);
      onPublished(official);
    } catch (err) {
      setStatus(err instanceof HttpError ? (zh ? err.body.message : err.body.messageEn) : String(err));
    }
  };

  const reveal = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    onReveal(line, offset - before.lastIndexOf("\n"));
  };

  return (
    <div className="revision" data-testid="revision">
      <div className="revision-bar">
        <b>{zh ? "复核与发布" : "Review and publish"} {name}</b>
        <button type="button" data-testid="revision-close" onClick={onClose}>{zh ? "关闭" : "Close"}</button>
      </div>
      <h4 data-testid="review-summary">{zh ? `复核清单：${entries.length} 条，待复核 ${open} 条` : `Review list: ${entries.length}, ${open} open`}</h4>
      <ul className="review-list">
        {entries.map((e, i) => (
          <li key={e.key} className={`review-${states[i]}`} data-testid={`review-${e.key}`}>
            <label className="nowrap">
              <input type="checkbox" data-testid={`review-tick-${e.key}`} checked={states[i] !== "open"} disabled={states[i] === "fixed"} onChange={(ev) => tick(e, ev.target.checked)} />
              {states[i] === "fixed" ? (zh ? "已修改" : "fixed") : states[i] === "ticked" ? (zh ? "已核对" : "checked") : (zh ? "待复核" : "open")}
            </label>
            <span className={`review-kind ${e.kind}`}>{KIND[e.kind][lang]}</span>
            <button type="button" className="link" onClick={() => reveal(e.offset)}>{e.place}</button>
            <span className="review-text">{e.text}</span>
          </li>
        ))}
      </ul>
      <h4 data-testid="tests-summary">
        {results === null ? (zh ? "规则测试：读取中…" : "Rule tests: loading…") : zh ? `规则测试：${results.length - failed} 通过，${failed} 未通过` : `Rule tests: ${results.length - failed} passed, ${failed} failed`}
      </h4>
      <ul className="test-list">
        {results?.map((r, i) => {
          const c = cases![i]!;
          return (
            <li key={`${c.file}#${c.index}`} className={r.passed ? "ok" : "bad"} data-testid={`test-${i}`}>
              {r.passed ? "✓" : "✗"} {r.case.name}
              {!r.passed && (
                <>
                  <ul>{r.differences.map((d) => <li key={d.path}><code>{d.path}</code> {zh ? "预期" : "expected"} {d.expected}，{zh ? "实际" : "actual"} {d.actual}</li>)}</ul>
                  {r.result && <button type="button" data-testid={`test-accept-${i}`} onClick={() => void accept(c, r)}>{zh ? "接受新结果（变化是有意的）" : "accept the new result (the change is intended)"}</button>}
                </>
              )}
            </li>
          );
        })}
      </ul>
      <div className="publish">
        {isDraft
          ? <button type="button" data-testid="publish" disabled={!canPublish} onClick={() => void publish()}>{zh ? `发布为正式文件 ${official}` : `Publish as ${official}`}</button>
          : <span className="muted">{zh ? "正式文件：修改后请先“存为草稿”，复核、测试通过后再发布。" : "The official file: save your changes as a draft, then publish once reviewed and tested."}</span>}
        {isDraft && !canPublish && (
          <span className="muted" data-testid="publish-why">
            {dirty ? (zh ? "有未保存的修改；" : "unsaved changes; ") : ""}
            {errors ? (zh ? `有 ${errors} 个错误；` : `${errors} errors; `) : ""}
            {failed ? (zh ? `${failed} 个测试未通过` : `${failed} tests failing`) : ""}
          </span>
        )}
        <span className="status" data-testid="revision-status">{status}</span>
      </div>
    </div>
  );
}
