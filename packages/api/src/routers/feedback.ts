import { z } from "zod";
import { resolveAssistant } from "@lgrs/runtime";
import { notFound } from "../errors.ts";
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
    .mutation(async ({ ctx, input }) => {
      const row = await ctx.runtime.repos.feedback.upsert(ctx.caller.scope, { ...input, ownerId: ctx.caller.userId });
      if (!row) throw notFound(`run ${input.runId}`);
      return row;
    }),

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
    .query(async ({ ctx, input }) => {
      const { repos } = ctx.runtime;
      const parent = input.runId
        ? await repos.runs.get(ctx.caller.scope, input.runId)
        : await repos.threads.get(ctx.caller.scope, input.threadId!);
      if (!parent) throw notFound(input.runId ? `run ${input.runId}` : `thread ${input.threadId}`);
      return repos.feedback.list(ctx.caller.scope, input);
    }),

  delete: protectedProcedure.input(z.object({ feedbackId: uuid }).strict()).mutation(async ({ ctx, input }) => {
    if (!(await ctx.runtime.repos.feedback.delete(ctx.caller.scope, input.feedbackId))) throw notFound(`feedback ${input.feedbackId}`);
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
    .query(async ({ ctx, input }) => {
      const { repos } = ctx.runtime;
      // runs store the resolved assistant id: a graph id alone would match none of them
      const assistantId = input.assistantId === undefined ? undefined : (await resolveAssistant(repos, input.assistantId)).id;
      return repos.feedback.summary(ctx.caller.scope, { ...input, assistantId });
    }),
});
