import { type ErrorAnswer, errorAnswer, isApiPath, isTrpcPath } from "./error-answers.ts";

/**
 * Requests refused before Next.js or the API (api-routes.ts) sees them, because Next
 * would answer them with a bare 500 (a path it cannot decode, a method it does not
 * know) or would quietly serve another path than the one asked for (dot segments it
 * resolves away); the API keeps the same rules, so every path is answered alike.
 */

/** The methods Next.js routes; it fails on any other with a 500. */
const NEXT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"]);

/** What each area of the server serves, for the `Allow` of a 405. */
export const TRPC_METHODS = ["GET", "POST", "OPTIONS"] as const;
export const ALL_METHODS = [...NEXT_METHODS].join(", ");

/** The path of a request target: origin-form as is, absolute-form without its origin; null for anything else. */
function targetPath(target: string): string | null {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  const rest = absolute ? target.slice(absolute[0].length) || "/" : target;
  if (!rest.startsWith("/")) return null;
  return rest.split(/[?#]/, 1)[0]!;
}

/** A `.` or `..` segment, written plainly or percent-encoded, between `/` or `\` (both separate segments in URLs). */
function hasDotSegment(path: string): boolean {
  const plain = path.replace(/%2e/gi, ".").replace(/%2f|%5c/gi, "/");
  return plain.split(/[/\\]/).some((segment) => segment === "." || segment === "..");
}

/** The path Next.js would serve for `path` (it resolves dot segments and backslashes as browsers do). */
function resolvedPath(path: string): string {
  try {
    return new URL(path.replace(/%2e/gi, "."), "http://server").pathname;
  } catch {
    return path;
  }
}

function decodes(path: string): boolean {
  if (/%(?![0-9a-f]{2})/i.test(path)) return false;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** The answer for a request Next.js must not see, or null to pass it on. */
export function refuseMalformed(method: string, target: string): ErrorAnswer | null {
  if (target === "*") {
    // `OPTIONS *` asks what the server supports at all
    if (method === "OPTIONS") return { status: 204, headers: { allow: ALL_METHODS }, body: "" };
    return errorAnswer(null, 400, `the request target * is only for OPTIONS`);
  }
  const path = targetPath(target);
  if (path === null) return errorAnswer(null, 400, "the request target is not a path: it must start with /");
  // the door a request is for is the one its path names as sent, else the one it resolves to
  const slashed = path.replaceAll("\\", "/");
  const area = isApiPath(slashed) ? slashed : resolvedPath(path);

  if (!NEXT_METHODS.has(method)) {
    const allow = isTrpcPath(area) ? TRPC_METHODS.join(", ") : ALL_METHODS;
    return errorAnswer(area, 405, `method ${method} is not supported: use ${allow}`, { allow });
  }
  if (!decodes(path)) {
    return errorAnswer(area, 400, "the path has a malformed percent-escape (% must start two hex digits of UTF-8)");
  }
  if (isApiPath(area) && hasDotSegment(path)) {
    return errorAnswer(area, 404, `no endpoint ${method} ${path}: paths with . or .. segments are not served`);
  }
  return null;
}
