/** The server's API as the editor uses it. */
export interface FileInfo { name: string; year: string; kind: "published" | "draft"; etag: string; errors: number; warnings: number }
export interface FileBody { name: string; source: string; etag: string }
/** A text a save replaced: when and by whom (and with what change) it was replaced, and when it was itself saved. */
export interface HistoryItem {
  version: string; at: string; who: string | null; action: string | null; etag: string; size: number;
  savedAt: string | null; savedBy: string | null; summary?: string[] | null; savedSummary?: string[] | null; savedRestoredFrom?: string;
}
export interface ExampleInfo { name: string; enterprise?: { name?: string }; grade?: string }
/** A rule test case with its application and expectation read in (`GET /api/files/:name/tests`). */
export interface TestCase { file: string; index: number; name: string; application: unknown; grade?: unknown; inputs?: unknown; experts?: unknown; expect: unknown }
export interface ApiError { code: string; message: string; messageEn: string; current?: { source: string; etag: string }; [k: string]: unknown }

export class HttpError extends Error {
  constructor(readonly status: number, readonly body: ApiError) { super(body.message); }
}

/** The bearer token for a server that has accounts (docs/server.md), kept in the browser. */
export const TOKEN_KEY = "jsqc:token";

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const token = localStorage.getItem(TOKEN_KEY);
  const headers = new Headers(init?.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(path, { ...init, headers });
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) throw new HttpError(res.status, ((body as { error?: ApiError } | null)?.error ?? { code: "http", message: `HTTP ${res.status}`, messageEn: `HTTP ${res.status}` }));
  return body as T;
}

export const api = {
  files: () => call<{ files: FileInfo[] }>("api/files").then((r) => r.files),
  file: (name: string) => call<FileBody>(`api/files/${encodeURIComponent(name)}`),
  /** Saves `source` over the version `etag` (null: a new file); `restoredFrom` names a history version being restored. */
  save: (name: string, source: string, etag: string | null, restoredFrom?: string) =>
    call<{ name: string; etag: string }>(`api/files/${encodeURIComponent(name)}`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...(etag ? { "if-match": etag } : { "if-none-match": "*" }) },
      body: JSON.stringify(restoredFrom ? { source, restoredFrom } : { source }),
    }),
  newYear: (from: string, year: string, document: string) =>
    call<{ name: string; etag: string }>("api/files/new-year", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from, year, ...(document ? { document } : {}) }) }),
  tests: (name: string) => call<{ folder: string; cases: TestCase[] }>(`api/files/${encodeURIComponent(name)}/tests`),
  acceptTest: (name: string, file: string, index: number, expect: unknown) =>
    call<{ file: string; index: number }>(`api/files/${encodeURIComponent(name)}/tests`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ file, index, expect }) }),
  whoami: () => call<{ name: string; role: string; authenticated: boolean }>("api/whoami"),
  history: (name: string) => call<HistoryItem[]>(`api/files/${encodeURIComponent(name)}/history`),
  version: (name: string, version: string) => call<{ source: string; etag: string }>(`api/files/${encodeURIComponent(name)}/history/${encodeURIComponent(version)}`),
  examples: () => call<{ examples: ExampleInfo[] }>("api/examples").then((r) => r.examples),
  example: (name: string) => call<Record<string, unknown>>(`api/examples/${encodeURIComponent(name)}`),
};
