import { tracked } from "@trpc/server";
import { z } from "zod";
import { resolveAssistant, type Run } from "@lgrs/runtime";
import { notFound, toTRPCError } from "../errors.ts";
import { protectedProcedure, router } from "../trpc.ts";
import { cancelAction, jsonObject, multitaskStrategy, page, runStatus, streamMode, uuid } from "../validators.ts";

const runId = z.object({ runId: uuid }).strict();
const nodeNames = z.union([z.array(z.string().min(1)), z.literal("*")]);

const createInput = z
  .object({
    /** null starts a stateless run on a temporary thread */
    threadId: uuid.nullable(),
    /** an assistant id, or a graph id for that graph's default assistant */
    assistantId: z.string().min(1),
    input: z.unknown().optional(),
    /** resume an interrupted thread: `{ resume }`, or `update` / `goto` */
    command: z.object({ resume: z.unknown().optional(), update: z.unknown().optional(), goto: z.unknown().optional() }).strict().optional(),
    config: z
      .object({
        configurable: jsonObject.optional(),
        tags: z.array(z.string()).optional(),
        recursion_limit: z.number().int().positive().optional(),
      })
      .passthrough()
      .optional(),
    context: jsonObject.optional(),
    metadata: jsonObject.optional(),
    multitaskStrategy: multitaskStrategy.optional(),
    ifNotExists: z.enum(["create", "reject"]).optional(),
    afterSeconds: z
      .number()
      .min(0)
      .max(86_400 * 30)
      .optional(),
    streamMode: z.array(streamMode).min(1).optional(),
    streamSubgraphs: z.boolean().optional(),
    interruptBefore: nodeNames.optional(),
    interruptAfter: nodeNames.optional(),
    /** start from this checkpoint of the thread instead of its latest */
    checkpointId: z.string().min(1).optional(),
    webhook: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();

/** What `watch` yields: a run that was just created, or whose status just changed. */
export interface RunChange {
  type: "created" | "status";
  run: Run;
}

export const runsRouter = router({
  create: protectedProcedure.input(createInput).mutation(({ ctx, input }) =>
    ctx.runtime.runs.create(ctx.caller.scope, {
      threadId: input.threadId,
      ownerId: ctx.caller.userId,
      assistantId: input.assistantId,
      input: input.input,
      command: input.command,
      config: input.config,
      context: input.context,
      metadata: input.metadata,
      multitaskStrategy: input.multitaskStrategy,
      ifNotExists: input.ifNotExists,
      afterSeconds: input.afterSeconds,
      stream_mode: input.streamMode,
      stream_subgraphs: input.streamSubgraphs,
      interrupt_before: input.interruptBefore,
      interrupt_after: input.interruptAfter,
      checkpoint_id: input.checkpointId,
      webhook: input.webhook,
    }),
  ),

  get: protectedProcedure.input(runId).query(async ({ ctx, input }) => {
    const run = await ctx.runtime.runs.get(ctx.caller.scope, input.runId);
    if (!run) throw notFound(`run ${input.runId}`);
    return run;
  }),

  list: protectedProcedure
    .input(
      z
        .object({
          threadId: uuid.optional(),
          assistantId: z.string().min(1).optional(),
          status: z.union([runStatus, z.array(runStatus).min(1)]).optional(),
          createdAfter: z.date().optional(),
          createdBefore: z.date().optional(),
          ...page,
        })
        .strict()
        .default({ limit: 50 }),
    )
    .query(async ({ ctx, input }) => {
      // a graph id stands for its default assistant, as in `create`
      const assistantId = input.assistantId && (await resolveAssistant(ctx.runtime.repos, input.assistantId)).id;
      return ctx.runtime.repos.runs.list(ctx.caller.scope, { ...input, assistantId });
    }),

  /** Resolves once the run has a final status. */
  join: protectedProcedure.input(runId).query(({ ctx, input }) => ctx.runtime.runs.join(ctx.caller.scope, input.runId)),

  /**
   * Stops a pending or running run: `interrupt` keeps what it checkpointed,
   * `rollback` returns the thread to its state before the run. With `wait`
   * this returns once the run has stopped. A finished run is returned as is.
   */
  cancel: protectedProcedure
    .input(z.object({ runId: uuid, action: cancelAction.default("interrupt"), wait: z.boolean().default(false) }).strict())
    .mutation(({ ctx, input }) => ctx.runtime.runs.cancel(ctx.caller.scope, input.runId, { action: input.action, wait: input.wait })),

  /**
   * One run's events after `lastEventId`, each tracked by its id so a client
   * that reconnects resumes where it stopped; ends with the run's final status.
   */
  stream: protectedProcedure
    .input(
      z
        .object({
          runId: uuid,
          lastEventId: z
            .string()
            .regex(/^(\d+|end)$/, "must be an event id")
            .nullish(),
        })
        .strict(),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      try {
        const items = ctx.runtime.runs.stream(ctx.caller.scope, input.runId, {
          // "end" is the id of the final item: a client that saw it has seen everything
          lastEventId: input.lastEventId === "end" ? Number.MAX_SAFE_INTEGER : input.lastEventId ? Number(input.lastEventId) : undefined,
          signal,
        });
        for await (const item of items) {
          if (item.type === "event") yield tracked(String(item.id), { type: "event" as const, event: item.event, data: item.data });
          else if (item.type === "gap") yield tracked(String(item.toId), { type: "gap" as const, fromId: item.fromId, toId: item.toId });
          else {
            yield tracked("end", { type: "end" as const, status: item.status });
            return;
          }
        }
      } catch (err) {
        throw toTRPCError(err);
      }
    }),

  /** Runs of the caller (all runs for an admin) as they are created and change status. */
  watch: protectedProcedure.subscription(({ ctx, signal }) => {
    const scope = ctx.caller.scope;
    // listening starts here, before the client is told it is connected: no change falls in between
    const changes = ctx.runtime.feed.watch(signal);
    return (async function* (): AsyncGenerator<RunChange> {
      for await (const run of changes) {
        if ("ownerId" in scope && run.ownerId !== scope.ownerId) continue;
        yield { type: run.status === "pending" ? "created" : "status", run };
      }
    })();
  }),
});
