import type { Database } from "../client.ts";
import { newId } from "../ids.ts";
import type { Feedback } from "../generated/sqlite/client.ts";
import { jsonInput } from "./json.ts";
import { createdCursor, newestFirst, pageSize, toPage, type Page, type PageRequest } from "./pagination.ts";
import { ownedBy, ownedRunOrThread, type Scope } from "./scope.ts";

export type { Feedback };

export interface FeedbackInput {
  runId: string;
  ownerId: string;
  key: string;
  score: number;
  value?: unknown;
  comment?: string | null;
}

export interface FeedbackSummaryRow {
  key: string;
  count: number;
  meanScore: number | null;
}

export function feedbackRepository(db: Database) {
  const { prisma } = db;
  return {
    /**
     * One feedback per owner, run and key: a second one replaces the first.
     * Null when the run is not visible to the owner.
     */
    async upsert(scope: Scope, input: FeedbackInput): Promise<Feedback | null> {
      const run = await prisma.run.findFirst({ where: { id: input.runId, ...ownedBy(scope) }, select: { threadId: true } });
      if (!run) return null;
      const fields = { score: input.score, value: jsonInput(input.value), comment: input.comment ?? null };
      return prisma.feedback.upsert({
        where: { ownerId_runId_key: { ownerId: input.ownerId, runId: input.runId, key: input.key } },
        create: { id: newId(), runId: input.runId, threadId: run.threadId, ownerId: input.ownerId, key: input.key, ...fields },
        update: fields,
      });
    },

    async list(scope: Scope, filter: PageRequest & { runId?: string; threadId?: string }): Promise<Page<Feedback>> {
      const limit = pageSize(filter);
      const rows = await prisma.feedback.findMany({
        where: ownedRunOrThread(scope, filter),
        orderBy: newestFirst,
        take: limit + 1,
      });
      return toPage(rows, limit, createdCursor);
    },

    async delete(scope: Scope, id: string): Promise<boolean> {
      const { count } = await prisma.feedback.deleteMany({ where: { id, ...ownedBy(scope) } });
      return count > 0;
    },

    /** Count and mean score per key, optionally for one assistant's runs and a time window. */
    async summary(scope: Scope, filter: { assistantId?: string; from?: Date; to?: Date } = {}): Promise<FeedbackSummaryRow[]> {
      const groups = await prisma.feedback.groupBy({
        by: ["key"],
        where: {
          ...ownedBy(scope),
          ...(filter.assistantId ? { run: { assistantId: filter.assistantId } } : {}),
          createdAt: { gte: filter.from, lt: filter.to },
        },
        _count: { _all: true },
        _avg: { score: true },
        orderBy: { key: "asc" },
      });
      return groups.map((g) => ({ key: g.key, count: g._count._all, meanScore: g._avg.score }));
    },
  };
}

export type FeedbackRepository = ReturnType<typeof feedbackRepository>;
