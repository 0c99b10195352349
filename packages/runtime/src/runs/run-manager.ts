import { ALL, newId, type Run, type Scope } from "@lgrs/db";
import type { Actor } from "../actor.ts";
import { resolveAssistant } from "../assistants/defaults.ts";
import { ConflictError, InvalidRequestError, NotFoundError, ShuttingDownError } from "../errors.ts";
import type { RuntimeContext } from "./context.ts";
import { executeRun, settleThread } from "./execute-run.ts";
import { kwargsOf } from "./kwargs.ts";
import { Scheduler, type QueuedRun } from "./scheduler.ts";
import type { BridgeItem, SubscribeOptions } from "../bridge/index.ts";
import { TemporaryThreads } from "./temporary-threads.ts";
import { isFinal, type CancelAction, type CreateRunRequest } from "./types.ts";

export interface StreamOptions extends SubscribeOptions {
  /** cancel the run (interrupt) when the subscriber leaves before its end: `onDisconnect: "cancel"` */
  cancelOnDisconnect?: boolean;
}

export interface RunManagerOptions {
  /** runs executing at once in this process */
  concurrency?: number;
}

interface ActiveRun {
  abort: AbortController;
  action: CancelAction | undefined;
  /** set when shutdown stopped waiting for the run and recorded it interrupted */
  abandoned: boolean;
  done: Promise<Run>;
}

/**
 * Creates, schedules, cancels and awaits runs (DeerFlow's run manager semantics).
 * Create-or-reject is atomic per thread in the database; queued runs start as
 * soon as capacity and their thread allow; cancellation works on pending and
 * running runs, with `interrupt` or `rollback`.
 */
export class RunManager {
  private readonly scheduler: Scheduler;
  private readonly active = new Map<string, ActiveRun>();
  private accepting = true;
  /** stateless runs' threads, deleted once their run has ended */
  readonly temporary: TemporaryThreads;

  constructor(
    private readonly ctx: RuntimeContext,
    options: RunManagerOptions = {},
  ) {
    this.scheduler = new Scheduler(options.concurrency ?? 10, (q) => this.startRun(q));
    this.temporary = new TemporaryThreads(ctx);
  }

