import { checkHealth, type DatabaseHealth } from "@lgrs/db";
import packageJson from "../../package.json" with { type: "json" };
import { tryGetRuntime, RuntimeNotStartedError } from "./runtime.ts";

export interface Health {
  status: "ok" | "degraded";
  version: string;
  database: DatabaseHealth;
  /** graphs served, and the ones that failed to load (they do not make the server degraded) */
  graphs: { loaded: string[]; failed: { graphId: string; file: string; error: string }[] };
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
      graphs: { loaded: [], failed: [] },
    };
  }
  const database = await checkHealth(runtime.db, runtime.prismaDir);
  return {
    status: database.reachable && database.migrated ? "ok" : "degraded",
    version: VERSION,
    database,
    graphs: { loaded: runtime.graphs.ids(), failed: runtime.graphs.failures() },
  };
}
