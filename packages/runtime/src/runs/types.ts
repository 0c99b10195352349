import type { Run } from "@lgrs/db";

export type MultitaskStrategy = "reject" | "interrupt" | "rollback" | "enqueue";
export type CancelAction = "interrupt" | "rollback";

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

/** What a run was asked to do; stored as the run's `kwargs`. Field names follow the LangGraph API. */
export interface RunKwargs {
  input?: unknown;
  command?: { resume?: unknown; update?: unknown; goto?: unknown } | null;
  config?: { configurable?: Record<string, unknown>; tags?: string[]; recursion_limit?: number; [key: string]: unknown };
  context?: Record<string, unknown> | null;
  stream_mode?: StreamMode[];
  stream_subgraphs?: boolean;
  interrupt_before?: string[] | "*";
  interrupt_after?: string[] | "*";
  checkpoint_id?: string | null;
  on_disconnect?: "cancel" | "continue";
  webhook?: string | null;
}

export interface CreateRunRequest extends RunKwargs {
  /** null for a stateless run: a temporary thread is made for it */
  threadId: string | null;
  ownerId: string;
  assistantId: string;
  metadata?: Record<string, unknown>;
  multitaskStrategy?: MultitaskStrategy;
  /** what to do when the thread does not exist */
  ifNotExists?: "create" | "reject";
  /** start no earlier than this many seconds from now */
  afterSeconds?: number;
}

export type { Run };

/** Final statuses: once a run has one, it never changes again. */
export const FINAL_STATUSES = ["success", "error", "timeout", "interrupted"] as const;
export function isFinal(status: Run["status"]): boolean {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}
