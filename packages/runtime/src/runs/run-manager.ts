import { ALL, newId, type CronClaim, type Lease, type Run, type Scope, type Sweep } from "@lgrs/db";
import { MAX_AFTER_SECONDS } from "../input/limits.ts";
import type { Actor } from "../actor.ts";
import { resolveAssistant } from "../assistants/defaults.ts";
import { ConflictError, InvalidRequestError, NotFoundError, ShuttingDownError, TickTakenError } from "../errors.ts";
import type { RuntimeContext } from "./context.ts";
import { executeRun, settleThread } from "./execute-run.ts";
import { kwargsOf, withTrace } from "./kwargs.ts";
import type { Assignment, ExecutionHost, RunCoordinator, StopReason } from "./coordinator.ts";
import type { BridgeItem, SubscribeOptions } from "../bridge/index.ts";
import { TemporaryThreads, type ThreadHolds } from "./temporary-threads.ts";
import { webhookUrlProblem } from "./webhook-policy.ts";
import { SHUTDOWN_ERROR, shutdownNotice, stoppedBy, type RunStopReason } from "./stop-reason.ts";
import { isFinal, type CancelAction, type CreateRunRequest } from "./types.ts";
import type { RunWatch } from "../observe/run-hooks.ts";

export interface StreamOptions extends SubscribeOptions {
  /** cancel the run (interrupt) when the subscriber leaves before its end: `onDisconnect: "cancel"` */
  cancelOnDisconnect?: boolean;
}

/** How often a wait in a fleet looks at the database, in case Redis lost the run's end. */
const JOIN_SAFETY_MS = 10_000;

interface ActiveRun {
  abort: AbortController;
  action: CancelAction | undefined;
  /** set when a shutdown stopped the run: its stream ends with an error naming the shutdown */
  shutdown: boolean;
  /**
   * set when the run must write nothing more: shutdown recorded how it ended (one
   * process), or its lease is gone (lost, or released to another worker)
   */
  abandoned: boolean;
  lease: Lease | undefined;
  watch: RunWatch;
  done: Promise<Run>;
}

/**
 * Creates, schedules, cancels and awaits runs (DeerFlow's run manager semantics).
 * Create-or-reject is atomic per thread in the database; queued runs start as
 * soon as capacity and their thread allow (the coordinator decides where: this
 * process, or any worker of a fleet); cancellation works on pending and running
 * runs, with `interrupt` or `rollback`, from any member.
 */
