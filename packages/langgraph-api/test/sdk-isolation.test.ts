/**
 * Owner isolation through every route of the LangGraph door, on SQLite and
 * PostgreSQL, with the official SDK where it has the call and raw HTTP otherwise:
 * a second (non-admin) user aims each route at the first user's threads, runs,
 * checkpoints, state and history. Each answers 404 worded exactly as for an id
 * nobody has, or a search or count without the owner's rows; no answer carries
 * the owner's data, and afterwards the owner finds every resource as it was.
 * Assistants are shared for reading (README), and the store is one store for the
 * whole server (runtime/store): those cases pin what is shared. The routes come
 * from the Hono app itself, so a new one fails this file until it has a case.
 */
import { randomUUID } from "node:crypto";
import { Client } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { createLanggraphApp, LANGGRAPH_BASE_PATH } from "../src/app.ts";
import type { LanggraphServices } from "../src/env.ts";
import { failure } from "./support/sdk-failure.ts";

/** What the owner wrote: no answer to the other user may contain it. */
const SECRET = `alice-secret-${randomUUID()}`;

type Http = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<unknown>;

interface Fixture {
  server: TestServer;
  alice: Client;
  bob: Client;
  /** raw HTTP as each of them; rejects with a Failure like the SDK does */
  aliceHttp: Http;
  bobHttp: Http;
  /** Alice's thread with one finished agent run (checkpoints) */
  thread: string;
  run: string;
  checkpointId: string;
  /** Alice's thread with a run pending for a day: in flight, so cancels and deletes would touch it */
  busyThread: string;
  pendingRun: string;
  assistant: string;
  /** Bob's own thread with a finished run */
  bobThread: string;
  bobRun: string;
  /** Alice's paused cron on her thread */
  cron: string;
}

function httpAs(api: string, apiKey: string): Http {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { "x-api-key": apiKey, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw Object.assign(new Error(`${method} ${path}: ${res.status} ${text}`), { status: res.status, text });
    return text === "" ? null : res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text;
  };
}

function noSecret(answer: unknown): void {
  expect(typeof answer === "string" ? answer : JSON.stringify(answer ?? null), "the answer carries the owner's data").not.toContain(SECRET);
}

/**
 * The call fails for the owner's id exactly as for an id nobody has: same status,
 * same body with the id put aside, none of the owner's data.
 */
async function likeMissing(call: (id: string) => Promise<unknown>, ownersId: string): Promise<void> {
  const missingId = randomUUID();
  const theirs = await failure(call(ownersId));
  const nobodys = await failure(call(missingId));
  expect(theirs.status, theirs.text).toBe(404);
  expect(nobodys.status).toBe(404);
  expect(theirs.text.replaceAll(ownersId, "<id>")).toBe(nobodys.text.replaceAll(missingId, "<id>"));
  noSecret(theirs.text);
}

async function setUp(server: TestServer): Promise<Fixture> {
  const api = `${server.url}${LANGGRAPH_BASE_PATH}`;
  const [a, b] = await Promise.all([server.user(), server.user()]);
  // no retries: a failure shows at once, with its status
  const sdk = (apiKey: string) => new Client({ apiUrl: api, apiKey, callerOptions: { maxRetries: 0 } });
  const alice = sdk(a.key);
  const bob = sdk(b.key);
  const thread = (await alice.threads.create({ metadata: { secret: SECRET } })).thread_id;
  const run = await alice.runs.create(thread, "agent", {
    input: { messages: [{ role: "user", content: SECRET }] },
    metadata: { secret: SECRET },
    config: { configurable: { token_delay_ms: 1 } },
  });
  await alice.runs.join(thread, run.run_id);
  const checkpointId = (await alice.threads.getState(thread)).checkpoint.checkpoint_id!;
  const busyThread = (await alice.threads.create({ metadata: { secret: SECRET } })).thread_id;
  const pending = await alice.runs.create(busyThread, "trivial", { input: {}, afterSeconds: 86_400 });
  const assistant = (await alice.assistants.create({ graphId: "trivial", name: "alice's assistant" })).assistant_id;
  const bobThread = (await bob.threads.create()).thread_id;
  const bobRun = await bob.runs.create(bobThread, "trivial", { input: {} });
  await bob.runs.join(bobThread, bobRun.run_id);
  const cron = await alice.crons.createForThread(thread, "trivial", {
    schedule: "0 0 1 1 *",
    enabled: false,
    input: { secret: SECRET },
    metadata: { secret: SECRET },
  });
  return {
    cron: cron.cron_id,
    server,
    alice,
    bob,
    aliceHttp: httpAs(api, a.key),
    bobHttp: httpAs(api, b.key),
    thread,
    run: run.run_id,
    checkpointId,
    busyThread,
    pendingRun: pending.run_id,
    assistant,
    bobThread,
    bobRun: bobRun.run_id,
  };
}

