/**
 * The score preview: a form generated from the rule file's inputs (the right widget per type),
 * and the breakdown the engine gives for it — a bar per section, each item's points and reason,
 * vetoes, eligibility and the outcome. Clicking a reason selects the rule text it came from.
 */
import { memo, useEffect, useMemo, useState } from "react";
import type { Sym } from "@jsqc/dsl";
import { evaluate, type CompiledInput, type EvaluationResult, type Ruleset, type Source } from "@jsqc/engine";
import { useWords } from "./i18n.js";

export type Application = { grade?: string; inputs?: Record<string, unknown>; experts?: { name: string; scores: Record<string, unknown> }[]; [k: string]: unknown };

interface Props {
  readonly ruleset: Ruleset | null;
  readonly stale: boolean;
  readonly application: Application;
  readonly onApplication: (app: Application) => void;
  readonly onSource: (source: Source) => void;
  readonly examples: readonly { name: string; label: string }[];
  readonly onExample: (name: string) => void;
}

function members(rs: Ruleset, enumName: string): { name: string; label: string }[] {
  const sym = rs.model.symbols.get(enumName);
  return sym?.kind === "enum" ? sym.decl.members.map((m) => ({ name: m.name.value, label: m.label?.value ?? m.name.value })) : [];
}

function ValueField({ rs, type, decl, value, onChange, testId }: {
  rs: Ruleset; type: Extract<Sym, { kind: "input" | "field" }>["type"]; decl: Extract<Sym, { kind: "input" | "field" }>["decl"];
  value: unknown; onChange: (v: unknown) => void; testId: string;
}) {
  const w = useWords();
  const min = decl.options.min?.value;
  const max = decl.options.max?.value;
  switch (type.kind) {
    case "bool":
      return (
        <label className="switch">
          <input type="checkbox" data-testid={testId} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          <span>{value === true ? w.yes : w.no}</span>
        </label>
      );
    case "count":
    case "number":
      return (
        <span className="number">
          <input type="number" data-testid={testId} value={value === undefined || value === null ? "" : String(value)} min={min} max={max} step={type.kind === "count" ? 1 : "any"}
            onChange={(e) => onChange(e.target.value === "" ? undefined : type.kind === "count" ? Number.parseInt(e.target.value, 10) : e.target.value)} />
          {decl.options.unit ? <span className="unit">{decl.options.unit.value}</span> : null}
        </span>
      );
    case "date":
      return <input type="date" data-testid={testId} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value || null)} />;
    case "text":
      return <input type="text" data-testid={testId} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value)} />;
    case "enum":
      return (
        <select data-testid={testId} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">{w.none}</option>
          {members(rs, type.name).map((m) => <option key={m.name} value={m.name}>{m.label}</option>)}
        </select>
      );
    case "set": {
      const set = Array.isArray(value) ? (value as string[]) : [];
      return (
        <span className="set" data-testid={testId}>
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
        <table className="records" data-testid={testId}>
          <thead><tr>{fields.map((f) => <th key={f.name}>{f.decl.label?.value ?? f.name}</th>)}<th /></tr></thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i}>
                {fields.map((f) => (
                  <td key={f.name}>
                    <ValueField rs={rs} type={f.type} decl={f.decl} value={row[f.name]} testId={`${testId}-${i}-${f.name}`}
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

function InputRow({ rs, input, app, onApplication }: { rs: Ruleset; input: CompiledInput; app: Application; onApplication: (a: Application) => void }) {
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
      <ValueField rs={rs} type={input.sym.type} decl={input.sym.decl} value={value} onChange={set} testId={`input-${input.name}`} />
    </div>
  );
}

function Experts({ rs, app, onApplication }: { rs: Ruleset; app: Application; onApplication: (a: Application) => void }) {
  const w = useWords();
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
                  <input type="number" min={0} max={item.max / 1_000_000} step="0.25" data-testid={`score-${e}-${item.id}`}
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

function Breakdown({ result, onSource }: { result: EvaluationResult; onSource: (s: Source) => void }) {
  const w = useWords();
  const o = result.outcome;
  return (
    <div className="breakdown" data-testid="breakdown">
      <div className={`outcome ${o.granted ? "ok" : "no"}`} data-testid="outcome">
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
              <li key={i.id} data-testid={`item-${i.id}`}>
                <span className="num">{i.number}</span>
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
export const Preview = memo(function Preview({ ruleset, stale, application, onApplication, onSource, examples, onExample }: Props) {
  const w = useWords();
  // An application written for another version of the rules (last year's example, or before an
  // item was removed) is carried to this one for the preview: fields the rule file no longer
  // declares are left out, and listed.
  const { carried, dropped } = useMemo(() => carry(ruleset, application), [ruleset, application]);
  const evaluation = useMemo(() => {
    if (!ruleset) return null;
    return evaluate(ruleset, carried);
  }, [ruleset, carried]);
  // After the breakdown is on screen: the keystroke-to-preview benchmark reads this.
  useEffect(() => {
    const timings = window.__jsqc?.timings;
    const last = timings?.[timings.length - 1];
    if (last && last.previewAt === undefined) last.previewAt = performance.now();
  }, [evaluation]);
  const [tab, setTab] = useState<"result" | "form">("result");
  if (!ruleset) return <div className="preview empty">{w.loading}</div>;
  const o = evaluation?.ok ? evaluation.result.outcome : null;
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
        {o && <span className={`mini ${o.granted ? "ok" : "no"}`}>{evaluation!.ok ? evaluation!.result.total.decimal : ""} · {o.granted ? w.granted : w.notGranted}</span>}
      </div>
      <div className="app-form" hidden={tab !== "form"}>
        <div className="field">
          <label>{w.grade}</label>
          <select data-testid="grade" value={application.grade ?? ""} onChange={(e) => onApplication({ ...application, grade: e.target.value })}>
            {ruleset.grades.map((g) => <option key={g.name} value={g.name}>{g.label}</option>)}
          </select>
        </div>
        {ruleset.inputs.map((input) => <InputRow key={input.name} rs={ruleset} input={input} app={application} onApplication={onApplication} />)}
        <Experts rs={ruleset} app={application} onApplication={onApplication} />
      </div>
      {dropped.length > 0 && <div className="carried" data-testid="carried">{w.carried}{dropped.join("、")}</div>}
      {evaluation && !evaluation.ok && (
        <div className="invalid" data-testid="invalid">
          {w.invalidApplication}
          <ul>{evaluation.errors.slice(0, 20).map((e, i) => <li key={i}>{e.message}</li>)}</ul>
        </div>
      )}
      <div hidden={tab !== "result"}>{evaluation?.ok && <Breakdown result={evaluation.result} onSource={onSource} />}</div>
    </div>
  );
});
