/** A save conflict: both versions side by side in Monaco's diff editor, and what to do. */
import { useEffect, useRef } from "react";
import { monaco } from "./monaco/monaco.js";
import { LANGUAGE_ID } from "./monaco/index.js";
import { useWords } from "./i18n.js";

export function ConflictDialog({ theirs, mine, onKeepMine, onTakeTheirs, onCancel }: {
  theirs: string; mine: string; onKeepMine: () => void; onTakeTheirs: () => void; onCancel: () => void;
}) {
  const w = useWords();
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const original = monaco.editor.createModel(theirs, LANGUAGE_ID);
    const modified = monaco.editor.createModel(mine, LANGUAGE_ID);
    const diff = monaco.editor.createDiffEditor(host.current!, { readOnly: true, automaticLayout: true, renderSideBySide: true, theme: "jsqc-light" });
    diff.setModel({ original, modified });
    return () => { diff.dispose(); original.dispose(); modified.dispose(); };
  }, [theirs, mine]);
  return (
    <div className="modal" data-testid="conflict">
      <div className="dialog wide">
        <h3>{w.conflictTitle}</h3>
        <p>{w.conflictText}</p>
        <div className="diff-labels"><span>{w.theirs}</span><span>{w.mine}</span></div>
        <div ref={host} className="diff-host" />
        <div className="buttons">
          <button type="button" data-testid="conflict-keep-mine" onClick={onKeepMine}>{w.keepMine}</button>
          <button type="button" data-testid="conflict-take-theirs" onClick={onTakeTheirs}>{w.takeTheirs}</button>
          <button type="button" onClick={onCancel}>{w.cancel}</button>
        </div>
      </div>
    </div>
  );
}
