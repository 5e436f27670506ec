/**
 * The paperwork as downloads (docs/paperwork.md): 附件1 (Word, printable HTML), the offices'
 * application workbook, an expert's score sheet and the report of the application in the preview.
 * They are made by the server from the year's saved rule file (paper-routes.ts), so what is
 * downloaded is what is published; unsaved edits are not in them, as the buttons' titles say.
 */
import { useEffect, useRef, useState } from "react";
import { TOKEN_KEY, type ApiError } from "./api.js";
import type { Application } from "./Preview.js";

interface Props {
  readonly year: string | null;
  readonly application: Application;
  readonly lang: "zh" | "en";
  readonly onStatus: (message: string) => void;
}

const WORDS = {
  zh: { menu: "下载", annex: "附件1", annexHtml: "附件1（打印）", template: "申报表", sheet: "评分表", report: "评分报告", saved: (y: string) => `按服务器上已保存的 ${y} 年度规则文件生成（不含未保存的修改）`, expert: "评分专家姓名：", force: (m: string) => `${m}\n\n仍要生成，并在文中标出不符之处？`, done: (n: string) => `已下载 ${n}` },
  en: { menu: "Downloads", annex: "附件1", annexHtml: "附件1 (print)", template: "Workbook", sheet: "Score sheet", report: "Report", saved: (y: string) => `made from the saved ${y} rule file on the server (unsaved edits are not included)`, expert: "Expert's name:", force: (m: string) => `${m}\n\nWrite it anyway, marking the mismatches?`, done: (n: string) => `downloaded ${n}` },
} as const;

/** Fetches a download with the editor's token; resolves to the file and its name, or throws the API's error. */
async function fetchFile(path: string, init?: RequestInit): Promise<{ blob: Blob; name: string }> {
  const token = localStorage.getItem(TOKEN_KEY);
  const headers = new Headers(init?.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(path, { ...init, headers });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: ApiError } | null;
    throw Object.assign(new Error(body?.error?.message ?? `HTTP ${res.status}`), { api: body?.error ?? null });
  }
  const name = decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "download");
  return { blob: await res.blob(), name };
}

function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The downloads as one menu button in the top bar (it holds one row at 1366 px): the menu opens
 * below it and closes on a choice, on Escape or on a click elsewhere.
 */
export function Paperwork({ year, application, lang, onStatus }: Props) {
  const w = WORDS[lang];
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => { if (!root.current?.contains(e.target as Node)) setOpen(false); };
    const esc = (e: KeyboardEvent) => { if (e.key === "Escape") setOpen(false); };
    document.addEventListener("mousedown", away);
    document.addEventListener("keydown", esc);
    return () => { document.removeEventListener("mousedown", away); document.removeEventListener("keydown", esc); };
  }, [open]);
  if (!year) return null;
  const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  const run = async (path: string, init?: RequestInit, open = false) => {
    setBusy(true);
    try {
      let file;
      try {
        file = await fetchFile(path, init);
      } catch (err) {
        const api = (err as { api?: ApiError & { mismatches?: { message: string; messageEn: string }[] } }).api;
        // Printed figures that disagree with the rules: say which, and offer to write them marked.
        if (api?.code === "figures_disagree" && confirm(w.force((api.mismatches ?? []).map((m) => (lang === "zh" ? m.message : m.messageEn)).join("\n")))) {
          file = await fetchFile(`${path}&force=true`, init);
        } else throw err;
      }
      if (open) window.open(URL.createObjectURL(file.blob), "_blank");
      else save(file.blob, file.name);
      onStatus(w.done(file.name));
    } catch (err) {
      const api = (err as { api?: ApiError | null }).api;
      onStatus(api ? (lang === "zh" ? api.message : api.messageEn) : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const base = `api/rules/${encodeURIComponent(year)}`;
  const title = w.saved(year);
  /** A menu entry: closes the menu, then does its download. */
  const item = (testid: string, label: string, act: () => void) => (
    <button type="button" role="menuitem" data-testid={testid} title={title} disabled={busy} onClick={() => { setOpen(false); act(); }}>{label}</button>
  );
  return (
    <span className="paperwork" data-testid="paperwork" ref={root}>
      <button type="button" data-testid="paperwork-menu" aria-haspopup="menu" aria-expanded={open} title={title} onClick={() => setOpen(!open)}>{w.menu} ▾</button>
      {open && (
        <span className="menu-list" role="menu" aria-label={w.menu}>
          {item("dl-annex1", w.annex, () => void run(`${base}/annex1?format=docx`))}
          {item("dl-annex1-html", w.annexHtml, () => void run(`${base}/annex1?format=html`, undefined, true))}
          {item("dl-template", w.template, () => void run(`${base}/template`))}
          {item("dl-sheet", w.sheet, () => {
            const expert = prompt(w.expert, "专家甲");
            if (expert) void run(`${base}/score-sheet?expert=${encodeURIComponent(expert)}`, json({ applications: [application] }));
          })}
          {item("dl-report", w.report, () => void run(`${base}/report?format=docx`, json(application)))}
        </span>
      )}
    </span>
  );
}
