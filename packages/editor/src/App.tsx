/**
 * The editor's shell: opens a rule file from the store, keeps unsaved edits per tab (collab/),
 * saves with the version it opened (ETag / If-Match) and merges three-way with a newer version
 * (asking only where both sides changed the same rule), refuses to put a file with errors over the published one (it goes to a draft), and
 * creates next year's file from this one.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { analyze, type Diagnostic } from "@jsqc/dsl";
import { carryApplication, compile, type Ruleset, type Source } from "@jsqc/engine";
import { api, HttpError, type FileInfo } from "./api.js";
import { Editor, QUIET_MS, type EditorHandle } from "./Editor.js";
import { Preview, type Application } from "./Preview.js";
import { Paperwork } from "./Paperwork.js";
import { LangContext, WORDS, type Lang } from "./i18n.js";
import { Structure } from "./Structure.js";
import { HistoryDialog } from "./History.js";
import { CompareDialog } from "./Compare.js";
import { TOKEN_KEY } from "./api.js";
import { Revision } from "./revision/Revision.js";
import { mergeRuleFiles, type RuleMerge } from "@jsqc/dsl";
import { useCollab, type Newer } from "./collab/useCollab.js";
import { writeUnsaved, type Unsaved } from "./collab/session.js";
import { MergeDialog } from "./collab/MergeDialog.js";
import { CollabBanners } from "./collab/Banners.js";
import { COLLAB_WORDS, formatTime } from "./collab/words.js";

/** How long typing pauses before the preview is recompiled (the first keystroke after a pause compiles at once). */
const PREVIEW_QUIET_MS = QUIET_MS;

