/**
 * Compare the open rule file with another (e.g. the 2025 draft against 2024): the semantic diff
 * in the notice's terms, and its impact on the example applications — old and new totals and
 * outcomes, the items that moved them, summary counts — exportable as CSV.
 */
import { useEffect, useMemo, useState } from "react";
import { diffRuleFiles, type RuleDiff } from "@jsqc/dsl";
import { compile, impact, type ImpactReport } from "@jsqc/engine";
import { api, type FileInfo } from "./api.js";
import { useWords } from "./i18n.js";

function csv(rows: string[][]): string {
  return "\ufeff" + rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",")).join("\n") + "\n";
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function CompareDialog({ name, text, files, onClose }: { name: string; text: string; files: readonly FileInfo[]; onClose: () => void }) {
  const w = useWords();
  const others = files.filter((f) => f.name !== name);
  const year = Number(name.slice(0, 4));
  const guess = others.find((f) => f.kind === "published" && Number(f.year) === year - 1) ?? others[0];
  const [other, setOther] = useState(guess?.name ?? "");
  const [otherText, setOtherText] = useState<string | null>(null);
  const [report, setReport] = useState<ImpactReport | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    if (!other) return;
    setOtherText(null);
    void api.file(other).then((f) => setOtherText(f.source), (e: Error) => setError(e.message));
  }, [other]);

  const diff: RuleDiff | null = useMemo(() => (otherText === null ? null : diffRuleFiles(otherText, text)), [otherText, text]);

  useEffect(() => {
    if (otherText === null) return;
    setReport(null);
    void (async () => {
      const a = compile(otherText, other);
      const b = compile(text, name);
      if (!a.ok || !b.ok) { setError(w.compareErrors); return; }
      const list = await api.examples();
      const apps = await Promise.all(list.map(async (e) => ({ name: e.name, app: await api.example(e.name) })));
      setReport(impact(a.ruleset, b.ruleset, apps, diff ? { diff } : {}));
    })().catch((e: Error) => setError(e.message));
  }, [otherText, text, other, name, diff, w.compareErrors]);

  const exportCsv = () => {
    if (!report) return;
    const rows = [["申请", "企业", "申报等级", "原总分", "新总分", "变化", "原结论", "新结论", "变动的评分项"]];
    for (const r of report.rows) {
      rows.push([r.name, r.enterprise ?? "", r.grade ?? "", r.old?.total ?? "", r.new?.total ?? "", r.delta ?? "",
        r.old ? (r.old.granted ? "予以认定" : "不予认定") : "", r.new ? (r.new.granted ? "予以认定" : "不予认定") : "",
        r.movedItems.map((m) => `${m.id} ${m.old ?? "—"}→${m.new ?? "—"}`).join("；")]);
    }
    download(`对比-${other}-${name}.csv`, csv(rows));
  };

  return (
    <div className="modal" data-testid="compare">
      <div className="dialog wide">
        <h3>{w.compare}：
          <select data-testid="compare-with" value={other} onChange={(e) => setOther(e.target.value)}>
            {others.map((f) => <option key={f.name} value={f.name}>{f.name}</option>)}
          </select> → {name}
        </h3>
        {error && <p className="bad">{error}</p>}
        <div className="compare">
          <section>
            <h4>{w.changes}（{diff?.changes.length ?? "…"}）</h4>
            <ul data-testid="diff-list">
              {diff?.changes.map((c, i) => <li key={i} data-testid="diff-change">{c.what}</li>)}
              {diff && diff.changes.length === 0 && <li>{w.noChanges}</li>}
            </ul>
          </section>
          <section>
            <h4>{w.impact}
              <button type="button" className="link" data-testid="export-csv" disabled={!report} onClick={exportCsv}> ⤓ CSV</button>
            </h4>
            {report && (
              <>
                <p data-testid="impact-summary">
                  {w.impactSummary(report.summary.count, report.summary.gained, report.summary.lost, report.summary.meanDelta ?? "—")}
                </p>
                <table className="grid" data-testid="impact-table">
                  <thead><tr><th>{w.application}</th><th>{w.grade}</th><th>{w.total}</th><th>Δ</th><th>{w.outcome}</th><th>{w.items}</th></tr></thead>
                  <tbody>
                    {report.rows.map((r) => (
                      <tr key={r.name} data-testid={`impact-${r.name}`}>
                        <td title={r.name}>{r.enterprise ?? r.name}</td>
                        <td>{r.grade}</td>
                        <td>{r.old?.total ?? "—"} → {r.new?.total ?? "—"}</td>
                        <td className={r.delta?.startsWith("-") ? "bad" : ""}>{r.delta ?? ""}</td>
                        <td>{r.outcome === "gained" ? "↑" : r.outcome === "lost" ? "↓" : ""} {r.new ? (r.new.granted ? w.granted : w.notGranted) : r.error?.message ?? ""}</td>
                        <td>{r.movedItems.slice(0, 4).map((m) => `${m.id} ${m.old ?? "—"}→${m.new ?? "—"}`).join("，")}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </section>
        </div>
        <div className="buttons"><button type="button" data-testid="compare-close" onClick={onClose}>{w.cancel}</button></div>
      </div>
    </div>
  );
}
