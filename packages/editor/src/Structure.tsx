/**
 * The visual view: the open rule file as the notice's table — sections and items with their
 * points, scoring forms and caps, lookup tables as grids, inputs, vetoes and grades — with the
 * live section and total sums and the checker's findings on the row they concern. Every change
 * is a minimal text edit of the rule file (`edits` in the dsl), applied to the editor's model so
 * it shares the text's undo history; comments and untouched rules stay as they were.
 */
import { Fragment, useContext, useMemo, useState, type ReactNode } from "react";
import { parse, check, decimal as D, edits as E, printExpr, type Diagnostic, type ItemDecl, type SectionDecl, type Span } from "@jsqc/dsl";
import { LangContext, useWords } from "./i18n.js";

interface Props {
  readonly text: string;
  readonly onEdits: (edits: readonly E.TextEdit[]) => void;
  readonly onUndo: () => void;
  readonly onRedo: () => void;
  readonly onReveal: (span: Span) => void;
}

const FORMS: E.FormKind[] = ["Judged", "Fixed", "PerCount", "BaseIncrement", "TakeMax", "Cumulative", "Tiers", "Formula"];
const FORM_NAMES: Record<string, { zh: string; en: string }> = {
  Judged: { zh: "专家评分", en: "judged" },
  Fixed: { zh: "符合条件得固定分", en: "fixed points" },
  PerCount: { zh: "按个数计分", en: "points per count" },
  BaseIncrement: { zh: "基础分加递增", en: "base plus increment" },
  TakeMax: { zh: "取单项最高分", en: "take the highest" },
  Cumulative: { zh: "累计（查分表）", en: "cumulative" },
  Tiers: { zh: "分档", en: "tiers" },
  Formula: { zh: "公式", en: "formula" },
  MissingForm: { zh: "（未写）", en: "(none)" },
};

/** A value edited in place; the edit is made on Enter or when the field loses focus. */
function Cell({ value, onCommit, testId, width = "4em", title }: { value: string; onCommit: (v: string) => void; testId?: string; width?: string; title?: string }) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft !== null && draft !== value) onCommit(draft);
    setDraft(null);
  };
  return (
    <input className="cell" style={{ width }} data-testid={testId} title={title} value={draft ?? value}
      onChange={(e) => setDraft(e.target.value)} onBlur={commit}
      onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); commit(); } if (e.key === "Escape") setDraft(null); }} />
  );
}

function within(d: Diagnostic, span: Span): boolean {
  return d.span.start.offset >= span.start.offset && d.span.start.offset < span.end.offset;
}

function Findings({ list }: { list: readonly Diagnostic[] }) {
  if (list.length === 0) return null;
  return <ul className="findings">{list.map((d, i) => <li key={i} className={d.severity} data-testid={`finding-${d.code}`}>{d.code} {d.message}</li>)}</ul>;
}

