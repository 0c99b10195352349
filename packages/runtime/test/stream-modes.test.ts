import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaCheckpointSaver, repositories, type Repositories } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { createRuntime, GraphRegistry, type Actor, type BridgeItem, type Runtime } from "../src/index.ts";

/** The bundled graphs through the whole runtime: what a client streaming a run would see. */
describe.each(testTargets)("stream modes with the bundled graphs on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let runtime: Runtime;
  let repos: Repositories;
  let owner: string;
  let actor: Actor;

  beforeAll(async () => {
    runtime = createRuntime({ db: database(), graphs: await GraphRegistry.load() });
    repos = repositories(database());
    await runtime.start();
    owner = (await repos.users.createUser({ email: `m-${Date.now()}@x.dev`, name: "m" })).id;
    actor = { userId: owner, scope: { ownerId: owner } };
  });
  afterAll(() => runtime.shutdown(1000));

  async function streamRun(assistantId: string, options: Record<string, unknown>): Promise<{ runId: string; items: BridgeItem[] }> {
    // the stateless run's thread is kept: some tests read it afterwards
    const run = await runtime.runs.create(actor, { threadId: null, assistantId, onCompletion: "keep", ...options });
    const items: BridgeItem[] = [];
    for await (const item of (await runtime.runs.stream(actor, run.id)).items) items.push(item);
    return { runId: run.id, items };
  }
  const names = (items: BridgeItem[]) => items.map((i) => (i.type === "event" ? i.event : i.type));

  it("messages-tuple streams the agent's reply token by token as `messages` [chunk, metadata], and records its usage", async () => {
    const { runId, items } = await streamRun("agent", {
      input: { messages: [{ role: "user", content: "hi there" }] },
      streamMode: ["messages-tuple", "values"],
      config: { configurable: { token_delay_ms: 1 } },
    });
    const tokens = items.filter((i): i is Extract<BridgeItem, { type: "event" }> => i.type === "event" && i.event === "messages");
    expect(tokens.length).toBeGreaterThan(10);
    const [chunk, metadata] = tokens[0]!.data as [{ type: string; content: string }, { langgraph_node: string }];
    expect(chunk.type).toBe("AIMessageChunk");
    expect(metadata.langgraph_node).toBe("agent");
    const text = tokens.map((t) => (t.data as [{ content: string }])[0].content).join("");
    expect(text).toMatch(/^You said: "hi there"/);
    const finalValues = items.filter((i) => i.type === "event" && i.event === "values").at(-1) as {
      data: { messages: { type: string; content: string }[] };
    };
    expect(finalValues.data.messages.map((m) => m.type)).toEqual(["human", "ai"]);
    expect(finalValues.data.messages[1]!.content).toBe(text);
    const usage = await runtime.usage.byRun(actor, runId);
    expect(usage.byModel).toMatchObject([{ model: "fake-chat-1", calls: 1 }]);
    expect(usage.byCaller).toMatchObject([{ caller: "lead_agent" }]);
    expect(usage.total.outputTokens).toBeGreaterThan(10);
  });

  it("messages mode sends the reply as it grows (messages/partial) and whole at the end (messages/complete)", async () => {
    const { items } = await streamRun("agent", {
      input: { messages: [{ role: "user", content: "grow" }] },
      streamMode: ["messages", "values"],
      config: { configurable: { token_delay_ms: 1 } },
    });
    const seen = names(items);
    expect(seen).toContain("messages/metadata");
    expect(seen).toContain("values");
    const partial = items.filter((i) => i.type === "event" && i.event === "messages/partial") as { data: [{ content: string }] }[];
    expect(partial.length).toBeGreaterThan(10);
    const lengths = partial.map((p) => p.data[0].content.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b)); // the text only grows
    const complete = items.find((i) => i.type === "event" && i.event === "messages/complete") as { data: [{ content: string }] };
    expect(complete.data[0].content).toBe(partial.at(-1)!.data[0].content);
    expect(complete.data[0].content).toMatch(/^You said: "grow"/);
  });

  it("events mode sends LangChain's callback events, alongside the other modes", async () => {
    const { items } = await streamRun("agent", {
      input: { messages: [{ role: "user", content: "events please" }] },
      streamMode: ["events", "updates"],
      config: { configurable: { token_delay_ms: 1 } },
    });
    const kinds = items.filter((i) => i.type === "event" && i.event === "events").map((i) => (i as { data: { event: string } }).data.event);
    expect(kinds).toEqual(expect.arrayContaining(["on_chain_start", "on_chat_model_stream", "on_chat_model_end", "on_chain_end"]));
    expect(names(items)).toContain("updates");
    expect(items.at(-1)).toEqual({ type: "end", status: "success" });
  });

  it("interrupt_before stops before the named node with the thread waiting; a run with no input continues it", async () => {
    const first = await runtime.runs.create(actor, {
      threadId: null,
      onCompletion: "keep",
      assistantId: "slow",
      input: {},
      interruptBefore: ["draft"],
      config: { configurable: { step_delay_ms: 1 } },
    });
    expect((await runtime.runs.join(actor, first.id)).status).toBe("success");
    const waiting = await repos.threads.get(actor.scope, first.threadId);
    expect([waiting?.status, waiting?.values]).toEqual(["interrupted", { steps: ["plan", "research"] }]);
    const rest = await runtime.runs.create(actor, {
      threadId: first.threadId,
      assistantId: "slow",
      config: { configurable: { step_delay_ms: 1 } },
    });
    await runtime.runs.join(actor, rest.id);
    const done = await repos.threads.get(actor.scope, first.threadId);
    expect([done?.status, (done?.values as { steps: string[] } | undefined)?.steps.length]).toEqual(["idle", 5]);
  });

  it("checkpoint_id starts a run from a past checkpoint (a fork), not from the latest", async () => {
    const one = await runtime.runs.create(actor, { threadId: null, assistantId: "trivial", input: {}, onCompletion: "keep" });
    await runtime.runs.join(actor, one.id);
    const checkpointer = new PrismaCheckpointSaver(database().prisma);
    const afterFirst = (await checkpointer.getTuple({ configurable: { thread_id: one.threadId } }))!.checkpoint.id;
    await runtime.runs.join(actor, (await runtime.runs.create(actor, { threadId: one.threadId, assistantId: "trivial", input: {} })).id);
    expect((await repos.threads.get(actor.scope, one.threadId))?.values).toEqual({ count: 2 });
    const fork = await runtime.runs.create(actor, {
      threadId: one.threadId,
      assistantId: "trivial",
      input: {},
      checkpointId: afterFirst,
    });
    const done = await runtime.runs.join(actor, fork.id);
    expect(done.checkpointId).toBe(afterFirst);
    expect((await repos.threads.get(actor.scope, one.threadId))?.values).toEqual({ count: 2 }); // 1 + 1, not 3
  });

  it("an assistant's own config and context apply to its runs; the run's own config wins", async () => {
    const assistant = await repos.assistants.create({
      graphId: "agent",
      name: "patient agent",
      config: { configurable: { token_delay_ms: 1 } },
      metadata: { team: "qa" },
    });
    // each checkpoint event carries the config the run executed with
    const delayOf = async (config?: Record<string, unknown>) => {
      const { runId, items } = await streamRun(assistant.id, {
        input: { messages: [{ role: "user", content: "x" }] },
        streamMode: ["checkpoints"],
        ...(config ? { config } : {}),
      });
      expect((await runtime.runs.get(actor, runId)).assistantId).toBe(assistant.id);
      const last = items.filter((i) => i.type === "event" && i.event === "checkpoints").at(-1) as {
        data: { config: { configurable: Record<string, unknown>; callbacks?: unknown } };
      };
      expect(last.data.config.callbacks).toBeUndefined(); // the server's own handlers are not sent
      return last.data.config.configurable.token_delay_ms;
    };
    expect(await delayOf()).toBe(1);
    expect(await delayOf({ configurable: { token_delay_ms: 2 } })).toBe(2);
  });

  it("several modes at once each arrive under their own name, after metadata, ids strictly increasing", async () => {
    const { items } = await streamRun("slow", {
      input: {},
      streamMode: ["values", "updates", "debug", "tasks", "checkpoints", "custom"],
      config: { configurable: { step_delay_ms: 1 } },
    });
    expect(names(items)[0]).toBe("metadata");
    for (const mode of ["values", "updates", "debug", "tasks", "checkpoints"]) expect(names(items)).toContain(mode);
    const ids = items.flatMap((i) => (i.type === "event" ? [i.id] : []));
    expect(ids).toEqual(ids.map((_, k) => k + 1));
    expect(items.at(-1)).toEqual({ type: "end", status: "success" });
    const updates = items
      .filter((i) => i.type === "event" && i.event === "updates")
      .map((i) => Object.keys((i as { data: object }).data)[0]);
    expect(updates).toEqual(["plan", "research", "draft", "review", "publish"]);
  });

  it("stream_subgraphs names the child's events mode|namespace", async () => {
    const { items } = await streamRun("subgraph", { input: { topic: "tides" }, streamMode: ["updates"], streamSubgraphs: true });
    const nested = names(items).filter((n) => n.startsWith("updates|"));
    expect(nested.length).toBeGreaterThanOrEqual(2);
    expect(nested.every((n) => /^updates\|research:[\w-]+$/.test(n))).toBe(true);
    expect(names(items)).toContain("updates");
  });

  it("a graph interrupt ends the run successfully with the thread waiting, and a command resumes it", async () => {
    const first = await runtime.runs.create(actor, {
      threadId: null,
      onCompletion: "keep",
      assistantId: "human",
      input: { request: "ship it" },
    });
    await runtime.runs.join(actor, first.id);
    const thread = await repos.threads.get(actor.scope, first.threadId);
    expect(thread?.status).toBe("interrupted");
    expect(thread?.interrupts).toMatchObject([{ value: { question: 'Approve "ship it"?' } }]);
    const resume = await runtime.runs.create(actor, {
      threadId: first.threadId,
      assistantId: "human",
      command: { resume: "yes" },
      streamMode: ["values"],
    });
    const items: BridgeItem[] = [];
    for await (const item of (await runtime.runs.stream(actor, resume.id)).items) items.push(item);
    expect((items.at(-2) as { data: unknown }).data).toMatchObject({ approved: true, outcome: "approved" });
    expect((await repos.threads.get(actor.scope, first.threadId))?.status).toBe("idle");
  });
});

describe.each(testTargets.slice(0, 1))("graphs exported as functions ($provider)", (target) => {
  const database = useMigratedDatabase(target);

  it("are built per run from the run's own configurable", async () => {
    const graphs = await GraphRegistry.load(path.join(import.meta.dirname, "fixtures/user-graphs/langgraph.json"));
    const runtime = createRuntime({ db: database(), graphs });
    await runtime.start();
    try {
      const repos = repositories(database());
      const owner = (await repos.users.createUser({ email: `fn-${Date.now()}@x.dev`, name: "fn" })).id;
      const actor: Actor = { userId: owner, scope: { ownerId: owner } };
      const run = await runtime.runs.create(actor, {
        threadId: null,
        onCompletion: "keep",
        assistantId: "factory",
        input: {},
        config: { configurable: { word: "from the run" } },
      });
      expect((await runtime.runs.join(actor, run.id)).status).toBe("success");
      expect((await repos.threads.get({ ownerId: owner }, run.threadId))?.values).toEqual({ said: "from the run" });
    } finally {
      await runtime.shutdown(1000);
    }
  });
});
