/**
 * What `npm run bench` runs, from the environment. The defaults are the issue's
 * measurement (30 sequential runs, 120 at 8 in flight, 50 joined subscribers), so
 * figures from different runs and branches compare; override to explore.
 */
function count(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name}="${raw}" is not a whole number`);
  return value;
}

export const settings = {
  /** runs before any timing on each side: module loading, JIT, prepared statements */
  warmupRuns: count("BENCH_WARMUP_RUNS", 5),
  sequentialRuns: count("BENCH_SEQUENTIAL_RUNS", 30),
  parallelRuns: count("BENCH_PARALLEL_RUNS", 120),
  inFlight: count("BENCH_IN_FLIGHT", 8),
  subscribers: count("BENCH_SUBSCRIBERS", 50),
  /** fan-out runs measured (the figures are their medians) */
  fanoutRounds: count("BENCH_FANOUT_ROUNDS", 3),
  /** worker threads the subscribers are spread over (fifty clients are not one event loop) */
  subscriberThreads: count("BENCH_SUBSCRIBER_THREADS", 5),
  /**
   * The fan-out run's pause per token: long enough (about 25 tokens) that all the
   * subscribers have joined while it is still running, else "joining a running
   * run" is not what is measured.
   */
  fanoutTokenDelayMs: count("BENCH_FANOUT_TOKEN_DELAY_MS", 25),
  /** joins one at a time to a streaming run, for the lone subscriber's first event */
  lateJoins: count("BENCH_LATE_JOINS", 10),
  trivialRequests: count("BENCH_TRIVIAL_REQUESTS", 100),
  /** streamed runs in all on the SQLite server before the last memory reading (the target is for 10,000) */
  memoryRuns: count("BENCH_RUNS", 2000),
  /** quiet time after the last run before the settled memory reading */
  settleMs: count("BENCH_SETTLE_MS", 5000),
  /** skip PostgreSQL and fleet mode even when reachable (BENCH_SQLITE_ONLY=1) */
  sqliteOnly: process.env["BENCH_SQLITE_ONLY"] === "1",
  redisUrl: process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379",
  /** where the JSON results go (default: a new file in the system's temp folder) */
  out: process.env["BENCH_OUT"],
};

/** The graph every side runs: the bundled chat agent, its offline model streaming a short reply. */
export const GRAPH_ID = "agent";
export const INPUT = { messages: [{ role: "user", content: "stream me a short reply" }] };
/** no pause between tokens: the bench measures the server, not the fake model's pacing */
export const RUN_CONFIGURABLE = { token_delay_ms: 0 };
