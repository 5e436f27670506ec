/**
 * The visual view: the open rule file as the notice's table and forms — header, sections and items
 * with their points, scoring forms and caps, lookup tables, inputs, enums and records, vetoes,
 * eligibility, grades with their windows and requirements, and the notes beside each rule — with
 * the live section and total sums and the checker's findings on the row they concern. Each
 * construct has its own component under structure/. Every change is a minimal text edit of the
 * rule file (`edits` in the dsl), applied to the editor's model so it shares the text's undo
 * history; comments and untouched rules stay as they were.
 */
import { useContext, useMemo } from "react";
import { parse, check, decimal as D, edits as E, type Span } from "@jsqc/dsl";
import { LangContext, useWords } from "./i18n.js";
import { Cell, StructCtx, t, type StructureContext } from "./structure/common.js";
import { HeaderBlock } from "./structure/Header.js";
import { FileExpertsBlock } from "./structure/Experts.js";
import { SectionsBlock } from "./structure/Sections.js";
import { TablesBlock } from "./structure/Tables.js";
import { InputsBlock } from "./structure/Inputs.js";
import { EligibilityBlock, VetoesBlock } from "./structure/Conditions.js";
import { GradesBlock } from "./structure/Grades.js";

interface Props {
  readonly text: string;
  readonly onEdits: (edits: readonly E.TextEdit[]) => void;
  readonly onUndo: () => void;
  readonly onRedo: () => void;
  readonly onReveal: (span: Span) => void;
  /** A place in the text (1-based line and column) the preview asked to show: its row is highlighted and scrolled to. */
  readonly focus?: { readonly line: number; readonly column: number } | null;
}

const PARTS: { id: string; zh: string; en: string }[] = [
  { id: "struct-header", zh: "头部", en: "Header" },
  { id: "struct-sections", zh: "评分", en: "Scoring" },
  { id: "struct-inputs", zh: "输入项", en: "Inputs" },
  { id: "struct-vetoes", zh: "否决项", en: "Vetoes" },
  { id: "struct-eligibility", zh: "基本条件", en: "Eligibility" },
  { id: "struct-grades", zh: "等级", en: "Grades" },
];

export function Structure({ text, onEdits, onUndo, onRedo, onReveal, focus }: Props) {
  const w = useWords();
  const lang = useContext(LangContext);
  const ctx = useMemo<StructureContext>(() => {
    const parsed = parse(text);
    let focusOffset: number | null = null;
    if (focus) {
      const lines = text.split("\n");
      focusOffset = lines.slice(0, focus.line - 1).reduce((n, l) => n + l.length + 1, 0) + focus.column - 1;
    }
    return { text, parsed, checked: check(parsed), lang, edit: (es) => { if (es.length) onEdits(es); }, onReveal, focus: focusOffset };
  }, [text, lang, onEdits, onReveal, focus]);
  const { parsed, checked } = ctx;
  const summary = checked.model.summary;
  const total = summary.total;
  const totalOk = total !== null && summary.weightSum === total;
  const syntaxBroken = parsed.diagnostics.some((d) => d.severity === "error");

  return (
    <StructCtx.Provider value={ctx}>
      <div className="structure" data-testid="structure">
        <div className="structure-bar">
          <button type="button" onClick={onUndo} title="Ctrl+Z">↶ {t(lang, "撤销", "Undo")}</button>
          <button type="button" onClick={onRedo} title="Ctrl+Y">↷ {t(lang, "重做", "Redo")}</button>
          <span className={totalOk ? "ok nowrap" : "bad nowrap"} data-testid="struct-total">
            {t(lang, "各部分满分合计", "sections sum to")} {D.format(summary.weightSum)} / {t(lang, "总分", "total")}{" "}
            <Cell testId="total-input" value={parsed.ast.header?.total?.value ?? ""} onCommit={(v) => ctx.edit(E.setTotal(text, v))} /> {totalOk ? "✓" : "✗"}
          </span>
          <nav className="struct-nav">
            {PARTS.map((p) => <a key={p.id} href={`#${p.id}`} onClick={(e) => { e.preventDefault(); document.getElementById(p.id)?.scrollIntoView(); }}>{p[lang]}</a>)}
          </nav>
          {syntaxBroken && <span className="bad">{w.stale}</span>}
        </div>
        <HeaderBlock />
        <FileExpertsBlock />
        <SectionsBlock />
        <TablesBlock />
        <InputsBlock />
        <VetoesBlock />
        <EligibilityBlock />
        <GradesBlock />
      </div>
    </StructCtx.Provider>
  );
}
