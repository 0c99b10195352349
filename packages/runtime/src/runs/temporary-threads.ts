import { ALL } from "@lgrs/db";
import type { RuntimeContext } from "./context.ts";

/**
 * A stateless run's thread is temporary: once the run has ended (and nothing else
 * is in flight on it) the thread is deleted with its runs and checkpoints, unless
 * the run was created with `onCompletion: "keep"`. The run row records the choice,
 * so the deletion is carried out after a restart too (`sweep` at start-up).
 *
 * A client waiting for such a run reads its outcome from the thread, so it holds
 * the thread until it has: a deletion that comes due meanwhile waits for the last
 * hold to be released.
 */
export class TemporaryThreads {
  private readonly holds = new Map<string, number>();

  constructor(private readonly ctx: RuntimeContext) {}

  /** Keeps the thread until the returned release is called (and awaited: it carries out a deletion that came due). */
  hold(threadId: string): () => Promise<void> {
    this.holds.set(threadId, (this.holds.get(threadId) ?? 0) + 1);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      const left = (this.holds.get(threadId) ?? 1) - 1;
      if (left > 0) {
        this.holds.set(threadId, left);
        return;
      }
      this.holds.delete(threadId);
      await this.settle(threadId);
    };
  }

  /** A run on the thread has ended: deletes the thread when it was temporary, its time is up and nobody holds it. */
  async settle(threadId: string): Promise<void> {
    if (this.holds.has(threadId)) return;
    for (const id of await this.ctx.repos.runs.expiredTemporaryThreads(threadId)) await this.ctx.repos.threads.delete(ALL, id);
  }

  /** Start-up: deletes the temporary threads whose deletion a restart cut short. */
  async sweep(): Promise<string[]> {
    const expired = await this.ctx.repos.runs.expiredTemporaryThreads();
    for (const id of expired) if (!this.holds.has(id)) await this.ctx.repos.threads.delete(ALL, id);
    return expired;
  }
}
