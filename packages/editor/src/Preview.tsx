/**
 * The score preview: a form generated from the rule file's inputs (the right widget per type),
 * and the breakdown the engine gives for it — a bar per section, each item's points and reason,
 * vetoes, eligibility and the outcome. Clicking a reason selects the rule text it came from.
 * An application the rule file now refuses keeps its breakdown, marked provisional: the refused
 * values are marked where they are in the form, listed with their labels and reasons, and a value
 * above a maximum has a one-click fix (preview-check.ts).
 */
import { memo, useContext, useEffect, useMemo, useState } from "react";
import type { Sym } from "@jsqc/dsl";
import type { CompiledInput, EvaluationResult, Ruleset, Source } from "@jsqc/engine";
import { LangContext, useWords } from "./i18n.js";
import { affectedItems, applyFix, checkPreview, typedNumber, type Application, type PreviewCheck, type Refusal, type Treatment } from "./preview-check.js";

export type { Application };

/** Whether nothing was refused but values not yet given (a form still empty, say): then the title asks for them. */
function onlyMissing(check: PreviewCheck): boolean {
  return check.other.length === 0 && check.refusals.length > 0 && check.refusals.every((r) => r.found === "");
}

/** The words of the provisional preview (kept here, beside the only component that uses them). */
const CHECK_WORDS = {
  zh: {
    provisional: "暂定",
    provisionalTitle: "暂定结果：以下填写的值不符合当前规则文件，未计入",
    invalidTitle: "申请数据与规则文件不符，无法评分：",
    missingTitle: "选择一个示例，或在“申请数据”中填写以下各项，即可评分：",
    how: "未计入的值：可选项按未填计；必填的数值、个数、是否项按其最小值（0 或下限；否）计；列表中必填字段不符的整行不计；专家评分按该专家未评此项计（若因此专家人数不足，则按 0 分计）。",
    treatment: { absent: "按未填计", lowest: "按最小值计", row: "该行不计", member: "该项不计", unscored: "按未评计", zero: "按 0 分计", none: "无法计入" } as Record<Treatment, string>,
    clamp: (v: string) => `按新满分计（${v}）`,
    clampMax: (v: string) => `按上限计（${v}）`,
    clampAll: (n: number) => `全部 ${n} 处按新满分 / 上限计`,
    dated: (from: number, to: number) => `此示例按 ${from} 年度填写，预览时各日期已移入 ${to} 年度（${to - from > 0 ? "+" : ""}${to - from} 年）。`,
  },
  en: {
    provisional: "provisional",
    provisionalTitle: "Provisional result: these values do not fit the rule file as it now is and are left out",
    invalidTitle: "The application does not fit the rule file and cannot be scored:",
    missingTitle: "Choose an example, or fill in these fields under Application, to see the score:",
    how: "Values left out: an optional input counts as not given; a required number, count or yes/no as its lowest value (0 or its minimum; no); a list's row whose required field is refused is left out; an expert's score as not given by that expert (as 0 if that leaves the item short of experts).",
    treatment: { absent: "counted as not given", lowest: "counted as its lowest value", row: "row left out", member: "member left out", unscored: "counted as not scored", zero: "counted as 0", none: "cannot be counted" } as Record<Treatment, string>,
    clamp: (v: string) => `Clamp to the new maximum (${v})`,
    clampMax: (v: string) => `Clamp to the maximum (${v})`,
    clampAll: (n: number) => `Clamp all ${n} to their maxima`,
    dated: (from: number, to: number) => `This example was written for ${from}; for the preview every date in it was moved into ${to} (${to - from > 0 ? "+" : ""}${to - from} year${Math.abs(to - from) === 1 ? "" : "s"}).`,
  },
};

type Refused = ReadonlyMap<string, Refusal>;
const NONE: Refused = new Map();