export class RunManager {
  private readonly active = new Map<string, ActiveRun>();
  private accepting = true;
  /** stateless runs' threads, deleted once their run has ended */
  readonly temporary: TemporaryThreads;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly coordinator: RunCoordinator,
    holds?: ThreadHolds,
  ) {
    this.temporary = new TemporaryThreads(ctx, holds);
    const host: ExecutionHost = {
      execute: (assignment) => this.execute(assignment),
      stop: (runId, reason) => this.stopLocal(runId, reason),
      leases: () => [...this.active.values()].flatMap((a) => (a.lease && !a.abandoned ? [a.lease] : [])),
      swept: (sweep) => this.recordSweep(sweep),
    };
    coordinator.attach(host);
  }

  /**
   * Admits a run for `actor` (its owner) by the multitask strategy, and queues it.
   * `beforeQueue` runs once the run exists and before any worker can take it.
   * `tick`: the run is a cron's, created in the same transaction as the claim of
   * that tick; TickTakenError when another instance had claimed it (no run).
   */
  async create(actor: Actor, request: CreateRunRequest, beforeQueue?: (run: Run) => Promise<void>, tick?: CronClaim): Promise<Run> {
    if (!this.accepting) throw new ShuttingDownError();
    const after = request.afterSeconds;
    if (after !== undefined && !(after >= 0 && after <= MAX_AFTER_SECONDS)) {
      throw new InvalidRequestError(`afterSeconds must be from 0 to ${MAX_AFTER_SECONDS} (30 days), not ${after}`, {
        field: "afterSeconds",
      });
    }
    const { repos, graphs } = this.ctx;
    const assistant = await resolveAssistant(repos, request.assistantId);
    if (!graphs.has(assistant.graphId)) {
      throw new InvalidRequestError(`graph ${assistant.graphId} of assistant ${assistant.id} is not loaded on this server`);
    }
    if (request.webhook) {
      const problem = webhookUrlProblem(request.webhook, this.ctx.webhooks.policy);
      if (problem) throw new InvalidRequestError(`webhook ${problem}`, { field: "webhook" });
    }
    const strategy = request.multitaskStrategy ?? "reject";
    const stateless = request.threadId === null;
    const threadId = request.threadId ?? newId();
    const admission = await repos.runs.admit(
      actor.scope,
      {
        threadId,
        ownerId: actor.userId,
        assistantId: assistant.id,
        multitaskStrategy: strategy,
        kwargs: { ...withTrace(kwargsOf(request), this.ctx.hooks.carrier()) },
        metadata: request.metadata,
        notBefore: request.afterSeconds ? new Date(Date.now() + request.afterSeconds * 1000) : null,
        onCompletion: stateless ? (request.onCompletion ?? "delete") : null,
        cronId: tick?.cronId ?? null,
        cronTick: tick?.from ?? null,
      },
      {
        rejectIfBusy: strategy === "reject",
        createThread: stateless || request.ifNotExists === "create",
        threadMetadata: { graph_id: assistant.graphId, assistant_id: assistant.id },
        claim: tick,
      },
    );
    if (admission.kind === "claim-lost") throw new TickTakenError(tick!.cronId);
    if (admission.kind === "no-thread") throw new NotFoundError(`thread ${threadId} not found`);
    if (admission.kind === "busy") {
      throw new ConflictError(
        `thread ${threadId} already has a run in flight (${admission.inFlight[0]!.id}); the multitask strategy is reject`,
      );
    }
    const { run, inFlight } = admission;
    this.ctx.feed.emit(run);
    this.ctx.hooks.queued(run);
    if (strategy === "interrupt" || strategy === "rollback") {
      const reason = stoppedBy("multitask", strategy, { replacedBy: run.id });
      for (const previous of inFlight) await this.cancel(ALL, previous.id, { action: strategy, reason });
    }
    await beforeQueue?.(run);
    this.enqueue(run);
    return run;
  }

  /**
   * Stops a run. A pending run never starts; a running one is aborted and ends
   * `interrupted`, wherever it executes. With `rollback` its checkpoints and
   * writes are removed and it is marked rolled back. With `wait` this resolves once
   * the run has stopped. Cancelling a finished run changes nothing. `reason` (who or
   * what stops it) is recorded on the run first, where every member and door reads
   * it; the first reason a run gets stays.
   */
  async cancel(scope: Scope, runId: string, options: { action?: CancelAction; wait?: boolean; reason?: RunStopReason } = {}): Promise<Run> {
    const action = options.action ?? "interrupt";
    let run = await this.ctx.repos.runs.get(scope, runId);
    if (!run) throw new NotFoundError(`run ${runId} not found`);
    if (!isFinal(run.status)) {
      const reason = options.reason ?? { kind: "operator", action, at: new Date().toISOString() };
      if (await this.ctx.repos.runs.recordStopReason(runId, { ...reason })) run = { ...run, stopReason: { ...reason } };
    }
    // a run can move on between two reads (claimed, ended, requeued by a sweep): look again, a few times at most
    for (let look = 0; look < 5 && !isFinal(run.status); look++) {
      if (this.stopLocal(runId, action)) return options.wait ? (this.active.get(runId)?.done ?? this.join(ALL, runId)) : run;
      if (run.status === "pending") {
        this.coordinator.dequeue(runId);
        const stopped = await this.cancelPending(run, action);
        if (stopped) return stopped;
      } else if (await this.coordinator.cancelElsewhere(runId, action)) {
        return options.wait ? this.join(ALL, runId) : run;
      } else if (!this.coordinator.shared) {
        throw new ConflictError(`run ${runId} is executing in another server process and cannot be cancelled from here`);
      }
      run = (await this.ctx.repos.runs.get(ALL, runId)) ?? run;
    }
    return run;
  }

  /** Resolves with the run once it has a final status; rejects with the signal's reason once `signal` aborts. */
  async join(scope: Scope, runId: string, signal?: AbortSignal): Promise<Run> {
    signal?.throwIfAborted();
    let finished: (run: Run) => void = () => {};
    let gone: (reason: unknown) => void = () => {};
    const done = new Promise<Run>((resolve, reject) => {
      finished = resolve;
      gone = reject;
    });
    const onAbort = () => gone(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    // listen first, then read, so a status change between the two is not missed
    const stop = this.ctx.feed.subscribe((r) => r.id === runId && isFinal(r.status) && finished(r));
    // a fleet's feed is Redis pub/sub, which drops messages while a connection is down:
    // a slow look at the database makes sure a wait still ends
    const safety = this.coordinator.shared ? setInterval(() => void this.lookForEnd(runId, finished), JOIN_SAFETY_MS) : undefined;
    try {
      const run = await this.ctx.repos.runs.get(scope, runId);
      if (!run) throw new NotFoundError(`run ${runId} not found`);
      if (isFinal(run.status)) return run;
      return await done;
    } finally {
      stop();
      clearInterval(safety);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private async lookForEnd(runId: string, finished: (run: Run) => void): Promise<void> {
    const run = await this.ctx.repos.runs.get(ALL, runId).catch(() => null);
    if (run && isFinal(run.status)) finished(run);
  }

  /**
   * Start-up reconciliation: runs a previous process left `running` cannot be
   * continued (their process is gone), so they end `error` with the reason, and
   * so does their thread when that run was its latest; `pending` runs are queued
   * again, oldest first. Temporary threads whose stateless run has ended (before
   * the restart, or just now) are deleted.
   */
  async start(): Promise<void> {
    if (!this.coordinator.shared) await this.recover();
    else await this.temporary.sweep();
    await this.coordinator.start();
  }

  private async recover(): Promise<{ failed: Run[]; requeued: Run[] }> {
    const { repos } = this.ctx;
    const failed: Run[] = [];
    for (const stale of await repos.runs.withStatus(["running"])) {
      const run = await repos.runs.transition(stale.id, {
        status: "error",
        endedAt: new Date(),
        error: { type: "ServerRestart", message: "the server stopped while this run was running, so it did not finish" },
        // an earlier reason (an operator's cancel the process did not live to carry out) stays
        ...(stale.stopReason ? {} : { stopReason: { ...stoppedBy("shutdown", "interrupt", { detail: "worker_lost" }) } }),
      });
      failed.push(run);
      const latest = await repos.runs.latestOnThread(run.threadId);
      const others = (await repos.runs.inFlight(run.threadId)).length;
      if (latest?.id === run.id) await repos.threads.update(ALL, run.threadId, { status: "error" });
      else if (others === 0) await repos.threads.update(ALL, run.threadId, { status: "idle" });
    }
    await this.temporary.sweep();
    const requeued = await repos.runs.withStatus(["pending"]);
    for (const run of requeued) this.enqueue(run);
    return { failed, requeued };
  }

  /**
   * Graceful shutdown: take no new runs and start no queued ones (they stay
   * pending, for the next start or another worker), then wait for the running
   * ones, at most `timeoutMs`. One process cancels them first, and records a run
   * that ignores cancellation `interrupted` when the time is up; a fleet member lets
   * them go on and, when the time is up, releases what did not finish so another
   * worker resumes it from its last checkpoint. A run that finished meanwhile
   * keeps its real status.
   */
  async shutdown(timeoutMs = 5000): Promise<void> {
    this.accepting = false;
    this.coordinator.pause();
    const running = [...this.active.entries()];
    if (!this.coordinator.shared) {
      const reason = { ...stoppedBy("shutdown", "interrupt", { detail: "server_stopping" }) };
      for (const [runId, active] of running) {
        active.action ??= "interrupt";
        // recorded before the abort, so the run's end reads it; a run an operator was already stopping keeps that reason
        active.shutdown = await this.ctx.repos.runs.recordStopReason(runId, reason).catch((err: unknown) => {
          this.ctx.logError(err);
          return true;
        });
        active.abort.abort();
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    await Promise.race([Promise.allSettled(running.map(([, a]) => a.done)), timedOut]);
    clearTimeout(timer);
    for (const [runId, active] of running) {
      if (!this.active.has(runId)) continue;
      active.abandoned = true;
      if (active.lease) {
        await this.coordinator.release(active.lease).catch(this.ctx.logError);
        active.abort.abort();
        continue;
      }
      const run = await this.ctx.repos.runs.get(ALL, runId);
      if (run && !isFinal(run.status)) {
        const error = { type: "ShutdownTimeout", message: `the run did not stop within ${timeoutMs} ms of shutdown` };
        // its executor is abandoned and publishes nothing more: the stream's last word is said here
        await this.publishLast(runId, "error", { error: error.type, message: `${SHUTDOWN_ERROR.message} (${error.message})` });
        const stopped = await this.ctx.repos.runs.transition(runId, { status: "interrupted", endedAt: new Date(), error });
        this.ctx.live.end(runId, stopped.status);
        this.ctx.feed.emit(stopped);
        active.watch.ended(stopped);
        await this.temporary.settle(stopped.threadId).catch(this.ctx.logError);
      }
    }
    await this.coordinator.close();
  }

  get runningCount(): number {
    return this.active.size;
  }

  /** An event published and stored for a run whose executor will publish nothing more. */
  private async publishLast(runId: string, event: string, data: unknown): Promise<void> {
    try {
      const seq = this.ctx.live.publish(runId, event, data);
      await this.ctx.repos.events.append(runId, [{ seq, event, data }]);
    } catch (err) {
      // the log has ended meanwhile: the run's own end was published
      this.ctx.logError(err);
    }
  }

  /**
   * A run's events after `lastEventId`, then an end item: live from this process's
   * bridge while the run is here (or recently ended here), else replayed from the
   * database once it has finished. A run still executing in another process cannot
   * be streamed from here (ConflictError, before anything is read).
   */
  stream(run: Run, options: StreamOptions = {}): AsyncIterable<BridgeItem> {
    if (this.ctx.live.has(run.id)) return this.follow(run.id, options);
    if (!isFinal(run.status)) {
      // a fleet's logs are shared: any member follows any run in flight
      if (this.ctx.live.shared) return this.follow(run.id, options);
      throw new ConflictError(`run ${run.id} is ${run.status} in another server process: its live stream is not available from this one`);
    }
    return this.replay(run, options);
  }

  private async *follow(runId: string, options: StreamOptions): AsyncGenerator<BridgeItem> {
    let ended = false;
    let lastId = Math.max(options.lastEventId ?? 0, 0);
    this.ctx.hooks.subscribers(1);
    try {
      for await (const item of this.ctx.live.subscribe(runId, options)) {
        if (item.type === "end") ended = true;
        if (item.type === "event") lastId = item.id;
        if (item.type === "gap") {
          yield* this.fillGap(runId, item);
          lastId = item.toId;
        } else yield item;
      }
      // the bridge closed under a run that has not ended (still queued, or going on in
      // another fleet member): the stream says why it stops before its connection goes
      if (!ended && !this.accepting && !options.signal?.aborted) yield shutdownNotice(lastId);
    } finally {
      this.ctx.hooks.subscribers(-1);
      // the client went away before the end: onDisconnect "cancel" stops the run (not
      // when the server closed the stream: the run goes on, or starts, elsewhere or later)
      if (!ended && this.accepting && options.cancelOnDisconnect) {
        await this.cancel(ALL, runId, { reason: stoppedBy("on_disconnect", "interrupt") }).catch(this.ctx.logError);
      }
    }
  }

  private async *replay(run: Run, options: StreamOptions): AsyncGenerator<BridgeItem> {
    let cursor: string | null = null;
    let afterSeq = options.lastEventId !== undefined && options.lastEventId > 0 ? options.lastEventId : undefined;
    do {
      const page = await this.ctx.repos.events.list(run.id, { afterSeq, cursor, limit: 500 });
      for (const e of page.items) yield { type: "event", id: e.seq, event: e.event, data: e.data };
      cursor = page.nextCursor;
      afterSeq = undefined;
    } while (cursor && !options.signal?.aborted);
    yield { type: "end", status: run.status };
  }

  /**
   * Events the live log no longer has (trimmed, or lost while Redis was down),
   * read from the database instead; what it lacks too (not written yet) stays a gap.
   */
  private async *fillGap(runId: string, gap: { fromId: number; toId: number }): AsyncGenerator<BridgeItem> {
    let next = gap.fromId;
    let cursor: string | null = null;
    do {
      const page = await this.ctx.repos.events.list(runId, { afterSeq: cursor ? undefined : next - 1, cursor, limit: 500 });
      for (const e of page.items) {
        if (e.seq > gap.toId) return;
        if (e.seq > next) yield { type: "gap", fromId: next, toId: e.seq - 1 };
        yield { type: "event", id: e.seq, event: e.event, data: e.data };
        next = e.seq + 1;
      }
      cursor = page.nextCursor;
    } while (cursor);
    if (next <= gap.toId) yield { type: "gap", fromId: next, toId: gap.toId };
  }

  private enqueue(run: Run): void {
    this.ctx.live.open(run.id);
    this.coordinator.enqueue(run);
  }

  /** How many runs execute in this process now. */
  get executingHere(): number {
    return this.active.size;
  }

  /** Executes a run here; its end frees its place with the coordinator. */
  private execute(assignment: Assignment): void {
    const abort = new AbortController();
    const active: ActiveRun = {
      abort,
      action: undefined,
      shutdown: false,
      abandoned: false,
      lease: assignment.lease,
      watch: this.ctx.hooks.watch(),
      done: undefined as unknown as Promise<Run>,
    };
    active.done = (async () => {
      try {
        const run = assignment.run ?? (await this.ctx.repos.runs.get(ALL, assignment.runId));
        if (!run || isFinal(run.status)) return run!;
        const ended = await executeRun(this.ctx, run, {
          signal: abort.signal,
          cancelAction: () => active.action,
          stoppedByShutdown: () => active.shutdown,
          abandoned: () => active.abandoned,
          lease: assignment.lease,
          watch: active.watch,
        });
        // after an abandoned run, shutdown has settled its thread already (or another worker will);
        // a heartbeat can find a lease gone because the run has just ended here: that run still settles
        const endedHere = active.lease !== undefined && isFinal(ended.status) && ended.leaseToken === active.lease.token;
        // only a stateless run's thread is temporary: the others have nothing to look up
        const temporary = ended.onCompletion === "delete";
        if (temporary && (!active.abandoned || endedHere)) await this.temporary.settle(ended.threadId).catch(this.ctx.logError);
        return ended;
      } finally {
        this.active.delete(assignment.runId);
        this.coordinator.finished(assignment.runId);
      }
    })();
    active.done.catch(this.ctx.logError);
    this.active.set(assignment.runId, active);
  }

  /** Stops a run executing here: a cancel (rollback is never weakened by a later interrupt), or a lost lease. */
  private stopLocal(runId: string, reason: StopReason): boolean {
    const active = this.active.get(runId);
    if (!active) return false;
    if (reason === "lost") active.abandoned = true;
    else if (active.action !== "rollback") active.action = reason;
    active.abort.abort();
    return true;
  }

  /**
   * What a sweep of expired leases decided, told to everyone: requeued runs are
   * pending again; failed and cancelled runs have ended, so their threads settle,
   * their logs end, and a cancelled rollback removes what the run wrote.
   */
  private async recordSweep(sweep: Sweep): Promise<void> {
    for (const run of sweep.requeued) this.ctx.feed.emit(run);
    const ended = [...sweep.failed.map((run) => ({ run, action: undefined })), ...sweep.cancelled];
    const lost = { ...stoppedBy("shutdown", "interrupt", { detail: "worker_lost" }) };
    for (const { run, action } of ended) {
      try {
        // its worker went away without finishing it (a cancelled one keeps its canceller's reason)
        if (!action) await this.ctx.repos.runs.recordStopReason(run.id, lost, { ended: true });
        if (action === "rollback") {
          await this.ctx.checkpointer.deleteRunCheckpoints(run.threadId, run.id);
          await this.ctx.repos.runs.markRolledBack(run.id);
        }
        await settleThread(this.ctx, run, undefined, run.status === "error" ? "error" : "interrupted");
        this.ctx.live.end(run.id, run.status);
        this.ctx.feed.emit(run);
        this.ctx.hooks.endedElsewhere(run);
        await this.temporary.settle(run.threadId);
      } catch (err) {
        this.ctx.logError(err);
      }
    }
  }

  /** Ends a pending run as interrupted; null when it was no longer pending (it started or ended meanwhile). */
  private async cancelPending(run: Run, action: CancelAction): Promise<Run | null> {
    const { repos } = this.ctx;
    let stopped = await repos.runs.cancelIfPending(run.id);
    if (!stopped) return null;
    if (action === "rollback") stopped = await repos.runs.markRolledBack(run.id);
    await settleThread(this.ctx, stopped, undefined, "interrupted");
    this.ctx.live.end(run.id, stopped.status);
    this.ctx.feed.emit(stopped);
    this.ctx.hooks.endedElsewhere(stopped);
    // its thread's next run no longer waits behind it
    this.coordinator.wake();
    await this.temporary.settle(stopped.threadId).catch(this.ctx.logError);
    return stopped;
  }
}
