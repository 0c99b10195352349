/**
 * Owner isolation through every tRPC procedure, on SQLite and PostgreSQL: a second
 * (non-admin) user aims each procedure at the first user's threads, runs,
 * checkpoints, feedback, usage and API keys. Each gets NOT_FOUND worded exactly as
 * for an id nobody has, or a list, search, count or summary without the owner's
 * rows; no answer carries the owner's data, and afterwards the owner finds every
 * resource as it was. Assistants are shared for reading (README): there the
 * second user reads but cannot change. The procedures come from the router itself,
 * so a new one fails this file until it has a case.
 */
import { randomUUID } from "node:crypto";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, type ApiClient } from "../src/client.ts";
import { appRouter } from "../src/router.ts";
import { failure, type ApiError } from "./support/api-errors.ts";
import { record, type Recording } from "./support/recorder.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

type WatchHandlers = NonNullable<Parameters<ApiClient["runs"]["watch"]["subscribe"]>[1]>;
type WatchItem = Parameters<NonNullable<WatchHandlers["onData"]>>[0];
type StreamHandlers = NonNullable<Parameters<ApiClient["runs"]["stream"]["subscribe"]>[1]>;
type StreamItem = Parameters<NonNullable<StreamHandlers["onData"]>>[0];

/** What the owner wrote: no answer to the other user may contain it. */
const SECRET = `alice-secret-${randomUUID()}`;
/** a run that stays pending (in flight) for the whole file */
const LATER = { afterSeconds: 86_400 };

interface Fixture {
  server: TestServer;
  alice: ApiClient;
  aliceId: string;
  bob: ApiClient;
  bobId: string;
  /** Alice's thread with one finished agent run on it (checkpoints, token usage, feedback) */
  thread: string;
  run: string;
  checkpointId: string;
  feedbackId: string;
  /** Alice's thread with a run pending for a day: in flight, so cancels and deletes would touch it */
  busyThread: string;
  pendingRun: string;
  /** Alice's thread for runs made during the cases */
  quietThread: string;
  /** Alice's own assistant */
  assistant: string;
  /** an API key of Alice's, by id and value */
  keyId: string;
  key: string;
  /** Bob's own thread and finished agent run (started from her checkpoint id), for calls that mix his ids with hers */
  bobThread: string;
  bobRun: string;
  /** Alice's paused cron on her thread */
  cron: string;
}

async function setUp(server: TestServer): Promise<Fixture> {
  const [a, b] = await Promise.all([server.user(), server.user()]);
  const alice = a.client;
  const bob = b.client;
  const thread = (await alice.threads.create.mutate({ metadata: { secret: SECRET } })).id;
  const created = await alice.runs.create.mutate({
    threadId: thread,
    assistantId: "agent",
    input: { messages: [{ role: "user", content: SECRET }] },
    metadata: { secret: SECRET },
    config: { configurable: { token_delay_ms: 1 } },
  });
  expect((await alice.runs.join.query({ runId: created.id })).status).toBe("success");
  const checkpointId = (await alice.threads.state.query({ threadId: thread })).checkpoint!.checkpointId;
  const feedback = await alice.feedback.create.mutate({ runId: created.id, key: "alice-key", score: 1, comment: SECRET });
  const busyThread = (await alice.threads.create.mutate({ metadata: { secret: SECRET } })).id;
  const pending = await alice.runs.create.mutate({ threadId: busyThread, assistantId: "trivial", input: {}, ...LATER });
  const quietThread = (await alice.threads.create.mutate({})).id;
  const assistant = (await alice.assistants.create.mutate({ graphId: "trivial", name: "alice's assistant" })).id;
  const apiKey = await alice.account.createApiKey.mutate({ name: SECRET });

  const bobThread = (await bob.threads.create.mutate({})).id;
  // her checkpoint id on his own thread: his run must start from nothing of hers
  const bobRun = await bob.runs.create.mutate({
    threadId: bobThread,
    assistantId: "agent",
    checkpointId,
    input: { messages: [{ role: "user", content: "bob" }] },
    config: { configurable: { token_delay_ms: 1 } },
  });
  expect((await bob.runs.join.query({ runId: bobRun.id })).status).toBe("success");
  await bob.feedback.create.mutate({ runId: bobRun.id, key: "bob-key", score: 0 });
  const cron = await alice.crons.create.mutate({
    assistantId: "trivial",
    threadId: thread,
    schedule: "0 0 1 1 *",
    enabled: false,
    metadata: { secret: SECRET },
    payload: { input: { secret: SECRET } },
  });
  return {
    cron: cron.id,
    server,
    alice,
    aliceId: a.user.id,
    bob,
    bobId: b.user.id,
    thread,
    run: created.id,
    checkpointId,
    feedbackId: feedback.id,
    busyThread,
    pendingRun: pending.id,
    quietThread,
    assistant,
    keyId: apiKey.id,
    key: apiKey.key,
    bobThread,
    bobRun: bobRun.id,
  };
}

