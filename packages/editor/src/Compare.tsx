/**
 * Compare the open rule file with another (e.g. the 2025 draft against 2024): the semantic diff
 * in the notice's terms, and its impact on the example applications — old and new totals and
 * outcomes, the items that moved them, and why each outcome or total moved (window, eligibility,
 * veto, pass mark, items; ★ marks what alone decided a changed outcome) — exportable as CSV.
 * Examples written for an earlier year can be dated into the open file's year first; otherwise a
 * grade lost only because the application date falls outside the new window is reported so.
 */
import { useContext, useEffect, useMemo, useState } from "react";
import { diffRuleFiles, type RuleDiff } from "@jsqc/dsl";
import { compile, impact, type ImpactReport, type ImpactRow } from "@jsqc/engine";
import { api, type FileInfo } from "./api.js";
import { LangContext, useWords } from "./i18n.js";

/** The words of the impact's explanations (kept beside the only component that uses them). */
const WHY_WORDS = {
  zh: {
    why: "原因",
    stop: "。",
    carryDates: (from: number, to: number) => `把示例的各日期移入 ${to} 年度（按 ${from} 年度填写）`,
    moved: (n: number) => `各日期已移动 ${n > 0 ? "+" : ""}${n} 年。`,
    outside: (n: number) => `其中 ${n} 份仅因申报日期不在新的申报期内。`,
    unexplained: (n: number) => `${n} 份结论变化未找到原因。`,
    outsideTag: "申报期外",
    decisive: "★ 单独即决定结论的变化",
  },
  en: {
    why: "Why",
    stop: ".",
    carryDates: (from: number, to: number) => `Date the examples into ${to} (written for ${from})`,
    moved: (n: number) => `Every date moved by ${n > 0 ? "+" : ""}${n} year${Math.abs(n) === 1 ? "" : "s"}.`,
    outside: (n: number) => `Of those lost, ${n} only because the application date is outside the new window.`,
    unexplained: (n: number) => `${n} changed outcome${n === 1 ? "" : "s"} with no reason found.`,
    outsideTag: "outside the window",
    decisive: "★ decides the changed outcome by itself",
  },
};

/** A row's reasons as one line: conditions first, then items; ★ before each decisive one. */
function whyText(r: ImpactRow, lang: "zh" | "en"): string {
  return r.reasons.map((x) => `${x.decisive ? "★" : ""}${lang === "zh" ? x.message : x.messageEn}`).join(lang === "zh" ? "；" : "; ");
}

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
  const lang = useContext(LangContext);
  const ww = WHY_WORDS[lang];
  const others = files.filter((f) => f.name !== name);
  const year = Number(name.slice(0, 4));
  const guess = others.find((f) => f.kind === "published" && Number(f.year) === year - 1) ?? others[0];
  const [other, setOther] = useState(guess?.name ?? "");
  const [otherText, setOtherText] = useState<string | null>(null);
  const [report, setReport] = useState<ImpactReport | null>(null);
  const [error, setError] = useState("");
  const otherYear = Number(other.slice(0, 4));
  const yearsDiffer = Number.isFinite(otherYear) && Number.isFinite(year) && otherYear !== year;
  // Last year's examples are dated into this year unless the officer says otherwise.
  const [carryDates, setCarryDates] = useState(true);

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
      setReport(impact(a.ruleset, b.ruleset, apps, { ...(diff ? { diff } : {}), carryDates }));
    })().catch((e: Error) => setError(e.message));
  }, [otherText, text, other, name, diff, w.compareErrors, carryDates]);

  const exportCsv = () => {
    if (!report) return;
    const rows = [["申请", "企业", "申报等级", "原总分", "新总分", "变化", "原结论", "新结论", "变动的评分项", "原因", "仅因申报期"]];
    for (const r of report.rows) {
      rows.push([r.name, r.enterprise ?? "", r.grade ?? "", r.old?.total ?? "", r.new?.total ?? "", r.delta ?? "",
        r.old ? (r.old.granted ? "予以认定" : "不予认定") : "", r.new ? (r.new.granted ? "予以认定" : "不予认定") : "",
        r.movedItems.map((m) => `${m.id} ${m.old ?? "—"}→${m.new ?? "—"}`).join("；"), whyText(r, "zh"), r.outsideWindow ? "是" : ""]);
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
            {yearsDiffer && (
              <label className="carry-dates">
                <input type="checkbox" data-testid="carry-dates" checked={carryDates} onChange={(e) => setCarryDates(e.target.checked)} /> {ww.carryDates(otherYear, year)}
              </label>
            )}
            {report && (
              <>
                <p data-testid="impact-summary">
                  {w.impactSummary(report.summary.count, report.summary.gained, report.summary.lost, report.summary.meanDelta ?? "—")}
                  {(report.carried.datesMovedBy !== 0 || report.summary.lostOutsideWindow > 0 || report.summary.unexplained > 0) && ww.stop}
                  {report.carried.datesMovedBy !== 0 && <> {ww.moved(report.carried.datesMovedBy)}</>}
                  {report.summary.lostOutsideWindow > 0 && <> {ww.outside(report.summary.lostOutsideWindow)}</>}
                  {report.summary.unexplained > 0 && <> <span className="bad">{ww.unexplained(report.summary.unexplained)}</span></>}
                </p>
                {report.rows.some((r) => r.reasons.some((x) => x.decisive)) && <p className="hint">{ww.decisive}</p>}
                <table className="grid" data-testid="impact-table">
                  <thead><tr><th>{w.application}</th><th>{w.grade}</th><th>{w.total}</th><th>Δ</th><th>{w.outcome}</th><th>{w.items}</th><th>{ww.why}</th></tr></thead>
                  <tbody>
                    {report.rows.map((r) => (
                      <tr key={r.name} data-testid={`impact-${r.name}`}>
                        <td title={r.name}>{r.enterprise ?? r.name}</td>
                        <td>{r.grade}</td>
                        <td>{r.old?.total ?? "—"} → {r.new?.total ?? "—"}</td>
                        <td className={r.delta?.startsWith("-") ? "bad" : ""}>{r.delta ?? ""}</td>
                        <td className="impact-outcome">{r.outcome === "gained" ? "↑" : r.outcome === "lost" ? "↓" : ""} {r.new ? (r.new.granted ? w.granted : w.notGranted) : r.error?.message ?? ""}</td>
                        <td>{r.movedItems.slice(0, 4).map((m) => `${m.id} ${m.old ?? "—"}→${m.new ?? "—"}`).join("，")}</td>
                        <td className="why" data-testid={`impact-why-${r.name}`}>
                          {r.outsideWindow && <span className="tag">{ww.outsideTag}</span>}{whyText(r, lang)}
                        </td>
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