/** The attributes that mark a refused value where it is in the form. */
function mark(r: Refusal | undefined, lang: "zh" | "en"): Record<string, string> {
  return r ? { className: "refused", "data-refused": r.key, title: lang === "zh" ? r.message : r.messageEn } : {};
}

interface Props {
  readonly ruleset: Ruleset | null;
  readonly stale: boolean;
  readonly application: Application;
  readonly onApplication: (app: Application) => void;
  readonly onSource: (source: Source) => void;
  readonly examples: readonly { name: string; label: string }[];
  readonly onExample: (name: string) => void;
  /** The chosen example was written for another year and dated into this file's year. */
  readonly dated?: { readonly from: number; readonly to: number } | null;
}

function members(rs: Ruleset, enumName: string): { name: string; label: string }[] {
  const sym = rs.model.symbols.get(enumName);
  return sym?.kind === "enum" ? sym.decl.members.map((m) => ({ name: m.name.value, label: m.label?.value ?? m.name.value })) : [];
}

function ValueField({ rs, type, decl, value, onChange, testId, at, refused }: {
  rs: Ruleset; type: Extract<Sym, { kind: "input" | "field" }>["type"]; decl: Extract<Sym, { kind: "input" | "field" }>["decl"];
  value: unknown; onChange: (v: unknown) => void; testId: string;
  /** This value's key in the refusals (`input:名`, `input:名[i].字段`), and the refusals. */
  at: string; refused: Refused;
}) {
  const w = useWords();
  const lang = useContext(LangContext);
  const own = mark(refused.get(at), lang);
  const min = decl.options.min?.value;
  const max = decl.options.max?.value;
  switch (type.kind) {
    case "bool":
      return (
        <label className="switch">
          <input type="checkbox" data-testid={testId} {...own} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          <span>{value === true ? w.yes : w.no}</span>
        </label>
      );
    case "count":
    case "number":
      return (
        <span className="number">
          {/* Exactly what was typed: a count of 2.5 stays 2.5 (refused and marked), never rounded. A
              number is handed to React as a number, so that "3.0" being typed is not rewritten as "3". */}
          <input type="number" data-testid={testId} {...own} value={value === undefined || value === null ? "" : typeof value === "number" ? value : String(value)} min={min} max={max} step={type.kind === "count" ? 1 : "any"}
            onChange={(e) => onChange(typedNumber(e.target.value, type.kind as "count" | "number"))} />
          {decl.options.unit ? <span className="unit">{decl.options.unit.value}</span> : null}
        </span>
      );
    case "date":
      return <input type="date" data-testid={testId} {...own} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value || null)} />;
    case "text":
      return <input type="text" data-testid={testId} {...own} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value)} />;
    case "enum":
      return (
        <select data-testid={testId} {...own} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">{w.none}</option>
          {typeof value === "string" && value !== "" && !members(rs, type.name).some((m) => m.name === value) && <option value={value}>{value} ✗</option>}
          {members(rs, type.name).map((m) => <option key={m.name} value={m.name}>{m.label}</option>)}
        </select>
      );
    case "set": {
      const set = Array.isArray(value) ? (value as string[]) : [];
      const known = new Set(members(rs, type.element).map((m) => m.name));
      const bad = set.map((m, i) => refused.get(`${at}[${i}]`)).find((r) => r !== undefined);
      return (
        <span data-testid={testId} {...(bad ? mark(bad, lang) : own)} className={bad || own.className ? "set refused" : "set"}>
          {set.filter((m) => !known.has(m)).map((m) => (
            <label key={`unknown-${m}`} className="refused">
              <input type="checkbox" checked onChange={() => onChange(set.filter((x) => x !== m))} />
              {m} ✗
            </label>
          ))}
          {members(rs, type.element).map((m) => (
            <label key={m.name}>
              <input type="checkbox" checked={set.includes(m.name)} onChange={(e) => onChange(e.target.checked ? [...set, m.name] : set.filter((x) => x !== m.name))} />
              {m.label}
            </label>
          ))}
        </span>
      );
    }
    case "list": {
      const rows = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
      const fields = [...(rs.model.records.get(type.record)?.values() ?? [])].filter((f): f is Extract<Sym, { kind: "field" }> => f.kind === "field");
      return (
        <table data-testid={testId} {...own} className={own.className ? "records refused" : "records"}>
          <thead><tr>{fields.map((f) => <th key={f.name}>{f.decl.label?.value ?? f.name}</th>)}<th /></tr></thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i} {...mark(refused.get(`${at}[${i}]`) ?? [...refused.values()].find((r) => r.key.startsWith(`${at}[${i}].`) && !fields.some((f) => r.key === `${at}[${i}].${f.name}`)), lang)}>
                {fields.map((f) => (
                  <td key={f.name}>
                    <ValueField rs={rs} type={f.type} decl={f.decl} value={row[f.name]} testId={`${testId}-${i}-${f.name}`} at={`${at}[${i}].${f.name}`} refused={refused}
                      onChange={(v) => onChange(rows.map((r, k) => (k === i ? { ...r, [f.name]: v } : r)))} />
                  </td>
                ))}
                <td><button type="button" className="link" onClick={() => onChange(rows.filter((_, k) => k !== i))}>{w.removeRow}</button></td>
              </tr>
            ))}
          </tbody>
          <tfoot><tr><td colSpan={fields.length + 1}>
            <button type="button" className="link" data-testid={`${testId}-add`} onClick={() => onChange([...rows, Object.fromEntries(fields.map((f) => [f.name, f.type.kind === "enum" ? members(rs, f.type.name)[0]?.name : undefined]))])}>+ {w.addRow}</button>
          </td></tr></tfoot>
        </table>
      );
    }
    default:
      return null;
  }
}