/** Everything of Alice's the cases aim at, as she reads it: equal before and after them. */
async function ownerView(fx: Fixture) {
  const { alice } = fx;
  return {
    thread: await alice.threads.get.query({ threadId: fx.thread }),
    busyThread: await alice.threads.get.query({ threadId: fx.busyThread }),
    state: await alice.threads.state.query({ threadId: fx.thread }),
    history: await alice.threads.history.query({ threadId: fx.thread, limit: 100 }),
    runs: await alice.runs.list.query({ threadId: fx.thread }),
    busyRuns: await alice.runs.list.query({ threadId: fx.busyThread }),
    feedback: await alice.feedback.list.query({ runId: fx.run }),
    usage: await alice.usage.byThread.query({ threadId: fx.thread }),
    assistant: await alice.assistants.get.query({ assistantId: fx.assistant }),
    versions: await alice.assistants.versions.query({ assistantId: fx.assistant }),
    keys: await alice.account.listApiKeys.query(),
    threadCount: await alice.threads.count.query(),
    crons: await alice.crons.list.query(),
  };
}

function noSecret(answer: unknown): void {
  const text =
    answer instanceof Error ? JSON.stringify({ message: answer.message, data: (answer as ApiError).data }) : JSON.stringify(answer);
  expect(text ?? "", "the answer carries the owner's data").not.toContain(SECRET);
}

/**
 * The call fails for the owner's id exactly as for an id nobody has: same code,
 * same message with the id put aside, none of the owner's data.
 */
async function likeMissing(call: (id: string) => Promise<unknown>, ownersId: string, code = "NOT_FOUND"): Promise<void> {
  const missingId = randomUUID();
  const theirs = await failure(call(ownersId));
  const nobodys = await failure(call(missingId));
  expect(theirs.data?.code, theirs.message).toBe(code);
  expect(theirs.data?.code).toBe(nobodys.data?.code);
  expect(theirs.message.replaceAll(ownersId, "<id>")).toBe(nobodys.message.replaceAll(missingId, "<id>"));
  noSecret(theirs);
}

function streamOf(client: ApiClient, runId: string): Recording<StreamItem> {
  return record<StreamItem>((h) => client.runs.stream.subscribe({ runId }, h));
}

async function streamFailure<T>(recording: Recording<T>): Promise<ApiError> {
  const err = await recording.done.then(
    () => new Error("expected the stream to fail, but it ended"),
    (e: unknown) => e,
  );
  recording.stop();
  if (!(err instanceof Error) || !("data" in err)) throw err;
  return err as ApiError;
}

