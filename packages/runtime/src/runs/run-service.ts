import { type AgentTreeNode, agentTreeOf } from "./agent-tree.ts";
import { PROTOCOL_EVENT_PREFIX } from "./protocol-stream.ts";
import { type RecordedEvent, type RunTrace, traceOf } from "./run-trace.ts";
import { ALL, IN_FLIGHT, type JsonObject, type RunStatus } from "@lgrs/db";
import type { Actor } from "../actor.ts";
import { type PageWithOwners, withOwners } from "../list-owners.ts";
import { resolveAssistant } from "../assistants/defaults.ts";
import type { BridgeItem } from "../bridge/index.ts";
import type { CancelAction, CancelManyStatus, OnDisconnect, StopDoor } from "../enums.ts";
import { ConflictError, InvalidRequestError, NotFoundError } from "../errors.ts";
import type { RuntimeContext } from "./context.ts";
import { readKwargs } from "./kwargs.ts";
import { TRACE_KWARG } from "../observe/run-tracing.ts";
import type { RunManager } from "./run-manager.ts";
import { inStreamModes } from "./stream-filter.ts";
import { stoppedBy, stoppedByCaller } from "./stop-reason.ts";
import { followThread, type ThreadStreamItem } from "./thread-follow.ts";
import {
  isFinal,
  type CreateRunRequest,
  type Run,
  type RunChange,
  type RunLookup,
  type RunOutcome,
  type RunStreamOptions,
  type RunWaitOptions,
} from "./types.ts";

export interface RunListFilter extends Pick<RunLookup, "threadId" | "includeRolledBack"> {
  /** an assistant id, or a graph id standing for its default assistant */
  assistantId?: string;
  status?: RunStatus | RunStatus[];
  /** inclusive */
  createdAfter?: Date;
  /** exclusive */
  createdBefore?: Date;
  /** top-level keys of the run's metadata, each equal */
  metadata?: JsonObject;
  /** runs of this owner only: an admin's filter (a user's list holds only their own anyway) */
  ownerId?: string;
  /** contained, ignoring case, in the run's id, its thread's id, its input or its metadata */
  text?: string;
  /** the `nextCursor` of the previous page */
  cursor?: string | null;
  limit?: number;
}

export interface RunSliceFilter {
  status?: RunStatus;
  offset?: number;
  limit?: number;
}

export interface CancelOptions extends RunLookup {
  action?: CancelAction;
  /** resolve once the run has stopped, with its final state */
  wait?: boolean;
  /** the door the cancel came through, recorded with who asked */
  door?: StopDoor;
}

export interface CancelManyFilter {
  /** the runs of this thread (with `status`, or those in flight) */
  threadId?: string;
  /** these runs (on `threadId` when both are given) */
  runIds?: string[];
  /** the caller's runs in this status: pending, running, or both ("all") */
  status?: CancelManyStatus;
  action?: CancelAction;
  /** the door the cancel came through, recorded with who asked */
  door?: StopDoor;
}

/** A run and its events, from a stream call: the run is known before the first event is read. */
export interface RunEvents {
  run: Run;
  items: AsyncIterable<BridgeItem>;
}

/**
 * The same run with its kwargs as this version names them (rows of earlier
 * versions included), without the trace context stored for the executor: it names
 * the server's spans, which are the operator's, not the caller's.
 */
function present(run: Run): Run {
  const { [TRACE_KWARG]: _trace, ...kwargs } = readKwargs(run.kwargs) as Record<string, unknown>;
  return { ...run, kwargs: kwargs as Run["kwargs"] };
}

/**
 * Runs as every API door sees them: create (by multitask strategy, stateless or
 * on a thread), read, list, wait for, follow, cancel (one or many) and delete.
 * Each method takes the caller first; another owner's run reads exactly like a
 * missing one (NotFoundError), and so does a rolled-back run unless the call
 * includes them. Executing runs is the RunManager's; this is the door to it.
 */
export class RunService {
  constructor(
    private readonly ctx: RuntimeContext,
    private readonly manager: RunManager,
  ) {}

  /** Creates a run (see CreateRunRequest) and queues it; it is returned pending. */
  async create(actor: Actor, request: CreateRunRequest): Promise<Run> {
    return present(await this.manager.create(actor, request));
  }

