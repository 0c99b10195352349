/**
 * The process entry point (`pnpm start`, `pnpm dev`): owns start-up and shutdown.
 *
 * Order matters: the environment is validated and the database is started and
 * migrated before Next.js is even loaded, so a bad setting fails in well under a
 * second with one line on stderr and exit code 1, and no request is ever served
 * by a half-started server.
 */
import { dev } from "./src/server/process-mode.ts";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DatabaseStartupError, PRISMA_DIR, redactUrl, startDatabase, type Database } from "@lgrs/db";
import { createRuntime, GraphRegistry, type Runtime as Engine } from "@lgrs/runtime";
import { handleTrpcRequest } from "@lgrs/api";
import { createAuth } from "@lgrs/auth";
import { createLanggraphHandler } from "@lgrs/langgraph-api";
import { resolveAuthSecret } from "./src/server/auth-config.ts";
import { ConfigError, loadServerConfig, oneLine, userBaseDir } from "./src/server/config.ts";
import { clearRuntime, setRuntime, tryGetRuntime, type ServerConfig } from "./src/server/runtime.ts";

const APP_DIR = path.dirname(fileURLToPath(import.meta.url));

/** An expected start-up failure: printed as one line, exit code 1. */
class StartupError extends Error {}

let httpServer: Server | undefined;
let database: Database | undefined;
/** Set while migrations run: a signal then waits for them instead of cutting one in half. */
let databaseStarting: Promise<Database> | undefined;
let nextApp: { close(): Promise<void> } | undefined;
let engine: Engine | undefined;
let stopping = false;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fail(message: string): never {
  process.stderr.write(`error: ${oneLine(message)}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  // 1. Configuration: nothing is started until every setting is valid.
  const config: ServerConfig = loadServerConfig(process.env, { dev, baseDir: userBaseDir() });

  // 2. Database: connect, migrate, open the Prisma client.
  const where = config.database.provider === "sqlite" ? config.database.file : redactUrl(config.database.url);
  databaseStarting = startDatabase(config.database, { log, prismaDir: PRISMA_DIR });
  database = await databaseStarting;
  if (stopping) return;
  log(`database: ${config.database.provider} ${where} (migrated)`);

  // 3. Graphs and the run engine: a graph that fails to load is reported, the others serve.
  const graphs = await GraphRegistry.load(config.langgraphConfig?.path);
  for (const f of graphs.failures()) log(`warning: graph ${f.graphId} failed to load from ${f.file}: ${oneLine(f.error)}`);
  log(`graphs: ${graphs.ids().join(", ") || "none"} (${config.langgraphConfig ? config.langgraphConfig.path : "bundled"})`);
  engine = createRuntime({ db: database, graphs, concurrency: config.concurrency });
  await engine.start();

  // 4. Auth: the bootstrap admin and key, or a first-start admin printed once.
  const dataDir = config.database.provider === "sqlite" ? path.dirname(config.database.file) : path.join(config.baseDir, "data");
  const auth = createAuth(database, {
    secret: resolveAuthSecret(config.auth, dataDir),
    baseURL: config.auth.baseURL,
    trustedOrigins: config.auth.trustedOrigins,
    signInsPerMinute: config.auth.signInsPerMinute,
  });
  await auth.bootstrap(config.auth.bootstrap, log);
  const services = { runtime: engine, auth };
  const handlers = {
    trpc: (req: Request) => handleTrpcRequest(services, req),
    auth: (req: Request) => auth.handler(req),
    langgraph: createLanggraphHandler(services),
  };
  setRuntime({ config, db: database, prismaDir: PRISMA_DIR, startedAt: new Date(), engine, graphs, auth, handlers });

  // 5. Next.js, loaded only now.
  const { default: next } = await import("next");
  const app = next({ dev, dir: APP_DIR, port: config.port, hostname: "localhost" });
  nextApp = app;
  try {
    await app.prepare();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!dev && /production build/i.test(message)) {
      throw new StartupError(`no production build in ${path.join(APP_DIR, ".next")}: run \`pnpm build\` first.`);
    }
    throw err;
  }
  if (stopping) return;
  const handle = app.getRequestHandler();

  // 6. HTTP.
  httpServer = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error("request failed:", err);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
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
  log(`LangGraph Run Server ${dev ? "(dev) " : ""}listening on http://localhost:${config.port}`);
}

/** SIGTERM / SIGINT: stop accepting requests, close the database, exit 0. */
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    // The drain is bounded, so a second signal waits for it instead of abandoning
    // runs mid-write (their final status and checkpoints must reach the database).
    process.stderr.write(`${signal} again: still shutting down, finishing within the drain timeout\n`);
    return;
  }
  stopping = true;
  log(`${signal} received: shutting down`);
  // Runs are cancelled and awaited (bounded) while HTTP stops taking requests; their
  // final status and checkpoints are written before the database closes.
  const drained = engine?.shutdown(tryDrainTimeout());
  const server = httpServer;
  if (server) {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Long-lived responses (streams) get a short grace period, then are cut.
    const force = setTimeout(() => server.closeAllConnections(), 5_000);
    force.unref();
    await closed;
  }
  await drained?.catch((err: unknown) => process.stderr.write(`drain failed: ${String(err)}\n`));
  await nextApp?.close().catch(() => {});
  const db = database ?? (await databaseStarting?.catch(() => undefined));
  await db?.close().catch(() => {});
  clearRuntime();
  log("stopped");
  process.exit(0);
}

function tryDrainTimeout(): number {
  return tryGetRuntime()?.config.drainTimeoutMs ?? 5000;
}

process.on("SIGTERM", (s) => void shutdown(s));
process.on("SIGINT", (s) => void shutdown(s));

main().catch(async (err: unknown) => {
  await database?.close().catch(() => {});
  if (err instanceof ConfigError || err instanceof DatabaseStartupError || err instanceof StartupError) {
    fail(err.message);
  }
  // Not a settings problem: a bug or an unexpected environment, so keep the stack.
  process.stderr.write(`error: start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
