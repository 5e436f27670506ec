/**
 * Saving over a newer version when both sides changed the same rule: each conflict shown as what
 * each side meant, in the notice's terms (`第七部分③ 封顶 2 → 3`), with its lines beside it; the
 * officer keeps mine, theirs or both per conflict. The result is checked as it is chosen and can
 * be saved only without errors (a draft takes errors). There is no single-click overwrite: the
 * other side's non-conflicting edits are always kept, and discarding one's own edits asks first.
 */
import { useMemo, useState } from "react";
import { checkErrors, resolveMerge, type MergeChoice, type RuleMerge } from "@jsqc/dsl";
import { useCollabWords } from "./words.js";
import { LangContext } from "../i18n.js";
import { useContext } from "react";

export function MergeDialog({ merge, draft, onSave, onDiscardMine, onCancel }: {
  merge: RuleMerge; draft: boolean;
  onSave: (text: string) => void; onDiscardMine: () => void; onCancel: () => void;
}) {
  const w = useCollabWords();
  const en = useContext(LangContext) === "en";
  const [choices, setChoices] = useState<MergeChoice[]>(() => merge.conflicts.map(() => "mine"));
  const text = useMemo(() => resolveMerge(merge, choices), [merge, choices]);
  const errors = useMemo(() => checkErrors(text), [text]);
  const say = (c: { what: string; whatEn: string }) => (en ? c.whatEn : c.what);
  // What merged without asking: the changes of each side outside every conflict.
  const inConflicts = (side: "mine" | "theirs") => new Set(merge.conflicts.flatMap((c) => (side === "mine" ? c.mineChanges : c.theirsChanges)));
  const autoMine = merge.mineDiff.changes.filter((c) => !inConflicts("mine").has(c));
  const autoTheirs = merge.theirsDiff.changes.filter((c) => !inConflicts("theirs").has(c));
  const canSave = errors.length === 0 || draft;
  return (
    <div className="modal" data-testid="merge">
      <div className="dialog wide">
        <h3>{w.mergeTitle}</h3>
        <p>{w.mergeText}</p>
        {(autoMine.length > 0 || autoTheirs.length > 0) && (
          <p data-testid="merge-auto">{w.autoMerged}：{[...autoTheirs.map((c) => `${w.theirsSide} ${say(c)}`), ...autoMine.map((c) => `${w.mineSide} ${say(c)}`)].join("；")}</p>
        )}
        <ol className="merge-conflicts">
          {merge.conflicts.map((c, i) => (
            <li key={i} data-testid={`merge-conflict-${i}`}>
              <h4>{w.conflictN(i + 1, c.theirsLine)}</h4>
              <div className="merge-sides">
                {(["theirs", "mine"] as const).map((side) => (
                  <label key={side} className={choices[i] === side || choices[i] === "both" ? "chosen" : ""}>
                    <input type="radio" name={`conflict-${i}`} data-testid={`merge-${side}-${i}`} checked={choices[i] === side}
                      onChange={() => setChoices(choices.map((x, j) => (j === i ? side : x)))} />
                    <strong>{side === "mine" ? w.mineSide : w.theirsSide}</strong>
                    <ul data-testid={`merge-${side}-changes-${i}`}>
                      {(side === "mine" ? c.mineChanges : c.theirsChanges).map((x, k) => <li key={k}>{say(x)}</li>)}
                      {(side === "mine" ? c.mineChanges : c.theirsChanges).length === 0 && <li>{w.noSemantic}</li>}
                    </ul>
                    <pre data-testid={`merge-${side}-text-${i}`}>{side === "mine" ? c.mine : c.theirs}</pre>
                  </label>
                ))}
              </div>
              <label><input type="radio" name={`conflict-${i}`} data-testid={`merge-both-${i}`} checked={choices[i] === "both"}
                onChange={() => setChoices(choices.map((x, j) => (j === i ? "both" : x)))} /> {w.keepBoth}</label>
            </li>
          ))}
        </ol>
        <div data-testid="merge-check" className={errors.length ? "bad" : ""}>
          {errors.length === 0 ? w.mergeOk : (
            <>
              {w.mergeErrors(errors.length)}
              <ul>{errors.slice(0, 10).map((d, i) => <li key={i}>{d.span.start.line}:{d.span.start.column} {en ? d.messageEn : d.message}</li>)}</ul>
            </>
          )}
        </div>
        <div className="buttons">
          <button type="button" data-testid="merge-save" disabled={!canSave} onClick={() => onSave(text)}>{w.saveMerge}</button>
          <button type="button" data-testid="merge-discard-mine" onClick={() => { if (confirm(w.discardConfirm)) onDiscardMine(); }}>{w.discardMine}</button>
          <button type="button" data-testid="merge-cancel" onClick={onCancel}>{w.cancel}</button>
        </div>
      </div>
    </div>
  );
}
