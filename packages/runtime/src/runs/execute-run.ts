import { Command } from "@langchain/langgraph";
import { ALL, LeaseLostError } from "@lgrs/db";
import type { Lease, Run } from "@lgrs/db";
import type { RuntimeContext } from "./context.ts";
import { RunEventSink } from "./event-sink.ts";
import type { RunnableGraph } from "./graph-source.ts";
import { threadStateOf } from "./thread-state.ts";
import { readKwargs } from "./kwargs.ts";
import type { CancelAction, RunConfig, StreamMode } from "./types.ts";
import { UsageRecorder } from "./usage-recorder.ts";
import type { RunWatch } from "../observe/run-hooks.ts";
import { sendWebhook } from "./webhook.ts";
import { SHUTDOWN_ERROR } from "./stop-reason.ts";
import { streamGraph } from "./graph-stream.ts";
import { streamProtocolGraph } from "./protocol-stream.ts";
import { toWire } from "./wire.ts";

/** How a running run is steered from outside: cancellation and its kind. */
export interface RunControl {
  signal: AbortSignal;
  /** set before the signal fires */
  cancelAction(): CancelAction | undefined;
  /** true when a shutdown stopped the run (set before the signal fires) */
  stoppedByShutdown?(): boolean;
  /** true once the run must write nothing more: shutdown recorded how it ended, or its lease is gone */
  abandoned(): boolean;
  /** a fleet worker's claim: every write of the run is fenced by it */
  lease?: Lease;
  /** what the embedding process learns of this execution (shared with shutdown, which may report its end first) */
  watch: RunWatch;
}

export const DEFAULT_STREAM_MODES: StreamMode[] = ["values"];

function errorOf(err: unknown): { type: string; message: string } {
  if (err instanceof Error) return { type: err.name || "Error", message: err.message };
  return { type: "Error", message: String(err) };
}

/**
 * Executes one run start to finish: streams the graph with the requested modes,
 * publishes every chunk as an event, records token usage, and writes the final
 * status of the run and of its thread. Cancellation arrives through `control`:
 * `interrupt` keeps the checkpoints written so far, `rollback` removes every
 * checkpoint and write of the run so the thread is exactly as before it.
 * Never throws: every outcome is written to the run.
 */
export async function executeRun(ctx: RuntimeContext, queued: Run, control: RunControl): Promise<Run> {
  const { watch } = control;
  try {
    return await executeClaimed(ctx, queued, control, watch);
  } catch (err) {
    // the lease went (swept, released) and a fenced write found out: the run is another worker's now
    if (err instanceof LeaseLostError) {
      const run = (await ctx.repos.runs.get(ALL, queued.id)) ?? queued;
      watch.lost(run);
      return run;
    }
    throw err;
  }
}

