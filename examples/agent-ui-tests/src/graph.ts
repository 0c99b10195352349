import { tool } from "@langchain/core/tools";
import { END, interrupt, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { ScriptedChatModel } from "@lgrs/playwright/model";
import { z } from "zod";

/**
 * A small weather agent: the model may look the weather up or ask the user first.
 * In tests its model is @lgrs/playwright's scripted one, told what to say by each
 * run's config; in production it would be a real chat model.
 */
const getWeather = tool(async ({ city }) => `It is sunny and 21 °C in ${city}.`, {
  name: "get_weather",
  description: "The weather now in a city.",
  schema: z.object({ city: z.string() }),
});

const askUser = tool(async ({ question }) => String(interrupt({ question })), {
  name: "ask_user",
  description: "Asks the user a question and waits for the answer.",
  schema: z.object({ question: z.string() }),
});

const tools = [getWeather, askUser];
const model = new ScriptedChatModel().bindTools(tools);

export const graph = new StateGraph(MessagesAnnotation)
  .addNode("agent", async (state) => ({ messages: [await model.invoke(state.messages)] }))
  .addNode("tools", new ToolNode(tools))
  .addEdge(START, "agent")
  .addConditionalEdges("agent", (state) => {
    const last = state.messages.at(-1);
    return last && "tool_calls" in last && Array.isArray(last.tool_calls) && last.tool_calls.length > 0 ? "tools" : END;
  })
  .addEdge("tools", "agent")
  .compile();
