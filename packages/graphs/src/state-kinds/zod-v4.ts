import { END, START, StateGraph } from "@langchain/langgraph";
import { withLangGraph } from "@langchain/langgraph/zod";
import { z } from "zod/v4";

const State = z.object({
  question: z.string(),
  answer: z.string().optional(),
  attempts: withLangGraph(z.number(), { reducer: { fn: (a: number, b: number) => a + b }, default: () => 0 }),
});
const Context = z.object({ model: z.enum(["small", "large"]).default("small") });

/** A zod 4 state and context, converted exactly. */
export const graph = new StateGraph(State, Context)
  .addNode("respond", (state) => ({ answer: `about ${state.question}`, attempts: 1 }))
  .addEdge(START, "respond")
  .addEdge("respond", END)
  .compile();
