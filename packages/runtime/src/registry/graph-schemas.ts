import { getConfigTypeSchema, getInputTypeSchema, getOutputTypeSchema, getStateTypeSchema } from "@langchain/langgraph/zod/schema";
import { annotationSchemas } from "./annotation-schemas.ts";

type JsonSchema = Record<string, unknown>;

/**
 * JSON schemas of a graph's input, output, state and config (its context schema:
 * `new StateGraph(State, Context)`), as LangGraph's `/assistants/{id}/schemas` gives them. StateSchema and zod states convert
 * exactly; an Annotation state (MessagesAnnotation among them) has its types only
 * at compile time, so its schemas are read from the channels (see annotation-schemas.ts),
 * and for a schemas request completed from the graph's source (see source-schemas.ts).
 */
export interface GraphSchemas {
  input?: JsonSchema;
  output?: JsonSchema;
  state?: JsonSchema;
  config?: JsonSchema;
}

/** A schema getter that gives up quietly: a user's schema library may not convert. */
function attempt(get: (graph: unknown) => unknown, graph: unknown): JsonSchema | undefined {
  try {
    const schema = get(graph);
    return schema && typeof schema === "object" ? (schema as JsonSchema) : undefined;
  } catch {
    return undefined;
  }
}

export function schemasOf(graph: unknown): GraphSchemas {
  // what LangGraph converts itself (StateSchema, zod) wins; the channels fill in the rest
  const fromChannels = annotationSchemas(graph);
  const schemas: GraphSchemas = {
    input: attempt(getInputTypeSchema, graph) ?? fromChannels.input,
    output: attempt(getOutputTypeSchema, graph) ?? fromChannels.output,
    state: attempt(getStateTypeSchema, graph) ?? fromChannels.state,
    config: attempt(getConfigTypeSchema, graph),
  };
  return Object.fromEntries(Object.entries(schemas).filter(([, s]) => s !== undefined));
}
