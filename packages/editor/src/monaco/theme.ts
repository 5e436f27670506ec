/**
 * The `jsqc-light` theme. Its rules are named after the semantic token kinds, which are also the
 * Monarch tokenizer's token names, so one rule colours a word whichever tokenizer named it.
 */
import type { SemanticTokenKind } from "@jsqc/dsl";
import type * as M from "monaco-editor";

/** The theme's name, for `monaco.editor.create(…, { theme: THEME_NAME })`. */
export const THEME_NAME = "jsqc-light";

type Style = { readonly foreground?: string; readonly fontStyle?: string };

/** One style per kind; `identifier` (a name the checker could not resolve) keeps the text colour. */
const STYLES: Record<SemanticTokenKind, Style> = {
  keyword: { foreground: "0000C0", fontStyle: "bold" },
  formKeyword: { foreground: "8E24AA", fontStyle: "bold" },
  type: { foreground: "00796B" },
  function: { foreground: "795E26" },
  operator: { foreground: "5C5C5C" },
  string: { foreground: "A31515" },
  number: { foreground: "098658" },
  date: { foreground: "C25E00" },
  comment: { foreground: "6A8759", fontStyle: "italic" },
  itemNumber: { foreground: "D81B60", fontStyle: "bold" },
  input: { foreground: "1565C0" },
  field: { foreground: "0288D1" },
  enumMember: { foreground: "6D4C41" },
  enum: { foreground: "00796B", fontStyle: "underline" },
  record: { foreground: "00796B", fontStyle: "underline" },
  table: { foreground: "AD1457" },
  grade: { foreground: "E65100", fontStyle: "bold" },
  identifier: {},
};

/** The theme's definition, for `monaco.editor.defineTheme(THEME_NAME, …)`. */
export const themeData: M.editor.IStandaloneThemeData = {
  base: "vs",
  inherit: true,
  rules: [
    ...Object.entries(STYLES).map(([token, style]) => ({ token, ...style })),
    { token: "string.invalid", foreground: "A31515", fontStyle: "underline" },
    { token: "invalid", foreground: "CD3131", fontStyle: "underline" },
    { token: "delimiter", foreground: "5C5C5C" },
  ],
  colors: {},
};
