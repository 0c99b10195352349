import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph";

/**
 * What the run manager needs of a compiled graph. Kept structural: a user's graph
 * may come from their own copy of @langchain/langgraph, whose classes are not ours.
 */
export interface RunnableGraph {
  stream(input: unknown, options: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
  getState(config: { configurable: Record<string, unknown> }, options?: { subgraphs?: boolean }): Promise<GraphStateSnapshot>;
}

export interface GraphStateSnapshot {
  values: unknown;
  next: string[];
  config?: { configurable?: Record<string, unknown> };
  tasks?: { id: string; name: string; interrupts?: { value?: unknown; id?: string }[] }[];
  metadata?: Record<string, unknown>;
  createdAt?: string;
  parentConfig?: { configurable?: Record<string, unknown> };
}

/** The graphs the server can run (the graph registry implements it). */
export interface GraphSource {
  ids(): string[];
  has(graphId: string): boolean;
  /** `config` is the run's: a graph exported as a function is built from it */
  compile(
    graphId: string,
    options: { checkpointer: BaseCheckpointSaver; store: BaseStore; config?: { configurable?: Record<string, unknown> } },
  ): Promise<RunnableGraph>;
}
