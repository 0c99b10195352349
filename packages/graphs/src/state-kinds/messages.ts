import { AIMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({ ...MessagesAnnotation.spec, turns: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });

/** `MessagesAnnotation` (and one key more): the most common state of LangGraph.js agents. */
export const graph = new StateGraph(State)
  .addNode("reply", (state) => ({ messages: [new AIMessage(`you said ${state.messages.length} thing(s)`)], turns: 1 }))
  .addEdge(START, "reply")
  .addEdge("reply", END)
  .compile();

/** Plain `MessagesAnnotation`, nothing added. */
export const plain = new StateGraph(MessagesAnnotation)
  .addNode("reply", () => ({ messages: [new AIMessage("ok")] }))
  .addEdge(START, "reply")
  .addEdge("reply", END)
  .compile();
