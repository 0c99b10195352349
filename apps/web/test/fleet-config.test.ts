/**
 * Fleet settings (REDIS_URL, REDIS_KEY_PREFIX, RUN_WORKERS, RUN_LEASE_MS,
 * RUN_MAX_ATTEMPTS) as the server and the worker read them, and the shapes of
 * /api/health, /api/health/live and /api/health/ready for each runtime state.
 */
import { PRISMA_DIR } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadServerConfig, loadWorkerConfig } from "../src/server/config.ts";
import { getHealth, getLiveness, getReadiness } from "../src/server/health.ts";
import { clearRuntime, setRuntime, type Runtime } from "../src/server/runtime.ts";

const PG = "postgresql://app:pw@db.internal:5432/app";
const options = { dev: false, baseDir: "/srv/app" };

/** The one line a bad setting stops start-up with (ConfigError, no stack). */
function configError(load: () => unknown): string {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected a ConfigError");
}

describe("fleet settings (server)", () => {
  it("are off by default: the embedded SQLite server executes runs itself", () => {
    const config = loadServerConfig({}, options);
    expect(config.fleet).toBeNull();
    expect(config.database.provider).toBe("sqlite");
  });

  it("turn on with REDIS_URL and a PostgreSQL DATABASE_URL, with their defaults", () => {
    const config = loadServerConfig({ DATABASE_URL: PG, REDIS_URL: "redis://127.0.0.1:6379" }, options);
    expect(config.fleet).toEqual({ redisUrl: "redis://127.0.0.1:6379", keyPrefix: "lgrs:", worker: true, leaseMs: 10_000, maxAttempts: 3 });
  });

  it("read every fleet setting", () => {
    const config = loadServerConfig(
      {
        DATABASE_URL: PG,
        REDIS_URL: " rediss://:secret@cache.internal:6380/2 ",
        REDIS_KEY_PREFIX: "prod:",
        RUN_WORKERS: "0",
        RUN_LEASE_MS: "4000",
        RUN_MAX_ATTEMPTS: "5",
      },
      options,
    );
    expect(config.fleet).toEqual({
      redisUrl: "rediss://:secret@cache.internal:6380/2",
      keyPrefix: "prod:",
      worker: false,
      leaseMs: 4000,
      maxAttempts: 5,
    });
  });

  it("RUN_WORKERS=1 is the default, spelled out", () => {
    expect(loadServerConfig({ DATABASE_URL: PG, REDIS_URL: "redis://r:6379", RUN_WORKERS: "1" }, options).fleet?.worker).toBe(true);
  });

  it("stop start-up on REDIS_URL with SQLite (also the default database)", () => {
    for (const env of [{ REDIS_URL: "redis://127.0.0.1:6379" }, { REDIS_URL: "redis://127.0.0.1:6379", DATABASE_URL: "file:./x.db" }]) {
      const line = configError(() => loadServerConfig(env, options));
      expect(line).toMatch(/^REDIS_URL turns fleet mode on, which needs a PostgreSQL DATABASE_URL/);
      expect(line).toContain("unset REDIS_URL");
    }
  });

  it("stop start-up on a malformed REDIS_URL, without printing its password", () => {
    const cases: [string, RegExp][] = [
      ["not a url", /^REDIS_URL is not a valid URL: expected redis:\/\/host:6379/],
      ["http://:secret@cache:6379", /^REDIS_URL "http:\/\/\.\.\." is not a Redis URL/],
      ["redis://:secret@cache:99999", /^REDIS_URL is not a valid URL/],
      ["redis://:secret@cache:6379/main", /^REDIS_URL redis:\/\/:\*\*\*@cache:6379\/main names database "main": use a database number/],
    ];
    for (const [url, expected] of cases) {
      const line = configError(() => loadServerConfig({ DATABASE_URL: PG, REDIS_URL: url }, options));
      expect(line).toMatch(expected);
      expect(line).not.toContain("secret");
    }
  });

  it("stop start-up on RUN_WORKERS=0 without REDIS_URL: nothing would execute runs", () => {
    for (const env of [{ RUN_WORKERS: "0" }, { RUN_WORKERS: "0", DATABASE_URL: PG }]) {
      expect(configError(() => loadServerConfig(env, options))).toMatch(/^RUN_WORKERS=0 serves HTTP only.*set REDIS_URL.*`npm run worker`/);
    }
  });

  it("stop start-up on a RUN_WORKERS other than 0 or 1", () => {
    for (const value of ["2", "yes", "-1"]) {
      const line = configError(() => loadServerConfig({ DATABASE_URL: PG, REDIS_URL: "redis://r:6379", RUN_WORKERS: value }, options));
      expect(line).toContain(`RUN_WORKERS "${value}" is not valid: use 1`);
    }
  });

  it("stop start-up on a bad REDIS_KEY_PREFIX, RUN_LEASE_MS or RUN_MAX_ATTEMPTS, even without REDIS_URL", () => {
    expect(configError(() => loadServerConfig({ REDIS_KEY_PREFIX: "my app:" }, options))).toMatch(
      /^REDIS_KEY_PREFIX "my app:" is not valid/,
    );
    expect(configError(() => loadServerConfig({ RUN_LEASE_MS: "10s" }, options))).toMatch(/^RUN_LEASE_MS "10s" is not valid/);
    expect(configError(() => loadServerConfig({ RUN_LEASE_MS: "200" }, options))).toMatch(/1000 or more/);
    expect(configError(() => loadServerConfig({ RUN_MAX_ATTEMPTS: "0" }, options))).toMatch(/^RUN_MAX_ATTEMPTS "0" is not valid/);
  });
});

