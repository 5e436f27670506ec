/** A file's saved versions (kept by the server on every save): view one, restore it into the editor. */
import { useEffect, useState } from "react";
import { api } from "./api.js";
import { useWords } from "./i18n.js";

export function HistoryDialog({ name, onRestore, onClose }: { name: string; onRestore: (source: string) => void; onClose: () => void }) {
  const w = useWords();
  const [versions, setVersions] = useState<Awaited<ReturnType<typeof api.history>> | null>(null);
  const [error, setError] = useState("");
  const [shown, setShown] = useState<{ version: string; source: string } | null>(null);
  useEffect(() => {
    api.history(name).then(setVersions, (e: Error) => setError(e.message));
  }, [name]);
  return (
    <div className="modal" data-testid="history">
      <div className="dialog wide">
        <h3>{w.history}：{name}</h3>
        {error && <p className="bad">{error}</p>}
        <div className="history">
          <ul>
            {versions?.length === 0 && <li>{w.noHistory}</li>}
            {versions?.map((v) => (
              <li key={v.version}>
                <button type="button" className="link" data-testid={`version-${v.version}`} onClick={() => void api.version(name, v.version).then((r) => setShown({ version: v.version, source: r.source }))}>
                  {new Date(v.at).toLocaleString()} · {v.savedBy ?? v.who} · {v.size} B
                </button>
              </li>
            ))}
          </ul>
          <pre data-testid="version-source">{shown?.source ?? ""}</pre>
        </div>
        <div className="buttons">
          <button type="button" data-testid="restore-version" disabled={!shown} onClick={() => shown && onRestore(shown.source)}>{w.restoreVersion}</button>
          <button type="button" onClick={onClose}>{w.cancel}</button>
        </div>
      </div>
    </div>
  );
}
