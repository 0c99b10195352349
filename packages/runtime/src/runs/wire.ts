/**
 * Makes graph output safe to send and store: LangChain messages become the plain
 * dicts LangGraph's own server sends (`{ type, content, id, ... }`), everything
 * else goes through JSON as is.
 */
export function toWire(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(
    JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, v: unknown) {
      const raw = this[key] as { toDict?: () => { type: string; data: Record<string, unknown> } } | null;
      if (raw && typeof raw === "object" && typeof raw.toDict === "function") {
        const { type, data } = raw.toDict();
        return { ...data, type };
      }
      return v;
    }),
  );
}
