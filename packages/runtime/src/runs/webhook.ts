import type { Run } from "@lgrs/db";
import { toWire } from "./wire.ts";

/**
 * POSTs the finished run as JSON to the URL the run was created with, as the
 * LangGraph API does. Best effort: a failing webhook is logged, never retried
 * forever, and never changes the run.
 */
export async function sendWebhook(url: string, run: Run, logError: (err: unknown) => void): Promise<void> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(runAsJson(run)),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) logError(new Error(`webhook ${url} answered ${response.status} for run ${run.id}`));
  } catch (err) {
    logError(new Error(`webhook ${url} failed for run ${run.id}: ${err instanceof Error ? err.message : String(err)}`));
  }
}

/** A run in the LangGraph API's JSON shape. */
export function runAsJson(run: Run): Record<string, unknown> {
  return {
    run_id: run.id,
    thread_id: run.threadId,
    assistant_id: run.assistantId,
    status: run.status,
    metadata: run.metadata,
    kwargs: toWire(run.kwargs),
    multitask_strategy: run.multitaskStrategy,
    error: run.error,
    created_at: run.createdAt.toISOString(),
    updated_at: run.updatedAt.toISOString(),
  };
}
