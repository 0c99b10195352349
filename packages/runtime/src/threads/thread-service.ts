import {
  ALL,
  asObject,
  lostRaceKind,
  type JsonObject,
  type OffsetPage,
  type Scope,
  type Thread,
  type ThreadMatch,
  type ThreadSearch,
  type ThreadStatus,
} from "@lgrs/db";
import type { Actor } from "../actor.ts";
import { type PageWithOwners, withOwners } from "../list-owners.ts";
import { ConflictError, InvalidRequestError, NotFoundError } from "../errors.ts";
import type { IfExists, PruneStrategy } from "../enums.ts";
import type { RuntimeContext } from "../runs/context.ts";
import type { GraphStateSnapshot, GraphTaskSnapshot, RunnableGraph } from "../runs/graph-source.ts";
import type { RunManager } from "../runs/run-manager.ts";
import { threadStateOf } from "../runs/thread-state.ts";
import { toWire } from "../runs/wire.ts";
import { parseThreadEventId, threadEvents, type ThreadStreamEvent, type ThreadStreamOptions } from "./thread-stream.ts";
import {
  emptyView,
  errorText,
  interruptsOf,
  isSnapshot,
  refOf,
  type CheckpointRef,
  type ThreadStateView,
  type ThreadTaskView,
} from "./state-views.ts";

export interface NewThreadInput {
  /** choose the id (ids are global); one is made when omitted */
  threadId?: string;
  metadata?: JsonObject;
  /** when a thread with this id exists: fail (default) or return it, if it is the caller's */
  ifExists?: IfExists;
  /** the thread expires this long after now, then is deleted or pruned (see ThreadTtl) */
  ttl?: ThreadTtl;
}

/** A thread's time to live: after `minutes`, the sweeper deletes it (`delete`) or keeps only its latest checkpoint (`keep_latest`). */
export interface ThreadTtl {
  strategy: PruneStrategy;
  minutes: number;
}

export interface ThreadPatch {
  /** merged into the thread's metadata */
  metadata?: JsonObject;
  /** a new time to live counted from now; null removes it */
  ttl?: ThreadTtl | null;
}

export interface ThreadListOptions {
  status?: ThreadStatus;
  metadata?: JsonObject;
  values?: JsonObject;
  /** threads of this owner only: an admin's filter (a user's list holds only their own anyway) */
  ownerId?: string;
  /** contained, ignoring case, in the thread's id, metadata or current values */
  text?: string;
  /** the `nextCursor` of the previous page */
  cursor?: string | null;
  limit?: number;
}

export interface ThreadStateOptions {
  /** that checkpoint of the thread instead of the latest */
  checkpointId?: string;
  /** include the state of subgraph tasks (`tasks[].state`) */
  subgraphs?: boolean;
  /** a subgraph's state: its namespace as the protocol names it (`["research:<task id>"]`); the root's when empty */
  namespace?: string[];
}

export interface ThreadHistoryOptions {
  /** at most this many checkpoints (default 10) */
  limit?: number;
  /** only checkpoints older than this checkpoint id */
  before?: string;
  /** only this checkpoint (LangGraph's history `checkpoint` filter) */
  checkpointId?: string;
  /** only checkpoints whose metadata has these top-level values */
  metadata?: Record<string, unknown>;
  /** a subgraph's checkpoints (its namespace, as for `state`); the root's when empty */
  namespace?: string[];
}

export interface ThreadStateUpdate {
  values: unknown;
  /** the node the values are written as (LangGraph infers it when it can) */
  asNode?: string;
  /** fork from this checkpoint instead of the latest */
  checkpointId?: string;
}

export const DEFAULT_HISTORY_LIMIT = 10;

/** Whether the caller's scope reaches the row (its own, or every row). */
function visibleTo(scope: Scope, row: { ownerId: string }): boolean {
  return !("ownerId" in scope) || scope.ownerId === row.ownerId;
}

/**
 * A database fault, as opposed to a graph refusing values: those stay our own
 * errors (500), whatever the graph call they surfaced in.
 */
function isDatabaseFault(err: unknown): boolean {
  if (!(err instanceof Error)) return true;
  if (err.name.startsWith("Prisma") || err.name === "DriverAdapterError") return true;
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && /^P\d{4}$/.test(code);
}

/**
 * Threads: creation, search and counts, metadata, state, history, state updates,
 * deletion and copies (reading and writing state through the thread's graph). Both
 * API doors go through it. Every method takes the caller first; another owner's
 * thread is treated exactly like a missing one (NotFoundError).
 */
