import type { Assistant, Run, RunStopReason, Thread } from "@lgrs/runtime";

/** Rows as the LangGraph Platform API sends them (snake_case, ISO dates). */

export function assistantToWire(a: Assistant) {
  return {
    assistant_id: a.id,
    graph_id: a.graphId,
    name: a.name,
    description: a.description,
    config: a.config ?? {},
    context: a.context ?? {},
    metadata: a.metadata ?? {},
    version: a.version,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}

type WireInterrupt = { id?: string; value?: unknown };

/**
 * Pending interrupts keyed as the SDK expects them. We keep them as a list; each
 * is keyed by its own id (the key is opaque to clients, which read the values).
 */
export function interruptsToWire(interrupts: unknown): Record<string, WireInterrupt[]> {
  if (!Array.isArray(interrupts)) return (interrupts as Record<string, WireInterrupt[]> | null) ?? {};
  const out: Record<string, WireInterrupt[]> = {};
  interrupts.forEach((i: WireInterrupt, n) => (out[i.id ?? String(n)] ??= []).push(i));
  return out;
}

export function threadToWire(t: Thread) {
  return {
    thread_id: t.id,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
    state_updated_at: t.updatedAt.toISOString(),
    metadata: t.metadata ?? {},
    status: t.status,
    config: t.config ?? {},
    values: t.values ?? null,
    interrupts: interruptsToWire(t.interrupts),
  };
}

/** A run's options under the LangGraph API's names (`streamMode` is sent as `stream_mode`). */
function kwargsToWire(kwargs: unknown): Record<string, unknown> {
  if (!kwargs || typeof kwargs !== "object" || Array.isArray(kwargs)) return {};
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`), v]));
}

export function runToWire(r: Run) {
  return {
    run_id: r.id,
    thread_id: r.threadId,
    assistant_id: r.assistantId,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    status: r.status,
    metadata: r.metadata ?? {},
    kwargs: kwargsToWire(r.kwargs),
    multitask_strategy: r.multitaskStrategy,
    // the cron whose tick created the run (not in LangGraph's own runs): only when there is one
    ...(r.cronId ? { cron_id: r.cronId } : {}),
    // who or what stopped the run (not in LangGraph's own runs either): an extra top-level
    // field, which the SDK's Run type leaves alone; only on a stopped run
    ...(r.stopReason ? { stop_reason: stopReasonToWire(r.stopReason as unknown as RunStopReason) } : {}),
  };
}

/** A run's stop reason under the LangGraph API's names. */
function stopReasonToWire(reason: RunStopReason) {
  const by = reason.by;
  return {
    kind: reason.kind,
    action: reason.action,
    ...(by
      ? {
          by: {
            user_id: by.userId,
            ...(by.email !== undefined ? { email: by.email } : {}),
            ...(by.apiKeyId !== undefined ? { api_key_id: by.apiKeyId, api_key_name: by.apiKeyName ?? null } : {}),
            ...(by.door !== undefined ? { door: by.door } : {}),
          },
        }
      : {}),
    ...(reason.replacedBy !== undefined ? { replaced_by: reason.replacedBy } : {}),
    ...(reason.cronId !== undefined ? { cron_id: reason.cronId } : {}),
    ...(reason.detail !== undefined ? { detail: reason.detail } : {}),
    at: reason.at,
  };
}
