/** The Monaco editor with the rules language registered; reports text changes and diagnostics. */
import { useEffect, useImperativeHandle, useRef, forwardRef } from "react";
import type { Diagnostic } from "@jsqc/dsl";
import { monaco } from "./monaco/monaco.js";
import { LANGUAGE_ID, registerLanguage, toMarkers, createChecker, HERE_LIMIT, setSemanticTokensSource, setFoldingSource, type TextEdit } from "./monaco/index.js";
import "./monaco/monaco-environment.js";
import { EDITOR_OPTIONS } from "./monaco/options.js";

/** A change this long after the previous one is checked on the main thread (see `run`). */
export const QUIET_MS = 250;

export interface EditorHandle {
  /** Replaces the whole text as one undoable edit. */
  setText(text: string): void;
  getText(): string;
  /** Selects and reveals a 1-based, end-exclusive range. */
  select(range: { line: number; column: number; endLine: number; endColumn: number }): void;
  focus(): void;
  format(): void;
  /** Applies text edits (offsets in the current text) as one undoable step. */
  applyEdits(edits: readonly { start: number; end: number; text: string }[]): void;
  undo(): void;
  redo(): void;
}

interface Props {
  readonly initialText: string;
  /** The file name, so that each file has its own model and undo history. */
  readonly name: string;
  readonly onChange: (text: string) => void;
  readonly onDiagnostics: (text: string, diagnostics: readonly Diagnostic[]) => void;
}

declare global {
  interface Window {
    /** Hooks for the end-to-end tests and the editor benchmark. */
    __jsqc?: { editor: monaco.editor.IStandaloneCodeEditor; monaco: typeof monaco; timings: { keyAt: number | null; changedAt: number; markersAt: number; previewAt?: number; version: number }[] };
  }
}

export const Editor = forwardRef<EditorHandle, Props>(function Editor({ initialText, name, onChange, onDiagnostics }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const callbacks = useRef({ onChange, onDiagnostics });
  callbacks.current = { onChange, onDiagnostics };

  useEffect(() => {
    registerLanguage(monaco as never);
    const checker = createChecker();
    const uri = monaco.Uri.parse(`file:///rules/${name}`);
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(initialText, LANGUAGE_ID, uri);
    // Highlighting takes its tokens from the checker: the worker's, computed with the markers.
    setSemanticTokensSource(uri.toString(), (text) => checker.semanticTokens(text));
    // Folding too, so that it does not parse the file here after every pause in typing.
    setFoldingSource(uri.toString(), (text) => checker.foldingRanges(text));
    const editor = monaco.editor.create(host.current!, {
      model,
      theme: "jsqc-light",
      ...EDITOR_OPTIONS,
      "semanticHighlighting.enabled": true,
      // Sticky scroll from indentation: the same headers as from the outline on our files (section,
      // enum … lines; the outline model parsed the file here after every pause and cancelled a
      // request at every keystroke), and unlike the folding model no comment runs as headers.
      stickyScroll: { enabled: true, defaultModel: "indentationModel" },
    });
    editorRef.current = editor;
    const timings: NonNullable<Window["__jsqc"]>["timings"] = [];
    window.__jsqc = { editor, monaco, timings };

    let disposed = false;
    // When the last key went down, for the keystroke-to-markers benchmark.
    let keyAt: number | null = null;
    const keys = editor.onKeyDown(() => { keyAt = performance.now(); });
    // A change after a pause is checked here, at once (and its analysis is then the one the
    // providers and the preview's compile reuse); the changes of a burst of typing go to the
    // checking worker, so that parsing at every keystroke never runs on this thread.
    let lastChangeAt = -Infinity;
    const run = async (text: string, edits?: readonly TextEdit[]) => {
      const version = model.getVersionId();
      const changedAt = performance.now();
      const quiet = changedAt - lastChangeAt >= QUIET_MS;
      lastChangeAt = changedAt;
      const pressed = keyAt;
      keyAt = null;
      const here = quiet && text.length < HERE_LIMIT;
      const diagnostics = await checker.check(text, edits ? { here, edits } : { here });
      if (disposed || model.getVersionId() !== version) return;
      monaco.editor.setModelMarkers(model, "jsqc", toMarkers(diagnostics, monaco as never) as monaco.editor.IMarkerData[]);
      timings.push({ keyAt: pressed, changedAt, markersAt: performance.now(), version });
      if (timings.length > 1000) timings.shift();
      callbacks.current.onDiagnostics(text, diagnostics);
    };
    // The worker is sent the change (a keystroke's few characters), not the whole text.
    const sub = model.onDidChangeContent((e) => {
      const text = model.getValue();
      callbacks.current.onChange(text);
      void run(text, e.changes.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text })));
    });
    void run(model.getValue());
    return () => {
      disposed = true;
      setSemanticTokensSource(uri.toString(), null);
      setFoldingSource(uri.toString(), null);
      sub.dispose();
      keys.dispose();
      editor.dispose();
      model.dispose();
      checker.dispose?.();
    };
    // One editor and model per file; initialText is read when the file opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [name]);

  useImperativeHandle(ref, () => ({
    setText(text) {
      const editor = editorRef.current;
      const model = editor?.getModel();
      if (!editor || !model) return;
      editor.pushUndoStop();
      editor.executeEdits("jsqc", [{ range: model.getFullModelRange(), text }]);
      editor.pushUndoStop();
    },
    getText: () => editorRef.current?.getModel()?.getValue() ?? "",
    select(r) {
      const editor = editorRef.current;
      if (!editor) return;
      const range = new monaco.Range(r.line, r.column, r.endLine, r.endColumn);
      editor.setSelection(range);
      editor.revealRangeInCenter(range);
      editor.focus();
    },
    focus: () => editorRef.current?.focus(),
    format: () => void editorRef.current?.getAction("editor.action.formatDocument")?.run(),
    applyEdits(edits) {
      const editor = editorRef.current;
      const model = editor?.getModel();
      if (!editor || !model) return;
      const ops = edits.map((e) => {
        const a = model.getPositionAt(e.start);
        const b = model.getPositionAt(e.end);
        return { range: new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column), text: e.text };
      });
      editor.pushUndoStop();
      editor.executeEdits("jsqc-structure", ops);
      editor.pushUndoStop();
    },
    undo: () => { editorRef.current?.trigger("jsqc", "undo", null); },
    redo: () => { editorRef.current?.trigger("jsqc", "redo", null); },
  }), []);

  return <div ref={host} className="editor-host" data-testid="editor" />;
});
