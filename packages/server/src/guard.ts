/**
 * Two guards on every request, before any route or the access check (auth.ts):
 *
 * - **Host allow-list** (DNS rebinding). Without accounts the server trusts whoever reaches it,
 *   which is safe only if nothing but the person at the machine can: a web page on another site
 *   can point its own name at 127.0.0.1 and then call the API "same-origin". Such a request
 *   carries the page's name in `Host`. So without accounts only loopback names are accepted
 *   (`localhost`, `*.localhost`, 127.0.0.0/8, `[::1]`), plus what `--allow-host` adds; others get
 *   421 `host_not_allowed`. With accounts a bearer token, which such a page does not have, is the
 *   guard, and the list applies only when given.
 * - **Security headers** on every answer, hand-set rather than from @fastify/helmet: the set is
 *   six fixed headers, and helmet's default CSP adds `upgrade-insecure-requests`, which would send
 *   the editor's requests to https on a plain-http team server. The CSP allows what the built
 *   editor needs and no more: its own scripts, workers and fonts; inline styles (Monaco sets style
 *   attributes and injects <style> at run time); no framing, no plugins, no base/form elsewhere.
 */
import type { FastifyInstance } from "fastify";
import { apiError } from "./json.js";

/** The Content-Security-Policy of every answer (the editor's page and the API alike). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
};

/** The host name of a `Host` header, lower-cased, without its port; null when it has none. */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const h = header.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[^:\[\]]+)(?::\d{1,5})?$/.exec(h);
  return m ? m[1]!.replace(/\.$/, "") : null;
}

/** Whether a host name is the machine itself. */
export function isLoopbackName(name: string): boolean {
  return name === "localhost" || name.endsWith(".localhost") || name === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

export interface GuardOptions {
  /** Host names accepted besides loopback (`--allow-host`); `*` accepts any. */
  readonly allowHosts?: readonly string[];
  /** Whether accounts are configured (then the list applies only when given). */
  readonly accounts: boolean;
}

/** Adds the security headers and the Host check (before auth.ts's hook: register first). */
export function registerGuards(app: FastifyInstance, options: GuardOptions): void {
  const extra = new Set((options.allowHosts ?? []).map((h) => hostName(h) ?? h.toLowerCase()));
  const checking = !extra.has("*") && (extra.size > 0 || !options.accounts);
  app.addHook("onRequest", async (req, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    if (!checking) return;
    const name = hostName(req.headers.host);
    if (name !== null && (isLoopbackName(name) || extra.has(name))) return;
    const shown = String(req.headers.host ?? "").slice(0, 100);
    return reply.status(421).send(apiError(
      "host_not_allowed",
      `请求的主机名「${shown}」不被接受：未配置账户时只接受本机名（localhost、127.0.0.1、[::1]），其他名称须用 --allow-host 加入`,
      `the host "${shown}" is not accepted: without accounts only loopback names (localhost, 127.0.0.1, [::1]) are; add others with --allow-host`,
      { host: shown },
    ));
  });
}
