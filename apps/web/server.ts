/**
 * The process entry point (`npm start`, `npm run dev`): owns start-up and shutdown.
 *
 * Order matters: the environment is validated and the database is started and
 * migrated (and Redis reached, in fleet mode) before Next.js is even loaded, so a
 * bad setting fails in well under a second with one line on stderr and exit code
 * 1, and no request is ever served by a half-started server. The part shared with
 * worker.ts (database, Redis, graphs, engine, shutdown) is src/server/lifecycle.ts.
 */
import "./src/server/heap-growth.ts";
import { dev } from "./src/server/process-mode.ts";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { PRISMA_DIR } from "@lgrs/db";
import { handleTrpcRequest, trpcErrorResponse } from "@lgrs/api";
import { createAuth } from "@lgrs/auth";
import { createLanggraphHandler } from "@lgrs/langgraph-api";
import { apiListener, isApiTarget, normalizingRedirect } from "./src/server/api-listener.ts";
import { apiRoutes } from "./src/server/api-routes.ts";
import { resolveAuthSecret } from "./src/server/auth-config.ts";
import { limitBody } from "./src/server/body-limit.ts";
import { answerClientError, refuseConnect } from "./src/server/client-errors.ts";
import { protocolSockets, type ProtocolSockets } from "./src/server/protocol-ws.ts";
import { errorAnswer, type ErrorAnswer } from "./src/server/error-answers.ts";
import { stampPeerAddress } from "./src/server/peer-address.ts";
import { refuseMalformed } from "./src/server/request-guard.ts";
import { loadServerConfig, userBaseDir } from "./src/server/config.ts";
import { settingsHelp } from "./src/server/settings.ts";
import { Lifecycle, log, notice, StartupError } from "./src/server/lifecycle.ts";
import { clearRuntime, setRuntime, type ServerConfig } from "./src/server/runtime.ts";
import { observeClientErrors, observeRequests, observeUpgrades } from "./src/server/observe/http-observer.ts";
import { metricsOnMainPort, serveMetricsPort } from "./src/server/observe/metrics-endpoint.ts";
import { errorLogger } from "./src/server/observe/logger.ts";

const APP_DIR = path.dirname(fileURLToPath(import.meta.url));
/** How long open requests and streams have once shutdown begins, before they are cut. */
const GRACE_MS = 5_000;
/** At least this long after the drain, for streams to send what their runs' ends put in them. */
const AFTER_DRAIN_MS = 1_000;

let httpServer: Server | undefined;
let sockets: ProtocolSockets | undefined;
let nextApp: { close(): Promise<void> } | undefined;

const lifecycle = new Lifecycle({
  // HTTP stops taking requests while the runs drain.
  async whileDraining(drained) {
    const server = httpServer;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Long-lived responses get a grace period from now, then are cut...
    const grace = delay(GRACE_MS, undefined, { ref: false });
    // ...but streams stay open through the drain (itself bounded), so their clients read how
    // their run ended (an error naming the shutdown, then the end) before the connection goes.
    await drained;
    sockets?.closeAll();
    void Promise.all([grace, delay(AFTER_DRAIN_MS, undefined, { ref: false })]).then(() => server.closeAllConnections());
    await closed;
  },
  async afterDrain() {
    await nextApp?.close();
  },
  stopped: clearRuntime,
});