export class ThreadService {
  constructor(
    private readonly ctx: RuntimeContext,
    private readonly runs: RunManager,
  ) {}

  /**
   * A new idle thread of the caller. A thread id that is taken is a conflict,
   * whoever owns it (ids are global), and another owner's thread is never shown;
   * with `ifExists: "do_nothing"` the caller's own thread of that id is returned as it is.
   */
  async create(actor: Actor, input: NewThreadInput = {}): Promise<Thread> {
    const { threadId, ifExists = "raise" } = input;
    const repo = this.ctx.repos.threads;
    if (threadId) {
      // one read, whoever owns it: two reads (the caller's, then anyone's) could straddle another create
      const existing = await repo.get(ALL, threadId);
      if (existing && ifExists === "do_nothing" && visibleTo(actor.scope, existing)) return existing;
      if (existing) throw new ConflictError(`thread ${threadId} already exists`);
    }
    try {
      return await repo.create({ id: threadId, ownerId: actor.userId, metadata: input.metadata ?? {}, ttl: input.ttl });
    } catch (err) {
      if (!threadId || lostRaceKind(err) !== "conflict") throw err;
      // another request made the same id between the check and the write
      const made = ifExists === "do_nothing" ? await repo.get(actor.scope, threadId) : null;
      if (made) return made;
      throw new ConflictError(`thread ${threadId} already exists`, { cause: err });
    }
  }

  async get(actor: Actor, threadId: string): Promise<Thread> {
    return this.thread(actor, threadId);
  }

  /** Merges `metadata` into the thread's (as LangGraph does) and sets or clears its ttl; without either, the thread as it is. */
  async update(actor: Actor, threadId: string, patch: ThreadPatch): Promise<Thread> {
    if (!patch.metadata && patch.ttl === undefined) return this.thread(actor, threadId);
    const thread = await this.ctx.repos.threads.update(actor.scope, threadId, { metadata: patch.metadata, ttl: patch.ttl });
    if (!thread) throw new NotFoundError(`thread ${threadId} not found`);
    return thread;
  }

  /**
   * The caller's threads newest first, a page at a time (cursor pages, for lists that
   * scroll), with their owners' names; every filter is applied in the database.
   */
  async list(actor: Actor, options: ThreadListOptions = {}): Promise<PageWithOwners<Thread>> {
    const text = options.text?.trim();
    return withOwners(this.ctx.repos, await this.ctx.repos.threads.list(actor.scope, { ...options, text: text || undefined }));
  }

  /**
   * One page of the caller's threads matching every filter (ids, status, metadata
   * and values keys), sorted by `sortBy` (newest first by default) from `offset`:
   * all of it in the database.
   */
  async search(actor: Actor, search: ThreadSearch = {}): Promise<OffsetPage<Thread>> {
    return this.ctx.repos.threads.search(actor.scope, search);
  }

  /** How many of the caller's threads match every filter. */
  count(actor: Actor, match: ThreadMatch = {}): Promise<number> {
    return this.ctx.repos.threads.count(actor.scope, match);
  }

  /**
   * The thread's state through its graph: the latest checkpoint, or `checkpointId`'s
   * (NotFoundError when the thread has no such checkpoint). A thread no run has
   * started yet has the empty state.
   */
  async state(actor: Actor, threadId: string, opts: ThreadStateOptions = {}): Promise<ThreadStateView> {
    const thread = await this.thread(actor, threadId);
    const ns = checkpointNsOf(opts.namespace);
    if (opts.checkpointId !== undefined) await this.requireCheckpoint(thread.id, opts.checkpointId, ns);
    const graph = await this.graphOf(thread);
    if (!graph) {
      if (ns) throw new NotFoundError(`thread ${thread.id} has no subgraph ${ns}`);
      return emptyView();
    }
    const config = this.stateConfig(thread.id, opts.checkpointId, ns);
    const snapshot = await inSubgraph(thread.id, ns, () => graph.getState(config, { subgraphs: opts.subgraphs ?? false }));
    // LangGraph answers a namespace the subgraph never checkpointed in with an empty snapshot
    if (ns && !snapshot.config?.configurable?.["checkpoint_id"])
      throw new NotFoundError(`thread ${thread.id} has no state in subgraph ${ns}`);
    return this.view(snapshot);
  }