/** Everything of Alice's the cases aim at, as she reads it: equal before and after them. */
async function ownerView(fx: Fixture) {
  const { alice } = fx;
  return {
    thread: await alice.threads.get(fx.thread),
    busyThread: await alice.threads.get(fx.busyThread),
    state: await alice.threads.getState(fx.thread),
    history: await alice.threads.getHistory(fx.thread, { limit: 100 }),
    runs: await alice.runs.list(fx.thread),
    busyRuns: await alice.runs.list(fx.busyThread),
    assistant: await alice.assistants.get(fx.assistant),
    versions: await alice.assistants.getVersions(fx.assistant),
    threads: await alice.threads.count({}),
    crons: await alice.crons.search({ limit: 100 }),
  };
}

async function pendingStill(fx: Fixture): Promise<void> {
  expect((await fx.alice.runs.get(fx.busyThread, fx.pendingRun)).status).toBe("pending");
}

const threadIds = (rows: { thread_id: string }[]) => rows.map((r) => r.thread_id);

/** A run of Bob's given Alice's thread and checkpoint ids in its config: the values it ends with. */
const probing = (fx: Fixture) => ({
  assistant_id: "agent",
  input: { messages: [{ role: "user", content: "bob" }] },
  config: { configurable: { thread_id: fx.thread, checkpoint_id: fx.checkpointId, token_delay_ms: 1 } },
  checkpoint_id: fx.checkpointId,
});

/** A JSON-RPC call to /mcp (stateless: no session needed), asking for a JSON answer (not an event stream); the answer's JSON. */
function mcp(http: Http, method: string, params: unknown): Promise<unknown> {
  return http("POST", "/mcp", { jsonrpc: "2.0", id: 1, method, params }, { accept: "application/json" });
}

/** A JSON-RPC call to an assistant's A2A endpoint; the answer's JSON. */
function a2a(http: Http, assistant: string, method: string, params: unknown): Promise<unknown> {
  return http("POST", `/a2a/${assistant}`, { jsonrpc: "2.0", id: 1, method, params });
}

function a2aMessage(text: string, extra: Record<string, unknown>) {
  return { kind: "message", role: "user", messageId: randomUUID(), parts: [{ kind: "text", text }], ...extra };
}

/**
 * A JSON-RPC call errs for the owner's id exactly as for an id nobody has: same
 * error with the id put aside, none of the owner's data.
 */
async function rpcLikeMissing(call: (id: string) => Promise<unknown>, ownersId: string): Promise<void> {
  const missingId = randomUUID();
  const theirs = JSON.stringify(await call(ownersId));
  const nobodys = JSON.stringify(await call(missingId));
  expect(theirs).toContain('"error"');
  expect(theirs.replaceAll(ownersId, "<id>")).toBe(nobodys.replaceAll(missingId, "<id>"));
  noSecret(theirs);
}

type Case = (fx: Fixture) => Promise<void>;

