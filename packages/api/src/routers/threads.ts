import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { notFound } from "../errors.ts";
import { protectedProcedure, router } from "../trpc.ts";
import { jsonObject, page, threadStatus, uuid } from "../validators.ts";

const threadId = z.object({ threadId: uuid }).strict();

export const threadsRouter = router({
  create: protectedProcedure
    .input(
      z
        .object({
          /** choose the id (a UUID); one is made when omitted */
          threadId: uuid.optional(),
          metadata: jsonObject.optional(),
          /** when a thread with this id exists: fail (default) or return it */
          ifExists: z.enum(["raise", "do_nothing"]).default("raise"),
        })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => {
      const { repos } = ctx.runtime;
      if (input.threadId) {
        const existing = await repos.threads.get(ctx.caller.scope, input.threadId);
        if (existing && input.ifExists === "do_nothing") return existing;
        if (existing || (await repos.threads.get({ all: true }, input.threadId))) {
          throw new TRPCError({ code: "CONFLICT", message: `thread ${input.threadId} already exists` });
        }
      }
      return repos.threads.create({ id: input.threadId, ownerId: ctx.caller.userId, metadata: input.metadata });
    }),

  get: protectedProcedure.input(threadId).query(async ({ ctx, input }) => {
    const thread = await ctx.runtime.repos.threads.get(ctx.caller.scope, input.threadId);
    if (!thread) throw notFound(`thread ${input.threadId}`);
    return thread;
  }),

  list: protectedProcedure
    .input(
      z
        .object({ status: threadStatus.optional(), metadata: jsonObject.optional(), ...page })
        .strict()
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => ctx.runtime.repos.threads.list(ctx.caller.scope, input)),

  update: protectedProcedure.input(z.object({ threadId: uuid, metadata: jsonObject }).strict()).mutation(async ({ ctx, input }) => {
    const thread = await ctx.runtime.repos.threads.update(ctx.caller.scope, input.threadId, { metadata: input.metadata });
    if (!thread) throw notFound(`thread ${input.threadId}`);
    return thread;
  }),

  /** Deletes the thread with its runs, events, checkpoints, feedback and usage; its in-flight runs are cancelled first. */
  delete: protectedProcedure.input(threadId).mutation(async ({ ctx, input }) => {
    await ctx.runtime.threads.delete(ctx.caller.scope, input.threadId);
    return { threadId: input.threadId, deleted: true as const };
  }),

  /** Current values, next nodes and pending interrupts (or those of one checkpoint). */
  state: protectedProcedure
    .input(z.object({ threadId: uuid, checkpointId: z.string().min(1).optional(), subgraphs: z.boolean().optional() }).strict())
    .query(({ ctx, input }) =>
      ctx.runtime.threads.state(ctx.caller.scope, input.threadId, { checkpointId: input.checkpointId, subgraphs: input.subgraphs }),
    ),

  /** The thread's checkpoints, newest first; `cursor` is the last checkpoint id of the previous page. */
  history: protectedProcedure
    .input(
      z
        .object({
          threadId: uuid,
          cursor: z.string().min(1).nullish(),
          limit: z.number().int().min(1).max(100).default(10),
          direction: page.direction,
        })
        .strict(),
    )
    .query(async ({ ctx, input }) => {
      // one more than a page: it only tells whether another page exists, so the last page has no cursor
      const rows = await ctx.runtime.threads.history(ctx.caller.scope, input.threadId, {
        limit: input.limit + 1,
        before: input.cursor ?? undefined,
      });
      const items = rows.slice(0, input.limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > input.limit && last?.checkpoint ? last.checkpoint.checkpoint_id : null };
    }),

  /** Writes values as if `asNode` had returned them, making a new checkpoint. */
  updateState: protectedProcedure
    .input(
      z
        .object({
          threadId: uuid,
          values: z.unknown().refine((v) => v !== undefined, "values is required"),
          asNode: z.string().min(1).optional(),
          checkpointId: z.string().min(1).optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) =>
      ctx.runtime.threads.updateState(ctx.caller.scope, input.threadId, {
        values: input.values,
        asNode: input.asNode,
        checkpointId: input.checkpointId,
      }),
    ),
});
