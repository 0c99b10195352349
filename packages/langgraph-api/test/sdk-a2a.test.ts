/**
 * /a2a/{assistant_id} and the agent card through the official A2A JS SDK's own
 * client (JSON-RPC transport) against the real server, on SQLite and PostgreSQL:
 * the card at LangGraph Platform's well-known path, message/send and
 * message/stream answered with the graph's reply, a context continued, a task
 * waiting for input answered, tasks/get and tasks/cancel; each task an ordinary
 * run (tRPC lists it); another user reaches none of the owner's tasks or contexts,
 * and no key is a 401.
 */
import { randomUUID } from "node:crypto";
import type { Message, Part, Task } from "@a2a-js/sdk";
import { ClientFactory, DefaultAgentCardResolver, JsonRpcTransportFactory, TaskNotFoundError, type Client } from "@a2a-js/sdk/client";
import { Client as LanggraphClient } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { LANGGRAPH_BASE_PATH } from "../src/app.ts";

type ApiClient = Awaited<ReturnType<TestServer["user"]>>["client"];

/** fetch with the door's API key header, as an A2A client is configured for a keyed agent */
function keyed(key: string | undefined): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (key) headers.set("x-api-key", key);
    return fetch(input, { ...init, headers });
  };
}

function userMessage(parts: Part[], extra: Partial<Message> = {}): Message {
  return { kind: "message", role: "user", messageId: randomUUID(), parts, ...extra };
}

const text = (t: string): Part => ({ kind: "text", text: t });

function textOfTask(task: Task): string {
  const part = task.artifacts?.[0]?.parts[0];
  expect(part?.kind).toBe("text");
  return (part as { text: string }).text;
}