  /** The thread's checkpoints newest first, `limit` of them (default 10); none for a thread that never ran. */
  async history(actor: Actor, threadId: string, opts: ThreadHistoryOptions = {}): Promise<ThreadStateView[]> {
    const limit = opts.limit ?? DEFAULT_HISTORY_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new InvalidRequestError(`history limit must be a positive integer, not ${limit}`);
    }
    const thread = await this.thread(actor, threadId);
    const graph = await this.graphOf(thread);
    if (!graph) return [];
    if (!graph.getStateHistory) throw new InvalidRequestError(`the graph of thread ${thread.id} cannot list its history`);
    const ns = checkpointNsOf(opts.namespace);
    const views: ThreadStateView[] = [];
    await inSubgraph(thread.id, ns, async () => {
      const snapshots = graph.getStateHistory!(this.stateConfig(thread.id, opts.checkpointId, ns), {
        limit,
        ...(opts.before ? { before: { configurable: { checkpoint_id: opts.before } } } : {}),
        ...(opts.metadata ? { filter: opts.metadata } : {}),
      });
      for await (const snapshot of snapshots) {
        views.push(await this.view(snapshot));
        if (views.length >= limit) break;
      }
    });
    return views;
  }

  /**
   * Writes `values` as node `asNode` (from the latest checkpoint, or `checkpointId`),
   * making a new checkpoint, and refreshes the thread's cached values and interrupts.
   * Refused (ConflictError) while the thread has a run pending or running, and
   * (InvalidRequestError) on a thread no run has started yet, an update LangGraph
   * cannot attribute to a node, or values the graph's reducers refuse (field `values`).
   */
  async updateState(actor: Actor, threadId: string, input: ThreadStateUpdate): Promise<{ checkpoint: CheckpointRef }> {
    const thread = await this.thread(actor, threadId);
    const inFlight = await this.ctx.repos.runs.inFlight(thread.id);
    if (inFlight.length > 0) {
      throw new ConflictError(`thread ${thread.id} has a run in flight (${inFlight[0]!.id}); its state cannot be updated until it ends`);
    }
    if (input.checkpointId !== undefined) await this.requireCheckpoint(thread.id, input.checkpointId);
    const graph = await this.graphOf(thread);
    if (!graph) throw new InvalidRequestError(`thread ${thread.id} has no graph yet: start a run on it before updating its state`);
    if (!graph.updateState) throw new InvalidRequestError(`the graph of thread ${thread.id} cannot update its state`);
    let next: { configurable?: Record<string, unknown> };
    try {
      next = await graph.updateState(this.stateConfig(thread.id, input.checkpointId), input.values, input.asNode);
    } catch (err) {
      // e.g. an unknown node, or an update LangGraph cannot attribute to one node
      if (err instanceof Error && err.name === "InvalidUpdateError") throw new InvalidRequestError(err.message, { cause: err });
      // what the reducers throw for values they cannot take (a message that does not coerce, a wrong type)
      if (!isDatabaseFault(err)) {
        throw new InvalidRequestError(`the graph refused the update: ${(err as Error).message}`, { cause: err, field: "values" });
      }
      throw err;
    }
    const checkpoint = refOf(next.configurable);
    if (!checkpoint) throw new Error(`updating the state of thread ${thread.id} returned no checkpoint`);
    const state = await threadStateOf(graph, thread.id);
    await this.ctx.repos.threads.update(ALL, thread.id, { values: toWire(state.values), interrupts: toWire(state.interrupts) });
    return { checkpoint };
  }

  /**
   * Merges `metadata` into the metadata of the thread's latest checkpoint (or of
   * `checkpointId`) without making a new one (LangGraph's patchState): getState and the
   * history show it. NotFoundError when the thread has no such checkpoint (no run yet).
   */
  async patchState(
    actor: Actor,
    threadId: string,
    input: { metadata: JsonObject; checkpointId?: string },
  ): Promise<{ checkpointId: string }> {
    const thread = await this.thread(actor, threadId);
    const patched = await this.ctx.checkpointer.patchMetadata(thread.id, input.metadata, input.checkpointId);
    if (!patched) {
      throw new NotFoundError(
        input.checkpointId
          ? `checkpoint ${input.checkpointId} not found on thread ${thread.id}`
          : `thread ${thread.id} has no checkpoint yet`,
      );
    }
    return { checkpointId: patched };
  }

  /**
   * Prunes the caller's threads among `threadIds` (another owner's, or a missing one,
   * is passed over): `delete` removes each (cancelling its runs, as delete does);
   * `keep_latest` keeps each thread with only its latest checkpoint, passing over a
   * thread with a run in flight. Answers how many threads were pruned.
   */
  async prune(actor: Actor, threadIds: readonly string[], strategy: PruneStrategy = "delete"): Promise<{ prunedCount: number }> {
    let prunedCount = 0;
    for (const threadId of new Set(threadIds)) {
      const thread = await this.ctx.repos.threads.get(actor.scope, threadId);
      if (!thread) continue;
      if (strategy === "delete") {
        try {
          await this.delete(actor, thread.id);
          prunedCount++;
        } catch (err) {
          // deleted meanwhile by someone else: nothing left to prune
          if (!(err instanceof NotFoundError)) throw err;
        }
        continue;
      }
      if ((await this.ctx.repos.runs.inFlight(thread.id)).length > 0) continue;
      await this.ctx.checkpointer.pruneToLatest(thread.id);
      prunedCount++;
    }
    return { prunedCount };
  }

  /**
   * The thread's stream: every run's events, start and end, and state after each run,
   * live, from where `lastEventId` left off (see thread-stream.ts), until `signal`
   * aborts. The thread is checked now: another owner's or a missing one is NotFoundError,
   * and a Last-Event-ID this stream cannot have given is InvalidRequestError.
   */
  async stream(actor: Actor, threadId: string, options: ThreadStreamOptions = {}): Promise<AsyncIterable<ThreadStreamEvent>> {
    const thread = await this.thread(actor, threadId);
    if (options.lastEventId !== undefined) parseThreadEventId(options.lastEventId);
    return threadEvents(this.ctx, this.runs, thread.id, options);
  }

  /**
   * Cancels the thread's runs in flight (interrupt, and waits for them to stop),
   * then deletes it with its runs, events and checkpoints. A run executing in
   * another server process cannot be stopped from here: ConflictError, and the
   * thread stays.
   */
  async delete(actor: Actor, threadId: string): Promise<void> {
    const thread = await this.thread(actor, threadId);
    // a stateless run's thread would be deleted as its cancelled run ends: this deletion is the one that answers
    const release = await this.runs.temporary.hold(thread.id);
    try {
      // a second pass catches a run admitted while the first ones were stopping
      for (let pass = 0; pass < 3; pass++) {
        const inFlight = await this.ctx.repos.runs.inFlight(thread.id);
        if (inFlight.length === 0) break;
        // newest first: the queued runs go before the running one ends and would let them start
        for (const run of inFlight.reverse()) await this.runs.cancel(ALL, run.id, { action: "interrupt", wait: true });
      }
      if (!(await this.ctx.repos.threads.delete(actor.scope, thread.id))) throw new NotFoundError(`thread ${threadId} not found`);
    } finally {
      await release();
    }
  }

  /**
   * A new thread of the caller with the same metadata and config and a copy of
   * every checkpoint, so it continues from the same state with its own history. Its
   * values, interrupts and status are those of the copied state (a copy of a busy
   * thread has no run, so it is idle, or interrupted when an interrupt is pending).
   */
  async copy(actor: Actor, threadId: string): Promise<Thread> {
    const source = await this.thread(actor, threadId);
    const resolved = this.resolveGraph(source);
    const metadata = asObject(source.metadata);
    const config = source.config === null ? undefined : asObject(source.config);
    const copy = await this.ctx.repos.threads.create({ ownerId: actor.userId, metadata, config });
    try {
      await this.ctx.checkpointer.copyThread(source.id, copy.id);
      const graph = resolved && this.ctx.graphs.has(resolved.graphId) ? await this.compile(copy, resolved.graphId) : undefined;
      const state = graph ? await threadStateOf(graph, copy.id) : undefined;
      const interrupts = state ? toWire(state.interrupts) : source.interrupts;
      const waiting = Array.isArray(interrupts) && interrupts.length > 0;
      const status = source.status === "busy" ? (waiting ? "interrupted" : "idle") : source.status;
      const updated = await this.ctx.repos.threads.update(ALL, copy.id, {
        status,
        values: state ? toWire(state.values) : (source.values ?? undefined),
        interrupts: interrupts ?? undefined,
      });
      return updated ?? copy;
    } catch (err) {
      await this.ctx.repos.threads.delete(ALL, copy.id).catch(this.ctx.logError);
      throw err;
    }
  }

  // ---------------------------------------------------------------------------

  private async thread(actor: Actor, threadId: string): Promise<Thread> {
    const thread = await this.ctx.repos.threads.get(actor.scope, threadId);
    if (!thread) throw new NotFoundError(`thread ${threadId} not found`);
    return thread;
  }

  private async requireCheckpoint(threadId: string, checkpointId: string, ns = ""): Promise<void> {
    const tuple = await this.ctx.checkpointer.getTuple({
      configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpointId },
    });
    if (!tuple) throw new NotFoundError(`checkpoint ${checkpointId} not found on thread ${threadId}`);
  }

  /** The thread's graph: `metadata.graph_id`, recorded by every run's admission. None when no run was ever admitted on it. */
  private resolveGraph(thread: Thread): { graphId: string; assistantId?: string } | null {
    const metadata = asObject(thread.metadata);
    if (typeof metadata.graph_id !== "string" || !metadata.graph_id) return null;
    return { graphId: metadata.graph_id, ...(typeof metadata.assistant_id === "string" ? { assistantId: metadata.assistant_id } : {}) };
  }

  private async graphOf(thread: Thread): Promise<RunnableGraph | null> {
    const resolved = this.resolveGraph(thread);
    return resolved ? this.compile(thread, resolved.graphId) : null;
  }

  private async compile(thread: Thread, graphId: string): Promise<RunnableGraph> {
    if (!this.ctx.graphs.has(graphId)) {
      throw new InvalidRequestError(`graph ${graphId} of thread ${thread.id} is not loaded on this server`);
    }
    const metadata = asObject(thread.metadata);
    // what a graph exported as a function is built from, as for the thread's runs
    const configurable = {
      ...asObject(asObject(thread.config).configurable),
      thread_id: thread.id,
      graph_id: graphId,
      user_id: thread.ownerId,
      ...(typeof metadata.assistant_id === "string" ? { assistant_id: metadata.assistant_id } : {}),
    };
    return this.ctx.graphs.compile(graphId, {
      checkpointer: this.ctx.checkpointer,
      store: this.ctx.store,
      config: { configurable },
    });
  }

  private stateConfig(threadId: string, checkpointId?: string, ns = ""): { configurable: Record<string, unknown> } {
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, ...(checkpointId ? { checkpoint_id: checkpointId } : {}) } };
  }

  private async view(snapshot: GraphStateSnapshot): Promise<ThreadStateView> {
    const tasks = await Promise.all((snapshot.tasks ?? []).map((task) => this.taskView(task)));
    return {
      values: toWire(snapshot.values ?? {}),
      next: [...(snapshot.next ?? [])],
      tasks,
      checkpoint: refOf(snapshot.config?.configurable),
      metadata: asObject(toWire(snapshot.metadata ?? {})),
      createdAt: snapshot.createdAt ?? null,
      parentCheckpoint: refOf(snapshot.parentConfig?.configurable),
      interrupts: tasks.flatMap((t) => t.interrupts),
    };
  }

  private async taskView(task: GraphTaskSnapshot): Promise<ThreadTaskView> {
    const state = isSnapshot(task.state) ? await this.view(task.state) : null;
    return {
      id: task.id,
      name: task.name,
      ...(task.path !== undefined ? { path: toWire(task.path) as unknown[] } : {}),
      error: errorText(task.error),
      interrupts: interruptsOf(task.interrupts),
      checkpoint: state ? state.checkpoint : await this.subgraphCheckpoint(task.state),
      state,
      ...(task.result !== undefined ? { result: toWire(task.result) } : {}),
    };
  }

  /**
   * A subgraph task names its namespace only (`{ thread_id, checkpoint_ns }`): its
   * latest checkpoint there, or null before the subgraph has written one.
   */
  private async subgraphCheckpoint(state: GraphTaskSnapshot["state"]): Promise<CheckpointRef | null> {
    const configurable = state && !isSnapshot(state) ? state.configurable : undefined;
    if (!configurable || typeof configurable.thread_id !== "string") return null;
    const direct = refOf(configurable);
    if (direct) return direct;
    const tuple = await this.ctx.checkpointer.getTuple({
      configurable: { thread_id: configurable.thread_id, checkpoint_ns: configurable.checkpoint_ns ?? "" },
    });
    return refOf(tuple?.config.configurable);
  }
}

/** LangGraph's checkpoint namespace for a protocol namespace (its segments joined by `|`); "" for the root. */
function checkpointNsOf(namespace: string[] | undefined): string {
  if (!namespace || namespace.length === 0) return "";
  for (const segment of namespace) {
    if (!segment || segment.includes("|"))
      throw new InvalidRequestError(`namespace segment "${segment}" is not a subgraph's`, { field: "namespace" });
  }
  return namespace.join("|");
}

/** Reads a subgraph's state: LangGraph throws a plain Error for a namespace its graph has no subgraph at, which is not found. */
async function inSubgraph<T>(threadId: string, ns: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (ns && err instanceof Error && /^Subgraph with namespace .* not found/.test(err.message)) {
      throw new NotFoundError(`thread ${threadId} has no subgraph ${ns}`, { cause: err });
    }
    throw err;
  }
}
