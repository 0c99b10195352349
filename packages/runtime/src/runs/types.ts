import type { Run } from "@lgrs/db";
import { FINAL_STATUSES } from "../enums.ts";

import type { CancelAction, MultitaskStrategy, StreamMode } from "../enums.ts";

export type { CancelAction, MultitaskStrategy, StreamMode };

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

export function isFinal(status: Run["status"]): boolean {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}