describe.each(testTargets)("A2A through the official SDK on $provider", (target) => {
  let server: TestServer;
  let api: string;
  let alice: { key: string; client: ApiClient; sdk: LanggraphClient };
  let bob: { key: string; client: ApiClient; sdk: LanggraphClient };

  /** An A2A client of an assistant (an id, or a graph id for its default one), discovered from its card. */
  function agent(assistantId: string, key: string | undefined): Promise<Client> {
    const factory = new ClientFactory({
      transports: [new JsonRpcTransportFactory({ fetchImpl: keyed(key) })],
      cardResolver: new DefaultAgentCardResolver({ fetchImpl: keyed(key) }),
    });
    return factory.createFromUrl(`${api}/.well-known/agent-card.json?assistant_id=${encodeURIComponent(assistantId)}`, "");
  }

  async function send(client: Client, message: Message, blocking = true): Promise<Task> {
    const result = await client.sendMessage({ message, configuration: { blocking } });
    expect(result.kind).toBe("task");
    return result as Task;
  }

  beforeAll(async () => {
    server = await startTestServer({ target });
    api = `${server.url}${LANGGRAPH_BASE_PATH}`;
    const [a, b] = await Promise.all([server.user(), server.user()]);
    const sdk = (key: string) => new LanggraphClient({ apiUrl: api, apiKey: key, callerOptions: { maxRetries: 0 } });
    alice = { ...a, sdk: sdk(a.key) };
    bob = { ...b, sdk: sdk(b.key) };
  }, 120_000);
  afterAll(() => server?.stop());

  it("serves each assistant's agent card at the well-known path, pointing at /a2a/{assistant_id}", async () => {
    const [assistant] = await alice.sdk.assistants.search({ graphId: "agent", metadata: { created_by: "system" } });
    const card = await (await agent("agent", alice.key)).getAgentCard();
    expect(card).toMatchObject({
      name: "agent",
      protocolVersion: "0.3.0",
      url: `${api}/a2a/${assistant!.assistant_id}`,
      preferredTransport: "JSONRPC",
      capabilities: { streaming: true, pushNotifications: false },
    });
    expect(card.skills.length).toBe(1);
  });

  it("message/send answers with the graph's reply as a completed task; the task is an ordinary run on a thread", async () => {
    const client = await agent("agent", alice.key);
    const task = await send(client, userMessage([text("hello over a2a")]));
    expect(task.status.state).toBe("completed");
    expect(textOfTask(task)).toContain('You said: "hello over a2a"');
    expect(task.status.message?.parts[0]).toEqual(task.artifacts![0]!.parts[0]);

    const run = await alice.client.runs.get.query({ runId: task.id });
    expect(run).toMatchObject({ status: "success", threadId: task.contextId, metadata: expect.objectContaining({ source: "a2a" }) });
    const state = await alice.sdk.threads.getState<{ messages: { content: string }[] }>(task.contextId);
    expect(state.values.messages).toHaveLength(2);

    // the same context again: the conversation goes on on the same thread
    const next = await send(client, userMessage([text("and again")], { contextId: task.contextId }));
    expect(next.contextId).toBe(task.contextId);
    expect(textOfTask(next)).toContain('You said: "and again"');
    expect((await alice.sdk.threads.getState<{ messages: unknown[] }>(task.contextId)).values.messages).toHaveLength(4);

    const got = await client.getTask({ id: task.id });
    expect(got).toMatchObject({ id: task.id, contextId: task.contextId, status: { state: "completed" } });
    expect(textOfTask(got)).toContain('You said: "hello over a2a"');
  });

  it("message/stream gives the task, then its answer as an artifact, then the final status", async () => {
    const client = await agent("agent", alice.key);
    const events = [];
    for await (const event of client.sendMessageStream({ message: userMessage([text("stream me")]) })) events.push(event);
    expect(events[0]).toMatchObject({ kind: "task", status: { state: "submitted" } });
    const taskId = (events[0] as Task).id;
    const artifact = events.find((e) => e.kind === "artifact-update");
    expect(JSON.stringify(artifact)).toContain('You said: \\"stream me\\"');
    expect(events.at(-1)).toMatchObject({ kind: "status-update", taskId, final: true, status: { state: "completed" } });
    expect((await alice.client.runs.get.query({ runId: taskId })).status).toBe("success");
  });

  it("message/stream refused before it starts (an unknown context) fails the client's stream with the error", async () => {
    const client = await agent("agent", alice.key);
    const events = async () => {
      for await (const _ of client.sendMessageStream({ message: userMessage([text("x")], { contextId: randomUUID() }) })) {
        // nothing may arrive
      }
    };
    await expect(events()).rejects.toThrow(/not found/);
  });

  it("a graph that waits for input is an input-required task; a reply with its task id resumes it", async () => {
    const client = await agent("human", alice.key);
    const waiting = await send(client, userMessage([{ kind: "data", data: { request: "deploy" } }]));
    expect(waiting.status.state).toBe("input-required");
    const resumed = await send(client, userMessage([text("yes")], { taskId: waiting.id, contextId: waiting.contextId }));
    expect(resumed.status.state).toBe("completed");
    expect(resumed.contextId).toBe(waiting.contextId);
    expect(resumed.artifacts?.[0]?.parts[0]).toMatchObject({ kind: "data", data: { outcome: "approved", answer: "yes" } });
    // a finished task takes no reply
    await expect(send(client, userMessage([text("again")], { taskId: resumed.id }))).rejects.toThrow(/only a task waiting for input/);
  });

  it("tasks/cancel stops a task that is still running", async () => {
    const client = await agent("slow", alice.key);
    const started = await send(client, userMessage([{ kind: "data", data: { steps: [] } }]), false);
    expect(["submitted", "working"]).toContain(started.status.state);
    const cancelled = await client.cancelTask({ id: started.id });
    expect(cancelled.status.state).toBe("canceled");
    expect((await alice.client.runs.get.query({ runId: started.id })).status).toBe("interrupted");
    expect((await client.getTask({ id: started.id })).status.state).toBe("canceled");
  });

  it("another user reaches none of the owner's tasks or contexts", async () => {
    const owners = await send(await agent("agent", alice.key), userMessage([text("alice's secret")]));
    const theirs = await agent("agent", bob.key);
    await expect(theirs.getTask({ id: owners.id })).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(theirs.cancelTask({ id: owners.id })).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(send(theirs, userMessage([text("hi")], { taskId: owners.id }))).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(send(theirs, userMessage([text("hi")], { contextId: owners.contextId }))).rejects.toThrow(/not found/);
    // contexts are the server's to make: an unknown one is refused the same way
    await expect(send(theirs, userMessage([text("hi")], { contextId: randomUUID() }))).rejects.toThrow(/not found/);
    // the owner's thread is as it was
    expect((await alice.sdk.threads.getState<{ messages: unknown[] }>(owners.contextId)).values.messages).toHaveLength(2);
    // a task is reached only at its own assistant's endpoint
    await expect((await agent("trivial", alice.key)).getTask({ id: owners.id })).rejects.toBeInstanceOf(TaskNotFoundError);
  });

  it("without an API key the card and the endpoint answer 401; an unknown assistant is a 404", async () => {
    await expect(agent("agent", undefined)).rejects.toThrow(/401/);
    const [assistant] = await alice.sdk.assistants.search({ graphId: "agent", metadata: { created_by: "system" } });
    const rpc = await fetch(`${api}/a2a/${assistant!.assistant_id}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tasks/get", params: { id: randomUUID() } }),
    });
    expect(rpc.status).toBe(401);
    await expect(agent(randomUUID(), alice.key)).rejects.toThrow(/404/);
  });
});
