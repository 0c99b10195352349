/** What the New run form sends as the run's input, checked before anything is sent. */

export type InputMode = "message" | "json";

export type Parsed = { ok: true; input: unknown } | { ok: false; error: string };

/** A chat message as the input of a messages graph. */
export function messageInput(content: string): { messages: { role: "user"; content: string }[] } {
  return { messages: [{ role: "user", content }] };
}

export function parseInput(mode: InputMode, message: string, json: string): Parsed {
  if (mode === "message") {
    if (!message.trim()) return { ok: false, error: "Write a message for the run." };
    return { ok: true, input: messageInput(message) };
  }
  if (!json.trim()) return { ok: false, error: 'Input JSON is empty: write a JSON object, like {"messages": []}.' };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return { ok: false, error: `Input JSON is not valid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, error: 'Input JSON must be a JSON object (the graph\'s input state), like {"messages": []}.' };
  }
  return { ok: true, input: value };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseThreadId(value: string): { ok: true; threadId: string } | { ok: false; error: string } {
  const id = value.trim();
  if (!id) return { ok: false, error: "Give the existing thread's id, or start on a new thread." };
  if (!UUID.test(id)) return { ok: false, error: "A thread id is a UUID, like 1f0c7e52-5d3a-4b8e-9a51-0c2b6f4d9e17." };
  return { ok: true, threadId: id };
}

/**
 * An optional JSON object field (config, metadata): empty is "not given"; anything
 * else must be a JSON object, and the message names the field.
 */
export function parseObjectField(
  field: string,
  text: string,
): { ok: true; value: Record<string, unknown> | undefined } | { ok: false; error: string } {
  if (!text.trim()) return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `${field} is not valid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, error: `${field} must be a JSON object, like {"key": "value"}, or left empty.` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
