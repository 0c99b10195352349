import { maxHeaderSize, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type ErrorAnswer, errorAnswer } from "./error-answers.ts";
import type { RefusedRequest } from "./observe/http-observer.ts";
import { ALL_METHODS } from "./request-guard.ts";

/**
 * Requests Node's HTTP parser refuses before there is a request object (headers or
 * URL over the size limit, a malformed request line, a timeout): Node would answer
 * with a status line and no body. These answers say what was wrong, in JSON.
 */

/** What Node's parser rejected, by its error code (Node's own statuses kept). */
function describe(code: string | undefined): { status: number; message: string } {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, message: `the request's URL and headers are too large (${maxHeaderSize} bytes at most together)` };
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return { status: 413, message: "the request's chunk extensions are too large" };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, message: "the request took too long to arrive" };
    case "HPE_INVALID_METHOD":
      return { status: 400, message: "malformed request: the method is not an HTTP method" };
    default:
      return { status: 400, message: "malformed HTTP request" };
  }
}

/** The path of the request line at the start of what the parser was reading, when it is there to read. */
function pathOf(raw: Buffer | undefined): string | null {
  if (!raw) return null;
  const line = /^[A-Z-]+ (\/[^ ?#\r\n]*)/.exec(raw.subarray(0, 2048).toString("latin1"));
  return line ? line[1]! : null;
}

function rawResponse(answer: ErrorAnswer): string {
  const headers = { ...answer.headers, "content-length": String(Buffer.byteLength(answer.body)), connection: "close" };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ""}\r\n${lines.join("")}\r\n${answer.body}`;
}

/**
 * Sockets already answered. Node feeds every later chunk of the refused request to
 * the failed parser and reports each as another client error: those must not cut
 * the connection while the peer is still sending, or it sees EPIPE, not the answer.
 */
const answered = new WeakSet<Duplex>();

/** The `clientError` listener of the HTTP server: what it answered, or null when it only closed the connection. */
export function answerClientError(err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): RefusedRequest | null {
  if (answered.has(socket)) return null;
  // as Node's own handler: write nothing into a connection whose peer is gone or that a response has started on
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent: boolean } })._httpMessage;
  if (err.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return null;
  }
  const { status, message } = describe(err.code);
  const path = pathOf(err.rawPacket);
  closeWith(socket, rawResponse(errorAnswer(path, status, message)));
  return { status, path };
}

/**
 * Writes the answer and closes, reading and dropping what the peer still sends: a
 * client still writing an oversized request would otherwise be reset by our side's
 * close with its data unread, and never read the answer. A peer that never closes
 * its side is cut after a few seconds, where Node cuts it at once.
 */
function closeWith(socket: Duplex, response: string): void {
  answered.add(socket);
  socket.end(response);
  socket.resume();
  setTimeout(() => socket.destroy(), 5_000).unref();
}

/** The `connect` listener: CONNECT (proxy tunnels) is not served; without a listener Node drops the connection silently. */
export function refuseConnect(_req: unknown, socket: Duplex): void {
  const answer = errorAnswer(null, 405, "method CONNECT is not supported: this server is not a proxy");
  closeWith(socket, rawResponse({ ...answer, headers: { ...answer.headers, allow: ALL_METHODS } }));
}
