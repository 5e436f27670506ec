/**
 * Answers to requests Node's HTTP parser refuses before Fastify sees them — headers over Node's
 * limit (431), a malformed request line (400), a request that took too long to arrive (408) — in
 * the same error envelope as every other answer, instead of Fastify's own shape.
 */
import type { Socket } from "node:net";
import { apiError } from "./json.js";

function answer(socket: Socket, status: number, reason: string, body: unknown): void {
  const text = JSON.stringify(body);
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

/** Fastify's `clientErrorHandler`: writes the envelope and closes the connection. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  if (err.code === "HPE_HEADER_OVERFLOW") {
    return answer(socket, 431, "Request Header Fields Too Large", apiError("headers_too_large", "请求头过大", "request header fields too large"));
  }
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return answer(socket, 408, "Request Timeout", apiError("request_timeout", "请求超时", "request timeout"));
  }
  answer(socket, 400, "Bad Request", apiError("bad_request", "请求无法解析", "malformed request"));
}
