import { checkHealth, type DatabaseHealth } from "@lgrs/db";
import packageJson from "../../package.json" with { type: "json" };
import type { RuntimeHealth } from "@lgrs/runtime";
import { tryGetRuntime, RuntimeNotStartedError } from "./runtime.ts";

export interface Health {
  status: "ok" | "degraded";
  version: string;
  database: DatabaseHealth;
  /**
   * graphs served with the version each runs (content hash, load time), the ones that failed to
   * (re)load (`serving`: the previous version still serving in place), and a langgraph.json the last
   * reload could not read; none of these make the server degraded
   */
  graphs: {
    loaded: string[];
    versions: { graphId: string; hash: string; loadedAt: string }[];
    failed: { graphId: string; file: string; error: string; serving?: string }[];
    configError: string | null;
  };
  /** the run engine: embedded or fleet, whether runs execute here, how many now, Redis; null before start-up */
  runtime: RuntimeHealth | null;
}

/** GET /api/health/live: the process is up and serving (always 200). */
export interface Liveness {
  status: "ok";
  version: string;
  uptimeSeconds: number;
}

/** GET /api/health/ready: may a load balancer send requests here (200), or not (503). */
export interface Readiness {
  status: "ready" | "not_ready";
  /** one line per failed check; empty when ready */
  reasons: string[];
  runtime: "started" | "not_started" | "stopping";
  database: { reachable: boolean; migrated: boolean; error?: string };
  /** null on the embedded default (no Redis) */
  redis: RuntimeHealth["redis"];
}

export const VERSION: string = packageJson.version;

/** What GET /api/health answers and the home page shows: one function for both. */
export async function getHealth(): Promise<Health> {
  const runtime = tryGetRuntime();
  if (!runtime) {
    return {
      status: "degraded",
      version: VERSION,
      database: {
        provider: "unknown",
        reachable: false,
        migrated: false,
        appliedMigrations: 0,
        pendingMigrations: [],
        error: new RuntimeNotStartedError().message,
      },
      graphs: { loaded: [], versions: [], failed: [], configError: null },
      runtime: null,
    };
  }
  const [database, engine] = await Promise.all([checkHealth(runtime.db, runtime.prismaDir), engineHealth()]);
  const redisDown = engine?.redis != null && !engine.redis.reachable;
  return {
    status: database.reachable && database.migrated && engine !== null && !redisDown ? "ok" : "degraded",
    version: VERSION,
    database,
    graphs: {
      loaded: runtime.graphs.ids(),
      versions: runtime.graphs.versions().map((v) => ({ ...v, loadedAt: v.loadedAt.toISOString() })),
      failed: runtime.graphs.failures(),
      configError: runtime.graphs.configError(),
    },
    runtime: engine,
  };
}

export function getLiveness(): Liveness {
  return { status: "ok", version: VERSION, uptimeSeconds: Math.round(process.uptime()) };
}

export async function getReadiness(): Promise<Readiness> {
  const runtime = tryGetRuntime();
  if (!runtime) {
    const error = new RuntimeNotStartedError().message;
    return {
      status: "not_ready",
      reasons: [error],
      runtime: "not_started",
      database: { reachable: false, migrated: false, error },
      redis: null,
    };
  }
  const [db, engine] = await Promise.all([checkHealth(runtime.db, runtime.prismaDir), engineHealth()]);
  const stopping = runtime.stopping();
  const reasons: string[] = [];
  if (stopping) reasons.push("shutting down");
  if (!db.reachable) reasons.push(`database unreachable: ${db.error ?? "no answer"}`);
  else if (!db.migrated) reasons.push(`database has ${db.pendingMigrations.length} pending migration(s)`);
  if (engine === null) reasons.push("run engine did not answer its health check");
  else if (engine.redis && !engine.redis.reachable) reasons.push(`redis unreachable: ${engine.redis.error ?? "no answer"}`);
  return {
    status: reasons.length === 0 ? "ready" : "not_ready",
    reasons,
    runtime: stopping ? "stopping" : "started",
    database: { reachable: db.reachable, migrated: db.migrated, ...(db.error ? { error: db.error } : {}) },
    redis: engine?.redis ?? null,
  };
}

/** The engine's own health; null when asking it failed (counted as degraded, never thrown). */
async function engineHealth(): Promise<RuntimeHealth | null> {
  const runtime = tryGetRuntime();
  try {
    return runtime ? await runtime.engine.health() : null;
  } catch {
    return null;
  }
}
