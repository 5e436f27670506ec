/**
 * What every part of the structure view shares: the cell that commits a value on Enter or blur,
 * a date field shown in Chinese (2025年3月26日), the checker's findings on a row, the notes beside
 * a rule, and the context each part reads (the text, its analysis, and how to apply an edit).
 */
import { createContext, useContext, useState } from "react";
import { edits as E, type CheckResult, type Diagnostic, type ParseResult, type Span } from "@jsqc/dsl";
import type { Lang } from "../i18n.js";

/** The open file as every part of the view sees it. */
export interface StructureContext {
  readonly text: string;
  readonly parsed: ParseResult;
  readonly checked: CheckResult;
  readonly lang: Lang;
  /** Applies edits to the editor's model (one undo step); an empty list does nothing. */
  readonly edit: (es: readonly E.TextEdit[]) => void;
  readonly onReveal: (span: Span) => void;
  /** The start offset of the row the preview asked to show, if any. */
  readonly focus: number | null;
}

export const StructCtx = createContext<StructureContext | null>(null);

/** The structure view's context; only used inside `Structure`. */
export function useStruct(): StructureContext {
  const c = useContext(StructCtx);
  if (!c) throw new Error("useStruct outside <Structure>");
  return c;
}

/** Chinese or English, by the UI's language. */
export function t(lang: Lang, zh: string, en: string): string {
  return lang === "zh" ? zh : en;
}

/** A value edited in place; the edit is made on Enter or when the field loses focus. */
export function Cell({ value, onCommit, testId, width = "4em", title, placeholder, multiline }: {
  value: string; onCommit: (v: string) => void; testId?: string; width?: string; title?: string; placeholder?: string; multiline?: boolean;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft !== null && draft !== value) onCommit(draft);
    setDraft(null);
  };
  if (multiline) {
    return (
      <textarea className="cell" rows={2} style={{ width }} data-testid={testId} title={title} placeholder={placeholder} value={draft ?? value}
        onChange={(e) => setDraft(e.target.value.replace(/\n/g, ""))} onBlur={commit}
        onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); commit(); } if (e.key === "Escape") setDraft(null); }} />
    );
  }
  return (
    <input className="cell" style={{ width }} data-testid={testId} title={title} placeholder={placeholder} value={draft ?? value}
      onChange={(e) => setDraft(e.target.value)} onBlur={commit}
      onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); commit(); } if (e.key === "Escape") setDraft(null); }} />
  );
}

/** `2025-03-26` → `2025年3月26日`. */
export function dateZh(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso;
}

/** A date picker, its value also written out in Chinese beside it. */
export function DateCell({ value, onCommit, testId }: { value: string; onCommit: (v: string) => void; testId?: string }) {
  const { lang } = useStruct();
  return (
    <span className="date-cell">
      <input type="date" className="cell" lang={lang === "zh" ? "zh-CN" : "en"} data-testid={testId} value={value}
        onChange={(e) => { if (e.target.value && e.target.value !== value) onCommit(e.target.value); }} />
      <span className="muted" data-testid={testId ? `${testId}-zh` : undefined}>{lang === "zh" ? dateZh(value) : value}</span>
    </span>
  );
}

export function within(d: Diagnostic, span: Span): boolean {
  return d.span.start.offset >= span.start.offset && d.span.start.offset < span.end.offset;
}

export function Findings({ list }: { list: readonly Diagnostic[] }) {
  const { lang } = useStruct();
  if (list.length === 0) return null;
  return <ul className="findings">{list.map((d, i) => <li key={i} className={d.severity} data-testid={`finding-${d.code}`}>{d.code} {lang === "zh" ? d.message : d.messageEn}</li>)}</ul>;
}

/** The notes (解读、假设) of one rule, each editable and removable, and a field to add one. */
export function Notes({ owner, notes, testId }: { owner: E.NoteOwner; notes: readonly { text: { value: string } }[]; testId: string }) {
  const { text, edit, lang } = useStruct();
  const [adding, setAdding] = useState<string | null>(null);
  return (
    <div className="notes" data-testid={`notes-${testId}`}>
      {notes.map((n, i) => (
        <div key={i} className={`note ${n.text.value.includes("假设") ? "assumption" : ""}`}>
          <span className="note-tag">{n.text.value.includes("假设") ? t(lang, "假设", "assumption") : t(lang, "注", "note")}</span>
          <Cell width="100%" multiline testId={`note-${testId}-${i}`} value={n.text.value} onCommit={(v) => edit(E.setNote(text, owner, i, v))} />
          <button type="button" className="link" title={t(lang, "删除此注", "remove this note")} data-testid={`remove-note-${testId}-${i}`} onClick={() => edit(E.removeNote(text, owner, i))}>✕</button>
        </div>
      ))}
      {adding === null
        ? <button type="button" className="link add-note" data-testid={`add-note-${testId}`} onClick={() => setAdding("")}>+ {t(lang, "注", "note")}</button>
        : (
          <div className="note">
            <input className="cell" style={{ width: "100%" }} autoFocus data-testid={`new-note-${testId}`} placeholder={t(lang, "解读或假设（以“假设：”开头）", "a reading, or an assumption (starting 假设：)")} value={adding}
              onChange={(e) => setAdding(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && adding.trim()) { edit(E.addNote(text, owner, adding.trim())); setAdding(null); }
                if (e.key === "Escape") setAdding(null);
              }} />
          </div>
        )}
    </div>
  );
}

/** Whether the preview asked to show the rule at `span` (the row then gets highlighted and scrolled to). */
export function isFocused(focus: number | null, span: Span): boolean {
  return focus !== null && focus >= span.start.offset && focus < span.end.offset;
}