async function executeClaimed(ctx: RuntimeContext, queued: Run, control: RunControl, watch: RunWatch): Promise<Run> {
  const { repos } = ctx;
  const { lease } = control;
  const kwargs = readKwargs(queued.kwargs);
  // read while the run's start is written (a round trip saved on PostgreSQL); its failure is the run's, below
  const assistantRead = repos.assistants.get(queued.assistantId);
  assistantRead.catch(() => {});
  // an earlier attempt of this run (its worker died, or was shut down) saved checkpoints: go on from the latest
  const resuming = queued.attempt > 1 || lease !== undefined ? await ctx.checkpointer.hasRunCheckpoints(queued.threadId, queued.id) : false;
  // Where the run starts from: rollback returns the thread here. Read before the graph starts,
  // as nothing else writes the thread meanwhile (its runs execute one at a time).
  const startCheckpoint = resuming
    ? undefined
    : (kwargs.checkpointId ?? (await ctx.checkpointer.latestCheckpointId(queued.threadId)) ?? null);
  // a claim has marked the run running already; one process marks it now, with its start
  let run = lease
    ? queued
    : await repos.runs.transition(queued.id, {
        status: "running",
        startedAt: new Date(),
        workerId: ctx.workerId,
        checkpointId: startCheckpoint,
      });
  if (startCheckpoint !== undefined && startCheckpoint !== run.checkpointId) {
    run = await repos.runs.transition(run.id, { status: "running", checkpointId: startCheckpoint }, lease);
  }
  ctx.feed.emit(run);
  watch.started(run, kwargs as Record<string, unknown>);
  // Ids continue after what an earlier attempt published; what it published but did not save is
  // saved now. A first attempt executed here has published nothing: no read.
  const stored = lease || run.attempt > 1 ? ((await repos.events.lastSeq(run.id)) ?? 0) : 0;
  const unsaved = await ctx.live.begin(run.id, stored);
  if (unsaved.length > 0)
    await repos.events.append(
      run.id,
      unsaved.map((e) => ({ seq: e.id, event: e.event, data: e.data })),
      lease,
    );
  const sink = new RunEventSink(run.id, ctx.live, repos.events, ctx.eventWriter, ctx.logError, lease);
  sink.publish("metadata", { run_id: run.id, attempt: run.attempt });

  const usage = new UsageRecorder((call) => {
    watch.tokens(call);
    return repos.usage.record({ ...call, runId: run.id, threadId: run.threadId, ownerId: run.ownerId, assistantId: run.assistantId });
  }, ctx.logError);

  // this run's own saver: closed at its end, so no late background save lands after it
  const checkpointer = ctx.checkpointer.forRun(lease);
  let graph: RunnableGraph | undefined;
  let outcome: { status: "success" | "error" | "interrupted"; error?: { type: string; message: string } };
  try {
    const assistant = await assistantRead;
    if (!assistant) throw new Error(`assistant ${run.assistantId} no longer exists`);
    const assistantConfig = (assistant.config ?? {}) as RunConfig;
    const configurable: Record<string, unknown> = {
      ...(assistantConfig.configurable ?? {}),
      ...(kwargs.config?.configurable ?? {}),
      thread_id: run.threadId,
      run_id: run.id,
      assistant_id: assistant.id,
      graph_id: assistant.graphId,
      user_id: run.ownerId,
      ...(kwargs.checkpointId ? { checkpoint_id: kwargs.checkpointId } : {}),
    };

    if (resuming) delete configurable.checkpoint_id;
    graph = await ctx.graphs.compile(assistant.graphId, { checkpointer, store: ctx.store, config: { configurable } });
    // recorded before the first step: the run page says which code the run executed, even when it fails
    const version = ctx.graphs.versionOf?.(graph);
    if (version) {
      run = await repos.runs.transition(run.id, { status: "running", graphVersion: version.hash, graphLoadedAt: version.loadedAt }, lease);
    }

    const modes = kwargs.streamMode?.length ? kwargs.streamMode : DEFAULT_STREAM_MODES;
    const recursionLimit = kwargs.config?.recursion_limit ?? assistantConfig.recursion_limit;
    const input = resuming
      ? null
      : kwargs.command
        ? new Command(kwargs.command as ConstructorParameters<typeof Command>[0])
        : (kwargs.input ?? null);
    const options = {
      ...assistantConfig,
      ...kwargs.config,
      configurable,
      context: { ...((assistant.context as object | null) ?? {}), ...(kwargs.context ?? {}) },
      metadata: {
        ...((run.metadata as object) ?? {}),
        run_id: run.id,
        thread_id: run.threadId,
        assistant_id: assistant.id,
        graph_id: assistant.graphId,
      },
      ...(recursionLimit ? { recursionLimit } : {}),
      runId: run.id,
      subgraphs: kwargs.streamSubgraphs ?? false,
      ...(kwargs.durability ? { durability: kwargs.durability } : {}),
      interruptBefore: kwargs.interruptBefore,
      interruptAfter: kwargs.interruptAfter,
      signal: control.signal,
      callbacks: [usage, ...watch.callbacks],
    };
    const events = kwargs.protocol === "v2" ? streamProtocolGraph(graph, input, options) : streamGraph(graph, input, options, modes);
    for await (const { event, data } of events) {
      sink.publish(event, data);
      watch.event(run);
    }
    outcome = { status: "success" };
  } catch (err) {
    if (err instanceof LeaseLostError) throw err;
    if (control.signal.aborted) {
      outcome = { status: "interrupted" };
      if (control.stoppedByShutdown?.()) {
        // a client streaming the run is told why it ends, before the server closes its connection
        outcome.error = { ...SHUTDOWN_ERROR };
        sink.publish("error", { error: SHUTDOWN_ERROR.type, message: SHUTDOWN_ERROR.message });
      }
    } else {
      outcome = { status: "error", error: errorOf(err) };
      sink.publish("error", { error: outcome.error!.type, message: outcome.error!.message });
    }
  }

  // an aborted graph leaves its last checkpoint writes under way: the thread is read (and rolled back) after them
  await checkpointer.close(run.threadId);
  await usage.flush();
  if (control.abandoned()) {
    // the shutdown drain already recorded how the run ended: do not overwrite it
    await sink.flush();
    const ended = (await repos.runs.get({ all: true }, run.id)) ?? run;
    // one process: shutdown ended it (and reported that); a fleet: released to another worker
    watch.lost(ended);
    return ended;
  }
  if (lease) {
    // the writes below are the run's end: made only while this worker still holds it
    await sink.flush();
    if (!(await repos.leases.renew(lease, 60_000)).held) throw new LeaseLostError(run.id);
  }
  if (control.cancelAction() === "rollback") {
    await ctx.checkpointer.deleteRunCheckpoints(run.threadId, run.id);
    await repos.runs.markRolledBack(run.id);
  }
  await settleThread(ctx, run, graph, outcome.status);
  run = await repos.runs.transition(run.id, { status: outcome.status, error: outcome.error, endedAt: new Date() }, lease);
  watch.ended(run);
  await sink.flush();
  ctx.live.end(run.id, run.status);
  ctx.feed.emit(run);
  if (kwargs.webhook) await sendWebhook(kwargs.webhook, run, ctx.webhooks, ctx.logError);
  return run;
}

/**
 * Writes the thread's status, latest values and pending interrupts after one of
 * its runs ended (or was cancelled before it started): busy while other runs are
 * in flight, error after a failed run, interrupted when the graph waits for input
 * (an `interrupt()`, or a finished run stopped by interrupt_before/after with nodes
 * still to run), else idle.
 */
export async function settleThread(
  ctx: RuntimeContext,
  run: Run,
  graph: RunnableGraph | undefined,
  outcome: "success" | "error" | "interrupted",
): Promise<void> {
  const [inFlight, state] = await Promise.all([
    ctx.repos.runs.inFlight(run.threadId),
    graph ? threadStateOf(graph, run.threadId).catch(() => undefined) : undefined,
  ]);
  const others = inFlight.filter((r) => r.id !== run.id);
  // without the graph (a run cancelled before it started) the thread's stored interrupts still hold
  const interrupts = state ? state.interrupts : (await ctx.repos.threads.get({ all: true }, run.threadId))?.interrupts;
  const waiting = (Array.isArray(interrupts) && interrupts.length > 0) || (outcome === "success" && (state?.next.length ?? 0) > 0);
  const status = others.length > 0 ? "busy" : outcome === "error" ? "error" : waiting ? "interrupted" : "idle";
  await ctx.repos.threads.update({ all: true }, run.threadId, {
    status,
    ...(state ? { values: toWire(state.values), interrupts: toWire(state.interrupts) } : {}),
  });
}
