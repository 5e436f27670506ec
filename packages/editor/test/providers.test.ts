/**
 * The Monaco providers, called directly in Node with a small fake text model and a fake Monaco
 * namespace holding only the enums the providers read. What Monaco does with the results is
 * Monaco's business (and the end-to-end tests'); here we pin down what we hand it.
 */
import { analyze, applyTextEdits, completions, foldingRanges, format, semanticTokens, type Diagnostic } from "@jsqc/dsl";
import type * as M from "monaco-editor";
import { describe, expect, test } from "vitest";
import {
  answer,
  applyEdits,
  createAnswerer,
  BUSY,
  CHECK_PROTOCOL_VERSION,
  createChecker,
  createCodeActionProvider,
  createCompletionProvider,
  createDefinitionProvider,
  createDocumentSymbolProvider,
  createFoldingRangeProvider,
  createFormattingProvider,
  createHoverProvider,
  createReferenceProvider,
  createRenameProvider,
  createSemanticTokensProvider,
  encodeSemanticTokens,
  setSemanticTokensSource,
  setFoldingSource,
  encodeFoldingRanges,
  decodeFoldingRanges,
  keywordClasses,
  LANGUAGE_ID,
  monarchLanguage,
  registerLanguage,
  SEMANTIC_TOKENS_LEGEND,
  THEME_NAME,
  toEditorRange,
  toMarkers,
  type CheckReply,
  type CheckRequest,
  type CheckWorkerFactory,
  type ModelLike,
  type Monaco,
} from "../src/monaco/index.js";
import { inStringOrComment } from "../src/monaco/completion.js";

// ---------------------------------------------------------------------------------------------
// Fakes
// ---------------------------------------------------------------------------------------------

/** The enums the providers use, with Monaco 0.57's values. */
const fakeMonaco = {
  MarkerSeverity: { Hint: 1, Info: 2, Warning: 4, Error: 8 },
  languages: {
    CompletionItemKind: {
      Method: 0, Function: 1, Constructor: 2, Field: 3, Variable: 4, Class: 5, Struct: 6, Interface: 7, Module: 8, Property: 9,
      Event: 10, Operator: 11, Unit: 12, Value: 13, Constant: 14, Enum: 15, EnumMember: 16, Keyword: 17, Text: 18, Color: 19,
      File: 20, Reference: 21, Customcolor: 22, Folder: 23, TypeParameter: 24, User: 25, Issue: 26, Tool: 27, Snippet: 28,
    },
    CompletionItemInsertTextRule: { None: 0, KeepWhitespace: 1, InsertAsSnippet: 4 },
    SymbolKind: {
      File: 0, Module: 1, Namespace: 2, Package: 3, Class: 4, Method: 5, Property: 6, Field: 7, Constructor: 8, Enum: 9,
      Interface: 10, Function: 11, Variable: 12, Constant: 13, String: 14, Number: 15, Boolean: 16, Array: 17, Object: 18,
      Key: 19, Null: 20, EnumMember: 21, Struct: 22, Event: 23, Operator: 24, TypeParameter: 25,
    },
    FoldingRangeKind: { Comment: { value: "comment" } },
  },
} as unknown as Monaco;
const { CompletionItemKind, CompletionItemInsertTextRule, SymbolKind, FoldingRangeKind } = fakeMonaco.languages;

const URI = { toString: () => "file:///rules/test.rules" } as unknown as M.Uri;

/** A text model over `text`, with Monaco's notion of a word (our language's `wordPattern`). */
function fakeModel(text: string, version = 7): ModelLike {
  const lines = text.split(/\r\n|\r|\n/);
  const line = (n: number) => lines[n - 1] ?? "";
  return {
    uri: URI,
    getValue: () => text,
    getVersionId: () => version,
    getLineCount: () => lines.length,
    getLineMaxColumn: (n) => line(n).length + 1,
    getWordUntilPosition: (p) => {
      const before = line(p.lineNumber).slice(0, p.column - 1);
      const word = /(?:\d+(?:\.\d+)?|[\p{L}_][\p{L}\p{Nd}_]*)$/u.exec(before)?.[0] ?? "";
      return { word, startColumn: p.column - word.length, endColumn: p.column };
    },
  };
}

/** Strips the `|` cursor marker: the text and the cursor as a Monaco position. */
function cursor(src: string): { text: string; position: M.IPosition } {
  const i = src.indexOf("|");
  if (i === -1) throw new Error("no cursor marker");
  const text = src.slice(0, i) + src.slice(i + 1);
  const lines = text.slice(0, i).split("\n");
  return { text, position: { lineNumber: lines.length, column: lines[lines.length - 1]!.length + 1 } };
}

/** The Monaco position of the `n`th (0-based) `needle`, plus `offset` columns. */
function find(text: string, needle: string, n = 0, offset = 0): M.IPosition {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = text.indexOf(needle, i + 1);
    if (i === -1) throw new Error(`${needle} #${n} not found`);
  }
  const lines = text.slice(0, i).split("\n");
  return { lineNumber: lines.length, column: lines[lines.length - 1]!.length + 1 + offset };
}

/** The text a single-line Monaco range covers. */
function slice(text: string, r: M.IRange): string {
  expect(r.startLineNumber).toBe(r.endLineNumber);
  return text.split("\n")[r.startLineNumber - 1]!.slice(r.startColumn - 1, r.endColumn - 1);
}

