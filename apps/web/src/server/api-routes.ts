import { errorAnswer, errorResponse, methodNotAllowed, refuseWrite } from "./error-answers.ts";
import { getHealth, getLiveness, getReadiness } from "./health.ts";
import { TRPC_METHODS } from "./request-guard.ts";

/**
 * Every path under /api, answered without Next.js: Next's routing, compression and
 * request wrapping cost more than a small API request itself. The routes and their
 * answers are the ones the app's route files gave, Next's own rules included (HEAD
 * served by GET, an OPTIONS of its own naming every method).
 */
export interface ApiHandlers {
  trpc(req: Request): Promise<Response>;
  auth(req: Request): Promise<Response>;
  langgraph(req: Request): Promise<Response>;
}

type Route = (req: Request, pathname: string) => Response | Promise<Response>;

const TRPC_PREFIX = "/api/trpc/";
const AUTH_PREFIX = "/api/auth/";

/** What Next.js answered OPTIONS with on a route that does not serve OPTIONS itself. */
const EVERY_METHOD = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";

function options(allow: string): Response {
  return new Response(null, { status: 204, headers: { allow } });
}

function notFound(req: Request, pathname: string): Response {
  return errorResponse(errorAnswer(pathname, 404, `no endpoint ${req.method} ${pathname}`));
}

/** /api/trpc/<procedure>: queries and subscriptions are GETs, mutations POSTs; tRPC would answer HEAD with an empty 204 for any path. */
function trpcRoute(handlers: ApiHandlers): Route {
  return (req) => {
    if (req.method === "GET" || req.method === "POST") return handlers.trpc(req);
    if (req.method === "OPTIONS") return options(TRPC_METHODS.join(", "));
    return methodNotAllowed(req, TRPC_METHODS);
  };
}

/** /api/auth/*: better-auth's endpoints. */
function authRoute(handlers: ApiHandlers): Route {
  return async (req, pathname) => {
    if (req.method === "OPTIONS") return options(EVERY_METHOD);
    if (req.method !== "GET" && req.method !== "POST" && req.method !== "HEAD") return methodNotAllowed(req, ["GET", "POST"]);
    const res = await handlers.auth(req);
    if (res.status < 400 || req.method === "HEAD" || res.headers.get("content-type")?.includes("json")) return res;
    // better-auth answers an unknown endpoint with an empty 404: say what was asked for, as the other errors do
    const text = await res.text();
    if (text) return new Response(text, res);
    const message = res.status === 404 ? `no endpoint ${req.method} ${pathname}` : `${req.method} ${pathname} was refused (${res.status})`;
    return errorResponse(errorAnswer(pathname, res.status, message));
  };
}

/** A read-only health answer: never cached, HEAD served as GET (Node sends no body for HEAD). */
type HealthAnswer = { body: unknown; ok: boolean };

function healthRoute(answer: () => Promise<HealthAnswer> | HealthAnswer): Route {
  return async (req) => {
    if (req.method === "OPTIONS") return options(EVERY_METHOD);
    if (req.method !== "GET" && req.method !== "HEAD") return refuseWrite(req);
    const { body, ok } = await answer();
    return Response.json(body, { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
  };
}

const health = healthRoute(async () => {
  const body = await getHealth();
  return { body, ok: body.status === "ok" };
});
const ready = healthRoute(async () => {
  const body = await getReadiness();
  return { body, ok: body.status === "ready" };
});
/** Liveness never looks at the database or Redis (a restart would not fix them). */
const live = healthRoute(() => ({ body: getLiveness(), ok: true }));

/** The route for an /api path; unknown paths are JSON 404s in the shape of the door they are under. */
export function apiRoutes(handlers: ApiHandlers): (req: Request) => Promise<Response> {
  const trpc = trpcRoute(handlers);
  const auth = authRoute(handlers);
  const langgraph: Route = (req) => handlers.langgraph(req);

  function routeOf(pathname: string): Route {
    if (pathname === "/api/langgraph" || pathname.startsWith("/api/langgraph/")) return langgraph;
    // one segment after the prefix, as the route files' [trpc] and [...all] matched
    if (pathname.startsWith(TRPC_PREFIX) && !pathname.includes("/", TRPC_PREFIX.length)) return trpc;
    if (pathname.startsWith(AUTH_PREFIX) && pathname.length > AUTH_PREFIX.length) return auth;
    if (pathname === "/api/health") return health;
    if (pathname === "/api/health/live") return live;
    if (pathname === "/api/health/ready") return ready;
    return notFound;
  }

  return async (req) => {
    const { pathname } = new URL(req.url);
    return routeOf(pathname)(req, pathname);
  };
}
