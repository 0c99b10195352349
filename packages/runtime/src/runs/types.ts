import type { Run } from "@lgrs/db";
import { FINAL_STATUSES } from "../enums.ts";

import type {
  CancelAction,
  Durability,
  IfNotExists,
  MultitaskStrategy,
  OnCompletion,
  OnDisconnect,
  StopDoor,
  StreamMode,
} from "../enums.ts";

export type { CancelAction, MultitaskStrategy, StreamMode };

/** Resuming or steering a thread: `{ resume }`, or `update` / `goto`. */
export interface RunCommand {
  resume?: unknown;
  update?: unknown;
  goto?: unknown;
}

/**
 * A run's config: LangChain's RunnableConfig as the LangGraph API takes it
 * (`recursion_limit` included), passed to the graph as it is.
 */
export interface RunConfig {
  configurable?: Record<string, unknown>;
  tags?: string[];
  recursion_limit?: number;
  [key: string]: unknown;
}

/** What a run was asked to do; stored as the run's `kwargs` (rows of earlier versions are read by `readKwargs`). */
export interface RunKwargs {
  input?: unknown;
  command?: RunCommand | null;
  config?: RunConfig;
  context?: Record<string, unknown> | null;
  streamMode?: StreamMode[];
  streamSubgraphs?: boolean;
  /** when checkpoints are saved (default `async`) */
  durability?: Durability;
  interruptBefore?: string[] | "*";
  interruptAfter?: string[] | "*";
  /** start from this checkpoint of the thread instead of its latest */
  checkpointId?: string | null;
  /** what the creating request asked for when its client leaves before the end */
  onDisconnect?: OnDisconnect;
  webhook?: string | null;
  /**
   * `v2`: the run streams the thread-centric protocol's events (`protocol:<method>`,
   * see protocol-stream.ts) instead of the stream modes: `client.threads.stream` started it.
   */
  protocol?: "v2";
}

export interface CreateRunRequest extends RunKwargs {
  /** null for a stateless run: a temporary thread is made for it */
  threadId: string | null;
  /** an assistant id, or a graph id standing for that graph's default assistant */
  assistantId: string;
  metadata?: Record<string, unknown>;
  multitaskStrategy?: MultitaskStrategy;
  /** what to do when the thread does not exist (default reject) */
  ifNotExists?: IfNotExists;
  /** start no earlier than this many seconds from now */
  afterSeconds?: number;
  /** a stateless run's temporary thread once the run has ended: deleted (the default) or kept; ignored for a thread's run */
  onCompletion?: OnCompletion;
}

/**
 * Which run a call means: one of the caller's, on `threadId` when given. A
 * rolled-back run is hidden unless `includeRolledBack` (the LangGraph API deletes
 * such runs; the dashboard shows them, marked).
 */
export interface RunLookup {
  threadId?: string;
  includeRolledBack?: boolean;
}

/** Waiting for a run's end, or following its events. */
export interface RunWaitOptions extends RunLookup {
  /** the caller has gone away: stop waiting */
  signal?: AbortSignal;
  /**
   * `cancel`: the run is cancelled (interrupt) when `signal` aborts before its end.
   * Absent: what the run was created with when the caller is its owner, else `continue`.
   */
  onDisconnect?: OnDisconnect;
}

export interface RunStreamOptions extends RunWaitOptions {
  /** resume after this event id; absent, 0 or -1: from the first event */
  lastEventId?: number;
  /** only events of these stream modes (`metadata` and `error` always pass) */
  streamModes?: readonly string[];
  /** cancel the run this way first, then stream what remains */
  action?: CancelAction;
  /** the door the cancel came through (with `action`) */
  door?: StopDoor;
}

/** A run once it has ended, with what a waiting client is answered. */
export interface RunOutcome {
  run: Run;
  /** the thread's values after the run (null when the run failed or its thread is gone) */
  values: unknown;
  /** why the run failed; null unless its status is `error` */
  error: { type: string; message: string } | null;
}

/** What `watch` yields: a run that was just created, or whose status just changed. */
export interface RunChange {
  type: "created" | "status";
  run: Run;
}

export type { Run };

export function isFinal(status: Run["status"]): boolean {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}
