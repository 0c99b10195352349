import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { END, MessagesAnnotation, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { ChatOpenAI } from "@langchain/openai";
import { FakeStreamingChatModel } from "./fake-chat-model.ts";
import { numberSetting } from "./settings.ts";

/**
 * The model behind the agent: a real OpenAI-compatible one when OPENAI_API_KEY is
 * set (OPENAI_MODEL, OPENAI_BASE_URL), else the offline fake, whose pace a run can
 * set with `token_delay_ms` (configurable or context).
 */
export function agentModel(config: LangGraphRunnableConfig = {}): BaseChatModel {
  if (process.env.OPENAI_API_KEY) {
    return new ChatOpenAI({
      model: process.env.OPENAI_MODEL || "gpt-4o-mini",
      streamUsage: true,
      ...(process.env.OPENAI_BASE_URL && { configuration: { baseURL: process.env.OPENAI_BASE_URL } }),
    });
  }
  return new FakeStreamingChatModel({ tokenDelayMs: numberSetting(config, "token_delay_ms", 15) });
}

/** A chat agent: one model call per turn, its reply streamed token by token. */
export const graph = new StateGraph(MessagesAnnotation)
  .addNode("agent", async (state, config) => ({ messages: [await agentModel(config).invoke(state.messages, config)] }))
  .addEdge(START, "agent")
  .addEdge("agent", END)
  .compile();
