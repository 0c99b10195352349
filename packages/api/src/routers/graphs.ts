import { z } from "zod";
import { protectedProcedure, router } from "../trpc.ts";

export const graphsRouter = router({
  /** What this server serves: each graph's version (content hash, load time), the graphs that failed, the last reload's config error. */
  status: protectedProcedure.input(z.object({}).strict().optional()).query(({ ctx }) => ctx.runtime.graphs.status()),

  /**
   * Loads langgraph.json and the graph files again, here and on every member of a
   * fleet (admins only; NOT_FOUND to anyone else). Runs executing keep their code;
   * a graph that fails keeps its previous version serving and is listed in `failed`.
   */
  reload: protectedProcedure.input(z.object({}).strict().optional()).mutation(({ ctx }) => ctx.runtime.graphs.reload(ctx.caller)),
});
