import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { type ErrorAnswer, errorAnswer, errorResponse, isApiPath } from "./error-answers.ts";

/**
 * Serves the API's requests straight from Node's server, without Next.js:
 * @hono/node-server turns Node's request into a fetch Request (its body streamed,
 * its `signal` aborted when the client goes away, which ends joined streams) and
 * writes the Response back as it comes, each SSE event as it is written. Nothing
 * is compressed: the answers are small, and a stream must not wait on a compressor.
 */
export type ApiListener = (req: IncomingMessage, res: ServerResponse) => void;

export function apiListener(answer: (req: Request) => Promise<Response>, logError: (err: unknown) => void): ApiListener {
  return getRequestListener(
    async (req) => {
      try {
        return await answer(req);
      } catch (err) {
        logError(err);
        return errorResponse(errorAnswer(new URL(req.url).pathname, 500, "internal error: the server logged it"));
      }
    },
    {
      // without a Host header (HTTP/1.0) the request is for this server all the same
      hostname: "localhost",
      // the global Request and Response stay Node's own: Next.js serves the pages in this process
      overrideGlobalObjects: false,
      // a request line or Host header no URL can be made of (Node's parser let it through)
      errorHandler: (err) =>
        errorResponse(errorAnswer(null, 400, `malformed request: ${err instanceof Error ? err.message : String(err)}`)),
    },
  ) as ApiListener;
}

/**
 * Whether the API serves `target` (origin form, as Node read it). A target in
 * absolute form goes to Next.js as before, which redirects it.
 */
export function isApiTarget(target: string): boolean {
  return isApiPath(target.split("?", 1)[0]!);
}

/** The 308 Next.js answered a path with a trailing slash, repeated slashes or backslashes with; null when the path is clean. */
export function normalizingRedirect(target: string): ErrorAnswer | null {
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  const clean = path
    .replaceAll("\\", "/")
    .replace(/\/{2,}/g, "/")
    .replace(/(.)\/$/, "$1");
  if (clean === path) return null;
  const location = clean + (query === -1 ? "" : target.slice(query));
  return { status: 308, headers: { location, refresh: `0;url=${location}` }, body: location };
}
