import type { Database } from "../client.ts";
import { newId } from "../ids.ts";
import type { TokenUsage, UsageCaller } from "../generated/sqlite/client.ts";
import { createdCursor, newestFirst, pageSize, toPage, type Page, type PageRequest } from "./pagination.ts";
import { ownedBy, ownedRunOrThread, type Scope } from "./scope.ts";
import { directRows, RowNotFoundError, step } from "./direct-rows.ts";

export type { TokenUsage, UsageCaller };

export interface UsageInput {
  runId: string;
  threadId: string;
  ownerId: string;
  assistantId?: string | null;
  model: string;
  caller: UsageCaller;
  inputTokens: number;
  outputTokens: number;
  /** defaults to input + output */
  totalTokens?: number;
  createdAt?: Date;
}

export interface TokenTotals {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  calls: number;
}

export interface UsageBreakdown {
  total: TokenTotals;
  byModel: ({ model: string } & TokenTotals)[];
  byCaller: ({ caller: UsageCaller } & TokenTotals)[];
}

export interface UsageBucket {
  /** start of the hour or day, UTC */
  start: Date;
  group: string;
  totals: TokenTotals;
}

const SUMS = { _sum: { inputTokens: true, outputTokens: true, totalTokens: true }, _count: { _all: true } } as const;

type SumRow = {
  _sum: { inputTokens: number | null; outputTokens: number | null; totalTokens: number | null };
  _count: { _all: number };
};

function totalsOf(row: SumRow): TokenTotals {
  return {
    inputTokens: row._sum.inputTokens ?? 0,
    outputTokens: row._sum.outputTokens ?? 0,
    totalTokens: row._sum.totalTokens ?? 0,
    calls: row._count._all,
  };
}

function bucketStart(at: Date, bucket: "hour" | "day"): Date {
  const d = new Date(at);
  d.setUTCMinutes(0, 0, 0);
  if (bucket === "day") d.setUTCHours(0);
  return d;
}

export function usageRepository(db: Database) {
  const { prisma } = db;

  async function breakdown(where: object): Promise<UsageBreakdown> {
    const [total, byModel, byCaller] = await Promise.all([
      prisma.tokenUsage.aggregate({ where, ...SUMS }),
      prisma.tokenUsage.groupBy({ by: ["model"], where, ...SUMS, orderBy: { model: "asc" } }),
      prisma.tokenUsage.groupBy({ by: ["caller"], where, ...SUMS, orderBy: { caller: "asc" } }),
    ]);
    return {
      total: totalsOf(total),
      byModel: byModel.map((g) => ({ model: g.model, ...totalsOf(g) })),
      byCaller: byCaller.map((g) => ({ caller: g.caller, ...totalsOf(g) })),
    };
  }

  return {
    /** Records one LLM call and adds it to the run's running totals, atomically. */
    async record(input: UsageInput): Promise<TokenUsage> {
      const totalTokens = input.totalTokens ?? input.inputTokens + input.outputTokens;
      const data = { id: newId(), ...input, assistantId: input.assistantId ?? null, totalTokens };
      const direct = directRows(prisma);
      if (direct) {
        // one transaction of direct statements: a model call of every run records here
        return direct.transaction(
          (function* () {
            const changed = yield* step.run(
              'UPDATE "run" SET "inputTokens" = "inputTokens" + ?, "outputTokens" = "outputTokens" + ?, "totalTokens" = "totalTokens" + ?, "updatedAt" = ? WHERE "id" = ?',
              [input.inputTokens, input.outputTokens, totalTokens, new Date(), input.runId],
            );
            // a run gone meanwhile: nothing is kept, as with Prisma
            if (changed === 0) throw new RowNotFoundError(`run ${input.runId} not found`);
            return yield* step.insert<TokenUsage>("TokenUsage", "token_usage", { ...data, createdAt: data.createdAt ?? new Date() });
          })(),
        );
      }
      const [row] = await prisma.$transaction([
        prisma.tokenUsage.create({ data }),
        prisma.run.update({
          where: { id: input.runId },
          data: {
            inputTokens: { increment: input.inputTokens },
            outputTokens: { increment: input.outputTokens },
            totalTokens: { increment: totalTokens },
          },
        }),
      ]);
      return row;
    },

    byRun(scope: Scope, runId: string): Promise<UsageBreakdown> {
      return breakdown({ runId, ...ownedBy(scope) });
    },

    byThread(scope: Scope, threadId: string): Promise<UsageBreakdown> {
      return breakdown({ threadId, ...ownedBy(scope) });
    },

    async list(scope: Scope, filter: PageRequest & { runId?: string; threadId?: string }): Promise<Page<TokenUsage>> {
      const limit = pageSize(filter);
      const rows = await prisma.tokenUsage.findMany({
        where: ownedRunOrThread(scope, filter),
        orderBy: newestFirst,
        take: limit + 1,
      });
      return toPage(rows, limit, createdCursor);
    },

    /**
     * Totals over [from, to) in hour or day buckets (UTC), one series per model or
     * caller. Bucketed here rather than in SQL: date truncation differs between
     * SQLite and PostgreSQL, and a window's rows are read once either way.
     */
    async summary(
      scope: Scope,
      window: { from: Date; to: Date; bucket: "hour" | "day"; groupBy: "model" | "caller" },
    ): Promise<UsageBucket[]> {
      const rows = await prisma.tokenUsage.findMany({
        where: { ...ownedBy(scope), createdAt: { gte: window.from, lt: window.to } },
        select: { createdAt: true, model: true, caller: true, inputTokens: true, outputTokens: true, totalTokens: true },
      });
      const buckets = new Map<string, UsageBucket>();
      for (const row of rows) {
        const start = bucketStart(row.createdAt, window.bucket);
        const group = window.groupBy === "model" ? row.model : row.caller;
        const key = `${start.getTime()}|${group}`;
        const b = buckets.get(key) ?? { start, group, totals: { inputTokens: 0, outputTokens: 0, totalTokens: 0, calls: 0 } };
        b.totals.inputTokens += row.inputTokens;
        b.totals.outputTokens += row.outputTokens;
        b.totals.totalTokens += row.totalTokens;
        b.totals.calls += 1;
        buckets.set(key, b);
      }
      return [...buckets.values()].sort((a, b) => a.start.getTime() - b.start.getTime() || a.group.localeCompare(b.group));
    },

    /** The threads or assistants that used the most tokens in a window. */
    async top(
      scope: Scope,
      query: { by: "thread" | "assistant"; from?: Date; to?: Date; limit?: number },
    ): Promise<{ id: string; totals: TokenTotals }[]> {
      const where = { ...ownedBy(scope), createdAt: { gte: query.from, lt: query.to } };
      const limit = query.limit ?? 10;
      if (query.by === "thread") {
        const groups = await prisma.tokenUsage.groupBy({
          by: ["threadId"],
          where,
          ...SUMS,
          orderBy: { _sum: { totalTokens: "desc" } },
          take: limit,
        });
        return groups.map((g) => ({ id: g.threadId, totals: totalsOf(g) }));
      }
      const groups = await prisma.tokenUsage.groupBy({
        by: ["assistantId"],
        where: { ...where, assistantId: { not: null } },
        ...SUMS,
        orderBy: { _sum: { totalTokens: "desc" } },
        take: limit,
      });
      return groups.map((g) => ({ id: g.assistantId!, totals: totalsOf(g) }));
    },
  };
}

export type UsageRepository = ReturnType<typeof usageRepository>;
