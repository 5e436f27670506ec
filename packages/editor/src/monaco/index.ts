/**
 * The rules language in Monaco. `registerLanguage(monaco)` sets everything up; the providers and
 * conversions are exported for tests and for callers that want one part only.
 * (`monaco-environment.ts` and `check.worker.ts` are entry points of their own, not exported here.)
 */
export { LANGUAGE_ID, registerLanguage, languageConfiguration } from "./language.js";
export { keywordClasses, monarchLanguage, type KeywordClasses } from "./monarch.js";
export { THEME_NAME, themeData } from "./theme.js";
export { MARKER_OWNER, toMarker, toMarkers, diagnosticsToMarkers, markerCode } from "./markers.js";
export { SEMANTIC_TOKENS_LEGEND, encodeSemanticTokens, createSemanticTokensProvider, setSemanticTokensSource, type SemanticTokensSource } from "./semantic-tokens.js";
export { COMPLETION_TRIGGER_CHARACTERS, toCompletionItem, createCompletionProvider } from "./completion.js";
export { createHoverProvider } from "./hover.js";
export { createDefinitionProvider } from "./definition.js";
export { createReferenceProvider } from "./references.js";
export { createRenameProvider } from "./rename.js";
export { formattingEdits, createFormattingProvider } from "./formatting.js";
export { toDocumentSymbol, createDocumentSymbolProvider } from "./symbols.js";
export { createFoldingRangeProvider, setFoldingSource, encodeFoldingRanges, decodeFoldingRanges, type FoldingSource } from "./folding.js";
export { QUICK_FIX_KIND, createCodeActionProvider } from "./code-actions.js";
export { CHECK_PROTOCOL_VERSION, checkText, answer, createAnswerer, applyEdits, type CheckRequest, type CheckReply, type TextEdit } from "./check-protocol.js";
export {
  WORKER_THRESHOLD,
  HERE_LIMIT,
  BUSY,
  createChecker,
  moduleWorker,
  type Checker,
  type CheckerOptions,
  type CheckOptions,
  type CheckWorker,
  type CheckWorkerFactory,
} from "./checker-client.js";
export { toEditorPosition, toEditorRange, toMonacoRange, fullRange, toWorkspaceEdit, type Monaco, type ModelLike } from "./types.js";