async function main(): Promise<void> {
  if (process.argv.includes("--help")) {
    process.stdout.write(settingsHelp("npm start [-- --help] (npm run dev: the same, with Next's dev server and graph file watching)"));
    process.exit(0);
  }
  // 1. Configuration: nothing is started until every setting is valid.
  const config: ServerConfig = loadServerConfig(process.env, { dev, baseDir: userBaseDir() });

  // 2. and 3. Database (migrated), Redis in fleet mode, graphs, the run engine.
  const core = await lifecycle.startCore(config, "lgrs-server", { watchGraphs: config.dev });
  if (!core) return;
  const { db: database, graphs, engine, observe } = core;
  const requestFailed = errorLogger(observe.logger, "request failed");

  // 4. Auth: the bootstrap admin and key, or a first-start admin printed once.
  const dataDir = config.database.provider === "sqlite" ? path.dirname(config.database.file) : path.join(config.baseDir, "data");
  const auth = createAuth(database, {
    secret: resolveAuthSecret(config.auth, dataDir),
    baseURL: config.auth.baseURL,
    trustedOrigins: config.auth.trustedOrigins,
    signInsPerMinute: config.auth.signInsPerMinute,
    trustedProxy: config.auth.trustedProxy,
  });
  if (config.fleet && !config.auth.secret) {
    notice(
      `warning: AUTH_SECRET is unset, so sessions are signed with ${path.join(dataDir, "auth-secret")}: every instance of the fleet must use the same secret (set AUTH_SECRET on all of them)`,
    );
  }
  await auth.bootstrap(config.auth.bootstrap, notice);
  const services = { runtime: engine, auth };
  // every body is held to MAX_BODY_BYTES; the 413 comes in each door's error shape
  const maxBody = config.limits.maxBodyBytes;
  const handlers = {
    trpc: limitBody(
      (req) => handleTrpcRequest(services, req),
      maxBody,
      (message) => trpcErrorResponse(413, "PAYLOAD_TOO_LARGE", message),
    ),
    auth: limitBody(
      (req) => auth.handler(req),
      maxBody,
      (message) => Response.json({ code: "PAYLOAD_TOO_LARGE", message }, { status: 413 }),
    ),
    langgraph: limitBody(createLanggraphHandler(services), maxBody, (detail) =>
      Response.json({ detail }, { status: 413, headers: { "access-control-allow-origin": "*" } }),
    ),
  };
  setRuntime({
    config,
    db: database,
    prismaDir: PRISMA_DIR,
    startedAt: new Date(),
    engine,
    graphs,
    auth,
    stopping: () => lifecycle.stopping,
  });

  // 5. Next.js, loaded only now.
  const { default: next } = await import("next");
  const app = next({ dev, dir: APP_DIR, port: config.port, hostname: "localhost" });
  nextApp = app;
  try {
    await app.prepare();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!dev && /production build/i.test(message)) {
      throw new StartupError(`no production build in ${path.join(APP_DIR, ".next")}: run \`npm run build\` first.`);
    }
    throw err;
  }
  if (lifecycle.stopping) return;
  const handle = app.getRequestHandler();
  const api = apiListener(apiRoutes(handlers), requestFailed);
  const metrics = metricsOnMainPort(observe.metrics, async (headers) => (await auth.callerOf(headers))?.role ?? null, requestFailed);

  // 6. HTTP.
  const route = (req: IncomingMessage, res: ServerResponse): void => {
    // the client address the sign-in limit keys on comes from the socket alone
    stampPeerAddress(req);
    const refused = refuseMalformed(req.method ?? "", req.url ?? "");
    if (refused) {
      send(res, refused);
      return;
    }
    // the API is ours alone; Next.js serves the pages
    const target = req.url ?? "";
    if (target === "/metrics" || target.startsWith("/metrics?")) {
      metrics(req, res);
      return;
    }
    if (isApiTarget(target)) {
      const redirect = normalizingRedirect(target);
      if (redirect) send(res, redirect);
      else api(req, res);
      return;
    }
    handle(req, res).catch((err: unknown) => {
      requestFailed(err);
      if (res.headersSent) res.end();
      else send(res, errorAnswer(pathOf(req.url), 500, "internal error: the server logged it"));
    });
  };
  httpServer = createServer(observeRequests(route, observe.logger, observe.metrics, observe.tracing !== null));
  // what Node's parser refuses (oversized headers, malformed request lines) is answered in JSON too
  httpServer.on("clientError", observeClientErrors(answerClientError, observe.logger, observe.metrics));
  httpServer.on("connect", refuseConnect);
  // The protocol's WebSocket (SDK `transport: "websocket"`) is ours; other upgrades are Next's
  // (dev reloads). Left alone, Next's custom server adds its own upgrade listener on the first
  // request and answers every upgrade, ours included: mark that done and hand it the others.
  const nextServer = app as unknown as {
    didWebSocketSetup?: boolean;
    getUpgradeHandler?: () => (req: unknown, socket: unknown, head: unknown) => Promise<void>;
  };
  nextServer.didWebSocketSetup = true;
  const nextUpgrade = nextServer.getUpgradeHandler?.();
  sockets = protocolSockets(
    services,
    (req, socket, head) => {
      if (nextUpgrade) void nextUpgrade(req, socket, head).catch(() => socket.destroy());
      else socket.destroy();
    },
    errorLogger(observe.logger, "protocol WebSocket upgrade failed"),
  );
  httpServer.on("upgrade", observeUpgrades(sockets.upgrade, observe.logger));
  // Longer than the usual client and proxy idle timeouts, so a client never reuses a
  // pooled connection the server has just closed (Node's default is 5 s).
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    httpServer!.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") {
        reject(new StartupError(`PORT ${config.port} is already in use: stop the other process or set PORT to a free port.`));
      } else if (err.code === "EACCES") {
        reject(new StartupError(`PORT ${config.port} needs more privileges: use a port above 1023.`));
      } else {
        reject(err);
      }
    });
    httpServer!.listen(config.port, () => resolve());
  });
  const { metricsPort } = config.observe;
  if (metricsPort !== null) {
    await serveMetricsPort(observe.metrics, metricsPort, observe.logger).catch((err: NodeJS.ErrnoException) => {
      throw new StartupError(`METRICS_PORT ${metricsPort} cannot be used (${err.code ?? err.message}): set METRICS_PORT to a free port.`);
    });
  }
  log(`LangGraph Run Server ${dev ? "(dev) " : ""}listening on http://localhost:${config.port}`);
}

function send(res: ServerResponse, answer: ErrorAnswer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

function pathOf(url: string | undefined): string | null {
  return url?.startsWith("/") ? url.split(/[?#]/, 1)[0]! : null;
}

lifecycle.run(main);
