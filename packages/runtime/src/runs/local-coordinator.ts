import type { Lease, Run } from "@lgrs/db";
import type { Assignment, ExecutionHost, RunCoordinator } from "./coordinator.ts";
import { Scheduler } from "./scheduler.ts";

/** One process executes every run it admits: the in-memory scheduler decides when. */
export class LocalCoordinator implements RunCoordinator {
  readonly shared = false;
  private readonly scheduler: Scheduler;
  private host: ExecutionHost | undefined;
  /**
   * The queued runs as admitted: the executor starts from this row instead of reading
   * it again. Nothing else changes a queued run here (a cancel dequeues it first).
   */
  private readonly queued = new Map<string, Run>();

  constructor(concurrency: number) {
    this.scheduler = new Scheduler(concurrency, (q) => {
      const run = this.queued.get(q.runId);
      this.queued.delete(q.runId);
      this.startRun({ runId: q.runId, run });
    });
  }

  enqueue(run: Run): void {
    this.queued.set(run.id, run);
    this.scheduler.add({ runId: run.id, threadId: run.threadId, notBefore: run.notBefore?.getTime() });
  }

  dequeue(runId: string): void {
    this.queued.delete(runId);
    this.scheduler.remove(runId);
  }

  wake(): void {
    // the scheduler looks again by itself whenever its queue or its running runs change
  }

  async cancelElsewhere(): Promise<boolean> {
    return false;
  }

  finished(runId: string): void {
    this.scheduler.finished(runId);
  }

  attach(host: ExecutionHost): void {
    this.host = host;
  }

  async start(): Promise<void> {}

  pause(): void {
    this.scheduler.pause();
  }

  async release(_lease: Lease): Promise<boolean> {
    return false;
  }

  async close(): Promise<void> {
    this.scheduler.pause();
    this.queued.clear();
  }

  private startRun(assignment: Assignment): void {
    this.host!.execute(assignment);
  }
}
