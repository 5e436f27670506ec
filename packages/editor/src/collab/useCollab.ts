/**
 * What a tab knows of the others working on its file: this tab's unsaved edits kept per tab
 * (session.ts), how many other tabs of this browser have unsaved edits in the same file, and
 * when the file was saved elsewhere — told at once by another tab of this browser (the
 * BroadcastChannel), or found on returning to the tab (the server's ETag, checked on focus), for
 * a colleague in another browser. A newer version is reported with what changed in it, in the
 * notice's terms (dsl's semantic diff against the version this tab has).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { diffRuleFiles } from "@jsqc/dsl";
import { api } from "../api.js";
import { openChannel, readUnsaved, tabId, writeUnsaved, type TabMessage, type Unsaved } from "./session.js";

export interface Opened { readonly name: string; readonly text: string; readonly etag: string }

/** A version of the open file saved elsewhere: its text and ETag, what changed, and who saved it. */
export interface Newer {
  readonly source: string;
  readonly etag: string;
  readonly changes: readonly { readonly what: string; readonly whatEn: string }[];
  readonly who: string | null;
}

/** How long typing pauses before this tab's unsaved text is copied to sessionStorage. */
export const KEEP_DELAY_MS = 300;

export function useCollab({ opened, text, dirty, onNewer }: {
  opened: Opened | null;
  text: string;
  dirty: boolean;
  /** Called when the file was saved elsewhere with a version other than the one this tab has. */
  onNewer: (newer: Newer) => void;
}): {
  /** Other tabs of this browser with unsaved edits in the same file. */
  otherTabs: number;
  /** This tab's unsaved edits of a file, kept from before a reload. */
  kept: (name: string) => Unsaved | null;
  forget: (name: string) => void;
  /** Tells the other tabs that this tab saved `name` (they reload or warn). */
  announceSaved: (name: string, etag: string) => void;
} {
  const tab = useRef(tabId()).current;
  const [others, setOthers] = useState<ReadonlyMap<string, string>>(new Map()); // tab → file with unsaved edits
  const state = useRef({ opened, dirty, onNewer });
  state.current = { opened, dirty, onNewer };
  const checking = useRef<Promise<void> | null>(null);

  /** Asks the server for the file's ETag; a different one is a version saved elsewhere. */
  const check = useCallback(() => {
    const o = state.current.opened;
    if (!o || checking.current) return;
    checking.current = (async () => {
      try {
        const body = await api.file(o.name);
        const now = state.current.opened;
        if (!now || now.name !== o.name || body.etag === now.etag) return;
        const history = await api.history(o.name).catch(() => []);
        const changes = diffRuleFiles(now.text, body.source).changes.map((c) => ({ what: c.what, whatEn: c.whatEn }));
        state.current.onNewer({ source: body.source, etag: body.etag, changes, who: history[0]?.who ?? null });
      } catch {
        // Offline or the file is gone: nothing to report now; the save will say.
      } finally {
        checking.current = null;
      }
    })();
  }, []);

  const channel = useRef<ReturnType<typeof openChannel> | null>(null);
  useEffect(() => {
    const c = openChannel((m: TabMessage) => {
      const o = state.current.opened;
      if (m.tab === tab) return; // a duplicated tab shares the id: never count it as another
      if (m.type === "hello") {
        if (o && m.name === o.name && state.current.dirty) c.post({ type: "editing", tab, name: o.name, dirty: true });
      } else if (m.type === "editing") {
        setOthers((prev) => {
          const next = new Map(prev);
          if (m.dirty) next.set(m.tab, m.name);
          else next.delete(m.tab);
          return next;
        });
      } else if (m.type === "saved") {
        setOthers((prev) => {
          const next = new Map(prev);
          next.delete(m.tab);
          return next;
        });
        if (o && m.name === o.name && m.etag !== o.etag) check();
      }
    });
    channel.current = c;
    const onFocus = () => check();
    const onVisible = () => { if (document.visibilityState === "visible") check(); };
    const onHide = () => { const o = state.current.opened; if (o) c.post({ type: "editing", tab, name: o.name, dirty: false }); };
    window.addEventListener("focus", onFocus);
    document.addEventListener("visibilitychange", onVisible);
    window.addEventListener("pagehide", onHide);
    return () => {
      window.removeEventListener("focus", onFocus);
      document.removeEventListener("visibilitychange", onVisible);
      window.removeEventListener("pagehide", onHide);
      c.close();
      channel.current = null;
    };
  }, [tab, check]);

  // Opening a file: ask the other tabs whether they have unsaved edits in it.
  const name = opened?.name ?? null;
  useEffect(() => {
    setOthers(new Map());
    if (name) channel.current?.post({ type: "hello", tab, name });
  }, [name, tab]);

  // Keep this tab's unsaved edits; tell the other tabs whether there are any. The copy of the
  // text is written once typing pauses (`KEEP_DELAY_MS`): writing 20 KB to sessionStorage at every
  // keystroke was the editor's largest per-keystroke cost after checking and compiling. A reload
  // or a closed tab still keeps the newest text (App's beforeunload handler writes it at once); a
  // copy still waiting is written when another file opens, and dropped when the file is clean.
  const keep = useRef<{ name: string; timer: ReturnType<typeof setTimeout>; write: () => void } | null>(null);
  useEffect(() => {
    const waiting = keep.current;
    keep.current = null;
    if (waiting) {
      clearTimeout(waiting.timer);
      if (waiting.name !== opened?.name) waiting.write();
    }
    if (!opened) return;
    if (!dirty) {
      writeUnsaved(opened.name, null);
      return;
    }
    const write = () => writeUnsaved(opened.name, { text, etag: opened.etag, base: opened.text, at: new Date().toISOString() });
    keep.current = { name: opened.name, write, timer: setTimeout(() => { keep.current = null; write(); }, KEEP_DELAY_MS) };
  }, [text, dirty, opened]);
  useEffect(() => () => {
    const waiting = keep.current;
    keep.current = null;
    if (waiting) {
      clearTimeout(waiting.timer);
      waiting.write();
    }
  }, []);
  useEffect(() => {
    if (opened) channel.current?.post({ type: "editing", tab, name: opened.name, dirty });
  }, [dirty, opened?.name, tab]); // eslint-disable-line react-hooks/exhaustive-deps

  return {
    otherTabs: name ? [...others.values()].filter((n) => n === name).length : 0,
    kept: readUnsaved,
    forget: (n) => writeUnsaved(n, null),
    announceSaved: (n, etag) => channel.current?.post({ type: "saved", tab, name: n, etag }),
  };
}
