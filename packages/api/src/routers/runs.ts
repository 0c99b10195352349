import { TRPCError, tracked } from "@trpc/server";
import { z } from "zod";
import { schemas } from "@lgrs/runtime";
import { toTRPCError } from "../errors.ts";
import { protectedProcedure, router } from "../trpc.ts";
import { date, page, uuid } from "../validators.ts";

export type { RunChange } from "@lgrs/runtime";

/** The dashboard shows rolled-back runs, marked: every lookup here includes them. */
const lookup = { includeRolledBack: true } as const;

const runId = z.object({ runId: uuid }).strict();

const createInput = z
  .object({
    /** null starts a stateless run on a temporary thread */
    threadId: uuid.nullable(),
    /** an assistant id, or a graph id for that graph's default assistant */
    assistantId: z.string().min(1),
    input: z.unknown().optional(),
    /** resume an interrupted thread: `{ resume }`, or `update` / `goto` */
    command: schemas.runCommand.optional(),
    config: schemas.runnableConfig.optional(),
    context: schemas.jsonObject.optional(),
    metadata: schemas.jsonObject.optional(),
    multitaskStrategy: schemas.multitaskStrategy.optional(),
    ifNotExists: schemas.ifNotExists.optional(),
    afterSeconds: schemas.afterSeconds.optional(),
    streamMode: z.array(schemas.streamMode).min(1).optional(),
    streamSubgraphs: z.boolean().optional(),
    /** when the run saves its checkpoints: `async` (default), `sync`, or `exit` (only when the graph exits) */
    durability: schemas.durability.optional(),
    interruptBefore: schemas.nodeNames.optional(),
    interruptAfter: schemas.nodeNames.optional(),
    /** start from this checkpoint of the thread instead of its latest */
    checkpointId: z.string().min(1).optional(),
    webhook: schemas.webhookUrl.optional(),
    /** a stateless run's temporary thread once the run has ended: deleted (the default) or kept */
    onCompletion: schemas.onCompletion.optional(),
    /** what your own `stream` or `join` of this run does when you leave before its end (default continue) */
    onDisconnect: schemas.onDisconnect.optional(),
  })
  .strict();

export const runsRouter = router({
  create: protectedProcedure.input(createInput).mutation(({ ctx, input }) => ctx.runtime.runs.create(ctx.caller, input)),

  get: protectedProcedure.input(runId).query(({ ctx, input }) => ctx.runtime.runs.get(ctx.caller, input.runId, lookup)),

  list: protectedProcedure
    .input(
      z
        .object({
          threadId: uuid.optional(),
          /** an assistant id, or a graph id for its default assistant */
          assistantId: z.string().min(1).optional(),
          status: z.union([schemas.runStatus, z.array(schemas.runStatus).min(1)]).optional(),
          createdAfter: date.optional(),
          createdBefore: date.optional(),
          /** top-level keys of the run's metadata, each equal */
          metadata: schemas.jsonObject.optional(),
          /** an admin's filter: this operator's runs (a user sees only their own whatever it says) */
          ownerId: z.string().min(1).max(200).optional(),
          /** contained, ignoring case, in the run id, thread id, input or metadata */
          text: z.string().max(200).optional(),
          ...page,
        })
        .strict()
        .default({ limit: 50 }),
    )
    .query(({ ctx, input: { direction: _, ...filter } }) => ctx.runtime.runs.list(ctx.caller, { ...filter, ...lookup })),

  /**
   * Resolves once the run has a final status. Leaving first (an aborted request)
   * cancels the run with `onDisconnect: "cancel"` (default: what you created it with).
   */
  join: protectedProcedure
    .input(z.object({ runId: uuid, onDisconnect: schemas.onDisconnect.optional() }).strict())
    .query(async ({ ctx, input, signal }) => {
      try {
        return await ctx.runtime.runs.join(ctx.caller, input.runId, { ...lookup, signal, onDisconnect: input.onDisconnect });
      } catch (err) {
        // the caller left before the run ended: nobody reads this answer
        if (signal?.aborted) throw new TRPCError({ code: "CLIENT_CLOSED_REQUEST", message: "the caller left before the run ended" });
        throw err;
      }
    }),

  /**
   * Stops a pending or running run: `interrupt` keeps what it checkpointed,
   * `rollback` returns the thread to its state before the run. With `wait`
   * this returns once the run has stopped. A finished run is returned as is.
   */
  cancel: protectedProcedure
    .input(z.object({ runId: uuid, action: schemas.cancelAction.default("interrupt"), wait: z.boolean().default(false) }).strict())
    .mutation(({ ctx, input }) =>
      ctx.runtime.runs.cancel(ctx.caller, input.runId, { ...lookup, action: input.action, wait: input.wait, door: "trpc" }),
    ),

  /**
   * Cancels the given runs, a thread's runs in flight, or every run of yours in a
   * status; returns those it cancelled. Unknown run ids cancel nothing: NOT_FOUND.
   */
  cancelMany: protectedProcedure
    .input(
      z
        .object({
          threadId: uuid.optional(),
          runIds: z.array(uuid).min(1).max(500).optional(),
          status: schemas.cancelManyStatus.optional(),
          action: schemas.cancelAction.default("interrupt"),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => ctx.runtime.runs.cancelMany(ctx.caller, { ...input, door: "trpc" })),

  /** Deletes a finished run with its events; a run in flight must be cancelled first (CONFLICT). */
  delete: protectedProcedure.input(runId).mutation(async ({ ctx, input }) => {
    await ctx.runtime.runs.delete(ctx.caller, input.runId, lookup);
    return { runId: input.runId, deleted: true as const };
  }),

  /** The run's steps as a timeline, and when each of its events was recorded and by which node. */
  trace: protectedProcedure.input(runId).query(({ ctx, input }) => ctx.runtime.runs.trace(ctx.caller, input.runId, lookup)),

  /**
   * One run's events after `lastEventId`, each tracked by its id so a client
   * that reconnects resumes where it stopped; ends with the run's final status.
   * `streamMode` keeps only those modes' events (`metadata` and `error` always
   * pass); leaving before the end cancels the run with `onDisconnect: "cancel"`.
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
          streamMode: z.array(schemas.streamMode).min(1).optional(),
          onDisconnect: schemas.onDisconnect.optional(),
        })
        .strict(),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      try {
        const { items } = await ctx.runtime.runs.stream(ctx.caller, input.runId, {
          ...lookup,
          // "end" is the id of the final item: a client that saw it has seen everything
          lastEventId: input.lastEventId === "end" ? Number.MAX_SAFE_INTEGER : input.lastEventId ? Number(input.lastEventId) : undefined,
          signal,
          streamModes: input.streamMode,
          onDisconnect: input.onDisconnect,
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
  watch: protectedProcedure.subscription(({ ctx, signal }) => ctx.runtime.runs.watch(ctx.caller, signal)),
});
