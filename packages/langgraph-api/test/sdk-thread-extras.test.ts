/**
 * The thread calls of SDK 1.15 beyond create/read/state, through the official
 * Client against the real server on SQLite and PostgreSQL: the thread stream
 * (`threads.joinStream`: every run's events, lifecycle, state updates, resumed with
 * Last-Event-ID), `patchState`, `prune` (delete, keep_latest), thread `ttl` swept by
 * the server, and store items with a `ttl` and `refreshTtl`; with the 422s naming
 * the field. Another owner's requests are in sdk-isolation.test.ts.
 */
import { randomUUID } from "node:crypto";
import { Client } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { LANGGRAPH_BASE_PATH } from "../src/app.ts";
import { expectStatus } from "./support/sdk-failure.ts";
import { until } from "./support/until.ts";

interface StreamEvent {
  id?: string;
  event: string;
  data: unknown;
}

type Lifecycle = { event: string; run_id: string; status?: string };

const slowly = { config: { configurable: { step_delay_ms: 30 } } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads a thread stream until `done` says so, then `quietMs` more (an event arriving
 * then is one too many), then leaves: a thread stream stays open until its reader goes.
 */
async function collect(
  stream: (signal: AbortSignal) => AsyncIterable<StreamEvent>,
  done: (events: StreamEvent[]) => boolean,
  quietMs = 300,
): Promise<StreamEvent[]> {
  const leave = new AbortController();
  const events: StreamEvent[] = [];
  const reading = (async () => {
    try {
      for await (const e of stream(leave.signal)) {
        events.push(e);
        if (done(events)) setTimeout(() => leave.abort(), quietMs);
      }
    } catch (err) {
      if (!leave.signal.aborted) throw err;
    }
  })();
  const timeout = setTimeout(() => leave.abort(), 30_000);
  await reading;
  clearTimeout(timeout);
  if (!done(events)) throw new Error(`the stream ended before it was done: ${JSON.stringify(events.map((e) => e.event))}`);
  return events;
}

const ends = (events: StreamEvent[]) => events.filter((e) => e.event === "run_done").length;
const lifecycle = (events: StreamEvent[]) =>
  events.filter((e) => e.event === "lifecycle").map((e) => (e.data as Lifecycle).event + ":" + (e.data as Lifecycle).run_id);

/** Polls until `check` holds (the sweeper runs every 200 ms here), at most 15 s. */
function eventually(check: () => Promise<boolean>): Promise<boolean> {
  return until("the condition", check, (held) => held, { everyMs: 100 });
}

describe.each(testTargets)("thread stream, patchState, prune and ttl on $provider", (target) => {
  let server: TestServer;
  let api: string;
  let key: string;
  let alice: Client;

  /** Raw HTTP as alice. */
  async function http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as { detail?: string; errors?: { field: string }[] } };
  }

  async function expectInvalid(method: string, path: string, body: unknown, field: string, headers?: Record<string, string>) {
    const r = await http(method, path, body, headers);
    expect(r.status, JSON.stringify(r.json)).toBe(422);
    expect(r.json.detail).toContain(field);
    expect(r.json.errors?.map((e) => e.field)).toContain(field);
  }

  beforeAll(async () => {
    server = await startTestServer({ target, env: { TTL_SWEEP_MS: "200", LANGGRAPH_SSE_HEARTBEAT_MS: "1000" } });
    api = `${server.url}${LANGGRAPH_BASE_PATH}`;
    ({ key } = await server.user());
    alice = new Client({ apiUrl: api, apiKey: key, callerOptions: { maxRetries: 0 } });
  }, 120_000);
  afterAll(async () => {
    if (process.env.SHOW_SERVER) console.log(server?.output());
    await server?.stop();
  });

  it("joinStream follows two consecutive runs with their lifecycle; a replay from -1 gives the same ids, and a resume continues right after its id", async () => {
    const thread = (await alice.threads.create()).thread_id;
    const live = collect(
      (signal) => alice.threads.joinStream(thread, { streamMode: ["run_modes", "lifecycle"], signal }),
      (events) => ends(events) === 2,
    );
    await sleep(300);
    const first = await alice.runs.create(thread, "slow", { input: {}, ...slowly });
    const second = await alice.runs.create(thread, "slow", { input: {}, ...slowly, multitaskStrategy: "enqueue" });
    const events = await live;

    expect(lifecycle(events)).toEqual([
      `started:${first.run_id}`,
      `completed:${first.run_id}`,
      `started:${second.run_id}`,
      `completed:${second.run_id}`,
    ]);
    // each run's own events between its start and its end, in order, metadata first
    const names = events.map((e) => e.event);
    expect(names.filter((n) => n === "metadata")).toHaveLength(2);
    expect(names[1]).toBe("metadata");
    expect(names.filter((n) => n === "values").length).toBeGreaterThanOrEqual(10);
    expect(events.map((e) => e.id)).toEqual([...new Set(events.map((e) => e.id))]);
    expect(events.every((e) => typeof e.id === "string" && e.id.length > 0)).toBe(true);
    const lastValues = events.filter((e) => e.event === "values").at(-1)!.data as { steps: string[] };
    expect(lastValues.steps).toHaveLength(10);

    // the same places, replayed from the database, carry the same ids
    const replay = await collect(
      (signal) => alice.threads.joinStream(thread, { streamMode: ["run_modes", "lifecycle"], lastEventId: "-1", signal }),
      (e) => ends(e) === 2,
    );
    expect(replay).toEqual(events);

    // resuming after any id gives exactly what followed it: in a run, at its end, across runs
    for (const cut of [3, names.indexOf("lifecycle", 1), names.indexOf("run_done"), events.length - 2]) {
      const rest = await collect(
        (signal) => alice.threads.joinStream(thread, { streamMode: ["run_modes", "lifecycle"], lastEventId: events[cut]!.id!, signal }),
        (e) => e.length >= events.length - cut - 1,
      );
      expect(rest, `resumed after event ${cut}`).toEqual(events.slice(cut + 1));
    }
  }, 60_000);

  it("a reader that leaves during a run and comes back with Last-Event-ID loses nothing and repeats nothing", async () => {
    const thread = (await alice.threads.create()).thread_id;
    await alice.runs.create(thread, "slow", { input: {}, config: { configurable: { step_delay_ms: 150 } } });
    const modes = { streamMode: ["run_modes", "lifecycle", "state_update"] as ("run_modes" | "lifecycle" | "state_update")[] };
    const before = await collect(
      (signal) => alice.threads.joinStream(thread, { ...modes, lastEventId: "-1", signal }),
      (e) => e.filter((x) => x.event === "values").length >= 2,
      0,
    );
    expect(before.at(-1)!.event).toBe("values");
    const after = await collect(
      (signal) => alice.threads.joinStream(thread, { ...modes, lastEventId: before.at(-1)!.id!, signal }),
      (e) => ends(e) === 1,
    );
    const whole = await collect(
      (signal) => alice.threads.joinStream(thread, { ...modes, lastEventId: "-1", signal }),
      (e) => ends(e) === 1,
    );
    expect([...before, ...after]).toEqual(whole);
    // the state the run left: the graph's values, without LangGraph's own channels
    const update = whole.find((e) => e.event === "state_update")!.data as { values: { steps: string[] }; checkpoint_id: string };
    expect(update.values).toEqual({ steps: ["plan", "research", "draft", "review", "publish"] });
    expect(update.checkpoint_id).toBe((await alice.threads.getState(thread)).checkpoint.checkpoint_id);
  }, 60_000);

  it("state_update alone gives one event per run, with the values it left", async () => {
    const thread = (await alice.threads.create()).thread_id;
    await alice.runs.wait(thread, "trivial", { input: {} });
    await alice.runs.wait(thread, "trivial", { input: {} });
    const updates = await collect(
      (signal) => alice.threads.joinStream(thread, { streamMode: "state_update", lastEventId: "-1", signal }),
      (e) => e.length === 2,
    );
    expect(updates.map((e) => [e.event, (e.data as { values: unknown }).values])).toEqual([
      ["state_update", { count: 1 }],
      ["state_update", { count: 2 }],
    ]);
  });

  it("refuses a bad stream mode or Last-Event-ID, naming it, and an unknown thread", async () => {
    const thread = (await alice.threads.create()).thread_id;
    await expectInvalid("GET", `/threads/${thread}/stream?stream_mode=values`, undefined, "query.stream_mode");
    await expectInvalid("GET", `/threads/${thread}/stream`, undefined, "header.Last-Event-ID", { "Last-Event-ID": "12" });
    expect((await http("GET", `/threads/${randomUUID()}/stream`)).status).toBe(404);
  });

  it("patchState changes the metadata of the latest checkpoint, seen by getState and getHistory, with no new checkpoint", async () => {
    const thread = (await alice.threads.create()).thread_id;
    await alice.runs.wait(thread, "trivial", { input: {} });
    const history = await alice.threads.getHistory(thread, { limit: 100 });
    await alice.threads.patchState(thread, { reviewed: true, by: "alice" });
    await alice.threads.patchState({ configurable: { thread_id: thread } }, { by: "bob" });
    const state = await alice.threads.getState(thread);
    expect(state.metadata).toMatchObject({ reviewed: true, by: "bob", source: "loop" });
    const after = await alice.threads.getHistory(thread, { limit: 100 });
    expect(after.map((s) => s.checkpoint.checkpoint_id)).toEqual(history.map((s) => s.checkpoint.checkpoint_id));
    expect(after[0]!.metadata).toMatchObject({ reviewed: true, by: "bob" });
    expect(after[1]!.metadata).not.toHaveProperty("reviewed");
    expect((await alice.threads.getHistory(thread, { metadata: { reviewed: true } })).length).toBe(1);

    // an older checkpoint, by id
    const older = history[1]!.checkpoint.checkpoint_id!;
    expect((await http("PATCH", `/threads/${thread}/state`, { metadata: { old: 1 }, checkpoint_id: older })).status).toBe(204);
    expect((await alice.threads.getState(thread, older)).metadata).toMatchObject({ old: 1 });

    await expectInvalid("PATCH", `/threads/${thread}/state`, {}, "body.metadata");
    await expectInvalid("PATCH", `/threads/${thread}/state`, { metadata: [1] }, "body.metadata");
    // a thread no run has started has no checkpoint to patch
    const fresh = (await alice.threads.create()).thread_id;
    await expectStatus(alice.threads.patchState(fresh, { a: 1 }), 404);
  });

  it("prune deletes threads, or keeps each with its latest checkpoint only; a run goes on from it", async () => {
    const doomed = [(await alice.threads.create()).thread_id, (await alice.threads.create()).thread_id];
    await alice.runs.wait(doomed[0]!, "trivial", { input: {} });
    expect(await alice.threads.prune([...doomed, randomUUID()])).toEqual({ pruned_count: 2 });
    for (const id of doomed) await expectStatus(alice.threads.get(id), 404);

    const kept = (await alice.threads.create()).thread_id;
    await alice.runs.wait(kept, "trivial", { input: {} });
    await alice.runs.wait(kept, "trivial", { input: {} });
    const state = await alice.threads.getState(kept);
    expect((await alice.threads.getHistory(kept, { limit: 100 })).length).toBeGreaterThan(2);
    expect(await alice.threads.prune([kept], { strategy: "keep_latest" })).toEqual({ pruned_count: 1 });
    const history = await alice.threads.getHistory(kept, { limit: 100 });
    expect(history.map((s) => s.checkpoint.checkpoint_id)).toEqual([state.checkpoint.checkpoint_id]);
    expect((await alice.threads.getState(kept)).values).toEqual({ count: 2 });
    await alice.runs.wait(kept, "trivial", { input: {} });
    expect((await alice.threads.getState(kept)).values).toEqual({ count: 3 });

    await expectInvalid("POST", "/threads/prune", {}, "body.thread_ids");
    await expectInvalid("POST", "/threads/prune", { thread_ids: [kept], strategy: "all" }, "body.strategy");
    await expectInvalid("POST", "/threads/prune", { thread_ids: ["nope"] }, "body.thread_ids.0");
  });

  it("a thread with a short ttl disappears after the sweep; keep_latest keeps it with its latest checkpoint", async () => {
    const lasting = (await alice.threads.create()).thread_id;
    const short = (await alice.threads.create({ ttl: 0.005 })).thread_id;
    const shown = (await http("GET", `/threads/${short}?include=ttl`)).json as unknown as { ttl: Record<string, unknown> };
    expect(shown.ttl).toMatchObject({ strategy: "delete", ttl_minutes: 0.005, expires_at: expect.any(String) });
    await eventually(async () => (await http("GET", `/threads/${short}`)).status === 404);
    expect((await alice.threads.get(lasting)).thread_id).toBe(lasting);

    const latest = (await alice.threads.create()).thread_id;
    await alice.runs.wait(latest, "trivial", { input: {} });
    await alice.runs.wait(latest, "trivial", { input: {} });
    const checkpoint = (await alice.threads.getState(latest)).checkpoint.checkpoint_id;
    await alice.threads.update(latest, { ttl: { ttl: 0.005, strategy: "keep_latest" } as never });
    await eventually(async () => (await alice.threads.getHistory(latest, { limit: 100 })).length === 1);
    expect((await alice.threads.getState(latest)).checkpoint.checkpoint_id).toBe(checkpoint);
    expect(((await http("GET", `/threads/${latest}?include=ttl`)).json as unknown as { ttl: unknown }).ttl).toMatchObject({
      strategy: "keep_latest",
      expires_at: null,
    });

    await expectInvalid("POST", "/threads", { ttl: -1 }, "body.ttl.ttl");
    await expectInvalid("POST", "/threads", { ttl: "soon" }, "body.ttl");
    await expectInvalid("PATCH", `/threads/${lasting}`, { ttl: { ttl: 5, strategy: "never" } }, "body.ttl.strategy");
  }, 60_000);

  it("a store item with a ttl expires unless a read refreshes it; expired items are invisible to get and search", async () => {
    const namespace = ["ttl", randomUUID()];
    // 3 s to live
    await alice.store.putItem(namespace, "a", { n: 1 }, { ttl: 0.05 });
    await alice.store.putItem(namespace, "forever", { n: 2 });
    const started = Date.now();
    await sleep(2_000 - (Date.now() - started));
    // a refreshing read at 2 s: it now lives until about 5 s
    expect((await alice.store.getItem(namespace, "a", { refreshTtl: true }))?.value).toEqual({ n: 1 });
    await sleep(3_600 - (Date.now() - started));
    // past its first expiry, still there; this read does not refresh it
    expect((await alice.store.getItem(namespace, "a", { refreshTtl: false }))?.value).toEqual({ n: 1 });
    expect((await alice.store.searchItems(namespace, { refreshTtl: false })).items.map((i) => i.key).sort()).toEqual(["a", "forever"]);
    // (a read refreshes by default, as on LangGraph Platform: these do not)
    await eventually(async () => (await alice.store.searchItems(namespace, { refreshTtl: false })).items.length === 1);
    await expectStatus(alice.store.getItem(namespace, "a", { refreshTtl: false }), 404);
    expect((await alice.store.getItem(namespace, "forever"))?.value).toEqual({ n: 2 });

    await expectInvalid("PUT", "/store/items", { namespace, key: "b", value: {}, ttl: 0 }, "body.ttl");
    await expectInvalid("GET", `/store/items?namespace=${namespace.join(".")}&key=a&refresh_ttl=maybe`, undefined, "query.refresh_ttl");
  }, 30_000);
});
