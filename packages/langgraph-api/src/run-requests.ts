import type { Context } from "hono";
import type { CreateRunRequest, Durability, Run, RunOutcome } from "@lgrs/runtime";
import type { RunCreateBody } from "./schemas.ts";
import { runLocation } from "./sse.ts";

/** The runtime's run request for a LangGraph API body; `threadId` null for a stateless run. */
export function toCreateRequest(threadId: string | null, body: RunCreateBody): CreateRunRequest {
  return {
    threadId,
    assistantId: body.assistant_id,
    input: body.input ?? undefined,
    command: body.command ?? undefined,
    config: body.config ?? undefined,
    context: body.context ?? undefined,
    metadata: body.metadata ?? undefined,
    multitaskStrategy: body.multitask_strategy ?? undefined,
    ifNotExists: body.if_not_exists ?? undefined,
    afterSeconds: body.after_seconds ?? undefined,
    streamMode: body.stream_mode === undefined ? undefined : [body.stream_mode].flat(),
    streamSubgraphs: body.stream_subgraphs ?? undefined,
    durability: durabilityOf(body),
    interruptBefore: body.interrupt_before ?? undefined,
    interruptAfter: body.interrupt_after ?? undefined,
    checkpointId: body.checkpoint_id ?? body.checkpoint?.checkpoint_id ?? undefined,
    onDisconnect: body.on_disconnect ?? undefined,
    onCompletion: body.on_completion ?? undefined,
    webhook: body.webhook ?? undefined,
  };
}

/**
 * `durability`, or the older `checkpoint_during` it replaced (false: checkpoints
 * only at exit; true: during the run, the default). `durability` wins when both come.
 */
export function durabilityOf(body: { durability?: Durability | null; checkpoint_during?: boolean | null }): Durability | undefined {
  if (body.durability) return body.durability;
  if (body.checkpoint_during === false) return "exit";
  if (body.checkpoint_during === true) return "async";
  return undefined;
}

/** Sets the headers the SDK reads the new run's id from. */
export function setRunHeaders(c: Context, run: Run): void {
  c.header("Content-Location", runLocation(run).contentLocation);
}

/**
 * What `/wait` and `/join` answer once the run has finished: the thread's values,
 * or `{ __error__ }` for a failed run (the SDK raises it as an error).
 */
export function outcomeToWire(outcome: RunOutcome): unknown {
  if (outcome.error) return { __error__: { error: outcome.error.type, message: outcome.error.message } };
  return outcome.values;
}