  /**
   * Creates a run and waits for its end (a client's `/wait`): the client leaving
   * first cancels it when the request says `onDisconnect: "cancel"`.
   */
  async createAndWait(actor: Actor, request: CreateRunRequest, options: Pick<RunWaitOptions, "signal"> = {}): Promise<RunOutcome> {
    let release = async () => {};
    // held before any worker can take the run: its thread is still there when the outcome is read
    const run = await this.manager.create(actor, request, async (r) => {
      release = await this.manager.temporary.hold(r.threadId);
    });
    return this.outcomeOf(actor, run, release, options);
  }

  /** Creates a run and follows its events from the first (a client's `/stream`). */
  async createAndStream(actor: Actor, request: CreateRunRequest, options: Pick<RunWaitOptions, "signal"> = {}): Promise<RunEvents> {
    const run = present(await this.manager.create(actor, request));
    return { run, items: this.follow(actor, run, options) };
  }

  async get(actor: Actor, runId: string, lookup: RunLookup = {}): Promise<Run> {
    return present(await this.find(actor, runId, lookup));
  }

  /**
   * The caller's runs newest first, a cursor page, with their owners' names;
   * rolled-back runs only when included. Every filter is applied in the database.
   */
  async list(actor: Actor, filter: RunListFilter = {}): Promise<PageWithOwners<Run>> {
    // runs record the resolved assistant: a graph id alone would match none of them
    const assistantId = filter.assistantId === undefined ? undefined : (await resolveAssistant(this.ctx.repos, filter.assistantId)).id;
    const page = await this.ctx.repos.runs.list(actor.scope, {
      threadId: filter.threadId,
      assistantId,
      status: filter.status,
      createdAfter: filter.createdAfter,
      createdBefore: filter.createdBefore,
      metadata: filter.metadata,
      ownerId: filter.ownerId,
      text: filter.text?.trim() || undefined,
      cursor: filter.cursor,
      limit: filter.limit,
      rolledBack: filter.includeRolledBack ? undefined : false,
    });
    return withOwners(this.ctx.repos, { ...page, items: page.items.map(present) });
  }

  /** A thread's runs newest first, `offset` skipped, rolled-back runs left out (the LangGraph API's list). */
  async listForThread(actor: Actor, threadId: string, filter: RunSliceFilter = {}): Promise<Run[]> {
    await this.requireThread(actor, threadId);
    const runs = await this.ctx.repos.runs.slice(actor.scope, {
      threadId,
      status: filter.status,
      rolledBack: false,
      offset: filter.offset ?? 0,
      limit: filter.limit ?? 10,
    });
    return runs.map(present);
  }

  /** Resolves with the run once it has a final status (see RunWaitOptions for leaving early). */
  async join(actor: Actor, runId: string, options: RunWaitOptions = {}): Promise<Run> {
    const run = await this.find(actor, runId, options);
    return present(await this.untilEnd(actor, run, options));
  }

  /** Waits for the run's end and answers with its outcome: the thread's values, or its error. */
  async wait(actor: Actor, runId: string, options: RunWaitOptions = {}): Promise<RunOutcome> {
    const run = await this.find(actor, runId, options);
    return this.outcomeOf(actor, run, await this.manager.temporary.hold(run.threadId), options);
  }

  /**
   * The run's events after `lastEventId`, then its end. Checked before anything is
   * read: a missing run is NotFoundError, a run executing in another process
   * ConflictError. With `action` the run is cancelled first.
   */
  async stream(actor: Actor, runId: string, options: RunStreamOptions = {}): Promise<RunEvents> {
    let run = await this.find(actor, runId, options);
    if (options.action) {
      const reason = stoppedByCaller(actor, options.action, options.door);
      run = await this.manager.cancel(actor.scope, run.id, { action: options.action, reason });
    }
    return { run: present(run), items: this.follow(actor, run, options) };
  }

  /**
   * A thread's runs in order, each with its events from the first: from the
   * thread's latest run on, then every run it gets next, until `signal` aborts
   * (the thread-centric protocol's event log). The thread must be the caller's
   * (NotFoundError, checked before anything is read). Leaving never cancels a run.
   */
  async followThread(actor: Actor, threadId: string, signal: AbortSignal): Promise<AsyncIterable<ThreadStreamItem>> {
    await this.requireThread(actor, threadId);
    const { repos, feed } = this.ctx;
    const scope = actor.scope;
    const mine = (run: Run) =>
      run.threadId === threadId && run.rolledBackAt == null && (!("ownerId" in scope) || run.ownerId === scope.ownerId);
    return followThread(
      {
        latest: async () => (await repos.runs.slice(scope, { threadId, rolledBack: false, offset: 0, limit: 1 })).map(present)[0],
        since: async (since) =>
          (await repos.runs.select(scope, { threadId, rolledBack: false })).filter((r) => r.createdAt >= since).map(present),
        events: (run, stop) => this.follow(actor, run, { signal: stop, onDisconnect: "continue" }),
        changes: (stop) =>
          (async function* () {
            for await (const run of feed.watch(stop)) if (mine(run)) yield present(run);
          })(),
      },
      signal,
    );
  }

