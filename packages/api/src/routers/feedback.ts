import { z } from "zod";
import { protectedProcedure, router } from "../trpc.ts";
import { page, uuid, window } from "../validators.ts";

export const feedbackRouter = router({
  /** One feedback per caller, run and key: giving it again replaces the first. */
  create: protectedProcedure
    .input(
      z
        .object({
          runId: uuid,
          key: z.string().trim().min(1).max(200),
          score: z.number().finite(),
          value: z.unknown().optional(),
          comment: z.string().max(10_000).nullish(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => ctx.runtime.feedback.create(ctx.caller, input)),

  /** A run's or a thread's feedback, newest first. */
  list: protectedProcedure
    .input(
      z
        .object({ runId: uuid.optional(), threadId: uuid.optional(), ...page })
        .strict()
        .refine((i) => (i.runId === undefined) !== (i.threadId === undefined), {
          message: "give exactly one of runId and threadId",
          path: ["runId"],
        }),
    )
    .query(({ ctx, input: { direction: _, ...filter } }) => ctx.runtime.feedback.list(ctx.caller, filter)),

  delete: protectedProcedure.input(z.object({ feedbackId: uuid }).strict()).mutation(async ({ ctx, input }) => {
    await ctx.runtime.feedback.delete(ctx.caller, input.feedbackId);
    return { feedbackId: input.feedbackId, deleted: true as const };
  }),

  /**
   * Count and mean score per key, for one assistant's runs and a time window when given.
   * `assistantId` is an assistant id or a graph id (its default assistant), as in runs.create.
   */
  summary: protectedProcedure
    .input(
      z
        .object({ assistantId: z.string().min(1).optional(), ...window })
        .strict()
        .default({}),
    )
    .query(({ ctx, input }) => ctx.runtime.feedback.summary(ctx.caller, input)),
});
