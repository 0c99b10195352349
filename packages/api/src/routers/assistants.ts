import { z } from "zod";
import { resolveAssistant } from "@lgrs/runtime";
import { protectedProcedure, router } from "../trpc.ts";
import { page } from "../validators.ts";

export const assistantsRouter = router({
  list: protectedProcedure
    .input(
      z
        .object({ graphId: z.string().min(1).optional(), ...page })
        .strict()
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => ctx.runtime.repos.assistants.list(input)),

  /** The assistant with its graph's node and edge shape (null when the graph is not loaded). */
  get: protectedProcedure.input(z.object({ assistantId: z.string().min(1) }).strict()).query(async ({ ctx, input }) => {
    const assistant = await resolveAssistant(ctx.runtime.repos, input.assistantId);
    const loaded = ctx.graphs.has(assistant.graphId);
    const graph = loaded
      ? (await ctx.graphs.describe(assistant.graphId, { config: assistant.config as Record<string, unknown> })).graph
      : null;
    return { ...assistant, graph };
  }),
});
