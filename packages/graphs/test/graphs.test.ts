import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Command, isInterrupted, MemorySaver } from "@langchain/langgraph";
import { HumanMessage, type AIMessageChunk } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import {
  agent,
  agentModel,
  failing,
  FAILURE_MESSAGE,
  FakeStreamingChatModel,
  human,
  slow,
  SLOW_STEPS,
  subgraph,
  trivial,
} from "../src/index.ts";

/** Each test compiles its own copy with a fresh MemorySaver, leaving the exported graphs untouched. */
const withSaver = <G extends { builder: { compile(options: { checkpointer: MemorySaver }): unknown } }>(graph: G): G =>
  graph.builder.compile({ checkpointer: new MemorySaver() }) as G;

const thread = (threadId: string, settings: Record<string, unknown> = {}) => ({
  configurable: { thread_id: threadId, ...settings },
});

// the offline model, even where a developer has an OpenAI key in their environment
beforeEach(() => vi.stubEnv("OPENAI_API_KEY", ""));
afterEach(() => vi.unstubAllEnvs());

describe("the fake chat model", () => {
  it("replies deterministically in 20-40 tokens, whatever the length of the message", async () => {
    const model = new FakeStreamingChatModel({ tokenDelayMs: 0 });
    const short = await model.invoke([new HumanMessage("hi")]);
    const long = await model.invoke([new HumanMessage("word ".repeat(500))]);
    for (const reply of [short, long]) {
      expect(reply.usage_metadata!.output_tokens).toBeGreaterThanOrEqual(20);
      expect(reply.usage_metadata!.output_tokens).toBeLessThanOrEqual(40);
    }
    expect((await model.invoke([new HumanMessage("hi")])).content).toBe(short.content);
  });

  it("paces its tokens by tokenDelayMs", async () => {
    const t0 = Date.now();
    await new FakeStreamingChatModel({ tokenDelayMs: 10 }).invoke([new HumanMessage("hi")]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150); // about twenty tokens
  });
});

describe("agentModel", () => {
  it("is the offline fake unless OPENAI_API_KEY is set, then ChatOpenAI with OPENAI_MODEL and OPENAI_BASE_URL", () => {
    expect(agentModel({ configurable: { token_delay_ms: 3 } })).toMatchObject({ model: "fake-chat-1", tokenDelayMs: 3 });
    expect(agentModel({ context: { token_delay_ms: 4 } })).toMatchObject({ tokenDelayMs: 4 });
    vi.stubEnv("OPENAI_API_KEY", "sk-test");
    vi.stubEnv("OPENAI_MODEL", "my-model");
    vi.stubEnv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
    const real = agentModel();
    expect(real).toBeInstanceOf(ChatOpenAI);
    expect(real).toMatchObject({ model: "my-model", streamUsage: true });
    expect((real as ChatOpenAI).clientConfig.baseURL).toBe("http://127.0.0.1:9/v1");
  });
});

describe("bundled graphs", () => {
  it("agent streams its reply token by token and reports usage and model name on the last chunk", async () => {
    const graph = withSaver(agent);
    const chunks: AIMessageChunk[] = [];
    const stream = await graph.stream(
      { messages: [new HumanMessage("hello there")] },
      { ...thread("a", { token_delay_ms: 1 }), streamMode: "messages" },
    );
    for await (const [chunk] of stream) chunks.push(chunk as AIMessageChunk);
    expect(chunks.length).toBeGreaterThan(10);
    const text = chunks.map((c) => c.content).join("");
    expect(text).toMatch(/^You said: "hello there"\. /);
    const last = chunks.at(-1)!;
    expect(last.usage_metadata).toMatchObject({ input_tokens: 2, total_tokens: 2 + last.usage_metadata!.output_tokens });
    expect(last.usage_metadata!.output_tokens).toBeGreaterThan(10);
    expect(last.response_metadata).toMatchObject({ model_name: "fake-chat-1" });
    const state = await graph.getState(thread("a"));
    expect(state.values.messages.at(-1)?.content).toBe(text);
  });

  it("slow runs its five steps, checkpointing each, and stops promptly when aborted", async () => {
    const graph = withSaver(slow);
    expect((await graph.invoke({}, thread("s1", { step_delay_ms: 1 }))).steps).toEqual([...SLOW_STEPS]);
    const controller = new AbortController();
    const t0 = Date.now();
    const running = graph.invoke({}, { ...thread("s2", { step_delay_ms: 500 }), signal: controller.signal });
    setTimeout(() => controller.abort(), 700); // during the second step, which would otherwise end at 1000 ms
    await expect(running).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(900);
    expect((await graph.getState(thread("s2"))).values.steps).toEqual(["plan"]);
  });

  it("human interrupts with a question, then resumes with a Command and stores the answer", async () => {
    const graph = withSaver(human);
    const first = await graph.invoke({ request: "deploy" }, thread("h"));
    expect(isInterrupted(first) && first.__interrupt__[0]?.value).toEqual({ question: 'Approve "deploy"?', options: ["yes", "no"] });
    expect((await graph.getState(thread("h"))).next).toEqual(["review"]);
    const resumed = await graph.invoke(new Command({ resume: "yes" }), thread("h"));
    expect(resumed).toMatchObject({ answer: "yes", approved: true, outcome: "approved" });
  });

  it("failing fails with its message", async () => {
    await expect(withSaver(failing).invoke({}, thread("f"))).rejects.toThrow(FAILURE_MESSAGE);
  });

  it("subgraph streams its child's events under a namespace", async () => {
    const graph = withSaver(subgraph);
    const namespaces = new Set<string>();
    const stream = await graph.stream({ topic: "rivers" }, { ...thread("g"), streamMode: "updates", subgraphs: true });
    for await (const [ns] of stream) namespaces.add(ns.join("|"));
    expect(namespaces.has("")).toBe(true);
    expect([...namespaces].some((n) => n.startsWith("research:"))).toBe(true);
    const state = await graph.getState(thread("g"));
    expect(state.values.report).toBe("Report on rivers: facts about rivers; summary of 1 note(s) from 1 lookup(s)");
    expect(state.values).not.toHaveProperty("lookups"); // the child's own key stays in the child
  });

  it("trivial returns at once", async () => {
    expect(await withSaver(trivial).invoke({}, thread("t"))).toEqual({ count: 1 });
  });
});
