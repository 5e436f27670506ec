/**
 * The rules language in Monaco: one idempotent `registerLanguage(monaco)` that registers the
 * language, its configuration, the Monarch tokenizer, the theme and every provider.
 */
import type * as M from "monaco-editor";
import { createCodeActionProvider, QUICK_FIX_KIND } from "./code-actions.js";
import { createCompletionProvider } from "./completion.js";
import { createDefinitionProvider } from "./definition.js";
import { createFoldingRangeProvider } from "./folding.js";
import { createFormattingProvider } from "./formatting.js";
import { createHoverProvider } from "./hover.js";
import { monarchLanguage } from "./monarch.js";
import { createReferenceProvider } from "./references.js";
import { createRenameProvider } from "./rename.js";
import { createSemanticTokensProvider } from "./semantic-tokens.js";
import { createDocumentSymbolProvider } from "./symbols.js";
import { THEME_NAME, themeData } from "./theme.js";
import type { Monaco } from "./types.js";

/** The language id of rule files (`*.rules`). */
export const LANGUAGE_ID = "jsqc-rules";

/** Comments, brackets, auto-closing, indentation and word boundaries of the rules language. */
export const languageConfiguration: M.languages.LanguageConfiguration = {
  comments: { lineComment: "#" },
  brackets: [
    ["{", "}"],
    ["(", ")"],
    ["[", "]"],
  ],
  autoClosingPairs: [
    { open: "{", close: "}" },
    { open: "(", close: ")" },
    { open: "[", close: "]" },
    { open: '"', close: '"', notIn: ["string", "comment"] },
  ],
  surroundingPairs: [
    { open: "{", close: "}" },
    { open: "(", close: ")" },
    { open: "[", close: "]" },
    { open: '"', close: '"' },
  ],
  // Names mix ASCII and Chinese (A级认定日期); numbers may have decimals; dates hold dashes.
  wordPattern: /\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)?|[\p{L}_][\p{L}\p{Nd}_]*/u,
  indentationRules: {
    increaseIndentPattern: /\{[^}"]*$/,
    decreaseIndentPattern: /^\s*\}/,
  },
  // The folding provider gives blocks and comment runs; markers fold a `# region … # endregion`
  // stretch where that provider is not used.
  folding: { markers: { start: /^\s*#\s*region\b/, end: /^\s*#\s*endregion\b/ } },
};

// The namespaces already set up. Kept on globalThis under a registered symbol, so a module
// re-evaluated by hot reload still sees the registrations made before it.
const REGISTERED: WeakSet<object> = ((globalThis as { [key: symbol]: unknown })[Symbol.for("jsqc-rules.registered")] ??= new WeakSet<object>()) as WeakSet<object>;

/**
 * Registers the rules language, its configuration, tokenizer, theme `jsqc-light` and providers
 * in `monaco`; a second call with the same namespace does nothing. Returns whether this call
 * registered. Throws only if Monaco does.
 */
export function registerLanguage(monaco: Monaco): boolean {
  if (REGISTERED.has(monaco)) return false;
  REGISTERED.add(monaco);
  const { languages } = monaco;
  if (!languages.getLanguages().some((l) => l.id === LANGUAGE_ID)) {
    languages.register({ id: LANGUAGE_ID, extensions: [".rules"], aliases: ["质量信用规则", "jsqc rules"] });
  }
  languages.setLanguageConfiguration(LANGUAGE_ID, languageConfiguration);
  languages.setMonarchTokensProvider(LANGUAGE_ID, monarchLanguage());
  monaco.editor.defineTheme(THEME_NAME, themeData);
  languages.registerDocumentSemanticTokensProvider(LANGUAGE_ID, createSemanticTokensProvider());
  languages.registerCompletionItemProvider(LANGUAGE_ID, createCompletionProvider(monaco));
  languages.registerHoverProvider(LANGUAGE_ID, createHoverProvider());
  languages.registerDefinitionProvider(LANGUAGE_ID, createDefinitionProvider());
  languages.registerReferenceProvider(LANGUAGE_ID, createReferenceProvider());
  languages.registerRenameProvider(LANGUAGE_ID, createRenameProvider());
  languages.registerDocumentFormattingEditProvider(LANGUAGE_ID, createFormattingProvider());
  languages.registerDocumentSymbolProvider(LANGUAGE_ID, createDocumentSymbolProvider(monaco));
  languages.registerFoldingRangeProvider(LANGUAGE_ID, createFoldingRangeProvider(monaco));
  languages.registerCodeActionProvider(LANGUAGE_ID, createCodeActionProvider(monaco), { providedCodeActionKinds: [QUICK_FIX_KIND] });
  return true;
}
