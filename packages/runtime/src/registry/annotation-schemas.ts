import { messagesStateReducer } from "@langchain/langgraph";

type JsonSchema = Record<string, unknown>;

/**
 * JSON schemas read from a StateGraph's channels, for states declared with
 * `Annotation.Root` (MessagesAnnotation among them). Their TypeScript types are
 * gone at run time (LangGraph's own server parses the source for them); what a
 * channel still reveals is used instead: a messages reducer means a list of
 * messages, a default value gives its JSON type, and every key is named. A key
 * whose channel reveals nothing is there with an empty schema (any value).
 * An Annotation context (`new StateGraph(State, Context)`) is not kept by
 * LangGraph at run time, so it has no schema here.
 */
export interface ChannelSchemas {
  input?: JsonSchema;
  output?: JsonSchema;
  state?: JsonSchema;
}

const CONTENT: JsonSchema = { anyOf: [{ type: "string" }, { type: "array", items: { type: "object" } }] };

/** A stored message, as the API answers it (LangChain's message dict). */
const MESSAGE: JsonSchema = {
  type: "object",
  properties: {
    type: { type: "string", description: "human, ai, system, tool, ..." },
    content: CONTENT,
    id: { type: "string" },
    name: { type: "string" },
    tool_calls: { type: "array", items: { type: "object" } },
    tool_call_id: { type: "string" },
    additional_kwargs: { type: "object" },
    response_metadata: { type: "object" },
  },
  required: ["content"],
};

/** What a messages reducer takes: a message, `{ role, content }`, a string, or `[role, content]`. */
const MESSAGE_LIKE: JsonSchema = {
  anyOf: [
    MESSAGE,
    { type: "object", properties: { role: { type: "string" }, content: CONTENT }, required: ["role", "content"] },
    { type: "string" },
    { type: "array", items: [{ type: "string" }, CONTENT], minItems: 2, maxItems: 2 },
  ],
};

/** What can be told of a channel without its type: its reducer and its default. */
interface ChannelLike {
  operator?: unknown;
  initialValueFactory?: unknown;
}

type BuilderLike = {
  channels?: Record<string, unknown>;
  _schemaDefinition?: unknown;
  _inputDefinition?: unknown;
  _outputDefinition?: unknown;
};

function isMessagesReducer(operator: unknown): boolean {
  // the user's graph may load its own copy of LangGraph: the name is the fallback
  return operator === messagesStateReducer || (typeof operator === "function" && operator.name === "messagesStateReducer");
}

/** The JSON Schema of a value, as far as the value shows it. */
function schemaOfValue(value: unknown): JsonSchema {
  if (value === null || value === undefined) return {};
  if (typeof value === "string") return { type: "string" };
  if (typeof value === "boolean") return { type: "boolean" };
  if (typeof value === "number") return { type: "number" };
  if (Array.isArray(value)) return value.length > 0 ? { type: "array", items: schemaOfValue(value[0]) } : { type: "array" };
  if (typeof value === "object") return { type: "object" };
  return {};
}

function schemaOfChannel(channel: unknown, forInput: boolean): JsonSchema {
  if (!channel || typeof channel !== "object") return {};
  const c = channel as ChannelLike;
  if (isMessagesReducer(c.operator)) return { type: "array", items: forInput ? MESSAGE_LIKE : MESSAGE };
  if (typeof c.initialValueFactory === "function") {
    try {
      const schema = schemaOfValue((c.initialValueFactory as () => unknown)());
      // a reducer may take something else than what it keeps (one item for a list): only the state's type is sure
      return forInput && typeof c.operator === "function" && schema.type === "array" ? {} : schema;
    } catch {
      return {};
    }
  }
  return {};
}

/** The keys of an Annotation spec (an `Annotation.Root` or its `spec`), or null when it is not one. */
function keysOf(definition: unknown): string[] | null {
  if (!definition || typeof definition !== "object") return null;
  const spec = (definition as { spec?: unknown }).spec;
  const map = spec && typeof spec === "object" ? spec : definition;
  return Object.keys(map).filter((k) => !k.startsWith("__"));
}

function objectSchema(keys: string[], channelOf: (key: string) => unknown, forInput: boolean, title: string): JsonSchema {
  const properties = Object.fromEntries(keys.map((k) => [k, schemaOfChannel(channelOf(k), forInput)]));
  return { title, type: "object", properties, $schema: "http://json-schema.org/draft-07/schema#" };
}

export function annotationSchemas(graph: unknown): ChannelSchemas {
  const builder = (graph as { builder?: BuilderLike } | null)?.builder;
  const channels = builder?.channels;
  if (!builder || !channels || typeof channels !== "object") return {};
  const channelOf = (key: string) => channels[key];
  const stateKeys = keysOf(builder._schemaDefinition) ?? Object.keys(channels).filter((k) => !k.startsWith("__"));
  const out: ChannelSchemas = { state: objectSchema(stateKeys, channelOf, false, "state") };
  const inputKeys = keysOf(builder._inputDefinition);
  out.input = objectSchema(inputKeys ?? stateKeys, channelOf, true, "input");
  const outputKeys = keysOf(builder._outputDefinition);
  out.output = objectSchema(outputKeys ?? stateKeys, channelOf, false, "output");
  return out;
}