/** One case per route, keyed "METHOD /path" as the app declares it. */
const cases: Record<string, Case> = {
  // ---- public
  "GET /ok": async ({ bobHttp }) => {
    expect(await bobHttp("GET", "/ok")).toEqual({ ok: true });
  },
  "GET /info": async ({ bobHttp }) => {
    noSecret(await bobHttp("GET", "/info"));
  },
  // ---- admin only: to anyone else there is nothing there
  "POST /admin/graphs/reload": async ({ bobHttp }) => {
    const refused = await failure(bobHttp("POST", "/admin/graphs/reload"));
    expect(refused.status).toBe(404);
  },

  // ---- assistants: shared for reading, changed only by their owner
  "POST /assistants": async ({ bob, assistant }) => {
    expect((await failure(bob.assistants.create({ graphId: "trivial", assistantId: assistant, name: "bob's" }))).status).toBe(409);
    const same = await bob.assistants.create({ graphId: "trivial", assistantId: assistant, name: "bob's", ifExists: "do_nothing" });
    expect(same).toMatchObject({ assistant_id: assistant, name: "alice's assistant", version: 1 });
  },
  "POST /assistants/search": async ({ bob, assistant }) => {
    expect((await bob.assistants.search({ name: "alice's assistant" })).map((x) => x.assistant_id)).toEqual([assistant]);
  },
  "POST /assistants/count": async ({ bob }) => {
    expect(await bob.assistants.count({ name: "alice's assistant" } as never)).toBe(1);
  },
  "GET /assistants/:assistant_id": async ({ alice, bob, assistant }) => {
    expect(await bob.assistants.get(assistant)).toEqual(await alice.assistants.get(assistant));
  },
  "PATCH /assistants/:assistant_id": async ({ bob, assistant }) => {
    expect((await failure(bob.assistants.update(assistant, { name: "bob's", metadata: { by: "bob" } }))).status).toBe(404);
  },
  "DELETE /assistants/:assistant_id": async ({ bob, bobHttp, assistant }) => {
    expect((await failure(bob.assistants.delete(assistant))).status).toBe(404);
    expect((await failure(bobHttp("DELETE", `/assistants/${assistant}?delete_threads=true`))).status).toBe(404);
  },
  "GET /assistants/:assistant_id/graph": async ({ alice, bob, assistant }) => {
    expect(await bob.assistants.getGraph(assistant)).toEqual(await alice.assistants.getGraph(assistant));
  },
  "GET /assistants/:assistant_id/schemas": async ({ alice, bob, assistant }) => {
    expect(await bob.assistants.getSchemas(assistant)).toEqual(await alice.assistants.getSchemas(assistant));
  },
  "GET /assistants/:assistant_id/subgraphs": async ({ bob, assistant }) => {
    expect(await bob.assistants.getSubgraphs(assistant)).toEqual({});
  },
  "GET /assistants/:assistant_id/subgraphs/:namespace": async ({ bob, assistant }) => {
    expect(await bob.assistants.getSubgraphs(assistant, { namespace: "increment" })).toEqual({});
  },
  "POST /assistants/:assistant_id/versions": async ({ bob, assistant }) => {
    expect((await bob.assistants.getVersions(assistant)).map((v) => v.version)).toEqual([1]);
  },
  "POST /assistants/:assistant_id/latest": async ({ bob, assistant }) => {
    // the same answer whether the version exists or not: nothing of hers is told
    for (const version of [1, 99]) {
      const err = await failure(bob.assistants.setLatest(assistant, version));
      expect(err.status).toBe(404);
      expect(err.text).toContain("only its owner or an admin");
    }
  },

  // ---- threads
  "POST /threads": async ({ bob, thread }) => {
    for (const ifExists of ["raise", "do_nothing"] as const) {
      const err = await failure(bob.threads.create({ threadId: thread, ifExists, metadata: { by: "bob" } }));
      expect(err.status).toBe(409);
      noSecret(err.text);
    }
  },
  "POST /threads/search": async ({ bob, thread, busyThread, bobThread }) => {
    const all = await bob.threads.search({ limit: 1000 });
    expect(threadIds(all)).toContain(bobThread);
    expect(threadIds(all)).not.toContain(thread);
    noSecret(all);
    expect(await bob.threads.search({ ids: [thread, busyThread] })).toEqual([]);
    expect(await bob.threads.search({ metadata: { secret: SECRET } })).toEqual([]);
    expect(await bob.threads.search({ status: "busy" })).toEqual([]);
  },
  "POST /threads/count": async ({ alice, bob }) => {
    expect(await alice.threads.count({ metadata: { secret: SECRET } })).toBe(2);
    expect(await bob.threads.count({ metadata: { secret: SECRET } })).toBe(0);
    expect(await bob.threads.count({ status: "busy" })).toBe(0);
  },
  "POST /threads/prune": async (fx) => {
    // her threads are passed over as missing ones are: nothing pruned, nothing cancelled
    for (const strategy of ["delete", "keep_latest"] as const) {
      expect(await fx.bob.threads.prune([fx.thread, fx.busyThread, randomUUID()], { strategy })).toEqual({ pruned_count: 0 });
    }
    await pendingStill(fx);
  },
  "GET /threads/:thread_id": async ({ bob, thread }) => {
    await likeMissing((id) => bob.threads.get(id), thread);
  },
  "PATCH /threads/:thread_id": async ({ bob, thread }) => {
    await likeMissing((id) => bob.threads.update(id, { metadata: { secret: "overwritten" } }), thread);
  },
  "DELETE /threads/:thread_id": async (fx) => {
    await likeMissing((id) => fx.bob.threads.delete(id), fx.thread);
    // a thread with a run in flight: refusing must come before its runs are cancelled
    await likeMissing((id) => fx.bob.threads.delete(id), fx.busyThread);
    await pendingStill(fx);
  },
  "POST /threads/:thread_id/copy": async ({ bob, thread }) => {
    const before = await bob.threads.count({});
    await likeMissing((id) => bob.threads.copy(id), thread);
    expect(await bob.threads.count({})).toBe(before);
  },
  "GET /threads/:thread_id/state": async ({ bob, thread }) => {
    await likeMissing((id) => bob.threads.getState(id), thread);
    await likeMissing((id) => bob.threads.getState(id, undefined, { subgraphs: true }), thread);
  },
  "POST /threads/:thread_id/state": async ({ bob, thread, bobThread, checkpointId }) => {
    await likeMissing((id) => bob.threads.updateState(id, { values: { messages: [] } }), thread);
    // her checkpoint is not one of his thread's
    await likeMissing((id) => bob.threads.updateState(bobThread, { values: { count: 1 }, checkpointId: id }), checkpointId);
  },
  "PATCH /threads/:thread_id/state": async ({ bob, bobHttp, thread, bobThread, checkpointId }) => {
    await likeMissing((id) => bob.threads.patchState(id, { secret: "overwritten" }), thread);
    // her checkpoint is not one of his thread's
    await likeMissing(
      (id) => bobHttp("PATCH", `/threads/${bobThread}/state`, { metadata: { by: "bob" }, checkpoint_id: id }),
      checkpointId,
    );
  },
  "GET /threads/:thread_id/stream": async ({ bobHttp, thread, busyThread }) => {
    for (const owners of [thread, busyThread]) {
      await likeMissing(
        (id) => bobHttp("GET", `/threads/${id}/stream?stream_mode=run_modes`, undefined, { "Last-Event-ID": "-1" }),
        owners,
      );
    }
  },
  "POST /threads/:thread_id/state/checkpoint": async ({ bob, thread, bobThread, checkpointId }) => {
    const at = (threadId: string, id: string) => ({ thread_id: threadId, checkpoint_ns: "", checkpoint_id: id, checkpoint_map: null });
    await likeMissing((id) => bob.threads.getState(id, at(id, checkpointId)), thread);
    // her checkpoint, named with her thread, read through his
    await likeMissing((id) => bob.threads.getState(bobThread, at(thread, id)), checkpointId);
  },
  "GET /threads/:thread_id/state/:checkpoint_id": async ({ bob, thread, bobThread, checkpointId }) => {
    await likeMissing((id) => bob.threads.getState(id, checkpointId), thread);
    await likeMissing((id) => bob.threads.getState(bobThread, id), checkpointId);
  },
  "GET /threads/:thread_id/history": async ({ bobHttp, thread, bobThread, checkpointId }) => {
    await likeMissing((id) => bobHttp("GET", `/threads/${id}/history?limit=100`), thread);
    noSecret(await bobHttp("GET", `/threads/${bobThread}/history?limit=100&before=${checkpointId}`));
  },
  "POST /threads/:thread_id/history": async ({ bob, bobHttp, thread, bobThread, checkpointId }) => {
    await likeMissing((id) => bob.threads.getHistory(id, { limit: 100 }), thread);
    noSecret(await bob.threads.getHistory(bobThread, { limit: 100, before: { configurable: { checkpoint_id: checkpointId } } }));
    const hers = { checkpoint: { checkpoint_id: checkpointId, thread_id: thread } };
    expect(await bobHttp("POST", `/threads/${bobThread}/history`, hers)).toEqual([]);
  },

  // ---- creating runs on a thread
  "POST /threads/:thread_id/runs": async (fx) => {
    const { bob, bobHttp } = fx;
    await likeMissing((id) => bob.runs.create(id, "trivial", { input: {} }), fx.thread);
    // (for an id nobody has, this would create the thread)
    expect((await failure(bob.runs.create(fx.thread, "trivial", { input: {}, ifNotExists: "create" }))).status).toBe(404);
    for (const strategy of ["interrupt", "rollback", "enqueue"] as const) {
      await likeMissing((id) => bob.runs.create(id, "trivial", { input: {}, multitaskStrategy: strategy }), fx.busyThread);
    }
    await pendingStill(fx);
    // his own thread, her thread and checkpoint ids in the config: his run starts from nothing of hers
    const own = (await bobHttp("POST", `/threads/${fx.bobThread}/runs`, probing(fx))) as { run_id: string };
    noSecret(await bob.runs.join(fx.bobThread, own.run_id));
    noSecret(await bob.threads.getState(fx.bobThread));
  },
  "POST /threads/:thread_id/runs/stream": async ({ bobHttp, thread, busyThread }) => {
    await likeMissing((id) => bobHttp("POST", `/threads/${id}/runs/stream`, { assistant_id: "trivial", input: {} }), thread);
    const rollback = { assistant_id: "trivial", input: {}, multitask_strategy: "rollback" };
    await likeMissing((id) => bobHttp("POST", `/threads/${id}/runs/stream`, rollback), busyThread);
  },
  // the thread-centric protocol (client.threads.stream): commands and the event stream
  "POST /threads/:thread_id/commands": async ({ bobHttp, thread }) => {
    const command = (method: string, params: unknown) => (id: string) =>
      bobHttp("POST", `/threads/${id}/commands`, { id: 1, method, params });
    await likeMissing(command("state.get", {}), thread);
    await likeMissing(command("input.respond", { interrupt_id: "i", response: "yes" }), thread);
    await likeMissing(command("state.get", { namespace: ["child:1"] }), thread);
    await likeMissing(command("state.listCheckpoints", { limit: 5 }), thread);
    await likeMissing(command("agent.getTree", {}), thread);
    await likeMissing(command("state.fork", { checkpoint_id: randomUUID(), input: { secret: SECRET } }), thread);
    await likeMissing(command("input.inject", { namespace: [], message: { role: "user", content: SECRET } }), thread);
    // run.start creates a thread nobody has (the SDK picks the id): hers is refused as missing, and gets no run
    const refused = await failure(command("run.start", { assistant_id: "trivial", input: { secret: SECRET } })(thread));
    expect(refused.status).toBe(404);
    noSecret(refused.text);
  },
  "POST /threads/:thread_id/stream/events": async ({ bobHttp, thread }) => {
    await likeMissing((id) => bobHttp("POST", `/threads/${id}/stream/events`, { channels: ["values", "messages", "lifecycle"] }), thread);
  },
  "POST /threads/:thread_id/runs/wait": async (fx) => {
    await likeMissing((id) => fx.bob.runs.wait(id, "trivial", { input: {} }), fx.thread);
    await likeMissing((id) => fx.bob.runs.wait(id, "trivial", { input: {}, multitaskStrategy: "interrupt" }), fx.busyThread);
    await pendingStill(fx);
  },

  // ---- stateless runs: Alice's ids in the config reach nothing of hers
  "POST /runs": async (fx) => {
    const made = (await fx.bobHttp("POST", "/runs", { ...probing(fx), on_completion: "keep" })) as { run_id: string; thread_id: string };
    expect(made.thread_id).not.toBe(fx.thread);
    noSecret(await fx.bob.runs.join(made.thread_id, made.run_id));
  },
  "POST /runs/stream": async (fx) => {
    const events = await fx.bobHttp("POST", "/runs/stream", { ...probing(fx), stream_mode: ["values", "updates", "messages"] });
    expect(events).toContain("event: values");
    noSecret(events);
  },
  "POST /runs/wait": async (fx) => {
    const values = await fx.bobHttp("POST", "/runs/wait", probing(fx));
    expect(values).toMatchObject({ messages: expect.any(Array) });
    noSecret(values);
  },
  "POST /runs/batch": async (fx) => {
    const runs = (await fx.bobHttp("POST", "/runs/batch", [{ ...probing(fx), on_completion: "keep" }])) as {
      run_id: string;
      thread_id: string;
    }[];
    expect(runs).toHaveLength(1);
    expect(runs[0]!.thread_id).not.toBe(fx.thread);
    noSecret(await fx.bob.runs.join(runs[0]!.thread_id, runs[0]!.run_id));
  },
  "POST /runs/cancel": async (fx) => {
    const { bob } = fx;
    await likeMissing((id) => bob.runs.cancelMany({ runIds: [id] }), fx.pendingRun);
    await likeMissing((id) => bob.runs.cancelMany({ threadId: id }), fx.busyThread);
    await likeMissing((id) => bob.runs.cancelMany({ threadId: fx.bobThread, runIds: [id] }), fx.pendingRun);
    // by status: his own pending run only
    const own = await bob.runs.create(fx.bobThread, "trivial", { input: {}, afterSeconds: 86_400 });
    await bob.runs.cancelMany({ status: "pending", action: "rollback" });
    expect((await bob.runs.list(fx.bobThread)).find((r) => r.run_id === own.run_id)).toBeUndefined();
    await pendingStill(fx);
  },

  // ---- one thread's runs
  "GET /threads/:thread_id/runs": async ({ bob, thread }) => {
    await likeMissing((id) => bob.runs.list(id), thread);
  },
  "GET /threads/:thread_id/runs/:run_id": async ({ bob, thread, run, bobThread }) => {
    await likeMissing((id) => bob.runs.get(id, run), thread);
    await likeMissing((id) => bob.runs.get(thread, id), run);
    await likeMissing((id) => bob.runs.get(bobThread, id), run);
  },
  "DELETE /threads/:thread_id/runs/:run_id": async ({ bob, thread, run, bobThread }) => {
    await likeMissing((id) => bob.runs.delete(thread, id), run);
    await likeMissing((id) => bob.runs.delete(bobThread, id), run);
  },
  "GET /threads/:thread_id/runs/:run_id/join": async ({ bob, bobHttp, busyThread, pendingRun, bobThread, thread, run }) => {
    await likeMissing((id) => bob.runs.join(thread, id), run);
    await likeMissing((id) => bob.runs.join(bobThread, id), run);
    await likeMissing((id) => bobHttp("GET", `/threads/${busyThread}/runs/${id}/join?cancel_on_disconnect=true`), pendingRun);
  },
  "GET /threads/:thread_id/runs/:run_id/stream": async ({ bobHttp, thread, run, bobThread }) => {
    await likeMissing((id) => bobHttp("GET", `/threads/${thread}/runs/${id}/stream`, undefined, { "Last-Event-ID": "-1" }), run);
    await likeMissing((id) => bobHttp("GET", `/threads/${bobThread}/runs/${id}/stream`), run);
  },
  "GET /runs/:run_id/stream": async ({ bob, bobHttp, run }) => {
    await likeMissing((id) => bobHttp("GET", `/runs/${id}/stream`, undefined, { "Last-Event-ID": "-1" }), run);
    await likeMissing(async (id) => {
      for await (const _ of bob.runs.joinStream(null, id)) break;
    }, run);
  },
  "POST /threads/:thread_id/runs/:run_id/stream": async (fx) => {
    const path = (id: string) => `/threads/${fx.busyThread}/runs/${id}/stream?action=rollback`;
    await likeMissing((id) => fx.bobHttp("POST", path(id)), fx.pendingRun);
    await pendingStill(fx);
  },
  "POST /threads/:thread_id/runs/:run_id/cancel": async (fx) => {
    for (const action of ["interrupt", "rollback"] as const) {
      await likeMissing((id) => fx.bob.runs.cancel(fx.busyThread, id, true, action), fx.pendingRun);
      await likeMissing((id) => fx.bob.runs.cancel(fx.bobThread, id, false, action), fx.pendingRun);
    }
    await pendingStill(fx);
  },

  // ---- MCP: each assistant (shared for running) a tool; a call is the caller's own run
  "POST /mcp": async ({ bobHttp, bob, assistant }) => {
    const listed = (await mcp(bobHttp, "tools/list", {})) as { result: { tools: { name: string; _meta: { assistant_id: string } }[] } };
    noSecret(listed);
    const tool = listed.result.tools.find((t) => t._meta.assistant_id === assistant);
    expect(tool?.name).toBe("alice_s_assistant");
    const called = (await mcp(bobHttp, "tools/call", { name: tool!.name, arguments: {} })) as {
      result: { _meta: { run_id: string; thread_id: string } };
    };
    noSecret(called);
    // the run is Bob's own, on a thread of his
    const { run_id, thread_id } = called.result._meta;
    expect(await bob.runs.get(thread_id, run_id)).toMatchObject({ run_id, status: "success" });
  },
  "GET /mcp": async ({ bobHttp }) => {
    expect((await failure(bobHttp("GET", "/mcp"))).status).toBe(405);
  },
  "DELETE /mcp": async ({ bobHttp }) => {
    expect((await failure(bobHttp("DELETE", "/mcp"))).status).toBe(405);
  },

  // ---- A2A: a task is a run, a context a thread: the owner's read as unknown ones
  "POST /a2a/:assistant_id": async (fx) => {
    const { bobHttp, run, thread, pendingRun } = fx;
    await rpcLikeMissing((id) => a2a(bobHttp, "agent", "tasks/get", { id }), run);
    await rpcLikeMissing((id) => a2a(bobHttp, "trivial", "tasks/cancel", { id }), pendingRun);
    await rpcLikeMissing((id) => a2a(bobHttp, "agent", "message/send", { message: a2aMessage("hi", { taskId: id }) }), run);
    await rpcLikeMissing((id) => a2a(bobHttp, "agent", "message/send", { message: a2aMessage("hi", { contextId: id }) }), thread);
    await pendingStill(fx);
  },
  "GET /.well-known/agent-card.json": async ({ aliceHttp, bobHttp, assistant }) => {
    const path = `/.well-known/agent-card.json?assistant_id=${assistant}`;
    expect(await bobHttp("GET", path)).toEqual(await aliceHttp("GET", path));
  },

  // ---- crons: each caller's own
  "POST /runs/crons": async ({ bob }) => {
    const own = await bob.crons.create("trivial", { schedule: "0 0 1 1 *", enabled: false });
    expect(own.user_id).not.toBeUndefined();
    noSecret(own);
    await bob.crons.delete(own.cron_id);
  },
  "POST /threads/:thread_id/runs/crons": async ({ bob, thread }) => {
    await likeMissing((id) => bob.crons.createForThread(id, "trivial", { schedule: "0 0 1 1 *", enabled: false }), thread);
  },
  "POST /runs/crons/search": async ({ bob, thread, cron }) => {
    const all = await bob.crons.search({ limit: 1000 });
    expect(all.map((c) => c.cron_id)).not.toContain(cron);
    noSecret(all);
    expect(await bob.crons.search({ threadId: thread })).toEqual([]);
    expect(await bob.crons.search({ metadata: { secret: SECRET } })).toEqual([]);
  },
  "POST /runs/crons/count": async ({ alice, bob, thread }) => {
    expect(await alice.crons.count({ metadata: { secret: SECRET } })).toBe(1);
    expect(await bob.crons.count({ metadata: { secret: SECRET } })).toBe(0);
    expect(await bob.crons.count({ threadId: thread })).toBe(0);
  },
  "PATCH /runs/crons/:cron_id": async ({ bob, cron }) => {
    await likeMissing((id) => bob.crons.update(id, { enabled: true, metadata: { by: "bob" } }), cron);
  },
  "DELETE /runs/crons/:cron_id": async ({ bob, cron }) => {
    await likeMissing((id) => bob.crons.delete(id), cron);
  },

  // ---- the store: one for the whole server, every caller reads and writes every namespace
  "PUT /store/items": async ({ alice, bob }) => {
    const namespace = ["shared", randomUUID()];
    await alice.store.putItem(namespace, "note", { by: "alice" });
    await bob.store.putItem(namespace, "note", { by: "bob" });
    expect((await alice.store.getItem(namespace, "note"))?.value).toEqual({ by: "bob" });
  },
  "GET /store/items": async ({ alice, bob }) => {
    const namespace = ["shared", randomUUID()];
    await alice.store.putItem(namespace, "note", { by: "alice" });
    expect((await bob.store.getItem(namespace, "note"))?.value).toEqual({ by: "alice" });
  },
  "DELETE /store/items": async ({ alice, bob }) => {
    const namespace = ["shared", randomUUID()];
    await alice.store.putItem(namespace, "note", { by: "alice" });
    await bob.store.deleteItem(namespace, "note");
    expect((await failure(alice.store.getItem(namespace, "note"))).status).toBe(404);
  },
  "POST /store/items/search": async ({ alice, bob }) => {
    const namespace = ["shared", randomUUID()];
    await alice.store.putItem(namespace, "note", { by: "alice" });
    expect((await bob.store.searchItems(namespace)).items.map((i) => i.value)).toEqual([{ by: "alice" }]);
  },
  "POST /store/namespaces": async ({ alice, bob }) => {
    const namespace = ["shared", randomUUID()];
    await alice.store.putItem(namespace, "note", { by: "alice" });
    expect((await bob.store.listNamespaces({ prefix: namespace })).namespaces).toEqual([namespace]);
  },
};

