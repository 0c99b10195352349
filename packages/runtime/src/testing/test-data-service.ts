import { ALL, IN_FLIGHT, type ResetCounts } from "@lgrs/db";
import type { Actor } from "../actor.ts";
import { ForbiddenError } from "../errors.ts";
import type { RuntimeContext } from "../runs/context.ts";
import type { RunManager } from "../runs/run-manager.ts";

export type { ResetCounts };

/**
 * What end-to-end suites need of the server itself: an empty slate between tests
 * without a restart. Destructive for every user, so it is off unless the process
 * was started in test mode, and only an admin may call it.
 */
export class TestDataService {
  constructor(
    private readonly ctx: RuntimeContext,
    private readonly manager: RunManager,
    private readonly enabled: boolean,
  ) {}

  /**
   * Cancels the runs in flight (waiting for each to stop, so none writes after the
   * reset), then deletes every thread, run, cron, feedback, token usage, checkpoint
   * and store item. Users, API keys and assistants stay.
   */
  async resetData(actor: Actor): Promise<ResetCounts> {
    if (!this.enabled) throw new ForbiddenError("resetData is only served in test mode: start the server with LGRS_TEST_MODE=1");
    if (!("all" in actor.scope)) throw new ForbiddenError("resetData needs an admin: it empties every user's data");
    const { repos } = this.ctx;
    const inFlight = await repos.runs.select(ALL, { status: [...IN_FLIGHT] });
    // newest first, as cancelMany: a thread's queued runs go before its running one ends and would let them start
    for (const run of inFlight.reverse()) {
      await this.manager.cancel(ALL, run.id, { action: "interrupt", wait: true }).catch((err: unknown) => {
        // a run that ended (or was removed) meanwhile is what we wanted
        if (!(err instanceof Error && err.name === "NotFoundError")) throw err;
      });
    }
    return repos.testData.emptyAll();
  }
}
