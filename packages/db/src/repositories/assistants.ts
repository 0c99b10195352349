import type { Database } from "../client.ts";
import { newId } from "../ids.ts";
import type { Assistant, AssistantVersion, RunStatus } from "../generated/sqlite/client.ts";
import { asObject, jsonEquals, jsonInput, jsonObject, type JsonObject } from "./json.ts";
import { afterCreatedCursor, createdCursor, newestFirst, pageSize, toPage, type Page, type PageRequest } from "./pagination.ts";
import { directRows } from "./direct-rows.ts";
import {
  containsText,
  countRows,
  equals,
  inOrderOf,
  jsonMatch,
  pageOfIds,
  windowOf,
  type OffsetPage,
  type OffsetWindow,
  type SortColumn,
} from "./search.ts";

export type { Assistant, AssistantVersion };

export const ASSISTANT_SORT_KEYS = ["assistantId", "graphId", "name", "createdAt", "updatedAt"] as const;
export type AssistantSortKey = (typeof ASSISTANT_SORT_KEYS)[number];

const SORT_COLUMNS: Record<AssistantSortKey, SortColumn> = {
  assistantId: { column: "id", text: true },
  graphId: { column: "graphId", text: true },
  name: { column: "name", text: true },
  createdAt: { column: "createdAt" },
  updatedAt: { column: "updatedAt" },
};

/** What an assistant search or count matches: every given condition. */
export interface AssistantMatch {
  graphId?: string;
  /** every key must equal (top-level keys of the assistant's metadata) */
  metadata?: JsonObject;
  /** a part of the name, any case */
  name?: string;
}

export interface AssistantSearch extends AssistantMatch, OffsetWindow<AssistantSortKey> {}

export interface VersionFilter {
  /** only this version */
  version?: number;
  /** every key must equal (top-level keys of the version's metadata) */
  metadata?: JsonObject;
  offset?: number;
  /** every version when omitted */
  limit?: number;
}

export interface NewAssistant {
  id?: string;
  graphId: string;
  name: string;
  description?: string | null;
  config?: JsonObject;
  context?: JsonObject | null;
  metadata?: JsonObject;
  ownerId?: string | null;
}

/** What `deleteUnlessBlocked` did: deleted, found nothing, or refused because of a run. */
export type AssistantDeletionBlocker =
  | { outcome: "in_flight"; run: { id: string; status: RunStatus; ownerId: string } }
  | { outcome: "others_runs"; count: number };

export type AssistantDeletion = { outcome: "deleted" } | { outcome: "missing" } | AssistantDeletionBlocker;

export type AssistantPatch = Partial<Omit<NewAssistant, "id" | "ownerId">>;

function versionOf(a: Assistant) {
  return {
    version: a.version,
    graphId: a.graphId,
    name: a.name,
    description: a.description,
    config: a.config as object,
    context: jsonInput(a.context),
    metadata: a.metadata as object,
  };
}

/** The runs that stop a deletion: any in flight, and any not of `runsOwner` (null: every run). */
export interface DeletionGuard {
  inFlight: RunStatus[];
  runsOwner: string | null;
}

type RunReader = Pick<Database["prisma"], "run">;

async function blockerOf(db: RunReader, id: string, guard: DeletionGuard): Promise<AssistantDeletionBlocker | null> {
  const inFlight = await db.run.findFirst({
    where: { assistantId: id, status: { in: guard.inFlight } },
    select: { id: true, status: true, ownerId: true },
  });
  if (inFlight) return { outcome: "in_flight", run: inFlight };
  const others = await db.run.count({
    where: guard.runsOwner === null ? { assistantId: id } : { assistantId: id, ownerId: { not: guard.runsOwner } },
  });
  return others > 0 ? { outcome: "others_runs", count: others } : null;
}

