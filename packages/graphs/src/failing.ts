import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({ attempts: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });

export const FAILURE_MESSAGE = "the failing graph failed on purpose";

/** Fails in its only node, so error paths (run error, error event, thread error) can be exercised. */
export const graph = new StateGraph(State)
  .addNode("fail", () => {
    throw new Error(FAILURE_MESSAGE);
  })
  .addEdge(START, "fail")
  .addEdge("fail", END)
  .compile();
