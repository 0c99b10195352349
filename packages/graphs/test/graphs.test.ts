import { describe, expect, it } from "vitest";
import { Command, MemorySaver } from "@langchain/langgraph";
import { HumanMessage, type AIMessageChunk } from "@langchain/core/messages";
import { agent, failing, FAILURE_MESSAGE, human, slow, SLOW_STEPS, subgraph, trivial } from "../src/index.ts";

const config = (threadId: string, configurable: Record<string, unknown> = {}) => ({
  configurable: { thread_id: threadId, ...configurable },
});

describe("bundled graphs", () => {
  it("agent streams its reply token by token and reports usage and model name on the last chunk", async () => {
    const g = agent.withConfig({});
    g.checkpointer = new MemorySaver();
    const chunks: AIMessageChunk[] = [];
    const stream = await g.stream(
      { messages: [new HumanMessage("hello there")] },
      { ...config("a", { token_delay_ms: 1 }), streamMode: "messages" },
    );
    for await (const [chunk] of stream) chunks.push(chunk as AIMessageChunk);
    expect(chunks.length).toBeGreaterThan(10);
    const text = chunks.map((c) => c.content).join("");
    expect(text).toMatch(/^You said: "hello there"\./);
    const last = chunks.at(-1)!;
    expect(last.usage_metadata).toMatchObject({ input_tokens: 2 });
    expect(last.usage_metadata!.output_tokens).toBeGreaterThan(10);
    expect(last.response_metadata).toMatchObject({ model_name: "fake-chat-1" });
    const state = await g.getState(config("a"));
    expect((state.values as { messages: { content: string }[] }).messages.at(-1)?.content).toBe(text);
  });

  it("slow runs its five steps and stops promptly when aborted", async () => {
    slow.checkpointer = new MemorySaver();
    const done = await slow.invoke({}, config("s1", { step_delay_ms: 1 }));
    expect(done.steps).toEqual([...SLOW_STEPS]);
    const controller = new AbortController();
    const t0 = Date.now();
    const running = slow.invoke({}, { ...config("s2", { step_delay_ms: 10_000 }), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(running).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("human interrupts with a question, then resumes with a Command", async () => {
    human.checkpointer = new MemorySaver();
    const first = await human.invoke({ request: "deploy" }, config("h"));
    expect((first as { __interrupt__?: { value: unknown }[] }).__interrupt__?.[0]?.value).toEqual({ question: 'Approve "deploy"?', options: ["yes", "no"] });
    const resumed = await human.invoke(new Command({ resume: "yes" }), config("h"));
    expect(resumed).toMatchObject({ answer: "yes", approved: true, outcome: "approved" });
  });

  it("failing fails with its message", async () => {
    await expect(failing.invoke({})).rejects.toThrow(FAILURE_MESSAGE);
  });

  it("subgraph streams its child's events under a namespace", async () => {
    const namespaces = new Set<string>();
    for await (const [ns] of await subgraph.stream({ topic: "rivers" }, { streamMode: "updates", subgraphs: true })) {
      namespaces.add((ns as string[]).join("|"));
    }
    expect(namespaces.has("")).toBe(true);
    expect([...namespaces].some((n) => n.startsWith("research:"))).toBe(true);
    const result = await subgraph.invoke({ topic: "rivers" });
    expect(result.report).toBe("Report on rivers: facts about rivers; summary of 1 note(s)");
  });

  it("trivial returns at once", async () => {
    expect(await trivial.invoke({})).toEqual({ count: 1 });
  });
});