export function Structure({ text, onEdits, onUndo, onRedo, onReveal }: Props) {
  const w = useWords();
  const lang = useContext(LangContext);
  const analysis = useMemo(() => {
    const parsed = parse(text);
    return { parsed, checked: check(parsed) };
  }, [text]);
  const { parsed, checked } = analysis;
  const file = parsed.ast;
  const diags = checked.diagnostics;
  const summary = checked.model.summary;
  const inputs = [...checked.model.symbols.values()].filter((s) => s.kind === "input");
  const numericInputs = inputs.filter((s) => s.kind === "input" && (s.type.kind === "count" || s.type.kind === "number")).map((s) => s.name);
  const firstNumeric = numericInputs[0];
  const edit = (es: readonly E.TextEdit[]) => { if (es.length) onEdits(es); };
  const [newInput, setNewInput] = useState({ name: "", type: "decimal", label: "", optional: false });
  const [newVeto, setNewVeto] = useState({ text: "", when: "" });
  const syntaxBroken = parsed.diagnostics.some((d) => d.severity === "error");

  const sectionRow = (s: SectionDecl): ReactNode => {
    const sum = summary.sections.find((x) => x.id === s.id.value);
    const weight = s.weight ? D.parseDec(s.weight.value) : null;
    const ok = sum && weight !== null && sum.reachable.max === weight;
    const own = diags.filter((d) => within(d, s.span) && !s.items.some((i) => within(d, i.span)));
    return (
      <tbody key={s.id.value} data-testid={`struct-section-${s.id.value}`}>
        <tr className="section-row">
          <td><button type="button" className="link" onClick={() => onReveal(s.span)}>{s.id.value}</button></td>
          <td colSpan={2}><Cell width="14em" value={s.title.value} onCommit={(v) => edit(E.setSectionTitle(text, s.id.value, v))} /></td>
          <td>
            满分 <Cell testId={`weight-${s.id.value}`} value={s.weight?.value ?? ""} onCommit={(v) => edit(E.setSectionWeight(text, s.id.value, v))} />
          </td>
          <td className={ok ? "ok" : "bad"} data-testid={`reach-${s.id.value}`}>
            {sum ? `${lang === "zh" ? "可得" : "reach"} ${D.format(sum.reachable.max)}` : ""} {ok ? "✓" : "✗"}
          </td>
          <td>
            <button type="button" className="link" data-testid={`remove-section-${s.id.value}`} onClick={() => edit(E.removeSection(text, s.id.value))}>{w.removeRow}</button>
          </td>
        </tr>
        {own.length > 0 && <tr><td /><td colSpan={5}><Findings list={own} /></td></tr>}
        {s.items.map((item, index) => itemRow(s, item, index))}
        <tr className="add-row">
          <td />
          <td colSpan={5}>
            <AddItem sectionId={s.id.value} inputs={numericInputs} onAdd={(t, p, kind, input) => edit(E.addItem(text, s.id.value, t, p, kind, input ?? firstNumeric))} />
          </td>
        </tr>
      </tbody>
    );
  };

  const itemRow = (s: SectionDecl, item: ItemDecl, index: number): ReactNode => {
    const info = checked.model.items.get(item.id);
    const own = diags.filter((d) => within(d, item.span));
    const f = item.form;
    const params: ReactNode[] = [];
    if (f.type === "Fixed") params.push(<span key="p">得 <Cell value={f.points.value} onCommit={(v) => edit(E.setFormPoints(text, item.id, 0, v))} /> 当 <code>{printExpr(f.when)}</code></span>);
    if (f.type === "BaseIncrement") params.push(<span key="b">基础 <Cell testId={`base-${item.id}`} value={f.base.value} onCommit={(v) => edit(E.setFormPoints(text, item.id, 0, v))} /> 每增 <Cell value={f.increment.value} onCommit={(v) => edit(E.setFormPoints(text, item.id, 1, v))} /> <code>{printExpr(f.count)}</code></span>);
    if (f.type === "PerCount") f.terms.forEach((t, k) => params.push(<span key={k}><code>{printExpr(t.count)}</code> 每个 <Cell testId={`per-${item.id}-${k}`} value={t.points.value} onCommit={(v) => edit(E.setFormPoints(text, item.id, k, v))} /></span>));
    if (f.type === "TakeMax") f.branches.forEach((b, k) => params.push(<span key={k}>{b.label?.value ?? printExpr(b.when)} <Cell value={b.points.value} onCommit={(v) => edit(E.setFormPoints(text, item.id, k, v))} /></span>));
    if (f.type === "Tiers") f.tiers.forEach((t, k) => params.push(
      <span key={k}>{t.op === ">=" ? "≥" : ">"}<Cell testId={`tier-threshold-${item.id}-${k}`} value={t.threshold.value} onCommit={(v) => edit(E.setTierThreshold(text, item.id, k, v))} />→<Cell testId={`tier-points-${item.id}-${k}`} value={t.points.value} onCommit={(v) => edit(E.setFormPoints(text, item.id, k, v))} /></span>));
    if (f.type === "Cumulative") params.push(<code key="c">sum over {f.list.name} of {printExpr(f.value)}</code>);
    if (f.type === "Formula") params.push(<code key="f">{printExpr(f.expr)}</code>);
    return (
      <Fragment key={item.id}>
        <tr className="item-row" data-testid={`struct-item-${item.id}`}>
          <td><button type="button" className="link" onClick={() => onReveal(item.span)}>{item.number.text}</button></td>
          <td><Cell width="100%" title={item.text.value} value={item.text.value} onCommit={(v) => edit(E.setItemText(text, item.id, v))} /></td>
          <td>
            <select data-testid={`form-${item.id}`} value={f.type} onChange={(e) => edit(E.changeForm(text, item.id, e.target.value as E.FormKind, firstNumeric))}>
              {[...FORMS, ...(f.type === "MissingForm" ? ["MissingForm" as const] : [])].map((k) => <option key={k} value={k}>{FORM_NAMES[k]![lang]}</option>)}
            </select>
            <div className="params">{params}</div>
          </td>
          <td>
            分值 <Cell testId={`points-${item.id}`} value={item.points?.value ?? ""} onCommit={(v) => edit(E.setItemPoints(text, item.id, v))} />
            {" "}封顶 <Cell testId={`cap-${item.id}`} value={item.cap?.value ?? ""} onCommit={(v) => edit(E.setItemCap(text, item.id, v.trim() === "" ? null : v))} />
          </td>
          <td className={own.some((d) => d.severity === "error") ? "bad" : ""}>{info ? `${D.format(info.bounds.min)}–${D.format(info.bounds.max)}` : ""}</td>
          <td className="actions">
            <button type="button" title="上移 up" disabled={index === 0} onClick={() => edit(E.moveItem(text, item.id, -1))}>↑</button>
            <button type="button" title="下移 down" disabled={index === s.items.length - 1} onClick={() => edit(E.moveItem(text, item.id, 1))}>↓</button>
            <button type="button" title="复制 duplicate" onClick={() => edit(E.duplicateItem(text, item.id))}>复制</button>
            <button type="button" title="删除 remove" data-testid={`remove-${item.id}`} onClick={() => edit(E.removeItem(text, item.id))}>✕</button>
          </td>
        </tr>
        {own.length > 0 && <tr><td /><td colSpan={5}><Findings list={own} /></td></tr>}
      </Fragment>
    );
  };

  const tables = file.declarations.filter((d) => d.type === "Table");
  const grades = file.declarations.filter((d) => d.type === "Grade");
  const vetoes = file.declarations.flatMap((d) => (d.type === "VetoGroup" ? d.vetoes : []));
  const total = summary.total;
  const totalOk = total !== null && summary.weightSum === total;

  return (
    <div className="structure" data-testid="structure">
      <div className="structure-bar">
        <button type="button" onClick={onUndo} title="Ctrl+Z">↶ 撤销</button>
        <button type="button" onClick={onRedo} title="Ctrl+Y">↷ 重做</button>
        <span className={totalOk ? "ok" : "bad"} data-testid="struct-total">
          各部分满分合计 {D.format(summary.weightSum)} / 总分{" "}
          <Cell testId="total-input" value={file.header?.total?.value ?? ""} onCommit={(v) => edit(E.setTotal(text, v))} /> {totalOk ? "✓" : "✗"}
        </span>
        {syntaxBroken && <span className="bad">{w.stale}</span>}
      </div>
      <table className="struct-table">
        <thead><tr><th>序号</th><th>评价内容</th><th>计分方式</th><th>分值</th><th>可得</th><th /></tr></thead>
        {file.declarations.filter((d): d is SectionDecl => d.type === "Section").map(sectionRow)}
      </table>
      <AddSection onAdd={(id, title, weight) => edit(E.addSection(text, id, title, weight))} />

      {tables.map((t) => t.type === "Table" && (
        <div key={t.name.value} className="struct-block" data-testid={`struct-table-${t.name.value}`}>
          <h4>查分表 {t.name.value} {t.label?.value}</h4>
          <table className="grid">
            {t.columns.length > 0 && <thead><tr><th />{t.columns.map((c) => <th key={c.value}>{c.value}</th>)}</tr></thead>}
            <tbody>
              {t.rows.map((r) => (
                <tr key={r.key.value}>
                  <th>{r.key.value}</th>
                  {r.values.map((v, k) => (
                    <td key={k}><Cell testId={`cell-${t.name.value}-${r.key.value}-${t.columns[k]?.value ?? ""}`} value={v.value}
                      onCommit={(x) => edit(E.setTableCell(text, t.name.value, r.key.value, t.columns[k]?.value ?? null, x))} /></td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}

      <div className="struct-block">
        <h4>输入项 inputs</h4>
        <ul className="inputs">
          {inputs.map((s) => s.kind === "input" && <li key={s.name}><code>{s.name}</code> {s.decl.label?.value} <span className="muted">{s.type.kind}</span></li>)}
        </ul>
        <div className="add-input">
          <input placeholder="名称" data-testid="new-input-name" value={newInput.name} onChange={(e) => setNewInput({ ...newInput, name: e.target.value })} />
          <select data-testid="new-input-type" value={newInput.type} onChange={(e) => setNewInput({ ...newInput, type: e.target.value })}>
            {["decimal", "count", "yesno", "date", "text"].map((t) => <option key={t}>{t}</option>)}
          </select>
          <input placeholder="中文标签" data-testid="new-input-label" value={newInput.label} onChange={(e) => setNewInput({ ...newInput, label: e.target.value })} />
          <label><input type="checkbox" data-testid="new-input-optional" checked={newInput.optional} onChange={(e) => setNewInput({ ...newInput, optional: e.target.checked })} />可不填</label>
          <button type="button" data-testid="add-input" disabled={!newInput.name} onClick={() => { edit(E.addInput(text, newInput.name, newInput.type, newInput.label || newInput.name, newInput.optional ? "optional" : "")); setNewInput({ name: "", type: "decimal", label: "", optional: false }); }}>+ 添加输入项</button>
        </div>
      </div>

      <div className="struct-block">
        <h4>否决项 vetoes</h4>
        <ul>
          {vetoes.map((v) => (
            <li key={v.id} data-testid={`struct-veto-${v.id}`}>
              {v.id} <Cell width="24em" value={v.text.value} onCommit={(x) => edit(E.setVetoText(text, v.id, x))} /> <code>{printExpr(v.when)}</code>
              <button type="button" className="link" onClick={() => edit(E.removeVeto(text, v.id))}>{w.removeRow}</button>
              <Findings list={diags.filter((d) => within(d, v.span))} />
            </li>
          ))}
        </ul>
        <div className="add-input">
          <input placeholder="否决情形（通知原文）" data-testid="new-veto-text" value={newVeto.text} onChange={(e) => setNewVeto({ ...newVeto, text: e.target.value })} />
          <input placeholder="条件，如 any(不良记录 where …)" data-testid="new-veto-when" value={newVeto.when} onChange={(e) => setNewVeto({ ...newVeto, when: e.target.value })} />
          <button type="button" data-testid="add-veto" disabled={!newVeto.text || !newVeto.when} onClick={() => { edit(E.addVeto(text, newVeto.text, newVeto.when)); setNewVeto({ text: "", when: "" }); }}>+ 添加否决项</button>
        </div>
      </div>

      <div className="struct-block">
        <h4>等级 grades</h4>
        <table className="grid">
          <thead><tr><th /><th>及格分</th><th>每市名额</th><th>申报期</th></tr></thead>
          <tbody>
            {grades.map((g) => g.type === "Grade" && (
              <tr key={g.name.value} data-testid={`struct-grade-${g.name.value}`}>
                <th>{g.name.value}</th>
                <td><Cell testId={`pass-${g.name.value}`} value={g.pass?.value ?? ""} onCommit={(v) => edit(E.setPassMark(text, g.name.value, v))} /></td>
                <td><Cell testId={`quota-${g.name.value}`} value={g.quota?.value ?? ""} onCommit={(v) => edit(E.setQuota(text, g.name.value, v))} /></td>
                <td>{g.windowFrom ? `${g.windowFrom.value} 至 ${g.windowTo?.value ?? ""}` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function AddItem({ sectionId, inputs, onAdd }: { sectionId: string; inputs: readonly string[]; onAdd: (text: string, points: string, kind: E.FormKind, input: string | undefined) => void }) {
  const [state, setState] = useState({ text: "", points: "1", kind: "Judged" as E.FormKind, input: "" });
  return (
    <span className="add-item">
      <input placeholder="新评分项（通知原文）" data-testid={`new-item-text-${sectionId}`} value={state.text} onChange={(e) => setState({ ...state, text: e.target.value })} />
      <input style={{ width: "3em" }} data-testid={`new-item-points-${sectionId}`} value={state.points} onChange={(e) => setState({ ...state, points: e.target.value })} />
      <select data-testid={`new-item-form-${sectionId}`} value={state.kind} onChange={(e) => setState({ ...state, kind: e.target.value as E.FormKind })}>
        {FORMS.map((k) => <option key={k} value={k}>{FORM_NAMES[k]!.zh}</option>)}
      </select>
      {state.kind !== "Judged" && (
        <select data-testid={`new-item-input-${sectionId}`} value={state.input} onChange={(e) => setState({ ...state, input: e.target.value })} title="计分依据的输入项">
          <option value="">（输入项）</option>
          {inputs.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      )}
      <button type="button" data-testid={`add-item-${sectionId}`} disabled={!state.text} onClick={() => { onAdd(state.text, state.points, state.kind, state.input || undefined); setState({ text: "", points: "1", kind: "Judged", input: "" }); }}>+ 添加评分项</button>
    </span>
  );
}

function AddSection({ onAdd }: { onAdd: (id: string, title: string, weight: string) => void }) {
  const [s, set] = useState({ id: "", title: "", weight: "0" });
  return (
    <div className="add-input">
      <input placeholder="部分编号（如 十二）" style={{ width: "8em" }} value={s.id} onChange={(e) => set({ ...s, id: e.target.value })} />
      <input placeholder="名称" value={s.title} onChange={(e) => set({ ...s, title: e.target.value })} />
      <input style={{ width: "3em" }} value={s.weight} onChange={(e) => set({ ...s, weight: e.target.value })} />
      <button type="button" disabled={!s.id || !s.title} onClick={() => { onAdd(s.id, s.title, s.weight); set({ id: "", title: "", weight: "0" }); }}>+ 添加部分</button>
    </div>
  );
}
