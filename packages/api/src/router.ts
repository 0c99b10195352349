import { accountRouter } from "./routers/account.ts";
import { assistantsRouter } from "./routers/assistants.ts";
import { cronsRouter } from "./routers/crons.ts";
import { feedbackRouter } from "./routers/feedback.ts";
import { graphsRouter } from "./routers/graphs.ts";
import { runsRouter } from "./routers/runs.ts";
import { testingRouter } from "./routers/testing.ts";
import { threadsRouter } from "./routers/threads.ts";
import { usageRouter } from "./routers/usage.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  account: accountRouter,
  assistants: assistantsRouter,
  crons: cronsRouter,
  feedback: feedbackRouter,
  graphs: graphsRouter,
  runs: runsRouter,
  testing: testingRouter,
  threads: threadsRouter,
  usage: usageRouter,
});

/** The API's type: what typed clients (`createTRPCClient<AppRouter>`) are built from. */
export type AppRouter = typeof appRouter;
