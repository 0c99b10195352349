/**
 * The route a request is counted under in metrics and traces: its path with ids
 * replaced, so that labels stay few whatever the ids. Paths nobody serves (404)
 * share one label, and past MAX_ROUTES distinct templates the rest share another.
 */
const MAX_ROUTES = 300;
const seen = new Set<string>();

/** A uuid, a number, a long token: anything that names one record rather than a route. */
const ID_SEGMENT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+|[A-Za-z0-9_-]{24,}|.*[^A-Za-z0-9_.-].*)$/i;

export function routeTemplate(target: string, status: number): string {
  if (status === 404) return "(unmatched)";
  const q = target.indexOf("?");
  const path = q === -1 ? target : target.slice(0, q);
  let route: string;
  if (path.startsWith("/_next/")) route = "/_next/*";
  // a batch names several procedures: counted once, under the first
  else if (path.startsWith("/api/trpc/")) route = `/api/trpc/${path.slice(10).split(",", 1)[0]}`;
  else
    route = path
      .split("/")
      .map((s) => (s && ID_SEGMENT.test(s) ? ":id" : s))
      .join("/");
  if (seen.has(route)) return route;
  if (seen.size >= MAX_ROUTES) return "(other)";
  seen.add(route);
  return route;
}
