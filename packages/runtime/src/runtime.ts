import { randomUUID } from "node:crypto";
import { PrismaCheckpointSaver, PrismaStore, repositories, type Database } from "@lgrs/db";
import { ensureDefaultAssistants } from "./assistants/defaults.ts";
import { AssistantService } from "./assistants/assistant-service.ts";
import type { RuntimeContext } from "./runs/context.ts";
import { MemoryStreamBridge, type StreamBridge } from "./bridge/index.ts";
import type { GraphSource } from "./runs/graph-source.ts";
import { MemoryRunFeed } from "./runs/run-feed.ts";
import { RunManager } from "./runs/run-manager.ts";
import { StoreService } from "./store/store-service.ts";
import { RunService } from "./runs/run-service.ts";
import { FeedbackService } from "./feedback/feedback-service.ts";
import { UsageService } from "./usage/usage-service.ts";
import { ThreadService } from "./threads/thread-service.ts";

export interface RuntimeOptions {
  db: Database;
  graphs: GraphSource;
  /** where live events go (default: the in-process bridge) */
  bridge?: StreamBridge;
  /** runs executing at once in this process (default 10) */
  concurrency?: number;
  logError?: (err: unknown) => void;
}

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
  /** the ids of the graphs this process serves */
  graphIds(): string[];
  /** default assistants, reconciliation of what a previous process left behind */
  start(): Promise<void>;
  /** stop taking runs, drain the running ones (bounded), close the stream bridge */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** The engine: one per process, created after the database is migrated. */
export function createRuntime(options: RuntimeOptions): Runtime {
  const repos = repositories(options.db);
  const bridge = options.bridge ?? new MemoryStreamBridge();
  const feed = new MemoryRunFeed();
  const checkpointer = new PrismaCheckpointSaver(options.db.prisma);
  const store = new PrismaStore(options.db.prisma);
  const ctx: RuntimeContext = {
    repos,
    graphs: options.graphs,
    checkpointer,
    store,
    live: bridge,
    feed,
    workerId: `${process.pid}-${randomUUID().slice(0, 8)}`,
    logError: options.logError ?? ((err) => console.error("runtime:", err)),
  };
  const manager = new RunManager(ctx, { concurrency: options.concurrency });
  const threads = new ThreadService(ctx, manager);
  return {
    runs: new RunService(ctx, manager),
    feedback: new FeedbackService(ctx),
    usage: new UsageService(ctx),
    threads,
    assistants: new AssistantService(ctx, threads),
    store: new StoreService(ctx),
    graphIds: () => options.graphs.ids(),
    async start() {
      await ensureDefaultAssistants(repos, options.graphs.ids());
      await manager.recover();
    },
    async shutdown(timeoutMs = 5000) {
      await manager.shutdown(timeoutMs);
      await bridge.close();
    },
  };
}
