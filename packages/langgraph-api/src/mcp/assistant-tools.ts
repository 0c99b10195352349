import type { Caller } from "@lgrs/auth";
import { classifyError, MAX_SEARCH_LIMIT, type Assistant, type Runtime } from "@lgrs/runtime";

/** How many assistants /mcp lists at most: every one would be a tool in a model's prompt. */
export const MAX_TOOLS = 1000;

/** An assistant as an MCP tool. */
export interface AssistantTool {
  name: string;
  assistant: Assistant;
}

/** MCP tool names are 1-128 of [A-Za-z0-9_.-]: anything else in an assistant's name becomes `_`. */
function toolName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 64);
  return cleaned === "" ? "assistant" : cleaned;
}

/**
 * The assistants the caller may run, each with its tool name: the assistant's name,
 * as LangGraph Platform names them, made safe for MCP; two assistants whose names
 * would collide both get their id's first block appended, so that a name always
 * means one assistant. Oldest first, so a new assistant never renames an older one's tool.
 */
export async function assistantTools(runtime: Runtime, caller: Caller): Promise<AssistantTool[]> {
  const assistants: Assistant[] = [];
  for (let offset = 0; assistants.length < MAX_TOOLS; offset += MAX_SEARCH_LIMIT) {
    const page = await runtime.assistants.search(caller, { sortBy: "createdAt", sortOrder: "asc", offset, limit: MAX_SEARCH_LIMIT });
    assistants.push(...page.items);
    if (!page.hasMore) break;
  }
  const counts = new Map<string, number>();
  for (const a of assistants.slice(0, MAX_TOOLS)) counts.set(toolName(a.name), (counts.get(toolName(a.name)) ?? 0) + 1);
  return assistants.slice(0, MAX_TOOLS).map((assistant) => {
    const base = toolName(assistant.name);
    return { name: counts.get(base) === 1 ? base : `${base}_${assistant.id.slice(0, 8)}`, assistant };
  });
}

/** A JSON Schema object MCP takes as a tool's input: the graph's input schema, or any object when it declares none. */
export async function toolInputSchema(runtime: Runtime, caller: Caller, assistant: Assistant): Promise<Record<string, unknown>> {
  try {
    const { input } = await runtime.assistants.schemas(caller, assistant.id);
    if (input && typeof input === "object") return { ...input, type: "object" };
  } catch (err) {
    // a graph whose schema cannot be derived still runs: its tool takes any object
    if (!classifyError(err)) runtime.reportError(`mcp: no input schema for assistant ${assistant.id}`, err);
  }
  return { type: "object" };
}

export function toolDescription(assistant: Assistant): string {
  return (
    assistant.description?.trim() || `Runs the assistant "${assistant.name}" (graph "${assistant.graphId}") and returns its final state.`
  );
}
