/**
 * Conditions — vetoes (否决项), the basic eligibility (基本条件) and each grade's requirements —
 * edited through a form for the notice's common shapes (a dated record of a kind within N years or
 * months before the application date; a grade held at least N full years; granted in an earlier
 * calendar year; no published falsification within N years), with the condition's text always
 * shown below it as a checked expression field with live diagnostics for anything else.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { check, conditions as C, edits as E, parse, printExpr, type ConditionPattern, type Diagnostic, type EligibilityDecl, type PatternKind, type Requirement, type Sym, type VetoDecl, type VetoGroupDecl } from "@jsqc/dsl";
import { Cell, Findings, Notes, isFocused, t, useStruct, within, type StructureContext } from "./common.js";

const PATTERN_NAMES: Record<PatternKind | "expression", { zh: string; en: string }> = {
  recordWithin: { zh: "期限内有某类记录", en: "a record of a kind within a period" },
  heldFor: { zh: "取得某等级满 N 年", en: "a grade held at least N years" },
  earlierYear: { zh: "在上一年度或更早取得", en: "granted in an earlier calendar year" },
  noRecentFinding: { zh: "期限内未被通报", en: "no published finding within a period" },
  expression: { zh: "其他（表达式）", en: "other (expression)" },
};

/** The diagnostics a condition would get in place: the file with the edit made, checked, findings inside the new text. */
export function diagnosticsInPlace(text: string, edits: readonly E.TextEdit[]): Diagnostic[] {
  const e = edits[0];
  if (!e) return [];
  const candidate = E.applyEdits(text, edits);
  // Offsets of other edits before this one would shift it; the callers make one edit.
  const from = e.start;
  const to = e.start + e.text.length;
  return check(parse(candidate)).diagnostics.filter((d) => d.span.start.offset >= from && d.span.start.offset <= to);
}

/** What the pattern fields can offer: list inputs with their enum and date fields, date inputs, the application date. */
function choices(ctx: StructureContext) {
  const syms = [...ctx.checked.model.symbols.values()];
  const anchor = ctx.parsed.ast.header?.applicationDate?.name ?? "申报日期";
  const lists = syms.flatMap((s) => {
    if (s.kind !== "input" || s.type.kind !== "list") return [];
    const fields = [...(ctx.checked.model.records.get(s.type.record)?.values() ?? [])].filter((f): f is Extract<Sym, { kind: "field" }> => f.kind === "field");
    return [{ name: s.name, enumFields: fields.filter((f) => f.type.kind === "enum"), dateFields: fields.filter((f) => f.type.kind === "date").map((f) => f.name) }];
  });
  const dates = syms.filter((s) => s.kind === "input" && s.type.kind === "date" && s.name !== anchor).map((s) => s.name);
  const members = (enumName: string) => {
    const e = syms.find((s) => s.kind === "enum" && s.name === enumName);
    return e?.kind === "enum" ? e.decl.members.map((m) => ({ name: m.name.value, label: m.label?.value ?? m.name.value })) : [];
  };
  return { anchor, lists, dates, members };
}

function defaultPattern(kind: PatternKind, ctx: StructureContext): ConditionPattern | null {
  const c = choices(ctx);
  const date = c.dates[0];
  switch (kind) {
    case "recordWithin": {
      const l = c.lists.find((x) => x.enumFields.length && x.dateFields.length);
      const f = l?.enumFields[0];
      const m = f && f.type.kind === "enum" ? c.members(f.type.name)[0] : undefined;
      return l && f && m ? { kind, list: l.name, field: f.name, member: m.name, dateField: l.dateFields[0]!, amount: "2", unit: "years", anchor: c.anchor } : null;
    }
    case "heldFor": return date ? { kind, date, amount: "2", unit: "years", anchor: c.anchor } : null;
    case "earlierYear": return date ? { kind, date, anchor: c.anchor } : null;
    case "noRecentFinding": return date ? { kind, date, amount: "3", unit: "years", anchor: c.anchor } : null;
  }
}

/**
 * A condition: the pattern's fields when it has one, and its text, checked as it is typed.
 * `onCommit` gets condition text that checks without errors in place (`inPlace`); with `live`,
 * every keystroke is reported (the add forms keep it until their button is pressed).
 */
