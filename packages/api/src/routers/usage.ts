import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { notFound } from "../errors.ts";
import { protectedProcedure, router } from "../trpc.ts";
import { uuid, window } from "../validators.ts";

const DAY_MS = 86_400_000;
/** hour buckets over more than this many days would be thousands of points */
const MAX_HOURLY_DAYS = 31;

export const usageRouter = router({
  /** The run's tokens: total, by model and by caller. */
  byRun: protectedProcedure.input(z.object({ runId: uuid }).strict()).query(async ({ ctx, input }) => {
    const { repos } = ctx.runtime;
    if (!(await repos.runs.get(ctx.caller.scope, input.runId))) throw notFound(`run ${input.runId}`);
    return repos.usage.byRun(ctx.caller.scope, input.runId);
  }),

  /** The thread's tokens over all its runs: total, by model and by caller. */
  byThread: protectedProcedure.input(z.object({ threadId: uuid }).strict()).query(async ({ ctx, input }) => {
    const { repos } = ctx.runtime;
    if (!(await repos.threads.get(ctx.caller.scope, input.threadId))) throw notFound(`thread ${input.threadId}`);
    return repos.usage.byThread(ctx.caller.scope, input.threadId);
  }),

  /** Tokens over [from, to) in hour or day buckets (UTC), one series per model or per caller. */
  summary: protectedProcedure
    .input(
      z
        .object({
          from: z.date(),
          to: z.date().optional(),
          bucket: z.enum(["hour", "day"]).default("hour"),
          groupBy: z.enum(["model", "caller"]).default("model"),
        })
        .strict(),
    )
    .query(({ ctx, input }) => {
      const to = input.to ?? new Date();
      if (to <= input.from) throw new TRPCError({ code: "BAD_REQUEST", message: "to: must be after from" });
      if (input.bucket === "hour" && to.getTime() - input.from.getTime() > MAX_HOURLY_DAYS * DAY_MS) {
        throw new TRPCError({ code: "BAD_REQUEST", message: `bucket: hourly buckets cover at most ${MAX_HOURLY_DAYS} days; use "day"` });
      }
      return ctx.runtime.repos.usage.summary(ctx.caller.scope, { ...input, to });
    }),

  /** The threads or assistants that used the most tokens in a window. */
  top: protectedProcedure
    .input(z.object({ by: z.enum(["thread", "assistant"]), ...window, limit: z.number().int().min(1).max(100).default(10) }).strict())
    .query(({ ctx, input }) => ctx.runtime.repos.usage.top(ctx.caller.scope, input)),
});
