import { tracked } from "@trpc/server";
import { z } from "zod";
import { MAX_SEARCH_LIMIT, schemas, THREAD_SORT_KEYS } from "@lgrs/runtime";
import { toTRPCError } from "../errors.ts";
import { protectedProcedure, router } from "../trpc.ts";
import { page, uuid } from "../validators.ts";

const { jsonObject, threadStatus, ifExists, sortOrder } = schemas;

const threadId = z.object({ threadId: uuid }).strict();

/** A thread's time to live: after `minutes` it is deleted, or kept with its latest checkpoint only. */
const ttl = z.object({ strategy: schemas.pruneStrategy.default("delete"), minutes: schemas.ttlMinutes }).strict();

/** What a search or count matches: every condition given. */
const filters = {
  /** only these threads */
  ids: z.array(uuid).max(MAX_SEARCH_LIMIT).optional(),
  status: threadStatus.optional(),
  /** top-level keys of the metadata, each equal */
  metadata: jsonObject.optional(),
  /** top-level keys of the thread's current values, each equal */
  values: jsonObject.optional(),
};

export const threadsRouter = router({
  create: protectedProcedure
    .input(
      z
        .object({
          /** choose the id (a UUID); one is made when omitted */
          threadId: uuid.optional(),
          metadata: jsonObject.optional(),
          /** when a thread with this id exists: fail (default) or return it */
          ifExists: ifExists.default("raise"),
          /** the thread expires this long after now */
          ttl: ttl.optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => ctx.runtime.threads.create(ctx.caller, input)),

  get: protectedProcedure.input(threadId).query(({ ctx, input }) => ctx.runtime.threads.get(ctx.caller, input.threadId)),

  /** Newest first, a page at a time (`nextCursor`), for lists that scroll; `owners` names the owners of the page's threads. */
  list: protectedProcedure
    .input(
      z
        .object({
          status: threadStatus.optional(),
          metadata: jsonObject.optional(),
          values: jsonObject.optional(),
          /** an admin's filter: this operator's threads (a user sees only their own whatever it says) */
          ownerId: z.string().min(1).max(200).optional(),
          /** contained, ignoring case, in the thread id, metadata or current values */
          text: z.string().max(200).optional(),
          ...page,
        })
        .strict()
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => ctx.runtime.threads.list(ctx.caller, input)),

  /** One page in any order from any offset (`hasMore` when rows follow). */
  search: protectedProcedure
    .input(
      z
        .object({
          ...filters,
          sortBy: z.enum(THREAD_SORT_KEYS).default("createdAt"),
          sortOrder: sortOrder.default("desc"),
          offset: z.number().int().min(0).default(0),
          limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).default(10),
        })
        .strict()
        .default({ sortBy: "createdAt", sortOrder: "desc", offset: 0, limit: 10 }),
    )
    .query(({ ctx, input }) => ctx.runtime.threads.search(ctx.caller, input)),

  count: protectedProcedure
    .input(z.object(filters).strict().default({}))
    .query(({ ctx, input }) => ctx.runtime.threads.count(ctx.caller, input)),

  /** Merges `metadata` into the thread's; `ttl` sets its time to live from now (null removes it). */
  update: protectedProcedure
    .input(z.object({ threadId: uuid, metadata: jsonObject.optional(), ttl: ttl.nullable().optional() }).strict())
    .mutation(({ ctx, input }) => ctx.runtime.threads.update(ctx.caller, input.threadId, { metadata: input.metadata, ttl: input.ttl })),

  /** Merges `metadata` into the metadata of the latest checkpoint (or `checkpointId`'s), making no new checkpoint. */
  patchState: protectedProcedure
    .input(z.object({ threadId: uuid, metadata: jsonObject, checkpointId: z.string().min(1).optional() }).strict())
    .mutation(({ ctx, input }) =>
      ctx.runtime.threads.patchState(ctx.caller, input.threadId, { metadata: input.metadata, checkpointId: input.checkpointId }),
    ),

  /** Deletes the caller's threads among `threadIds`, or keeps each with only its latest checkpoint; how many were pruned. */
  prune: protectedProcedure
    .input(z.object({ threadIds: z.array(uuid).min(1).max(1000), strategy: schemas.pruneStrategy.default("delete") }).strict())
    .mutation(({ ctx, input }) => ctx.runtime.threads.prune(ctx.caller, input.threadIds, input.strategy)),

  /**
   * The thread's stream: every run's events (`run_modes`), each run's start and end
   * (`lifecycle`), the state each run left (`state_update`), live, until the client
   * leaves. Each event is tracked by its thread-wide id, so a reconnecting client
   * resumes right after the last one it had.
   */
  stream: protectedProcedure
    .input(
      z
        .object({
          threadId: uuid,
          lastEventId: z.string().min(1).max(100).nullish(),
          streamMode: z.array(schemas.threadStreamMode).min(1).optional(),
        })
        .strict(),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      try {
        const events = await ctx.runtime.threads.stream(ctx.caller, input.threadId, {
          lastEventId: input.lastEventId ?? undefined,
          modes: input.streamMode,
          signal,
        });
        for await (const e of events) yield tracked(e.id, { event: e.event, data: e.data });
      } catch (err) {
        throw toTRPCError(err);
      }
    }),

  /** Deletes the thread with its runs, events, checkpoints, feedback and usage; its in-flight runs are cancelled first. */
  delete: protectedProcedure.input(threadId).mutation(async ({ ctx, input }) => {
    await ctx.runtime.threads.delete(ctx.caller, input.threadId);
    return { threadId: input.threadId, deleted: true as const };
  }),

  /** A new thread of the caller with the same metadata and a copy of every checkpoint. */
  copy: protectedProcedure.input(threadId).mutation(({ ctx, input }) => ctx.runtime.threads.copy(ctx.caller, input.threadId)),

  /** Current values, next nodes and pending interrupts (or those of one checkpoint). */
  state: protectedProcedure
    .input(z.object({ threadId: uuid, checkpointId: z.string().min(1).optional(), subgraphs: z.boolean().optional() }).strict())
    .query(({ ctx, input }) =>
      ctx.runtime.threads.state(ctx.caller, input.threadId, { checkpointId: input.checkpointId, subgraphs: input.subgraphs }),
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
      const rows = await ctx.runtime.threads.history(ctx.caller, input.threadId, {
        limit: input.limit + 1,
        before: input.cursor ?? undefined,
      });
      const items = rows.slice(0, input.limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > input.limit && last?.checkpoint ? last.checkpoint.checkpointId : null };
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
      ctx.runtime.threads.updateState(ctx.caller, input.threadId, {
        values: input.values,
        asNode: input.asNode,
        checkpointId: input.checkpointId,
      }),
    ),
});