export function ConditionEditor({ value, inPlace, onCommit, testId, live, textTestId }: {
  value: string; inPlace: (cond: string) => Diagnostic[]; onCommit: (cond: string) => void; testId: string; live?: boolean; textTestId?: string;
}) {
  const ctx = useStruct();
  const { lang } = ctx;
  const [draft, setDraft] = useState<string | null>(null);
  const current = live ? value : draft ?? value;
  const pattern = useMemo(() => C.recognizeText(current), [current]);
  const diags = useMemo(() => (current.trim() ? inPlace(current) : []), [current, inPlace]);
  const errors = diags.filter((d) => d.severity === "error");
  const c = choices(ctx);
  const commit = (cond: string) => {
    if (live) { onCommit(cond); return; }
    if (cond.trim() === value.trim()) { setDraft(null); return; }
    if (inPlace(cond).some((d) => d.severity === "error")) { setDraft(cond); return; }
    setDraft(null);
    onCommit(cond);
  };
  const setPattern = (p: ConditionPattern) => commit(C.conditionText(p));
  const unitSelect = (p: Extract<ConditionPattern, { unit: string }>) => (
    <select data-testid={`${testId}-unit`} value={p.unit} onChange={(e) => setPattern({ ...p, unit: e.target.value as "years" | "months" })}>
      <option value="years">{t(lang, "年", "years")}</option>
      <option value="months">{t(lang, "个月", "months")}</option>
    </select>
  );
  const amountCell = (p: Extract<ConditionPattern, { amount: string }>) => (
    <Cell width="2.6em" testId={`${testId}-amount`} value={p.amount} onCommit={(v) => setPattern({ ...p, amount: v.trim() })} />
  );
  const dateSelect = (p: Extract<ConditionPattern, { date: string }>) => (
    <select data-testid={`${testId}-date`} value={p.date} onChange={(e) => setPattern({ ...p, date: e.target.value })}>
      {[...new Set([p.date, ...c.dates])].map((d) => <option key={d} value={d}>{d}</option>)}
    </select>
  );
  let fields: ReactNode = null;
  if (pattern?.kind === "recordWithin") {
    const l = c.lists.find((x) => x.name === pattern.list);
    const f = l?.enumFields.find((x) => x.name === pattern.field);
    const members = f && f.type.kind === "enum" ? c.members(f.type.name) : [];
    fields = (
      <span className="pattern-fields">
        {pattern.anchor}{t(lang, "前", " minus ")}{amountCell(pattern)}{unitSelect(pattern)}{t(lang, "内，", ", ")}
        <select data-testid={`${testId}-list`} value={pattern.list} onChange={(e) => { const p = defaultPattern("recordWithin", ctx); if (p?.kind === "recordWithin") setPattern({ ...p, list: e.target.value, amount: pattern.amount, unit: pattern.unit }); }}>
          {[...new Set([pattern.list, ...c.lists.map((x) => x.name)])].map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
        {t(lang, "中有", " holds ")}{pattern.field}{t(lang, "为", " = ")}
        <select data-testid={`${testId}-member`} value={pattern.member} onChange={(e) => setPattern({ ...pattern, member: e.target.value })}>
          {[...new Set([pattern.member, ...members.map((m) => m.name)])].map((m) => <option key={m} value={m}>{members.find((x) => x.name === m)?.label ?? m}</option>)}
        </select>
        {t(lang, "的记录（按", " (by ")}{pattern.dateField}{t(lang, "）", ")")}
      </span>
    );
  } else if (pattern?.kind === "heldFor") {
    fields = <span className="pattern-fields">{dateSelect(pattern)} {t(lang, "不晚于", "on or before")} {pattern.anchor}{t(lang, "前", " minus ")}{amountCell(pattern)}{unitSelect(pattern)}</span>;
  } else if (pattern?.kind === "earlierYear") {
    fields = <span className="pattern-fields">{dateSelect(pattern)} {t(lang, "所在年度早于", "in a year before that of")} {pattern.anchor}</span>;
  } else if (pattern?.kind === "noRecentFinding") {
    fields = <span className="pattern-fields">{dateSelect(pattern)} {t(lang, "不在", "not within")} {pattern.anchor}{t(lang, "前", " minus ")}{amountCell(pattern)}{unitSelect(pattern)}{t(lang, "之内", "")}</span>;
  }
  const kind: PatternKind | "expression" = pattern?.kind ?? "expression";
  return (
    <div className="condition" data-testid={testId}>
      <div className="nowrap-line">
        <select data-testid={`${testId}-kind`} value={kind} onChange={(e) => {
          const k = e.target.value as PatternKind | "expression";
          if (k === "expression") return;
          const p = defaultPattern(k, ctx);
          if (p) setPattern(p);
        }}>
          {(Object.keys(PATTERN_NAMES) as (PatternKind | "expression")[]).map((k) => <option key={k} value={k} disabled={k !== "expression" && k !== kind && !defaultPattern(k, ctx)}>{PATTERN_NAMES[k][lang]}</option>)}
        </select>{" "}
        {fields}
      </div>
      <textarea className={`cell expr ${errors.length ? "has-errors" : ""}`} rows={1} data-testid={textTestId ?? `${testId}-text`} value={current} spellCheck={false}
        placeholder={t(lang, "条件，如 any(不良记录 where …)", "condition, e.g. any(不良记录 where …)")}
        onChange={(e) => { const v = e.target.value.replace(/\n/g, " "); setDraft(v); if (live) onCommit(v); }}
        onBlur={() => { if (!live && draft !== null) commit(draft); }}
        onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); if (!live && draft !== null) commit(draft); } if (e.key === "Escape") setDraft(null); }} />
      {diags.length > 0 && <Findings list={diags} />}
    </div>
  );
}

