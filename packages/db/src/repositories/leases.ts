import { randomUUID } from "node:crypto";
import type { Run } from "../generated/sqlite/client.ts";
import { pgDirect, type Database, type PrismaDb } from "../client.ts";
import type { Provider } from "../config.ts";
import { directRows, step, type DirectWork } from "./direct-rows.ts";
import { insertRows, insertStatements, insertSteps, ROWS_PER_STATEMENT, type OnConflict } from "./raw-insert.ts";
import { jsonInput } from "./json.ts";

/**
 * A fleet's run queue, in PostgreSQL: workers claim runs with a lease, renew it
 * by heartbeat, and every write of the executing worker is fenced by the lease
 * token, so a worker whose lease expired (and whose run another worker took over)
 * can no longer write anything. Times are the database's clock (`now()`), so the
 * members' clocks never need to agree.
 */

/** A write fenced by a lease found the lease gone: the run was swept, released or finished elsewhere. */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
  constructor(runId: string) {
    super(`the lease on run ${runId} is no longer held by this worker`);
  }
}

/** Whose writes a fenced write stands for. */
export interface Lease {
  runId: string;
  token: string;
}

export type CancelRequest = "interrupt" | "rollback";

/** What a sweep of expired leases did. */
export interface Sweep {
  /** back to pending, attempt + 1: another worker resumes them */
  requeued: Run[];
  /** ended `error`: they used up their attempts */
  failed: Run[];
  /** ended `interrupted`: a cancel was asked before their worker died (with its action) */
  cancelled: { run: Run; action: CancelRequest }[];
}

type Tx = Parameters<Parameters<PrismaDb["$transaction"]>[0]>[0];

/**
 * Checks the lease inside a transaction and holds the run's row lock until it
 * commits: a sweep or a release of the same run waits for the write, and the
 * write fails once either has happened.
 */
export async function holdLease(tx: Tx, lease: Lease): Promise<void> {
  const { count } = await tx.run.updateMany({
    where: { id: lease.runId, leaseToken: lease.token, status: "running" },
    data: { leaseToken: lease.token },
  });
  if (count === 0) throw new LeaseLostError(lease.runId);
}

/**
 * Runs `write` in a transaction fenced by `lease`, or directly without one. With
 * `steps`, the same write as direct statements: the fenced transaction is then made
 * of direct statements too (see direct-rows.ts), once the client has connected.
 */
export function fenced<T>(
  prisma: PrismaDb,
  lease: Lease | undefined,
  write: (db: Tx | PrismaDb) => Promise<T>,
  steps?: () => DirectWork<T>,
): Promise<T> {
  if (!lease) return write(prisma);
  const direct = steps && directRows(prisma);
  if (direct) return direct.transaction(fencedWork(lease, steps!()));
  return prisma.$transaction(async (tx) => {
    await holdLease(tx, lease);
    return write(tx);
  });
}

/**
 * Inserts rows (see raw-insert.ts) only while `lease` is held, else LeaseLostError and
 * nothing written. On PostgreSQL's pool a batch that fits one statement is fenced by
 * that statement itself (insertStatements); anything else in a fenced transaction.
 */
export async function fencedInsert(
  prisma: PrismaDb,
  provider: Provider,
  lease: Lease,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  onConflict?: OnConflict,
): Promise<number> {
  const pg = provider === "postgresql" ? pgDirect(prisma) : undefined;
  if (pg && rows.length <= ROWS_PER_STATEMENT) {
    const { sql, params } = insertStatements(provider, table, columns, rows, onConflict, lease)[0]!;
    try {
      return (await pg.query(sql, params)).rowCount ?? 0;
    } catch (err) {
      // the first column's value went NULL: the lease was not held
      const { code, column } = err as { code?: string; column?: string };
      if (code === "23502" && column === columns[0]) throw new LeaseLostError(lease.runId);
      throw err;
    }
  }
  return fenced(
    prisma,
    lease,
    (tx) => insertRows(tx, provider, table, columns, rows, onConflict),
    () => insertSteps(provider, table, columns, rows, onConflict),
  );
}

