import { randomUUID } from "node:crypto";
import { ALL, PrismaCheckpointSaver, PrismaStore, repositories, type Database } from "@lgrs/db";
import { ensureDefaultAssistants } from "./assistants/defaults.ts";
import { AssistantService } from "./assistants/assistant-service.ts";
import type { RuntimeContext } from "./runs/context.ts";
import { DEFAULT_INPUT_LIMITS, type InputLimits } from "./input/limits.ts";
import type { StoreScope } from "./store/store-scope.ts";
import { MemoryStreamBridge, type StreamBridge } from "./bridge/index.ts";
import type { GraphSource } from "./runs/graph-source.ts";
import { MemoryRunFeed, type RunFeed } from "./runs/run-feed.ts";
import { RunEventWriter } from "./runs/event-writer.ts";
import { RunManager } from "./runs/run-manager.ts";
import type { RunCoordinator } from "./runs/coordinator.ts";
import { LocalCoordinator } from "./runs/local-coordinator.ts";
import { FleetCoordinator } from "./fleet/fleet-coordinator.ts";
import { createRedisFleet } from "./fleet/redis-fleet.ts";
import type { RedisConnection } from "./fleet/redis.ts";
import { RedisThreadHolds } from "./fleet/redis-thread-holds.ts";
import type { ThreadHolds } from "./runs/temporary-threads.ts";
import { isFinal } from "./runs/types.ts";
import { StoreService } from "./store/store-service.ts";
import { TestDataService } from "./testing/test-data-service.ts";
import { OwnerService } from "./list-owners.ts";
import { RunService } from "./runs/run-service.ts";
import { FeedbackService } from "./feedback/feedback-service.ts";
import { UsageService } from "./usage/usage-service.ts";
import { ThreadService } from "./threads/thread-service.ts";
import { DEFAULT_TTL_SWEEP_MS, TtlSweeper, type SweepResult } from "./threads/ttl-sweeper.ts";
import { DEFAULT_WEBHOOK_TIMEOUT_MS, systemResolver, type WebhookResolver } from "./runs/webhook.ts";
import { webhookPolicy } from "./runs/webhook-policy.ts";
import { CronService } from "./crons/cron-service.ts";
import { CronTicker } from "./crons/cron-ticker.ts";
import { RunHooks } from "./observe/run-hooks.ts";
import type { RunObserver } from "./observe/run-observer.ts";
import { STANDARD_SCHEDULES } from "./crons/schedule.ts";
import { GraphService, type GraphsStatus } from "./graphs/graph-service.ts";
import { RedisGraphReloads } from "./fleet/redis-graph-reloads.ts";

/** A member of a fleet: PostgreSQL is the queue and the source of truth, Redis carries what is live. */
export interface FleetOptions {
  redis: RedisConnection;
  /** this member executes runs (false: it only serves requests) */
  worker: boolean;
  /** how long a worker's claim on a run holds without a heartbeat (default 10 s) */
  leaseMs?: number;
  /** executions of a run before a lost worker makes it `error` (default 3) */
  maxAttempts?: number;
}

export interface RuntimeOptions {
  db: Database;
  graphs: GraphSource;
  /** where live events go in one process (default: the in-process bridge; a fleet uses Redis) */
  bridge?: StreamBridge;
  /** runs executing at once in this process (default 10) */
  concurrency?: number;
  /** run as a member of a fleet (PostgreSQL + Redis); absent, one process does everything */
  fleet?: FleetOptions;
  /** where unexpected errors go, with where they happened (default: stderr); the doors report theirs here too */
  reportError?: (where: string, err: unknown) => void;
  /** told of every run's lifecycle points (queued, started, first event, ended, tokens): logs and metrics */
  observer?: RunObserver;
  /** a span per run and per graph node, continuing the creating request's trace (an OpenTelemetry SDK must be registered) */
  tracing?: boolean;
  webhooks?: WebhookOptions;
  /** bounds on what one request may carry (defaults: DEFAULT_INPUT_LIMITS) */
  limits?: Partial<InputLimits>;
  /** who reaches which store namespaces through the API (default `shared`) */
  storeScope?: StoreScope;
  crons?: CronOptions;
  /** how often expired threads and store items are swept, in ms (default 5 minutes; 0: never) */
  ttlSweepMs?: number;
  /** serve `testData.resetData` (LGRS_TEST_MODE): end-to-end suites empty the data between tests (default false) */
  testMode?: boolean;
}

