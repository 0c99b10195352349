/**
 * The protocol's state and input commands through the official SDK 1.15
 * (`thread.state.get` / `listCheckpoints` / `fork`, `thread.input.inject`)
 * against the real server, on SQLite and PostgreSQL: a subgraph's own state and
 * checkpoints by the namespace its events carry, time travel from a listed
 * checkpoint, a message injected into a thread, a run's agent tree, and the refusals (unknown
 * checkpoint or namespace, a namespace inject cannot reach).
 */
import { randomUUID } from "node:crypto";
import { Client } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { settledRuns, type WireEvent } from "./support/protocol-v2.ts";

interface Checkpoints {
  checkpoints: { id: string; timestamp: string; step: number; node_name?: string; metadata?: Record<string, unknown> }[];
}

interface Tree {
  namespace: string[];
  status: string;
  graph_name: string;
  children?: Tree[];
}

interface Frame {
  type: string;
  id?: number;
  event_id?: string;
  method?: string;
  result?: unknown;
  params?: { namespace: string[]; data: unknown };
}

describe.each(testTargets)("protocol v2 state and input commands on $provider", (target) => {
  let server: TestServer;
  let client: Client;
  let key: string;

  beforeAll(async () => {
    server = await startTestServer({ target });
    ({ key } = await server.user());
    client = new Client({ apiUrl: `${server.url}/api/langgraph`, apiKey: key });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("a subgraph's state and checkpoints, by the namespace its events carry", async () => {
    const thread = client.threads.stream({ assistantId: "subgraph" });
    const namespaces = new Set<string>();
    thread.onEvent((event) => {
      const e = event as unknown as WireEvent;
      if (e.method === "lifecycle" && e.params.namespace.length === 1) namespaces.add(e.params.namespace[0]!);
    });
    await thread.run.start({ input: { topic: "otters" } });
    expect(await thread.output).toMatchObject({ report: expect.stringContaining("Report on otters") });
    const [child] = [...namespaces];
    expect(child).toMatch(/^research:/);

    const root = (await thread.state.get({ namespace: [] })) as { values: Record<string, unknown>; checkpoint?: { id: string } };
    expect(root.values).toMatchObject({ topic: "otters" });
    expect(root.values).not.toHaveProperty("lookups");
    const sub = (await thread.state.get({ namespace: [child!] })) as {
      values: Record<string, unknown>;
      checkpoint?: { id: string; ns?: string };
    };
    expect(sub.values).toMatchObject({ topic: "otters", lookups: 1 });
    expect(sub.checkpoint?.ns).toBe(child);
    const picked = (await thread.state.get({ namespace: [child!], keys: ["lookups"] })) as { values: Record<string, unknown> };
    expect(picked.values).toEqual({ lookups: 1 });

    const list = (await thread.state.listCheckpoints({})) as Checkpoints;
    // input, prepare, research, write: newest first, each with its step and the node that wrote it
    expect(list.checkpoints.map((c) => c.step)).toEqual([3, 2, 1, 0, -1]);
    expect(list.checkpoints[0]).toMatchObject({ id: root.checkpoint!.id, node_name: "write" });
    expect(list.checkpoints.map((c) => c.node_name)).toContain("prepare");
    for (const c of list.checkpoints) expect(Number.isNaN(Date.parse(c.timestamp))).toBe(false);
    const page = (await thread.state.listCheckpoints({ limit: 2, before: list.checkpoints[1]!.id })) as Checkpoints;
    expect(page.checkpoints.map((c) => c.id)).toEqual(list.checkpoints.slice(2, 4).map((c) => c.id));
    const inChild = (await thread.state.listCheckpoints({ namespace: [child!] })) as Checkpoints;
    expect(inChild.checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(inChild.checkpoints.map((c) => c.node_name)).toContain("gather");

    await expect(thread.state.get({ namespace: ["nowhere:1"] })).rejects.toThrow(/nowhere/);

    // the run's agent tree: the root graph and the subgraph it started, both done
    const { tree } = (await thread.agent.getTree()) as { tree: Tree };
    expect(tree).toEqual({
      namespace: [],
      status: "completed",
      graph_name: "subgraph",
      children: [{ namespace: [child], status: "completed", graph_name: expect.any(String) }],
    });
    const [run] = await client.runs.list(thread.threadId);
    expect(await thread.agent.getTree({ run_id: run!.run_id })).toEqual({ tree });
    await expect(thread.agent.getTree({ run_id: "00000000-0000-4000-8000-000000000000" })).rejects.toThrow(/not found/);
    await thread.close();
  });

  it("agent.getTree says a run waiting for input is interrupted", async () => {
    const thread = client.threads.stream({ assistantId: "human" });
    await thread.run.start({ input: { request: "ship it" } });
    await thread.output;
    expect(await thread.agent.getTree()).toEqual({ tree: { namespace: [], status: "interrupted", graph_name: "human" } });
    await thread.close();
  });

  it("state.fork runs the thread again from a listed checkpoint, with new input", async () => {
    const thread = client.threads.stream({ assistantId: "subgraph" });
    await thread.run.start({ input: { topic: "otters" } });
    await thread.output;
    const { checkpoints } = (await thread.state.listCheckpoints({})) as Checkpoints;
    const start = checkpoints.find((c) => c.step === -1)!;

    const forked = (await thread.state.fork({ checkpoint_id: start.id, input: { topic: "beavers" } })) as {
      run_id: string;
      thread_id: string;
    };
    expect(forked).toEqual({ run_id: expect.stringMatching(/^[0-9a-f-]{36}$/), thread_id: thread.threadId });
    const runs = await settledRuns(client, thread.threadId);
    expect(runs.map((r) => r.status)).toEqual(["success", "success"]);
    const state = await client.threads.getState(thread.threadId);
    // the fork starts from the input checkpoint: otters' notes are not in it, the new topic's are
    expect((state.values as { report: string }).report).toContain("beavers");
    expect(JSON.stringify(state.values)).not.toContain("facts about otters");
    expect(state.parent_checkpoint).toBeTruthy();

    await expect(thread.state.fork({ checkpoint_id: "1f000000-0000-6000-8000-000000000000" })).rejects.toThrow(/not found/);
    await thread.close();
  });

  it("input.inject sends a message the thread's agent answers next", async () => {
    const thread = client.threads.stream({ assistantId: "agent" });
    await thread.run.start({ input: { messages: [{ role: "user", content: "hello" }] } });
    await thread.input.inject({ namespace: [], message: { role: "user", content: "and again" } });
    const runs = await settledRuns(client, thread.threadId);
    expect(runs.map((r) => r.status)).toEqual(["success", "success"]);
    const state = await client.threads.getState(thread.threadId);
    const messages = (state.values as { messages: { type: string; content: string }[] }).messages;
    expect(messages.map((m) => m.type)).toEqual(["human", "ai", "human", "ai"]);
    expect(messages[2]!.content).toBe("and again");

    await expect(thread.input.inject({ namespace: ["research:1"], message: { role: "user", content: "x" } })).rejects.toThrow(/namespace/);
    await thread.close();
  });

  it("fork and inject on a thread that never ran are refused: there is no graph to run", async () => {
    const thread = client.threads.stream({ assistantId: "agent" });
    await expect(thread.state.fork({ checkpoint_id: "c" })).rejects.toThrow(/not found/);
    await expect(thread.input.inject({ namespace: [], message: { role: "user", content: "hi" } })).rejects.toThrow(/not found/);
    // a thread created without a run: it exists, but has no graph yet
    const { thread_id } = await client.threads.create();
    const empty = client.threads.stream(thread_id, { assistantId: "agent" });
    await expect(empty.state.fork({ checkpoint_id: "c" })).rejects.toThrow(/run\.start/);
    await expect(empty.input.inject({ namespace: [], message: { role: "user", content: "hi" } })).rejects.toThrow(/run\.start/);
    await empty.close();
    await thread.close();
  });

  it("subscription.reconnect on the same socket resends the run's events after the last one processed", async () => {
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/api/langgraph/threads/${randomUUID()}/stream/events`, {
      headers: { "x-api-key": key },
    });
    const frames: Frame[] = [];
    let notify = () => {};
    ws.on("message", (data) => {
      frames.push(JSON.parse(String(data)) as Frame);
      notify();
    });
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    /** Waits until a frame satisfies `test`, and returns it. */
    const next = async (test: (f: Frame) => boolean): Promise<Frame> => {
      for (;;) {
        const found = frames.find(test);
        if (found) return found;
        await new Promise<void>((resolve) => (notify = resolve));
      }
    };
    const command = async (id: number, method: string, params: unknown) => {
      ws.send(JSON.stringify({ id, method, params }));
      return next((f) => f.id === id && f.type !== "event");
    };

    // run.start creates the thread; the subscription replays the run from its first event
    const started = await command(1, "run.start", { assistant_id: "trivial", input: { count: 1 } });
    const runId = (started.result as { run_id: string }).run_id;
    const sub = await command(2, "subscription.subscribe", { channels: ["values", "lifecycle"] });
    const subscriptionId = (sub.result as { subscription_id: string }).subscription_id;
    await next((f) => f.method === "lifecycle" && (f.params?.data as { event?: string } | undefined)?.event === "completed");
    const events = frames.filter((f) => f.type === "event");
    expect(events.length).toBeGreaterThanOrEqual(3);

    const before = frames.length;
    const again = await command(3, "subscription.reconnect", {
      run_id: runId,
      last_event_id: events[0]!.event_id,
      subscriptions: [subscriptionId],
    });
    expect(again).toMatchObject({
      type: "success",
      result: { restored: true, missed_events: events.length - 1, current_namespaces: [{ namespace: [], status: "completed" }] },
    });
    // the response comes first, then the missed events again, the same ids in the same order
    await next(() => frames.length >= before + events.length);
    const resent = frames.slice(before + 1).filter((f) => f.type === "event");
    expect(resent.map((f) => f.event_id)).toEqual(events.slice(1).map((f) => f.event_id));

    // a subscription this socket does not have (a new socket's client): not restored, nothing resent
    expect(await command(4, "subscription.reconnect", { run_id: runId, subscriptions: ["sub-99"] })).toMatchObject({
      result: { restored: false, missed_events: 0 },
    });
    expect(await command(5, "subscription.reconnect", { run_id: randomUUID() })).toMatchObject({ type: "error", error: "no_such_run" });
    expect(await command(6, "subscription.reconnect", {})).toMatchObject({
      type: "error",
      error: "invalid_argument",
      message: expect.stringContaining("body.params.run_id"),
    });
    ws.close();
  });
});
