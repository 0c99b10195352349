import type { JsonObject } from "@lgrs/db";
import type { Durability, MultitaskStrategy, OnCompletion, StreamMode } from "../enums.ts";
import type { RunCommand, RunConfig } from "../runs/types.ts";

/** What each tick's run is asked to do (a run request without its thread and assistant). */
export interface CronRunPayload {
  input?: unknown;
  command?: RunCommand | null;
  config?: RunConfig;
  context?: Record<string, unknown> | null;
  /** the metadata of each run */
  metadata?: JsonObject;
  streamMode?: StreamMode[];
  streamSubgraphs?: boolean;
  /** when each run saves its checkpoints (default `async`) */
  durability?: Durability;
  interruptBefore?: string[] | "*";
  interruptAfter?: string[] | "*";
  webhook?: string | null;
  /** a thread cron's runs when the thread is busy at a tick (default `enqueue`: the tick waits its turn) */
  multitaskStrategy?: MultitaskStrategy;
  /** a stateless cron's thread once its run has ended: deleted (the default) or kept */
  onCompletion?: OnCompletion;
}
