/**
 * The notice's table: sections with their weights and live sums, items with their text, points,
 * cap and scoring form, the form's figures in place, and the notes beside each item. Choosing a
 * scoring form that reads an input asks which input — never one picked silently.
 */
import { useEffect, useRef, useState, type ReactNode } from "react";
import { decimal as D, edits as E, fileExperts, printExpr, type ItemDecl, type SectionDecl, type Sym } from "@jsqc/dsl";
import { Cell, Findings, Notes, isFocused, t, useStruct, within } from "./common.js";
import { ExpertRuleFields, ItemExpertsFields, sectionInherits } from "./Experts.js";

const FORMS: E.FormKind[] = ["Judged", "Fixed", "PerCount", "BaseIncrement", "TakeMax", "Cumulative", "Tiers", "Formula"];
export const FORM_NAMES: Record<string, { zh: string; en: string }> = {
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

/** The inputs a scoring form can read: yes/no for fixed points and branches, lists for sums, numbers for the rest. */
export function inputsFor(kind: E.FormKind, inputs: readonly Sym[]): string[] {
  const ok = (s: Sym) => {
    if (s.kind !== "input") return false;
    const k = s.type.kind;
    if (kind === "Fixed" || kind === "TakeMax") return k === "bool";
    if (kind === "Cumulative") return k === "list";
    return k === "count" || k === "number";
  };
  return inputs.filter(ok).map((s) => s.name);
}

export function SectionsBlock() {
  const { parsed, text, edit, lang } = useStruct();
  const sections = parsed.ast.declarations.filter((d): d is SectionDecl => d.type === "Section");
  return (
    <div className="struct-block" id="struct-sections">
      <table className="struct-table">
        <colgroup><col style={{ width: "2.8em" }} /><col /><col style={{ width: "8.6em" }} /><col style={{ width: "3.4em" }} /><col style={{ width: "3.4em" }} /><col style={{ width: "4.4em" }} /><col style={{ width: "11em" }} /></colgroup>
        <thead><tr><th>{t(lang, "序号", "No.")}</th><th>{t(lang, "评价内容", "Criterion")}</th><th>{t(lang, "计分方式", "Scoring")}</th><th>{t(lang, "分值", "Points")}</th><th>{t(lang, "封顶", "Cap")}</th><th>{t(lang, "可得", "Reach")}</th><th /></tr></thead>
        {sections.map((s) => <SectionRows key={s.id.value} s={s} />)}
      </table>
      <AddSection onAdd={(id, title, weight) => edit(E.addSectionRenumberingVetoes(text, id, title, weight))} />
    </div>
  );
}

function SectionRows({ s }: { s: SectionDecl }) {
  const { checked, text, edit, lang, onReveal } = useStruct();
  const summary = checked.model.summary;
  const sum = summary.sections.find((x) => x.id === s.id.value);
  const weight = s.weight ? D.parseDec(s.weight.value) : null;
  const ok = sum && weight !== null && sum.reachable.max === weight;
  const own = checked.diagnostics.filter((d) => within(d, s.span) && !s.items.some((i) => within(d, i.span)));
  const inputs = [...checked.model.symbols.values()].filter((x) => x.kind === "input");
  return (
    <tbody data-testid={`struct-section-${s.id.value}`}>
      <tr className="section-row">
        <td><button type="button" className="link" onClick={() => onReveal(s.span)}>{s.id.value}</button></td>
        <td><Cell width="100%" value={s.title.value} testId={`section-title-${s.id.value}`} onCommit={(v) => edit(E.setSectionTitle(text, s.id.value, v))} /></td>
        <td className="nowrap">{t(lang, "满分", "weight")} <Cell testId={`weight-${s.id.value}`} value={s.weight?.value ?? ""} onCommit={(v) => edit(E.setSectionWeight(text, s.id.value, v))} /></td>
        <td colSpan={3} className={ok ? "ok nowrap" : "bad nowrap"} data-testid={`reach-${s.id.value}`}>
          {sum ? `${lang === "zh" ? "可得" : "reach"} ${D.format(sum.reachable.max)}` : ""} {ok ? "✓" : "✗"}
        </td>
        <td><button type="button" className="link" data-testid={`remove-section-${s.id.value}`} onClick={() => edit(E.removeSection(text, s.id.value))}>{t(lang, "删除", "remove")}</button></td>
      </tr>
      {(own.length > 0 || s.notes.length > 0) && <tr><td /><td colSpan={6}><Findings list={own} />{s.notes.length > 0 && <Notes owner={{ kind: "section", id: s.id.value }} notes={s.notes} testId={`section-${s.id.value}`} />}</td></tr>}
      <SectionExperts s={s} />
      {s.items.map((item, index) => <ItemRows key={item.id} s={s} item={item} index={index} />)}
      <tr className="add-row">
        <td />
        <td colSpan={6}><AddItem sectionId={s.id.value} inputs={inputs} onAdd={(tx, p, kind, input) => edit(E.addItem(text, s.id.value, tx, p, kind, input))} /></td>
      </tr>
    </tbody>
  );
}

function ItemRows({ s, item, index }: { s: SectionDecl; item: ItemDecl; index: number }) {
  const { checked, text, edit, lang, onReveal, focus } = useStruct();
  const [pending, setPending] = useState<E.FormKind | null>(null);
  const [noteOpen, setNoteOpen] = useState(false);
  const [expertsOpen, setExpertsOpen] = useState(false);
  const row = useRef<HTMLTableRowElement>(null);
  const focused = isFocused(focus, item.span);
  useEffect(() => { if (focused) row.current?.scrollIntoView({ block: "center" }); }, [focused, focus]);
  const info = checked.model.items.get(item.id);
  const own = checked.diagnostics.filter((d) => within(d, item.span));
  const inputs = [...checked.model.symbols.values()].filter((x) => x.kind === "input");
  const f = item.form;
  const params: ReactNode[] = [];
  if (f.type === "Fixed") params.push(<span key="p">{t(lang, "得", "award")} <Cell value={f.points.value} onCommit={(v) => edit(E.setFormPoints(text, item.id, 0, v))} /> {t(lang, "当", "when")} <code>{printExpr(f.when)}</code></span>);
  if (f.type === "BaseIncrement") params.push(<span key="b">{t(lang, "基础", "base")} <Cell testId={`base-${item.id}`} value={f.base.value} onCommit={(v) => edit(E.setFormPoints(text, item.id, 0, v))} /> {t(lang, "每增", "plus")} <Cell value={f.increment.value} onCommit={(v) => edit(E.setFormPoints(text, item.id, 1, v))} /> <code>{printExpr(f.count)}</code></span>);
  if (f.type === "PerCount") f.terms.forEach((tm, k) => params.push(<span key={k}><code>{printExpr(tm.count)}</code> {t(lang, "每个", "each")} <Cell testId={`per-${item.id}-${k}`} value={tm.points.value} onCommit={(v) => edit(E.setFormPoints(text, item.id, k, v))} /></span>));
  if (f.type === "TakeMax") f.branches.forEach((b, k) => params.push(<span key={k}>{b.label?.value ?? printExpr(b.when)} <Cell value={b.points.value} onCommit={(v) => edit(E.setFormPoints(text, item.id, k, v))} /></span>));
  if (f.type === "Tiers") {
    const tiersInput = f.value.type === "Name" ? f.value.name : printExpr(f.value);
    params.push(
      <span key="input" className="nowrap">{t(lang, "分档依据", "tiers on")}{" "}
        <select data-testid={`tiers-input-${item.id}`} value={tiersInput} onChange={(e) => edit(E.setTiersInput(text, item.id, e.target.value))}>
          {[...new Set([tiersInput, ...inputsFor("Tiers", inputs)])].map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </span>);
    f.tiers.forEach((tr, k) => params.push(
      <span key={k} className="nowrap">{tr.op === ">=" ? "≥" : ">"}<Cell testId={`tier-threshold-${item.id}-${k}`} value={tr.threshold.value} onCommit={(v) => edit(E.setTierThreshold(text, item.id, k, v))} />→<Cell testId={`tier-points-${item.id}-${k}`} value={tr.points.value} onCommit={(v) => edit(E.setFormPoints(text, item.id, k, v))} /></span>));
  }
  if (f.type === "Cumulative") params.push(<code key="c">{t(lang, "累计", "sum over")} {f.list.name}：{printExpr(f.value)}</code>);
  if (f.type === "Formula") params.push(<code key="f">{printExpr(f.expr)}</code>);
  const choices = pending ? inputsFor(pending, inputs) : [];
  const judged = f.type === "Judged";
  const showExperts = (judged && expertsOpen) || item.experts !== null;
  const showSub = params.length > 0 || item.notes.length > 0 || noteOpen || own.length > 0 || pending !== null || showExperts;
  return (
    <>
      <tr ref={row} className={`item-row ${focused ? "highlight" : ""}`} data-testid={`struct-item-${item.id}`}>
        <td><button type="button" className="link" onClick={() => onReveal(item.span)}>{item.number.text}</button></td>
        <td><Cell width="100%" multiline title={item.text.value} testId={`item-text-${item.id}`} value={item.text.value} onCommit={(v) => edit(E.setItemText(text, item.id, v))} /></td>
        <td>
          <select data-testid={`form-${item.id}`} value={pending ?? f.type} style={{ width: "100%" }}
            onChange={(e) => {
              const kind = e.target.value as E.FormKind;
              if (kind === "Judged") { setPending(null); edit(E.changeForm(text, item.id, kind)); } else setPending(kind);
            }}>
            {[...FORMS, ...(f.type === "MissingForm" ? ["MissingForm" as const] : [])].map((k) => <option key={k} value={k}>{FORM_NAMES[k]![lang]}</option>)}
          </select>
        </td>
        <td><Cell testId={`points-${item.id}`} width="100%" value={item.points?.value ?? ""} onCommit={(v) => edit(E.setItemPoints(text, item.id, v))} /></td>
        <td><Cell testId={`cap-${item.id}`} width="100%" value={item.cap?.value ?? ""} onCommit={(v) => edit(E.setItemCap(text, item.id, v.trim() === "" ? null : v))} /></td>
        <td className={`nowrap ${own.some((d) => d.severity === "error") ? "bad" : ""}`}>{info ? `${D.format(info.bounds.min)}–${D.format(info.bounds.max)}` : ""}</td>
        <td className="actions nowrap">
          <button type="button" title={t(lang, "上移", "up")} disabled={index === 0} onClick={() => edit(E.moveItem(text, item.id, -1))}>↑</button>
          <button type="button" title={t(lang, "下移", "down")} disabled={index === s.items.length - 1} onClick={() => edit(E.moveItem(text, item.id, 1))}>↓</button>
          <button type="button" title={t(lang, "复制", "duplicate")} onClick={() => edit(E.duplicateItem(text, item.id))}>⧉</button>
          {(judged || item.experts) && <button type="button" title={t(lang, "本项专家评分规则", "this item's own expert rule")} data-testid={`item-experts-open-${item.id}`} onClick={() => setExpertsOpen(!expertsOpen)}>{t(lang, "评", "E")}</button>}
          <button type="button" title={t(lang, "加注", "add a note")} data-testid={`open-note-${item.id}`} onClick={() => setNoteOpen(true)}>{t(lang, "注", "N")}</button>
          <button type="button" title={t(lang, "删除", "remove")} data-testid={`remove-${item.id}`} onClick={() => edit(E.removeItem(text, item.id))}>✕</button>
        </td>
      </tr>
      {showSub && (
        <tr className={`item-sub ${focused ? "highlight" : ""}`}>
          <td />
          <td colSpan={6}>
            {pending !== null && (
              <div className="ask" data-testid={`form-ask-${item.id}`}>
                {FORM_NAMES[pending]![lang]}：{t(lang, "依据哪个输入项？", "which input does it read?")}{" "}
                <select data-testid={`form-input-${item.id}`} defaultValue="" onChange={(e) => { if (e.target.value) { edit(E.changeForm(text, item.id, pending, e.target.value)); setPending(null); } }}>
                  <option value="">{choices.length ? t(lang, "（选择输入项）", "(choose an input)") : t(lang, "（没有合适的输入项，请先在“输入项”中添加）", "(no suitable input: add one under Inputs first)")}</option>
                  {choices.map((n) => <option key={n} value={n}>{n}</option>)}
                </select>
                <button type="button" className="link" onClick={() => setPending(null)}>{t(lang, "取消", "cancel")}</button>
              </div>
            )}
            {params.length > 0 && <div className="params">{params}</div>}
            {showExperts && <ItemExpertsFields s={s} item={item} />}
            <Findings list={own} />
            {(item.notes.length > 0 || noteOpen) && <Notes owner={{ kind: "item", id: item.id }} notes={item.notes} testId={item.id} />}
          </td>
        </tr>
      )}
    </>
  );
}

function AddItem({ sectionId, inputs, onAdd }: { sectionId: string; inputs: readonly Sym[]; onAdd: (text: string, points: string, kind: E.FormKind, input: string | undefined) => void }) {
  const { lang } = useStruct();
  const [state, setState] = useState({ text: "", points: "1", kind: "Judged" as E.FormKind, input: "" });
  const needsInput = state.kind !== "Judged";
  return (
    <span className="add-item">
      <input placeholder={t(lang, "新评分项（通知原文）", "new item (the notice's text)")} data-testid={`new-item-text-${sectionId}`} value={state.text} onChange={(e) => setState({ ...state, text: e.target.value })} />
      <input style={{ width: "3em" }} data-testid={`new-item-points-${sectionId}`} value={state.points} onChange={(e) => setState({ ...state, points: e.target.value })} />
      <select data-testid={`new-item-form-${sectionId}`} value={state.kind} onChange={(e) => setState({ ...state, kind: e.target.value as E.FormKind, input: "" })}>
        {FORMS.map((k) => <option key={k} value={k}>{FORM_NAMES[k]![lang]}</option>)}
      </select>
      {needsInput && (
        <select data-testid={`new-item-input-${sectionId}`} value={state.input} onChange={(e) => setState({ ...state, input: e.target.value })} title={t(lang, "计分依据的输入项", "the input it reads")}>
          <option value="">{t(lang, "（输入项）", "(input)")}</option>
          {inputsFor(state.kind, inputs).map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      )}
      <button type="button" data-testid={`add-item-${sectionId}`} disabled={!state.text || (needsInput && !state.input)}
        onClick={() => { onAdd(state.text, state.points, state.kind, state.input || undefined); setState({ text: "", points: "1", kind: "Judged", input: "" }); }}>+ {t(lang, "添加评分项", "add item")}</button>
    </span>
  );
}

function AddSection({ onAdd }: { onAdd: (id: string, title: string, weight: string) => void }) {
  const { lang } = useStruct();
  const [s, set] = useState({ id: "", title: "", weight: "0" });
  return (
    <div className="add-input">
      <input placeholder={t(lang, "部分编号（如 十二）", "section no.")} data-testid="new-section-id" style={{ width: "8em" }} value={s.id} onChange={(e) => set({ ...s, id: e.target.value })} />
      <input placeholder={t(lang, "名称", "title")} data-testid="new-section-title" value={s.title} onChange={(e) => set({ ...s, title: e.target.value })} />
      <input style={{ width: "3em" }} data-testid="new-section-weight" value={s.weight} onChange={(e) => set({ ...s, weight: e.target.value })} />
      <button type="button" data-testid="add-section" disabled={!s.id || !s.title} onClick={() => { onAdd(s.id, s.title, s.weight); set({ id: "", title: "", weight: "0" }); }}>+ {t(lang, "添加部分", "add section")}</button>
    </div>
  );
}

/**
 * A section's own expert rule (专家评分规则) — combine, rounding, at least N experts, spread — each
 * clause left empty inherits the file's `experts` block (shown as "沿用 …" in the empty field).
 */
function SectionExperts({ s }: { s: SectionDecl }) {
  const { parsed, text, edit, lang } = useStruct();
  const [open, setOpen] = useState(false);
  const x = s.experts;
  const hasJudged = s.items.some((i) => i.form.type === "Judged");
  if (!hasJudged && !x) return null;
  const id = s.id.value;
  if (!x && !open) {
    return <tr className="experts-row"><td /><td colSpan={6}><button type="button" className="link" data-testid={`section-experts-open-${id}`} onClick={() => setOpen(true)}>+ {t(lang, "本部分专家评分规则（默认沿用全文件规则）", "this section's own expert rule (default: the file's)")}</button></td></tr>;
  }
  return (
    <tr className="experts-row" data-testid={`section-experts-${id}`}>
      <td />
      <td colSpan={6}>
        <ExpertRuleFields owner={{ kind: "section", id }} block={x} inherited={sectionInherits(fileExperts(parsed.ast))} prefix="section-experts" id={id} label={t(lang, "本部分专家评分", "this section's expert rule")} />
        {x && <button type="button" className="link" data-testid={`section-experts-remove-${id}`} onClick={() => { setOpen(false); edit(E.setSectionExperts(text, id, {})); }}>{t(lang, "改回全文件规则", "back to the file's rule")}</button>}
      </td>
    </tr>
  );
}
