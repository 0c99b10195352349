import { z } from "zod";
import { protectedProcedure, router } from "../trpc.ts";

export const testingRouter = router({
  /**
   * Empties threads, runs, crons, the store, feedback and usage (users, keys and
   * assistants stay), for end-to-end suites between tests. Admin only, and only on a
   * server started with LGRS_TEST_MODE=1: FORBIDDEN otherwise.
   */
  resetData: protectedProcedure.input(z.object({}).strict().default({})).mutation(({ ctx }) => ctx.runtime.testData.resetData(ctx.caller)),
});
