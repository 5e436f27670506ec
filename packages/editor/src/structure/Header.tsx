/** The ruleset's header: year, the notice's document number, the effective period, and its notes. */
import { edits as E } from "@jsqc/dsl";
import { Cell, DateCell, Findings, Notes, t, useStruct, within } from "./common.js";

export function HeaderBlock() {
  const { parsed, checked, text, edit, lang } = useStruct();
  const h = parsed.ast.header;
  if (!h) return null;
  return (
    <div className="struct-block" id="struct-header" data-testid="struct-header">
      <h4>{t(lang, "规则集", "Ruleset")}：{h.title.value}</h4>
      <div className="header-grid">
        <label>{t(lang, "年度", "Year")} <Cell testId="header-year" width="4em" value={h.year?.value ?? ""} onCommit={(v) => edit(E.setYear(text, v))} /></label>
        <label>{t(lang, "文号", "Document")} <Cell testId="header-document" width="13em" value={h.document?.value ?? ""} onCommit={(v) => edit(E.setDocument(text, v))} /></label>
        <label>
          {t(lang, "有效期", "Effective")}{" "}
          <DateCell testId="header-effective-from" value={h.effectiveFrom?.value ?? ""} onCommit={(v) => edit(E.setEffective(text, v, h.effectiveTo?.value ?? v))} />
          {" "}{t(lang, "至", "to")}{" "}
          <DateCell testId="header-effective-to" value={h.effectiveTo?.value ?? ""} onCommit={(v) => edit(E.setEffective(text, h.effectiveFrom?.value ?? v, v))} />
        </label>
      </div>
      <Findings list={checked.diagnostics.filter((d) => within(d, h.span))} />
      <Notes owner={{ kind: "header" }} notes={h.notes} testId="header" />
    </div>
  );
}