  /**
   * The agent tree of a thread's run (`runId`, else its latest): the root graph and
   * the subgraphs its protocol events show started, each with its status. The
   * thread must be the caller's, the run the thread's (NotFoundError).
   */
  async agentTree(actor: Actor, threadId: string, runId?: string): Promise<AgentTreeNode> {
    await this.requireThread(actor, threadId);
    const run = runId
      ? await this.find(actor, runId, { threadId })
      : (await this.ctx.repos.runs.slice(actor.scope, { threadId, rolledBack: false, offset: 0, limit: 1 }))[0];
    if (!run) throw new NotFoundError(`thread ${threadId} has no run`);
    const events: { event: string; data: unknown }[] = [];
    let cursor: string | null = null;
    // the events are in the database before any reader sees them: this is the run so far
    do {
      const page = await this.ctx.repos.events.list(run.id, { cursor, limit: 500 });
      for (const e of page.items) if (e.event.startsWith(PROTOCOL_EVENT_PREFIX)) events.push({ event: e.event, data: e.data });
      cursor = page.nextCursor;
    } while (cursor);
    // the root is named by its graph, as LangGraph names it; by the assistant id if that assistant is gone
    const graphName = await resolveAssistant(this.ctx.repos, run.assistantId).then(
      (a) => a.graphId,
      () => run.assistantId,
    );
    return agentTreeOf({ status: run.status, graphName }, events);
  }

