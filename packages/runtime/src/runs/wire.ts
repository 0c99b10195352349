import { parseJsonText } from "@lgrs/db";
/** What is read of a LangChain message, duck-typed: a user's graph may bring its own copy of @langchain/core, so no instanceof. */
interface LangChainMessage {
  toDict: () => { type: string; data: Record<string, unknown> };
  getType?: () => string;
}

/** A message's `toJSON()`: its class path in `id` (the class name last) and its fields in `kwargs`. */
interface SerializedMessage {
  type?: unknown;
  id?: unknown;
  kwargs?: Record<string, unknown>;
}

/**
 * A message as the plain dict LangGraph Platform sends: its fields and `type`, "ai",
 * "human"... or for a chunk its class name ("AIMessageChunk"). `serialized` is the
 * `toJSON()` JSON.stringify has already made of it: toDict is `{ type: getType(),
 * data: toJSON().kwargs }`, and LangChain's toJSON is the costliest step of sending a
 * token, so it is not made twice. The class name is the last part of its `id` (the
 * class's `lc_name()` when a message does not serialize).
 */
function messageDict(raw: LangChainMessage, serialized: unknown): Record<string, unknown> {
  const made = serialized as SerializedMessage | null;
  const fast = typeof raw.getType === "function" && made?.type === "constructor" && made.kwargs !== undefined && Array.isArray(made.id);
  const { type, data } = fast ? { type: raw.getType!(), data: made.kwargs! } : raw.toDict();
  const className = fast ? (made.id as unknown[]).at(-1) : (raw.constructor as { lc_name?: () => unknown }).lc_name?.();
  return { ...data, type: typeof className === "string" && className.endsWith("Chunk") ? className : type };
}

/**
 * Makes graph output safe to send and store: LangChain messages become the plain
 * dicts LangGraph's own server sends (`{ type, content, id, ... }`), everything
 * else goes through JSON as is.
 */
export function toWire(value: unknown): unknown {
  if (value === undefined) return null;
  // the text is kept with the result: its database row and SSE frames need not stringify it again
  return parseJsonText(
    JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, v: unknown) {
      // a run config's callback handlers are the server's own, not output
      if (key === "callbacks") return undefined;
      const raw = this[key] as Partial<LangChainMessage> | null;
      if (raw && typeof raw === "object" && typeof raw.toDict === "function") return messageDict(raw as LangChainMessage, v);
      return v;
    }),
  );
}
