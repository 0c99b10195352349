/**
 * Every closed list of values the API doors accept or return, once. The status
 * and strategy lists come from the data model; the rest are the run options'
 * vocabularies (LangGraph's own words, so both doors can take them as they are).
 * Imports nothing but the schema's enums: safe for browser bundles
 * (`@lgrs/runtime/enums`).
 */
import { IN_FLIGHT, MultitaskStrategy, RunStatus, ThreadStatus, UsageCaller } from "@lgrs/db/enums";

function valuesOf<T extends Record<string, string>>(e: T): [T[keyof T], ...T[keyof T][]] {
  return Object.values(e) as [T[keyof T], ...T[keyof T][]];
}

export type { MultitaskStrategy, RunStatus, ThreadStatus, UsageCaller };

export const RUN_STATUSES = valuesOf(RunStatus);
export const THREAD_STATUSES = valuesOf(ThreadStatus);
export const MULTITASK_STRATEGIES = valuesOf(MultitaskStrategy);
export const USAGE_CALLERS = valuesOf(UsageCaller);

/** A run that has not finished: at most one per thread may be running. */
export const IN_FLIGHT_STATUSES = IN_FLIGHT;

/** Which runs a bulk cancel by status takes: pending, running, or both. */
export const CANCEL_MANY_STATUSES = [...IN_FLIGHT, "all"] as const;
export type CancelManyStatus = (typeof CANCEL_MANY_STATUSES)[number];
/** Final statuses: once a run has one, it never changes again. */
export const FINAL_STATUSES = ["success", "error", "timeout", "interrupted"] as const satisfies readonly RunStatus[];

export const CANCEL_ACTIONS = ["interrupt", "rollback"] as const;
export type CancelAction = (typeof CANCEL_ACTIONS)[number];

export const STREAM_MODES = [
  "values",
  "updates",
  "messages-tuple",
  "messages",
  "custom",
  "debug",
  "events",
  "tasks",
  "checkpoints",
] as const;
export type StreamMode = (typeof STREAM_MODES)[number];

/** A stateless run's temporary thread once the run has finished: deleted (the default) or kept. */
export const ON_COMPLETION = ["delete", "keep"] as const;
export type OnCompletion = (typeof ON_COMPLETION)[number];

/** A run whose stream or waiting client leaves before its end: cancelled, or left running (the default). */
export const ON_DISCONNECT = ["cancel", "continue"] as const;
export type OnDisconnect = (typeof ON_DISCONNECT)[number];

/**
 * When a run saves its checkpoints: after each step while the next runs (`async`,
 * the default), before the next step starts (`sync`), or only when the graph exits
 * (`exit`: fewer writes; a run resumed after its worker was lost starts over).
 */
export const DURABILITIES = ["sync", "async", "exit"] as const;
export type Durability = (typeof DURABILITIES)[number];

/** Creating a thread or assistant whose id exists: refuse (the default), or return the existing one. */
export const IF_EXISTS = ["raise", "do_nothing"] as const;
export type IfExists = (typeof IF_EXISTS)[number];

/** Starting a run on a thread that does not exist: refuse (the default), or create it. */
export const IF_NOT_EXISTS = ["create", "reject"] as const;
export type IfNotExists = (typeof IF_NOT_EXISTS)[number];

export const SORT_ORDERS = ["asc", "desc"] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/**
 * What a thread's stream carries: its runs' own events (`run_modes`, the default),
 * each run's start and end (`lifecycle`), the thread's state after each run (`state_update`).
 */
export const THREAD_STREAM_MODES = ["run_modes", "lifecycle", "state_update"] as const;
export type ThreadStreamMode = (typeof THREAD_STREAM_MODES)[number];

/** Pruning threads, and what a thread's expiry does: delete it, or keep only its latest checkpoint. */
export const PRUNE_STRATEGIES = ["delete", "keep_latest"] as const;
export type PruneStrategy = (typeof PRUNE_STRATEGIES)[number];

/** Who or what stopped a run, as its `stopReason.kind` records it. */
export const STOP_KINDS = ["operator", "api_key", "multitask", "shutdown", "on_disconnect", "cron_removed"] as const;
export type StopKind = (typeof STOP_KINDS)[number];

/**
 * Who or what stopped a run, stored on the run (`stopReason`) by the runtime when it
 * stops it, and returned by both doors. Declared here, beside the words it uses, so
 * the dashboard can read it without the runtime.
 */
export interface RunStopReason {
  kind: StopKind;
  /** how the run was stopped: interrupt keeps its checkpoints, rollback removes them */
  action: CancelAction;
  /** the user who asked (operator, api_key), with the key they presented and the door they came through */
  by?: {
    userId: string;
    email?: string;
    apiKeyId?: string;
    apiKeyName?: string | null;
    door?: StopDoor;
  };
  /** multitask: the run whose creation stopped this one */
  replacedBy?: string;
  /** cron_removed: the cron whose removal stopped the run */
  cronId?: string;
  /** shutdown: "server_stopping" (a drain), or "worker_lost" (its process went away before it finished) */
  detail?: "server_stopping" | "worker_lost";
  /** ISO time of the stop */
  at: string;
}

/** The door a cancel came through: the tRPC door (the dashboard, typed clients) or the LangGraph API. */
export type StopDoor = "trpc" | "langgraph-api";
