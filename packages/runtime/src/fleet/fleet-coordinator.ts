import type { CancelRequest, Lease, LeasesRepository, Run } from "@lgrs/db";
import type { CancelAction } from "../enums.ts";
import type { ExecutionHost, RunCoordinator } from "../runs/coordinator.ts";
import type { FleetSignals } from "./signals.ts";

export interface FleetCoordinatorOptions {
  /** this member executes runs (false: it only serves requests) */
  worker: boolean;
  /** runs executing at once here */
  capacity: number;
  /** how long a claim holds without a heartbeat */
  leaseMs: number;
  /** executions of a run before a lost worker makes it `error` */
  maxAttempts: number;
  /** recorded on the runs this member executes */
  workerId: string;
  logError(err: unknown): void;
}

/**
 * A fleet member's side of the shared queue. PostgreSQL holds the queue: a
 * worker claims the oldest runnable run (SKIP LOCKED), renews its lease every
 * third of the lease time, and stops a run at once when its lease is gone. Redis
 * only makes things quick: a created run or a freed thread wakes idle workers,
 * and a cancel reaches the executing member at once. What Redis may miss is still
 * found: cancels at the next heartbeat (the request is on the run row), runs at the
 * next sweep, which every member makes every half lease, taking back expired leases.
 */
export class FleetCoordinator implements RunCoordinator {
  readonly shared = true;
  private host: ExecutionHost | undefined;
  private executing = 0;
  private paused = false;
  private pumping = false;
  private pumpAgain = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private notBeforeTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly leases: LeasesRepository,
    private readonly signals: FleetSignals,
    private readonly options: FleetCoordinatorOptions,
  ) {}

  attach(host: ExecutionHost): void {
    this.host = host;
  }

  async start(): Promise<void> {
    await this.sweep();
    this.unsubscribe.push(
      this.signals.onWake(() => this.pump()),
      this.signals.onCancel((runId, action) => this.host!.stop(runId, action)),
      // messages may have been missed while the connection was down
      this.signals.onReconnect(() => {
        this.pump();
        void this.heartbeat();
      }),
    );
    const { leaseMs } = this.options;
    this.every(leaseMs / 3, () => this.heartbeat());
    // members sweep at slightly different paces, so they rarely sweep together
    this.every(leaseMs / 2 + Math.floor(Math.random() * (leaseMs / 10)), () => this.sweep());
    this.pump();
  }

  enqueue(_run: Run): void {
    this.signals.wake();
    this.pump();
  }

  dequeue(_runId: string): void {
    // the run is pending in the database: cancelling it there is what keeps it from being claimed
  }

  wake(): void {
    this.signals.wake();
    this.pump();
  }

  async cancelElsewhere(runId: string, action: CancelAction): Promise<boolean> {
    if (!(await this.leases.requestCancel(runId, action))) return false;
    this.signals.cancel(runId, action);
    return true;
  }

  finished(_runId: string): void {
    this.executing--;
    // its thread may be free for its next run, here or on another worker
    this.signals.wake();
    this.pump();
  }

  pause(): void {
    this.paused = true;
    clearTimeout(this.notBeforeTimer);
  }

  async release(lease: Lease): Promise<boolean> {
    const released = await this.leases.release(lease);
    if (released) this.signals.wake();
    return released;
  }

  async close(): Promise<void> {
    this.paused = true;
    clearTimeout(this.notBeforeTimer);
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    for (const stop of this.unsubscribe.splice(0)) stop();
  }

  /** Claims runs while there is capacity; a call during a pump makes that pump look once more. */
  private pump(): void {
    if (!this.options.worker || this.paused || !this.host) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void (async () => {
      try {
        do {
          this.pumpAgain = false;
          while (!this.paused && this.executing < this.options.capacity) {
            const claim = await this.leases.claim(this.options.workerId, this.options.leaseMs);
            if (!claim) break;
            this.executing++;
            this.host!.execute({ runId: claim.run.id, run: claim.run, lease: claim.lease });
          }
        } while (this.pumpAgain && !this.paused);
        await this.wakeForNotBefore();
      } catch (err) {
        this.options.logError(err);
      } finally {
        this.pumping = false;
      }
    })();
  }

  /** One timer for the earliest run waiting for its not-before time (any member's). */
  private async wakeForNotBefore(): Promise<void> {
    clearTimeout(this.notBeforeTimer);
    if (this.paused) return;
    const next = await this.leases.nextNotBefore();
    if (!next) return;
    this.notBeforeTimer = setTimeout(() => this.pump(), Math.max(0, next.getTime() - Date.now()) + 5);
    this.notBeforeTimer.unref();
  }

  private async heartbeat(): Promise<void> {
    const leases = this.host?.leases() ?? [];
    if (leases.length === 0) return;
    let held: Map<string, CancelRequest | null>;
    try {
      held = await this.leases.renewAll(leases, this.options.leaseMs);
    } catch (err) {
      // the database is unreachable: the leases may run out, and then a sweep hands the runs on
      this.options.logError(err);
      return;
    }
    for (const lease of leases) {
      if (!held.has(lease.runId)) this.host!.stop(lease.runId, "lost");
      else {
        const cancel = held.get(lease.runId);
        if (cancel) this.host!.stop(lease.runId, cancel);
      }
    }
  }

  private async sweep(): Promise<void> {
    try {
      const swept = await this.leases.sweep(this.options.maxAttempts);
      if (swept.requeued.length + swept.failed.length + swept.cancelled.length > 0) await this.host!.swept(swept);
      if (swept.requeued.length > 0) this.signals.wake();
    } catch (err) {
      this.options.logError(err);
    }
    // the safety net for a wake-up Redis lost: an idle worker looks at the queue every half lease
    this.pump();
  }

  private every(ms: number, task: () => Promise<void>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      void task().finally(() => (running = false));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