/** Applies a workspace edit of our one model to its text. */
function applyWorkspaceEdit(text: string, edit: M.languages.WorkspaceEdit): string {
  return applyTextEdits(
    text,
    edit.edits.map((e) => {
      const { textEdit, resource, versionId } = e as M.languages.IWorkspaceTextEdit;
      expect(resource).toBe(URI);
      expect(versionId).toBe(7);
      return { range: toEditorRange(textEdit.range), newText: textEdit.text };
    }),
  );
}

function codes(text: string): string[] {
  return analyze(text).diagnostics.map((d) => d.code);
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

const RULES = `# 2024年度质量信用等级认定（节选）
ruleset "质量信用等级认定工作技术指标" {
  year 2024
  total 10
  application date 申报日期
}

enum 企业类别 "企业类别" {
  制造业 "制造业企业"
  服务业 "服务业企业"
}

input 申报日期: date "申报日期"

input 类型: 企业类别 "企业类型"

input 有效体系认证证书数: count "有效的体系认证证书数" max 50 unit "个"
  en "Valid management-system certificates"

input 获江苏精品认证: yesno "获“江苏精品”认证"

section 三 "质量管理体系" weight 10 {
  item ① "通过 ISO9000、IATF16949 等相关体系认证，证书有效 (4.0 分)" points 4 {
    base 2 plus 0.5 per further 有效体系认证证书数
    cap 4
  }
  item ② "获“江苏精品”认证" points 4 {
    award 4 when 获江苏精品认证
  }
  item ③ "制造业企业" points 2 {
    award 2 when 类型 == 制造业
  }
}

grade A "质量信用A级" {
  pass 6
}
`;

/** RULES with the cursor put inside section 三, on a new line after its last item. */
function inSection(body: string): string {
  const at = RULES.indexOf("}\n\ngrade A");
  return `${RULES.slice(0, at)}${body}`;
}

test("the sample rules check clean and are formatted", () => {
  expect(codes(RULES)).toEqual([]);
  expect(format(RULES).text).toBe(RULES);
});

// ---------------------------------------------------------------------------------------------
// Completion
// ---------------------------------------------------------------------------------------------

describe("completion", () => {
  const provider = createCompletionProvider(fakeMonaco);
  const complete = (src: string) => {
    const { text, position } = cursor(src);
    return provider.provideCompletionItems(fakeModel(text), position).suggestions;
  };

  test("triggers on a space, brackets and a dot", () => {
    expect(provider.triggerCharacters).toEqual([" ", "{", "[", "(", "."]);
  });

  test("inStringOrComment: the dsl's rule for where there are no completions, asked of the line before the cursor", () => {
    expect(inStringOrComment('  note "依据 ')).toBe(true);
    expect(inStringOrComment('  note "a\\" b ')).toBe(true); // an escaped quote does not close the string
    expect(inStringOrComment('  note "done" ')).toBe(false);
    expect(inStringOrComment("  # a comment ")).toBe(true);
    expect(inStringOrComment('  note "# not a comment" ')).toBe(false);
    expect(inStringOrComment("")).toBe(false);
  });

  test("nothing inside a string or after #, as the dsl answers; names again after the string", () => {
    const inString = `  item ④ "质量奖" points 2 {\n    note "see the |\n  }\n}\n`;
    expect(complete(inSection(inString))).toEqual([]);
    expect(complete(inSection(`  item ④ "质量奖" points 2 {\n    # see |\n  }\n}\n`))).toEqual([]);
    const { text, position } = cursor(inSection(inString));
    expect(completions(analyze(text), { line: position.lineNumber, column: position.column })).toEqual([]);
    expect(complete(inSection(`  item ④ "质量奖" points 2 {\n    note "x" |\n  }\n}\n`)).length).toBeGreaterThan(0);
  });

  test("inside an item body: the scoring forms as snippets", () => {
    const { text, position } = cursor(inSection(`  item ④ "质量奖" points 2 {\n    |\n  }\n}\n`));
    const list = provider.provideCompletionItems(fakeModel(text), position).suggestions;
    const labels = list.map((s) => s.label);
    expect(labels).toEqual(expect.arrayContaining(["judged", "award … when …", "award … per …", "base … plus … per further …", "highest { … }", "tiers … { >= … }", "formula", "cap", "note"]));
    const award = list.find((s) => s.label === "award … when …")!;
    expect(award.kind).toBe(CompletionItemKind.Snippet);
    expect(award.insertTextRules).toBe(CompletionItemInsertTextRule.InsertAsSnippet);
    expect(award.insertText).toBe("award ${1:2} when ${2:条件}");
    expect(award.detail).toContain("满足条件得分");
    // Nothing typed yet: an empty range at the cursor.
    expect(award.range).toEqual({ startLineNumber: position.lineNumber, startColumn: 5, endLineNumber: position.lineNumber, endColumn: 5 });
    // The dsl's order is kept.
    expect(list.map((s) => s.sortText)).toEqual([...list.map((s) => s.sortText)].sort());
  });

  test("inside when: the inputs, with their Chinese labels", () => {
    const { text, position } = cursor(inSection(`  item ④ "体系认证" points 2 {\n    award 2 when 有效|\n  }\n}\n`));
    const list = provider.provideCompletionItems(fakeModel(text), position).suggestions;
    const input = list.find((s) => s.label === "有效体系认证证书数")!;
    expect(input.kind).toBe(CompletionItemKind.Variable);
    expect(input.detail).toBe("有效的体系认证证书数 · count");
    expect(input.insertText).toBe("有效体系认证证书数");
    expect(input.insertTextRules).toBeUndefined();
    expect(input.documentation).toBe("Valid management-system certificates");
    // The range is the word being typed, so choosing the item replaces "有效".
    expect(input.range).toEqual({ startLineNumber: position.lineNumber, startColumn: position.column - 2, endLineNumber: position.lineNumber, endColumn: position.column });
    const labels = list.map((s) => s.label);
    expect(labels).toEqual(expect.arrayContaining(["申报日期", "类型", "获江苏精品认证", "count", "any", "not"]));
    expect(list.find((s) => s.label === "类型")!.detail).toBe("企业类型 · 企业类别");
    expect(list.find((s) => s.label === "count")!.kind).toBe(CompletionItemKind.Function);
  });

  test("after 类型 == : that enum's members", () => {
    const list = complete(inSection(`  item ④ "服务业" points 2 {\n    award 2 when 类型 == |\n  }\n}\n`));
    expect(list.map((s) => [s.label, s.kind, s.detail])).toEqual([
      ["制造业", CompletionItemKind.EnumMember, "制造业企业 · 企业类别"],
      ["服务业", CompletionItemKind.EnumMember, "服务业企业 · 企业类别"],
    ]);
    // Half-typed: the range covers what was typed.
    const { text, position } = cursor(inSection(`  item ④ "服务业" points 2 {\n    award 2 when 类型 == 服|\n  }\n}\n`));
    const typed = provider.provideCompletionItems(fakeModel(text), position).suggestions;
    expect(typed.map((s) => s.label)).toEqual(["制造业", "服务业"]);
    expect(slice(text, typed[0]!.range as M.IRange)).toBe("服");
  });

  test("nothing inside a string or a comment", () => {
    expect(complete(inSection(`  item ④ "服务|"`))).toEqual([]);
    expect(complete(`# 注释 |\n`)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Hover, definition, references, outline, folding
// ---------------------------------------------------------------------------------------------

describe("hover", () => {
  const provider = createHoverProvider();
  const hoverAt = (position: M.IPosition) => provider.provideHover(fakeModel(RULES), position);

  test("an input: its type and its label, as Markdown", () => {
    const h = hoverAt(find(RULES, "有效体系认证证书数", 1, 2))!;
    const md = h.contents[0]!.value;
    expect(md).toContain("**有效体系认证证书数**");
    expect(md).toContain("`count`");
    expect(md).toContain("有效的体系认证证书数");
    expect(md).toContain("最大 50");
    expect(md.indexOf("有效的体系认证证书数")).toBeLessThan(md.indexOf("Valid management-system certificates"));
    expect(h.contents[0]!.isTrusted).toBe(false);
    expect(slice(RULES, h.range!)).toBe("有效体系认证证书数");
  });

  test("an item: the points it can reach", () => {
    const h = hoverAt(find(RULES, "①"))!;
    expect(h.contents[0]!.value).toContain("可得 0–4 分，分值 4 分，封顶 4 分");
    expect(h.contents[0]!.value).toContain("reachable 0–4");
    expect(slice(RULES, h.range!)).toBe("①");
    expect(hoverAt(find(RULES, "③"))!.contents[0]!.value).toContain("可得 0–2 分");
  });

  test("nothing on a blank line", () => {
    expect(hoverAt({ lineNumber: 7, column: 1 })).toBeNull();
  });
});

describe("definition and references", () => {
  test("go to an input's declaration from a reference", () => {
    const loc = createDefinitionProvider().provideDefinition(fakeModel(RULES), find(RULES, "类型 ==", 0, 1))!;
    expect(loc.uri).toBe(URI);
    expect(loc.range).toEqual({ ...rangeAt(find(RULES, "类型: 企业类别"), 2) });
  });

  test("every place an enum member is written, with or without its declaration", () => {
    const provider = createReferenceProvider();
    const at = find(RULES, "== 制造业", 0, 3);
    const all = provider.provideReferences(fakeModel(RULES), at, { includeDeclaration: true });
    expect(all.map((l) => l.range)).toEqual([rangeAt(find(RULES, "制造业 \"制造业企业\""), 3), rangeAt(at, 3)]);
    expect(all.every((l) => l.uri === URI)).toBe(true);
    expect(provider.provideReferences(fakeModel(RULES), at, { includeDeclaration: false }).map((l) => l.range)).toEqual([rangeAt(at, 3)]);
  });

  function rangeAt(p: M.IPosition, length: number): M.IRange {
    return { startLineNumber: p.lineNumber, startColumn: p.column, endLineNumber: p.lineNumber, endColumn: p.column + length };
  }
});

describe("document symbols and folding", () => {
  test("the outline with Monaco's symbol kinds", () => {
    const symbols = createDocumentSymbolProvider(fakeMonaco).provideDocumentSymbols(fakeModel(RULES));
    expect(symbols.map((s) => [s.name, s.kind])).toEqual([
      ["质量信用等级认定工作技术指标", SymbolKind.Namespace],
      ["企业类别", SymbolKind.Enum],
      ["申报日期", SymbolKind.Variable],
      ["类型", SymbolKind.Variable],
      ["有效体系认证证书数", SymbolKind.Variable],
      ["获江苏精品认证", SymbolKind.Variable],
      ["三 质量管理体系 (10 分)", SymbolKind.Module],
      ["A 质量信用A级", SymbolKind.Class],
    ]);
    const section = symbols[6]!;
    expect(section.children!.map((c) => c.kind)).toEqual([SymbolKind.Method, SymbolKind.Method, SymbolKind.Method]);
    expect(symbols[1]!.children!.map((c) => [c.name, c.kind])).toEqual([["制造业", SymbolKind.EnumMember], ["服务业", SymbolKind.EnumMember]]);
    expect(section.tags).toEqual([]);
    expect(slice(RULES, section.selectionRange)).toBe("三");
  });

  test("blocks fold with their closing brace visible", async () => {
    const text = `# 第一行注释\n# 第二行注释\n${RULES.slice(RULES.indexOf("ruleset"))}`;
    const ranges = await createFoldingRangeProvider(fakeMonaco).provideFoldingRanges(fakeModel(text));
    expect(ranges[0]).toEqual({ start: 1, end: 2, kind: FoldingRangeKind.Comment });
    const ruleset = ranges.find((r) => r.start === 2 + 1)!;
    expect(ruleset).toEqual({ start: 3, end: 6 });
    // From a source (the editor's checker, the worker's ranges), the same ranges.
    setFoldingSource(URI.toString(), (t) => Promise.resolve(encodeFoldingRanges(foldingRanges(t))));
    try {
      expect(await createFoldingRangeProvider(fakeMonaco).provideFoldingRanges(fakeModel(text))).toEqual(ranges);
    } finally {
      setFoldingSource(URI.toString(), null);
    }
    expect(decodeFoldingRanges(encodeFoldingRanges(foldingRanges(text)))).toEqual(foldingRanges(text));
  });
});

// ---------------------------------------------------------------------------------------------
// Rename
// ---------------------------------------------------------------------------------------------

describe("rename", () => {
  const provider = createRenameProvider();

  test("an input: every reference changes, and the result checks clean", () => {
    const model = fakeModel(RULES);
    const at = find(RULES, "有效体系认证证书数", 1, 3);
    const location = provider.resolveRenameLocation(model, at);
    expect(location.rejectReason).toBeUndefined();
    expect(location.text).toBe("有效体系认证证书数");
    expect(slice(RULES, location.range)).toBe("有效体系认证证书数");

    const edit = provider.provideRenameEdits(model, at, "体系证书数");
    expect(edit.rejectReason).toBeUndefined();
    expect(edit.edits).toHaveLength(2);
    const renamed = applyWorkspaceEdit(RULES, edit);
    expect(renamed).not.toContain("有效体系认证证书数");
    expect(renamed).toContain('input 体系证书数: count "有效的体系认证证书数"');
    expect(renamed).toContain("base 2 plus 0.5 per further 体系证书数");
    expect(codes(renamed)).toEqual([]);
  });

  test("to a keyword: refused, in Chinese", () => {
    const edit = provider.provideRenameEdits(fakeModel(RULES), find(RULES, "类型 =="), "count");
    expect(edit.edits).toEqual([]);
    expect(edit.rejectReason).toBe("“count”是关键字，不能用作名称");
  });

  test("to a name already taken, or where there is no name: refused, in Chinese", () => {
    const taken = provider.provideRenameEdits(fakeModel(RULES), find(RULES, "类型 =="), "申报日期");
    expect(taken.rejectReason).toContain("已被输入项 申报日期使用");
    const nowhere = provider.resolveRenameLocation(fakeModel(RULES), find(RULES, "award", 0, 1));
    expect(nowhere.rejectReason).toBe("此处没有可重命名的名称");
  });
});

// ---------------------------------------------------------------------------------------------
// Markers and quick fixes
// ---------------------------------------------------------------------------------------------

describe("markers", () => {
  test("code, the Chinese message first, and the span as is on a line with Chinese text", () => {
    const text = RULES.replace("award 2 when 类型 == 制造业", "award 2 when 企业类型 == 制造业");
    const diagnostics = analyze(text).diagnostics;
    expect(diagnostics.map((d) => d.code)).toEqual(["N001"]);
    const [marker] = toMarkers(diagnostics, fakeMonaco);
    const at = find(text, "企业类型 ==");
    expect(marker).toEqual({
      severity: fakeMonaco.MarkerSeverity.Error,
      code: "N001",
      message: "未定义的名称 企业类型\nunknown name 企业类型",
      source: "jsqc",
      startLineNumber: at.lineNumber,
      startColumn: at.column,
      endLineNumber: at.lineNumber,
      endColumn: at.column + 4,
    });
    expect(slice(text, marker!)).toBe("企业类型");
  });

  test("warnings and errors map to Monaco's severities", () => {
    const span = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 1, line: 1, column: 2 } };
    const d = (severity: Diagnostic["severity"]): Diagnostic => ({ severity, code: "X", message: "消息", messageEn: "message", span });
    expect(toMarkers([d("error"), d("warning"), d("info")], fakeMonaco).map((m) => m.severity)).toEqual([8, 4, 2]);
  });
});

describe("quick fixes", () => {
  // With item ③ at 5 points the section can reach 4 + 4 + 5 = 13 but its weight is 10 (S007),
  // and the header's total of 13 is not the weights' sum of 10 (S006).
  const text = RULES.replace("total 10", "total 13").replace(`item ③ "制造业企业" points 2 {\n    award 2 when`, `item ③ "制造业企业" points 5 {\n    award 5 when`);

  test("S007: set the section's weight to what it can reach; the result checks clean", () => {
    const diagnostics = analyze(text).diagnostics;
    expect(diagnostics.map((d) => d.code)).toEqual(["S006", "S007"]);
    const markers = toMarkers(diagnostics, fakeMonaco);
    const s007 = markers[1]!;
    const range: M.IRange = { startLineNumber: s007.startLineNumber, startColumn: s007.startColumn, endLineNumber: s007.endLineNumber, endColumn: s007.endColumn };
    const provider = createCodeActionProvider(fakeMonaco);
    const { actions } = provider.provideCodeActions(fakeModel(text), range, { markers: [s007] });
    const setWeight = actions.find((a) => a.title === "把满分改为 13")!;
    expect(setWeight).toBeDefined();
    expect(setWeight.kind).toBe("quickfix");
    expect(setWeight.isPreferred).toBe(false);
    // Linked to the very marker it fixes.
    expect(setWeight.diagnostics).toEqual([s007]);
    expect(setWeight.diagnostics![0]).toBe(s007);
    const fixed = applyWorkspaceEdit(text, setWeight.edit!);
    expect(fixed).toContain('section 三 "质量管理体系" weight 13 {');
    expect(codes(fixed)).toEqual([]);
    // The other fix for S007 caps the section instead.
    expect(actions.map((a) => a.title)).toContain("为本部分加封顶 cap 10");
  });

  test("a fix is preferred where the dsl says so, and none is offered for refactorings", () => {
    const misspelt = RULES.replace("when 类型 ==", "when 类形 ==");
    const [marker] = toMarkers(analyze(misspelt).diagnostics, fakeMonaco);
    const provider = createCodeActionProvider(fakeMonaco);
    const { actions } = provider.provideCodeActions(fakeModel(misspelt), marker!, { markers: [marker!] });
    expect(actions.map((a) => [a.title, a.isPreferred])).toEqual([["改为 类型", true]]);
    expect(applyWorkspaceEdit(misspelt, actions[0]!.edit!)).toBe(RULES);
    expect(provider.provideCodeActions(fakeModel(misspelt), marker!, { markers: [marker!], only: "refactor" }).actions).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

describe("formatting", () => {
  const provider = createFormattingProvider();

  test("one edit over the whole document, equal to format(text)", () => {
    const messy = RULES.replace("  year 2024", "year    2024").replace("pass 6", "   pass 6  ");
    const expected = format(messy).text;
    expect(expected).not.toBe(messy);
    const edits = provider.provideDocumentFormattingEdits(fakeModel(messy));
    const lines = messy.split("\n");
    expect(edits).toEqual([
      { range: { startLineNumber: 1, startColumn: 1, endLineNumber: lines.length, endColumn: lines[lines.length - 1]!.length + 1 }, text: expected },
    ]);
    expect(expected).toBe(RULES);
  });

  test("no edits for formatted text, nor for text with a syntax error", () => {
    expect(provider.provideDocumentFormattingEdits(fakeModel(RULES))).toEqual([]);
    const broken = RULES.replace("pass 6", "pass 6 {{").replace("  year 2024", "year    2024");
    expect(analyze(broken).diagnostics.some((d) => d.code.startsWith("P"))).toBe(true);
    expect(provider.provideDocumentFormattingEdits(fakeModel(broken))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Semantic tokens
// ---------------------------------------------------------------------------------------------

describe("semantic tokens", () => {
  test("the legend is the dsl's kinds", () => {
    expect(SEMANTIC_TOKENS_LEGEND.tokenTypes.slice(0, 3)).toEqual(["keyword", "formKeyword", "type"]);
    expect(SEMANTIC_TOKENS_LEGEND.tokenModifiers).toEqual([]);
  });

  test("a two-line sample encodes as Monaco's relative integers, in UTF-16 units", async () => {
    // 𠮷 is one character but two UTF-16 code units.
    const sample = 'input 数量: count "𠮷数量" optional\n# 注释';
    const { data } = (await createSemanticTokensProvider().provideDocumentSemanticTokens(fakeModel(sample)))!;
    const [keyword, type, string, comment, input] = ["keyword", "type", "string", "comment", "input"].map((k) => SEMANTIC_TOKENS_LEGEND.tokenTypes.indexOf(k));
    expect([keyword, type, string, comment, input]).toEqual([0, 2, 5, 8, 10]);
    expect(Array.from(data)).toEqual([
      0, 0, 5, 0, 0, //  input       line 0, char 0
      0, 6, 2, 10, 0, // 数量         char 6
      0, 4, 5, 2, 0, //  count       char 10
      0, 6, 6, 5, 0, //  "𠮷数量"     char 16, 6 units long
      0, 7, 8, 0, 0, //  optional    char 23
      1, 0, 4, 8, 0, //  # 注释       next line, char 0
    ]);
    expect(data).toBeInstanceOf(Uint32Array);
  });

  test("a model with a source takes its tokens from it (the editor's checker), its refusal passed on", async () => {
    const provider = createSemanticTokensProvider();
    const asked: string[] = [];
    const given = new Uint32Array([0, 0, 5, 0, 0]);
    setSemanticTokensSource(URI.toString(), (text) => { asked.push(text); return text === "input" ? Promise.resolve(given) : Promise.reject(new Error(BUSY)); });
    try {
      expect((await provider.provideDocumentSemanticTokens(fakeModel("input")))!.data).toBe(given);
      await expect(provider.provideDocumentSemanticTokens(fakeModel("inpu"))).rejects.toThrow("busy");
      expect(asked).toEqual(["input", "inpu"]);
    } finally {
      setSemanticTokensSource(URI.toString(), null);
    }
    expect(Array.from((await provider.provideDocumentSemanticTokens(fakeModel("input")))!.data)).toEqual([0, 0, 5, 0, 0]);
  });

  test("tokens out of order are skipped rather than encoded as negative deltas", () => {
    const data = encodeSemanticTokens([
      { line: 2, column: 3, length: 1, kind: "number" },
      { line: 1, column: 1, length: 1, kind: "number" },
      { line: 2, column: 5, length: 2, kind: "date" },
    ]);
    expect(Array.from(data)).toEqual([1, 2, 1, 6, 0, 0, 2, 2, 7, 0]);
  });
});

// ---------------------------------------------------------------------------------------------
// Highlighting and registration
// ---------------------------------------------------------------------------------------------

describe("the Monarch tokenizer", () => {
  test("its word lists come from the dsl's token categories", () => {
    const k = keywordClasses();
    expect(k.formKeyword).toEqual(expect.arrayContaining(["award", "when", "highest", "tiers", "judged", "sum"]));
    expect(k.type).toEqual(expect.arrayContaining(["count", "date", "yesno", "decimal", "text"]));
    expect(k.operator).toEqual(expect.arrayContaining(["and", "or", "not", "in", "within"]));
    expect(k.function).toEqual(expect.arrayContaining(["count", "max", "any", "sum", "year"]));
    expect(k.keyword).toEqual(expect.arrayContaining(["ruleset", "section", "item", "input", "cap"]));
    expect(new Set(k.numbers)).toEqual(new Set(["item", "veto", "section", "vetoes"]));
    // Every reserved word has exactly one colour.
    const all = [...k.keyword, ...k.formKeyword, ...k.type, ...k.operator];
    expect(all).toHaveLength(new Set(all).size);
  });

  test("Monaco's own Monarch engine colours a line with it", async () => {
    // Monaco's tokenizer is plain code under esm/vs/editor/standalone/common; only the services it
    // asks for are faked.
    const base = "monaco-editor/editor/standalone/common/monarch/";
    const { compile } = (await import(/* @vite-ignore */ `${base}monarchCompile.js`)) as { compile(id: string, def: M.languages.IMonarchLanguage): unknown };
    const { MonarchTokenizer } = (await import(/* @vite-ignore */ `${base}monarchLexer.js`)) as {
      MonarchTokenizer: new (...args: unknown[]) => {
        getInitialState(): unknown;
        tokenize(line: string, hasEOL: boolean, state: unknown): { tokens: { offset: number; type: string }[]; endState: unknown };
      };
    };
    const tokenizer = new MonarchTokenizer(
      { languageIdCodec: { encodeLanguageId: () => 1 }, isRegisteredLanguageId: () => false, getLanguageIdByLanguageName: () => null, requestBasicLanguageFeatures: () => {} },
      { getColorTheme: () => ({ tokenTheme: { match: () => 0 } }) },
      LANGUAGE_ID,
      compile(LANGUAGE_ID, monarchLanguage()),
      { onDidChangeConfiguration: () => ({ dispose() {} }), getValue: () => 20_000 },
    );
    const colour = (line: string) => {
      const { tokens } = tokenizer.tokenize(line, true, tokenizer.getInitialState());
      return tokens
        .map((t, i) => [line.slice(t.offset, tokens[i + 1]?.offset ?? line.length), t.type.replace(`.${LANGUAGE_ID}`, "")])
        .filter(([, type]) => type !== "white");
    };
    expect(colour('  item ① "通过 ISO9000 认证" points 4 {')).toEqual([
      ["item", "keyword"], ["①", "itemNumber"], ['"通过 ISO9000 认证"', "string"], ["points", "keyword"], ["4", "number"], ["{", "delimiter.curly"],
    ]);
    expect(colour("    award 2 when 类型 == 制造业 and count(证书列表) >= 3 # 注")).toEqual([
      ["award", "formKeyword"], ["2", "number"], ["when", "formKeyword"], ["类型", "identifier"], ["==", "operator"], ["制造业", "identifier"],
      ["and", "operator"], ["count", "function"], ["(", "delimiter.parenthesis"], ["证书列表", "identifier"], [")", "delimiter.parenthesis"],
      [">=", "operator"], ["3", "number"], ["# 注", "comment"],
    ]);
    expect(colour('section 一 "质量" weight 10 {').slice(0, 2)).toEqual([["section", "keyword"], ["一", "itemNumber"]]);
    expect(colour("input A级认定日期: date optional  effective 2024-01-01")).toEqual([
      ["input", "keyword"], ["A级认定日期", "identifier"], [":", "delimiter"], ["date", "type"], ["optional", "keyword"], ["effective", "keyword"], ["2024-01-01", "date"],
    ]);
    expect(colour('note "未写完')).toEqual([["note", "keyword"], ['"未写完', "string.invalid"]]);
  });
});

describe("registerLanguage", () => {
  /** A Monaco namespace that records what is registered. */
  function recordingMonaco() {
    const calls: string[] = [];
    const languages: string[] = [];
    const record = (name: string) => (...args: unknown[]) => {
      calls.push(name);
      if (name === "register") languages.push((args[0] as { id: string }).id);
      if (name === "setMonarchTokensProvider") expect(args[0]).toBe(LANGUAGE_ID);
      if (name === "defineTheme") expect(args[0]).toBe(THEME_NAME);
      return { dispose() {} };
    };
    const names = [
      "register", "setLanguageConfiguration", "setMonarchTokensProvider", "registerDocumentSemanticTokensProvider", "registerCompletionItemProvider",
      "registerHoverProvider", "registerDefinitionProvider", "registerReferenceProvider", "registerRenameProvider",
      "registerDocumentFormattingEditProvider", "registerDocumentSymbolProvider", "registerFoldingRangeProvider", "registerCodeActionProvider",
    ];
    const monaco = {
      ...fakeMonaco,
      languages: { ...fakeMonaco.languages, ...Object.fromEntries(names.map((n) => [n, record(n)])), getLanguages: () => languages.map((id) => ({ id })) },
      editor: { defineTheme: record("defineTheme") },
    } as unknown as Monaco;
    return { monaco, calls };
  }

  test("registers the language, its tokenizer, theme and every provider once per namespace", () => {
    const { monaco, calls } = recordingMonaco();
    expect(registerLanguage(monaco)).toBe(true);
    expect(registerLanguage(monaco)).toBe(false);
    expect(calls.filter((c) => c.startsWith("register")).sort()).toEqual([
      "register", "registerCodeActionProvider", "registerCompletionItemProvider", "registerDefinitionProvider", "registerDocumentFormattingEditProvider",
      "registerDocumentSemanticTokensProvider", "registerDocumentSymbolProvider", "registerFoldingRangeProvider", "registerHoverProvider",
      "registerReferenceProvider", "registerRenameProvider",
    ]);
    expect(calls).toContain("setMonarchTokensProvider");
    expect(calls).toContain("defineTheme");
    // Another namespace (another page's Monaco) gets its own registration.
    const other = recordingMonaco();
    expect(registerLanguage(other.monaco)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Checking
// ---------------------------------------------------------------------------------------------

describe("checking", () => {
  const broken = RULES.replace("when 类型 ==", "when 类形 ==");

  test("the worker's answer: the dsl's parse and check of the text", () => {
    const reply = answer({ id: 3, text: broken });
    expect(reply.id).toBe(3);
    expect(reply.version).toBe(CHECK_PROTOCOL_VERSION);
    expect(reply.diagnostics).toEqual(analyze(broken).diagnostics);
    // With the text's semantic tokens, as the provider would encode them here.
    expect(Array.from(reply.tokens)).toEqual(Array.from(encodeSemanticTokens(semanticTokens(broken))));
    expect(decodeFoldingRanges(reply.folds)).toEqual(foldingRanges(broken));
    // The reply crosses to the main thread by structured clone.
    expect(structuredClone(reply)).toEqual(reply);
  });

  test("small texts are checked on this thread, with no worker", async () => {
    let made = 0;
    const checker = createChecker({ createWorker: () => { made++; return null; } });
    expect((await checker.check(broken)).map((d) => d.code)).toEqual(["N001"]);
    expect(await checker.check(RULES)).toEqual([]);
    expect(made).toBe(0);
  });

  /** A worker the test answers by hand. */
  function manualWorker() {
    const posted: CheckRequest[] = [];
    let reply: (r: CheckReply) => void = () => {};
    let fail: (message: string) => void = () => {};
    const factory: CheckWorkerFactory = (onReply, onError) => {
      reply = onReply;
      fail = onError;
      return { post: (r) => posted.push(r), terminate: () => {} };
    };
    // The worker's side as check.worker.ts runs it: it keeps the text edits apply to.
    const answerer = createAnswerer();
    return { factory, posted, answer: (i: number) => reply(answerer(posted[i]!)), fail: (m: string) => fail(m) };
  }

  test("`here` checks a large text on this thread; a worker reply for an older text is then dropped", async () => {
    const w = manualWorker();
    const checker = createChecker({ workerThreshold: 100, createWorker: w.factory });
    const first = checker.check(RULES);
    expect(w.posted).toHaveLength(1);
    expect((await checker.check(broken + " ".repeat(200), { here: true })).map((d) => d.code)).toEqual(["N001"]);
    expect(w.posted).toHaveLength(1);
    w.answer(0);
    expect((await first).map((d) => d.code)).toEqual(["N001"]);
  });

  test("large texts go to the worker; stale replies are dropped and older requests get the newest result", async () => {
    const w = manualWorker();
    const checker = createChecker({ workerThreshold: 100, createWorker: w.factory });
    const settled: string[][] = [];
    const track = (p: Promise<Diagnostic[]>) => p.then((d) => settled.push(d.map((x) => x.code)));
    const first = track(checker.check(broken));
    const second = track(checker.check(RULES.replace("total 10", "total 11")));
    const third = track(checker.check(RULES));
    // One text at a time: the second was replaced by the third before it was sent.
    expect(w.posted.map((r) => r.id)).toEqual([1]);
    w.answer(0);
    await Promise.resolve();
    expect(settled).toEqual([]);
    expect(w.posted.map((r) => r.id)).toEqual([1, 3]);
    w.answer(1);
    await Promise.all([first, second, third]);
    expect(settled).toEqual([[], [], []]);
  });

  test("a small text settles at once, and the large text before it with it", async () => {
    const w = manualWorker();
    const checker = createChecker({ workerThreshold: RULES.length + 10, createWorker: w.factory });
    const big = checker.check(`${broken}\n# ${"长".repeat(20)}`);
    const small = checker.check(broken);
    expect(await small).toHaveLength(1);
    expect(await big).toBe(await small);
    w.answer(0); // Late and stale: ignored.
  });

  test("if the worker fails, the newest text is checked on this thread", async () => {
    const w = manualWorker();
    const checker = createChecker({ workerThreshold: 100, createWorker: w.factory });
    const pending = checker.check(broken);
    w.fail("script error");
    expect((await pending).map((d) => d.code)).toEqual(["N001"]);
    expect((await checker.check(RULES))).toEqual([]);
    expect(w.posted).toHaveLength(1);
  });

  test("semantic tokens: the worker's for the text it checks (once they arrive), refused (busy) for a text replaced meanwhile, else made here", async () => {
    const w = manualWorker();
    const checker = createChecker({ workerThreshold: 100, createWorker: w.factory });
    const here = Array.from(encodeSemanticTokens(semanticTokens(RULES)));
    void checker.check(broken);
    const early = checker.semanticTokens(broken);
    let got: Uint32Array | null | undefined;
    void early.then((d) => { got = d; });
    await Promise.resolve();
    expect(got).toBeUndefined(); // waits for the worker
    w.answer(0);
    expect(Array.from((await early)!)).toEqual(Array.from(encodeSemanticTokens(semanticTokens(broken))));
    // Asked again: the same tokens, with no new request.
    expect(await checker.semanticTokens(broken)).toBe(await early);
    expect(w.posted).toHaveLength(1);
    // A request replaced by a newer text before its reply: refused as busy (Monaco asks again).
    void checker.check(RULES.replace("total 10", "total 11"));
    const replaced = checker.semanticTokens(RULES.replace("total 10", "total 11"));
    void checker.check(RULES);
    await expect(replaced).rejects.toThrow(BUSY);
    // Folding ranges come the same way, but a replaced text gets the newest ranges, never a refusal.
    void checker.check(RULES.replace("total 10", "total 12"));
    const folds = checker.foldingRanges(RULES.replace("total 10", "total 12"));
    void checker.check(RULES);
    expect(decodeFoldingRanges(await folds)).toEqual(foldingRanges(broken));
    // A text the worker never saw: made on this thread.
    expect(Array.from((await checker.semanticTokens("input 数量: count"))!)).toEqual(Array.from(encodeSemanticTokens(semanticTokens("input 数量: count"))));
    w.answer(1);
    w.answer(2);
    expect(Array.from((await checker.semanticTokens(RULES))!)).toEqual(here);
    checker.dispose();
  });

  test("while typing the worker is sent the edits since its text, not the whole text", async () => {
    const w = manualWorker();
    const checker = createChecker({ workerThreshold: 100, createWorker: w.factory });
    const at = RULES.indexOf("when 类型 ==") + "when 类".length;
    const first = checker.check(RULES);
    // Two keystrokes while the first text is checked: their edits go together, once it is answered.
    const typo1 = RULES.slice(0, at) + "形" + RULES.slice(at);
    void checker.check(typo1, { edits: [{ offset: at, length: 0, text: "形" }] });
    const typo2 = RULES.slice(0, at) + "形" + RULES.slice(at + 1);
    const second = checker.check(typo2, { edits: [{ offset: at + 1, length: 1, text: "" }] });
    expect(typo2).toBe(broken);
    w.answer(0);
    expect(w.posted[1]).toEqual({ id: 3, edits: [{ offset: at, length: 0, text: "形" }, { offset: at + 1, length: 1, text: "" }], length: broken.length });
    w.answer(1);
    expect((await second).map((d) => d.code)).toEqual(["N001"]);
    expect(await first).toBe(await second); // the older request gets the newest result
    expect(applyEdits(RULES, [{ offset: at, length: 1, text: "形" }])).toBe(broken);

    checker.dispose();
  });

  test("a reply asking for the whole text gets it", async () => {
    const posted: CheckRequest[] = [];
    let reply: (r: CheckReply) => void = () => {};
    const checker = createChecker({ workerThreshold: 100, createWorker: (onReply) => { reply = onReply; return { post: (r) => posted.push(r), terminate: () => {} }; } });
    const pending = checker.check(broken, { edits: [] });
    // No text yet to apply edits to: sent whole (the checker knows of no earlier text).
    expect("text" in posted[0]!).toBe(true);
    reply(createAnswerer()(posted[0]!));
    await pending;
    const at = RULES.indexOf("when 类型 ==") + "when 类".length;
    const fixed = checker.check(RULES, { edits: [{ offset: at, length: 1, text: "型" }] });
    expect(posted[1]).toEqual({ id: 2, edits: [{ offset: at, length: 1, text: "型" }], length: RULES.length });
    // A worker without that text refuses; the client sends the text whole, and its answer settles the check.
    reply(createAnswerer()(posted[1]!));
    expect(posted[2]).toEqual({ id: 2, text: RULES });
    reply(createAnswerer()(posted[2]!));
    expect(await fixed).toEqual([]);
  });

  test("dispose settles what is pending", async () => {
    const w = manualWorker();
    const checker = createChecker({ workerThreshold: 100, createWorker: w.factory });
    const pending = checker.check(broken);
    checker.dispose();
    expect(await pending).toEqual([]);
  });
});
