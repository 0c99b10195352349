/**
 * A fleet of real servers for the HTTP tests: `server.ts` processes (the
 * production build) on one PostgreSQL database and one Redis key prefix of the
 * test's own, each serving HTTP and executing runs, and a round-robin TCP proxy in
 * front of them that skips dead members, as a load balancer would.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateApiKey } from "@lgrs/auth";
import { migrate, openDatabase, repositories, type Database } from "@lgrs/db";
import type { TestDatabase, TestTarget } from "@lgrs/db/testing";
import { connectRedis } from "@lgrs/runtime";
import { freePort } from "../../../../packages/runtime/test/fixtures/free-port.ts";

const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const HAS_BUILD = existsSync(path.join(APP_DIR, ".next", "BUILD_ID"));
export const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
const ADMIN_KEY = "fleet-test-admin-key-0123456789abcdef";
const AUTH_SECRET = randomBytes(32).toString("hex");

export interface FleetServer {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** SIGKILL, resolved once it is gone */
  kill(): Promise<void>;
}

export interface ServerFleet {
  db: Database;
  prefix: string;
  servers: FleetServer[];
  /** a new user with an API key */
  user(): Promise<{ userId: string; key: string }>;
  stop(): Promise<void>;
}

function startServer(name: string, port: number, env: Record<string, string>): Promise<FleetServer> {
  const base: Record<string, string | undefined> = { ...process.env };
  // TEST and VITEST would make better-auth skip its origin check: the servers behave as deployed
  for (const key of ["INIT_CWD", "NODE_ENV", "LANGGRAPH_CONFIG", "TEST", "VITEST"]) delete base[key];
  const childEnv: Record<string, string | undefined> = { ...base, ...env, PORT: String(port) };
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: APP_DIR,
    // a plain record: the web app's type-check (where Next requires NODE_ENV) includes this file too
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const server: FleetServer = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    // once listening, no more looking: a regex over the whole (growing) output per chunk is O(n) each time
    const ready = () => {
      if (!/listening on http/.test(output)) return;
      child.stdout!.off("data", ready);
      resolve(server);
    };
    child.stdout!.on("data", ready);
    void exited.then((code) => reject(new Error(`server ${name} exited (${code}) before listening:\n${output}`)));
  });
}

/**
 * `count` servers on a new database of `target` (migrated here first, so the
 * members do not race to migrate it) and Redis prefix `lgrs-test-<random>:`.
 */
export async function startServerFleet(target: TestTarget, count: number, env: Record<string, string> = {}): Promise<ServerFleet> {
  const testDb: TestDatabase = await target.create();
  await migrate(testDb.config);
  const db = openDatabase(testDb.config);
  const prefix = `lgrs-test-${randomBytes(4).toString("hex")}:`;
  const servers: FleetServer[] = [];
  const common = {
    DATABASE_URL: testDb.config.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    AUTH_BOOTSTRAP_API_KEY: ADMIN_KEY,
    AUTH_SECRET,
    SHUTDOWN_DRAIN_MS: "2000",
    ...env,
  };
  const stop = async () => {
    await Promise.all(servers.map((s) => s.kill()));
    const redis = await connectRedis(REDIS_URL, { keyPrefix: prefix }).catch(() => undefined);
    if (redis) {
      let cursor = "0";
      do {
        const [next, keys] = await redis.client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
        cursor = next;
        if (keys.length > 0) await redis.client.del(...keys);
      } while (cursor !== "0");
      await redis.close();
    }
    await db.close();
    await testDb.drop();
  };
  try {
    const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
    // all at once, as `npm run fleet` starts them: they race to make the bootstrap admin
    const started = await Promise.allSettled(ports.map((port, i) => startServer(String.fromCharCode(65 + i), port, common)));
    for (const s of started) if (s.status === "fulfilled") servers.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } catch (err) {
    await stop();
    throw err;
  }
  const repos = repositories(db);
  return {
    db,
    prefix,
    servers,
    async user() {
      const user = await repos.users.createUser({ email: `fleet-${randomBytes(6).toString("hex")}@example.com`, name: "fleet" });
      const key = generateApiKey();
      await repos.users.createApiKey({ userId: user.id, plainKey: key, name: "fleet test" });
      return { userId: user.id, key };
    },
    stop,
  };
}

export interface BalancerConnection {
  /** the member it went to */
  target: string;
  /** the first bytes the client sent: request line and headers */
  head: string;
}

export interface Balancer {
  url: string;
  connections: BalancerConnection[];
  close(): Promise<void>;
}

/**
 * A round-robin TCP proxy over `servers`: each new connection goes to the next
 * member, and on to the one after when that one refuses it (dead), as a load
 * balancer with passive health checks does.
 */
export async function startBalancer(servers: FleetServer[]): Promise<Balancer> {
  const sockets = new Set<net.Socket>();
  const connections: BalancerConnection[] = [];
  let next = 0;
  function connectTo(attempt: number): Promise<{ socket: net.Socket; server: FleetServer }> {
    const server = servers[next++ % servers.length]!;
    return new Promise((resolve, reject) => {
      const socket = net.connect(server.port, "127.0.0.1");
      socket.once("connect", () => resolve({ socket, server }));
      socket.once("error", (err) => {
        socket.destroy();
        if (attempt + 1 < servers.length) connectTo(attempt + 1).then(resolve, reject);
        else reject(err);
      });
    });
  }
  const proxy = net.createServer((downstream) => {
    sockets.add(downstream);
    downstream.pause();
    downstream.on("error", () => downstream.destroy());
    connectTo(0).then(
      ({ socket: upstream, server }) => {
        sockets.add(upstream);
        const connection: BalancerConnection = { target: server.name, head: "" };
        connections.push(connection);
        downstream.once("data", (d: Buffer) => (connection.head = d.toString("latin1")));
        downstream.pipe(upstream);
        upstream.pipe(downstream);
        downstream.resume();
        const close = () => {
          downstream.destroy();
          upstream.destroy();
          sockets.delete(downstream);
          sockets.delete(upstream);
        };
        downstream.on("close", close);
        upstream.on("error", close).on("close", close);
      },
      () => downstream.destroy(),
    );
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        proxy.close(() => resolve());
      }),
  };
}