async function pendingStill(fx: Fixture): Promise<void> {
  expect((await fx.alice.runs.get.query({ runId: fx.pendingRun })).status).toBe("pending");
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

type Case = (fx: Fixture) => Promise<void>;

/** One case per procedure, keyed by its path in the router. */
const cases: Record<string, Case> = {
  // ---- account
  "account.me": async ({ bob, bobId }) => {
    expect(await bob.account.me.query()).toMatchObject({ userId: bobId, role: "user" });
  },
  "account.createApiKey": async ({ server, bob, bobId }) => {
    const made = await bob.account.createApiKey.mutate({ name: "bob's" });
    expect((await createApiClient({ url: server.url, apiKey: made.key }).account.me.query()).userId).toBe(bobId);
  },
  "account.listApiKeys": async ({ bob, keyId }) => {
    const keys = await bob.account.listApiKeys.query({ limit: 100 });
    expect(keys.items.length).toBeGreaterThan(0);
    expect(ids(keys.items)).not.toContain(keyId);
    noSecret(keys);
  },
  "account.owners": async ({ bob, bobId, aliceId }) => {
    // a user filters by no one but themselves: the operators' emails are an admin's to see
    const owners = await bob.account.owners.query({});
    expect(owners.map((o) => o.id)).toEqual([bobId]);
    expect(owners.map((o) => o.id)).not.toContain(aliceId);
  },
  "account.revokeApiKey": async ({ server, bob, keyId, key, aliceId }) => {
    await likeMissing((id) => bob.account.revokeApiKey.mutate({ keyId: id }), keyId);
    expect((await createApiClient({ url: server.url, apiKey: key }).account.me.query()).userId).toBe(aliceId);
  },

  // ---- testing: the server runs in test mode here, yet only an admin may empty the data
  "testing.resetData": async ({ bob }) => {
    const refused = await failure(bob.testing.resetData.mutate({}));
    expect(refused.data?.code).toBe("FORBIDDEN");
    expect(refused.message).toBe("resetData needs an admin: it empties every user's data");
  },

  // ---- assistants: shared for reading, changed only by their owner
  "assistants.list": async ({ bob, assistant }) => {
    expect(ids((await bob.assistants.list.query({ graphId: "trivial", limit: 100 })).items)).toContain(assistant);
  },
  "assistants.search": async ({ bob, assistant }) => {
    expect(ids((await bob.assistants.search.query({ name: "alice's assistant" })).items)).toEqual([assistant]);
  },
  "assistants.count": async ({ bob }) => {
    expect(await bob.assistants.count.query({ name: "alice's assistant" })).toBe(1);
  },
  "assistants.get": async ({ bob, assistant, aliceId }) => {
    expect(await bob.assistants.get.query({ assistantId: assistant })).toMatchObject({ id: assistant, ownerId: aliceId, version: 1 });
  },
  "assistants.create": async ({ bob, assistant, aliceId }) => {
    const taken = await failure(bob.assistants.create.mutate({ graphId: "trivial", assistantId: assistant, name: "bob's" }));
    expect(taken.data?.code).toBe("CONFLICT");
    // do_nothing hands the shared assistant back as it is: still Alice's, unchanged
    const same = await bob.assistants.create.mutate({ graphId: "trivial", assistantId: assistant, name: "bob's", ifExists: "do_nothing" });
    expect(same).toMatchObject({ id: assistant, ownerId: aliceId, name: "alice's assistant", version: 1 });
  },
  "assistants.update": async ({ bob, assistant }) => {
    const err = await failure(bob.assistants.update.mutate({ assistantId: assistant, name: "bob's", metadata: { by: "bob" } }));
    expect(err.data?.code).toBe("NOT_FOUND");
  },
  "assistants.delete": async ({ bob, assistant }) => {
    for (const deleteThreads of [false, true]) {
      expect((await failure(bob.assistants.delete.mutate({ assistantId: assistant, deleteThreads }))).data?.code).toBe("NOT_FOUND");
    }
  },
  "assistants.versions": async ({ bob, assistant }) => {
    expect((await bob.assistants.versions.query({ assistantId: assistant })).map((v) => v.version)).toEqual([1]);
  },
  "assistants.setLatest": async ({ bob, assistant }) => {
    // the same answer whether the version exists or not: nothing of hers is told
    for (const version of [1, 99]) {
      const err = await failure(bob.assistants.setLatest.mutate({ assistantId: assistant, version }));
      expect(err.data?.code).toBe("NOT_FOUND");
    }
  },

  // ---- feedback
  "feedback.create": async ({ bob, run }) => {
    await likeMissing((id) => bob.feedback.create.mutate({ runId: id, key: "alice-key", score: 0, comment: "bob was here" }), run);
  },
  "feedback.list": async ({ bob, run, thread }) => {
    await likeMissing((id) => bob.feedback.list.query({ runId: id }), run);
    await likeMissing((id) => bob.feedback.list.query({ threadId: id }), thread);
  },
  "feedback.delete": async ({ bob, feedbackId }) => {
    await likeMissing((id) => bob.feedback.delete.mutate({ feedbackId: id }), feedbackId);
  },
  "feedback.summary": async ({ bob }) => {
    expect(await bob.feedback.summary.query()).toEqual([{ key: "bob-key", count: 1, meanScore: 0 }]);
    // her feedback is on an agent run too
    expect(await bob.feedback.summary.query({ assistantId: "agent" })).toEqual([{ key: "bob-key", count: 1, meanScore: 0 }]);
  },

  // ---- runs
  "runs.create": async ({ bob, thread, busyThread, bobThread }) => {
    const request = (threadId: string) => ({ threadId, assistantId: "trivial", input: {} });
    await likeMissing((id) => bob.runs.create.mutate(request(id)), thread);
    // (for an id nobody has, this would create the thread)
    const create = await failure(bob.runs.create.mutate({ ...request(thread), ifNotExists: "create" }));
    expect(create.data?.code).toBe("NOT_FOUND");
    for (const multitaskStrategy of ["interrupt", "rollback", "enqueue"] as const) {
      await likeMissing((id) => bob.runs.create.mutate({ ...request(id), multitaskStrategy }), busyThread);
    }
    // his run given her checkpoint id (in setUp) started from nothing of hers
    noSecret(await bob.threads.state.query({ threadId: bobThread }));
    noSecret(await bob.threads.history.query({ threadId: bobThread, limit: 100 }));
  },
  "runs.get": async ({ bob, run }) => {
    await likeMissing((id) => bob.runs.get.query({ runId: id }), run);
  },
  "runs.list": async ({ bob, bobId, aliceId, run, pendingRun, thread, bobRun }) => {
    const all = await bob.runs.list.query({ limit: 100 });
    // the owners named are his alone
    expect(Object.keys(all.owners)).toEqual([bobId]);
    // a find by her text, her run's id, her thread's id or with her as owner finds nothing of hers
    for (const text of [SECRET, SECRET.toUpperCase(), run, run.slice(-8), thread]) {
      expect((await bob.runs.list.query({ text, limit: 100 })).items).toEqual([]);
    }
    expect((await bob.runs.list.query({ ownerId: aliceId })).items).toEqual([]);
    expect((await bob.runs.list.query({ metadata: { secret: SECRET } })).items).toEqual([]);
    expect(ids(all.items)).toContain(bobRun);
    expect(ids(all.items)).not.toEqual(expect.arrayContaining([run]));
    expect(ids(all.items)).not.toContain(pendingRun);
    expect((await bob.runs.list.query({ threadId: thread })).items).toEqual([]);
    expect(ids((await bob.runs.list.query({ assistantId: "agent", limit: 100 })).items)).not.toContain(run);
    expect(ids((await bob.runs.list.query({ status: "pending", limit: 100 })).items)).not.toContain(pendingRun);
    noSecret(all);
  },
  "runs.trace": async ({ bob, run, pendingRun }) => {
    await likeMissing((id) => bob.runs.trace.query({ runId: id }), run);
    await likeMissing((id) => bob.runs.trace.query({ runId: id }), pendingRun);
  },
  "runs.join": async ({ bob, run, pendingRun }) => {
    await likeMissing((id) => bob.runs.join.query({ runId: id }), run);
    await likeMissing((id) => bob.runs.join.query({ runId: id, onDisconnect: "cancel" }), pendingRun);
  },
  "runs.cancel": async (fx) => {
    for (const action of ["interrupt", "rollback"] as const) {
      await likeMissing((id) => fx.bob.runs.cancel.mutate({ runId: id, action, wait: true }), fx.pendingRun);
    }
    await pendingStill(fx);
  },
  "runs.cancelMany": async (fx) => {
    const { bob, bobThread } = fx;
    await likeMissing((id) => bob.runs.cancelMany.mutate({ runIds: [id] }), fx.pendingRun);
    await likeMissing((id) => bob.runs.cancelMany.mutate({ threadId: id }), fx.busyThread);
    await likeMissing((id) => bob.runs.cancelMany.mutate({ threadId: bobThread, runIds: [id] }), fx.pendingRun);
    // by status: his own pending run only
    const own = await bob.runs.create.mutate({ threadId: bobThread, assistantId: "trivial", input: {}, ...LATER });
    const cancelled = await bob.runs.cancelMany.mutate({ status: "all", action: "rollback" });
    expect(ids(cancelled)).toEqual([own.id]);
    await pendingStill(fx);
  },
  "runs.delete": async ({ bob, run }) => {
    await likeMissing((id) => bob.runs.delete.mutate({ runId: id }), run);
  },
  "runs.stream": async ({ bob, run }) => {
    const missing = randomUUID();
    const theirs = await streamFailure(streamOf(bob, run));
    const nobodys = await streamFailure(streamOf(bob, missing));
    expect(theirs.data?.code).toBe("NOT_FOUND");
    expect(theirs.message.replaceAll(run, "<id>")).toBe(nobodys.message.replaceAll(missing, "<id>"));
    noSecret(theirs);
  },
  "runs.watch": async ({ alice, bob, bobThread, quietThread }) => {
    const watch = record<WatchItem>((h) => bob.runs.watch.subscribe(undefined, h));
    await watch.started;
    const hers = await alice.runs.create.mutate({ threadId: quietThread, assistantId: "trivial", input: {}, metadata: { secret: SECRET } });
    await alice.runs.join.query({ runId: hers.id });
    const his = await bob.runs.create.mutate({ threadId: bobThread, assistantId: "trivial", input: {} });
    // one ordered feed: once his later run has ended there, her earlier one would have shown
    await watch.waitFor((i) => i.run.id === his.id && i.run.status === "success");
    watch.stop();
    expect([...new Set(watch.items.map((i) => i.run.id))]).toEqual([his.id]);
    noSecret(watch.items);
  },

  // ---- threads
  "threads.create": async ({ bob, thread }) => {
    for (const ifExists of ["raise", "do_nothing"] as const) {
      const err = await failure(bob.threads.create.mutate({ threadId: thread, ifExists, metadata: { by: "bob" } }));
      expect(err.data?.code).toBe("CONFLICT");
      noSecret(err);
    }
  },
  "threads.get": async ({ bob, thread }) => {
    await likeMissing((id) => bob.threads.get.query({ threadId: id }), thread);
  },
  "threads.list": async ({ bob, bobId, aliceId, thread, busyThread, bobThread }) => {
    const page = await bob.threads.list.query({ limit: 100 });
    expect(Object.keys(page.owners)).toEqual([bobId]);
    for (const text of [SECRET, SECRET.toUpperCase(), thread, thread.slice(-8)]) {
      expect((await bob.threads.list.query({ text, limit: 100 })).items).toEqual([]);
    }
    expect((await bob.threads.list.query({ ownerId: aliceId })).items).toEqual([]);
    expect(ids(page.items)).toContain(bobThread);
    expect(ids(page.items)).not.toContain(thread);
    expect(ids(page.items)).not.toContain(busyThread);
    expect((await bob.threads.list.query({ metadata: { secret: SECRET } })).items).toEqual([]);
    expect((await bob.threads.list.query({ status: "busy" })).items).toEqual([]);
    noSecret(page);
  },
  "crons.list": async ({ bob, thread, cron }) => {
    const all = await bob.crons.list.query({ limit: 1000 });
    expect(all.items.map((c) => c.id)).not.toContain(cron);
    noSecret(all);
    expect((await bob.crons.list.query({ threadId: thread })).items).toEqual([]);
    expect((await bob.crons.list.query({ metadata: { secret: SECRET } })).items).toEqual([]);
  },
  "crons.get": async ({ bob, cron }) => {
    await likeMissing((id) => bob.crons.get.query({ cronId: id }), cron);
  },
  "crons.create": async ({ bob, thread }) => {
    await likeMissing(
      (id) => bob.crons.create.mutate({ assistantId: "trivial", threadId: id, schedule: "0 0 1 1 *", enabled: false }),
      thread,
    );
  },
  "crons.update": async ({ bob, cron }) => {
    await likeMissing((id) => bob.crons.update.mutate({ cronId: id, enabled: true, metadata: { by: "bob" } }), cron);
  },
  "crons.pause": async ({ bob, cron }) => {
    await likeMissing((id) => bob.crons.pause.mutate({ cronId: id, paused: false }), cron);
  },
  "crons.delete": async ({ bob, cron }) => {
    await likeMissing((id) => bob.crons.delete.mutate({ cronId: id }), cron);
  },

  "threads.search": async ({ bob, thread, busyThread }) => {
    expect((await bob.threads.search.query({ ids: [thread, busyThread] })).items).toEqual([]);
    expect((await bob.threads.search.query({ metadata: { secret: SECRET } })).items).toEqual([]);
    expect((await bob.threads.search.query({ status: "busy" })).items).toEqual([]);
    const all = await bob.threads.search.query({ limit: 100 });
    expect(ids(all.items)).not.toContain(thread);
    noSecret(all);
  },
  "threads.count": async ({ alice, bob, thread }) => {
    expect(await alice.threads.count.query({ metadata: { secret: SECRET } })).toBe(2);
    expect(await bob.threads.count.query({ metadata: { secret: SECRET } })).toBe(0);
    expect(await bob.threads.count.query({ ids: [thread] })).toBe(0);
    expect(await bob.threads.count.query({ status: "busy" })).toBe(0);
  },
  "threads.update": async ({ bob, thread }) => {
    await likeMissing((id) => bob.threads.update.mutate({ threadId: id, metadata: { secret: "overwritten" } }), thread);
  },
  "threads.delete": async (fx) => {
    await likeMissing((id) => fx.bob.threads.delete.mutate({ threadId: id }), fx.thread);
    // a thread with a run in flight: refusing must come before its runs are cancelled
    await likeMissing((id) => fx.bob.threads.delete.mutate({ threadId: id }), fx.busyThread);
    await pendingStill(fx);
  },
  "threads.patchState": async ({ bob, thread, checkpointId, bobThread }) => {
    await likeMissing((id) => bob.threads.patchState.mutate({ threadId: id, metadata: { secret: "overwritten" } }), thread);
    // her checkpoint is not one of his thread's
    await likeMissing(
      (id) => bob.threads.patchState.mutate({ threadId: bobThread, metadata: { by: "bob" }, checkpointId: id }),
      checkpointId,
    );
  },
  "threads.prune": async (fx) => {
    // her threads are passed over as missing ones are: nothing pruned, nothing cancelled
    for (const strategy of ["delete", "keep_latest"] as const) {
      expect(await fx.bob.threads.prune.mutate({ threadIds: [fx.thread, fx.busyThread, randomUUID()], strategy })).toEqual({
        prunedCount: 0,
      });
    }
    await pendingStill(fx);
  },
  "threads.stream": async ({ bob, thread }) => {
    const missing = randomUUID();
    const subscribe = (threadId: string) =>
      record<unknown>((h) => bob.threads.stream.subscribe({ threadId, lastEventId: "-1", streamMode: ["run_modes", "state_update"] }, h));
    const theirs = await streamFailure(subscribe(thread));
    const nobodys = await streamFailure(subscribe(missing));
    expect(theirs.data?.code).toBe("NOT_FOUND");
    expect(theirs.message.replaceAll(thread, "<id>")).toBe(nobodys.message.replaceAll(missing, "<id>"));
    noSecret(theirs);
  },
  "threads.copy": async ({ bob, thread }) => {
    const before = await bob.threads.count.query();
    await likeMissing((id) => bob.threads.copy.mutate({ threadId: id }), thread);
    expect(await bob.threads.count.query()).toBe(before);
  },
  "threads.state": async ({ bob, thread, checkpointId, bobThread }) => {
    await likeMissing((id) => bob.threads.state.query({ threadId: id }), thread);
    await likeMissing((id) => bob.threads.state.query({ threadId: id, checkpointId, subgraphs: true }), thread);
    // her checkpoint is not one of his thread's
    await likeMissing((id) => bob.threads.state.query({ threadId: bobThread, checkpointId: id }), checkpointId);
  },
  "threads.history": async ({ bob, thread, checkpointId, bobThread }) => {
    await likeMissing((id) => bob.threads.history.query({ threadId: id }), thread);
    noSecret(await bob.threads.history.query({ threadId: bobThread, cursor: checkpointId, limit: 100 }));
  },
  "threads.updateState": async ({ bob, thread, checkpointId, bobThread }) => {
    await likeMissing((id) => bob.threads.updateState.mutate({ threadId: id, values: { messages: [] } }), thread);
    await likeMissing(
      (id) => bob.threads.updateState.mutate({ threadId: bobThread, values: { count: 1 }, checkpointId: id }),
      checkpointId,
    );
  },

  // ---- graphs: what the server serves is no one's; reloading is for admins
  "graphs.status": async ({ bob }) => {
    noSecret(await bob.graphs.status.query());
  },
  "graphs.reload": async ({ server, bob }) => {
    const before = await server.admin.graphs.status.query();
    expect((await failure(bob.graphs.reload.mutate())).data?.code).toBe("NOT_FOUND");
    expect((await server.admin.graphs.status.query()).loadedAt).toEqual(before.loadedAt);
  },

  // ---- usage
  "usage.byRun": async ({ bob, run }) => {
    await likeMissing((id) => bob.usage.byRun.query({ runId: id }), run);
  },
  "usage.byThread": async ({ bob, thread }) => {
    await likeMissing((id) => bob.usage.byThread.query({ threadId: id }), thread);
  },
  "usage.summary": async ({ server, bob, bobThread }) => {
    const window = { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) };
    const own = (await bob.usage.byThread.query({ threadId: bobThread })).total.totalTokens;
    const tokens = (buckets: { totals: { totalTokens: number } }[]) => buckets.reduce((sum, b) => sum + b.totals.totalTokens, 0);
    // there is usage to leak: Alice's agent run used tokens too
    expect(tokens(await server.admin.usage.summary.query(window))).toBeGreaterThan(own);
    expect(own).toBeGreaterThan(0);
    expect(tokens(await bob.usage.summary.query(window))).toBe(own);
    expect(tokens(await bob.usage.summary.query({ ...window, groupBy: "caller", bucket: "day" }))).toBe(own);
  },
  "usage.top": async ({ server, bob, thread, bobThread }) => {
    const own = (await bob.usage.byThread.query({ threadId: bobThread })).total.totalTokens;
    expect(ids(await server.admin.usage.top.query({ by: "thread" }))).toContain(thread);
    expect(ids(await bob.usage.top.query({ by: "thread" }))).toEqual([bobThread]);
    expect((await bob.usage.top.query({ by: "assistant" })).map((t) => t.totals.totalTokens)).toEqual([own]);
  },
};