export function VetoesBlock() {
  const { parsed, text, edit, lang } = useStruct();
  const groups = parsed.ast.declarations.filter((d): d is VetoGroupDecl => d.type === "VetoGroup");
  return (
    <div className="struct-block" id="struct-vetoes">
      {groups.map((g) => (
        <div key={g.id.value}>
          <h4>{g.id.value} {g.title.value}</h4>
          {g.vetoes.map((v) => <VetoRow key={v.id} v={v} />)}
        </div>
      ))}
      {groups.length === 0 && <h4>{t(lang, "否决项", "Vetoes")}</h4>}
      <AddCondition testId="new-veto" textPlaceholder={t(lang, "否决情形（通知原文）", "the veto as the notice words it")}
        build={(label, cond) => E.addVeto(text, label, cond)} onAdd={(es) => edit(es)} buttonTestId="add-veto" buttonText={t(lang, "添加否决项", "add veto")} />
    </div>
  );
}

function VetoRow({ v }: { v: VetoDecl }) {
  const { text, edit, lang, checked, focus } = useStruct();
  const ref = useRef<HTMLDivElement>(null);
  const focused = isFocused(focus, v.span);
  useEffect(() => { if (focused) ref.current?.scrollIntoView({ block: "center" }); }, [focused, focus]);
  const inPlace = useMemo(() => (cond: string) => diagnosticsInPlace(text, E.setVetoCondition(text, v.id, cond)), [text, v.id]);
  return (
    <div ref={ref} className={`rule-row ${focused ? "highlight" : ""}`} data-testid={`struct-veto-${v.id}`}>
      <div className="rule-head">
        <span className="rule-id">{v.number.text}</span>
        <Cell width="100%" multiline testId={`veto-text-${v.id}`} value={v.text.value} onCommit={(x) => edit(E.setVetoText(text, v.id, x))} />
        <button type="button" className="link" data-testid={`remove-veto-${v.id}`} onClick={() => edit(E.removeVeto(text, v.id))}>{t(lang, "删除", "remove")}</button>
      </div>
      <ConditionEditor testId={`veto-when-${v.id}`} value={printExpr(v.when)} inPlace={inPlace} onCommit={(cond) => edit(E.setVetoCondition(text, v.id, cond))} />
      <Findings list={checked.diagnostics.filter((d) => within(d, v.span) && !within(d, v.when.span))} />
      <Notes owner={{ kind: "veto", id: v.id }} notes={v.notes} testId={`veto-${v.id}`} />
    </div>
  );
}

