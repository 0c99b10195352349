import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import type { UsageCaller, UsageInput } from "@lgrs/db";

export const USAGE_CALLERS: UsageCaller[] = ["lead_agent", "subagent", "middleware"];

/**
 * Who made an LLM call: a model (or the chain around it) says so with metadata
 * `{ caller: "subagent" }` or a tag `caller:subagent`; anything unmarked is the
 * lead agent.
 */
function callerOf(tags: string[] | undefined, metadata: Record<string, unknown> | undefined): UsageCaller {
  const fromMetadata = metadata?.caller;
  if (typeof fromMetadata === "string" && (USAGE_CALLERS as string[]).includes(fromMetadata)) return fromMetadata as UsageCaller;
  const tag = tags?.find((t) => t.startsWith("caller:"))?.slice("caller:".length);
  return tag && (USAGE_CALLERS as string[]).includes(tag) ? (tag as UsageCaller) : "lead_agent";
}

interface CallUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/** Token counts of one finished LLM call, from the message's usage_metadata or the provider's llmOutput. */
function usageOf(output: LLMResult, fallbackModel: string): CallUsage | null {
  for (const generation of output.generations.flat()) {
    const message = (generation as { message?: BaseMessage & { usage_metadata?: Record<string, number> } }).message;
    const usage = message?.usage_metadata;
    if (usage) {
      const meta = (message.response_metadata ?? {}) as Record<string, unknown>;
      const model = String(meta.model_name ?? meta.model ?? fallbackModel);
      const inputTokens = usage.input_tokens ?? 0;
      const outputTokens = usage.output_tokens ?? 0;
      return { model, inputTokens, outputTokens, totalTokens: usage.total_tokens ?? inputTokens + outputTokens };
    }
  }
  const legacy = output.llmOutput?.tokenUsage as Record<string, number> | undefined;
  if (legacy) {
    const inputTokens = legacy.promptTokens ?? 0;
    const outputTokens = legacy.completionTokens ?? 0;
    return {
      model: String(output.llmOutput?.model_name ?? fallbackModel),
      inputTokens,
      outputTokens,
      totalTokens: legacy.totalTokens ?? inputTokens + outputTokens,
    };
  }
  return null;
}

/**
 * A LangChain callback handler given to every run: records each LLM call's token
 * usage (model, caller, input/output/total) as it ends. `flush()` waits for the
 * writes, so a run's totals are complete before its final status is written.
 */
export class UsageRecorder extends BaseCallbackHandler {
  name = "lgrs-usage-recorder";
  private readonly calls = new Map<string, { caller: UsageCaller; model: string }>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly record: (
      usage: Pick<UsageInput, "model" | "caller" | "inputTokens" | "outputTokens" | "totalTokens">,
    ) => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {
    // Called inline, and only for model calls: LangChain otherwise queues every callback
    // of every handler (each token, each chain start and end) on one global background
    // queue, which cost more than the rest of the handler, and an LLM call's end could be
    // recorded after flush() had returned.
    super({ _awaitHandler: true, ignoreChain: true, ignoreAgent: true, ignoreRetriever: true, ignoreCustomEvent: true });
  }

  override handleChatModelStart(
    llm: Serialized,
    _messages: BaseMessage[][],
    runId: string,
    _parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    this.remember(llm, runId, extraParams, tags, metadata);
  }

  override handleLLMStart(
    llm: Serialized,
    _prompts: string[],
    runId: string,
    _parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    this.remember(llm, runId, extraParams, tags, metadata);
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const call = this.calls.get(runId);
    this.calls.delete(runId);
    const usage = usageOf(output, call?.model ?? "unknown");
    if (!usage) return;
    const write = this.record({ ...usage, caller: call?.caller ?? "lead_agent" })
      .catch(this.onError)
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  override handleLLMError(_err: unknown, runId: string): void {
    this.calls.delete(runId);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private remember(
    llm: Serialized,
    runId: string,
    extraParams: Record<string, unknown> | undefined,
    tags: string[] | undefined,
    metadata: Record<string, unknown> | undefined,
  ): void {
    const params = (extraParams?.invocation_params ?? {}) as Record<string, unknown>;
    const model = String(params.model ?? params.model_name ?? metadata?.ls_model_name ?? llm.id?.at(-1) ?? "unknown");
    this.calls.set(runId, { caller: callerOf(tags, metadata), model });
  }
}
