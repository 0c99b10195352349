/**
 * Input shapes both API doors validate with: the leaves (enums, ids, JSON
 * objects, run options) live here once; each door composes them into its own
 * request schemas (camelCase for tRPC, snake_case on the LangGraph wire).
 */
import { z } from "zod";
import {
  CANCEL_ACTIONS,
  CANCEL_MANY_STATUSES,
  IF_EXISTS,
  IF_NOT_EXISTS,
  MULTITASK_STRATEGIES,
  ON_COMPLETION,
  ON_DISCONNECT,
  DURABILITIES,
  RUN_STATUSES,
  SORT_ORDERS,
  STREAM_MODES,
  THREAD_STATUSES,
  USAGE_CALLERS,
  THREAD_STREAM_MODES,
  PRUNE_STRATEGIES,
} from "./enums.ts";
import { MAX_SEARCH_OFFSET } from "@lgrs/db";
import { MAX_AFTER_SECONDS, MAX_KEY_LENGTH } from "./input/limits.ts";

export const runStatus = z.enum(RUN_STATUSES);
export const threadStatus = z.enum(THREAD_STATUSES);
export const multitaskStrategy = z.enum(MULTITASK_STRATEGIES);
export const usageCaller = z.enum(USAGE_CALLERS);
export const cancelAction = z.enum(CANCEL_ACTIONS);
export const streamMode = z.enum(STREAM_MODES);
export const onCompletion = z.enum(ON_COMPLETION);
export const onDisconnect = z.enum(ON_DISCONNECT);
export const durability = z.enum(DURABILITIES);
export const ifExists = z.enum(IF_EXISTS);
export const ifNotExists = z.enum(IF_NOT_EXISTS);
export const sortOrder = z.enum(SORT_ORDERS);
export const cancelManyStatus = z.enum(CANCEL_MANY_STATUSES);
export const threadStreamMode = z.enum(THREAD_STREAM_MODES);
export const pruneStrategy = z.enum(PRUNE_STRATEGIES);
/** Minutes to live (a thread's or a store item's): up to ten years. */
export const ttlMinutes = z.number().positive().max(5_256_000);

/** A JSON object (metadata, configurable, context, filters). */
export const jsonObject = z.record(z.string(), z.unknown());

/** Node names for interrupt_before / interrupt_after: a list, or "*" for every node. */
export const nodeNames = z.union([z.array(z.string().min(1)), z.literal("*")]);

/** A run's or an assistant's config (LangChain's RunnableConfig: known keys checked, others kept). */
export const runnableConfig = z
  .object({
    configurable: jsonObject.optional(),
    tags: z.array(z.string()).optional(),
    recursion_limit: z.number().int().positive().optional(),
  })
  .passthrough();

/** Resuming or steering a thread: `{ resume }`, or `update` / `goto`. */
export const runCommand = z
  .object({ resume: z.unknown().optional(), update: z.unknown().optional(), goto: z.unknown().optional() })
  .strict();

/** Where a webhook may point: http(s) URLs only. */
export const webhookUrl = z.url({ protocol: /^https?$/ });

/** An id, a name, a key or a label: short enough for any index (MAX_KEY_LENGTH). */
export const name = z.string().min(1).max(MAX_KEY_LENGTH);

/** Seconds a run waits before it starts: up to 30 days. */
export const afterSeconds = z.number().min(0).max(MAX_AFTER_SECONDS);

/** How far a search skips. */
export const searchOffset = z.number().int().min(0).max(MAX_SEARCH_OFFSET);
