/** Lookup tables (查分表) as grids, each cell edited in place. */
import { edits as E, type TableDecl } from "@jsqc/dsl";
import { Cell, t, useStruct } from "./common.js";

export function TablesBlock() {
  const { parsed, text, edit, lang } = useStruct();
  const tables = parsed.ast.declarations.filter((d): d is TableDecl => d.type === "Table");
  return (
    <>
      {tables.map((tb) => (
        <div key={tb.name.value} className="struct-block" data-testid={`struct-table-${tb.name.value}`}>
          <h4>{t(lang, "查分表", "Table")} {tb.name.value} {tb.label?.value}</h4>
          <table className="grid">
            {tb.columns.length > 0 && <thead><tr><th />{tb.columns.map((c) => <th key={c.value}>{c.value}</th>)}</tr></thead>}
            <tbody>
              {tb.rows.map((r) => (
                <tr key={r.key.value}>
                  <th>{r.key.value}</th>
                  {r.values.map((v, k) => (
                    <td key={k}><Cell testId={`cell-${tb.name.value}-${r.key.value}-${tb.columns[k]?.value ?? ""}`} value={v.value}
                      onCommit={(x) => edit(E.setTableCell(text, tb.name.value, r.key.value, tb.columns[k]?.value ?? null, x))} /></td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}
