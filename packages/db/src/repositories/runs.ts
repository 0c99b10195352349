import type { Database } from "../client.ts";
import { newId } from "../ids.ts";
import type { MultitaskStrategy, Run, RunStatus } from "../generated/sqlite/client.ts";
import { Prisma } from "../generated/sqlite/client.ts";
import { asObject, jsonInput, jsonObject, type JsonObject } from "./json.ts";
import { createdCursor, newestFirst, pageSize, toPage, type Page, type PageRequest } from "./pagination.ts";
import { afterCursorSql, cursorPageOfIds, equals, inOrderOf, jsonMatch, textIn, type TextField } from "./search.ts";
import { ownedBy, type Scope } from "./scope.ts";
import { fenced, LeaseLostError, type Lease } from "./leases.ts";
import { applyCronClaim, type CronClaim } from "./crons.ts";
import { lostRaceKind } from "../errors.ts";
import { directRows, RowNotFoundError } from "./direct-rows.ts";
import { admitDirect, type Admission } from "./admission.ts";

export type { Run, RunStatus, MultitaskStrategy };

import { IN_FLIGHT } from "../enums.ts";

export { IN_FLIGHT };
const FINAL: RunStatus[] = ["success", "error", "timeout", "interrupted"];

/** What becomes of a stateless run's temporary thread once the run has ended. */
export type OnCompletion = "delete" | "keep";

export interface NewRun {
  id?: string;
  threadId: string;
  ownerId: string;
  assistantId: string;
  multitaskStrategy?: MultitaskStrategy;
  kwargs: JsonObject;
  metadata?: JsonObject;
  checkpointId?: string | null;
  notBefore?: Date | null;
  /** set for a stateless run only: its thread is temporary */
  onCompletion?: OnCompletion | null;
  /** the cron whose tick creates the run */
  cronId?: string | null;
  /** that tick (one run per cron and tick) */
  cronTick?: Date | null;
}

export type { Admission };

/** Which runs a read matches, beyond the caller's scope. */
export interface RunMatch {
  threadId?: string;
  status?: RunStatus | RunStatus[];
  /** false: only runs not rolled back; true: only rolled-back ones; absent: both */
  rolledBack?: boolean;
  /** the runs a cron's ticks created */
  cronId?: string;
}

export interface RunFilter extends PageRequest, RunMatch {
  assistantId?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  /** every key must equal (top-level keys of the run's metadata) */
  metadata?: JsonObject;
  /** runs of this owner only (within the caller's scope: another owner's runs stay out of a user's reach) */
  ownerId?: string;
  /** contained, ignoring case, in the run's id, its thread's id, its input or its metadata */
  text?: string;
}

/** Where a find looks in a run: ids (a short id is a prefix), the input it was given, its metadata. */
const RUN_TEXT: TextField[] = [
  { column: "id", kind: "text" },
  { column: "threadId", kind: "text" },
  { column: "kwargs", kind: "json", key: "input" },
  { column: "metadata", kind: "json" },
];

/** The `where` of a run read: scope, thread, statuses and rolled-back state. */
function matching(scope: Scope, match: RunMatch) {
  const statuses = match.status === undefined ? undefined : [match.status].flat();
  return {
    ...ownedBy(scope),
    ...(match.threadId ? { threadId: match.threadId } : {}),
    ...(match.cronId ? { cronId: match.cronId } : {}),
    ...(statuses ? { status: { in: statuses } } : {}),
    ...(match.rolledBack === undefined ? {} : { rolledBackAt: match.rolledBack ? { not: null } : null }),
  };
}

export interface RunTransition {
  status: RunStatus;
  error?: unknown;
  startedAt?: Date;
  endedAt?: Date;
  workerId?: string | null;
  leaseExpiresAt?: Date | null;
  /** the checkpoint the run started from */
  checkpointId?: string | null;
  /** the version of the graph the run executes (see the graph registry) */
  graphVersion?: string | null;
  graphLoadedAt?: Date | null;
  /** who or what stopped the run (a run the server gave up on: its process stopped) */
  stopReason?: JsonObject;
}

/** Rolls the admission transaction back when the thread is busy. */
class BusyThread extends Error {
  constructor(readonly inFlight: Run[]) {
    super("thread busy");
  }
}

