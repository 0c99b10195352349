import { z } from "zod";
import { protectedProcedure, router } from "../trpc.ts";
import { date, uuid, window } from "../validators.ts";

export const usageRouter = router({
  /** The run's tokens: total, by model and by caller. */
  byRun: protectedProcedure
    .input(z.object({ runId: uuid }).strict())
    .query(({ ctx, input }) => ctx.runtime.usage.byRun(ctx.caller, input.runId)),

  /** The thread's tokens over all its runs: total, by model and by caller. */
  byThread: protectedProcedure
    .input(z.object({ threadId: uuid }).strict())
    .query(({ ctx, input }) => ctx.runtime.usage.byThread(ctx.caller, input.threadId)),

  /** Tokens over [from, to) in hour or day buckets (UTC), one series per model or per caller. */
  summary: protectedProcedure
    .input(
      z
        .object({
          from: date,
          to: date.optional(),
          bucket: z.enum(["hour", "day"]).default("hour"),
          groupBy: z.enum(["model", "caller"]).default("model"),
        })
        .strict(),
    )
    .query(({ ctx, input }) => ctx.runtime.usage.summary(ctx.caller, input)),

  /** The threads or assistants that used the most tokens in a window. */
  top: protectedProcedure
    .input(z.object({ by: z.enum(["thread", "assistant"]), ...window, limit: z.number().int().min(1).max(100).default(10) }).strict())
    .query(({ ctx, input }) => ctx.runtime.usage.top(ctx.caller, input)),
});
