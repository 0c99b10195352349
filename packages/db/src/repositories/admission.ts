import { IN_FLIGHT } from "../enums.ts";
import type { Run } from "../generated/sqlite/client.ts";
import { asUniqueConflict, isUniqueViolation, jsonColumn, step, type DirectRows, type DirectWork } from "./direct-rows.ts";
import { asObject, type JsonObject } from "./json.ts";
import type { Scope } from "./scope.ts";

/** The outcome of admitting a run to its thread (see runs.admit). */
export type Admission =
  | { kind: "created"; run: Run; inFlight: Run[] }
  | { kind: "busy"; inFlight: Run[] }
  | { kind: "no-thread" }
  /** the cron tick the admission was to claim had been claimed by another instance: no run */
  | { kind: "claim-lost" };

/** A new run's row as runs.ts makes it (defaults applied). */
export interface NewRunRow {
  id: string;
  threadId: string;
  ownerId: string;
  assistantId: string;
  multitaskStrategy: string;
  kwargs: unknown;
  metadata: unknown;
  checkpointId: string | null;
  notBefore: Date | null;
  onCompletion: string | null;
  cronId: string | null;
  cronTick: Date | null;
}

const IN_FLIGHT_MARKS = IN_FLIGHT.map(() => "?").join(", ");

/**
 * runs.admit as one transaction of direct statements (see direct-rows.ts): the same
 * reads, checks and writes as the Prisma path, which costs a round of query building
 * per statement and, on SQLite, holds the connection across every await of an
 * interactive transaction while each event insert of every other run waits for it.
 * The thread's row is locked from its read (on SQLite the transaction holds the
 * database's write lock from the start), so the busy check is atomic without writing
 * the thread first, across processes too; a busy thread is left untouched. Of two
 * admissions creating the same new thread at once on PostgreSQL, the second's insert
 * fails on its key: it is admitted again and finds the thread. Cron claims keep the
 * Prisma path.
 */
export function admitDirect(
  direct: DirectRows,
  scope: Scope,
  row: NewRunRow,
  options: { rejectIfBusy: boolean; createThread: boolean; threadMetadata?: JsonObject },
): Promise<Admission> {
  // a thread made by another admission between this one's read and its insert is there now: once more finds it
  const admit = () => direct.transaction(admission(scope, row, options));
  return admit()
    .catch((err: unknown) => (isUniqueViolation(err) ? admit() : Promise.reject(err)))
    .catch(asUniqueConflict);
}

function* admission(
  scope: Scope,
  row: NewRunRow,
  options: { rejectIfBusy: boolean; createThread: boolean; threadMetadata?: JsonObject },
): DirectWork<Admission> {
  const [thread] = yield* step.all<{ ownerId: string; metadata: unknown }>(
    "Thread",
    'SELECT "ownerId", "metadata" FROM "thread" WHERE "id" = ?',
    [row.threadId],
    { lock: true },
  );
  if (thread && "ownerId" in scope && thread.ownerId !== scope.ownerId) return { kind: "no-thread" };
  if (!thread && !options.createThread) return { kind: "no-thread" };
  const inFlight = yield* step.all<Run>(
    "Run",
    `SELECT * FROM "run" WHERE "threadId" = ? AND "status" IN (${IN_FLIGHT_MARKS}) ORDER BY "createdAt" ASC, "id" ASC`,
    [row.threadId, ...IN_FLIGHT],
  );
  if (options.rejectIfBusy && inFlight.length > 0) return { kind: "busy", inFlight };
  const now = new Date();
  if (!thread) {
    yield* step.insert("Thread", "thread", {
      id: row.threadId,
      ownerId: row.ownerId,
      status: "busy",
      metadata: options.threadMetadata ?? {},
      createdAt: now,
      updatedAt: now,
    });
  } else if (options.threadMetadata) {
    // like LangGraph, the thread records the graph and assistant of its latest run
    const metadata = jsonColumn({ ...asObject(thread.metadata), ...options.threadMetadata });
    yield* step.run('UPDATE "thread" SET "status" = ?, "metadata" = ?, "updatedAt" = ? WHERE "id" = ?', [
      "busy",
      metadata,
      now,
      row.threadId,
    ]);
  } else {
    yield* step.run('UPDATE "thread" SET "status" = ?, "updatedAt" = ? WHERE "id" = ?', ["busy", now, row.threadId]);
  }
  const run = yield* step.insert<Run>("Run", "run", { ...row, status: "pending", createdAt: now, updatedAt: now });
  return { kind: "created", run, inFlight };
}
