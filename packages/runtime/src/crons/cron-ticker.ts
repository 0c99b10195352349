import { ALL, type Cron } from "@lgrs/db";
import { ShuttingDownError, TickTakenError } from "../errors.ts";
import type { RuntimeContext } from "../runs/context.ts";
import type { RunManager } from "../runs/run-manager.ts";
import type { CreateRunRequest } from "../runs/types.ts";
import type { CronRunPayload } from "./cron-payload.ts";
import { nextTick } from "./schedule.ts";

export interface CronTickerOptions {
  /**
   * The longest the ticker sleeps without looking at the database: crons created
   * or changed on another instance of a fleet are seen within this (default 30 s).
   * Changes made on this instance wake it at once.
   */
  recheckMs?: number;
  /** due crons handled per round (default 50); a longer backlog takes more rounds */
  batch?: number;
}

export const DEFAULT_CRON_RECHECK_MS = 30_000;
/**
 * The soonest the ticker looks again when a cron is still due after a round: one
 * that failed (the database refused a write) is retried, but not in a tight loop.
 */
const RETRY_MS = 1000;
/** batches of due crons per round; a longer backlog goes on in the next round */
const MAX_BATCHES = 20;

/**
 * Fires crons. It sleeps until the next tick due in the database (never longer
 * than `recheckMs`), then for each due cron claims the tick and creates its run in
 * one transaction: the claim moves `nextRunAt` from the value read to the next
 * tick only if it still holds that value, so when several instances wake for the
 * same tick exactly one creates the run, and a crash cannot leave a claim without
 * its run or the reverse. The run records its tick, and the database takes one run
 * per cron and tick: a second one could not be stored even if a claim were won twice.
 *
 * Missed ticks (the server was down, or busy past a tick): a cron whose tick is
 * in the past fires once, as soon as the ticker sees it, and its next tick is
 * counted from now; the ticks missed in between are not replayed.
 */
export class CronTicker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** a poke arrived during a round: look again right after it */
  private again = false;
  private stopped = true;
  /** a cron of the last round failed to fire: it is still due */
  private failed = false;
  private readonly recheckMs: number;
  private readonly batch: number;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly manager: RunManager,
    options: CronTickerOptions = {},
  ) {
    this.recheckMs = options.recheckMs ?? DEFAULT_CRON_RECHECK_MS;
    this.batch = options.batch ?? 50;
  }

  start(): void {
    this.stopped = false;
    this.poke();
  }

  /** A cron was created or changed: the next tick may be sooner than the one the timer waits for. */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** No more rounds; waits for the one under way, so no run is created after this resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    // unref: a pending tick never keeps a process alive that is otherwise done
    this.timer = setTimeout(() => void this.round(), Math.max(0, delayMs)).unref();
  }

  private round(): Promise<void> {
    if (this.stopped || this.running) return Promise.resolve();
    this.running = (async () => {
      this.failed = false;
      try {
        await this.fireDue();
      } catch (err) {
        this.failed = true;
        this.ctx.logError(err);
      }
      let delay = this.recheckMs;
      try {
        const next = await this.ctx.repos.crons.nextDue();
        if (next) {
          const wait = next.getTime() - Date.now();
          // still due after a round with a failure: retried after a pause, not in a tight loop
          delay = Math.min(delay, wait > 0 ? wait : this.failed ? RETRY_MS : 0);
        }
      } catch (err) {
        this.ctx.logError(err);
      }
      this.running = undefined;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        delay = 0;
      }
      this.schedule(delay);
    })();
    return this.running;
  }

  private async fireDue(): Promise<void> {
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const due = await this.ctx.repos.crons.due(new Date(), this.batch);
      for (const cron of due) {
        if (this.stopped) return;
        await this.fire(cron).catch((err: unknown) => {
          this.failed = true;
          this.ctx.logError(err);
        });
      }
      if (due.length < this.batch) return;
    }
  }

  /** One tick of one cron: its run, or, when no run can be made, the tick passed over. */
  private async fire(cron: Cron): Promise<void> {
    const from = cron.nextRunAt!;
    const schedule = { expression: cron.schedule, timezone: cron.timezone };
    // counted from now, not from the tick: a late tick fires once and the schedule resumes
    const now = new Date();
    const to = nextTick(schedule, now.getTime() > from.getTime() ? now : from, cron.endTime);
    const claim = { cronId: cron.id, from, to };
    if (cron.endTime && from.getTime() >= cron.endTime.getTime()) {
      await this.ctx.repos.crons.claim({ ...claim, to: null });
      return;
    }
    const payload = (cron.payload ?? {}) as CronRunPayload;
    const request: CreateRunRequest = {
      ...payload,
      threadId: cron.threadId,
      assistantId: cron.assistantId,
      metadata: payload.metadata,
      multitaskStrategy: cron.threadId ? (payload.multitaskStrategy ?? "enqueue") : undefined,
      onCompletion: cron.threadId ? undefined : (payload.onCompletion ?? "delete"),
    };
    try {
      // the owner creates it; the thread was checked as theirs when the cron was made
      await this.manager.create({ userId: cron.ownerId, scope: ALL }, request, undefined, claim);
    } catch (err) {
      if (err instanceof TickTakenError) return;
      // left due: the next start fires it (the missed-tick rule)
      if (err instanceof ShuttingDownError) return;
      // the thread busy under `reject`, its graph gone...: this tick has no run, the next one may
      if (await this.ctx.repos.crons.claim(claim)) {
        this.ctx.logError(new Error(`cron ${cron.id}: the tick of ${from.toISOString()} made no run: ${(err as Error).message}`));
      }
    }
  }
}
