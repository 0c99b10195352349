/**
 * Assistants, threads (with state and history) and the store of the LangGraph
 * REST shim, driven through the official `@langchain/langgraph-sdk` Client against
 * the real server (apps/web/server.ts), plus raw HTTP for validation (422), unknown
 * ids (404), conflicts (409) and authentication (401).
 */
import { randomUUID } from "node:crypto";
import { Client, type Assistant, type Thread, type ThreadState } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { expectStatus, failure } from "./support/sdk-failure.ts";

let server: TestServer;
let api: string;
/** owns the threads under test */
let alice: Client;
let aliceKey: string;
/** another normal user */
let bob: Client;
let bobKey: string;
let admin: Client;

function sdk(apiKey: string): Client {
  // no retries: a failure shows at once, with its status
  return new Client({ apiUrl: api, apiKey, callerOptions: { maxRetries: 0 } });
}

beforeAll(async () => {
  server = await startTestServer();
  api = `${server.url}/api/langgraph`;
  const [a, b] = await Promise.all([server.user(), server.user()]);
  aliceKey = a.key;
  bobKey = b.key;
  alice = sdk(aliceKey);
  bob = sdk(bobKey);
  admin = sdk(ADMIN_KEY);
}, 120_000);
afterAll(() => server?.stop());