export function App() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem("jsqc:lang") === "en" ? "en" : "zh"));
  const w = WORDS[lang];
  const [files, setFiles] = useState<FileInfo[]>([]);
  const [name, setName] = useState<string | null>(null);
  const [opened, setOpened] = useState<{ name: string; text: string; etag: string } | null>(null);
  // The editor's text is kept out of React state while typing: `live` is the newest text (every
  // keystroke), `text` the text as of the last pause in typing (`QUIET_MS`; every change while the
  // structure view shows, which edits by offsets in it). The app re-renders at a keystroke only
  // when the unsaved marker or the problem count changes (re-rendering the app at every keystroke
  // was a large part of the typing cost, docs/speed.md).
  const live = useRef("");
  const [text, setText] = useState("");
  const [, rerender] = useState(0);
  const [errors, setErrors] = useState(0);
  const [warnings, setWarnings] = useState(0);
  const [ruleset, setRuleset] = useState<Ruleset | null>(null);
  const [stale, setStale] = useState(false);
  const [application, setApplication] = useState<Application>({ grade: "A", inputs: {}, experts: [] });
  const [examples, setExamples] = useState<{ name: string; label: string }[]>([]);
  const [status, setStatus] = useState<string>("");
  const [restore, setRestore] = useState<Unsaved | null>(null);
  const [merge, setMerge] = useState<{ merge: RuleMerge; theirs: { source: string; etag: string }; target: string } | null>(null);
  const [newer, setNewer] = useState<(Newer & { reloaded: boolean }) | null>(null);
  const [newYear, setNewYear] = useState<{ year: string; document: string } | null>(null);
  const [view, setView] = useState<"text" | "structure">("text");
  const [showHistory, setShowHistory] = useState(false);
  const [showCompare, setShowCompare] = useState(false);
  const [showRevision, setShowRevision] = useState(false);
  const [who, setWho] = useState<{ name: string; role: string } | null>(null);
  const editor = useRef<EditorHandle>(null);
  // Unsaved edits, at once: from the newest text (a keystroke that changes it re-renders).
  const dirty = opened !== null && live.current !== opened.text;
  const shownDirty = useRef(dirty);
  shownDirty.current = dirty;
  const openedRef = useRef(opened);
  openedRef.current = opened;
  const viewRef = useRef<"text" | "structure">("text");
  viewRef.current = view;
  const cw = COLLAB_WORDS[lang];
  // A version saved elsewhere: loaded at once when this tab has no unsaved edits, else merged on save.
  // The unsaved copy is of the text as of the last pause, so its flag is too.
  const collab = useCollab({ opened, text, dirty: opened !== null && text !== opened.text, onNewer: (n) => {
    const o = openedRef.current;
    const d = o !== null && live.current !== o.text;
    if (!d && o) { setOpened({ ...o, text: n.source, etag: n.etag }); editor.current?.setText(n.source); }
    setNewer({ ...n, reloaded: !d });
  } });

  useEffect(() => { localStorage.setItem("jsqc:lang", lang); document.documentElement.lang = lang === "zh" ? "zh-CN" : "en"; }, [lang]);

  const refreshFiles = useCallback(async () => {
    const list = await api.files();
    setFiles(list);
    return list;
  }, []);

  // First load: who we are (asking for a token when the server has accounts), the files, the
  // examples, and the newest published year.
  useEffect(() => {
    void (async () => {
      for (;;) {
        try {
          setWho(await api.whoami());
          break;
        } catch (err) {
          if (!(err instanceof HttpError) || err.status !== 401) break;
          const token = prompt(w.tokenPrompt);
          if (!token) return;
          localStorage.setItem(TOKEN_KEY, token);
        }
      }
      const list = await refreshFiles();
      const first = [...list].filter((f) => f.kind === "published").sort((a, b) => b.year.localeCompare(a.year))[0] ?? list[0];
      const hash = decodeURIComponent(location.hash.slice(1));
      setName(list.some((f) => f.name === hash) ? hash : first?.name ?? null);
      const ex = await api.examples().catch(() => []);
      setExamples(ex.map((e) => ({ name: e.name, label: `${e.name.slice(0, 2)} ${e.enterprise?.name ?? e.name}（${e.grade ?? ""}）` })));
      if (ex[0]) setApplication((await api.example(ex[0].name)) as Application);
    })();
  }, [refreshFiles]);

  // Open a file; offer back unsaved edits kept from an earlier session.
  useEffect(() => {
    if (!name) return;
    let cancelled = false;
    void (async () => {
      const body = await api.file(name);
      if (cancelled) return;
      setOpened({ name, text: body.source, etag: body.etag });
      live.current = body.source;
      clearTimeout(textTimer.current);
      setText(body.source);
      setRuleset(null);
      location.hash = encodeURIComponent(name);
      const kept = collab.kept(name);
      setRestore(kept && kept.text !== body.source ? kept : null);
      setNewer(null);
    })();
    return () => { cancelled = true; };
  }, [name]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      // Keep the editor's text as it is now: the per-keystroke copy is written after React's
      // render, which a reload or a closed tab can overtake (the last keystrokes would be lost).
      const now = editor.current?.getText();
      if (opened && now !== undefined && now !== opened.text) writeUnsaved(opened.name, { text: now, etag: opened.etag, base: opened.text, at: new Date().toISOString() });
      if (!dirty) return;
      e.preventDefault();
      e.returnValue = w.leaveWarning;
      return w.leaveWarning;
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty, w.leaveWarning, opened]);

  // The preview's ruleset is compiled on the main thread (a ruleset is closures: it cannot come
  // from the checking worker). During a burst of typing only the first text without errors after
  // a pause and the one typing pauses on (`PREVIEW_QUIET_MS` without a keystroke) are compiled; the markers, the
  // problem count and the dirty flag follow every keystroke. Compiling the 2024 file at every
  // keystroke was, with checking, most of the typing cost (docs/speed.md).
  const compileTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const textTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const typing = useRef({ lastChangeAt: -Infinity, afterPause: true });
  // The file whose editor reports diagnostics: a compile still waiting for another file is dropped.
  const openedName = useRef<string | null>(null);
  openedName.current = opened?.name ?? null;
  useEffect(() => () => { clearTimeout(compileTimer.current); clearTimeout(textTimer.current); }, []);
  const onChange = useCallback((source: string) => {
    const now = performance.now();
    const t = typing.current;
    if (now - t.lastChangeAt >= PREVIEW_QUIET_MS) t.afterPause = true;
    t.lastChangeAt = now;
    live.current = source;
    const o = openedRef.current;
    if ((o !== null && source !== o.text) !== shownDirty.current) rerender((n) => n + 1);
    clearTimeout(textTimer.current);
    if (viewRef.current === "structure") setText(source);
    else textTimer.current = setTimeout(() => setText(live.current), PREVIEW_QUIET_MS);
  }, []);
  /** The newest text into `text` now (before a view that reads it opens). */
  const syncText = () => {
    clearTimeout(textTimer.current);
    setText(editor.current?.getText() ?? live.current);
  };
  // The text the newest diagnostics are of: saving right after typing (their check still in the
  // worker) checks the text to save itself rather than trust the problem count of an older text.
  const checked = useRef<{ text: string; errors: boolean } | null>(null);
  const onDiagnostics = useCallback((source: string, ds: readonly Diagnostic[]) => {
    const errorCount = ds.filter((d) => d.severity === "error").length;
    checked.current = { text: source, errors: errorCount > 0 };
    setErrors(errorCount);
    setWarnings(ds.length - errorCount);
    clearTimeout(compileTimer.current);
    const t = typing.current;
    if (ds.some((d) => d.severity === "error")) {
      setStale(true);
      return;
    }
    // The first text after a pause that compiles (typing "2.5": "2." has an error, "2.5" compiles at once).
    const leading = t.afterPause;
    t.afterPause = false;
    const file = openedName.current;
    const build = () => {
      if (openedName.current !== file) return;
      // The parse and check the language's providers also use (`analyze` keeps the last texts).
      const compiled = compile(source, name ?? "rules", analyze(source));
      if (compiled.ok) {
        setRuleset(compiled.ruleset);
        setStale(false);
      } else setStale(true);
    };
    const wait = t.lastChangeAt + PREVIEW_QUIET_MS - performance.now();
    if (leading || wait <= 0) build();
    else compileTimer.current = setTimeout(build, wait);
  }, [name]);

  const current = files.find((f) => f.name === name);
  const isDraft = current?.kind === "draft" || (name?.includes(".draft.") ?? false);

  const save = useCallback(async (asDraft: boolean) => {
    if (!opened) return;
    const source = editor.current?.getText() ?? text;
    const target = asDraft && !opened.name.includes(".draft.") ? opened.name.replace(/\.rules$/, ".draft.rules") : opened.name;
    const hasErrors = checked.current?.text === source ? checked.current.errors : analyze(source).diagnostics.some((d) => d.severity === "error");
    if (!asDraft && hasErrors && !target.includes(".draft.")) {
      setStatus(w.saveErrorsPublished);
      return;
    }
    setStatus(w.saving);
    const draftExists = files.some((f) => f.name === target);
    try {
      const etag = target === opened.name ? opened.etag : draftExists ? (await api.file(target)).etag : null;
      const r = await api.save(target, source, etag);
      collab.forget(opened.name);
      collab.announceSaved(target, r.etag);
      setNewer(null);
      await refreshFiles();
      if (target === opened.name) {
        setOpened({ name: target, text: source, etag: r.etag });
        setStatus(w.saved);
      } else {
        setStatus(`${w.saved}：${target}`);
        setName(target);
      }
    } catch (err) {
      if (err instanceof HttpError && err.status === 409 && err.body.current && target === opened.name) {
        // Saved meanwhile elsewhere: merge three-way from the version this tab opened.
        const theirs = err.body.current;
        const m = mergeRuleFiles(opened.text, source, theirs.source);
        if (m.text !== null && (m.clean || isDraft)) await saveMerged(m.text, theirs.etag, m);
        else { setMerge({ merge: m, theirs, target }); setStatus(""); }
      } else if (err instanceof HttpError) setStatus(lang === "zh" ? err.body.message : err.body.messageEn);
      else setStatus(String(err));
    }
  }, [opened, text, errors, files, refreshFiles, w, lang, isDraft, collab]); // eslint-disable-line react-hooks/exhaustive-deps

  /** Saves a merged text over the version saved elsewhere, and shows it in the editor. */
  async function saveMerged(merged: string, theirsEtag: string, m: RuleMerge | null): Promise<void> {
    if (!opened) return;
    try {
      const r = await api.save(opened.name, merged, theirsEtag);
      collab.forget(opened.name);
      collab.announceSaved(opened.name, r.etag);
      setOpened({ name: opened.name, text: merged, etag: r.etag });
      editor.current?.setText(merged);
      setMerge(null);
      setNewer(null);
      await refreshFiles();
      const said = (cs: readonly { what: string; whatEn: string }[]) => cs.map((c) => (lang === "zh" ? c.what : c.whatEn)).join("，");
      setStatus(m ? `${cw.mergedSaved}（${[m.theirsDiff.changes.length ? `${cw.theirsSide}：${said(m.theirsDiff.changes)}` : "", m.mineDiff.changes.length ? `${cw.mineSide}：${said(m.mineDiff.changes)}` : ""].filter(Boolean).join("；")}）` : w.saved);
    } catch (err) {
      // Saved again meanwhile: go round once more from the start (the save merges again).
      if (err instanceof HttpError && err.status === 409) { setMerge(null); setStatus(lang === "zh" ? err.body.message : err.body.messageEn); }
      else setStatus(err instanceof HttpError ? (lang === "zh" ? err.body.message : err.body.messageEn) : String(err));
    }
  }

  /** Restores a history version: saved at once as a new version, audited as a restore. */
  async function restoreVersion(version: string, source: string, at: string): Promise<void> {
    if (!opened || (dirty && !confirm(cw.restoreConfirm))) return;
    try {
      const r = await api.save(opened.name, source, opened.etag, version);
      collab.forget(opened.name);
      collab.announceSaved(opened.name, r.etag);
      setOpened({ name: opened.name, text: source, etag: r.etag });
      editor.current?.setText(source);
      setShowHistory(false);
      setView("text");
      await refreshFiles();
      setStatus(cw.restored(formatTime(at, lang)));
    } catch (err) {
      setStatus(err instanceof HttpError ? (lang === "zh" ? err.body.message : err.body.messageEn) : String(err));
    }
  }

  // Ctrl/Cmd+S saves.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void save(false);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [save]);

  // A reason clicked in the preview: its row in the structure view, or its text in the editor.
  const [focus, setFocus] = useState<{ line: number; column: number } | null>(null);
  const onSource = useCallback((s: Source) => {
    if (view === "structure") setFocus({ line: s.line, column: s.column });
    else editor.current?.select({ line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn });
  }, [view]);
  // An example written for another year (its application date's year) is dated into the open
  // file's year first — every date among its inputs moved alike, as 对比's checkbox does — and the
  // preview says so; otherwise last year's example would only show "outside the window".
  const [dated, setDated] = useState<{ from: number; to: number } | null>(null);
  const onExample = useCallback((exampleName: string) => void api.example(exampleName).then((a) => {
    const to = ruleset?.year ?? null;
    const index = ruleset?.applicationDateIndex ?? null;
    const dateName = index === null ? null : ruleset!.inputs[index]?.name ?? null;
    const given = dateName === null ? undefined : ((a as Application).inputs ?? {})[dateName];
    const from = typeof given === "string" && /^\d{4}-/.test(given) ? Number(given.slice(0, 4)) : null;
    if (to !== null && from !== null && from !== to) {
      setDated({ from, to });
      setApplication(carryApplication(a, from, to) as Application);
    } else {
      setDated(null);
      setApplication(a as Application);
    }
  }), [ruleset]);

  const createYear = async () => {
    if (!newYear || !opened) return;
    try {
      const from = opened.name.slice(0, 4);
      const r = await api.newYear(from, newYear.year, newYear.document);
      await refreshFiles();
      setNewYear(null);
      setName(r.name);
      setShowRevision(true);
    } catch (err) {
      setStatus(err instanceof HttpError ? (lang === "zh" ? err.body.message : err.body.messageEn) : String(err));
    }
  };

  /** Puts kept edits back; made on an older version, that version becomes the base, so saving merges. */
  const onRestoreKept = (kept: Unsaved) => {
    if (opened && kept.etag !== opened.etag && kept.base !== undefined) setOpened({ ...opened, text: kept.base, etag: kept.etag });
    editor.current?.setText(kept.text);
  };

  const problems = useMemo(() => (errors + warnings === 0 ? w.noProblems : [errors ? w.errors(errors) : "", warnings ? w.warnings(warnings) : ""].filter(Boolean).join("，")), [errors, warnings, w]);

  return (
    <LangContext.Provider value={lang}>
      <div className="app">
        {/* One row at 1366 px in both languages: short labels (the full ones as titles), the
            downloads in one menu, and the status texts cut with an ellipsis (full text as title). */}
        <header data-testid="topbar">
          <h1 title={w.appTitle}>{w.appTitleShort}</h1>
          <select data-testid="file" aria-label={w.file} title={w.file} value={name ?? ""} onChange={(e) => {
            if (dirty && !confirm(w.leaveWarning)) return;
            setName(e.target.value);
          }}>
            {files.map((f) => <option key={f.name} value={f.name}>{f.name}{f.kind === "draft" ? `（${w.draft}）` : ""}</option>)}
          </select>
          <button type="button" data-testid="save" onClick={() => (isDraft && !dirty ? setShowRevision(true) : void save(false))} disabled={!dirty && !isDraft}>{w.save}</button>
          <button type="button" data-testid="save-draft" onClick={() => void save(true)} disabled={!dirty}>{w.saveDraft}</button>
          <button type="button" data-testid="format" onClick={() => editor.current?.format()}>{w.format}</button>
          <button type="button" data-testid="show-compare" onClick={() => { syncText(); setShowCompare(true); }} disabled={files.length < 2}>{w.compare}</button>
          <button type="button" data-testid="show-history" onClick={() => setShowHistory(true)}>{w.history}</button>
          <button type="button" data-testid="show-revision" title={w.review} aria-pressed={showRevision} onClick={() => { syncText(); setShowRevision(!showRevision); }}>{w.reviewShort}</button>
          <button type="button" data-testid="new-year" title={w.newYear} onClick={() => setNewYear({ year: String(Number(opened?.name.slice(0, 4) ?? "2024") + 1), document: "" })}>{w.newYearShort}</button>
          <Paperwork year={opened?.name.slice(0, 4) ?? null} application={application} lang={lang} onStatus={setStatus} />
          <span className={`state ${dirty ? "dirty" : ""}`} data-testid="state">{dirty ? `● ${w.unsaved}` : ""}{isDraft ? ` ${w.draft}` : ""}</span>
          <span className={`problems ${errors ? "has-errors" : ""}`} data-testid="problems" title={problems}>{problems}</span>
          <span className="status" data-testid="status" title={status} role="status">{status}</span>
          {who && who.name !== "local" && <span className="who" data-testid="who" title={`${who.name}（${who.role}）`}>{who.name}（{who.role}）</span>}
          <button type="button" className="lang" data-testid="lang" onClick={() => setLang(lang === "zh" ? "en" : "zh")}>{w.language}</button>
        </header>
        {restore && (
          <div className="banner" data-testid="restore">
            {cw.restoreTitle}（{formatTime(restore.at, lang)}）
            <button type="button" data-testid="restore-yes" onClick={() => { onRestoreKept(restore); setRestore(null); }}>{w.restore}</button>
            <button type="button" data-testid="restore-no" onClick={() => { if (opened) collab.forget(opened.name); setRestore(null); }}>{w.discard}</button>
          </div>
        )}
        <CollabBanners otherTabs={collab.otherTabs} newer={newer} onDismiss={() => setNewer(null)} />
        <main>
          <div className="left">
            <div className="view-switch">
              <button type="button" className={view === "text" ? "active" : ""} data-testid="view-text" onClick={() => setView("text")}>{lang === "zh" ? "文本" : "Text"}</button>
              <button type="button" className={view === "structure" ? "active" : ""} data-testid="view-structure" onClick={() => { syncText(); setView("structure"); }}>{lang === "zh" ? "结构视图" : "Structure"}</button>
            </div>
            {/* The text editor stays mounted under the structure view: one model, one undo history. */}
            <div className="editor-pane" hidden={view !== "text"}>
              {opened && <Editor key={opened.name} ref={editor} name={opened.name} initialText={opened.text} onChange={onChange} onDiagnostics={onDiagnostics} />}
            </div>
            {view === "structure" && opened && (
              <Structure text={text} onEdits={(es) => editor.current?.applyEdits(es)} onUndo={() => editor.current?.undo()} onRedo={() => editor.current?.redo()} focus={focus}
                onReveal={(span) => { setView("text"); setTimeout(() => editor.current?.select({ line: span.start.line, column: span.start.column, endLine: span.end.line, endColumn: span.end.column }), 0); }} />
            )}
          </div>
          <div className="right">
            {showRevision && opened && (
              <Revision name={opened.name} text={text} ruleset={stale ? null : ruleset} errors={errors} dirty={dirty} lang={lang} onClose={() => setShowRevision(false)}
                onReveal={(line, column) => { if (view === "structure") setFocus({ line, column }); else editor.current?.select({ line, column, endLine: line, endColumn: column }); }}
                onPublished={(published) => { void refreshFiles(); setName(published); }} />
            )}
            <Preview ruleset={ruleset} stale={stale} application={application} onApplication={setApplication} onSource={onSource} examples={examples} onExample={onExample} dated={dated} />
          </div>
        </main>
        {merge && (
          <MergeDialog merge={merge.merge} draft={isDraft}
            onSave={(merged) => void saveMerged(merged, merge.theirs.etag, null)}
            onDiscardMine={() => { if (opened) { setOpened({ ...opened, text: merge.theirs.source, etag: merge.theirs.etag }); editor.current?.setText(merge.theirs.source); collab.forget(opened.name); } setMerge(null); }}
            onCancel={() => setMerge(null)} />
        )}
        {showCompare && opened && <CompareDialog name={opened.name} text={text} files={files} onClose={() => setShowCompare(false)} />}
        {showHistory && opened && (
          <HistoryDialog name={opened.name} current={opened.text} onClose={() => setShowHistory(false)}
            onRestore={(version, source, at) => void restoreVersion(version, source, at)} />
        )}
        {newYear && (
          <div className="modal" data-testid="new-year-dialog">
            <div className="dialog">
              <h3>{w.newYear}</h3>
              <label>{w.newYearPrompt}<input data-testid="new-year-year" value={newYear.year} onChange={(e) => setNewYear({ ...newYear, year: e.target.value })} /></label>
              <label>{w.documentPrompt}<input data-testid="new-year-document" value={newYear.document} onChange={(e) => setNewYear({ ...newYear, document: e.target.value })} /></label>
              <div className="buttons">
                <button type="button" data-testid="new-year-create" onClick={() => void createYear()}>{w.create}</button>
                <button type="button" onClick={() => setNewYear(null)}>{w.cancel}</button>
              </div>
            </div>
          </div>
        )}
      </div>
    </LangContext.Provider>
  );
}