  /**
   * The run's steps (node, start, end, status, tokens) and when each of its events
   * was recorded and by which node, read from its stored events: the events are in
   * the database before any reader sees them, so this is the run so far.
   */
  async trace(actor: Actor, runId: string, lookup: RunLookup = {}): Promise<RunTrace> {
    const run = await this.find(actor, runId, lookup);
    const events: RecordedEvent[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.ctx.repos.events.list(run.id, { cursor, limit: 500 });
      events.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return traceOf(run, events);
  }

  /**
   * Stops a pending or running run (see RunManager.cancel); `wait` resolves with
   * the stopped run. A finished run is returned as it is.
   */
  async cancel(actor: Actor, runId: string, options: CancelOptions = {}): Promise<Run> {
    const run = await this.find(actor, runId, options);
    const reason = stoppedByCaller(actor, options.action ?? "interrupt", options.door);
    return present(await this.manager.cancel(actor.scope, run.id, { action: options.action, wait: options.wait, reason }));
  }

  /**
   * Cancels many runs: the given ones (each must be the caller's, on `threadId`
   * when given: else NotFoundError and none is cancelled), or those of a thread,
   * or every run of the caller in a status. Returns the runs it cancelled (those
   * that had not finished), newest first.
   */
  async cancelMany(actor: Actor, filter: CancelManyFilter): Promise<Run[]> {
    const { repos } = this.ctx;
    let targets: Run[];
    if (filter.runIds) {
      targets = await repos.runs.select(actor.scope, { ids: filter.runIds, threadId: filter.threadId, rolledBack: false });
      const missing = filter.runIds.find((id) => !targets.some((r) => r.id === id));
      if (missing !== undefined) throw new NotFoundError(`run ${missing} not found`);
    } else if (filter.threadId !== undefined || filter.status !== undefined) {
      if (filter.threadId !== undefined) await this.requireThread(actor, filter.threadId);
      const status = !filter.status || filter.status === "all" ? [...IN_FLIGHT] : [filter.status];
      targets = await repos.runs.select(actor.scope, { threadId: filter.threadId, status });
    } else {
      throw new InvalidRequestError("give the runs to cancel: threadId, runIds or status");
    }
    const cancelled: Run[] = [];
    const reason = stoppedByCaller(actor, filter.action ?? "interrupt", filter.door);
    // newest first: a thread's queued runs go before its running one ends and would let them start
    for (const run of targets.filter((r) => !isFinal(r.status)).reverse()) {
      cancelled.push(present(await this.manager.cancel(actor.scope, run.id, { action: filter.action, reason })));
    }
    return cancelled;
  }

  /** Deletes a finished run with its events; a run in flight must be cancelled first (ConflictError). */
  async delete(actor: Actor, runId: string, lookup: RunLookup = {}): Promise<void> {
    const run = await this.find(actor, runId, lookup);
    if (!isFinal(run.status)) throw new ConflictError(`run ${run.id} is ${run.status}: cancel it before deleting it`);
    if (!(await this.ctx.repos.runs.delete(actor.scope, run.id))) throw new NotFoundError(`run ${runId} not found`);
  }

  /**
   * The caller's runs (every run for an admin) as they are created and change
   * status, from this call until `signal` aborts.
   */
  watch(actor: Actor, signal: AbortSignal | undefined): AsyncIterable<RunChange> {
    // listening starts here, not at the first read: no change falls in between
    const changes = this.ctx.feed.watch(signal);
    const scope = actor.scope;
    return (async function* () {
      for await (const run of changes) {
        if ("ownerId" in scope && run.ownerId !== scope.ownerId) continue;
        yield { type: run.status === "pending" ? ("created" as const) : ("status" as const), run: present(run) };
      }
    })();
  }

  /** Runs executing in this process now. */
  get runningCount(): number {
    return this.manager.runningCount;
  }

  // ---------------------------------------------------------------------------

  private async find(actor: Actor, runId: string, lookup: RunLookup): Promise<Run> {
    const run = await this.ctx.repos.runs.get(actor.scope, runId, {
      threadId: lookup.threadId,
      rolledBack: lookup.includeRolledBack ? undefined : false,
    });
    if (!run) throw new NotFoundError(lookup.threadId ? `run ${runId} not found on thread ${lookup.threadId}` : `run ${runId} not found`);
    return run;
  }

  private async requireThread(actor: Actor, threadId: string): Promise<void> {
    if (!(await this.ctx.repos.threads.get(actor.scope, threadId))) throw new NotFoundError(`thread ${threadId} not found`);
  }

  /**
   * What a leaving caller does to the run: its own choice, else what the run was
   * created with when the caller created it (someone else watching, an operator
   * on the dashboard, never cancels a run by leaving).
   */
  private disconnectMode(actor: Actor, run: Run, asked: OnDisconnect | undefined): OnDisconnect {
    if (asked) return asked;
    return run.ownerId === actor.userId ? (readKwargs(run.kwargs).onDisconnect ?? "continue") : "continue";
  }

  /** The run once it has ended; the caller leaving first stops the wait, and cancels the run when asked to. */
  private async untilEnd(actor: Actor, run: Run, options: RunWaitOptions): Promise<Run> {
    try {
      return await this.manager.join(ALL, run.id, options.signal);
    } catch (err) {
      if (options.signal?.aborted && this.disconnectMode(actor, run, options.onDisconnect) === "cancel") {
        await this.manager.cancel(ALL, run.id, { reason: stoppedBy("on_disconnect", "interrupt") }).catch(this.ctx.logError);
      }
      throw err;
    }
  }

  /** Waits for the run's end and reads its outcome, holding its thread meanwhile (a stateless run's is deleted on release). */
  private async outcomeOf(actor: Actor, run: Run, release: () => Promise<void>, options: RunWaitOptions): Promise<RunOutcome> {
    try {
      const ended = present(await this.untilEnd(actor, run, options));
      if (ended.status === "error") {
        const error = (ended.error ?? {}) as { type?: string; message?: string };
        return { run: ended, values: null, error: { type: error.type ?? "Error", message: error.message ?? "the run failed" } };
      }
      // the values the run's end recorded on its thread (what its last checkpoint holds)
      const thread = await this.ctx.repos.threads.get(ALL, ended.threadId);
      return { run: ended, values: thread?.values ?? null, error: null };
    } finally {
      await release();
    }
  }

  /** The run's events for this caller: opened at once (so a stream that cannot be had fails now), filtered as asked. */
  private follow(actor: Actor, run: Run, options: RunStreamOptions): AsyncIterable<BridgeItem> {
    const items = this.manager.stream(run, {
      lastEventId: options.lastEventId !== undefined && options.lastEventId >= 0 ? options.lastEventId : undefined,
      signal: options.signal,
      cancelOnDisconnect: this.disconnectMode(actor, run, options.onDisconnect) === "cancel",
    });
    if (!options.streamModes?.length) return items;
    const modes = options.streamModes;
    return (async function* () {
      for await (const item of items) if (item.type !== "event" || inStreamModes(item.event, modes)) yield item;
    })();
  }
}
