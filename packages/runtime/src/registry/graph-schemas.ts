import { getConfigTypeSchema, getInputTypeSchema, getOutputTypeSchema, getStateTypeSchema } from "@langchain/langgraph/zod/schema";

type JsonSchema = Record<string, unknown>;

/**
 * JSON schemas of a graph's input, output, state and config, as LangGraph's
 * `/assistants/{id}/schemas` gives them. Only graphs whose state is declared with
 * StateSchema or zod have them: an Annotation state's types exist only at compile
 * time (LangGraph's server parses the TypeScript source for those; we do not).
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
  const schemas: GraphSchemas = {
    input: attempt(getInputTypeSchema, graph),
    output: attempt(getOutputTypeSchema, graph),
    state: attempt(getStateTypeSchema, graph),
    config: attempt(getConfigTypeSchema, graph),
  };
  return Object.fromEntries(Object.entries(schemas).filter(([, s]) => s !== undefined));
}
