import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";

/** Who may read /metrics on the main port: admins (by API key, or an admin's session). */
export type IsAdmin = (headers: Headers) => Promise<"admin" | "user" | null>;

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  return headers;
}

function send(res: ServerResponse, status: number, body: string, type = "application/json"): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

async function scrape(metrics: Metrics, res: ServerResponse): Promise<void> {
  send(res, 200, await metrics.scrape(), metrics.contentType);
}

/** GET /metrics on the main port: 401 without credentials, 403 for a caller who is not an admin. */
export function metricsOnMainPort(metrics: Metrics, roleOf: IsAdmin, logError: (err: unknown) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      send(res, 405, JSON.stringify({ code: "METHOD_NOT_SUPPORTED", message: `${req.method} /metrics is not supported: use GET` }));
      return;
    }
    roleOf(headersOf(req))
      .then(async (role) => {
        if (role === null) {
          res.setHeader("www-authenticate", 'Bearer realm="metrics"');
          send(
            res,
            401,
            JSON.stringify({ code: "UNAUTHORIZED", message: "/metrics needs an admin's API key (x-api-key or Authorization: Bearer)" }),
          );
        } else if (role !== "admin") {
          send(res, 403, JSON.stringify({ code: "FORBIDDEN", message: "/metrics is for admins only" }));
        } else {
          await scrape(metrics, res);
        }
      })
      .catch((err: unknown) => {
        logError(err);
        if (!res.headersSent)
          send(res, 500, JSON.stringify({ code: "INTERNAL_SERVER_ERROR", message: "internal error: the server logged it" }));
      });
  };
}

/**
 * METRICS_PORT: /metrics without credentials on a port of its own, for a scraper
 * on a private network (keep the port off the public one). Every other path is 404.
 */
export async function serveMetricsPort(metrics: Metrics, port: number, logger: Logger): Promise<Server> {
  const server = createServer((req, res) => {
    if ((req.url ?? "").split("?", 1)[0] !== "/metrics")
      return send(res, 404, JSON.stringify({ code: "NOT_FOUND", message: "only /metrics is served here" }));
    scrape(metrics, res).catch((err: unknown) => {
      logger.error({ err }, "metrics scrape failed");
      if (!res.headersSent) send(res, 500, "");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => resolve());
  });
  server.unref();
  return server;
}
