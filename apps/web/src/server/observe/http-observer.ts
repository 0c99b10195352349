import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";
import { routeTemplate } from "./route-template.ts";

type Listener = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
type ClientErrorListener = (err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => RefusedRequest | null;

/** What the `clientError` listener answered: the status, and the path of the request line when it could be read. */
export interface RefusedRequest {
  status: number;
  path: string | null;
}

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
    const id = requestId(req);
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
        logger.info(
          {
            reqId: id,
            method,
            path: pathOf(target),
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

/** The caller's `x-request-id` when sane, else a new one. */
function requestId(req: IncomingMessage): string {
  const incoming = req.headers["x-request-id"];
  return typeof incoming === "string" && SANE_ID.test(incoming) ? incoming : randomUUID();
}

function pathOf(target: string): string {
  const q = target.indexOf("?");
  return q === -1 ? target : target.slice(0, q);
}

/** The status each upgrade was answered with, told by the listener that answered it. */
const upgradeStatus = new WeakMap<IncomingMessage, number>();

/** Called by an upgrade listener when it answers: 101 for an accepted socket, else the refusal's status. */
export function answeredUpgrade(req: IncomingMessage, status: number): void {
  upgradeStatus.set(req, status);
}

/**
 * Wraps the server's `upgrade` listener: one request log line when the socket
 * closes, with how long it was open. Not in the HTTP latency histogram, where a
 * socket open for minutes would drown the requests.
 */
export function observeUpgrades(listener: UpgradeListener, logger: Logger): UpgradeListener {
  if (!logger.isLevelEnabled("info")) return listener;
  return (req, socket, head) => {
    const start = performance.now();
    const id = requestId(req);
    const target = req.url ?? "";
    socket.once("close", () => {
      const status = upgradeStatus.get(req) ?? null;
      logger.info(
        {
          reqId: id,
          method: METHODS.has(req.method ?? "") ? req.method : "OTHER",
          path: pathOf(target),
          route: routeTemplate(target, status ?? 0),
          status,
          upgrade: "websocket",
          durationMs: Math.round((performance.now() - start) * 1000) / 1000,
        },
        "request",
      );
    });
    listener(req, socket, head);
  };
}

/**
 * Wraps the `clientError` listener: a request Node's parser refused (oversized,
 * malformed) is logged and counted like any other, under the path of its request
 * line when that could be read.
 */
export function observeClientErrors(
  listener: ClientErrorListener,
  logger: Logger,
  metrics: Metrics,
): (...args: Parameters<ClientErrorListener>) => void {
  return (err, socket) => {
    const refused = listener(err, socket);
    if (!refused) return;
    const route = refused.path === null ? "(unparsed)" : routeTemplate(refused.path, refused.status);
    metrics.http.observe({ method: "OTHER", route, status: String(refused.status) }, 0);
    logger.info({ reqId: randomUUID(), path: refused.path, route, status: refused.status, error: err.code ?? err.message }, "request");
  };
}
