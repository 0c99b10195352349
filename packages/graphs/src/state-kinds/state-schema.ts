import { END, ReducedValue, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { z } from "zod";

const State = new StateSchema({
  title: z.string(),
  words: new ReducedValue(
    z.array(z.string()).default(() => []),
    { inputSchema: z.string(), reducer: (all: string[], w: string) => [...all, w] },
  ),
});

/** LangGraph's `StateSchema`, converted exactly. */
export const graph = new StateGraph(State)
  .addNode("collect", (state) => ({ words: state.title }))
  .addEdge(START, "collect")
  .addEdge("collect", END)
  .compile();
