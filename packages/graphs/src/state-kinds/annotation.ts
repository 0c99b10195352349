import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({
  topic: Annotation<string>,
  count: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
  notes: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  done: Annotation<boolean>({ reducer: (_a, b) => b, default: () => false }),
  greeting: Annotation<string>,
});

/**
 * An `Annotation.Root` state: its schemas come from the channels. Its node copies
 * `configurable.greeting` into the state, which shows the config a run used.
 */
export const graph = new StateGraph(State)
  .addNode("hello", (_state, config) => ({ count: 1, done: true, greeting: String(config.configurable?.greeting ?? "none") }))
  .addEdge(START, "hello")
  .addEdge("hello", END)
  .compile();
