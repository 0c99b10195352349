import { presentedApiKey } from "./caller.ts";

/** Methods that only read: a cross-site page may make them, as it may follow a link. */
const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/** What the rule needs of a request. */
export interface WriteRequest {
  method: string;
  headers: Headers;
}

/**
 * The origins a cookie-authenticated write may come from: the server's own
 * (AUTH_URL) and the trusted ones, normalized to `scheme://host[:port]`.
 */
export function allowedOrigins(baseURL: string, trustedOrigins: readonly string[] = []): Set<string> {
  return new Set([baseURL, ...trustedOrigins].map((o) => new URL(o).origin));
}

function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

/**
 * Why a request is a cross-site write made with the session cookie, or null when
 * it is not one. The browser attaches the cookie to a form post or a `text/plain`
 * fetch from any site (SameSite=Lax only stops some of them), so a write that
 * rides on the cookie must show where it comes from: its `Origin`, else its
 * `Referer`, must be one of `allowed`; a cookie write showing neither is refused,
 * since a browser's own pages always send one of them. An API key decides alone
 * (the cookie is ignored then, see resolveCaller), and a request without a cookie
 * has nothing a foreign page could borrow: neither is checked.
 *
 * `write` says whether the request changes state; by default, every method but
 * GET, HEAD and OPTIONS does (a door whose protocol says otherwise, as tRPC's
 * mutations do, passes it).
 */
export function crossSiteWriteRefusal(
  request: WriteRequest,
  allowed: ReadonlySet<string>,
  write = !READS.has(request.method.toUpperCase()),
): string | null {
  if (!write) return null;
  const { headers } = request;
  if (presentedApiKey(headers) || !headers.get("cookie")) return null;
  const own = `this server's origin or a trusted origin (AUTH_URL, AUTH_TRUSTED_ORIGINS: ${[...allowed].join(", ")})`;
  const origin = headers.get("origin");
  if (origin !== null) {
    if (allowed.has(originOf(origin) ?? "")) return null;
    return `cross-site request refused: Origin ${JSON.stringify(origin)} is not ${own}; a write with the session cookie must come from the server's own pages (other sites use an API key)`;
  }
  const referer = headers.get("referer");
  if (referer !== null) {
    if (allowed.has(originOf(referer) ?? "")) return null;
    return `cross-site request refused: the request has no Origin and its Referer is not from ${own}; a write with the session cookie must come from the server's own pages (other sites use an API key)`;
  }
  return `cross-site request refused: a write with the session cookie must send an Origin (or Referer) header of ${own}; other clients use an API key`;
}
