/**
 * What an application states: inputs with every option (type, range, optional, unit, label, help
 * text), enums with their members (add, relabel, rename and remove — every use follows), and the
 * records a list input's entries have. Types read in Chinese.
 */
import { useState } from "react";
import { edits as E, typeEn, typeZh, type EnumDecl, type RecordDecl } from "@jsqc/dsl";
import { Cell, Findings, t, useStruct, within } from "./common.js";

const NEW_TYPES: { value: string; zh: string; en: string }[] = [
  { value: "decimal", zh: "数值", en: "number" },
  { value: "count", zh: "计数", en: "count" },
  { value: "yesno", zh: "是/否", en: "yes/no" },
  { value: "date", zh: "日期", en: "date" },
  { value: "text", zh: "文字", en: "text" },
];

export function InputsBlock() {
  const { checked, text, edit, lang } = useStruct();
  const [refusal, setRefusal] = useState<string | null>(null);
  const inputs = [...checked.model.symbols.values()].flatMap((s) => (s.kind === "input" ? [s] : []));
  const apply = (r: E.TextEdit[] | E.EditRefusal) => {
    if (E.isRefusal(r)) setRefusal(lang === "zh" ? r.error.zh : r.error.en);
    else { setRefusal(null); edit(r); }
  };
  return (
    <div className="struct-block" id="struct-inputs">
      <h4>{t(lang, "输入项", "Inputs")}</h4>
      {refusal && <div className="bad" data-testid="inputs-refusal">{refusal}</div>}
      <table className="grid inputs-grid">
        <colgroup><col style={{ width: "9em" }} /><col style={{ width: "6.5em" }} /><col /><col style={{ width: "7.5em" }} /><col style={{ width: "3em" }} /><col style={{ width: "5.2em" }} /></colgroup>
        <thead><tr><th>{t(lang, "名称", "Name")}</th><th>{t(lang, "类型", "Type")}</th><th>{t(lang, "标签 / 填写说明", "Label / help")}</th><th>{t(lang, "范围", "Range")}</th><th>{t(lang, "单位", "Unit")}</th><th>{t(lang, "可不填", "Optional")}</th></tr></thead>
        <tbody>
          {inputs.map((s) => {
            const d = s.decl;
            const o = d.options;
            const numeric = s.type.kind === "count" || s.type.kind === "number";
            return (
              <tr key={s.name} data-testid={`struct-input-${s.name}`}>
                <td><Cell width="100%" testId={`input-name-${s.name}`} value={s.name} onCommit={(v) => apply(E.renameAt(text, d.name.span.start.offset, v.trim()))} /></td>
                <td className="muted">{lang === "zh" ? typeZh(s.type) : typeEn(s.type)}</td>
                <td>
                  <Cell width="100%" testId={`input-label-${s.name}`} value={d.label?.value ?? ""} onCommit={(v) => edit(E.setInputLabel(text, s.name, v))} />
                  <Cell width="100%" testId={`input-help-${s.name}`} placeholder={t(lang, "填写说明", "help text")} value={o.help?.value ?? ""} onCommit={(v) => edit(E.setInputOption(text, s.name, "help", v.trim() ? v : null))} />
                  <Findings list={checked.diagnostics.filter((x) => within(x, d.span))} />
                </td>
                <td className="nowrap">
                  {numeric && <>
                    <Cell width="2.8em" testId={`input-min-${s.name}`} value={o.min?.value ?? ""} onCommit={(v) => edit(E.setInputOption(text, s.name, "min", v.trim() ? v : null))} />–
                    <Cell width="3.6em" testId={`input-max-${s.name}`} value={o.max?.value ?? ""} onCommit={(v) => edit(E.setInputOption(text, s.name, "max", v.trim() ? v : null))} />
                  </>}
                </td>
                <td>{numeric && <Cell width="100%" testId={`input-unit-${s.name}`} value={o.unit?.value ?? ""} onCommit={(v) => edit(E.setInputOption(text, s.name, "unit", v.trim() ? v : null))} />}</td>
                <td><input type="checkbox" data-testid={`input-optional-${s.name}`} checked={o.optional !== null} onChange={(e) => edit(E.setInputOptional(text, s.name, e.target.checked))} /></td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <AddInput />
      <EnumsAndRecords onRefusal={setRefusal} />
    </div>
  );
}

function AddInput() {
  const { text, edit, lang } = useStruct();
  const empty = { name: "", type: "decimal", label: "", optional: false, min: "", max: "", unit: "" };
  const [n, set] = useState(empty);
  const numeric = n.type === "decimal" || n.type === "count";
  const options = [
    numeric && n.min.trim() ? `min ${n.min.trim()}` : "",
    numeric && n.max.trim() ? `max ${n.max.trim()}` : "",
    numeric && n.unit.trim() ? `unit ${JSON.stringify(n.unit.trim())}` : "",
    n.optional ? "optional" : "",
  ].filter(Boolean).join(" ");
  return (
    <div className="add-input">
      <input placeholder={t(lang, "名称", "name")} style={{ width: "8em" }} data-testid="new-input-name" value={n.name} onChange={(e) => set({ ...n, name: e.target.value })} />
      <select data-testid="new-input-type" value={n.type} onChange={(e) => set({ ...n, type: e.target.value })}>
        {NEW_TYPES.map((x) => <option key={x.value} value={x.value}>{x[lang]}</option>)}
      </select>
      <input placeholder={t(lang, "中文标签", "Chinese label")} data-testid="new-input-label" value={n.label} onChange={(e) => set({ ...n, label: e.target.value })} />
      {numeric && <>
        <input placeholder={t(lang, "最小", "min")} style={{ width: "3em" }} data-testid="new-input-min" value={n.min} onChange={(e) => set({ ...n, min: e.target.value })} />
        <input placeholder={t(lang, "最大", "max")} style={{ width: "3em" }} data-testid="new-input-max" value={n.max} onChange={(e) => set({ ...n, max: e.target.value })} />
        <input placeholder={t(lang, "单位", "unit")} style={{ width: "2.5em" }} data-testid="new-input-unit" value={n.unit} onChange={(e) => set({ ...n, unit: e.target.value })} />
      </>}
      <label className="nowrap"><input type="checkbox" data-testid="new-input-optional" checked={n.optional} onChange={(e) => set({ ...n, optional: e.target.checked })} />{t(lang, "可不填", "optional")}</label>
      <button type="button" data-testid="add-input" disabled={!n.name} onClick={() => { edit(E.addInput(text, n.name, n.type, n.label || n.name, options)); set(empty); }}>+ {t(lang, "添加输入项", "add input")}</button>
    </div>
  );
}

function EnumsAndRecords({ onRefusal }: { onRefusal: (m: string | null) => void }) {
  const { parsed, checked, lang } = useStruct();
  const enums = parsed.ast.declarations.filter((d): d is EnumDecl => d.type === "Enum");
  const records = parsed.ast.declarations.filter((d): d is RecordDecl => d.type === "Record");
  return (
    <div className="enums">
      <h4>{t(lang, "枚举（可选值）", "Enums")}</h4>
      {enums.map((e) => <EnumBox key={e.name.value} e={e} onRefusal={onRefusal} />)}
      <h4>{t(lang, "记录类型", "Records")}</h4>
      {records.map((r) => {
        const fields = checked.model.records.get(r.name.value);
        return (
          <div key={r.name.value} className="enum-box" data-testid={`struct-record-${r.name.value}`}>
            <b>{r.name.value}</b> <span className="muted">{r.label?.value}</span>：
            {r.fields.map((f) => {
              const sym = fields?.get(f.name.value);
              const ty = sym && sym.kind === "field" ? (lang === "zh" ? typeZh(sym.type) : typeEn(sym.type)) : "";
              return <span key={f.name.value} className="chip">{f.name.value}<span className="muted">（{ty}）</span></span>;
            })}
          </div>
        );
      })}
    </div>
  );
}

function EnumBox({ e, onRefusal }: { e: EnumDecl; onRefusal: (m: string | null) => void }) {
  const { text, edit, lang } = useStruct();
  const [m, setM] = useState({ name: "", label: "" });
  const name = e.name.value;
  const apply = (r: E.TextEdit[] | E.EditRefusal) => {
    if (E.isRefusal(r)) onRefusal(lang === "zh" ? r.error.zh : r.error.en);
    else { onRefusal(null); edit(r); }
  };
  return (
    <div className="enum-box" data-testid={`struct-enum-${name}`}>
      <b>{name}</b> <span className="muted">{e.label?.value}</span>
      <div className="members">
        {e.members.map((x) => (
          <span key={x.name.value} className="chip">
            <Cell width="7em" testId={`member-name-${name}-${x.name.value}`} value={x.name.value} onCommit={(v) => apply(E.renameEnumMember(text, name, x.name.value, v.trim()))} />
            <Cell width="11em" testId={`member-label-${name}-${x.name.value}`} value={x.label?.value ?? ""} onCommit={(v) => edit(E.setEnumMemberLabel(text, name, x.name.value, v))} />
            <button type="button" className="link" title={t(lang, "删除此值", "remove this member")} data-testid={`remove-member-${name}-${x.name.value}`} onClick={() => apply(E.removeEnumMember(text, name, x.name.value))}>✕</button>
          </span>
        ))}
        <span className="chip">
          <input className="cell" style={{ width: "7em" }} placeholder={t(lang, "新值", "new member")} data-testid={`new-member-name-${name}`} value={m.name} onChange={(ev) => setM({ ...m, name: ev.target.value })} />
          <input className="cell" style={{ width: "11em" }} placeholder={t(lang, "显示文字", "label")} data-testid={`new-member-label-${name}`} value={m.label} onChange={(ev) => setM({ ...m, label: ev.target.value })} />
          <button type="button" data-testid={`add-member-${name}`} disabled={!m.name.trim()} onClick={() => { edit(E.addEnumMember(text, name, m.name.trim(), m.label.trim())); setM({ name: "", label: "" }); }}>+</button>
        </span>
      </div>
    </div>
  );
}
