import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({ count: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });

/** One node that returns at once: the benchmark's measure of the server's own overhead. */
export const graph = new StateGraph(State)
  .addNode("increment", () => ({ count: 1 }))
  .addEdge(START, "increment")
  .addEdge("increment", END)
  .compile();
