/**
 * The text editor's options, shared by the app's editor (Editor.tsx) and the plain-Monaco page
 * bench:editor types into (bench-plain.ts), so that the baseline differs only in the language.
 */
export const EDITOR_OPTIONS = {
  automaticLayout: true,
  minimap: { enabled: false },
  fontSize: 14,
  lineHeight: 21,
  wordWrap: "on",
  wrappingIndent: "indent",
  renderWhitespace: "none",
  fixedOverflowWidgets: true,
  tabSize: 2,
  insertSpaces: true,
} as const;
