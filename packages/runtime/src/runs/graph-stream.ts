import type { RunnableGraph } from "./graph-source.ts";
import type { StreamMode } from "./types.ts";
import { toWire } from "./wire.ts";

/** Our stream modes as LangGraph.js names them; `messages-tuple` is LangGraph.js `messages`. */
const JS_MODE: Partial<Record<StreamMode, string>> = {
  values: "values",
  updates: "updates",
  "messages-tuple": "messages",
  custom: "custom",
  debug: "debug",
  tasks: "tasks",
  checkpoints: "checkpoints",
};

export interface GraphEvent {
  event: string;
  data: unknown;
}

interface StreamEvent {
  event: string;
  run_id: string;
  data: { chunk?: unknown; output?: unknown };
  metadata?: Record<string, unknown>;
}

type EventStreamingGraph = RunnableGraph & {
  streamEvents(input: unknown, options: Record<string, unknown>): AsyncIterable<StreamEvent>;
};

function named(mode: string, ns: string[]): string {
  return ns.length ? `${mode}|${ns.join("|")}` : mode;
}

/**
 * Runs the graph and yields its output as the LangGraph API's events: one per
 * chunk of each requested mode (`messages-tuple` is sent as `messages`, subgraph
 * chunks as `mode|ns`). The modes LangGraph.js does not stream itself come from
 * its callback events: `events` (every event, as is) and `messages` (message
 * text accumulated as `messages/partial`, then `messages/complete`).
 */
export async function* streamGraph(
  graph: RunnableGraph,
  input: unknown,
  options: Record<string, unknown> & { runId: string; subgraphs: boolean },
  modes: StreamMode[],
): AsyncGenerator<GraphEvent> {
  const jsModes = [...new Set(modes.map((m) => JS_MODE[m]).filter((m): m is string => m !== undefined))];
  const chunkToEvent = (chunk: unknown): GraphEvent => {
    const [ns, mode, data] = options.subgraphs
      ? (chunk as [string[], string, unknown])
      : ([[], ...(chunk as [string, unknown])] as [string[], string, unknown]);
    return { event: named(mode, ns), data: toWire(data) };
  };

  if (!modes.includes("events") && !modes.includes("messages")) {
    for await (const chunk of await graph.stream(input, { ...options, streamMode: jsModes })) yield chunkToEvent(chunk);
    return;
  }

  // The root run's stream chunks arrive as its on_chain_stream events (its run id is ours).
  const partial = new Map<string, { text: string; message: Record<string, unknown> }>();
  const events = (graph as EventStreamingGraph).streamEvents(input, { ...options, streamMode: jsModes, version: "v2" });
  for await (const e of events) {
    if (e.event === "on_chain_stream" && e.run_id === options.runId) {
      if (jsModes.length) yield chunkToEvent(e.data.chunk);
      continue;
    }
    if (modes.includes("events")) yield { event: "events", data: toWire(e) };
    if (!modes.includes("messages")) continue;
    if (e.event === "on_chat_model_stream") {
      const chunk = toWire(e.data.chunk) as { id?: string; content?: unknown };
      const id = chunk.id ?? e.run_id;
      const seen = partial.get(id);
      if (!seen) yield { event: "messages/metadata", data: { [id]: { metadata: toWire(e.metadata ?? {}) } } };
      const text = (seen?.text ?? "") + (typeof chunk.content === "string" ? chunk.content : "");
      const message = { ...chunk, id, content: text, type: "ai" };
      partial.set(id, { text, message });
      yield { event: "messages/partial", data: [message] };
    } else if (e.event === "on_chat_model_end") {
      const output = toWire(e.data.output) as { id?: string } | null;
      const id = output?.id ?? [...partial.keys()].at(-1) ?? e.run_id;
      partial.delete(id);
      yield { event: "messages/complete", data: [{ ...(output ?? {}), id }] };
    }
  }
}
