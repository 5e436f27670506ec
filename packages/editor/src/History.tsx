/**
 * A file's versions, newest first: each with who saved it (account or "local"), when (Chinese
 * date and time) and what it changed in the rules (the semantic diff summary the server keeps in
 * the audit log). Any two versions are compared as a semantic diff; restoring one saves it as a
 * new version, audited as a restore.
 */
import { useContext, useEffect, useMemo, useState } from "react";
import { diffRuleFiles } from "@jsqc/dsl";
import { api, type HistoryItem } from "./api.js";
import { useWords, LangContext } from "./i18n.js";
import { formatTime, useCollabWords } from "./collab/words.js";

/** One version of the file as listed: the current text, or a kept one. */
interface Version { readonly id: string; readonly version: string | null; readonly savedAt: string | null; readonly savedBy: string | null; readonly summary: readonly string[] | null; readonly restoredFrom?: string }

/** The versions from the history: the current one (made by the newest save), then each kept text. */
function versionsOf(items: readonly HistoryItem[]): Version[] {
  const newest = items[0];
  const current: Version = { id: "current", version: null, savedAt: newest?.at ?? null, savedBy: newest?.who ?? null, summary: newest?.summary ?? null };
  return [current, ...items.map((i) => ({
    id: i.version, version: i.version, savedAt: i.savedAt, savedBy: i.savedBy, summary: i.savedSummary ?? null,
    ...(i.savedRestoredFrom ? { restoredFrom: i.savedRestoredFrom } : {}),
  }))];
}

export function HistoryDialog({ name, current, onRestore, onClose }: {
  name: string; current: string; onRestore: (version: string, source: string, at: string) => void; onClose: () => void;
}) {
  const w = useWords();
  const c = useCollabWords();
  const lang = useContext(LangContext);
  const [items, setItems] = useState<HistoryItem[] | null>(null);
  const [error, setError] = useState("");
  const [texts, setTexts] = useState<Record<string, string>>({ current });
  const [shown, setShown] = useState<string | null>(null);
  const [from, setFrom] = useState<string>("");
  const [to, setTo] = useState<string>("current");
  useEffect(() => {
    api.history(name).then((list) => { setItems(list); if (list[0]) setFrom(list[0].version); }, (e: Error) => setError(e.message));
  }, [name]);
  const versions = useMemo(() => (items ? versionsOf(items) : []), [items]);
  const load = async (id: string) => {
    if (texts[id] !== undefined) return texts[id];
    const r = await api.version(name, id);
    setTexts((t) => ({ ...t, [id]: r.source }));
    return r.source;
  };
  useEffect(() => {
    for (const id of [from, to]) if (id && texts[id] === undefined) void load(id).catch((e: Error) => setError(e.message));
  }, [from, to]); // eslint-disable-line react-hooks/exhaustive-deps
  const diff = useMemo(() => (texts[from] !== undefined && texts[to] !== undefined ? diffRuleFiles(texts[from]!, texts[to]!) : null), [texts, from, to]);
  const label = (v: Version) => `${v.savedAt ? formatTime(v.savedAt, lang) : "—"}${v.version === null ? `（${c.current}）` : ""}`;
  const time = (id: string) => versions.find((v) => v.id === id)?.savedAt ?? items?.find((i) => i.version === id)?.at ?? id;

  return (
    <div className="modal" data-testid="history">
      <div className="dialog wide">
        <h3>{w.history}：{name}</h3>
        {error && <p className="bad">{error}</p>}
        <div className="history">
          <ul>
            {items?.length === 0 && <li>{w.noHistory}</li>}
            {items && items.length > 0 && versions.map((v) => (
              <li key={v.id} data-testid={`history-${v.id}`} className={shown === v.id ? "active" : ""}>
                <button type="button" className="link" data-testid={`version-${v.id}`} onClick={() => void load(v.id).then(() => setShown(v.id))}>
                  <span data-testid="history-time">{label(v)}</span> · <span data-testid="history-who">{v.savedBy ?? c.unknownAuthor}</span>
                </button>
                <ul className="summary" data-testid="history-summary">
                  {v.restoredFrom && <li>{c.restoredFrom(formatTime(time(v.restoredFrom), lang))}</li>}
                  {(v.summary ?? [c.unknownChange]).map((s, i) => <li key={i}>{s}</li>)}
                </ul>
              </li>
            ))}
          </ul>
          <div>
            <pre data-testid="version-source">{shown ? texts[shown] ?? "" : ""}</pre>
            {versions.length > 1 && (
              <div className="history-compare" data-testid="history-compare">
                {c.compareFrom}
                <select data-testid="compare-from" value={from} onChange={(e) => setFrom(e.target.value)}>
                  {versions.map((v) => <option key={v.id} value={v.id}>{label(v)} · {v.savedBy ?? c.unknownAuthor}</option>)}
                </select>
                {c.compareTo}
                <select data-testid="compare-to" value={to} onChange={(e) => setTo(e.target.value)}>
                  {versions.map((v) => <option key={v.id} value={v.id}>{label(v)} · {v.savedBy ?? c.unknownAuthor}</option>)}
                </select>
                <ul data-testid="compare-changes">
                  {diff?.changes.map((x, i) => <li key={i} data-testid="compare-change">{lang === "en" ? x.whatEn : x.what}</li>)}
                  {diff && diff.changes.length === 0 && <li>{c.noChanges}</li>}
                </ul>
              </div>
            )}
          </div>
        </div>
        <div className="buttons">
          <button type="button" data-testid="restore-version" disabled={!shown || shown === "current"}
            onClick={() => shown && shown !== "current" && texts[shown] !== undefined && onRestore(shown, texts[shown]!, time(shown))}>{c.restoreVersion}</button>
          <button type="button" onClick={onClose}>{w.cancel}</button>
        </div>
      </div>
    </div>
  );
}
