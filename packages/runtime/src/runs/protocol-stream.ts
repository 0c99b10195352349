import type { GraphEvent } from "./graph-stream.ts";
import type { RunnableGraph } from "./graph-source.ts";
import { toWire } from "./wire.ts";

/** The prefix of a protocol run's event names: `protocol:messages`, `protocol:input.requested`... */
export const PROTOCOL_EVENT_PREFIX = "protocol:";

/** One event of LangGraph's `streamEvents(..., { version: "v3" })`: the thread-centric protocol's shape. */
interface V3Event {
  method: string;
  params: { namespace: string[]; node?: string; data: unknown };
}

type V3StreamingGraph = RunnableGraph & {
  streamEvents(input: unknown, options: Record<string, unknown>): Promise<AsyncIterable<V3Event>> | AsyncIterable<V3Event>;
};

/** What a protocol event carries on the bridge: the event without its framing (type, seq, ids come from the reader). */
export interface ProtocolEventBody {
  namespace: string[];
  node?: string;
  data: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The interrupts a values or updates payload announces (`__interrupt__`), as `input.requested` data. */
export function interruptRequests(value: unknown): { interrupt_id: string; payload: unknown }[] {
  const list = Array.isArray(value) ? value : isRecord(value) && Array.isArray(value["__interrupt__"]) ? value["__interrupt__"] : [];
  return list.flatMap((entry) =>
    isRecord(entry) && typeof entry["id"] === "string" ? [{ interrupt_id: entry["id"], payload: entry["value"] }] : [],
  );
}

/** A values payload without its `__interrupt__` key (the protocol sends interrupts on their own channel). */
export function withoutInterrupts(value: unknown): unknown {
  if (!isRecord(value) || !("__interrupt__" in value)) return value;
  const { __interrupt__: _, ...rest } = value;
  return rest;
}

/**
 * Runs the graph through LangGraph's own protocol pipeline (`streamEvents` v3:
 * messages as message/content-block lifecycles, tools, subgraph lifecycles) and
 * yields each event as `protocol:<method>`. Interrupts become `input.requested`
 * events (once per interrupt id) and leave the values; the root lifecycle is left
 * out because only the run's end knows it (cancelled, failed, waiting for input):
 * the reader frames it from the run's status.
 */
export async function* streamProtocolGraph(
  graph: RunnableGraph,
  input: unknown,
  options: Record<string, unknown>,
): AsyncGenerator<GraphEvent> {
  const asked = new Set<string>();
  function* requests(namespace: string[], value: unknown): Generator<GraphEvent> {
    for (const request of interruptRequests(value)) {
      if (asked.has(request.interrupt_id)) continue;
      asked.add(request.interrupt_id);
      yield { event: `${PROTOCOL_EVENT_PREFIX}input.requested`, data: toWire({ namespace, data: request }) };
    }
  }
  const events = await (graph as V3StreamingGraph).streamEvents(input, { ...options, version: "v3" });
  for await (const { method, params } of events) {
    const namespace = params.namespace ?? [];
    if (method === "lifecycle" && namespace.length === 0) continue;
    if (method === "values") {
      yield* requests(namespace, params.data);
      // LangGraph sends an interrupt as a values chunk of its own: no state to show in it
      const onlyInterrupts = isRecord(params.data) && "__interrupt__" in params.data && Object.keys(params.data).length === 1;
      if (!onlyInterrupts)
        yield { event: `${PROTOCOL_EVENT_PREFIX}values`, data: toWire({ namespace, data: withoutInterrupts(params.data) }) };
      continue;
    }
    if (method === "updates" && params.node === "__interrupt__") {
      yield* requests(namespace, (params.data as { values?: unknown } | undefined)?.values);
      continue;
    }
    const body: ProtocolEventBody = { namespace, ...(params.node !== undefined ? { node: params.node } : {}), data: params.data };
    yield { event: `${PROTOCOL_EVENT_PREFIX}${method}`, data: toWire(body) };
  }
}
