import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel, type BaseChatModelParams, type LangSmithParams } from "@langchain/core/language_models/chat_models";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import { abortableSleep } from "./sleep.ts";

export interface FakeChatModelOptions extends BaseChatModelParams {
  /** reported as the model name, in usage and in tracing (default "fake-chat-1") */
  model?: string;
  /** pause before each token, so a watcher sees the reply grow (default 15 ms) */
  tokenDelayMs?: number;
}

/** How much of the human message the reply repeats: keeps every reply at 20-40 tokens. */
const ECHO_WORDS = 12;

/** Rough token count: one per word or run of punctuation, a real tokenizer's order of magnitude. */
function countTokens(text: string): number {
  return text.match(/\w+|[^\w\s]+/g)?.length ?? 0;
}

function textOf(message: BaseMessage | undefined): string {
  if (!message) return "";
  return typeof message.content === "string" ? message.content : JSON.stringify(message.content);
}

/**
 * An offline, deterministic chat model: it streams a reply derived from the last
 * human message one word at a time and reports usage (input and output tokens)
 * and its model name on the last chunk, as real providers do with usage streaming on.
 */
export class FakeStreamingChatModel extends BaseChatModel {
  readonly model: string;
  readonly tokenDelayMs: number;

  constructor(options: FakeChatModelOptions = {}) {
    super(options);
    this.model = options.model ?? "fake-chat-1";
    this.tokenDelayMs = options.tokenDelayMs ?? 15;
  }

  _llmType(): string {
    return "fake-streaming-chat";
  }

  /** Lets callbacks and tracing know the model name when the call starts, not only from the usage at its end. */
  override invocationParams(): { model: string } {
    return { model: this.model };
  }

  override getLsParams(options: this["ParsedCallOptions"]): LangSmithParams {
    return { ...super.getLsParams(options), ls_provider: "fake", ls_model_name: this.model };
  }

  /** The reply to a conversation: deterministic, 20-40 tokens. */
  static replyTo(messages: BaseMessage[]): string {
    const human = messages.findLast((m) => m.getType() === "human");
    const words = textOf(human).trim().split(/\s+/).filter(Boolean);
    const said = words.length === 0 ? "nothing" : words.slice(0, ECHO_WORDS).join(" ") + (words.length > ECHO_WORDS ? " ..." : "");
    return `You said: "${said}". This reply comes from the bundled offline model, streamed token by token so you can watch it arrive.`;
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const reply = FakeStreamingChatModel.replyTo(messages);
    const tokens = reply.match(/\S+\s*/g) ?? [];
    const inputTokens = messages.reduce((n, m) => n + countTokens(textOf(m)), 0);
    const outputTokens = countTokens(reply);
    for (const [i, token] of tokens.entries()) {
      await abortableSleep(this.tokenDelayMs, options.signal);
      const last = i === tokens.length - 1;
      const chunk = new ChatGenerationChunk({
        text: token,
        message: new AIMessageChunk({
          content: token,
          ...(last && {
            response_metadata: { model_name: this.model },
            usage_metadata: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
          }),
        }),
      });
      yield chunk;
      // LangGraph's `messages` stream mode listens for new tokens, as with any streaming provider
      await runManager?.handleLLMNewToken(token, undefined, undefined, undefined, undefined, { chunk });
    }
  }

  override async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    let full: ChatGenerationChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) {
      full = full ? full.concat(chunk) : chunk;
    }
    if (!full) throw new Error("the fake model produced no reply");
    return { generations: [{ text: full.text, message: full.message }] };
  }
}