/** Rolls the admission transaction back when another instance claimed the cron tick. */
class ClaimLost extends Error {
  constructor() {
    super("cron tick claimed elsewhere");
  }
}

/** The row of a new run: defaults applied, JSON fields typed for Prisma. */
function newRunRow(input: NewRun) {
  return {
    id: input.id ?? newId(),
    threadId: input.threadId,
    ownerId: input.ownerId,
    assistantId: input.assistantId,
    multitaskStrategy: input.multitaskStrategy ?? "reject",
    kwargs: jsonObject(input.kwargs),
    metadata: jsonObject(input.metadata ?? {}),
    checkpointId: input.checkpointId ?? null,
    notBefore: input.notBefore ?? null,
    onCompletion: input.onCompletion ?? null,
    cronId: input.cronId ?? null,
    cronTick: input.cronTick ?? null,
  };
}

export function runsRepository(db: Database) {
  const { prisma } = db;
  return {
    create(input: NewRun): Promise<Run> {
      return prisma.run.create({ data: newRunRow(input) });
    },

    /**
     * Creates a run on its thread atomically with the check of what the thread has
     * in flight, so two concurrent requests cannot both find it idle: the thread
     * row is written first inside the transaction, which takes its row lock on
     * PostgreSQL and the database write lock on SQLite, across processes too.
     * With `rejectIfBusy` a thread with a pending or running run gets no new run.
     * A missing thread (or another owner's) is created when `createThread`, else refused.
     * `threadMetadata` is merged into the thread's metadata either way.
     */
    admit(
      scope: Scope,
      input: NewRun,
      options: { rejectIfBusy: boolean; createThread: boolean; threadMetadata?: JsonObject; claim?: CronClaim },
    ): Promise<Admission> {
      const direct = options.claim ? undefined : directRows(prisma);
      if (direct) return admitDirect(direct, scope, newRunRow(input), options);
      return prisma
        .$transaction(async (tx): Promise<Admission> => {
          // first, so the cron's row lock orders instances racing for the same tick: the loser creates nothing
          if (options.claim && !(await applyCronClaim(tx, options.claim))) throw new ClaimLost();
          const thread = await tx.thread.findUnique({ where: { id: input.threadId }, select: { ownerId: true, metadata: true } });
          if (thread && "ownerId" in scope && thread.ownerId !== scope.ownerId) return { kind: "no-thread" };
          if (!thread) {
            if (!options.createThread) return { kind: "no-thread" };
            await tx.thread.create({
              data: { id: input.threadId, ownerId: input.ownerId, metadata: jsonObject(options.threadMetadata ?? {}) },
            });
          }
          // like LangGraph, the thread records the graph and assistant of its latest run
          const metadata =
            thread && options.threadMetadata ? jsonObject({ ...asObject(thread.metadata), ...options.threadMetadata }) : undefined;
          await tx.thread.update({ where: { id: input.threadId }, data: { status: "busy", metadata } });
          const inFlight = await tx.run.findMany({
            where: { threadId: input.threadId, status: { in: [...IN_FLIGHT] } },
            orderBy: [{ createdAt: "asc" }, { id: "asc" }],
          });
          if (options.rejectIfBusy && inFlight.length > 0) {
            // the status write above must not stick: the thread stays as it was
            throw new BusyThread(inFlight);
          }
          const run = await tx.run.create({ data: newRunRow(input) });
          return { kind: "created", run, inFlight };
        })
        .catch((err: unknown): Admission => {
          if (err instanceof BusyThread) return { kind: "busy", inFlight: err.inFlight };
          if (err instanceof ClaimLost) return { kind: "claim-lost" };
          // the (cron, tick) unique: that tick already has its run
          if (options.claim && lostRaceKind(err) === "conflict") return { kind: "claim-lost" };
          throw err;
        });
    },

    /** The run, when it is in the scope and matches (on that thread, rolled back or not). */
    async get(scope: Scope, id: string, match: RunMatch = {}): Promise<Run | null> {
      const direct = directRows(prisma);
      if (direct && match.status === undefined && match.rolledBack !== true) {
        // by id, owner and thread, hidden once rolled back or not: how every request and wait reads a run
        const [run] = await direct.select<Run>("Run", "run", {
          id,
          ...ownedBy(scope),
          threadId: match.threadId || undefined,
          rolledBackAt: match.rolledBack === false ? null : undefined,
        });
        return run ?? null;
      }
      return prisma.run.findFirst({ where: { id, ...matching(scope, match) } });
    },

    /**
     * The caller's runs matching `filter`, newest first, a cursor page: filtered and
     * cut in the database (in SQL of our own: Prisma cannot search JSON as text).
     */
    async list(scope: Scope, filter: RunFilter = {}): Promise<Page<Run>> {
      const limit = pageSize(filter);
      const statuses = filter.status === undefined ? undefined : [filter.status].flat();
      const conditions = [
        ...("ownerId" in scope ? [equals("ownerId", scope.ownerId)] : []),
        ...(filter.ownerId ? [equals("ownerId", filter.ownerId)] : []),
        ...(filter.threadId ? [equals("threadId", filter.threadId)] : []),
        ...(filter.assistantId ? [equals("assistantId", filter.assistantId)] : []),
        ...(statuses ? [Prisma.sql`"status" IN (${Prisma.join(statuses)})`] : []),
        ...(filter.rolledBack === undefined
          ? []
          : [filter.rolledBack ? Prisma.sql`"rolledBackAt" IS NOT NULL` : Prisma.sql`"rolledBackAt" IS NULL`]),
        ...(filter.createdAfter ? [Prisma.sql`"createdAt" >= ${filter.createdAfter}`] : []),
        ...(filter.createdBefore ? [Prisma.sql`"createdAt" < ${filter.createdBefore}`] : []),
        ...jsonMatch(db.provider, "metadata", filter.metadata),
        ...(filter.text ? [textIn(db.provider, RUN_TEXT, filter.text)] : []),
        ...afterCursorSql(filter.cursor),
      ];
      const ids = await cursorPageOfIds(prisma, "run", conditions, limit);
      const rows = ids.length === 0 ? [] : await prisma.run.findMany({ where: { id: { in: ids } } });
      return toPage(inOrderOf(ids, rows), limit, createdCursor);
    },

    /** Matching runs newest first, `offset` of them skipped, at most `limit` (the LangGraph API's pages). */
    slice(scope: Scope, match: RunMatch & { offset: number; limit: number }): Promise<Run[]> {
      return prisma.run.findMany({ where: matching(scope, match), orderBy: newestFirst, skip: match.offset, take: pageSize(match) });
    },

    /**
     * Every matching run, oldest first, optionally only those of `ids`: the targets
     * of a bulk cancel (runs in flight, a bounded set).
     */
    select(scope: Scope, match: RunMatch & { ids?: string[] }): Promise<Run[]> {
      return prisma.run.findMany({
        where: { ...matching(scope, match), ...(match.ids ? { id: { in: match.ids } } : {}) },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
    },

    /**
     * Temporary threads whose time is up: a stateless run on them has ended with
     * `onCompletion: "delete"` and no run of theirs is still in flight. One thread,
     * or every such thread (start-up, after a restart cut a deletion short).
     */
    async expiredTemporaryThreads(threadId?: string): Promise<string[]> {
      // from the runs marked for deletion (few: their rows go with their thread), not from every thread
      const ended = await prisma.run.findMany({
        where: { ...(threadId ? { threadId } : {}), onCompletion: "delete", status: { in: FINAL } },
        select: { threadId: true },
      });
      const candidates = [...new Set(ended.map((r) => r.threadId))];
      if (candidates.length === 0) return [];
      const busy = await prisma.run.findMany({
        where: { threadId: { in: candidates }, status: { in: [...IN_FLIGHT] } },
        select: { threadId: true },
      });
      const inFlight = new Set(busy.map((r) => r.threadId));
      return candidates.filter((id) => !inFlight.has(id));
    },

    /** The thread's unfinished runs, oldest first: the running one, then the queue. */
    inFlight(threadId: string): Promise<Run[]> {
      const direct = directRows(prisma);
      if (direct) {
        return direct.all<Run>(
          "Run",
          `SELECT * FROM "run" WHERE "threadId" = ? AND "status" IN (${IN_FLIGHT.map(() => "?").join(",")}) ORDER BY "createdAt" ASC, "id" ASC`,
          [threadId, ...IN_FLIGHT],
        );
      }
      return prisma.run.findMany({
        where: { threadId, status: { in: [...IN_FLIGHT] } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
    },

    /** Every run in the given statuses across all threads, oldest first (start-up reconciliation). */
    withStatus(statuses: RunStatus[]): Promise<Run[]> {
      return prisma.run.findMany({
        where: { status: { in: statuses } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
    },

    /** How many runs wait to start, across all threads and instances (the queue depth metric). */
    countPending(): Promise<number> {
      return prisma.run.count({ where: { status: "pending" } });
    },

    /** Writes a status change; with `lease`, only while that lease is held (else LeaseLostError, nothing written). */
    async transition(id: string, change: RunTransition, lease?: Lease): Promise<Run> {
      const direct = directRows(prisma);
      if (direct) {
        const { status, error, startedAt, endedAt, workerId, leaseExpiresAt, checkpointId, graphVersion, graphLoadedAt, stopReason } =
          change;
        const set = { status, error, startedAt, endedAt, workerId, leaseExpiresAt, checkpointId, graphVersion, graphLoadedAt, stopReason };
        // with a lease, the row is written only while its token is there (the update holds the row's lock meanwhile)
        const where = lease ? { id, leaseToken: lease.token, status: "running" } : { id };
        const [run] = await direct.update<Run>("Run", "run", set, where);
        if (!run && lease) throw new LeaseLostError(lease.runId);
        if (!run) throw new RowNotFoundError(`run ${id} not found`);
        return run;
      }
      return fenced(prisma, lease, (tx) =>
        tx.run.update({
          where: { id },
          data: {
            status: change.status,
            error: change.error === undefined ? undefined : jsonInput(change.error),
            startedAt: change.startedAt,
            endedAt: change.endedAt,
            workerId: change.workerId,
            leaseExpiresAt: change.leaseExpiresAt,
            checkpointId: change.checkpointId,
            graphVersion: change.graphVersion,
            graphLoadedAt: change.graphLoadedAt,
            stopReason: change.stopReason === undefined ? undefined : jsonObject(change.stopReason),
          },
        }),
      );
    },

    /**
     * Records who or what is stopping a run still in flight. The first reason stays:
     * what stopped a run first is why it ended (a shutdown after an operator's cancel
     * does not rewrite it). False when nothing was written (finished, or already stopped).
     * `ended`: the run has ended already (a sweep ended it), record the reason all the same.
     */
    async recordStopReason(id: string, reason: JsonObject, options: { ended?: boolean } = {}): Promise<boolean> {
      const { count } = await prisma.run.updateMany({
        where: { id, ...(options.ended ? {} : { status: { in: [...IN_FLIGHT] } }), stopReason: { equals: Prisma.DbNull } },
        data: { stopReason: jsonObject(reason) },
      });
      return count > 0;
    },

    /** Ends a run that has not started (pending) as interrupted; null when it was no longer pending (it started or ended). */
    async cancelIfPending(id: string): Promise<Run | null> {
      const { count } = await prisma.run.updateMany({
        where: { id, status: "pending" },
        data: { status: "interrupted", endedAt: new Date() },
      });
      return count > 0 ? prisma.run.findUnique({ where: { id } }) : null;
    },

    /** The thread's most recent run, whatever its status. */
    latestOnThread(threadId: string): Promise<Run | null> {
      return prisma.run.findFirst({ where: { threadId }, orderBy: newestFirst });
    },

    /** Keeps the run for the audit trail but records that its checkpoints were removed. */
    markRolledBack(id: string, at: Date = new Date()): Promise<Run> {
      return prisma.run.update({ where: { id }, data: { rolledBackAt: at } });
    },

    async delete(scope: Scope, id: string): Promise<boolean> {
      const { count } = await prisma.run.deleteMany({ where: { id, ...ownedBy(scope) } });
      return count > 0;
    },
  };
}

export type RunsRepository = ReturnType<typeof runsRepository>;