export function assistantsRepository(db: Database) {
  const { prisma } = db;
  return {
    /** Creates the assistant and records it as version 1. */
    create(input: NewAssistant): Promise<Assistant> {
      return prisma.$transaction(async (tx) => {
        const a = await tx.assistant.create({
          data: {
            id: input.id ?? newId(),
            graphId: input.graphId,
            name: input.name,
            description: input.description ?? null,
            config: jsonObject(input.config ?? {}),
            context: jsonInput(input.context),
            metadata: jsonObject(input.metadata ?? {}),
            ownerId: input.ownerId ?? null,
          },
        });
        await tx.assistantVersion.create({ data: { assistantId: a.id, ...versionOf(a) } });
        return a;
      });
    },

    async get(id: string): Promise<Assistant | null> {
      const direct = directRows(prisma);
      if (direct) return (await direct.select<Assistant>("Assistant", "assistant", { id }))[0] ?? null;
      return prisma.assistant.findUnique({ where: { id } });
    },

    async list(filter: PageRequest & { graphId?: string; metadata?: JsonObject } = {}): Promise<Page<Assistant>> {
      const limit = pageSize(filter);
      const rows = await prisma.assistant.findMany({
        where: {
          ...(filter.graphId ? { graphId: filter.graphId } : {}),
          AND: [afterCreatedCursor(filter.cursor), ...jsonEquals(db.provider, "metadata", filter.metadata)],
        },
        orderBy: newestFirst,
        take: limit + 1,
      });
      return toPage(rows, limit, createdCursor);
    },

    /** One page of the assistants matching `filter`, newest first unless sorted otherwise: in the database. */
    async search(filter: AssistantSearch = {}): Promise<OffsetPage<Assistant>> {
      const { limit, offset } = windowOf(filter);
      const { ids, hasMore } = await pageOfIds(prisma, db.provider, {
        table: "assistant",
        conditions: conditionsOf(filter),
        sort: SORT_COLUMNS[filter.sortBy ?? "createdAt"],
        order: filter.sortOrder ?? "desc",
        limit,
        offset,
      });
      const rows = ids.length === 0 ? [] : await prisma.assistant.findMany({ where: { id: { in: ids } } });
      return { items: inOrderOf(ids, rows), hasMore };
    },

    count(filter: AssistantMatch = {}): Promise<number> {
      return countRows(prisma, "assistant", conditionsOf(filter));
    },

    /** Applies the change as a new version; null when the assistant does not exist. */
    update(id: string, patch: AssistantPatch): Promise<Assistant | null> {
      return prisma.$transaction(async (tx) => {
        const current = await tx.assistant.findUnique({ where: { id } });
        if (!current) return null;
        const last = await tx.assistantVersion.aggregate({ where: { assistantId: id }, _max: { version: true } });
        const a = await tx.assistant.update({
          where: { id },
          data: {
            graphId: patch.graphId,
            name: patch.name,
            description: patch.description,
            config: patch.config && jsonObject(patch.config),
            context: patch.context === undefined ? undefined : jsonInput(patch.context),
            metadata: patch.metadata && jsonObject(patch.metadata),
            version: (last._max.version ?? current.version) + 1,
          },
        });
        await tx.assistantVersion.create({ data: { assistantId: id, ...versionOf(a) } });
        return a;
      });
    },

    /**
     * Makes a recorded version the current one: its graph, name, description, config,
     * context and metadata, and its number, replace the assistant's (no new version is
     * made, as on LangGraph Platform). Says which was missing when one was.
     */
    setLatest(id: string, version: number): Promise<{ outcome: "set"; assistant: Assistant } | { outcome: "no_assistant" | "no_version" }> {
      return prisma.$transaction(async (tx) => {
        const current = await tx.assistant.findUnique({ where: { id }, select: { id: true } });
        if (!current) return { outcome: "no_assistant" as const };
        const v = await tx.assistantVersion.findUnique({ where: { assistantId_version: { assistantId: id, version } } });
        if (!v) return { outcome: "no_version" as const };
        const assistant = await tx.assistant.update({
          where: { id },
          data: {
            graphId: v.graphId,
            name: v.name,
            description: v.description,
            config: jsonObject(asObject(v.config)),
            context: jsonInput(v.context),
            metadata: jsonObject(asObject(v.metadata)),
            version: v.version,
          },
        });
        return { outcome: "set" as const, assistant };
      });
    },

    /** The assistant's versions, newest first, those whose metadata matches, from `offset`. */
    versions(id: string, filter: VersionFilter = {}): Promise<AssistantVersion[]> {
      return prisma.assistantVersion.findMany({
        where: {
          assistantId: id,
          ...(filter.version !== undefined ? { version: filter.version } : {}),
          AND: jsonEquals(db.provider, "metadata", filter.metadata),
        },
        orderBy: { version: "desc" },
        skip: filter.offset ?? 0,
        ...(filter.limit !== undefined ? { take: filter.limit } : {}),
      });
    },

    async delete(id: string): Promise<boolean> {
      const { count } = await prisma.assistant.deleteMany({ where: { id } });
      return count > 0;
    },

    /**
     * Deletes the assistant with its versions and its runs (the relation cascades), unless
     * a run of it is in flight or belongs to someone other than `runsOwner` (null: any
     * run blocks). The check and the deletion are one transaction holding the assistant's
     * row: on PostgreSQL a run being made meanwhile waits on that row (its foreign key
     * check locks it) and then fails, so the cascade never takes a run the check did not
     * see; SQLite has a single writer.
     */
    deleteUnlessBlocked(id: string, guard: DeletionGuard): Promise<AssistantDeletion> {
      return prisma.$transaction(async (tx): Promise<AssistantDeletion> => {
        const locked =
          db.provider === "postgresql"
            ? (await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT "id" FROM "assistant" WHERE "id" = $1 FOR UPDATE`, id)).length > 0
            : (await tx.assistant.findUnique({ where: { id }, select: { id: true } })) !== null;
        if (!locked) return { outcome: "missing" };
        const blocker = await blockerOf(tx, id, guard);
        if (blocker) return blocker;
        await tx.assistant.delete({ where: { id } });
        return { outcome: "deleted" };
      });
    },

    /** What would stop `deleteUnlessBlocked` now (null: nothing), without deleting: to refuse before other changes. */
    deletionBlocker(id: string, guard: DeletionGuard): Promise<AssistantDeletionBlocker | null> {
      return blockerOf(prisma, id, guard);
    },
  };

  function conditionsOf(filter: AssistantMatch) {
    return [
      ...(filter.graphId ? [equals("graphId", filter.graphId)] : []),
      ...(filter.name ? [containsText(db.provider, "name", filter.name)] : []),
      ...jsonMatch(db.provider, "metadata", filter.metadata),
    ];
  }
}

export type AssistantsRepository = ReturnType<typeof assistantsRepository>;
