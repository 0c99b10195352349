import type { Database } from "../client.ts";
import { newId } from "../ids.ts";
import { lostRaceKind } from "../errors.ts";
import { asUniqueConflict, directRows } from "./direct-rows.ts";
import type { Thread, ThreadStatus } from "../generated/sqlite/client.ts";
import { asObject, jsonInput, jsonObject, type JsonObject } from "./json.ts";
import { createdCursor, pageSize, toPage, type Page, type PageRequest } from "./pagination.ts";
import { ownedBy, type Scope } from "./scope.ts";
import {
  afterCursorSql,
  countRows,
  cursorPageOfIds,
  equals,
  idIn,
  inOrderOf,
  jsonMatch,
  pageOfIds,
  textIn,
  windowOf,
  type OffsetPage,
  type OffsetWindow,
  type SortColumn,
  type TextField,
} from "./search.ts";

export type { Thread, ThreadStatus };

export const THREAD_SORT_KEYS = ["threadId", "status", "createdAt", "updatedAt", "stateUpdatedAt"] as const;
export type ThreadSortKey = (typeof THREAD_SORT_KEYS)[number];

const SORT_COLUMNS: Record<ThreadSortKey, SortColumn> = {
  threadId: { column: "id", text: true },
  status: { column: "status", text: true },
  createdAt: { column: "createdAt" },
  updatedAt: { column: "updatedAt" },
  // the row is written whenever the state is (values, interrupts, status): one time serves both
  stateUpdatedAt: { column: "updatedAt" },
};

export interface NewThread {
  id?: string;
  ownerId: string;
  metadata?: JsonObject;
  status?: ThreadStatus;
  config?: JsonObject;
  ttl?: ThreadTtl | null;
}

/** What a thread's expiry does: delete it, or keep it with its latest checkpoint only. */
export type ThreadTtlStrategy = "delete" | "keep_latest";

/** A thread's time to live: it expires `minutes` after it was set. */
export interface ThreadTtl {
  strategy: ThreadTtlStrategy;
  minutes: number;
}

function ttlColumns(ttl: ThreadTtl | null | undefined, now = Date.now()) {
  if (ttl === undefined) return {};
  if (ttl === null) return { ttlStrategy: null, ttlMinutes: null, expiresAt: null };
  return { ttlStrategy: ttl.strategy, ttlMinutes: ttl.minutes, expiresAt: new Date(now + ttl.minutes * 60_000) };
}

export interface ThreadFilter extends PageRequest {
  status?: ThreadStatus;
  /** every key must equal (top-level keys of the thread's metadata) */
  metadata?: JsonObject;
  /** every key must equal (top-level keys of the thread's current values) */
  values?: JsonObject;
  /** threads of this owner only (within the caller's scope) */
  ownerId?: string;
  /** contained, ignoring case, in the thread's id, its metadata or its current values */
  text?: string;
}

/** Where a find looks in a thread: its id (a short id is a prefix), its metadata, its current values. */
const THREAD_TEXT: TextField[] = [
  { column: "id", kind: "text" },
  { column: "metadata", kind: "json" },
  { column: "values", kind: "json" },
];

/** What a search or count matches: every given condition. */
export interface ThreadMatch {
  /** only these threads (an empty list matches none) */
  ids?: string[];
  status?: ThreadStatus;
  /** every key must equal (top-level keys of the thread's metadata) */
  metadata?: JsonObject;
  /** every key must equal (top-level keys of the thread's current values) */
  values?: JsonObject;
}

export interface ThreadSearch extends ThreadMatch, OffsetWindow<ThreadSortKey> {}

export interface ThreadPatch {
  /** merged into the existing metadata, like the LangGraph API does */
  metadata?: JsonObject;
  status?: ThreadStatus;
  values?: unknown;
  interrupts?: unknown;
  config?: JsonObject;
  /** set (expiry counted from now) or clear (null) the thread's time to live */
  ttl?: ThreadTtl | null;
}

