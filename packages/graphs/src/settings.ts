import type { LangGraphRunnableConfig } from "@langchain/langgraph";

/**
 * A number a run may set for a graph, from `config.configurable` (the LangGraph
 * API's `config`) or `config.context` (its `context`), else the fallback.
 */
export function numberSetting(config: LangGraphRunnableConfig, key: string, fallback: number): number {
  const value = config.configurable?.[key] ?? (config.context as Record<string, unknown> | undefined)?.[key];
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : fallback;
}