function InputRow({ rs, input, app, onApplication, refused }: { rs: Ruleset; input: CompiledInput; app: Application; onApplication: (a: Application) => void; refused: Refused }) {
  const value = app.inputs?.[input.name];
  const set = (v: unknown) => {
    const inputs = { ...(app.inputs ?? {}) };
    if (v === undefined) delete inputs[input.name];
    else inputs[input.name] = v;
    onApplication({ ...app, inputs });
  };
  const help = input.sym.decl.options.help?.value;
  return (
    <div className="field">
      <label title={help ?? input.sym.decl.options.en?.value}>{input.label}</label>
      <ValueField rs={rs} type={input.sym.type} decl={input.sym.decl} value={value} onChange={set} testId={`input-${input.name}`} at={`input:${input.name}`} refused={refused} />
    </div>
  );
}

function Experts({ rs, app, onApplication, refused }: { rs: Ruleset; app: Application; onApplication: (a: Application) => void; refused: Refused }) {
  const w = useWords();
  const lang = useContext(LangContext);
  const experts = app.experts ?? [];
  const setScore = (e: number, id: string, v: string) => {
    const next = experts.map((x, k) => {
      if (k !== e) return x;
      const scores = { ...x.scores };
      if (v === "") delete scores[id];
      else scores[id] = v;
      return { ...x, scores };
    });
    onApplication({ ...app, experts: next });
  };
  return (
    <details className="experts">
      <summary>{w.experts}（{experts.length}）</summary>
      <table>
        <thead>
          <tr>
            <th />
            {experts.map((x, e) => (
              <th key={e}>
                <input className="expert-name" value={x.name} onChange={(ev) => onApplication({ ...app, experts: experts.map((y, k) => (k === e ? { ...y, name: ev.target.value } : y)) })} />
                <button type="button" className="link" onClick={() => onApplication({ ...app, experts: experts.filter((_, k) => k !== e) })}>{w.removeExpert}</button>
              </th>
            ))}
            <th><button type="button" className="link" onClick={() => onApplication({ ...app, experts: [...experts, { name: `${w.expert}${experts.length + 1}`, scores: {} }] })}>+ {w.addExpert}</button></th>
          </tr>
        </thead>
        <tbody>
          {rs.judged.map((item) => (
            <tr key={item.id}>
              <th title={item.text}>{item.id}（≤{item.max / 1_000_000}）</th>
              {experts.map((x, e) => (
                <td key={e}>
                  <input type="number" min={0} max={item.max / 1_000_000} step="0.25" data-testid={`score-${e}-${item.id}`} {...mark(refused.get(`score:${e}:${item.id}`), lang)}
                    value={x.scores[item.id] === undefined ? "" : String(x.scores[item.id])} onChange={(ev) => setScore(e, item.id, ev.target.value)} />
                </td>
              ))}
              <td />
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Bar({ value, max }: { value: number; max: number }) {
  const pct = max > 0 ? Math.min(100, (value / max) * 100) : 0;
  return <span className="bar"><span style={{ width: `${pct}%` }} /></span>;
}

function Breakdown({ result, onSource, provisional, affected }: { result: EvaluationResult; onSource: (s: Source) => void; provisional: boolean; affected: ReadonlyMap<string, Refusal[]> }) {
  const w = useWords();
  const lang = useContext(LangContext);
  const cw = CHECK_WORDS[lang];
  const o = result.outcome;
  return (
    <div className={provisional ? "breakdown provisional" : "breakdown"} data-testid="breakdown" data-provisional={provisional ? "true" : "false"}>
      <div className={`outcome ${o.granted ? "ok" : "no"}`} data-testid="outcome">
        {provisional && <span className="provisional-badge" data-testid="provisional">{cw.provisional}</span>}
        <strong>{w.total} <span data-testid="total">{result.total.decimal}</span> / {result.maximum.decimal}</strong>
        <span>{o.grade} · {o.eligible ? w.eligible : w.notEligible} · {o.vetoed ? w.vetoed : w.notVetoed} · {w.passMark} {o.passMark.decimal}</span>
        <span className="verdict">{o.granted ? `✓ ${w.granted}` : `✗ ${w.notGranted}`}</span>
      </div>
      {result.sections.map((s) => (
        <section key={s.id} className="section" data-testid={`section-${s.id}`}>
          <h4>
            <button type="button" className="link" onClick={() => s.source && onSource(s.source)}>{s.id}、{s.title}</button>
            <Bar value={s.points.number} max={s.weight.number} />
            <span className="pts" data-testid={`section-points-${s.id}`}>{s.points.decimal} / {s.weight.decimal}</span>
          </h4>
          <ul>
            {s.items.map((i) => (
              <li key={i.id} data-testid={`item-${i.id}`} className={affected.has(i.id) ? "refused-item" : undefined}
                title={affected.get(i.id)?.map((r) => (lang === "zh" ? r.message : r.messageEn)).join("\n")}>
                <span className="num">{i.number}</span>
                {affected.has(i.id) && <span className="provisional-badge" data-testid={`item-provisional-${i.id}`}>{cw.provisional}</span>}
                <span className="pts">{i.points.decimal}/{i.maximum.decimal}</span>
                <button type="button" className="reason link" title={w.clickToSource} data-testid={`reason-${i.id}`} onClick={() => i.source && onSource(i.source)}>
                  {i.reason || i.text}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <section className="section">
        <h4>{w.vetoes}</h4>
        <ul>
          {result.vetoes.map((v) => (
            <li key={v.id} className={v.applies ? "bad" : ""} data-testid={`veto-${v.id}`}>
              <button type="button" className="reason link" onClick={() => v.source && onSource(v.source)}>
                {v.applies ? "✗" : "✓"} {v.id} {v.text}{v.applies && v.record ? `：${Object.values(v.record.values).join("·")}` : ""}{v.window ? `（${v.window.from} 至 ${v.window.to}）` : ""}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section className="section">
        <h4>{w.eligibility}</h4>
        <ul>
          {result.eligibility.map((e) => (
            <li key={e.grade} className={e.eligible ? "" : "bad"} data-testid={`eligibility-${e.grade}`}>
              {e.eligible ? "✓" : "✗"} {e.grade}
              {(e.conditions ?? []).filter((c) => !c.met).map((c) => (
                <button key={c.id} type="button" className="reason link" onClick={() => c.source && onSource(c.source)}>✗ {c.label}（{c.detail}）</button>
              ))}
            </li>
          ))}
        </ul>
      </section>
      {result.flags.length > 0 && (
        <section className="section">
          <h4>{w.flags}</h4>
          <ul>{result.flags.map((f) => <li key={`${f.item}-${f.kind}`}>! {f.message}</li>)}</ul>
        </section>
      )}
    </div>
  );
}

function carry(rs: Ruleset | null, app: Application): { carried: Application; dropped: string[] } {
  if (!rs) return { carried: app, dropped: [] };
  const dropped: string[] = [];
  const inputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(app.inputs ?? {})) {
    if (rs.inputIndex.has(k)) inputs[k] = v;
    else dropped.push(k);
  }
  const judged = new Set(rs.judged.map((i) => i.id));
  const gone = new Set<string>();
  const experts = (app.experts ?? []).map((e) => ({
    ...e,
    scores: Object.fromEntries(Object.entries(e.scores ?? {}).filter(([id]) => judged.has(id) || (gone.add(id), false))),
  }));
  dropped.push(...[...gone].map((id) => `专家评分 ${id}`));
  return dropped.length === 0 ? { carried: app, dropped } : { carried: { ...app, inputs, experts }, dropped };
}

// Memoised: the app re-renders at every keystroke (its text and dirty flag), while the preview
// changes only with the ruleset, the application or the stale flag.
export const Preview = memo(function Preview({ ruleset, stale, application, onApplication, onSource, examples, onExample, dated }: Props) {
  const w = useWords();
  // An application written for another version of the rules (last year's example, or before an
  // item was removed) is carried to this one for the preview: fields the rule file no longer
  // declares are left out, and listed.
  const { carried, dropped } = useMemo(() => carry(ruleset, application), [ruleset, application]);
  // A value the file now refuses does not take the breakdown away: it is left out, marked where
  // it is, and the rest is evaluated, provisionally.
  const check = useMemo(() => (ruleset ? checkPreview(ruleset, carried) : null), [ruleset, carried]);
  const lang = useContext(LangContext);
  const cw = CHECK_WORDS[lang];
  const affected = useMemo(() => (ruleset && check && check.refusals.length > 0 ? affectedItems(ruleset, check.refusals) : new Map<string, Refusal[]>()), [ruleset, check]);
  const refused: Refused = useMemo(() => (check && check.refusals.length > 0 ? new Map(check.refusals.map((r) => [r.key, r])) : NONE), [check]);
  // After the breakdown is on screen: the keystroke-to-preview benchmark reads this.
  useEffect(() => {
    const timings = window.__jsqc?.timings;
    const last = timings?.[timings.length - 1];
    if (last && last.previewAt === undefined) last.previewAt = performance.now();
  }, [check]);
  const [tab, setTab] = useState<"result" | "form">("result");
  if (!ruleset) return <div className="preview empty">{w.loading}</div>;
  const o = check?.result ? check.result.outcome : null;
  const fixes = check?.refusals.filter((r) => r.fix) ?? [];
  // Show a refused value in the form: the form's tab, the experts' table opened, the field focused.
  const goTo = (r: Refusal) => {
    setTab("form");
    requestAnimationFrame(() => {
      const el = document.querySelector<HTMLElement>(`[data-refused="${CSS.escape(r.key)}"]`);
      const details = el?.closest("details");
      if (details) details.open = true;
      el?.scrollIntoView({ block: "center" });
      el?.focus();
    });
  };
  return (
    <div className="preview" data-testid="preview">
      {stale && <div className="stale" data-testid="stale">{w.stale}</div>}
      <div className="tabs">
        <button type="button" className={tab === "result" ? "active" : ""} data-testid="tab-result" onClick={() => setTab("result")}>{w.preview}</button>
        <button type="button" className={tab === "form" ? "active" : ""} data-testid="tab-form" onClick={() => setTab("form")}>{w.application}</button>
        <select data-testid="example" defaultValue="" onChange={(e) => e.target.value && onExample(e.target.value)}>
          <option value="">{w.chooseExample}</option>
          {examples.map((x) => <option key={x.name} value={x.name}>{x.label}</option>)}
        </select>
        {o && <span className={`mini ${o.granted ? "ok" : "no"}`}>{check!.status === "provisional" ? `${cw.provisional} ` : ""}{check!.result!.total.decimal} · {o.granted ? w.granted : w.notGranted}</span>}
      </div>
      <div className="app-form" hidden={tab !== "form"}>
        <div className="field">
          <label>{w.grade}</label>
          <select data-testid="grade" {...mark(refused.get("grade"), lang)} value={application.grade ?? ""} onChange={(e) => onApplication({ ...application, grade: e.target.value })}>
            {/* A grade this file does not have is shown as it is, never silently as another. */}
            {!ruleset.grades.some((g) => g.name === application.grade) && <option value={application.grade ?? ""}>{application.grade ? `${application.grade} ✗` : w.none}</option>}
            {ruleset.grades.map((g) => <option key={g.name} value={g.name}>{g.label}</option>)}
          </select>
        </div>
        {ruleset.inputs.map((input) => <InputRow key={input.name} rs={ruleset} input={input} app={application} onApplication={onApplication} refused={refused} />)}
        <Experts rs={ruleset} app={application} onApplication={onApplication} refused={refused} />
      </div>
      {dated && <div className="carried" data-testid="dated">{cw.dated(dated.from, dated.to)}</div>}
      {dropped.length > 0 && <div className="carried" data-testid="carried">{w.carried}{dropped.join("、")}</div>}
      {check && check.status !== "definitive" && (
        <div className="invalid" data-testid={check.status === "provisional" ? "refusals" : "invalid"}>
          <strong>{check.status === "provisional" ? cw.provisionalTitle : onlyMissing(check) ? cw.missingTitle : cw.invalidTitle}</strong>
          <ul>
            {check.refusals.slice(0, 50).map((r) => (
              <li key={r.key} data-testid="refusal" data-key={r.key}>
                <button type="button" className="link" onClick={() => goTo(r)}>{lang === "zh" ? r.label : r.labelEn}</button>
                {lang === "zh" ? `：${r.reason}（${cw.treatment[r.treatment]}）` : `: ${r.reasonEn} (${cw.treatment[r.treatment]})`}
                {r.fix && (
                  <button type="button" className="fix" data-testid="fix" onClick={() => onApplication(applyFix(application, r))}>
                    {r.key.startsWith("score:") ? cw.clamp(r.fix.shown) : cw.clampMax(r.fix.shown)}
                  </button>
                )}
              </li>
            ))}
            {check.refusals.length > 50 && <li>…</li>}
            {check.other.slice(0, 20).map((e, i) => <li key={`other-${i}`}>{lang === "zh" ? e.message : e.messageEn}</li>)}
          </ul>
          {fixes.length > 1 && (
            <button type="button" className="fix" data-testid="fix-all" onClick={() => onApplication(fixes.reduce(applyFix, application))}>{cw.clampAll(fixes.length)}</button>
          )}
          {check.status === "provisional" && <p className="how">{cw.how}</p>}
        </div>
      )}
      <div hidden={tab !== "result"}>{check?.result && <Breakdown result={check.result} onSource={onSource} provisional={check.status === "provisional"} affected={affected} />}</div>
    </div>
  );
});
