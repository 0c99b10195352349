/**
 * Decides which pending runs start, and when. Push-based: it looks again only
 * when a run is queued, when one finishes, or at the not-before time of a queued
 * run (one timer), never on a polling interval.
 *
 * Rules: at most `concurrency` runs execute at once; a thread runs one run at a
 * time, first-in first-out (a thread's later runs wait behind its first queued
 * one, even when that one is waiting for its not-before time).
 */
export interface QueuedRun {
  runId: string;
  threadId: string;
  /** epoch ms before which the run must not start */
  notBefore?: number;
}

export class Scheduler {
  private readonly queue: QueuedRun[] = [];
  private readonly running = new Map<string, string>(); // runId -> threadId
  private readonly busyThreads = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private paused = false;

  constructor(
    private readonly concurrency: number,
    private readonly start: (run: QueuedRun) => void,
  ) {}

  add(run: QueuedRun): void {
    this.queue.push(run);
    this.pump();
  }

  /** Takes a queued run out (cancelled before it started); false when it is not queued. */
  remove(runId: string): boolean {
    const i = this.queue.findIndex((q) => q.runId === runId);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    this.pump();
    return true;
  }

  isQueued(runId: string): boolean {
    return this.queue.some((q) => q.runId === runId);
  }

  finished(runId: string): void {
    const threadId = this.running.get(runId);
    if (threadId === undefined) return;
    this.running.delete(runId);
    this.busyThreads.delete(threadId);
    this.pump();
  }

  /** Stops starting runs (shutdown); queued runs stay pending in the database for the next start. */
  pause(): void {
    this.paused = true;
    clearTimeout(this.timer);
  }

  get runningCount(): number {
    return this.running.size;
  }

  private pump(): void {
    if (this.paused) return;
    clearTimeout(this.timer);
    const now = Date.now();
    let wakeAt = Infinity;
    const seen = new Set<string>();
    for (const q of [...this.queue]) {
      if (this.running.size >= this.concurrency) break;
      if (seen.has(q.threadId)) continue; // only a thread's first queued run may start
      seen.add(q.threadId);
      if (this.busyThreads.has(q.threadId)) continue;
      if (q.notBefore !== undefined && q.notBefore > now) {
        wakeAt = Math.min(wakeAt, q.notBefore);
        continue;
      }
      this.queue.splice(this.queue.indexOf(q), 1);
      this.running.set(q.runId, q.threadId);
      this.busyThreads.add(q.threadId);
      this.start(q);
    }
    if (wakeAt !== Infinity) {
      this.timer = setTimeout(() => this.pump(), wakeAt - now);
      this.timer.unref();
    }
  }
}
