/**
 * Event data as JSON text, made once however many times it is written: an event's
 * data is stringified for its database row, for every SSE stream that sends it and
 * for the fleet's Redis log. Keyed weakly by the data object, so the text goes with it.
 * Callers treat event data as read-only (the stream bridge hands every subscriber the
 * same object), which is what makes a text made once stay true.
 */
const texts = new WeakMap<object, string>();

/** `data` as JSON (`null` for undefined), the text made for this object before when there is one. */
export function jsonText(data: unknown): string {
  if (typeof data !== "object" || data === null) return JSON.stringify(data) ?? "null";
  let text = texts.get(data);
  if (text === undefined) texts.set(data, (text = JSON.stringify(data)));
  return text;
}

/**
 * JSON.parse, remembering `text` as the JSON of the value it makes: stringifying
 * that value again would give the very same text, so `jsonText` need not.
 */
export function parseJsonText(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (typeof value === "object" && value !== null) texts.set(value, text);
  return value;
}