/** How crons are read and fired. */
export interface CronOptions {
  /** also take a sixth, leading seconds field in schedules (default false: 5 fields, as the LangGraph API) */
  seconds?: boolean;
  /** the longest the ticker goes without looking for crons changed on other instances (default 30 s) */
  recheckMs?: number;
}

/** Where run webhooks may go (see webhook-policy.ts): by default only to public addresses. */
export interface WebhookOptions {
  /**
   * Hosts and networks allowed even when internal (WEBHOOK_ALLOW): `hooks.internal`,
   * `10.0.0.0/8`, `127.0.0.1`, `fd00::/8`. Throws WebhookAllowError for an entry it cannot read.
   */
  allow?: readonly string[];
  /** how host names resolve at send time (default: the system resolver); tests give their own */
  resolve?: WebhookResolver;
  /** one delivery's bound, connection included (default 10 s) */
  timeoutMs?: number;
}

/** What the runtime tells the health endpoints. */
export interface RuntimeHealth {
  mode: "embedded" | "fleet";
  /** this process executes runs */
  worker: boolean;
  /** runs executing here now */
  running: number;
  /** null when embedded */
  redis: { reachable: boolean; latencyMs?: number; error?: string } | null;
  /** the version of each graph this process serves, the graphs that failed to load, the last reload */
  graphs: GraphsStatus;
}

export const DEFAULT_LEASE_MS = 10_000;
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * The one door into the data: every rule of threads, runs, assistants, the store,
 * feedback and usage lives in these services, so the API doors only validate,
 * check the caller, call one method and map the answer. Repositories, the
 * checkpointer, the stream bridge and the feed stay inside.
 */
