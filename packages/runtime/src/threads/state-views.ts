import type { GraphStateSnapshot, GraphTaskSnapshot } from "../runs/graph-source.ts";
import { toWire } from "../runs/wire.ts";

/**
 * A thread's state as the services give it: camelCase names, values and metadata
 * as JSON (messages as plain dicts). The LangGraph door renames the fields for its
 * wire; the contents of values, metadata and interrupts are the graph's and stay as they are.
 */

/** Names one checkpoint. */
export interface CheckpointRef {
  threadId: string;
  checkpointNs: string;
  checkpointId: string;
  checkpointMap?: Record<string, unknown> | null;
}

export interface ThreadInterruptView {
  value?: unknown;
  id?: string;
}

export interface ThreadTaskView {
  id: string;
  name: string;
  path?: unknown[];
  error: string | null;
  interrupts: ThreadInterruptView[];
  checkpoint: CheckpointRef | null;
  state: ThreadStateView | null;
  result?: unknown;
}

/** A thread's state at one checkpoint. */
export interface ThreadStateView {
  values: unknown;
  next: string[];
  tasks: ThreadTaskView[];
  checkpoint: CheckpointRef | null;
  metadata: Record<string, unknown>;
  createdAt: string | null;
  parentCheckpoint: CheckpointRef | null;
  interrupts: ThreadInterruptView[];
}

/** The state of a thread no graph has run on yet. */
export function emptyView(): ThreadStateView {
  return {
    values: {},
    next: [],
    tasks: [],
    checkpoint: null,
    metadata: {},
    createdAt: null,
    parentCheckpoint: null,
    interrupts: [],
  };
}

/** The checkpoint a LangGraph config names; null when it names none. */
export function refOf(configurable: Record<string, unknown> | undefined): CheckpointRef | null {
  const id = configurable?.checkpoint_id;
  if (!configurable || typeof id !== "string" || id === "") return null;
  const ref: CheckpointRef = {
    threadId: String(configurable.thread_id),
    checkpointNs: typeof configurable.checkpoint_ns === "string" ? configurable.checkpoint_ns : "",
    checkpointId: id,
  };
  if (configurable.checkpoint_map != null) ref.checkpointMap = toWire(configurable.checkpoint_map) as Record<string, unknown>;
  return ref;
}

export function isSnapshot(state: GraphTaskSnapshot["state"]): state is GraphStateSnapshot {
  return state != null && "values" in state && "next" in state;
}

/** A task's error as text: its message, as LangGraph Platform sends it. */
export function errorText(error: unknown): string | null {
  if (error === undefined || error === null) return null;
  if (typeof error === "string") return error;
  const message = (error as { message?: unknown }).message;
  if (typeof message === "string") return message;
  return JSON.stringify(toWire(error));
}

export function interruptsOf(list: GraphTaskSnapshot["interrupts"]): ThreadInterruptView[] {
  return (toWire(list ?? []) as ThreadInterruptView[]) ?? [];
}