/** `work` fenced by `lease` as holdLease fences a write: the run's row locked first, the work refused once the lease is gone. */
export function* fencedWork<T>(lease: Lease, work: DirectWork<T>): DirectWork<T> {
  const [held] = yield* step.all(
    "Run",
    'SELECT "id" FROM "run" WHERE "id" = ? AND "leaseToken" = ? AND "status" = ?',
    [lease.runId, lease.token, "running"],
    { lock: true },
  );
  if (!held) throw new LeaseLostError(lease.runId);
  return yield* work;
}

export function leasesRepository(db: Database) {
  const { prisma } = db;
  const requirePostgres = () => {
    if (db.provider !== "postgresql") throw new Error("run leases need PostgreSQL (fleet mode)");
  };

  return {
    /**
     * Claims the oldest runnable run: pending, its not-before time passed, no run of
     * its thread running and none of its thread pending before it. The row is taken
     * with FOR UPDATE SKIP LOCKED, so concurrent claims never wait on each other nor
     * take the same run; a thread's later run is skipped while its earlier one is
     * locked (still pending to everyone else), so a thread never runs two at once.
     */
    async claim(workerId: string, leaseMs: number): Promise<{ run: Run; lease: Lease } | null> {
      requirePostgres();
      const token = randomUUID();
      const sql = `WITH candidate AS (
           SELECT r.id FROM "run" r
           WHERE r.status = 'pending'
             AND (r."notBefore" IS NULL OR r."notBefore" <= now())
             AND NOT EXISTS (SELECT 1 FROM "run" o WHERE o."threadId" = r."threadId" AND o.status = 'running')
             AND NOT EXISTS (
               SELECT 1 FROM "run" e
               WHERE e."threadId" = r."threadId" AND e.status = 'pending'
                 AND (e."createdAt" < r."createdAt" OR (e."createdAt" = r."createdAt" AND e.id < r.id)))
           ORDER BY r."createdAt", r.id
           LIMIT 1
           FOR UPDATE SKIP LOCKED)
         UPDATE "run" SET status = 'running', "workerId" = $1, "leaseToken" = $2,
           "leaseExpiresAt" = now() + $3 * interval '1 millisecond',
           "startedAt" = COALESCE("startedAt", now()), "updatedAt" = now()
         FROM candidate WHERE "run".id = candidate.id
         RETURNING "run".*`;
      const direct = directRows(prisma);
      let run: Run | undefined;
      // a worker claims once per run and once more to find the queue empty: the direct statement answers the row itself
      if (direct) [run] = await direct.all<Run>("Run", sql, [workerId, token, leaseMs]);
      else {
        const [claimed] = await prisma.$queryRawUnsafe<{ id: string }[]>(sql, workerId, token, leaseMs);
        run = claimed ? await prisma.run.findUniqueOrThrow({ where: { id: claimed.id } }) : undefined;
      }
      return run ? { run, lease: { runId: run.id, token } } : null;
    },

    /**
     * Extends the lease by `leaseMs` from now. `held: false` once it is lost (swept,
     * released, the run ended); `cancel` is the cancel request waiting on the run,
     * so a missed pub/sub message is picked up at the next heartbeat.
     */
    async renew(lease: Lease, leaseMs: number): Promise<{ held: boolean; cancel: CancelRequest | null }> {
      requirePostgres();
      const rows = await prisma.$queryRawUnsafe<{ cancelRequest: string | null }[]>(
        `UPDATE "run" SET "leaseExpiresAt" = now() + $3 * interval '1 millisecond'
         WHERE id = $1 AND "leaseToken" = $2 AND status = 'running'
         RETURNING "cancelRequest"`,
        lease.runId,
        lease.token,
        leaseMs,
      );
      if (rows.length === 0) return { held: false, cancel: null };
      return { held: true, cancel: (rows[0]!.cancelRequest as CancelRequest | null) ?? null };
    },

    /**
     * `renew` for every lease of a worker in one statement, so a busy worker's
     * heartbeat takes one round trip however many runs it holds. Answers, per run
     * still held, the cancel request waiting on it; a run missing from the answer
     * has lost its lease.
     */
    async renewAll(leases: Lease[], leaseMs: number): Promise<Map<string, CancelRequest | null>> {
      requirePostgres();
      const held = new Map<string, CancelRequest | null>();
      if (leases.length === 0) return held;
      const rows = await prisma.$queryRawUnsafe<{ id: string; cancelRequest: string | null }[]>(
        `UPDATE "run" SET "leaseExpiresAt" = now() + $3 * interval '1 millisecond'
         FROM unnest($1::text[], $2::text[]) AS lease(id, token)
         WHERE "run".id = lease.id AND "run"."leaseToken" = lease.token AND "run".status = 'running'
         RETURNING "run".id, "run"."cancelRequest"`,
        leases.map((l) => l.runId),
        leases.map((l) => l.token),
        leaseMs,
      );
      for (const row of rows) held.set(row.id, (row.cancelRequest as CancelRequest | null) ?? null);
      return held;
    },

    /** Records a cancel of a running run (rollback is kept over interrupt); false when the run is not running. */
    async requestCancel(runId: string, action: CancelRequest): Promise<boolean> {
      const { count } = await prisma.run.updateMany({
        where: { id: runId, status: "running", cancelRequest: action === "rollback" ? undefined : null },
        data: { cancelRequest: action },
      });
      if (count > 0) return true;
      // already asked (interrupt after rollback keeps rollback): still running?
      return (await prisma.run.count({ where: { id: runId, status: "running" } })) > 0;
    },

    /** Hands a run back to the queue (a member shutting down): same attempt, another worker resumes it. */
    async release(lease: Lease): Promise<boolean> {
      const { count } = await prisma.run.updateMany({
        where: { id: lease.runId, leaseToken: lease.token, status: "running" },
        data: { status: "pending", workerId: null, leaseToken: null, leaseExpiresAt: null },
      });
      return count > 0;
    },

    /**
     * Takes back every run whose lease expired (its worker died or hung): back to
     * pending with attempt + 1, or ended `error` once `maxAttempts` are used up, or
     * ended `interrupted` when a cancel was waiting for it. Rows another member is
     * sweeping (or a worker is writing) are skipped, never waited for.
     */
    async sweep(maxAttempts: number): Promise<Sweep> {
      requirePostgres();
      return prisma.$transaction(async (tx) => {
        const expired = await tx.$queryRawUnsafe<{ id: string; attempt: number; cancelRequest: string | null; workerId: string | null }[]>(
          `SELECT id, attempt, "cancelRequest", "workerId" FROM "run"
           WHERE status = 'running' AND "leaseExpiresAt" < now()
           ORDER BY "createdAt", id
           FOR UPDATE SKIP LOCKED`,
        );
        const result: Sweep = { requeued: [], failed: [], cancelled: [] };
        const now = new Date();
        const released = { workerId: null, leaseToken: null, leaseExpiresAt: null };
        for (const row of expired) {
          if (row.cancelRequest) {
            const run = await tx.run.update({ where: { id: row.id }, data: { ...released, status: "interrupted", endedAt: now } });
            result.cancelled.push({ run, action: row.cancelRequest as CancelRequest });
          } else if (row.attempt >= maxAttempts) {
            const error = {
              type: "WorkerLost",
              message: `the worker executing this run (${row.workerId ?? "unknown"}) stopped renewing its lease on attempt ${row.attempt} of ${maxAttempts}, so the run was given up`,
            };
            const run = await tx.run.update({
              where: { id: row.id },
              data: { ...released, status: "error", endedAt: now, error: jsonInput(error) },
            });
            result.failed.push(run);
          } else {
            const run = await tx.run.update({
              where: { id: row.id },
              data: { ...released, status: "pending", attempt: { increment: 1 } },
            });
            result.requeued.push(run);
          }
        }
        return result;
      });
    },

    /** When the earliest pending run waiting for its not-before time may start, or null. */
    async nextNotBefore(): Promise<Date | null> {
      const direct = directRows(prisma);
      if (direct) {
        const sql = `SELECT "notBefore" FROM "run" WHERE "status" = ? AND "notBefore" > ? ORDER BY "notBefore" ASC LIMIT 1`;
        const [row] = await direct.all<Pick<Run, "notBefore">>("Run", sql, ["pending", new Date()]);
        return row?.notBefore ?? null;
      }
      const row = await prisma.run.findFirst({
        where: { status: "pending", notBefore: { gt: new Date() } },
        orderBy: { notBefore: "asc" },
        select: { notBefore: true },
      });
      return row?.notBefore ?? null;
    },
  };
}

export type LeasesRepository = ReturnType<typeof leasesRepository>;
