import { z } from "zod";
import { ASSISTANT_SORT_KEYS, MAX_SEARCH_LIMIT, schemas } from "@lgrs/runtime";
import { protectedProcedure, router } from "../trpc.ts";
import { page, uuid } from "../validators.ts";

const { jsonObject, runnableConfig, ifExists, sortOrder } = schemas;

/** An assistant's id, or a graph id standing for that graph's default assistant. */
const assistantRef = z.object({ assistantId: z.string().min(1) }).strict();

/** What an assistant is made of: set on create, changed by update. */
const fields = {
  /** defaults to the graph id */
  name: z.string().min(1).optional(),
  description: z.string().nullable().optional(),
  config: runnableConfig.optional(),
  context: jsonObject.nullable().optional(),
  metadata: jsonObject.optional(),
};

/** What a search or count matches: every condition given. */
const filters = {
  graphId: z.string().min(1).optional(),
  /** top-level keys of the metadata, each equal */
  metadata: jsonObject.optional(),
  /** a part of the name, any case */
  name: z.string().min(1).optional(),
};

export const assistantsRouter = router({
  /** Newest first, a page at a time (`nextCursor`), for lists that scroll. */
  list: protectedProcedure
    .input(
      z
        .object({ graphId: z.string().min(1).optional(), metadata: jsonObject.optional(), ...page })
        .strict()
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => ctx.runtime.assistants.list(ctx.caller, input)),

  /** One page in any order from any offset (`hasMore` when rows follow). */
  search: protectedProcedure
    .input(
      z
        .object({
          ...filters,
          sortBy: z.enum(ASSISTANT_SORT_KEYS).default("createdAt"),
          sortOrder: sortOrder.default("desc"),
          offset: z.number().int().min(0).default(0),
          limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).default(10),
        })
        .strict()
        .default({ sortBy: "createdAt", sortOrder: "desc", offset: 0, limit: 10 }),
    )
    .query(({ ctx, input }) => ctx.runtime.assistants.search(ctx.caller, input)),

  count: protectedProcedure
    .input(z.object(filters).strict().default({}))
    .query(({ ctx, input }) => ctx.runtime.assistants.count(ctx.caller, input)),

  /** The assistant with its graph's node and edge shape (null when the graph is not loaded). */
  get: protectedProcedure.input(assistantRef).query(({ ctx, input }) => ctx.runtime.assistants.describe(ctx.caller, input.assistantId)),

  /** A new assistant on a loaded graph; `metadata.created_by: "system"` is reserved for the default assistants. */
  create: protectedProcedure
    .input(
      z
        .object({
          graphId: z.string().min(1),
          /** choose the id (a UUID); one is made when omitted */
          assistantId: uuid.optional(),
          /** when an assistant with this id exists: fail (default) or return it */
          ifExists: ifExists.default("raise"),
          ...fields,
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => ctx.runtime.assistants.create(ctx.caller, input)),

  /** A new version: the given fields replace the current ones, metadata is merged. The default assistants cannot be changed. */
  update: protectedProcedure
    .input(z.object({ assistantId: z.string().min(1), graphId: z.string().min(1).optional(), ...fields }).strict())
    .mutation(({ ctx, input }) => {
      const { assistantId, ...patch } = input;
      return ctx.runtime.assistants.update(ctx.caller, assistantId, patch);
    }),

  /** Deletes the assistant and its runs (refused while one is in flight); `deleteThreads` also the caller's threads it ran on. */
  delete: protectedProcedure
    .input(z.object({ assistantId: z.string().min(1), deleteThreads: z.boolean().default(false) }).strict())
    .mutation(async ({ ctx, input }) => {
      await ctx.runtime.assistants.delete(ctx.caller, input.assistantId, { deleteThreads: input.deleteThreads });
      return { assistantId: input.assistantId, deleted: true as const };
    }),

  /** The assistant's versions, newest first. */
  versions: protectedProcedure
    .input(
      z
        .object({
          assistantId: z.string().min(1),
          metadata: jsonObject.optional(),
          offset: z.number().int().min(0).default(0),
          limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).default(10),
        })
        .strict(),
    )
    .query(({ ctx, input }) => {
      const { assistantId, ...options } = input;
      return ctx.runtime.assistants.versions(ctx.caller, assistantId, options);
    }),

  /** Makes one of the assistant's versions the current one (what `get` answers and new runs use); no version is added. */
  setLatest: protectedProcedure
    .input(z.object({ assistantId: z.string().min(1), version: z.number().int().min(1) }).strict())
    .mutation(({ ctx, input }) => ctx.runtime.assistants.setLatest(ctx.caller, input.assistantId, input.version)),
});
