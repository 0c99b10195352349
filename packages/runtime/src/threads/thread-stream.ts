import { ALL, type Run } from "@lgrs/db";
import type { ThreadStreamMode } from "../enums.ts";
import { InvalidRequestError } from "../errors.ts";
import type { RuntimeContext } from "../runs/context.ts";
import type { RunManager } from "../runs/run-manager.ts";
import { isFinal } from "../runs/types.ts";
import { toWire } from "../runs/wire.ts";

/**
 * A thread's stream (LangGraph's join thread stream): the events of every run on the
 * thread, one run after the other, as they happen, until the reader leaves.
 *
 * Event ids are `<run created, ms>.<run id>.<position>`: runs in the order the thread
 * admitted them (creation time, then id, as the database orders them), and within a run
 * position 0 is its start, 1..n its own events (the run's event ids), and n+1, n+2, n+3
 * its end (lifecycle end, state update, run done). Every event has its id whatever the
 * modes asked, so an id names the same place for every reader, and a resume with
 * Last-Event-ID goes on right after it: nothing lost, nothing repeated.
 */

export interface ThreadStreamOptions {
  /**
   * Where to go on from: an id this stream gave, or "-1" / "-" / "0" for the thread's
   * first run. Absent: from the run in flight now (else the next run to come).
   */
  lastEventId?: string;
  /** default `run_modes` */
  modes?: readonly ThreadStreamMode[];
  /** stops the stream (the iteration returns) */
  signal?: AbortSignal;
}

export interface ThreadStreamEvent {
  id: string;
  event: string;
  data: unknown;
}

/** The place in the thread's stream after which reading goes on; `run` null: before the first run. */
interface Cursor {
  run: { at: number; id: string } | null;
  position: number;
}

const END_POSITIONS = 3;
const FROM_START = new Set(["-1", "-", "0"]);
const ID = /^(\d+)\.([0-9a-f-]{36})\.(\d+)$/i;

function runKey(run: Run): { at: number; id: string } {
  return { at: run.createdAt.getTime(), id: run.id };
}

/** Whether run `a` comes after `b` in the thread's order. */
function after(a: { at: number; id: string }, b: { at: number; id: string }): boolean {
  return a.at > b.at || (a.at === b.at && a.id > b.id);
}

function eventId(run: Run, position: number): string {
  return `${run.createdAt.getTime()}.${run.id}.${position}`;
}

/** The cursor an id names; InvalidRequestError (field lastEventId) for one this stream cannot have given. */
export function parseThreadEventId(raw: string): Cursor {
  if (FROM_START.has(raw)) return { run: null, position: 0 };
  const match = ID.exec(raw);
  if (!match) {
    throw new InvalidRequestError(`"${raw}" is not an event id of a thread stream (<ms>.<run id>.<n>, or -1 from the start)`, {
      field: "lastEventId",
    });
  }
  return { run: { at: Number(match[1]), id: match[2]!.toLowerCase() }, position: Number(match[3]) };
}

/** What a run's end is called in lifecycle events (the SDK's LifecycleStreamEvent words). */
function lifecycleEnd(run: Run): Record<string, unknown> {
  const base = { run_id: run.id, thread_id: run.threadId, status: run.status, namespace: [] as string[] };
  if (run.status === "success") return { event: "completed", ...base };
  if (run.status === "interrupted") return { event: "interrupted", ...base };
  const error = (run.error ?? {}) as { type?: string; message?: string };
  return { event: "failed", ...base, error: { error: error.type ?? "Error", message: error.message ?? `the run ended ${run.status}` } };
}

/** The state's channels as the graph's values: LangGraph's own channels (`__start__`, `branch:...`) left out. */
function stateValues(channels: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(channels).filter(([name]) => !name.startsWith("__") && !name.includes(":")));
}

/** Wakes a waiting reader when the thread's runs change; a change while nobody waits is kept for the next wait. */
class Wakeup {
  private pending = false;
  private waiter: (() => void) | undefined;

  notify(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter();
    else this.pending = true;
  }

