/**
 * The baseline: `graph.stream` on the very graph the server runs (loaded through
 * the same registry from the bundled langgraph.json), in this process, with an
 * in-memory checkpointer. Stream modes `values` + `messages` are what the API's
 * `values` + `messages-tuple` are made of.
 */
import { randomUUID } from "node:crypto";
import { InMemoryStore, MemorySaver } from "@langchain/langgraph";
import { GraphRegistry, type CompiledGraph } from "@lgrs/runtime";
import { GRAPH_ID, INPUT, RUN_CONFIGURABLE, settings } from "./settings.ts";
import { p50, sequential, throughput, type RunTiming } from "./stats.ts";

export interface InProcessResults {
  firstEventP50: number;
  totalP50: number;
  runsPerSecond: number;
}

/** One run on a thread of its own, as the server side creates one per run. */
async function streamRun(graph: CompiledGraph): Promise<RunTiming> {
  const t0 = performance.now();
  let firstEvent = Number.NaN;
  const stream = await graph.stream(INPUT, {
    configurable: { thread_id: randomUUID(), ...RUN_CONFIGURABLE },
    streamMode: ["values", "messages"],
  });
  for await (const _ of stream) if (Number.isNaN(firstEvent)) firstEvent = performance.now() - t0;
  return { firstEvent, total: performance.now() - t0 };
}

export async function benchInProcess(): Promise<InProcessResults> {
  const graphs = await GraphRegistry.load();
  const graph = await graphs.compile(GRAPH_ID, { checkpointer: new MemorySaver(), store: new InMemoryStore() });
  await sequential(settings.warmupRuns, () => streamRun(graph));
  const timings = await sequential(settings.sequentialRuns, () => streamRun(graph));
  const runsPerSecond = await throughput(settings.parallelRuns, settings.inFlight, async () => {
    await streamRun(graph);
  });
  return {
    firstEventP50: p50(timings.map((t) => t.firstEvent)),
    totalP50: p50(timings.map((t) => t.total)),
    runsPerSecond,
  };
}