/** Raw HTTP to the shim, as alice unless headers say otherwise. */
async function http(method: string, path: string, init: { body?: string | object; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { "x-api-key": aliceKey, ...init.headers };
  let payload: string | undefined;
  if (init.body !== undefined) {
    payload = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(`${api}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return {
    status: res.status,
    json: json as Record<string, unknown> & { detail?: string; errors?: { field: string; message: string }[] },
    res,
  };
}

/** A 422 whose `detail` and `errors` name `field`. */
async function expectInvalid(method: string, path: string, body: string | object | undefined, field: string) {
  const r = await http(method, path, { body });
  expect(r.status, JSON.stringify(r.json)).toBe(422);
  expect(r.json.detail).toContain(field);
  expect(r.json.errors?.map((e) => e.field)).toContain(field);
  return r;
}

const chat = (text: string) => ({
  input: { messages: [{ role: "user", content: text }] },
  config: { configurable: { token_delay_ms: 1 } },
});

type Message = { type: string; content: string };
type ChatValues = { messages: Message[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A thread of `client` on which the chat agent has answered once. */
async function chattedThread(client: Client, metadata: Record<string, unknown> = {}): Promise<Thread> {
  const thread = await client.threads.create({ metadata });
  await client.runs.wait(thread.thread_id, "agent", chat("hi"));
  return client.threads.get(thread.thread_id);
}

// ---------------------------------------------------------------------------

describe("authentication", () => {
  it("answers 401 without a key, with a wrong key in x-api-key or in Authorization: Bearer", async () => {
    const noKey = await fetch(`${api}/threads/search`, { method: "POST", body: "{}" });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { detail: string }).detail).toMatch(/credentials/);
    expect((await http("POST", "/threads/search", { body: {}, headers: { "x-api-key": "wrong-key" } })).status).toBe(401);
    const bearerWrong = await fetch(`${api}/assistants/search`, {
      method: "POST",
      body: "{}",
      headers: { Authorization: "Bearer wrong-key" },
    });
    expect(bearerWrong.status).toBe(401);
    const storeNoKey = await fetch(`${api}/store/items?namespace=a&key=b`);
    expect(storeNoKey.status).toBe(401);
  });

  it("accepts a valid key as Authorization: Bearer too", async () => {
    const res = await fetch(`${api}/assistants/search`, { method: "POST", body: "{}", headers: { Authorization: `Bearer ${aliceKey}` } });
    expect(res.status).toBe(200);
    expect(Array.isArray(await res.json())).toBe(true);
  });

  it("refuses the SDK with a wrong key or none", async () => {
    await expectStatus(sdk("not-a-key").assistants.search(), 401);
    await expectStatus(sdk("not-a-key").threads.create(), 401);
    await expectStatus(sdk("not-a-key").store.searchItems(["x"]), 401);
    const anonymous = new Client({ apiUrl: api, apiKey: null, callerOptions: { maxRetries: 0 } });
    await expectStatus(anonymous.threads.search(), 401);
  });
});

// ---------------------------------------------------------------------------

describe("assistants", () => {
  it("has the bundled graphs' default assistants, reachable by graph id", async () => {
    const defaults = await alice.assistants.search({ metadata: { created_by: "system" }, limit: 100 });
    expect(defaults.map((a) => a.graph_id).sort()).toEqual(["agent", "failing", "human", "slow", "subgraph", "trivial"]);
    const agent = await alice.assistants.get("agent");
    expect(agent).toMatchObject({ graph_id: "agent", name: "agent", metadata: { created_by: "system" }, version: 1 });
    expect(agent.assistant_id).toMatch(UUID);
    expect(await alice.assistants.get(agent.assistant_id)).toEqual(agent);
  });

  it("creates an assistant with config, context, metadata, name and description, then gets it", async () => {
    const made = await alice.assistants.create({
      graphId: "agent",
      name: "Helper",
      description: "answers questions",
      config: { configurable: { token_delay_ms: 1 }, tags: ["t1"] },
      context: { token_delay_ms: 1 },
      metadata: { team: "docs" },
    });
    expect(made.assistant_id).toMatch(UUID);
    expect(made).toMatchObject({
      graph_id: "agent",
      name: "Helper",
      description: "answers questions",
      config: { configurable: { token_delay_ms: 1 }, tags: ["t1"] },
      context: { token_delay_ms: 1 },
      metadata: { team: "docs" },
      version: 1,
    });
    expect(new Date(made.created_at).toISOString()).toBe(made.created_at);
    expect(await bob.assistants.get(made.assistant_id)).toEqual(made);

    // it runs
    const thread = await alice.threads.create();
    const values = (await alice.runs.wait(thread.thread_id, made.assistant_id, {
      input: { messages: [{ role: "user", content: "hi" }] },
    })) as ChatValues;
    expect(values.messages.at(-1)!.type).toBe("ai");
  });

  it("names an assistant after its graph when no name is given", async () => {
    const made = await alice.assistants.create({ graphId: "trivial" });
    expect(made.name).toBe("trivial");
    expect(made.config).toEqual({});
    expect(made.metadata).toEqual({});
  });

  it("creates with a chosen id: 409 on a second create, the existing one with ifExists do_nothing", async () => {
    const assistantId = randomUUID();
    const first = await alice.assistants.create({ graphId: "agent", assistantId, name: "first" });
    expect(first.assistant_id).toBe(assistantId);
    expect(await expectStatus(alice.assistants.create({ graphId: "agent", assistantId, name: "second" }), 409)).toContain("already exists");
    await expectStatus(bob.assistants.create({ graphId: "agent", assistantId, ifExists: "raise" }), 409);
    const again = await bob.assistants.create({ graphId: "trivial", assistantId, name: "second", ifExists: "do_nothing" });
    expect(again).toEqual(first);
  });

  it("refuses a graph that is not loaded (422 naming graph_id)", async () => {
    const text = await expectStatus(alice.assistants.create({ graphId: "no-such-graph" }), 422);
    expect(text).toContain("body.graph_id");
    expect(text).toContain("no-such-graph");
  });

  it("searches by graph id, metadata and name, pages with limit and offset, sorts, selects fields", async () => {
    const tag = randomUUID();
    const names = ["Charlie", "alpha", "Bravo"];
    const made: Assistant[] = [];
    for (const name of names) made.push(await alice.assistants.create({ graphId: "trivial", name: `${name}-${tag}`, metadata: { tag } }));
    await alice.assistants.create({ graphId: "agent", name: `other-${tag}`, metadata: { tag } });

    const byGraph = await alice.assistants.search({ graphId: "trivial", metadata: { tag } });
    expect(byGraph.map((a) => a.assistant_id).sort()).toEqual(made.map((a) => a.assistant_id).sort());
    // newest first by default
    expect(byGraph.map((a) => a.assistant_id)).toEqual([...made].reverse().map((a) => a.assistant_id));

    const byName = await alice.assistants.search({ name: `BRAVO-${tag}` });
    expect(byName.map((a) => a.name)).toEqual([`Bravo-${tag}`]);

    const sorted = await alice.assistants.search({ metadata: { tag }, sortBy: "name", sortOrder: "asc" });
    expect(sorted.map((a) => a.name)).toEqual([`Bravo-${tag}`, `Charlie-${tag}`, `alpha-${tag}`, `other-${tag}`]);
    const page = await alice.assistants.search({
      metadata: { tag },
      sortBy: "name",
      sortOrder: "asc",
      limit: 2,
      offset: 1,
      includePagination: true,
    });
    expect(page.assistants.map((a) => a.name)).toEqual([`Charlie-${tag}`, `alpha-${tag}`]);
    expect(page.next).toBe("3");
    const last = await alice.assistants.search({
      metadata: { tag },
      sortBy: "name",
      sortOrder: "asc",
      limit: 2,
      offset: 2,
      includePagination: true,
    });
    expect(last.next).toBeNull();

    const selected = await alice.assistants.search({ metadata: { tag }, select: ["assistant_id", "name"], limit: 1 });
    expect(Object.keys(selected[0]!).sort()).toEqual(["assistant_id", "name"]);

    expect(await alice.assistants.count({ metadata: { tag } })).toBe(4);
    expect(await alice.assistants.count({ metadata: { tag }, graphId: "trivial" })).toBe(3);
    expect(await alice.assistants.count({ name: `alpha-${tag}` })).toBe(1);
    expect(await alice.assistants.count({ metadata: { tag: randomUUID() } })).toBe(0);
  });

  it("updates as a new version, merging metadata; lists the versions", async () => {
    const made = await alice.assistants.create({ graphId: "agent", name: "v1", metadata: { a: 1, b: "old" }, config: { tags: ["x"] } });
    const updated = await alice.assistants.update(made.assistant_id, { name: "v2", metadata: { b: "new" }, config: { tags: ["y"] } });
    expect(updated).toMatchObject({
      assistant_id: made.assistant_id,
      name: "v2",
      version: 2,
      metadata: { a: 1, b: "new" },
      config: { tags: ["y"] },
    });
    expect(await alice.assistants.get(made.assistant_id)).toEqual(updated);
    const moved = await alice.assistants.update(made.assistant_id, { graphId: "trivial" });
    expect(moved).toMatchObject({ graph_id: "trivial", version: 3, name: "v2" });
    const versions = await alice.assistants.getVersions(made.assistant_id);
    expect(versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(versions[2]).toMatchObject({ name: "v1", graph_id: "agent" });
    await expectStatus(alice.assistants.update(made.assistant_id, { graphId: "nope" }), 422);
  });

  it("deletes an assistant: 204, then 404", async () => {
    const made = await alice.assistants.create({ graphId: "trivial" });
    await alice.assistants.delete(made.assistant_id);
    await expectStatus(alice.assistants.get(made.assistant_id), 404);
    await expectStatus(alice.assistants.delete(made.assistant_id), 404);
    await expectStatus(alice.assistants.update(made.assistant_id, { name: "x" }), 404);
  });

  it("deletes the caller's threads of the assistant with deleteThreads", async () => {
    const made = await alice.assistants.create({ graphId: "trivial" });
    const thread = await alice.threads.create();
    await alice.runs.wait(thread.thread_id, made.assistant_id, { input: {} });
    expect((await alice.threads.get(thread.thread_id)).metadata).toMatchObject({ assistant_id: made.assistant_id });
    await alice.assistants.delete(made.assistant_id, { deleteThreads: true });
    await expectStatus(alice.threads.get(thread.thread_id), 404);
  });

  it("refuses to change or delete a default assistant (409)", async () => {
    const agent = await alice.assistants.get("agent");
    expect(await expectStatus(alice.assistants.update(agent.assistant_id, { name: "mine" }), 409)).toContain("default assistant");
    await expectStatus(admin.assistants.delete(agent.assistant_id), 409);
    await expectStatus(admin.assistants.delete("agent"), 409);
    expect(await alice.assistants.get("agent")).toEqual(agent);
    // nobody may mark their own assistant as a system one
    await expectStatus(alice.assistants.create({ graphId: "agent", metadata: { created_by: "system" } }), 422);
  });

  it("answers 404 for an unknown assistant id or graph id", async () => {
    await expectStatus(alice.assistants.get(randomUUID()), 404);
    await expectStatus(alice.assistants.get("no-such-graph"), 404);
    await expectStatus(alice.assistants.getGraph(randomUUID()), 404);
    await expectStatus(alice.assistants.getSchemas(randomUUID()), 404);
    await expectStatus(alice.assistants.getSubgraphs(randomUUID()), 404);
  });

  it("draws the graph, with xray showing a subgraph's own nodes", async () => {
    const graph = await alice.assistants.getGraph("agent");
    expect(graph.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(["__start__", "agent", "__end__"]));
    expect(graph.edges).toEqual(expect.arrayContaining([expect.objectContaining({ source: "__start__", target: "agent" })]));

    const flat = await alice.assistants.getGraph("subgraph");
    const deep = await alice.assistants.getGraph("subgraph", { xray: true });
    const deep1 = await alice.assistants.getGraph("subgraph", { xray: 1 });
    expect(flat.nodes.map((n) => n.id)).toContain("research");
    expect(deep.nodes.length).toBeGreaterThan(flat.nodes.length);
    expect(deep.nodes.map((n) => String(n.id)).some((id) => id.includes("gather"))).toBe(true);
    expect(deep1.nodes.length).toBe(deep.nodes.length);
    expect((await http("GET", `/assistants/agent/graph?xray=maybe`)).status).toBe(422);
  });

  it("gives the graph's schemas under LangGraph's names", async () => {
    const schemas = await alice.assistants.getSchemas("agent");
    expect(schemas.graph_id).toBe("agent");
    for (const key of ["input_schema", "output_schema", "state_schema", "config_schema", "context_schema"])
      expect(schemas).toHaveProperty(key);
  });

  it("lists subgraphs by namespace: the subgraph graph's `research`, none for the agent", async () => {
    const subgraphs = await alice.assistants.getSubgraphs("subgraph");
    expect(Object.keys(subgraphs)).toEqual(["research"]);
    expect(subgraphs.research).toMatchObject({ graph_id: "subgraph" });
    // the child's own state, read from its channels
    expect(subgraphs.research?.state_schema).toMatchObject({
      type: "object",
      properties: { topic: {}, notes: { type: "array" }, lookups: { type: "number" } },
    });
    expect(await alice.assistants.getSubgraphs("subgraph", { namespace: "research", recurse: true })).toHaveProperty("research");
    expect(await alice.assistants.getSubgraphs("agent")).toEqual({});
  });
});

// ---------------------------------------------------------------------------

describe("threads", () => {
  it("creates a thread (a new id, idle, the metadata given) and gets it", async () => {
    const thread = await alice.threads.create({ metadata: { purpose: "create" } });
    expect(thread.thread_id).toMatch(UUID);
    expect(thread).toMatchObject({ status: "idle", metadata: { purpose: "create" }, values: null, interrupts: {} });
    expect(new Date(thread.created_at).toISOString()).toBe(thread.created_at);
    expect(await alice.threads.get(thread.thread_id)).toEqual(thread);
  });

  it("records graphId as metadata.graph_id, as the SDK sends it", async () => {
    const thread = await alice.threads.create({ graphId: "trivial" });
    expect(thread.metadata).toEqual({ graph_id: "trivial" });
  });

  it("creates with a chosen id: 409 again, the existing thread with ifExists do_nothing, 409 for another user", async () => {
    const threadId = randomUUID();
    const first = await alice.threads.create({ threadId, metadata: { version: 1 } });
    expect(first.thread_id).toBe(threadId);
    await expectStatus(alice.threads.create({ threadId }), 409);
    await expectStatus(alice.threads.create({ threadId, ifExists: "raise" }), 409);
    expect(await alice.threads.create({ threadId, ifExists: "do_nothing", metadata: { version: 2 } })).toEqual(first);
    // another owner's id: a conflict, never the thread
    await expectStatus(bob.threads.create({ threadId, ifExists: "do_nothing" }), 409);
    await expectStatus(bob.threads.get(threadId), 404);
  });

  it("refuses supersteps (422 naming the field)", async () => {
    const text = await expectStatus(
      alice.threads.create({ graphId: "trivial", supersteps: [{ updates: [{ values: { count: 1 }, asNode: "increment" }] }] }),
      422,
    );
    expect(text).toContain("body.supersteps");
  });

  it("searches by metadata, status, values and ids; sorts; pages; selects; counts", async () => {
    const tag = randomUUID();
    const plain = await alice.threads.create({ metadata: { tag, kind: "plain" } });
    const counted = await alice.threads.create({ metadata: { tag, kind: "counted" } });
    const waiting = await alice.threads.create({ metadata: { tag, kind: "waiting" } });
    await alice.runs.wait(counted.thread_id, "trivial", { input: {} });
    await alice.runs.wait(waiting.thread_id, "human", { input: { request: "search" } });
    const all = [plain, counted, waiting].map((t) => t.thread_id);

    const found = await alice.threads.search({ metadata: { tag } });
    expect(found.map((t) => t.thread_id)).toEqual([...all].reverse());
    expect((await alice.threads.search({ metadata: { tag, kind: "plain" } })).map((t) => t.thread_id)).toEqual([plain.thread_id]);
    expect((await alice.threads.search({ metadata: { tag }, status: "interrupted" })).map((t) => t.thread_id)).toEqual([waiting.thread_id]);
    expect((await alice.threads.search({ metadata: { tag }, status: "idle" })).map((t) => t.thread_id).sort()).toEqual(
      [plain.thread_id, counted.thread_id].sort(),
    );
    expect((await alice.threads.search({ metadata: { tag }, values: { count: 1 } })).map((t) => t.thread_id)).toEqual([counted.thread_id]);
    expect(await alice.threads.search({ metadata: { tag }, values: { count: 2 } })).toEqual([]);
    expect((await alice.threads.search({ values: { request: "search" }, metadata: { tag } })).map((t) => t.thread_id)).toEqual([
      waiting.thread_id,
    ]);
    expect((await alice.threads.search({ ids: [plain.thread_id, waiting.thread_id, randomUUID()] })).map((t) => t.thread_id)).toEqual([
      waiting.thread_id,
      plain.thread_id,
    ]);

    const byId = await alice.threads.search({ metadata: { tag }, sortBy: "thread_id", sortOrder: "asc" });
    expect(byId.map((t) => t.thread_id)).toEqual([...all].sort());
    const oldest = await alice.threads.search({ metadata: { tag }, sortBy: "created_at", sortOrder: "asc", limit: 2 });
    expect(oldest.map((t) => t.thread_id)).toEqual(all.slice(0, 2));
    const second = await alice.threads.search({ metadata: { tag }, limit: 1, offset: 1 });
    expect(second.map((t) => t.thread_id)).toEqual([counted.thread_id]);
    const byUpdate = await alice.threads.search({ metadata: { tag }, sortBy: "updated_at", sortOrder: "desc" });
    expect(byUpdate[0]!.thread_id).toBe(waiting.thread_id);
    const byStatus = await alice.threads.search({ metadata: { tag }, sortBy: "status", sortOrder: "asc" });
    expect(byStatus.map((t) => t.status)).toEqual(["idle", "idle", "interrupted"]);

    const selected = await alice.threads.search({ metadata: { tag }, select: ["thread_id", "status"], limit: 1 });
    expect(Object.keys(selected[0]!).sort()).toEqual(["status", "thread_id"]);

    expect(await alice.threads.count({ metadata: { tag } })).toBe(3);
    expect(await alice.threads.count({ metadata: { tag }, status: "interrupted" })).toBe(1);
    expect(await alice.threads.count({ metadata: { tag }, values: { count: 1 } })).toBe(1);
    // another user's threads are not theirs to find or count; the admin sees them
    expect(await bob.threads.search({ metadata: { tag } })).toEqual([]);
    expect(await bob.threads.search({ ids: all })).toEqual([]);
    expect(await bob.threads.count({ metadata: { tag } })).toBe(0);
    expect(await admin.threads.count({ metadata: { tag } })).toBe(3);
  });

  it("updates by merging metadata", async () => {
    const thread = await alice.threads.create({ metadata: { a: 1, b: "old" } });
    const updated = await alice.threads.update(thread.thread_id, { metadata: { b: "new", c: [1, 2] } });
    expect(updated.metadata).toEqual({ a: 1, b: "new", c: [1, 2] });
    expect((await alice.threads.get(thread.thread_id)).metadata).toEqual({ a: 1, b: "new", c: [1, 2] });
    expect(await alice.threads.update(thread.thread_id, { metadata: { d: true }, returnMinimal: true })).toBeUndefined();
    expect((await alice.threads.get(thread.thread_id)).metadata).toMatchObject({ d: true });
  });

  it("deletes a thread (204), cancelling its run in flight", async () => {
    const thread = await alice.threads.create();
    const run = await alice.runs.create(thread.thread_id, "slow", { input: {}, config: { configurable: { step_delay_ms: 2_000 } } });
    expect(["pending", "running"]).toContain(run.status);
    await alice.threads.delete(thread.thread_id);
    await expectStatus(alice.threads.get(thread.thread_id), 404);
    await expectStatus(alice.runs.get(thread.thread_id, run.run_id), 404);
    await expectStatus(alice.threads.delete(thread.thread_id), 404);
    const raw = await http("DELETE", `/threads/${(await alice.threads.create()).thread_id}`);
    expect(raw.status).toBe(204);
  });

  it("copies a thread: a new id, the same values and metadata, its own history", async () => {
    const source = await chattedThread(alice, { purpose: "copy" });
    const copy = await alice.threads.copy(source.thread_id);
    expect(copy.thread_id).not.toBe(source.thread_id);
    expect(copy.metadata).toEqual(source.metadata);
    expect(copy.values).toEqual(source.values);
    const [sourceState, copyState] = await Promise.all([alice.threads.getState(source.thread_id), alice.threads.getState(copy.thread_id)]);
    expect(copyState.values).toEqual(sourceState.values);
    expect(copyState.checkpoint.thread_id).toBe(copy.thread_id);
    // continuing the copy leaves the source alone
    await alice.runs.wait(copy.thread_id, "agent", chat("again"));
    expect((await alice.threads.getState<ChatValues>(copy.thread_id)).values.messages.length).toBe(4);
    expect((await alice.threads.getState<ChatValues>(source.thread_id)).values.messages.length).toBe(2);
    await expectStatus(bob.threads.copy(source.thread_id), 404);
  });

  it("gives a new thread's state as empty", async () => {
    const thread = await alice.threads.create();
    const state = await alice.threads.getState(thread.thread_id);
    expect(state).toMatchObject({ values: {}, next: [], tasks: [], checkpoint: null });
    expect(await alice.threads.getHistory(thread.thread_id)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------

describe("thread state and history after real runs", () => {
  it("gives the state after a chat run, and the same at its checkpoint by id or object", async () => {
    const thread = await chattedThread(alice);
    expect(thread.status).toBe("idle");
    const state = await alice.threads.getState<ChatValues>(thread.thread_id);
    expect(state.values.messages.map((m) => m.type)).toEqual(["human", "ai"]);
    expect(state.values.messages[0]!.content).toBe("hi");
    expect(state.next).toEqual([]);
    expect(state.checkpoint).toMatchObject({ thread_id: thread.thread_id, checkpoint_ns: "" });
    expect(state.checkpoint.checkpoint_id).toEqual(expect.any(String));
    expect(state.parent_checkpoint?.checkpoint_id).toEqual(expect.any(String));
    expect(thread.values).toEqual(state.values);

    const byId = await alice.threads.getState(thread.thread_id, state.checkpoint.checkpoint_id!);
    expect(byId).toEqual(state);
    const byObject = await alice.threads.getState(thread.thread_id, state.checkpoint);
    expect(byObject).toEqual(state);
    const parent = await alice.threads.getState<ChatValues>(thread.thread_id, state.parent_checkpoint!.checkpoint_id!);
    expect(parent.values.messages.map((m) => m.type)).toEqual(["human"]);
    expect(parent.next).toEqual(["agent"]);

    // select: only the fields asked for
    const selected = await alice.threads.getState(thread.thread_id, undefined, { select: ["values.messages", "next"] });
    expect(Object.keys(selected).sort()).toEqual(["next", "values"]);
    expect(Object.keys(selected.values as object)).toEqual(["messages"]);

    await expectStatus(alice.threads.getState(thread.thread_id, "no-such-checkpoint"), 404);
    await expectStatus(alice.threads.getState(thread.thread_id, { ...state.checkpoint, checkpoint_id: "nope" }), 404);
    await expectStatus(alice.threads.getState(thread.thread_id, { ...state.checkpoint, checkpoint_ns: "research:1" }), 422);

    // values the graph's reducers refuse are the client's error, not the server's
    const refused = await expectStatus(alice.threads.updateState(thread.thread_id, { values: { messages: [{ bogus: 1 }] } }), 422);
    expect(refused).toContain("body.values");
    await expectStatus(alice.threads.updateState(thread.thread_id, { values: 5 }), 422);
    expect((await alice.threads.getState(thread.thread_id)).checkpoint).toEqual(state.checkpoint);
  });

  it("shows an interrupt as the next task and on the thread; subgraph states on request", async () => {
    const thread = await alice.threads.create();
    await alice.runs.wait(thread.thread_id, "human", { input: { request: "deploy" } });
    const state = await alice.threads.getState(thread.thread_id);
    expect(state.next).toEqual(["review"]);
    expect(state.tasks).toHaveLength(1);
    expect(state.tasks[0]!.interrupts[0]!.value).toMatchObject({ question: 'Approve "deploy"?' });
    const fetched = await alice.threads.get(thread.thread_id);
    expect(fetched.status).toBe("interrupted");
    expect(Object.values(fetched.interrupts).flat()[0]!.value).toMatchObject({ options: ["yes", "no"] });

    const parent = await alice.threads.create();
    await alice.runs.wait(parent.thread_id, "subgraph", { input: { topic: "bees" } });
    const withSubgraphs = await alice.threads.getState<{ report: string }>(parent.thread_id, undefined, { subgraphs: true });
    expect(withSubgraphs.values.report).toContain("Report on bees");
    expect((await http("GET", `/threads/${parent.thread_id}/state?subgraphs=true`)).status).toBe(200);
    expect((await http("GET", `/threads/${parent.thread_id}/state?subgraphs=perhaps`)).status).toBe(422);
  });

  it("updates the state as a node (a new checkpoint), also from an older checkpoint", async () => {
    const thread = await alice.threads.create();
    await alice.runs.wait(thread.thread_id, "trivial", { input: {} });
    const before = await alice.threads.getState<{ count: number }>(thread.thread_id);
    expect(before.values.count).toBe(1);

    const updated = (await alice.threads.updateState(thread.thread_id, { values: { count: 5 }, asNode: "increment" })) as unknown as {
      checkpoint: { thread_id: string; checkpoint_id: string; checkpoint_ns: string };
    };
    expect(updated.checkpoint).toMatchObject({ thread_id: thread.thread_id, checkpoint_ns: "" });
    expect(updated.checkpoint.checkpoint_id).not.toBe(before.checkpoint.checkpoint_id);
    const after = await alice.threads.getState<{ count: number }>(thread.thread_id);
    expect(after.values.count).toBe(6);
    expect(after.checkpoint.checkpoint_id).toBe(updated.checkpoint.checkpoint_id);
    expect((await alice.threads.get(thread.thread_id)).values).toEqual({ count: 6 });

    // a fork from the first checkpoint: 1 + 10
    await alice.threads.updateState(thread.thread_id, {
      values: { count: 10 },
      asNode: "increment",
      checkpointId: before.checkpoint.checkpoint_id!,
    });
    expect((await alice.threads.getState<{ count: number }>(thread.thread_id)).values.count).toBe(11);
    await alice.threads.updateState(thread.thread_id, { values: { count: 100 }, asNode: "increment", checkpoint: before.checkpoint });
    expect((await alice.threads.getState<{ count: number }>(thread.thread_id)).values.count).toBe(101);

    await expectStatus(alice.threads.updateState(thread.thread_id, { values: { count: 1 }, asNode: "no-such-node" }), 422);
    await expectStatus(alice.threads.updateState(thread.thread_id, { values: { count: 1 }, checkpointId: "nope" }), 404);
    // a thread no run has started has no graph to write through
    await expectStatus(alice.threads.updateState((await alice.threads.create()).thread_id, { values: { count: 1 } }), 422);
  });

  it("resumes an interrupt after updating state with the answer's node", async () => {
    const thread = await alice.threads.create();
    await alice.runs.wait(thread.thread_id, "human", { input: { request: "ship" } });
    await alice.threads.updateState(thread.thread_id, { values: { answer: "yes", approved: true }, asNode: "review" });
    const state = await alice.threads.getState(thread.thread_id);
    expect(state.next).toEqual(["finish"]);
  });

  it("lists history newest first, with limit, before, metadata and checkpoint filters, by POST and GET", async () => {
    const thread = await chattedThread(alice);
    await alice.runs.wait(thread.thread_id, "agent", chat("more"));
    const history = await alice.threads.getHistory<ChatValues>(thread.thread_id, { limit: 100 });
    expect(history.length).toBeGreaterThanOrEqual(6);
    const times = history.map((s) => Date.parse(s.created_at!));
    for (let i = 1; i < times.length; i++) expect(times[i - 1]!).toBeGreaterThanOrEqual(times[i]!);
    expect(history[0]!.values.messages).toHaveLength(4);
    expect(history[0]).toEqual(await alice.threads.getState(thread.thread_id));
    for (let i = 1; i < history.length; i++)
      expect(history[i - 1]!.parent_checkpoint?.checkpoint_id).toBe(history[i]!.checkpoint.checkpoint_id);

    const two = await alice.threads.getHistory(thread.thread_id, { limit: 2 });
    expect(two.map((s) => s.checkpoint.checkpoint_id)).toEqual(history.slice(0, 2).map((s) => s.checkpoint.checkpoint_id));
    expect(await alice.threads.getHistory(thread.thread_id)).toHaveLength(Math.min(10, history.length));

    const ids = (states: ThreadState[]) => states.map((s) => s.checkpoint.checkpoint_id);
    const beforeFirst = await alice.threads.getHistory(thread.thread_id, {
      limit: 2,
      before: { configurable: { checkpoint_id: history[0]!.checkpoint.checkpoint_id } },
    });
    expect(ids(beforeFirst)).toEqual(ids(history.slice(1, 3)));
    // `before` as a checkpoint object or a bare id, as raw clients send it
    const byObject = await http("POST", `/threads/${thread.thread_id}/history`, { body: { limit: 2, before: history[0]!.checkpoint } });
    expect(ids(byObject.json as unknown as ThreadState[])).toEqual(ids(history.slice(1, 3)));
    const byString = await http("POST", `/threads/${thread.thread_id}/history`, {
      body: { limit: 2, before: history[0]!.checkpoint.checkpoint_id },
    });
    expect(ids(byString.json as unknown as ThreadState[])).toEqual(ids(history.slice(1, 3)));

    const inputs = await alice.threads.getHistory(thread.thread_id, { limit: 100, metadata: { source: "input" } });
    expect(inputs.length).toBe(2);
    expect(inputs.every((s) => s.metadata?.source === "input")).toBe(true);

    const one = await alice.threads.getHistory(thread.thread_id, { checkpoint: { checkpoint_id: history[2]!.checkpoint.checkpoint_id } });
    expect(ids(one)).toEqual([history[2]!.checkpoint.checkpoint_id]);

    const selected = await alice.threads.getHistory(thread.thread_id, { limit: 1, select: ["checkpoint"] });
    expect(Object.keys(selected[0]!)).toEqual(["checkpoint"]);

    const viaGet = await http("GET", `/threads/${thread.thread_id}/history?limit=3&before=${history[0]!.checkpoint.checkpoint_id}`);
    expect(viaGet.status).toBe(200);
    expect(ids(viaGet.json as unknown as ThreadState[])).toEqual(ids(history.slice(1, 4)));
    expect((await http("GET", `/threads/${thread.thread_id}/history?limit=0`)).status).toBe(422);
    expect((await http("GET", `/threads/${thread.thread_id}/history?limit=two`)).status).toBe(422);
    await expectStatus(alice.threads.getHistory(thread.thread_id, { limit: 0 }), 422);
  });
});

// ---------------------------------------------------------------------------

describe("another user's thread is a 404, exactly like a missing one", () => {
  it("for every thread endpoint", async () => {
    const thread = await chattedThread(alice, { owner: "alice" });
    const missing = randomUUID();
    for (const id of [thread.thread_id, missing]) {
      const expectations: [string, () => Promise<unknown>][] = [
        ["get", () => bob.threads.get(id)],
        ["update", () => bob.threads.update(id, { metadata: { x: 1 } })],
        ["delete", () => bob.threads.delete(id)],
        ["copy", () => bob.threads.copy(id)],
        ["state", () => bob.threads.getState(id)],
        ["state at checkpoint", () => bob.threads.getState(id, "some-checkpoint")],
        [
          "state at checkpoint object",
          () => bob.threads.getState(id, { thread_id: id, checkpoint_ns: "", checkpoint_id: "x", checkpoint_map: null }),
        ],
        ["update state", () => bob.threads.updateState(id, { values: { messages: [] } })],
        ["history", () => bob.threads.getHistory(id)],
      ];
      const texts: string[] = [];
      for (const [what, call] of expectations) {
        const f = await failure(call());
        expect(f.status, `${what}: ${f.text}`).toBe(404);
        texts.push(f.text.replace(id, "<id>"));
      }
      // the same words either way
      expect(texts.every((t) => /not found/.test(t))).toBe(true);
    }
    const mine = (await http("GET", `/threads/${thread.thread_id}`, { headers: { "x-api-key": bobKey } })).json;
    const none = (await http("GET", `/threads/${missing}`, { headers: { "x-api-key": bobKey } })).json;
    expect(mine.detail!.replace(thread.thread_id, "<id>")).toBe(none.detail!.replace(missing, "<id>"));
    // still there for its owner and the admin
    expect((await alice.threads.get(thread.thread_id)).metadata).toEqual(expect.objectContaining({ owner: "alice" }));
    expect((await admin.threads.get(thread.thread_id)).thread_id).toBe(thread.thread_id);
    expect((await admin.threads.getState(thread.thread_id)).values).toEqual(thread.values);
  });
});

// ---------------------------------------------------------------------------

describe("store", () => {
  it("puts, gets, searches, lists namespaces and deletes items", async () => {
    const root = `s${randomUUID().slice(0, 8)}`;
    await alice.store.putItem([root, "prefs"], "theme", { color: "blue", size: 3 });
    await alice.store.putItem([root, "prefs"], "font", { family: "serif", size: 12 });
    await alice.store.putItem([root, "notes", "work"], "n1", { text: "hello", size: 7 });

    const item = await alice.store.getItem([root, "prefs"], "theme");
    expect(item).toMatchObject({ namespace: [root, "prefs"], key: "theme", value: { color: "blue", size: 3 } });
    expect(new Date(item!.createdAt).toISOString()).toBe(item!.createdAt);
    expect(new Date(item!.updatedAt).toISOString()).toBe(item!.updatedAt);

    // a put replaces the value and moves updatedAt on
    await new Promise((r) => setTimeout(r, 5));
    await alice.store.putItem([root, "prefs"], "theme", { color: "green", size: 3 });
    const replaced = await alice.store.getItem([root, "prefs"], "theme");
    expect(replaced!.value).toEqual({ color: "green", size: 3 });
    expect(replaced!.createdAt).toBe(item!.createdAt);
    expect(Date.parse(replaced!.updatedAt)).toBeGreaterThan(Date.parse(item!.updatedAt));

    const everything = await alice.store.searchItems([root]);
    expect(everything.items.map((i) => i.key).sort()).toEqual(["font", "n1", "theme"]);
    expect(everything.items[0]!.key).toBe("theme"); // most recently updated first
    expect((await alice.store.searchItems([root, "prefs"])).items.map((i) => i.key).sort()).toEqual(["font", "theme"]);
    expect((await alice.store.searchItems([root], { filter: { size: { $gt: 5 } } })).items.map((i) => i.key).sort()).toEqual([
      "font",
      "n1",
    ]);
    expect((await alice.store.searchItems([root], { filter: { color: "green" } })).items.map((i) => i.key)).toEqual(["theme"]);
    expect((await alice.store.searchItems([root], { limit: 1, offset: 1 })).items).toHaveLength(1);
    const withQuery = await alice.store.searchItems([root], { query: "anything" });
    expect(withQuery.items).toHaveLength(3);
    expect(withQuery.items[0]!.createdAt).toEqual(expect.any(String));

    const namespaces = await alice.store.listNamespaces({ prefix: [root] });
    expect(namespaces.namespaces).toEqual([
      [root, "notes", "work"],
      [root, "prefs"],
    ]);
    expect((await alice.store.listNamespaces({ prefix: [root], maxDepth: 2 })).namespaces).toEqual([
      [root, "notes"],
      [root, "prefs"],
    ]);
    expect((await alice.store.listNamespaces({ prefix: [root], suffix: ["work"] })).namespaces).toEqual([[root, "notes", "work"]]);
    expect((await alice.store.listNamespaces({ prefix: [root, "*", "work"] })).namespaces).toEqual([[root, "notes", "work"]]);
    expect((await alice.store.listNamespaces({ prefix: [root], limit: 1, offset: 1 })).namespaces).toEqual([[root, "prefs"]]);

    await alice.store.deleteItem([root, "prefs"], "theme");
    await expectStatus(alice.store.getItem([root, "prefs"], "theme"), 404);
    // deleting what is not there is fine
    await alice.store.deleteItem([root, "prefs"], "theme");
    expect((await alice.store.searchItems([root, "prefs"])).items.map((i) => i.key)).toEqual(["font"]);
  });

  it("is one store for the whole server: another user reads and writes the same items", async () => {
    const root = `shared${randomUUID().slice(0, 8)}`;
    await alice.store.putItem([root], "k", { by: "alice" });
    expect((await bob.store.getItem([root], "k"))!.value).toEqual({ by: "alice" });
    await bob.store.putItem([root], "k", { by: "bob" });
    expect((await alice.store.getItem([root], "k"))!.value).toEqual({ by: "bob" });
  });

  it("encodes GET namespaces as the SDK does (labels joined with '.') and answers 404 for a missing item", async () => {
    const root = `raw${randomUUID().slice(0, 8)}`;
    await alice.store.putItem([root, "a"], "k", { v: 1 });
    const found = await http("GET", `/store/items?namespace=${root}.a&key=k`);
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({
      namespace: [root, "a"],
      key: "k",
      value: { v: 1 },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect((await http("GET", `/store/items?namespace=${root}&key=k`)).status).toBe(404);
    expect((await http("GET", `/store/items?namespace=${root}.a&key=other`)).status).toBe(404);
    expect((await http("GET", `/store/items?namespace=${root}.a`)).status).toBe(422);
  });

  it("refuses bad items with 422 naming the field", async () => {
    await expectInvalid("PUT", "/store/items", { namespace: ["a.b"], key: "k", value: {} }, "body.namespace.0");
    await expectInvalid("PUT", "/store/items", { namespace: [], key: "k", value: {} }, "body.namespace");
    await expectInvalid("PUT", "/store/items", { namespace: ["langgraph"], key: "k", value: {} }, "body.namespace");
    await expectInvalid("PUT", "/store/items", { namespace: ["a"], key: "k", value: "text" }, "body.value");
    await expectInvalid("PUT", "/store/items", { namespace: ["a"], key: "", value: {} }, "body.key");
    await expectInvalid("PUT", "/store/items", { namespace: ["a"], key: "k", value: {}, extra: 1 }, "body.extra");
    await expectInvalid(
      "POST",
      "/store/items/search",
      { namespace_prefix: ["a"], filter: { size: { $bogus: 1 } } },
      "body.filter.size.$bogus",
    );
    await expectInvalid("POST", "/store/items/search", { namespace_prefix: ["a"], limit: 0 }, "body.limit");
    await expectInvalid("POST", "/store/namespaces", { max_depth: "two" }, "body.max_depth");
    await expectInvalid("DELETE", "/store/items", { namespace: ["a"] }, "body.key");
    // the SDK itself refuses dotted labels before sending
    await expect(alice.store.putItem(["a.b"], "k", {})).rejects.toThrow(/periods/);
    // ttl and index are accepted (and not applied)
    await alice.store.putItem(["ttl-test"], "k", { v: 1 }, { ttl: 5, index: false });
    expect((await alice.store.getItem(["ttl-test"], "k"))!.value).toEqual({ v: 1 });
  });
});

// ---------------------------------------------------------------------------

describe("client errors are 4xx naming the field, never a 500", () => {
  it("malformed JSON is a 422 on body", async () => {
    for (const [method, path] of [
      ["POST", "/assistants"],
      ["POST", "/assistants/search"],
      ["POST", "/threads"],
      ["POST", "/threads/search"],
      ["PUT", "/store/items"],
      ["POST", "/store/items/search"],
    ] as const) {
      const r = await http(method, path, { body: "{not json" });
      expect(r.status, `${method} ${path}`).toBe(422);
      expect(r.json.detail).toMatch(/^body: malformed JSON/);
    }
  });

  it("a wrong type is a 422 naming the field", async () => {
    await expectInvalid("POST", "/threads/search", { limit: "ten" }, "body.limit");
    await expectInvalid("POST", "/threads/search", { status: "sleeping" }, "body.status");
    await expectInvalid("POST", "/threads/search", { sort_by: "name" }, "body.sort_by");
    await expectInvalid("POST", "/threads/search", { values: [1] }, "body.values");
    await expectInvalid("POST", "/threads/search", { ids: ["not-a-uuid"] }, "body.ids.0");
    await expectInvalid("POST", "/threads", { metadata: "text" }, "body.metadata");
    await expectInvalid("POST", "/threads", { thread_id: "abc" }, "body.thread_id");
    await expectInvalid("POST", "/threads", { if_exists: "replace" }, "body.if_exists");
    await expectInvalid("POST", "/assistants", { graph_id: 7 }, "body.graph_id");
    await expectInvalid("POST", "/assistants", {}, "body.graph_id");
    await expectInvalid("POST", "/assistants/search", { sort_order: "sideways" }, "body.sort_order");
    await expectInvalid("POST", "/assistants/count", { metadata: [] }, "body.metadata");
    const thread = await alice.threads.create();
    await expectInvalid("PATCH", `/threads/${thread.thread_id}`, { metadata: 3 }, "body.metadata");
    await expectInvalid("POST", `/threads/${thread.thread_id}/history`, { limit: -1 }, "body.limit");
    await expectInvalid("POST", `/threads/${thread.thread_id}/history`, { before: 42 }, "body.before");
    await expectInvalid("POST", `/threads/${thread.thread_id}/state`, { as_node: 5 }, "body.as_node");
    await expectInvalid("POST", `/threads/${thread.thread_id}/state/checkpoint`, {}, "body.checkpoint");
    await expectInvalid("GET", `/threads/${thread.thread_id}/state?select=bogus`, undefined, "query.select");
  });

  it("an unknown field is a 422 naming it", async () => {
    await expectInvalid("POST", "/assistants", { graph_id: "agent", bogus: 1 }, "body.bogus");
    await expectInvalid("POST", "/threads", { metadata: {}, colour: "red" }, "body.colour");
    await expectInvalid("POST", "/threads/search", { extract: { x: "values.x" } }, "body.extract");
    await expectInvalid("POST", "/threads/count", { limit: 3 }, "body.limit");
    await expectInvalid("POST", "/store/namespaces", { depth: 2 }, "body.depth");
    const thread = await alice.threads.create();
    await expectInvalid("POST", `/threads/${thread.thread_id}/state`, { values: {}, node: "x" }, "body.node");
    await expectInvalid("GET", `/threads/${thread.thread_id}/state?foo=1`, undefined, "query.foo");
  });

  it("a malformed thread id is a 422 on the path; an unknown one a 404", async () => {
    await expectInvalid("GET", "/threads/not-a-uuid", undefined, "path.thread_id");
    await expectInvalid("GET", "/threads/not-a-uuid/state", undefined, "path.thread_id");
    for (const [method, path] of [
      ["GET", `/threads/${randomUUID()}`],
      ["PATCH", `/threads/${randomUUID()}`],
      ["DELETE", `/threads/${randomUUID()}`],
      ["POST", `/threads/${randomUUID()}/copy`],
      ["GET", `/threads/${randomUUID()}/state`],
      ["GET", `/threads/${randomUUID()}/history`],
      ["GET", `/assistants/${randomUUID()}`],
      ["PATCH", `/assistants/${randomUUID()}`],
      ["DELETE", `/assistants/${randomUUID()}`],
      ["GET", `/assistants/${randomUUID()}/schemas`],
    ] as const) {
      const r = await http(method, path, method === "PATCH" ? { body: {} } : {});
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.json)}`).toBe(404);
      expect(r.json.detail).toMatch(/not found/);
    }
  });

  it("conflicts are 409", async () => {
    const threadId = randomUUID();
    expect((await http("POST", "/threads", { body: { thread_id: threadId } })).status).toBe(200);
    const again = await http("POST", "/threads", { body: { thread_id: threadId } });
    expect(again.status).toBe(409);
    expect(again.json.detail).toContain(threadId);
    const agent = await alice.assistants.get("agent");
    expect((await http("DELETE", `/assistants/${agent.assistant_id}`)).status).toBe(409);
    expect((await http("PATCH", `/assistants/agent`, { body: { name: "x" } })).status).toBe(409);
    // a state update while a run is in flight
    const busy = await alice.threads.create();
    const run = await alice.runs.create(busy.thread_id, "slow", { input: {}, config: { configurable: { step_delay_ms: 1_000 } } });
    await expectStatus(alice.threads.updateState(busy.thread_id, { values: { steps: ["x"] }, asNode: "plan" }), 409);
    await alice.runs.cancel(busy.thread_id, run.run_id, true);
  });
});

describe("the server", () => {
  it("logged no internal error for any of the requests above", () => {
    expect(server.output()).not.toMatch(/langgraph-api: (GET|POST|PUT|PATCH|DELETE) /);
    expect(server.output()).not.toMatch(/internal error/);
  });
});
