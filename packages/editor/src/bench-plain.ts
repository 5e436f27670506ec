/**
 * The baseline of `bench:editor`'s typing cost: the same Monaco build (monaco/monaco.ts, the same
 * worker setup), the same editor options and theme, but no rules language, no checking, no React
 * app. Built into dist-plain/ by vite.plain.config.ts; never part of the shipped editor.
 * The size comes from the query string (`?w=…&h=…`), so that it matches the app's editor.
 */
import { monaco } from "./monaco/monaco.js";
import { THEME_NAME, themeData } from "./monaco/theme.js";
import { EDITOR_OPTIONS } from "./monaco/options.js";
import "./monaco/monaco-environment.js";

declare global {
  interface Window {
    /** The plain editor, for the benchmark. */
    __plain?: { editor: monaco.editor.IStandaloneCodeEditor };
  }
}

const query = new URLSearchParams(location.search);
const host = document.getElementById("host")!;
host.style.width = `${Number(query.get("w") ?? 800)}px`;
host.style.height = `${Number(query.get("h") ?? 600)}px`;
monaco.editor.defineTheme(THEME_NAME, themeData);
const model = monaco.editor.createModel("", "plaintext", monaco.Uri.parse("file:///rules/plain.rules"));
// The options of Editor.tsx, minus the semantic highlighting that plain text does not have, and
// without word-based suggestions: in plain text every word would open the suggest widget, which
// the rules editor does not do inside a string (where the benchmark types), so the baseline
// would be dearer than the typing it stands for.
const editor = monaco.editor.create(host, {
  model,
  theme: THEME_NAME,
  ...EDITOR_OPTIONS,
  quickSuggestions: false,
  wordBasedSuggestions: "off",
});
window.__plain = { editor };