describe("fleet settings (worker)", () => {
  it("need REDIS_URL: a worker only executes runs for a fleet", () => {
    expect(configError(() => loadWorkerConfig({ DATABASE_URL: PG }, options))).toMatch(
      /^`npm run worker` executes runs for a fleet and needs REDIS_URL/,
    );
  });

  it("need PostgreSQL", () => {
    expect(configError(() => loadWorkerConfig({ REDIS_URL: "redis://r:6379" }, options))).toMatch(/needs a PostgreSQL DATABASE_URL/);
  });

  it("always execute runs, whatever RUN_WORKERS says, and need no PORT or auth settings", () => {
    const config = loadWorkerConfig({ DATABASE_URL: PG, REDIS_URL: "redis://r:6379", RUN_WORKERS: "0", PORT: "nope" }, options);
    expect(config.fleet?.worker).toBe(true);
    expect(config).not.toHaveProperty("port");
    expect(config).not.toHaveProperty("auth");
  });
});

describe("health endpoints", () => {
  const db = useMigratedDatabase(testTargets[0]!);
  const embedded = async () => ({ mode: "embedded", worker: true, running: 0, redis: null });
  let engineHealth: () => Promise<unknown> = embedded;
  let stopping = false;

  function start(): void {
    setRuntime({
      db: db(),
      prismaDir: PRISMA_DIR,
      startedAt: new Date(),
      graphs: { ids: () => ["agent"], failures: () => [], versions: () => [], configError: () => null },
      engine: { health: () => engineHealth() },
      stopping: () => stopping,
    } as unknown as Runtime);
  }

  afterEach(() => {
    clearRuntime();
    engineHealth = embedded;
    stopping = false;
  });

  it("live: 200 shape whatever the state", () => {
    expect(getLiveness()).toEqual({ status: "ok", version: expect.stringMatching(/^\d+\.\d+\.\d+/), uptimeSeconds: expect.any(Number) });
  });

  it("before start-up: degraded and not ready", async () => {
    expect(await getHealth()).toMatchObject({ status: "degraded", runtime: null });
    const ready = await getReadiness();
    expect(ready).toMatchObject({ status: "not_ready", runtime: "not_started", redis: null });
    expect(ready.reasons[0]).toMatch(/not started/);
  });

  it("embedded: ok and ready, runtime reported, no Redis", async () => {
    start();
    const health = await getHealth();
    expect(health.status).toBe("ok");
    expect(health.runtime).toEqual({ mode: "embedded", worker: true, running: 0, redis: null });
    expect(await getReadiness()).toEqual({
      status: "ready",
      reasons: [],
      runtime: "started",
      database: { reachable: true, migrated: true },
      redis: null,
    });
  });

  it("fleet with Redis reachable: ok and ready", async () => {
    engineHealth = async () => ({ mode: "fleet", worker: false, running: 0, redis: { reachable: true, latencyMs: 1 } });
    start();
    expect(await getHealth()).toMatchObject({ status: "ok", runtime: { mode: "fleet", worker: false, redis: { reachable: true } } });
    expect(await getReadiness()).toMatchObject({ status: "ready", redis: { reachable: true, latencyMs: 1 } });
  });

  it("fleet with Redis unreachable: degraded and not ready, with the reason", async () => {
    engineHealth = async () => ({ mode: "fleet", worker: true, running: 2, redis: { reachable: false, error: "connect ECONNREFUSED" } });
    start();
    expect(await getHealth()).toMatchObject({ status: "degraded", database: { reachable: true }, runtime: { running: 2 } });
    const ready = await getReadiness();
    expect(ready).toMatchObject({ status: "not_ready", runtime: "started", redis: { reachable: false } });
    expect(ready.reasons).toEqual(["redis unreachable: connect ECONNREFUSED"]);
  });

  it("an engine health check that throws is degraded, never a 500", async () => {
    engineHealth = async () => {
      throw new Error("boom");
    };
    start();
    expect(await getHealth()).toMatchObject({ status: "degraded", runtime: null });
    expect((await getReadiness()).status).toBe("not_ready");
  });

  it("shutting down: not ready (a load balancer stops sending), still live", async () => {
    engineHealth = async () => ({ mode: "embedded", worker: true, running: 1, redis: null });
    start();
    stopping = true;
    expect(await getReadiness()).toMatchObject({ status: "not_ready", runtime: "stopping", reasons: ["shutting down"] });
    expect(getLiveness().status).toBe("ok");
  });
});
