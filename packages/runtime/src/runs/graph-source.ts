import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph";

/**
 * What the run manager needs of a compiled graph. Kept structural: a user's graph
 * may come from their own copy of @langchain/langgraph, whose classes are not ours.
 */
export interface RunnableGraph {
  stream(input: unknown, options: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
  getState(config: { configurable: Record<string, unknown> }, options?: { subgraphs?: boolean }): Promise<GraphStateSnapshot>;
  /** checkpoints newest first (the thread service's history); optional: a graph without it has no history to show */
  getStateHistory?(config: { configurable: Record<string, unknown> }, options?: GraphHistoryOptions): AsyncIterable<GraphStateSnapshot>;
  /** writes `values` as if `asNode` had returned them, making a new checkpoint; resolves with its config */
  updateState?(
    config: { configurable: Record<string, unknown> },
    values: unknown,
    asNode?: string,
  ): Promise<{ configurable?: Record<string, unknown> }>;
}

/** LangGraph's CheckpointListOptions, structurally. */
export interface GraphHistoryOptions {
  limit?: number;
  /** checkpoints strictly older than this one */
  before?: { configurable: Record<string, unknown> };
  /** every key must equal the checkpoint metadata's */
  filter?: Record<string, unknown>;
}

/** A task of a snapshot: a node due to run next (with its error, interrupts, result when it already ran). */
export interface GraphTaskSnapshot {
  id: string;
  name: string;
  path?: readonly unknown[];
  error?: unknown;
  interrupts?: readonly { value?: unknown; id?: string }[];
  /** a subgraph task's state (with `subgraphs`), else the config naming its checkpoint namespace */
  state?: GraphStateSnapshot | { configurable?: Record<string, unknown> };
  result?: unknown;
}

export interface GraphStateSnapshot {
  values: unknown;
  next: string[];
  config?: { configurable?: Record<string, unknown> };
  tasks?: readonly GraphTaskSnapshot[];
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
  /** which version of its graph a compiled graph is (graphs reload while the server runs); absent: not versioned */
  versionOf?(graph: RunnableGraph): { hash: string; loadedAt: Date } | undefined;
}
