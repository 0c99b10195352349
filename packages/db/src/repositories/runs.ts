import type { Database } from "../client.ts";
import { newId } from "../ids.ts";
import type { MultitaskStrategy, Run, RunStatus } from "../generated/sqlite/client.ts";
import { jsonEquals, jsonInput, jsonObject, type JsonObject } from "./json.ts";
import { afterCreatedCursor, createdCursor, newestFirst, pageSize, toPage, type Page, type PageRequest } from "./pagination.ts";
import { ownedBy, type Scope } from "./scope.ts";

export type { Run, RunStatus, MultitaskStrategy };

/** Statuses of a run that has not finished: at most one per thread may be running. */
export const IN_FLIGHT: RunStatus[] = ["pending", "running"];

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
}

export interface RunFilter extends PageRequest {
  threadId?: string;
  assistantId?: string;
  status?: RunStatus | RunStatus[];
  createdAfter?: Date;
  createdBefore?: Date;
  metadata?: JsonObject;
}

export interface RunTransition {
  status: RunStatus;
  error?: unknown;
  startedAt?: Date;
  endedAt?: Date;
  workerId?: string | null;
  leaseExpiresAt?: Date | null;
}

export function runsRepository(db: Database) {
  const { prisma } = db;
  return {
    create(input: NewRun): Promise<Run> {
      return prisma.run.create({
        data: {
          id: input.id ?? newId(),
          threadId: input.threadId,
          ownerId: input.ownerId,
          assistantId: input.assistantId,
          multitaskStrategy: input.multitaskStrategy ?? "reject",
          kwargs: jsonObject(input.kwargs),
          metadata: jsonObject(input.metadata ?? {}),
          checkpointId: input.checkpointId ?? null,
          notBefore: input.notBefore ?? null,
        },
      });
    },

    get(scope: Scope, id: string): Promise<Run | null> {
      return prisma.run.findFirst({ where: { id, ...ownedBy(scope) } });
    },

    async list(scope: Scope, filter: RunFilter = {}): Promise<Page<Run>> {
      const limit = pageSize(filter);
      const statuses = filter.status === undefined ? undefined : [filter.status].flat();
      const rows = await prisma.run.findMany({
        where: {
          ...ownedBy(scope),
          ...(filter.threadId ? { threadId: filter.threadId } : {}),
          ...(filter.assistantId ? { assistantId: filter.assistantId } : {}),
          ...(statuses ? { status: { in: statuses } } : {}),
          AND: [
            afterCreatedCursor(filter.cursor),
            filter.createdAfter ? { createdAt: { gte: filter.createdAfter } } : {},
            filter.createdBefore ? { createdAt: { lt: filter.createdBefore } } : {},
            ...jsonEquals(db.provider, "metadata", filter.metadata),
          ],
        },
        orderBy: newestFirst,
        take: limit + 1,
      });
      return toPage(rows, limit, createdCursor);
    },

    /** The thread's unfinished runs, oldest first: the running one, then the queue. */
    inFlight(threadId: string): Promise<Run[]> {
      return prisma.run.findMany({
        where: { threadId, status: { in: IN_FLIGHT } },
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

    transition(id: string, change: RunTransition): Promise<Run> {
      return prisma.run.update({
        where: { id },
        data: {
          status: change.status,
          error: change.error === undefined ? undefined : jsonInput(change.error),
          startedAt: change.startedAt,
          endedAt: change.endedAt,
          workerId: change.workerId,
          leaseExpiresAt: change.leaseExpiresAt,
        },
      });
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
