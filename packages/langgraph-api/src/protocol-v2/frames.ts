import { PROTOCOL_EVENT_PREFIX, SHUTDOWN_ERROR, type ProtocolEventBody, type Run, type ThreadStreamItem } from "@lgrs/runtime";
import type { Namespace, ProtocolEvent } from "./types.ts";

/**
 * A thread's event order across its runs: a run's events come after those of
 * every run created in an earlier second (ids within a run stay below a million).
 * Derived from stored facts only, so a reader that reconnects gets the same
 * numbers, and `event_id` (`run:id`) stays what clients de-duplicate by.
 */
function seqOf(run: Run, id: number): number {
  return Math.floor(run.createdAt.getTime() / 1000) * 1_000_000 + Math.min(id, 999_999);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The root lifecycle a finished run ends with: waiting for input counts as interrupted, a cancel too. */
function terminalOf(status: string, waiting: boolean): "completed" | "interrupted" | "failed" {
  if (status === "success") return waiting ? "interrupted" : "completed";
  if (status === "interrupted") return "interrupted";
  return "failed";
}

/**
 * Turns a thread's run items (from RunService.followThread) into protocol events,
 * one reader at a time: each run opens with a root `lifecycle: running` (its
 * metadata event) and closes with its terminal lifecycle (its end). A protocol
 * run's events are passed on; a run started through the older endpoints still
 * shows its values (and the interrupts in them).
 */
export class ProtocolFramer {
  private run: Run | undefined;
  private lastId = 0;
  private waiting = false;
  private ended = false;

  frame({ run, item }: ThreadStreamItem): ProtocolEvent[] {
    if (this.run?.id !== run.id) {
      this.run = run;
      this.lastId = 0;
      this.waiting = false;
      this.ended = false;
    }
    if (item.type === "gap") return [];
    if (item.type === "end") {
      if (this.ended) return [];
      this.ended = true;
      return [
        this.event(run, "end", this.lastId + 1, "lifecycle", [], {
          event: terminalOf(item.status, this.waiting),
          graph_name: run.assistantId,
        }),
      ];
    }
    this.lastId = item.id;
    const { event: name, data } = item;
    if (name === "metadata") return [this.event(run, item.id, item.id, "lifecycle", [], { event: "running", graph_name: run.assistantId })];
    if (name === "error") {
      this.ended = true;
      const message = isRecord(data) && typeof data["message"] === "string" ? data["message"] : "the run failed";
      // a shutdown stops a run as a cancel does (its status is interrupted), or leaves it queued: not a failure of the graph
      const shutdown = isRecord(data) && data["error"] === SHUTDOWN_ERROR.type;
      // the notice closing a stream whose run had not ended repeats the last id read: its own key keeps it apart
      const key = shutdown ? `${item.id}.shutdown` : item.id;
      const event = shutdown ? "interrupted" : "failed";
      return [this.event(run, key, item.id, "lifecycle", [], { event, graph_name: run.assistantId, error: message })];
    }
    if (name.startsWith(PROTOCOL_EVENT_PREFIX)) {
      const method = name.slice(PROTOCOL_EVENT_PREFIX.length);
      const body = data as ProtocolEventBody;
      if (method === "input.requested" && body.namespace.length === 0) this.waiting = true;
      return [this.event(run, item.id, item.id, method, body.namespace, body.data, body.node)];
    }
    return this.legacy(run, item.id, name, data);
  }

  /** The values (and interrupts) of a run streamed with the older stream modes. */
  private legacy(run: Run, id: number, name: string, data: unknown): ProtocolEvent[] {
    const [mode, ...namespace] = name.split("|");
    if (mode !== "values" || !isRecord(data)) return [];
    const { __interrupt__: interrupts, ...values } = data;
    const out = [this.event(run, id, id, "values", namespace, values)];
    if (Array.isArray(interrupts)) {
      interrupts.forEach((entry, i) => {
        if (!isRecord(entry)) return;
        if (namespace.length === 0) this.waiting = true;
        out.push(this.event(run, `${id}.${i}`, id, "input.requested", namespace, { interrupt_id: entry["id"], payload: entry["value"] }));
      });
    }
    return out;
  }

  private event(
    run: Run,
    key: number | string,
    id: number,
    method: string,
    namespace: Namespace,
    data: unknown,
    node?: string,
  ): ProtocolEvent {
    return {
      type: "event",
      event_id: `${run.id}:${key}`,
      seq: seqOf(run, id),
      method,
      params: { namespace, timestamp: Date.now(), ...(node !== undefined ? { node } : {}), data },
    };
  }
}