/** Every procedure path of the router, e.g. "threads.get". */
const procedures = Object.keys(appRouter._def.procedures).sort();

describe.each(testTargets)("another user's calls on $provider", (target) => {
  let fx: Fixture;
  let before: Awaited<ReturnType<typeof ownerView>>;
  beforeAll(async () => {
    fx = await setUp(await startTestServer({ target, env: { LGRS_TEST_MODE: "1" } }));
    before = await ownerView(fx);
  }, 120_000);
  afterAll(() => fx?.server.stop());

  it("every procedure of the router has a case, and every case a procedure", () => {
    expect(procedures.length).toBeGreaterThan(30);
    expect(procedures.filter((p) => !(p in cases))).toEqual([]);
    expect(Object.keys(cases).filter((c) => !procedures.includes(c))).toEqual([]);
  });

  for (const path of procedures) {
    it(`${path} reaches nothing of the owner's`, async () => {
      const run = cases[path];
      if (!run) throw new Error(`no isolation case for ${path}`);
      await run(fx);
    });
  }

  it("the owner finds every resource as it was", async () => {
    expect(await ownerView(fx)).toEqual(before);
    await pendingStill(fx);
    const state = await fx.alice.threads.state.query({ threadId: fx.thread });
    expect(JSON.stringify(state.values)).toContain(SECRET);
  });
});
