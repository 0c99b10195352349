import type { Database } from "../client.ts";
import { newId } from "../ids.ts";
import type { Thread, ThreadStatus } from "../generated/sqlite/client.ts";
import { asObject, jsonEquals, jsonInput, jsonObject, type JsonObject } from "./json.ts";
import { afterCreatedCursor, createdCursor, newestFirst, pageSize, toPage, type Page, type PageRequest } from "./pagination.ts";
import { ownedBy, type Scope } from "./scope.ts";

export type { Thread, ThreadStatus };

export interface NewThread {
  id?: string;
  ownerId: string;
  metadata?: JsonObject;
  status?: ThreadStatus;
  config?: JsonObject;
}

export interface ThreadFilter extends PageRequest {
  status?: ThreadStatus;
  /** every key must equal (top-level keys of the thread's metadata) */
  metadata?: JsonObject;
}

export interface ThreadPatch {
  /** merged into the existing metadata, like the LangGraph API does */
  metadata?: JsonObject;
  status?: ThreadStatus;
  values?: unknown;
  interrupts?: unknown;
  config?: JsonObject;
}

export function threadsRepository(db: Database) {
  const { prisma } = db;
  return {
    create(input: NewThread): Promise<Thread> {
      return prisma.thread.create({
        data: {
          id: input.id ?? newId(),
          ownerId: input.ownerId,
          metadata: jsonObject(input.metadata ?? {}),
          status: input.status ?? "idle",
          config: input.config === undefined ? undefined : jsonInput(input.config),
        },
      });
    },

    get(scope: Scope, id: string): Promise<Thread | null> {
      return prisma.thread.findFirst({ where: { id, ...ownedBy(scope) } });
    },

    async list(scope: Scope, filter: ThreadFilter = {}): Promise<Page<Thread>> {
      const limit = pageSize(filter);
      const rows = await prisma.thread.findMany({
        where: {
          ...ownedBy(scope),
          ...(filter.status ? { status: filter.status } : {}),
          AND: [afterCreatedCursor(filter.cursor), ...jsonEquals(db.provider, "metadata", filter.metadata)],
        },
        orderBy: newestFirst,
        take: limit + 1,
      });
      return toPage(rows, limit, createdCursor);
    },

    /** null when the thread does not exist for this caller */
    async update(scope: Scope, id: string, patch: ThreadPatch): Promise<Thread | null> {
      return prisma.$transaction(async (tx) => {
        const current = await tx.thread.findFirst({ where: { id, ...ownedBy(scope) } });
        if (!current) return null;
        return tx.thread.update({
          where: { id },
          data: {
            metadata: patch.metadata ? jsonObject({ ...asObject(current.metadata), ...patch.metadata }) : undefined,
            status: patch.status,
            values: patch.values === undefined ? undefined : jsonInput(patch.values),
            interrupts: patch.interrupts === undefined ? undefined : jsonInput(patch.interrupts),
            config: patch.config === undefined ? undefined : jsonInput(patch.config),
          },
        });
      });
    },

    setStatus(id: string, status: ThreadStatus): Promise<Thread> {
      return prisma.thread.update({ where: { id }, data: { status } });
    },

    /**
     * Deletes the thread with its runs, events, feedback and usage (foreign keys
     * cascade) and its checkpoints and pending writes (kept without foreign keys).
     */
    async delete(scope: Scope, id: string): Promise<boolean> {
      return prisma.$transaction(async (tx) => {
        const { count } = await tx.thread.deleteMany({ where: { id, ...ownedBy(scope) } });
        if (count === 0) return false;
        await tx.checkpointWrite.deleteMany({ where: { threadId: id } });
        await tx.checkpoint.deleteMany({ where: { threadId: id } });
        return true;
      });
    },
  };
}

export type ThreadsRepository = ReturnType<typeof threadsRepository>;