export interface Runtime {
  /** runs: create, read, wait for, follow, cancel and delete them */
  runs: RunService;
  feedback: FeedbackService;
  /** token usage per run, thread, model and caller */
  usage: UsageService;
  /** threads: create, search and count, metadata, state, history, updates, deletion and copies */
  threads: ThreadService;
  /** assistants: create, search and count, versions, graph drawings and schemas */
  assistants: AssistantService;
  /** the long-term store graphs share */
  store: StoreService;
  /** crons: scheduled runs, on a thread or each on a new one; this process's ticker fires them */
  crons: CronService;
  /** an empty slate for test suites: refused unless the runtime was created with `testMode` */
  testData: TestDataService;
  /** who a caller may filter lists by: every operator for an admin, else only themselves */
  owners: OwnerService;
  /** graphs: reload them (admins, SIGHUP, the dev watcher, fleet members), and what each serves */
  graphs: GraphService;
  /** the ids of the graphs this process serves */
  graphIds(): string[];
  /** what one request may carry: the doors hold bodies, batches and nesting to these */
  limits: InputLimits;
  /** an unexpected error (ours, never the caller's): logged with where it happened, stack and all */
  reportError(where: string, err: unknown): void;
  /** the mode, the runs executing here and, in a fleet, whether Redis answers */
  health(): Promise<RuntimeHealth>;
  /** runs waiting to start, across the whole server (or fleet): read when metrics are scraped */
  queueDepth(): Promise<number>;
  /** runs executing in this process now */
  runningCount(): number;
  /** one sweep of expired threads and store items now (the sweeper also runs on its own) */
  sweepExpired(): Promise<SweepResult>;
  /** default assistants, reconciliation of what a previous process left behind */
  start(): Promise<void>;
  /** stop taking runs, drain the running ones (bounded), close the stream bridge */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** The engine: one per process, created after the database is migrated. */
export function createRuntime(options: RuntimeOptions): Runtime {
  const repos = repositories(options.db);
  const reportError = options.reportError ?? ((where: string, err: unknown) => console.error(`${where}:`, err));
  const logError = (err: unknown) => reportError("runtime", err);
  const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const concurrency = options.concurrency ?? 10;
  const { fleet } = options;
  if (fleet && options.db.provider !== "postgresql") throw new Error("a fleet needs PostgreSQL: its queue and leases live there");
  let bridge: StreamBridge;
  let feed: RunFeed;
  let coordinator: RunCoordinator;
  let holds: ThreadHolds | undefined;
  let closeFleet = async () => {};
  let fleetReady = async () => {};
  if (fleet) {
    const parts = createRedisFleet(fleet.redis, {
      // a log whose end Redis lost still ends: the database knows the run has finished
      endedStatus: async (runId) => {
        const run = await repos.runs.get(ALL, runId);
        if (!run || !isFinal(run.status)) return undefined;
        // with the last saved id, events Redis lost are read as a gap the run manager fills from the database
        return { status: run.status, lastEventId: (await repos.events.lastSeq(runId)) ?? 0 };
      },
      logError,
    });
    bridge = parts.bridge;
    feed = parts.feed;
    coordinator = new FleetCoordinator(repos.leases, parts.signals, {
      worker: fleet.worker,
      capacity: concurrency,
      leaseMs: fleet.leaseMs ?? DEFAULT_LEASE_MS,
      maxAttempts: fleet.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      workerId,
      logError,
    });
    holds = new RedisThreadHolds(fleet.redis);
    closeFleet = () => parts.signals.close();
    fleetReady = () => parts.ready();
  } else {
    bridge = options.bridge ?? new MemoryStreamBridge();
    feed = new MemoryRunFeed();
    coordinator = new LocalCoordinator(concurrency);
  }
  const checkpointer = new PrismaCheckpointSaver(options.db.prisma);
  const store = new PrismaStore(options.db.prisma);
  const webhooks = {
    policy: webhookPolicy(options.webhooks?.allow),
    resolve: options.webhooks?.resolve ?? systemResolver,
    timeoutMs: options.webhooks?.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS,
  };
  const limits: InputLimits = { ...DEFAULT_INPUT_LIMITS, ...options.limits };
  const ctx: RuntimeContext = {
    repos,
    graphs: options.graphs,
    checkpointer,
    store,
    live: bridge,
    // the manager is made below, from this context: the writer asks it when it writes
    eventWriter: new RunEventWriter(repos.events, () => manager.executingHere),
    feed,
    workerId,
    logError,
    webhooks,
    limits,
    storeScope: options.storeScope ?? "shared",
    hooks: new RunHooks(options.observer, options.tracing ?? false),
  };
  const manager = new RunManager(ctx, coordinator, holds);
  const threads = new ThreadService(ctx, manager);
  const graphs = new GraphService(options.graphs, repos);
  let reloads: RedisGraphReloads | undefined;
  if (fleet) {
    reloads = new RedisGraphReloads(fleet.redis, workerId, () => void graphs.reloadHere("fleet").catch(logError), logError);
    graphs.broadcast = reloads;
  }
  const ticker = new CronTicker(ctx, manager, { recheckMs: options.crons?.recheckMs });
  const sweeper = new TtlSweeper(ctx, options.ttlSweepMs ?? DEFAULT_TTL_SWEEP_MS);
  return {
    runs: new RunService(ctx, manager),
    feedback: new FeedbackService(ctx),
    usage: new UsageService(ctx),
    threads,
    assistants: new AssistantService(ctx, threads),
    store: new StoreService(ctx),
    crons: new CronService(ctx, { ...STANDARD_SCHEDULES, seconds: options.crons?.seconds ?? false }, ticker, manager),
    testData: new TestDataService(ctx, manager, options.testMode ?? false),
    owners: new OwnerService(repos),
    graphs,
    graphIds: () => options.graphs.ids(),
    limits,
    reportError,
    async health() {
      return {
        mode: fleet ? "fleet" : "embedded",
        worker: fleet ? fleet.worker : true,
        running: manager.runningCount,
        redis: fleet ? await fleet.redis.ping() : null,
        graphs: graphs.status(),
      };
    },
    queueDepth: () => repos.runs.countPending(),
    runningCount: () => manager.runningCount,
    sweepExpired: () => sweeper.sweep(),
    async start() {
      await ensureDefaultAssistants(repos, options.graphs.ids());
      // subscribed before the first claim, so no wake-up or cancel falls in between
      await fleetReady();
      await reloads?.ready();
      await manager.start();
      // after the runs a previous process left are settled: a tick missed while down fires now
      ticker.start();
      sweeper.start();
    },
    async shutdown(timeoutMs = 5000) {
      await ticker.stop();
      await sweeper.stop();
      await manager.shutdown(timeoutMs);
      await bridge.close();
      await feed.close();
      await reloads?.close();
      await closeFleet();
    },
  };
}
