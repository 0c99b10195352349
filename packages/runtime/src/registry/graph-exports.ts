import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph";
import type { RunnableGraph } from "../runs/graph-source.ts";

/** The config a graph factory is called with, as LangGraph's own server calls it. */
export interface GraphConfig {
  configurable?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * A compiled graph. Only its shape is relied on: a user's graph may be built with
 * their own copy of @langchain/langgraph, whose classes are not ours.
 */
export interface CompiledGraph extends RunnableGraph {
  invoke(input: unknown, options?: Record<string, unknown>): Promise<unknown>;
  withConfig(config: Record<string, unknown>): CompiledGraph;
  getGraphAsync(config?: Record<string, unknown>): Promise<{ toJSON(): Record<string, unknown> }>;
  checkpointer?: unknown;
  store?: unknown;
}

/** A StateGraph (or any graph builder) that is not compiled yet. */
interface GraphBuilder {
  compile(options?: { checkpointer?: BaseCheckpointSaver; store?: BaseStore }): unknown;
}

export function isCompiledGraph(value: unknown): value is CompiledGraph {
  const v = value as Partial<Record<keyof CompiledGraph, unknown>> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    ["invoke", "stream", "getState", "withConfig", "getGraphAsync"].every((m) => typeof v[m as keyof CompiledGraph] === "function")
  );
}

function isGraphBuilder(value: unknown): value is GraphBuilder {
  return typeof value === "object" && value !== null && typeof (value as GraphBuilder).compile === "function";
}

/** What a langgraph.json export may be: a compiled graph, a StateGraph, or a function returning either. */
export function isGraphExport(value: unknown): boolean {
  return isCompiledGraph(value) || isGraphBuilder(value) || typeof value === "function";
}

/**
 * `createAgent` from langchain returns a wrapper that looks like a compiled graph
 * and holds the real one in `.graph`; LangGraph's own server unwraps it the same way.
 */
function unwrapAgent(value: unknown): unknown {
  const inner = (value as { graph?: unknown } | null)?.graph;
  return isCompiledGraph(inner) ? inner : value;
}

/**
 * The compiled graph an export stands for. A function export is called with the
 * config first. A StateGraph is compiled with the checkpointer and store. A
 * compiled graph gets them as LangGraph's own server gives them (it assigns
 * `graph.checkpointer` and `graph.store`), but on a copy made with `withConfig`,
 * so the module's own instance, shared by every caller, never changes.
 */
export async function instantiate(
  value: unknown,
  options: { checkpointer?: BaseCheckpointSaver; store?: BaseStore; config?: GraphConfig },
): Promise<CompiledGraph> {
  const made =
    typeof value === "function" ? await (value as (config: GraphConfig) => unknown)(options.config ?? { configurable: {} }) : value;
  const graph = unwrapAgent(made);
  if (isCompiledGraph(graph)) {
    if (!options.checkpointer && !options.store) return graph;
    const copy = graph.withConfig({});
    copy.checkpointer = options.checkpointer;
    copy.store = options.store;
    return copy;
  }
  if (isGraphBuilder(graph)) {
    const compiled = unwrapAgent(graph.compile({ checkpointer: options.checkpointer, store: options.store }));
    if (isCompiledGraph(compiled)) return compiled;
  }
  throw new Error(
    typeof value === "function"
      ? "the function returned neither a compiled graph nor a StateGraph"
      : "the export is neither a compiled graph, a StateGraph, nor a function returning one",
  );
}
