import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({
  topic: Annotation<string>,
  count: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
  notes: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  done: Annotation<boolean>({ reducer: (_a, b) => b, default: () => false }),
  greeting: Annotation<string>,
  tone: Annotation<"plain" | "warm" | undefined>,
  tags: Annotation<string[]>,
  source: Annotation<{ url: string; pages?: number }>,
});

/** A context declared as an Annotation: LangGraph drops it at run time, its schema comes from the source. */
const Context = Annotation.Root({
  model: Annotation<"small" | "large">,
  temperature: Annotation<number>,
  verbose: Annotation<boolean | undefined>,
});

/**
 * An `Annotation.Root` state: its schemas come from the channels, and the types
 * the channels do not show (no default) from the source. Its node copies
 * `configurable.greeting` into the state, which shows the config a run used.
 */
export const graph = new StateGraph(State, Context)
  // with a context declared, `configurable` is typed as that context: the assistant's greeting is read untyped
  .addNode("hello", (_state, config) => {
    const configurable = config.configurable as Record<string, unknown> | undefined;
    return { count: 1, done: true, greeting: String(configurable?.greeting ?? "none") };
  })
  .addEdge(START, "hello")
  .addEdge("hello", END)
  .compile();
