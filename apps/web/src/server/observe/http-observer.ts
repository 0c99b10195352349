import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";
import { routeTemplate } from "./route-template.ts";

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** An incoming request id is kept when it is short and plain (it goes into every log line and header). */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Wraps the server's request listener: gives each request an id (the caller's
 * `x-request-id` when sane, else a new one), echoes it in the response, and when
 * the response is done logs one line and observes its latency under its route
 * template; with tracing, the request is a server span that the handlers (and the
 * runs they create) run inside. Per request: one header, one close listener, one
 * histogram observation, one log line when info is on.
 */
export function observeRequests(listener: Listener, logger: Logger, metrics: Metrics, tracing: boolean): Listener {
  const info = logger.isLevelEnabled("info");
  const tracer = trace.getTracer("@lgrs/web");
  return (req, res) => {
    const start = performance.now();
    const incoming = req.headers["x-request-id"];
    const id = typeof incoming === "string" && SANE_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader("x-request-id", id);
    const method = METHODS.has(req.method ?? "") ? req.method! : "OTHER";
    const target = req.url ?? "";
    const span = tracing
      ? tracer.startSpan(
          method,
          { kind: SpanKind.SERVER, attributes: { "http.request.method": method } },
          propagation.extract(ROOT_CONTEXT, req.headers),
        )
      : undefined;
    res.once("close", () => {
      const ms = performance.now() - start;
      const status = res.statusCode;
      const route = routeTemplate(target, status);
      metrics.http.observe({ method, route, status: String(status) }, ms / 1000);
      if (span) {
        span.updateName(`${method} ${route}`);
        span.setAttributes({ "http.route": route, "http.response.status_code": status, "lgrs.request_id": id });
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      if (info) {
        const q = target.indexOf("?");
        logger.info(
          {
            reqId: id,
            method,
            path: q === -1 ? target : target.slice(0, q),
            route,
            status,
            durationMs: Math.round(ms * 1000) / 1000,
            ...(res.writableFinished ? {} : { aborted: true }),
          },
          "request",
        );
      }
    });
    if (span) context.with(trace.setSpan(ROOT_CONTEXT, span), () => listener(req, res));
    else listener(req, res);
  };
}