export function threadsRepository(db: Database) {
  const { prisma } = db;
  return {
    create(input: NewThread): Promise<Thread> {
      const row = { id: input.id ?? newId(), ownerId: input.ownerId, status: input.status ?? "idle", ...ttlColumns(input.ttl) };
      const metadata = input.metadata ?? {};
      const direct = directRows(prisma);
      if (direct && input.config === undefined) {
        // every streamed run of the SDK starts with one: on the connection or pool directly, a fraction of Prisma's cost
        const now = new Date();
        return direct.insert<Thread>("Thread", "thread", { ...row, metadata, createdAt: now, updatedAt: now }).catch(asUniqueConflict);
      }
      return prisma.thread.create({
        data: { ...row, metadata: jsonObject(metadata), config: input.config === undefined ? undefined : jsonInput(input.config) },
      });
    },

    get(scope: Scope, id: string): Promise<Thread | null> {
      return prisma.thread.findFirst({ where: { id, ...ownedBy(scope) } });
    },

    /** The caller's threads matching `filter`, newest first, a cursor page: filtered and cut in the database. */
    async list(scope: Scope, filter: ThreadFilter = {}): Promise<Page<Thread>> {
      const limit = pageSize(filter);
      const conditions = [
        ...conditionsOf(scope, filter),
        ...(filter.ownerId ? [equals("ownerId", filter.ownerId)] : []),
        ...(filter.text ? [textIn(db.provider, THREAD_TEXT, filter.text)] : []),
        ...afterCursorSql(filter.cursor),
      ];
      const ids = await cursorPageOfIds(prisma, "thread", conditions, limit);
      const rows = ids.length === 0 ? [] : await prisma.thread.findMany({ where: { id: { in: ids } } });
      return toPage(inOrderOf(ids, rows), limit, createdCursor);
    },

    /**
     * One page of the caller's threads matching `filter`, in any sort order (newest
     * first by default), from any offset: filtered, sorted, cut and counted in the database.
     */
    async search(scope: Scope, filter: ThreadSearch = {}): Promise<OffsetPage<Thread>> {
      const { limit, offset } = windowOf(filter);
      const { ids, hasMore } = await pageOfIds(prisma, db.provider, {
        table: "thread",
        conditions: conditionsOf(scope, filter),
        sort: SORT_COLUMNS[filter.sortBy ?? "createdAt"],
        order: filter.sortOrder ?? "desc",
        limit,
        offset,
      });
      const rows = ids.length === 0 ? [] : await prisma.thread.findMany({ where: { id: { in: ids } } });
      return { items: inOrderOf(ids, rows), hasMore };
    },

    /** How many of the caller's threads match `filter`. */
    count(scope: Scope, filter: ThreadMatch = {}): Promise<number> {
      return countRows(prisma, "thread", conditionsOf(scope, filter));
    },

    /** null when the thread does not exist for this caller */
    async update(scope: Scope, id: string, patch: ThreadPatch): Promise<Thread | null> {
      const set = {
        status: patch.status,
        values: patch.values,
        interrupts: patch.interrupts,
        config: patch.config,
        ...ttlColumns(patch.ttl),
      };
      // one statement, unless metadata is merged into what is there (every run's end writes no metadata)
      const direct = patch.metadata ? undefined : directRows(prisma);
      if (direct) return (await direct.update<Thread>("Thread", "thread", set, { id, ...ownedBy(scope) }))[0] ?? null;
      const json = (value: unknown) => (value === undefined ? undefined : jsonInput(value));
      const data = { ...set, values: json(set.values), interrupts: json(set.interrupts), config: json(set.config) };
      if (!patch.metadata) {
        return prisma.thread.update({ where: { id, ...ownedBy(scope) }, data }).catch((err: unknown) => {
          if (lostRaceKind(err) === "not_found") return null;
          throw err;
        });
      }
      const metadata = patch.metadata;
      return prisma.$transaction(async (tx) => {
        const current = await tx.thread.findFirst({ where: { id, ...ownedBy(scope) } });
        if (!current) return null;
        return tx.thread.update({ where: { id }, data: { ...data, metadata: jsonObject({ ...asObject(current.metadata), ...metadata }) } });
      });
    },

    /** Threads whose time to live has passed by `now`, soonest expired first: what a sweep acts on. */
    expired(now: Date, limit: number): Promise<Thread[]> {
      return prisma.thread.findMany({ where: { expiresAt: { lte: now } }, orderBy: { expiresAt: "asc" }, take: limit });
    },

    /**
     * Clears the thread's expiry if it is still the one a sweep read (`expiresAt`): a
     * keep_latest sweep has pruned it, and a ttl set meanwhile is left alone. False when it changed.
     */
    async clearExpiry(id: string, expiresAt: Date): Promise<boolean> {
      const { count } = await prisma.thread.updateMany({ where: { id, expiresAt }, data: { expiresAt: null } });
      return count > 0;
    },

    /** Deletes the thread if its expiry is still the one a sweep read: another member may have swept it, or its ttl changed. */
    async deleteExpired(id: string, expiresAt: Date): Promise<boolean> {
      return prisma.$transaction(async (tx) => {
        const { count } = await tx.thread.deleteMany({ where: { id, expiresAt } });
        if (count === 0) return false;
        await tx.checkpointWrite.deleteMany({ where: { threadId: id } });
        await tx.checkpoint.deleteMany({ where: { threadId: id } });
        return true;
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

  /** The SQL conditions of a search or count: the caller's scope, then each filter given. */
  function conditionsOf(scope: Scope, filter: ThreadMatch) {
    return [
      ...("ownerId" in scope ? [equals("ownerId", scope.ownerId)] : []),
      ...(filter.ids ? [idIn(filter.ids)] : []),
      ...(filter.status ? [equals("status", filter.status)] : []),
      ...jsonMatch(db.provider, "metadata", filter.metadata, { gin: true }),
      ...jsonMatch(db.provider, "values", filter.values),
    ];
  }
}

export type ThreadsRepository = ReturnType<typeof threadsRepository>;
