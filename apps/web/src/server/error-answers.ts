// the subpath alone: the package root brings the whole router
import { trpcErrorBody } from "@lgrs/api/error-response";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

/**
 * The error answers the server gives on its own (before or beside the two API
 * doors: malformed URLs, wrong methods, unknown paths, oversized headers), in the
 * shape each door's clients read: under /api/trpc tRPC's own envelope (superjson
 * transformer, as the tRPC door sends it), everywhere else the LangGraph door's
 * `{ "detail": "<message>" }`.
 */
export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const TRPC_PATH = "/api/trpc";

export function isTrpcPath(pathname: string): boolean {
  return pathname === TRPC_PATH || pathname.startsWith(`${TRPC_PATH}/`);
}

export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

/** tRPC's name for each status the server answers with on its own (431 and 414 are sizes, as 413 is). */
const TRPC_CODES: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  404: "NOT_FOUND",
  405: "METHOD_NOT_SUPPORTED",
  408: "TIMEOUT",
  413: "PAYLOAD_TOO_LARGE",
  414: "PAYLOAD_TOO_LARGE",
  431: "PAYLOAD_TOO_LARGE",
  500: "INTERNAL_SERVER_ERROR",
};

/**
 * The answer for `status` with `message`, shaped for the door `pathname` belongs to
 * (null: the path is unknown, e.g. the request line itself could not be read).
 */
export function errorAnswer(pathname: string | null, status: number, message: string, headers: Record<string, string> = {}): ErrorAnswer {
  let payload: unknown;
  if (pathname !== null && isTrpcPath(pathname)) {
    const code = TRPC_CODES[status] ?? (status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST");
    payload = trpcErrorBody(status, code, message);
  } else {
    payload = { detail: message };
  }
  return {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
    body: JSON.stringify(payload),
  };
}

/** As a fetch Response, for the API's routes. */
export function errorResponse(answer: ErrorAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/** 405 for a route that serves only `allow`: the request's method is named, `Allow` lists the rest. */
export function methodNotAllowed(req: Request, allow: readonly string[]): Response {
  const { pathname } = new URL(req.url);
  return errorResponse(
    errorAnswer(pathname, 405, `method ${req.method} is not allowed on ${pathname}: use ${allow.join(", ")}`, { allow: allow.join(", ") }),
  );
}

/** The methods of the read-only routes (health): HEAD is answered as GET, OPTIONS names every method. */
const READ_ONLY = ["GET", "HEAD", "OPTIONS"] as const;

/** The 405 of a read-only route, for the methods that would change something. */
export function refuseWrite(req: Request): Response {
  return methodNotAllowed(req, READ_ONLY);
}
