/** Grades: pass mark, quota per city, the application window (date pickers, Chinese dates), requirements and notes. */
import { edits as E, type GradeDecl } from "@jsqc/dsl";
import { Cell, DateCell, Findings, Notes, t, useStruct, within } from "./common.js";
import { Requirements } from "./Conditions.js";

export function GradesBlock() {
  const { parsed, text, edit, lang, checked } = useStruct();
  const grades = parsed.ast.declarations.filter((d): d is GradeDecl => d.type === "Grade");
  return (
    <div className="struct-block" id="struct-grades">
      <h4>{t(lang, "等级", "Grades")}</h4>
      {grades.map((g) => {
        const name = g.name.value;
        const own = checked.diagnostics.filter((d) => within(d, g.span) && !g.requirements.some((r) => within(d, r.span)));
        return (
          <div key={name} className="grade-box" data-testid={`struct-grade-${name}`}>
            <div className="grade-head">
              <b>{g.label?.value ?? name}</b>
              <label>{t(lang, "及格分", "pass")} <Cell testId={`pass-${name}`} value={g.pass?.value ?? ""} onCommit={(v) => edit(E.setPassMark(text, name, v))} /></label>
              <label>{t(lang, "每市名额", "quota per city")} <Cell testId={`quota-${name}`} value={g.quota?.value ?? ""} onCommit={(v) => edit(E.setQuota(text, name, v))} /></label>
              <label className="nowrap">{t(lang, "申报期", "window")}{" "}
                <DateCell testId={`window-from-${name}`} value={g.windowFrom?.value ?? ""} onCommit={(v) => edit(E.setWindow(text, name, v, g.windowTo?.value ?? v))} />
                {" "}{t(lang, "至", "to")}{" "}
                <DateCell testId={`window-to-${name}`} value={g.windowTo?.value ?? ""} onCommit={(v) => edit(E.setWindow(text, name, g.windowFrom?.value ?? v, v))} />
              </label>
            </div>
            <Findings list={own} />
            <Requirements grade={name} list={g.requirements} />
            <Notes owner={{ kind: "grade", name }} notes={g.notes} testId={`grade-${name}`} />
          </div>
        );
      })}
    </div>
  );
}
