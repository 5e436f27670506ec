/** The outline (document symbols, breadcrumbs, Ctrl+Shift+O) from the dsl's `outline`. */
import { analyze, outline, type OutlineKind, type OutlineSymbol } from "@jsqc/dsl";
import type * as M from "monaco-editor";
import { toMonacoRange, type ModelLike, type Monaco } from "./types.js";

const KIND: Record<OutlineKind, keyof typeof M.languages.SymbolKind> = {
  namespace: "Namespace",
  module: "Module",
  method: "Method",
  event: "Event",
  boolean: "Boolean",
  class: "Class",
  variable: "Variable",
  enum: "Enum",
  enumMember: "EnumMember",
  struct: "Struct",
  field: "Field",
  object: "Object",
};

/** Monaco's document symbol for a dsl outline entry, children included. */
export function toDocumentSymbol(s: OutlineSymbol, monaco: Monaco): M.languages.DocumentSymbol {
  return {
    name: s.name,
    detail: s.detail,
    kind: monaco.languages.SymbolKind[KIND[s.kind] ?? "Object"],
    tags: [],
    range: toMonacoRange(s.range),
    selectionRange: toMonacoRange(s.selectionRange),
    children: s.children.map((c) => toDocumentSymbol(c, monaco)),
  };
}

/** The provider. */
export function createDocumentSymbolProvider(monaco: Monaco) {
  return {
    displayName: "jsqc",
    provideDocumentSymbols(model: ModelLike): M.languages.DocumentSymbol[] {
      return outline(analyze(model.getValue())).map((s) => toDocumentSymbol(s, monaco));
    },
  } satisfies M.languages.DocumentSymbolProvider;
}
