import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { ChatOpenAI } from "@langchain/openai";
import { FakeStreamingChatModel } from "./fake-chat-model.ts";

/**
 * The model behind the agent: a real OpenAI-compatible one when OPENAI_API_KEY is
 * set (OPENAI_MODEL, OPENAI_BASE_URL), else the offline fake, whose pace can be set
 * per run with `configurable.token_delay_ms`.
 */
export function agentModel(config: LangGraphRunnableConfig): BaseChatModel {
  if (process.env.OPENAI_API_KEY) {
    return new ChatOpenAI({
      model: process.env.OPENAI_MODEL ?? "gpt-4o-mini",
      streamUsage: true,
      configuration: process.env.OPENAI_BASE_URL ? { baseURL: process.env.OPENAI_BASE_URL } : undefined,
    });
  }
  const delay = config.configurable?.token_delay_ms;
  return new FakeStreamingChatModel({ tokenDelayMs: typeof delay === "number" ? delay : undefined });
}

/** A chat agent: one model call per turn, its reply streamed token by token. */
export const graph = new StateGraph(MessagesAnnotation)
  .addNode("agent", async (state, config) => ({ messages: [await agentModel(config).invoke(state.messages, config)] }))
  .addEdge(START, "agent")
  .addEdge("agent", END)
  .compile();
