import type { Database } from "../client.ts";
import type { Cron } from "../generated/sqlite/client.ts";
import { newId } from "../ids.ts";
import { asObject, jsonObject, type JsonObject } from "./json.ts";
import { ownedBy, type Scope } from "./scope.ts";
import {
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
import { Prisma } from "../generated/sqlite/client.ts";

export type { Cron };

export const CRON_SORT_KEYS = ["cronId", "assistantId", "threadId", "createdAt", "updatedAt", "nextRunAt"] as const;
export type CronSortKey = (typeof CRON_SORT_KEYS)[number];

const SORT_COLUMNS: Record<CronSortKey, SortColumn> = {
  cronId: { column: "id", text: true },
  assistantId: { column: "assistantId", text: true },
  threadId: { column: "threadId", text: true },
  createdAt: { column: "createdAt" },
  updatedAt: { column: "updatedAt" },
  nextRunAt: { column: "nextRunAt" },
};

export interface NewCron {
  id?: string;
  ownerId: string;
  assistantId: string;
  threadId: string | null;
  schedule: string;
  timezone: string | null;
  payload: JsonObject;
  metadata?: JsonObject;
  endTime: Date | null;
  enabled: boolean;
  nextRunAt: Date | null;
}

/** What a search or count matches: every given condition. */
export interface CronMatch {
  assistantId?: string;
  threadId?: string;
  enabled?: boolean;
  /** every key must equal (top-level keys of the cron's metadata) */
  metadata?: JsonObject;
}

export interface CronSearch extends CronMatch, OffsetWindow<CronSortKey> {}

/** A cron's changes; `nextRunAt` is the caller's (it knows the schedule). */
export interface CronPatch {
  schedule?: string;
  timezone?: string | null;
  payload?: JsonObject;
  /** merged into the existing metadata, like threads' */
  metadata?: JsonObject;
  endTime?: Date | null;
  enabled?: boolean;
  nextRunAt?: Date | null;
}

/**
 * A tick's claim: the cron moves from the tick due at `from` to its next one `to`
 * (null: the schedule has ended). Only a write that still finds `from` succeeds,
 * so of several instances reaching the same tick exactly one wins it.
 */
export interface CronClaim {
  cronId: string;
  from: Date;
  to: Date | null;
}

/** Applies a claim inside `tx` (the run admission's transaction, or its own); false when another instance won. */
export async function applyCronClaim(tx: Pick<Database["prisma"], "cron">, claim: CronClaim): Promise<boolean> {
  const { count } = await tx.cron.updateMany({
    where: { id: claim.cronId, enabled: true, nextRunAt: claim.from },
    data: { nextRunAt: claim.to },
  });
  return count === 1;
}

export function cronsRepository(db: Database) {
  const { prisma } = db;
  return {
    create(input: NewCron): Promise<Cron> {
      return prisma.cron.create({
        data: {
          id: input.id ?? newId(),
          ownerId: input.ownerId,
          assistantId: input.assistantId,
          threadId: input.threadId,
          schedule: input.schedule,
          timezone: input.timezone,
          payload: jsonObject(input.payload),
          metadata: jsonObject(input.metadata ?? {}),
          endTime: input.endTime,
          enabled: input.enabled,
          nextRunAt: input.nextRunAt,
        },
      });
    },

    get(scope: Scope, id: string): Promise<Cron | null> {
      return prisma.cron.findFirst({ where: { id, ...ownedBy(scope) } });
    },

    /** One page of the caller's crons matching `filter`, newest first by default. */
    async search(scope: Scope, filter: CronSearch = {}): Promise<OffsetPage<Cron>> {
      const { limit, offset } = windowOf(filter);
      const { ids, hasMore } = await pageOfIds(prisma, db.provider, {
        table: "cron",
        conditions: conditionsOf(scope, filter),
        sort: SORT_COLUMNS[filter.sortBy ?? "createdAt"],
        order: filter.sortOrder ?? "desc",
        limit,
        offset,
      });
      const rows = ids.length === 0 ? [] : await prisma.cron.findMany({ where: { id: { in: ids } } });
      return { items: inOrderOf(ids, rows), hasMore };
    },

    count(scope: Scope, filter: CronMatch = {}): Promise<number> {
      return countRows(prisma, "cron", conditionsOf(scope, filter));
    },

    /** null when the cron does not exist for this caller */
    async update(scope: Scope, id: string, patch: CronPatch): Promise<Cron | null> {
      return prisma.$transaction(async (tx) => {
        const current = await tx.cron.findFirst({ where: { id, ...ownedBy(scope) } });
        if (!current) return null;
        return tx.cron.update({
          where: { id },
          data: {
            schedule: patch.schedule,
            timezone: patch.timezone,
            payload: patch.payload ? jsonObject(patch.payload) : undefined,
            metadata: patch.metadata ? jsonObject({ ...asObject(current.metadata), ...patch.metadata }) : undefined,
            endTime: patch.endTime,
            enabled: patch.enabled,
            nextRunAt: patch.nextRunAt,
          },
        });
      });
    },

    async delete(scope: Scope, id: string): Promise<boolean> {
      const { count } = await prisma.cron.deleteMany({ where: { id, ...ownedBy(scope) } });
      return count === 1;
    },

    /** Enabled crons whose tick is due at `now`, the most overdue first. */
    due(now: Date, limit: number): Promise<Cron[]> {
      return prisma.cron.findMany({
        where: { enabled: true, nextRunAt: { lte: now } },
        orderBy: [{ nextRunAt: "asc" }, { id: "asc" }],
        take: limit,
      });
    },

    /** When the next enabled cron is due; null when none is. */
    async nextDue(): Promise<Date | null> {
      const row = await prisma.cron.findFirst({
        where: { enabled: true, nextRunAt: { not: null } },
        orderBy: { nextRunAt: "asc" },
        select: { nextRunAt: true },
      });
      return row?.nextRunAt ?? null;
    },

    /** Moves past a tick without a run (see CronClaim); false when another instance had claimed it. */
    claim(claim: CronClaim): Promise<boolean> {
      return applyCronClaim(prisma, claim);
    },
  };

  function conditionsOf(scope: Scope, filter: CronMatch) {
    return [
      ...("ownerId" in scope ? [equals("ownerId", scope.ownerId)] : []),
      ...(filter.assistantId ? [equals("assistantId", filter.assistantId)] : []),
      ...(filter.threadId ? [equals("threadId", filter.threadId)] : []),
      ...(filter.enabled === undefined ? [] : [Prisma.sql`"enabled" = ${filter.enabled}`]),
      ...jsonMatch(db.provider, "metadata", filter.metadata),
    ];
  }
}

export type CronsRepository = ReturnType<typeof cronsRepository>;
