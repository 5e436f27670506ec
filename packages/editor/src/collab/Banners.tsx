/** The notices of working together: other tabs with unsaved edits in this file, and a version saved elsewhere with what it changed. */
import { useContext } from "react";
import { LangContext } from "../i18n.js";
import type { Newer } from "./useCollab.js";
import { useCollabWords } from "./words.js";

export function CollabBanners({ otherTabs, newer, onDismiss }: { otherTabs: number; newer: (Newer & { reloaded: boolean }) | null; onDismiss: () => void }) {
  const w = useCollabWords();
  const en = useContext(LangContext) === "en";
  return (
    <>
      {otherTabs > 0 && <div className="banner" data-testid="other-tabs">{w.otherTabs(otherTabs)}</div>}
      {newer && (
        <div className="banner" data-testid="saved-elsewhere">
          {w.savedElsewhere(newer.who ?? w.unknownAuthor)}
          <span data-testid="saved-elsewhere-changes">
            {newer.changes.length === 0 ? w.noRuleChange : newer.changes.map((c) => (en ? c.whatEn : c.what)).join(en ? "; " : "；")}
          </span>
          {" "}{newer.reloaded ? w.reloaded : w.willMerge}
          <button type="button" data-testid="saved-elsewhere-ok" onClick={onDismiss}>{w.dismiss}</button>
        </div>
      )}
    </>
  );
}