  /** Admits a run for `actor` (its owner) by the multitask strategy, and queues it. */
  async create(actor: Actor, request: CreateRunRequest): Promise<Run> {
    if (!this.accepting) throw new ShuttingDownError();
    const { repos, graphs } = this.ctx;
    const assistant = await resolveAssistant(repos, request.assistantId);
    if (!graphs.has(assistant.graphId)) {
      throw new InvalidRequestError(`graph ${assistant.graphId} of assistant ${assistant.id} is not loaded on this server`);
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
        kwargs: { ...kwargsOf(request) },
        metadata: request.metadata,
        notBefore: request.afterSeconds ? new Date(Date.now() + request.afterSeconds * 1000) : null,
        onCompletion: stateless ? (request.onCompletion ?? "delete") : null,
      },
      {
        rejectIfBusy: strategy === "reject",
        createThread: stateless || request.ifNotExists === "create",
        threadMetadata: { graph_id: assistant.graphId, assistant_id: assistant.id },
      },
    );
    if (admission.kind === "no-thread") throw new NotFoundError(`thread ${threadId} not found`);
    if (admission.kind === "busy") {
      throw new ConflictError(
        `thread ${threadId} already has a run in flight (${admission.inFlight[0]!.id}); the multitask strategy is reject`,
      );
    }
    const { run, inFlight } = admission;
    this.ctx.feed.emit(run);
    if (strategy === "interrupt" || strategy === "rollback") {
      for (const previous of inFlight) await this.cancel(ALL, previous.id, { action: strategy });
    }
    this.queue(run);
    return run;
  }

  /**
   * Stops a run. A pending run never starts; a running one is aborted and ends
   * `interrupted`. With `rollback` its checkpoints and writes are removed and it
   * is marked rolled back. With `wait` this resolves once the run has stopped.
   * Cancelling a finished run changes nothing.
   */
  async cancel(scope: Scope, runId: string, options: { action?: CancelAction; wait?: boolean } = {}): Promise<Run> {
    const action = options.action ?? "interrupt";
    const run = await this.ctx.repos.runs.get(scope, runId);
    if (!run) throw new NotFoundError(`run ${runId} not found`);
    if (isFinal(run.status)) return run;
    if (this.scheduler.remove(runId)) return this.cancelPending(run, action);
    const active = this.active.get(runId);
    if (!active) throw new ConflictError(`run ${runId} is executing in another server process and cannot be cancelled from here`);
    // rollback is the stronger request: an interrupt asked first does not weaken it
    if (active.action !== "rollback") active.action = action;
    active.abort.abort();
    return options.wait ? active.done : run;
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
    try {
      const run = await this.ctx.repos.runs.get(scope, runId);
      if (!run) throw new NotFoundError(`run ${runId} not found`);
      if (isFinal(run.status)) return run;
      return await done;
    } finally {
      stop();
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Start-up reconciliation: runs a previous process left `running` cannot be
   * continued (their process is gone), so they end `error` with the reason, and
   * so does their thread when that run was its latest; `pending` runs are queued
   * again, oldest first. Temporary threads whose stateless run has ended (before
   * the restart, or just now) are deleted.
   */
  async recover(): Promise<{ failed: Run[]; requeued: Run[] }> {
    const { repos } = this.ctx;
    const failed: Run[] = [];
    for (const stale of await repos.runs.withStatus(["running"])) {
      const run = await repos.runs.transition(stale.id, {
        status: "error",
        endedAt: new Date(),
        error: { type: "ServerRestart", message: "the server stopped while this run was running, so it did not finish" },
      });
      failed.push(run);
      const latest = await repos.runs.latestOnThread(run.threadId);
      const others = (await repos.runs.inFlight(run.threadId)).length;
      if (latest?.id === run.id) await repos.threads.update(ALL, run.threadId, { status: "error" });
      else if (others === 0) await repos.threads.update(ALL, run.threadId, { status: "idle" });
    }
    await this.temporary.sweep();
    const requeued = await repos.runs.withStatus(["pending"]);
    for (const run of requeued) this.queue(run);
    return { failed, requeued };
  }

  /**
   * Graceful shutdown: take no new runs, start no queued ones (they stay pending
   * for the next start), cancel the running ones and wait for them, at most
   * `timeoutMs`. A run that ignores cancellation is recorded `interrupted` when
   * the time is up; a run that finished meanwhile keeps its real status.
   */
  async shutdown(timeoutMs = 5000): Promise<void> {
    this.accepting = false;
    this.scheduler.pause();
    const running = [...this.active.entries()];
    for (const [, active] of running) {
      active.action ??= "interrupt";
      active.abort.abort();
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    await Promise.race([Promise.allSettled(running.map(([, a]) => a.done)), timedOut]);
    clearTimeout(timer);
    for (const [runId, active] of running) {
      if (!this.active.has(runId)) continue;
      active.abandoned = true;
      const run = await this.ctx.repos.runs.get(ALL, runId);
      if (run && !isFinal(run.status)) {
        const stopped = await this.ctx.repos.runs.transition(runId, {
          status: "interrupted",
          endedAt: new Date(),
          error: { type: "ShutdownTimeout", message: `the run did not stop within ${timeoutMs} ms of shutdown` },
        });
        this.ctx.live.end(runId, stopped.status);
        this.ctx.feed.emit(stopped);
        await this.temporary.settle(stopped.threadId).catch(this.ctx.logError);
      }
    }
  }

  get runningCount(): number {
    return this.active.size;
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
      throw new ConflictError(`run ${run.id} is ${run.status} in another server process: its live stream is not available from this one`);
    }
    return this.replay(run, options);
  }

  private async *follow(runId: string, options: StreamOptions): AsyncGenerator<BridgeItem> {
    let ended = false;
    try {
      for await (const item of this.ctx.live.subscribe(runId, options)) {
        if (item.type === "end") ended = true;
        yield item;
      }
    } finally {
      // the client went away before the end: onDisconnect "cancel" stops the run
      if (!ended && options.cancelOnDisconnect) await this.cancel(ALL, runId).catch(this.ctx.logError);
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

  private queue(run: Run): void {
    this.ctx.live.open(run.id);
    this.scheduler.add({ runId: run.id, threadId: run.threadId, notBefore: run.notBefore?.getTime() });
  }

  private startRun(queued: QueuedRun): void {
    const abort = new AbortController();
    const active: ActiveRun = { abort, action: undefined, abandoned: false, done: undefined as unknown as Promise<Run> };
    active.done = (async () => {
      try {
        const run = await this.ctx.repos.runs.get(ALL, queued.runId);
        if (!run || isFinal(run.status)) return run!;
        const ended = await executeRun(this.ctx, run, {
          signal: abort.signal,
          cancelAction: () => active.action,
          abandoned: () => active.abandoned,
        });
        // after an abandoned run, shutdown has settled its thread already
        if (!active.abandoned) await this.temporary.settle(ended.threadId).catch(this.ctx.logError);
        return ended;
      } finally {
        this.active.delete(queued.runId);
        this.scheduler.finished(queued.runId);
      }
    })();
    active.done.catch(this.ctx.logError);
    this.active.set(queued.runId, active);
  }

  private async cancelPending(run: Run, action: CancelAction): Promise<Run> {
    const { repos } = this.ctx;
    if (action === "rollback") await repos.runs.markRolledBack(run.id);
    const stopped = await repos.runs.transition(run.id, { status: "interrupted", endedAt: new Date() });
    await settleThread(this.ctx, stopped, undefined, "interrupted");
    this.ctx.live.end(run.id, stopped.status);
    this.ctx.feed.emit(stopped);
    await this.temporary.settle(stopped.threadId).catch(this.ctx.logError);
    return stopped;
  }
}