  wait(signal: AbortSignal | undefined): Promise<void> {
    if (this.pending || signal?.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener("abort", done);
        this.waiter = undefined;
        resolve();
      };
      this.waiter = done;
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}

/**
 * The thread's events after `options.lastEventId` (see the top of this file), pushed
 * as they happen: the run feed says when a run is created or changes, the stream
 * bridge (or the database, for a finished run) gives each run's events. The caller has
 * checked that the thread is the reader's.
 */
export async function* threadEvents(
  ctx: RuntimeContext,
  manager: RunManager,
  threadId: string,
  options: ThreadStreamOptions = {},
): AsyncGenerator<ThreadStreamEvent> {
  const modes = new Set(options.modes?.length ? options.modes : ["run_modes"]);
  const { signal } = options;
  const wake = new Wakeup();
  // listen first, then read: a run created between the two still wakes the reader
  const stop = ctx.feed.subscribe((run) => run.threadId === threadId && wake.notify());
  try {
    let cursor = options.lastEventId === undefined ? await startNow(ctx, threadId) : parseThreadEventId(options.lastEventId);
    while (!signal?.aborted) {
      const runs = await ctx.repos.runs.select(ALL, { threadId });
      // the run the cursor is in, while it has more to give; else the first run after it
      const current = cursor.run ? runs.find((r) => r.id === cursor.run!.id) : undefined;
      const unfinished = current && !isPast(current, cursor.position, await lastSeqOf(ctx, current));
      const next = unfinished ? current : runs.find((r) => cursor.run === null || after(runKey(r), cursor.run));
      if (!next) {
        if (!(await ctx.repos.threads.get(ALL, threadId))) return;
        await wake.wait(signal);
        continue;
      }
      yield* runEvents(ctx, manager, next, unfinished ? cursor.position : -1, modes, signal);
      cursor = { run: runKey(next), position: Number.MAX_SAFE_INTEGER };
    }
  } finally {
    stop();
  }
}

/** Whether every position of a finished run up to its end is at or before `position`. */
function isPast(run: Run, position: number, lastSeq: number): boolean {
  return isFinal(run.status) && position >= lastSeq + END_POSITIONS;
}

async function lastSeqOf(ctx: RuntimeContext, run: Run): Promise<number> {
  return isFinal(run.status) ? ((await ctx.repos.events.lastSeq(run.id)) ?? 0) : 0;
}

/** Without Last-Event-ID: from the thread's first run in flight, else after its newest run. */
async function startNow(ctx: RuntimeContext, threadId: string): Promise<Cursor> {
  const runs = await ctx.repos.runs.select(ALL, { threadId });
  const firstInFlight = runs.findIndex((r) => !isFinal(r.status));
  const before = firstInFlight === -1 ? runs.at(-1) : firstInFlight > 0 ? runs[firstInFlight - 1] : undefined;
  return before ? { run: runKey(before), position: Number.MAX_SAFE_INTEGER } : { run: null, position: 0 };
}

/** One run's events after `resumeAt` (-1: all of them): its start, its own events, its end. */
async function* runEvents(
  ctx: RuntimeContext,
  manager: RunManager,
  run: Run,
  resumeAt: number,
  modes: Set<string>,
  signal: AbortSignal | undefined,
): AsyncGenerator<ThreadStreamEvent> {
  let started = resumeAt >= 0;
  const start = function* (): Generator<ThreadStreamEvent> {
    if (started) return;
    started = true;
    if (modes.has("lifecycle")) {
      yield {
        id: eventId(run, 0),
        event: "lifecycle",
        data: { event: "started", run_id: run.id, thread_id: run.threadId, namespace: [] },
      };
    }
  };
  const items = manager.stream(run, { lastEventId: resumeAt > 0 ? resumeAt : undefined, signal });
  let ended = false;
  for await (const item of items) {
    // the start is told when the run is seen to begin: its first event, or its end when it never ran
    yield* start();
    if (item.type === "end") {
      ended = true;
      break;
    }
    if (item.type === "event" && modes.has("run_modes")) yield { id: eventId(run, item.id), event: item.event, data: item.data };
  }
  if (!ended) return;
  const final = (await ctx.repos.runs.get(ALL, run.id)) ?? run;
  const lastSeq = (await ctx.repos.events.lastSeq(run.id)) ?? 0;
  const tail: ThreadStreamEvent[] = [];
  if (modes.has("lifecycle")) tail.push({ id: eventId(run, lastSeq + 1), event: "lifecycle", data: lifecycleEnd(final) });
  if (modes.has("state_update")) {
    const checkpoint = await ctx.checkpointer.lastRunCheckpoint(run.threadId, run.id);
    if (checkpoint) {
      tail.push({
        id: eventId(run, lastSeq + 2),
        event: "state_update",
        data: {
          run_id: run.id,
          thread_id: run.threadId,
          checkpoint_id: checkpoint.checkpoint.id,
          values: toWire(stateValues(checkpoint.checkpoint.channel_values ?? {})),
        },
      });
    }
  }
  if (modes.has("run_modes"))
    tail.push({ id: eventId(run, lastSeq + 3), event: "run_done", data: { run_id: run.id, status: final.status } });
  for (const e of tail) if (Number(e.id.split(".")[2]) > resumeAt) yield e;
}
