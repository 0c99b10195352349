import { getHealth, type Health } from "@/server/health.ts";

// Health is read live on every request, never at build time.
export const dynamic = "force-dynamic";

export default async function HealthPage() {
  const health = await getHealth();
  const db = health.database;
  const ok = health.status === "ok";
  return (
    <main className="page">
      <header className="hero">
        <h1>LangGraph Run Server</h1>
        <p className="tagline">
          Runs LangGraph.js agents as threads and runs, keeps everything in a real database, and streams every run live.
        </p>
      </header>

      <section className="card" aria-labelledby="health-title">
        <div className="card-head">
          <h2 id="health-title">Server health</h2>
          <span className={`badge ${ok ? "badge-ok" : "badge-bad"}`} data-testid="health-status">
            {ok ? "OK" : "Degraded"}
          </span>
        </div>
        <dl className="facts">
          <dt>Database</dt>
          <dd data-testid="db-provider">{providerLabel(db.provider)}</dd>
          <dt>Reachable</dt>
          <dd data-testid="db-reachable">{db.reachable ? "yes" : "no"}</dd>
          <dt>Migrated</dt>
          <dd data-testid="db-migrated">
            {db.migrated ? "yes" : "no"}
            <span className="muted">
              {" "}
              ({plural(db.appliedMigrations, "migration")} applied
              {db.pendingMigrations.length > 0 ? `, ${db.pendingMigrations.length} pending` : ""})
            </span>
          </dd>
          <dt>Graphs</dt>
          <dd data-testid="graphs">
            {health.graphs.loaded.join(", ") || "none"}
            {health.graphs.failed.length > 0 && (
              <span className="muted">
                {" "}
                ({health.graphs.failed.length} failed to load: {health.graphs.failed.map((f) => f.graphId).join(", ")})
              </span>
            )}
          </dd>
          <dt>Runs</dt>
          <dd data-testid="runtime-mode">{runtimeLabel(health.runtime)}</dd>
          {health.runtime?.redis ? (
            <>
              <dt>Redis</dt>
              <dd data-testid="redis-reachable">
                {health.runtime.redis.reachable ? "reachable" : "unreachable"}
                {health.runtime.redis.latencyMs !== undefined ? (
                  <span className="muted"> ({health.runtime.redis.latencyMs} ms)</span>
                ) : null}
              </dd>
            </>
          ) : null}
          <dt>Version</dt>
          <dd>{health.version}</dd>
        </dl>
        {db.error ? <p className="error">{db.error}</p> : null}
        {health.runtime?.redis?.error ? <p className="error">Redis: {health.runtime.redis.error}</p> : null}
      </section>

      <footer className="footer">
        Health as JSON: <a href="/api/health">/api/health</a>
      </footer>
    </main>
  );
}

function runtimeLabel(runtime: Health["runtime"]): string {
  if (!runtime) return "not started";
  const where = runtime.mode === "fleet" ? "fleet (PostgreSQL + Redis)" : "embedded (this process)";
  return `${where}; ${runtime.worker ? `executes runs here, ${runtime.running} running` : "serves HTTP only"}`;
}

function providerLabel(provider: string): string {
  if (provider === "sqlite") return "SQLite";
  if (provider === "postgresql") return "PostgreSQL";
  return provider;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
