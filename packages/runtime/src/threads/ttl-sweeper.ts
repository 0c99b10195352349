import type { RuntimeContext } from "../runs/context.ts";

/** How often expired threads and store items are swept unless told otherwise (LangGraph's default is about 5 minutes). */
export const DEFAULT_TTL_SWEEP_MS = 5 * 60_000;
/** Threads handled per sweep: a backlog is worked off over the following sweeps. */
const THREADS_PER_SWEEP = 200;

export interface SweepResult {
  /** expired threads deleted (strategy `delete`) */
  deleted: number;
  /** expired threads cut to their latest checkpoint (strategy `keep_latest`) */
  pruned: number;
  /** expired store items deleted */
  items: number;
}

/**
 * Acts on what has outlived its time to live: an expired thread is deleted, or cut to
 * its latest checkpoint (its ttl strategy), once no run of it is in flight; expired
 * store items are deleted (they are invisible from the moment they expire). Every member
 * of a fleet may sweep at once: each deletion and clearing is conditional on the expiry
 * the sweep read, so a thread is acted on once and a ttl changed meanwhile is honoured.
 */
export class TtlSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepResult> | undefined;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.sweep().catch(this.ctx.logError), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** One sweep; a call while one runs waits for that one. */
  sweep(now = new Date()): Promise<SweepResult> {
    this.running ??= this.sweepOnce(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepOnce(now: Date): Promise<SweepResult> {
    const { repos, checkpointer, store } = this.ctx;
    const result: SweepResult = { deleted: 0, pruned: 0, items: 0 };
    for (const thread of await repos.threads.expired(now, THREADS_PER_SWEEP)) {
      const expiresAt = thread.expiresAt!;
      // a thread in use is left for a later sweep: its run would lose what it stands on
      if ((await repos.runs.inFlight(thread.id)).length > 0) continue;
      try {
        if (thread.ttlStrategy === "keep_latest") {
          await checkpointer.pruneToLatest(thread.id);
          if (await repos.threads.clearExpiry(thread.id, expiresAt)) result.pruned++;
        } else if (await repos.threads.deleteExpired(thread.id, expiresAt)) {
          result.deleted++;
        }
      } catch (err) {
        this.ctx.logError(err);
      }
    }
    result.items = await store.sweepExpired(now);
    return result;
  }
}
