import type { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Run } from "@lgrs/db";
import { NO_OBSERVER, type RunObserver, type TokenCall } from "./run-observer.ts";
import { RunTrace, traceCarrier } from "./run-tracing.ts";

/**
 * The one place the run manager and the executor report to: the embedding
 * process's observer (logs, metrics) and, when tracing is on, the run's spans.
 * With tracing off nothing of OpenTelemetry runs; with no observer, nothing at all.
 */
export class RunHooks {
  constructor(
    readonly observer: RunObserver = NO_OBSERVER,
    private readonly tracing = false,
  ) {}

  /** The trace context to store with a new run (undefined when tracing is off). */
  carrier(): Record<string, string> | undefined {
    return this.tracing ? traceCarrier() : undefined;
  }

  queued(run: Run): void {
    this.observer.queued(run);
  }

  /**
   * A run that ended without executing here: cancelled while pending, or failed
   * by the sweep that found its worker lost. The one who changed its status reports it.
   */
  endedElsewhere(run: Run): void {
    this.observer.ended(run, null);
  }

  subscribers(delta: 1 | -1): void {
    this.observer.subscribers(delta);
  }

  /** Follows one execution of a run, from its start to its end. */
  watch(): RunWatch {
    return new RunWatch(this.observer, this.tracing);
  }
}

export class RunWatch {
  /** graph callbacks the run adds (node spans, when tracing) */
  callbacks: BaseCallbackHandler[] = [];
  private startedAt: number | undefined;
  private trace: RunTrace | undefined;
  private eventSeen = false;
  private done = false;

  constructor(
    private readonly observer: RunObserver,
    private readonly tracing: boolean,
  ) {}

  started(run: Run, kwargs: Record<string, unknown>): void {
    this.startedAt = performance.now();
    // a resumed attempt waited for a lost worker, not in the queue
    const since = Math.max(run.createdAt.getTime(), run.notBefore?.getTime() ?? 0);
    this.observer.started(run, run.attempt === 1 ? Math.max(0, Date.now() - since) : null);
    if (this.tracing) {
      this.trace = new RunTrace(run, kwargs);
      this.callbacks = [this.trace.nodes];
    }
  }

  /** Called for every event; only the first one costs anything. */
  event(run: Run): void {
    if (this.eventSeen) return;
    this.eventSeen = true;
    this.observer.firstEvent(run, Math.max(0, Date.now() - run.createdAt.getTime()));
  }

  tokens(call: TokenCall): void {
    this.observer.tokens(call);
  }

  /**
   * The run's end, reported once whoever sees it first: the execution, or the
   * shutdown that stopped waiting for it.
   */
  ended(run: Run): void {
    if (this.done) return;
    this.done = true;
    this.trace?.end(run);
    this.observer.ended(run, this.startedAt === undefined ? null : performance.now() - this.startedAt);
  }

  /**
   * The execution stopped here without ending the run: its lease went to another
   * worker, which resumes it (and reports its end), or a sweep failed it (and reported that).
   */
  lost(run: Run): void {
    if (this.done) return;
    this.done = true;
    this.trace?.end(run);
  }
}
