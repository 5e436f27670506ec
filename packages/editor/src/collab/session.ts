/**
 * Unsaved edits kept per editing session (browser tab), and what the other tabs of this browser
 * are doing with the same file.
 *
 * - The edits live in sessionStorage, which belongs to one tab and survives its reloads: a reload
 *   offers back that tab's edits and never another tab's. (The editor before this kept them in
 *   localStorage per file, so tab B's text was offered to tab A.)
 * - A BroadcastChannel tells the other tabs which file a tab has unsaved edits in, and when a tab
 *   saved a file (with its new ETag), so every tab showing that file learns at once.
 */
const UNSAVED = "jsqc:unsaved:";
const TAB = "jsqc:tab";
const CHANNEL = "jsqc-collab";

export interface Unsaved { readonly text: string; readonly etag: string; readonly base?: string; readonly at: string }

/** This tab's id: kept in sessionStorage, so a reload keeps it. */
export function tabId(): string {
  let id = sessionStorage.getItem(TAB);
  if (!id) {
    id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    sessionStorage.setItem(TAB, id);
  }
  return id;
}

/** This tab's unsaved edits of a file, or null. Never throws (bad JSON is none). */
export function readUnsaved(name: string): Unsaved | null {
  try {
    const raw = sessionStorage.getItem(UNSAVED + name);
    if (raw) return JSON.parse(raw) as Unsaved;
    // Edits kept by the editor before it kept them per tab (localStorage, per file): offered to
    // the first tab that opens the file and taken out, so no second tab is offered them too.
    const legacy = localStorage.getItem(UNSAVED + name);
    if (!legacy) return null;
    localStorage.removeItem(UNSAVED + name);
    sessionStorage.setItem(UNSAVED + name, legacy);
    return JSON.parse(legacy) as Unsaved;
  } catch {
    return null;
  }
}

export function writeUnsaved(name: string, unsaved: Unsaved | null): void {
  try {
    if (unsaved) sessionStorage.setItem(UNSAVED + name, JSON.stringify(unsaved));
    else sessionStorage.removeItem(UNSAVED + name);
  } catch {
    // Storage full or refused: the edits stay in the editor; the beforeunload warning still holds.
  }
}

/** What tabs tell each other. */
export type TabMessage =
  | { readonly type: "hello"; readonly tab: string; readonly name: string }
  | { readonly type: "editing"; readonly tab: string; readonly name: string; readonly dirty: boolean }
  | { readonly type: "saved"; readonly tab: string; readonly name: string; readonly etag: string };

/** The channel between this browser's tabs; a no-op where BroadcastChannel is missing. */
export function openChannel(onMessage: (m: TabMessage) => void): { post: (m: TabMessage) => void; close: () => void } {
  if (typeof BroadcastChannel === "undefined") return { post: () => {}, close: () => {} };
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (e: MessageEvent<TabMessage>) => onMessage(e.data);
  return { post: (m) => channel.postMessage(m), close: () => channel.close() };
}
