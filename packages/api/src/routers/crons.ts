import { z } from "zod";
import { CRON_SORT_KEYS, MAX_SEARCH_LIMIT, schemas } from "@lgrs/runtime";
import { protectedProcedure, router } from "../trpc.ts";
import { date, uuid } from "../validators.ts";

const { jsonObject, sortOrder } = schemas;

const cronId = z.object({ cronId: uuid }).strict();

/** What each tick's run is asked to do. */
const payload = z
  .object({
    input: z.unknown().optional(),
    command: schemas.runCommand.optional(),
    config: schemas.runnableConfig.optional(),
    context: jsonObject.optional(),
    /** each run's metadata */
    metadata: jsonObject.optional(),
    streamMode: z.array(schemas.streamMode).min(1).optional(),
    streamSubgraphs: z.boolean().optional(),
    interruptBefore: schemas.nodeNames.optional(),
    interruptAfter: schemas.nodeNames.optional(),
    webhook: schemas.webhookUrl.optional(),
    /** a thread cron's runs when the thread is busy at a tick (default enqueue) */
    multitaskStrategy: schemas.multitaskStrategy.optional(),
    /** a stateless cron's thread once its run has ended (default delete) */
    onCompletion: schemas.onCompletion.optional(),
  })
  .strict();

const schedule = z.string().min(1).max(256);
const timezone = z.string().min(1).max(64).nullable();

export const cronsRouter = router({
  /** The caller's crons, newest first unless sorted otherwise, with `hasMore` when rows follow. */
  list: protectedProcedure
    .input(
      z
        .object({
          /** an assistant id, or a graph id for its default assistant */
          assistantId: z.string().min(1).optional(),
          threadId: uuid.optional(),
          enabled: z.boolean().optional(),
          metadata: jsonObject.optional(),
          sortBy: z.enum(CRON_SORT_KEYS).default("createdAt"),
          sortOrder: sortOrder.default("desc"),
          offset: z.number().int().min(0).default(0),
          limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).default(50),
        })
        .strict()
        .default({ sortBy: "createdAt", sortOrder: "desc", offset: 0, limit: 50 }),
    )
    .query(({ ctx, input }) => ctx.runtime.crons.search(ctx.caller, input)),

  get: protectedProcedure.input(cronId).query(({ ctx, input }) => ctx.runtime.crons.get(ctx.caller, input.cronId)),

  /** A cron on `threadId`, or stateless (null: each tick runs on a new thread). 5-field schedule, read in `timezone` (UTC when null). */
  create: protectedProcedure
    .input(
      z
        .object({
          assistantId: z.string().min(1),
          threadId: uuid.nullable().default(null),
          schedule,
          timezone: timezone.optional(),
          endTime: date.nullable().optional(),
          enabled: z.boolean().optional(),
          metadata: jsonObject.optional(),
          payload: payload.optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => ctx.runtime.crons.create(ctx.caller, input)),

  /** Changes a cron; a new schedule, zone or end time counts from now. `payload` is merged key by key. */
  update: protectedProcedure
    .input(
      z
        .object({
          cronId: uuid,
          schedule: schedule.optional(),
          timezone: timezone.optional(),
          endTime: date.nullable().optional(),
          enabled: z.boolean().optional(),
          metadata: jsonObject.optional(),
          payload: payload.optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input: { cronId, ...patch } }) => ctx.runtime.crons.update(ctx.caller, cronId, patch)),

  /** Pauses (`enabled: false`) or resumes a cron; resumed, it fires at its next tick from now. */
  pause: protectedProcedure
    .input(z.object({ cronId: uuid, paused: z.boolean() }).strict())
    .mutation(({ ctx, input }) => ctx.runtime.crons.setEnabled(ctx.caller, input.cronId, !input.paused)),

  /** Deletes the cron; the runs it made stay. */
  delete: protectedProcedure.input(cronId).mutation(async ({ ctx, input }) => {
    await ctx.runtime.crons.delete(ctx.caller, input.cronId);
    return { cronId: input.cronId, deleted: true as const };
  }),
});