/** Every route of the app, "METHOD /path" below the base path (middleware, declared for ALL methods, left out). */
const routes = [
  ...new Set(
    createLanggraphApp({} as LanggraphServices)
      .routes.filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.slice(LANGGRAPH_BASE_PATH.length)}`),
  ),
].sort();

describe.each(testTargets)("another user's requests on $provider", (target) => {
  let fx: Fixture;
  let before: Awaited<ReturnType<typeof ownerView>>;
  beforeAll(async () => {
    fx = await setUp(await startTestServer({ target }));
    before = await ownerView(fx);
  }, 120_000);
  afterAll(() => fx?.server.stop());

  it("every route of the app has a case, and every case a route", () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => !(r in cases))).toEqual([]);
    expect(Object.keys(cases).filter((c) => !routes.includes(c))).toEqual([]);
  });

  for (const route of routes) {
    it(`${route} reaches nothing of the owner's`, async () => {
      const run = cases[route];
      if (!run) throw new Error(`no isolation case for ${route}`);
      await run(fx);
    });
  }

  it("the owner finds every resource as it was", async () => {
    expect(await ownerView(fx)).toEqual(before);
    await pendingStill(fx);
    expect(JSON.stringify((await fx.alice.threads.getState(fx.thread)).values)).toContain(SECRET);
  });
});
