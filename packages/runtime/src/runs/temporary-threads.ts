import { ALL } from "@lgrs/db";
import type { RuntimeContext } from "./context.ts";

/**
 * Who is holding which thread. One process counts in memory; a fleet counts in
 * Redis, because the waiter and the worker that ends the run are often different
 * members.
 */
export interface ThreadHolds {
  acquire(threadId: string): Promise<void>;
  /** Gives one hold back; resolves with how many are left. */
  release(threadId: string): Promise<number>;
  isHeld(threadId: string): Promise<boolean>;
}

export class MemoryThreadHolds implements ThreadHolds {
  private readonly holds = new Map<string, number>();

  async acquire(threadId: string): Promise<void> {
    this.holds.set(threadId, (this.holds.get(threadId) ?? 0) + 1);
  }

  async release(threadId: string): Promise<number> {
    const left = (this.holds.get(threadId) ?? 1) - 1;
    if (left > 0) this.holds.set(threadId, left);
    else this.holds.delete(threadId);
    return Math.max(left, 0);
  }

  async isHeld(threadId: string): Promise<boolean> {
    return this.holds.has(threadId);
  }
}

/**
 * A stateless run's thread is temporary: once the run has ended (and nothing else
 * is in flight on it) the thread is deleted with its runs and checkpoints, unless
 * the run was created with `onCompletion: "keep"`. The run row records the choice,
 * so the deletion is carried out after a restart too (`sweep` at start-up).
 *
 * A client waiting for such a run reads its outcome from the thread, so it holds
 * the thread until it has: a deletion that comes due meanwhile waits for the last
 * hold to be released, by whichever member releases it.
 */
export class TemporaryThreads {
  constructor(
    private readonly ctx: RuntimeContext,
    private readonly holds: ThreadHolds = new MemoryThreadHolds(),
  ) {}

  /** Keeps the thread until the returned release is called (and awaited: it carries out a deletion that came due). */
  async hold(threadId: string): Promise<() => Promise<void>> {
    await this.holds.acquire(threadId);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      if ((await this.holds.release(threadId)) === 0) await this.settle(threadId);
    };
  }

  /** A run on the thread has ended: deletes the thread when it was temporary, its time is up and nobody holds it. */
  async settle(threadId: string): Promise<void> {
    if (await this.holds.isHeld(threadId)) return;
    for (const id of await this.ctx.repos.runs.expiredTemporaryThreads(threadId)) await this.ctx.repos.threads.delete(ALL, id);
  }

  /** Start-up: deletes the temporary threads whose deletion a restart cut short. */
  async sweep(): Promise<string[]> {
    const expired = await this.ctx.repos.runs.expiredTemporaryThreads();
    const deleted: string[] = [];
    for (const id of expired) {
      if (await this.holds.isHeld(id)) continue;
      await this.ctx.repos.threads.delete(ALL, id);
      deleted.push(id);
    }
    return deleted;
  }
}
