/**
 * A chat model for tests: it says exactly what the test scripted, so an agent's UI
 * can be tested without a real model. Each run carries its own script in
 * `config.configurable.model_script`; the model answers the conversation's Nth
 * call (N = the AI messages already in it) with the script's Nth turn: text
 * streamed word by word, tool calls, token usage and delays as given.
 *
 *   import { ScriptedChatModel } from "@lgrs/playwright/model";
 *   const model = new ScriptedChatModel();
 *   // a run: config: { configurable: { model_script: { turns: [{ content: "Hi!" }] } } }
 */
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel, type BaseChatModelParams, type BindToolsInput } from "@langchain/core/language_models/chat_models";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";

/** A tool call the model makes; `id` defaults to `call_<turn>_<index>`. */
export interface ScriptedToolCall {
  name: string;
  args: Record<string, unknown>;
  id?: string;
}

/** One model call's answer. */
export interface ScriptedTurn {
  /** the reply, streamed a word at a time (default "") */
  content?: string;
  /** tool calls, sent with the last chunk */
  toolCalls?: ScriptedToolCall[];
  /** the usage reported on the last chunk (default: a count of the words in and out) */
  usage?: { input_tokens: number; output_tokens: number };
  /** pause before the first token, in ms (default 0) */
  delayMs?: number;
  /** pause before each token, in ms (default: the script's tokenDelayMs) */
  tokenDelayMs?: number;
  /** the call fails with this message instead of answering */
  error?: string;
}

/** What a run gives the model in `configurable.model_script`. */
export interface ModelScript {
  turns: ScriptedTurn[];
  /** the model name reported in usage (default "scripted-chat") */
  model?: string;
  /** pause before each token of every turn, in ms (default 0) */
  tokenDelayMs?: number;
}

export interface ScriptedChatModelOptions extends BaseChatModelParams {
  /** a script for every call, when runs give none */
  script?: ModelScript;
  /** the configurable key the script is read from (default "model_script") */
  configKey?: string;
}

function countTokens(text: string): number {
  return text.match(/\w+|[^\w\s]+/g)?.length ?? 0;
}

function textOf(message: BaseMessage): string {
  return typeof message.content === "string" ? message.content : JSON.stringify(message.content);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function isScript(value: unknown): value is ModelScript {
  return typeof value === "object" && value !== null && Array.isArray((value as ModelScript).turns);
}

export class ScriptedChatModel extends BaseChatModel {
  readonly script: ModelScript | undefined;
  readonly configKey: string;

  constructor(options: ScriptedChatModelOptions = {}) {
    super(options);
    this.script = options.script;
    this.configKey = options.configKey ?? "model_script";
  }

  _llmType(): string {
    return "scripted-chat";
  }

  /** The script decides the tool calls: binding tools changes nothing but keeps agents that bind them working. */
  override bindTools(
    _tools: BindToolsInput[],
    kwargs?: Partial<this["ParsedCallOptions"]>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk> {
    return this.withConfig(kwargs ?? {});
  }

  /** The running graph's config (LangGraph keeps it for the node that calls the model), else the constructor's script. */
  private currentScript(): ModelScript {
    const configurable = (AsyncLocalStorageProviderSingleton.getRunnableConfig() as { configurable?: Record<string, unknown> } | undefined)
      ?.configurable;
    const given = configurable?.[this.configKey] ?? this.script;
    if (!isScript(given)) {
      throw new Error(`ScriptedChatModel: no script: give the run config.configurable.${this.configKey} = { turns: [{ content: "..." }] }`);
    }
    return given;
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const script = this.currentScript();
    const index = messages.filter((m) => m.getType() === "ai").length;
    const turn = script.turns[index];
    if (!turn) throw new Error(`ScriptedChatModel: the script has ${script.turns.length} turn(s), and this is call ${index + 1}`);
    await sleep(turn.delayMs ?? 0, options.signal);
    if (turn.error) throw new Error(turn.error);
    const content = turn.content ?? "";
    // an empty reply (tool calls only) is still one chunk: it carries the calls and the usage
    const words: string[] = content.match(/\S+\s*|^\s+/g) ?? [];
    const tokens = words.length > 0 ? words : [""];
    const usage = turn.usage ?? {
      input_tokens: messages.reduce((n, m) => n + countTokens(textOf(m)), 0),
      output_tokens: countTokens(content),
    };
    const toolCalls = (turn.toolCalls ?? []).map((call, i) => ({ ...call, id: call.id ?? `call_${index}_${i}` }));
    for (const [i, token] of tokens.entries()) {
      await sleep(turn.tokenDelayMs ?? script.tokenDelayMs ?? 0, options.signal);
      const last = i === tokens.length - 1;
      const chunk = new ChatGenerationChunk({
        text: token,
        message: new AIMessageChunk({
          content: token,
          ...(last && {
            tool_call_chunks: toolCalls.map((call, k) => ({
              type: "tool_call_chunk" as const,
              name: call.name,
              args: JSON.stringify(call.args),
              id: call.id,
              index: k,
            })),
            response_metadata: { model_name: script.model ?? "scripted-chat" },
            usage_metadata: { ...usage, total_tokens: usage.input_tokens + usage.output_tokens },
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
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) full = full ? full.concat(chunk) : chunk;
    if (!full) throw new Error("ScriptedChatModel: no reply");
    return { generations: [{ text: full.text, message: full.message }] };
  }
}