/** The text and condition of a new veto or requirement, added by the button once both are there and check. */
export function AddCondition({ testId, textPlaceholder, build, onAdd, buttonTestId, buttonText }: {
  testId: string; textPlaceholder: string; build: (label: string, cond: string) => E.TextEdit[]; onAdd: (es: E.TextEdit[]) => void; buttonTestId: string; buttonText: string;
}) {
  const { text } = useStruct();
  const [label, setLabel] = useState("");
  const [cond, setCond] = useState("");
  const inPlace = useMemo(() => (c: string) => diagnosticsInPlace(text, build(label || "?", c)), [text, label, build]);
  const ok = label.trim() !== "" && cond.trim() !== "" && !inPlace(cond).some((d) => d.severity === "error");
  return (
    <div className="add-condition">
      <input className="cell" style={{ width: "100%" }} placeholder={textPlaceholder} data-testid={`${testId}-text`} value={label} onChange={(e) => setLabel(e.target.value)} />
      <ConditionEditor testId={`${testId}-cond`} textTestId={`${testId}-when`} value={cond} live inPlace={inPlace} onCommit={setCond} />
      <button type="button" data-testid={buttonTestId} disabled={!ok} onClick={() => { onAdd(build(label.trim(), cond.trim())); setLabel(""); setCond(""); }}>+ {buttonText}</button>
    </div>
  );
}

/** `require` rows of the eligibility block or a grade. */
export function Requirements({ grade, list }: { grade: string | null; list: readonly Requirement[] }) {
  const { text, edit, lang } = useStruct();
  const key = grade ?? "eligibility";
  return (
    <div className="requirements" data-testid={`requirements-${key}`}>
      {list.map((r, i) => <RequirementRow key={i} grade={grade} index={i} r={r} />)}
      <AddCondition testId={`new-require-${key}`} textPlaceholder={t(lang, "条件（通知原文）", "the condition as the notice words it")}
        build={(label, cond) => E.addRequirement(text, grade, label, cond)} onAdd={(es) => edit(es)} buttonTestId={`add-require-${key}`} buttonText={t(lang, "添加条件", "add requirement")} />
    </div>
  );
}

function RequirementRow({ grade, index, r }: { grade: string | null; index: number; r: Requirement }) {
  const { text, edit, lang, checked, focus } = useStruct();
  const key = `${grade ?? "eligibility"}-${index}`;
  const ref = useRef<HTMLDivElement>(null);
  const focused = isFocused(focus, r.span);
  useEffect(() => { if (focused) ref.current?.scrollIntoView({ block: "center" }); }, [focused, focus]);
  const inPlace = useMemo(() => (cond: string) => diagnosticsInPlace(text, E.setRequirementCondition(text, grade, index, cond)), [text, grade, index]);
  return (
    <div ref={ref} className={`rule-row ${focused ? "highlight" : ""}`} data-testid={`struct-require-${key}`}>
      <div className="rule-head">
        <Cell width="100%" multiline testId={`require-label-${key}`} value={r.label.value} onCommit={(x) => edit(E.setRequirementLabel(text, grade, index, x))} />
        <button type="button" className="link" data-testid={`remove-require-${key}`} onClick={() => edit(E.removeRequirement(text, grade, index))}>{t(lang, "删除", "remove")}</button>
      </div>
      <ConditionEditor testId={`require-when-${key}`} value={printExpr(r.condition)} inPlace={inPlace} onCommit={(cond) => edit(E.setRequirementCondition(text, grade, index, cond))} />
      <Findings list={checked.diagnostics.filter((d) => within(d, r.span) && !within(d, r.condition.span))} />
      <Notes owner={{ kind: "requirement", grade, index }} notes={r.notes} testId={`require-${key}`} />
    </div>
  );
}

export function EligibilityBlock() {
  const { parsed, lang } = useStruct();
  const e = parsed.ast.declarations.find((d): d is EligibilityDecl => d.type === "Eligibility");
  if (!e) return null;
  return (
    <div className="struct-block" id="struct-eligibility" data-testid="struct-eligibility">
      <h4>{e.title?.value ?? t(lang, "基本条件", "Eligibility")}</h4>
      <Requirements grade={null} list={e.requirements} />
    </div>
  );
}
