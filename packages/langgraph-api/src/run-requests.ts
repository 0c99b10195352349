import type { Context } from "hono";
import { ALL, type Scope } from "@lgrs/db";
import type { CreateRunRequest, Run, Runtime } from "@lgrs/runtime";
import type { Caller } from "@lgrs/auth";
import { HttpError } from "./http-errors.ts";
import type { RunCreateBody } from "./schemas.ts";
import { runLocation } from "./sse.ts";

/** The runtime's run request for a LangGraph API body; `threadId` null for a stateless run. */
export function toCreateRequest(caller: Caller, threadId: string | null, body: RunCreateBody): CreateRunRequest {
  const modes = body.stream_mode === undefined ? undefined : [body.stream_mode].flat();
  return {
    threadId,
    ownerId: caller.userId,
    assistantId: body.assistant_id,
    input: body.input ?? undefined,
    command: body.command ?? undefined,
    config: body.config ?? undefined,
    context: body.context ?? undefined,
    metadata: body.metadata ?? undefined,
    multitaskStrategy: body.multitask_strategy ?? undefined,
    ifNotExists: body.if_not_exists ?? undefined,
    afterSeconds: body.after_seconds ?? undefined,
    stream_mode: modes,
    stream_subgraphs: body.stream_subgraphs ?? undefined,
    interrupt_before: body.interrupt_before ?? undefined,
    interrupt_after: body.interrupt_after ?? undefined,
    checkpoint_id: body.checkpoint_id ?? body.checkpoint?.checkpoint_id ?? undefined,
    on_disconnect: body.on_disconnect ?? undefined,
    webhook: body.webhook ?? undefined,
  };
}

/** Sets the headers the SDK reads the new run's id from. */
export function setRunHeaders(c: Context, run: Run): void {
  c.header("Content-Location", runLocation(run).contentLocation);
}

/**
 * Whether the LangGraph API still shows a run: a rolled-back run (cancel with
 * `action=rollback`, or the `rollback` multitask strategy) is deleted on
 * LangGraph Platform, so clients get 404 for it; we keep it, marked, for our own UI.
 */
export function isVisible(run: Run): boolean {
  return !run.rolledBackAt;
}

/** A run under `/threads/{threadId}/runs/{runId}`: 404 unless it is the caller's, on that thread, and not rolled back. */
export async function runOnThread(runtime: Runtime, scope: Scope, threadId: string, runId: string): Promise<Run> {
  const run = await runtime.runs.get(scope, runId);
  if (!run || run.threadId !== threadId || !isVisible(run)) throw new HttpError(404, `run ${runId} not found on thread ${threadId}`);
  return run;
}

/**
 * What `/wait` and `/join` answer once the run has finished: the thread's values,
 * or `{ __error__ }` for a failed run (the SDK raises it as an error).
 */
export async function finalOutput(runtime: Runtime, scope: Scope, run: Run): Promise<unknown> {
  if (run.status === "error") {
    const error = (run.error ?? {}) as { type?: string; message?: string };
    return { __error__: { error: error.type ?? "Error", message: error.message ?? "the run failed" } };
  }
  const state = await runtime.threads.state({ userId: run.ownerId, scope }, run.threadId).catch(() => null);
  return state?.values ?? null;
}

/**
 * A stateless run's temporary thread is deleted once the run has finished
 * (`on_completion: "delete"`, the default), as LangGraph does.
 */
export function deleteWhenDone(runtime: Runtime, run: Run, onCompletion: "delete" | "keep" | null | undefined): void {
  if ((onCompletion ?? "delete") !== "delete") return;
  void runtime.runs
    .join(ALL, run.id)
    .then(() => runtime.threads.delete({ userId: run.ownerId, scope: ALL }, run.threadId))
    .catch(() => {});
}
