/** A chunk's wire type is its class name, as LangGraph Platform sends it ("AIMessageChunk"). */
const CHUNK_TYPES: Record<string, string> = {
  ai: "AIMessageChunk",
  human: "HumanMessageChunk",
  system: "SystemMessageChunk",
  tool: "ToolMessageChunk",
  function: "FunctionMessageChunk",
  generic: "ChatMessageChunk",
};

/**
 * Makes graph output safe to send and store: LangChain messages become the plain
 * dicts LangGraph's own server sends (`{ type, content, id, ... }`), everything
 * else goes through JSON as is.
 */
export function toWire(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(
    JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, v: unknown) {
      // a run config's callback handlers are the server's own, not output
      if (key === "callbacks") return undefined;
      const raw = this[key] as { toDict?: () => { type: string; data: Record<string, unknown> }; concat?: unknown } | null;
      if (raw && typeof raw === "object" && typeof raw.toDict === "function") {
        const { type, data } = raw.toDict();
        // duck-typed: a user's graph may bring its own copy of @langchain/core, so no instanceof
        const isChunk = typeof raw.concat === "function";
        return { ...data, type: isChunk ? (CHUNK_TYPES[type] ?? type) : type };
      }
      return v;
    }),
  );
}
