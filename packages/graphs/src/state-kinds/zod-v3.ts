import { END, START, StateGraph } from "@langchain/langgraph";
import { z } from "zod/v3";

const State = z.object({ city: z.string(), forecast: z.string().optional(), days: z.number().int().min(1).default(1) });

/** A zod 3 state (zod's `zod/v3`), converted exactly. */
export const graph = new StateGraph(State)
  .addNode("predict", (state) => ({ forecast: `sunny in ${state.city}` }))
  .addEdge(START, "predict")
  .addEdge("predict", END)
  .compile();
