import type { Run } from "@lgrs/db";
import { readKwargs } from "./kwargs.ts";
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

/** The webhook body names the run's options as the LangGraph API does (`stream_mode`...). */
function snakeCaseKeys(kwargs: unknown): unknown {
  if (!kwargs || typeof kwargs !== "object" || Array.isArray(kwargs)) return kwargs;
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`), v]));
}

/** A run in the LangGraph API's JSON shape: what its webhook receives. */
export function runAsJson(run: Run): Record<string, unknown> {
  return {
    run_id: run.id,
    thread_id: run.threadId,
    assistant_id: run.assistantId,
    status: run.status,
    metadata: run.metadata,
    kwargs: snakeCaseKeys(toWire(readKwargs(run.kwargs))),
    multitask_strategy: run.multitaskStrategy,
    error: run.error,
    created_at: run.createdAt.toISOString(),
    updated_at: run.updatedAt.toISOString(),
  };
}
