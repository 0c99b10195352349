/**
 * Every `runs` procedure over HTTP, as a user of the typed client sees it:
 * creating runs (on a thread, stateless, each multitask strategy on a busy
 * thread), reading, listing, joining, cancelling, resuming an interrupted graph,
 * input validation, and what one user can and cannot see of another's runs.
 *
 * Stateless runs here keep their temporary thread (`onCompletion: "keep"`): the
 * tests read them after their end. The default, deleting it, is tested through
 * both API doors in apps/web/test/one-door-runs.test.ts.
 */
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../src/client.ts";
import type { FieldIssue } from "../src/trpc.ts";
import { record, type Recording } from "./support/recorder.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

type StreamHandlers = NonNullable<Parameters<ApiClient["runs"]["stream"]["subscribe"]>[1]>;
type StreamItem = Parameters<NonNullable<StreamHandlers["onData"]>>[0];
type WatchHandlers = NonNullable<Parameters<ApiClient["runs"]["watch"]["subscribe"]>[1]>;
type WatchItem = Parameters<NonNullable<WatchHandlers["onData"]>>[0];
type Run = Awaited<ReturnType<ApiClient["runs"]["get"]["query"]>>;

const SLOW_STEPS = ["plan", "research", "draft", "review", "publish"];
/** a slow run that finishes quickly, for tests that only need it to run to its end */
const QUICK = { config: { configurable: { step_delay_ms: 10 } } };

let server: TestServer;
beforeAll(async () => (server = await startTestServer()), 120_000);
afterAll(() => server?.stop());

/** What a failed call tells its caller: the tRPC code, the field issues, the message. */
async function failure(call: Promise<unknown>): Promise<{ code: string; issues: FieldIssue[] | null; message: string }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof TRPCClientError)) throw err;
    const data = err.data as { code: string; issues?: FieldIssue[] | null } | undefined;
    return { code: data?.code ?? "?", issues: data?.issues ?? null, message: err.message };
  }
  throw new Error("the call succeeded, but it was expected to fail");
}

async function newThread(client: ApiClient): Promise<string> {
  return (await client.threads.create.mutate({})).id;
}

function streamOf(client: ApiClient, runId: string): Recording<StreamItem> {
  return record<StreamItem>((h) => client.runs.stream.subscribe({ runId }, h));
}

/** Resolves once the run has published an event matching `match` (the first event: it is running). */
async function reached(client: ApiClient, runId: string, match: (item: StreamItem) => boolean = () => true): Promise<void> {
  const rec = streamOf(client, runId);
  try {
    await rec.waitFor((item) => item.data.type === "event" && match(item));
  } finally {
    rec.stop();
  }
}

const firstUpdate = (item: StreamItem) => item.data.type === "event" && item.data.event === "updates";

/** The slow graph's steps recorded on the thread. */
async function stepsOn(client: ApiClient, threadId: string): Promise<string[]> {
  const state = await client.threads.state.query({ threadId });
  return ((state.values as { steps?: string[] } | null)?.steps ?? []) as string[];
}

describe("create", () => {
  it("starts a run on a thread, which runs to success", async () => {
    const { client, user } = await server.user();
    const threadId = await newThread(client);
    const run = await client.runs.create.mutate({ threadId, assistantId: "trivial", input: { count: 1 }, metadata: { purpose: "test" } });
    expect(run).toMatchObject({
      threadId,
      ownerId: user.id,
      status: "pending",
      multitaskStrategy: "reject",
      metadata: { purpose: "test" },
    });
    expect(run.kwargs).toMatchObject({ input: { count: 1 } });
    expect(run.createdAt).toBeInstanceOf(Date);

    const done = await client.runs.join.query({ runId: run.id });
    expect(done).toMatchObject({ id: run.id, status: "success", error: null });
    expect(done.startedAt).toBeInstanceOf(Date);
    expect(done.endedAt!.getTime()).toBeGreaterThanOrEqual(done.startedAt!.getTime());
    expect(await client.threads.get.query({ threadId })).toMatchObject({ status: "idle", metadata: { graph_id: "trivial" } });
  });

  it('durability "exit" saves the run\'s checkpoints only at its end: fewer than a run saving each step, the same end state', async () => {
    const { client } = await server.user();
    const historyOf = async (durability?: "exit" | "sync") => {
      const threadId = await newThread(client);
      const run = await client.runs.create.mutate({
        threadId,
        assistantId: "slow",
        input: {},
        durability,
        config: { configurable: { step_delay_ms: 0 } },
      });
      expect((await client.runs.join.query({ runId: run.id })).status).toBe("success");
      const history = await client.threads.history.query({ threadId, limit: 100 });
      return { run, count: history.items.length, values: (await client.threads.state.query({ threadId })).values };
    };
    const stepwise = await historyOf("sync");
    const exit = await historyOf("exit");
    expect(exit.run.kwargs).toMatchObject({ durability: "exit" });
    expect(exit.count).toBeLessThan(stepwise.count);
    expect(exit.values).toEqual(stepwise.values);
  });

  it("starts a stateless run (threadId null) on a thread of its own", async () => {
    const { client } = await server.user();
    const a = await client.runs.create.mutate({ threadId: null, onCompletion: "keep", assistantId: "trivial", input: { count: 1 } });
    const b = await client.runs.create.mutate({ threadId: null, onCompletion: "keep", assistantId: "trivial", input: { count: 1 } });
    expect(a.threadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.threadId).not.toBe(a.threadId);
    expect((await client.runs.join.query({ runId: a.id })).status).toBe("success");
    expect((await client.runs.join.query({ runId: b.id })).status).toBe("success");
  });

  it("refuses a second run on a busy thread by default (reject): CONFLICT", async () => {
    const { client } = await server.user();
    const threadId = await newThread(client);
    const first = await client.runs.create.mutate({ threadId, assistantId: "slow", input: {} });
    const refused = await failure(client.runs.create.mutate({ threadId, assistantId: "slow", input: {}, multitaskStrategy: "reject" }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toContain(first.id);
    // the refused request left no run behind
    const runs = await client.runs.list.query({ threadId });
    expect(runs.items.map((r) => r.id)).toEqual([first.id]);
    await client.runs.cancel.mutate({ runId: first.id, wait: true });
  });

  it("interrupt: the run in flight ends interrupted, keeping its work, and the new run succeeds", async () => {
    const { client } = await server.user();
    const threadId = await newThread(client);
    const first = await client.runs.create.mutate({ threadId, assistantId: "slow", input: {}, streamMode: ["updates"] });
    await reached(client, first.id, firstUpdate);
    const second = await client.runs.create.mutate({ threadId, assistantId: "slow", input: {}, multitaskStrategy: "interrupt", ...QUICK });
    expect(second.multitaskStrategy).toBe("interrupt");

    const stopped = await client.runs.join.query({ runId: first.id });
    expect(stopped.status).toBe("interrupted");
    expect(stopped.rolledBackAt).toBeNull();
    const done = await client.runs.join.query({ runId: second.id });
    expect(done.status).toBe("success");
    expect(done.startedAt!.getTime()).toBeGreaterThanOrEqual(stopped.endedAt!.getTime());
    // the interrupted run's finished steps stay on the thread, before the new run's
    const steps = await stepsOn(client, threadId);
    expect(steps[0]).toBe("plan");
    expect(steps.slice(-5)).toEqual(SLOW_STEPS);
    expect(steps.length).toBeGreaterThan(5);
  });

  it("rollback: the run in flight ends interrupted and rolled back, and the new run succeeds on the thread as before it", async () => {
    const { client } = await server.user();
    const threadId = await newThread(client);
    const first = await client.runs.create.mutate({ threadId, assistantId: "slow", input: {}, streamMode: ["updates"] });
    await reached(client, first.id, firstUpdate);
    const second = await client.runs.create.mutate({ threadId, assistantId: "slow", input: {}, multitaskStrategy: "rollback", ...QUICK });

    const stopped = await client.runs.join.query({ runId: first.id });
    expect(stopped.status).toBe("interrupted");
    expect(stopped.rolledBackAt).toBeInstanceOf(Date);
    expect((await client.runs.join.query({ runId: second.id })).status).toBe("success");
    // nothing of the rolled back run is left: only the new run's steps
    expect(await stepsOn(client, threadId)).toEqual(SLOW_STEPS);
  });

  it("enqueue: runs wait for the thread and run one after another in the order they were created", async () => {
    const { client } = await server.user();
    const threadId = await newThread(client);
    const a = await client.runs.create.mutate({
      threadId,
      assistantId: "slow",
      input: {},
      config: { configurable: { step_delay_ms: 50 } },
    });
    const b = await client.runs.create.mutate({ threadId, assistantId: "slow", input: {}, multitaskStrategy: "enqueue", ...QUICK });
    const c = await client.runs.create.mutate({ threadId, assistantId: "slow", input: {}, multitaskStrategy: "enqueue", ...QUICK });
    expect([b.status, c.status]).toEqual(["pending", "pending"]);

    const [ra, rb, rc] = await Promise.all([a, b, c].map((r) => client.runs.join.query({ runId: r.id })));
    expect([ra!.status, rb!.status, rc!.status]).toEqual(["success", "success", "success"]);
    expect(rb!.startedAt!.getTime()).toBeGreaterThanOrEqual(ra!.endedAt!.getTime());
    expect(rc!.startedAt!.getTime()).toBeGreaterThanOrEqual(rb!.endedAt!.getTime());
    expect(await stepsOn(client, threadId)).toEqual([...SLOW_STEPS, ...SLOW_STEPS, ...SLOW_STEPS]);
  });

  it("NOT_FOUND for an unknown assistant or thread", async () => {
    const { client } = await server.user();
    const noAssistant = await failure(client.runs.create.mutate({ threadId: null, assistantId: "no-such-graph" }));
    expect(noAssistant).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("no-such-graph") });
    const noThread = await failure(client.runs.create.mutate({ threadId: crypto.randomUUID(), assistantId: "trivial" }));
    expect(noThread.code).toBe("NOT_FOUND");
    expect((await client.runs.list.query()).items).toEqual([]);
  });
});

describe("validation", () => {
  it("answers BAD_REQUEST naming the bad field, and creates nothing", async () => {
    const { client } = await server.user();

    const badUuid = await failure(client.runs.get.query({ runId: "not-a-uuid" }));
    expect(badUuid).toMatchObject({ code: "BAD_REQUEST", issues: [{ path: "runId", message: expect.stringMatching(/uuid/i) }] });
    expect(badUuid.message).toMatch(/^runId: /);

    const badThread = await failure(client.runs.create.mutate({ threadId: "thread-1", assistantId: "trivial" }));
    expect(badThread).toMatchObject({ code: "BAD_REQUEST", issues: [{ path: "threadId" }] });

    const badMode = await failure(
      client.runs.create.mutate({ threadId: null, assistantId: "trivial", streamMode: ["values", "everything" as "values"] }),
    );
    expect(badMode).toMatchObject({
      code: "BAD_REQUEST",
      issues: [{ path: "streamMode.1", message: expect.stringContaining("messages-tuple") }],
    });

    const unknownField = await failure(
      client.runs.create.mutate({ threadId: null, assistantId: "trivial", stream_mode: ["values"] } as never),
    );
    expect(unknownField).toMatchObject({ code: "BAD_REQUEST", issues: [{ path: "stream_mode", message: "unknown field" }] });

    const badDurability = await failure(
      client.runs.create.mutate({ threadId: null, assistantId: "trivial", durability: "never" as "exit" }),
    );
    expect(badDurability).toMatchObject({ code: "BAD_REQUEST", issues: [{ path: "durability" }] });

    const negative = await failure(client.runs.create.mutate({ threadId: null, assistantId: "trivial", afterSeconds: -1 }));
    expect(negative).toMatchObject({ code: "BAD_REQUEST", issues: [{ path: "afterSeconds" }] });

    const badCancel = await failure(client.runs.cancel.mutate({ runId: crypto.randomUUID(), action: "delete" as "interrupt" }));
    expect(badCancel).toMatchObject({ code: "BAD_REQUEST", issues: [{ path: "action" }] });

    const badStatus = await failure(client.runs.list.query({ status: ["success", "done" as "success"] }));
    expect(badStatus).toMatchObject({ code: "BAD_REQUEST", issues: [{ path: "status" }] });

    const badCursor = await failure(client.runs.list.query({ cursor: "not-a-cursor" }));
    expect(badCursor.code).toBe("BAD_REQUEST");

    const badLastEvent = record<StreamItem>((h) => client.runs.stream.subscribe({ runId: crypto.randomUUID(), lastEventId: "seven" }, h));
    await expect(badLastEvent.done).rejects.toMatchObject({ data: { code: "BAD_REQUEST", issues: [{ path: "lastEventId" }] } });

    expect((await client.runs.list.query()).items).toEqual([]);
  });
});

describe("get, join", () => {
  it("get returns the run as it is now; join waits for its final status", async () => {
    const { client } = await server.user();
    const run = await client.runs.create.mutate({
      threadId: null,
      onCompletion: "keep",
      assistantId: "slow",
      input: {},
      config: { configurable: { step_delay_ms: 300 } },
    });
    await reached(client, run.id);
    const now = await client.runs.get.query({ runId: run.id });
    expect(now).toMatchObject({ id: run.id, status: "running", endedAt: null });

    const done = await client.runs.join.query({ runId: run.id });
    expect(done.status).toBe("success");
    expect(await client.runs.get.query({ runId: run.id })).toEqual(done);
    // a finished run is joined at once
    expect(await client.runs.join.query({ runId: run.id })).toEqual(done);
  });

  it("NOT_FOUND for a run that does not exist", async () => {
    const { client } = await server.user();
    const runId = crypto.randomUUID();
    expect((await failure(client.runs.get.query({ runId }))).code).toBe("NOT_FOUND");
    expect((await failure(client.runs.join.query({ runId }))).code).toBe("NOT_FOUND");
    expect((await failure(client.runs.cancel.mutate({ runId }))).code).toBe("NOT_FOUND");
  });
});

describe("list", () => {
  let client: ApiClient;
  let me: { id: string; email: string };
  const runs: Record<"r1" | "r2" | "r3" | "r4" | "r5", Run> = {} as never;
  let threadA: string;
  let threadB: string;

  // five runs, each created after the previous one finished, so their creation times differ:
  // r1, r2 trivial on thread A; r3 human on thread B; r4 failing (stateless); r5 slow, cancelled
  beforeAll(async () => {
    ({ client, user: me } = await server.user());
    threadA = await newThread(client);
    threadB = await newThread(client);
    const finish = async (run: Run) => client.runs.join.query({ runId: run.id });
    runs.r1 = await finish(await client.runs.create.mutate({ threadId: threadA, assistantId: "trivial", input: { count: 1 } }));
    runs.r2 = await finish(await client.runs.create.mutate({ threadId: threadA, assistantId: "trivial", input: { count: 1 } }));
    runs.r3 = await finish(await client.runs.create.mutate({ threadId: threadB, assistantId: "human", input: { request: "list" } }));
    runs.r4 = await finish(await client.runs.create.mutate({ threadId: null, onCompletion: "keep", assistantId: "failing", input: {} }));
    const r5 = await client.runs.create.mutate({ threadId: null, onCompletion: "keep", assistantId: "slow", input: {} });
    await reached(client, r5.id);
    runs.r5 = await client.runs.cancel.mutate({ runId: r5.id, wait: true });
    expect([runs.r1, runs.r2, runs.r3, runs.r4, runs.r5].map((r) => r.status)).toEqual([
      "success",
      "success",
      "success",
      "error",
      "interrupted",
    ]);
  }, 60_000);

  const ids = (page: { items: Run[] }) => page.items.map((r) => r.id);

  it("lists the caller's runs, newest first", async () => {
    const page = await client.runs.list.query();
    expect(ids(page)).toEqual([runs.r5.id, runs.r4.id, runs.r3.id, runs.r2.id, runs.r1.id]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toEqual(runs.r5);
  });

  it("filters by thread and by assistant", async () => {
    expect(ids(await client.runs.list.query({ threadId: threadA }))).toEqual([runs.r2.id, runs.r1.id]);
    expect(ids(await client.runs.list.query({ threadId: threadB }))).toEqual([runs.r3.id]);
    expect(ids(await client.runs.list.query({ assistantId: runs.r1.assistantId }))).toEqual([runs.r2.id, runs.r1.id]);
    expect(ids(await client.runs.list.query({ assistantId: runs.r3.assistantId, threadId: threadA }))).toEqual([]);
  });

  it("filters by one status or several", async () => {
    expect(ids(await client.runs.list.query({ status: "error" }))).toEqual([runs.r4.id]);
    expect(ids(await client.runs.list.query({ status: ["interrupted", "error"] }))).toEqual([runs.r5.id, runs.r4.id]);
    expect(ids(await client.runs.list.query({ status: "success", threadId: threadA }))).toEqual([runs.r2.id, runs.r1.id]);
    expect(ids(await client.runs.list.query({ status: ["running", "pending"] }))).toEqual([]);
  });

  it("filters by creation time: createdAfter is inclusive, createdBefore exclusive", async () => {
    expect(ids(await client.runs.list.query({ createdAfter: runs.r3.createdAt }))).toEqual([runs.r5.id, runs.r4.id, runs.r3.id]);
    expect(ids(await client.runs.list.query({ createdBefore: runs.r3.createdAt }))).toEqual([runs.r2.id, runs.r1.id]);
    expect(ids(await client.runs.list.query({ createdAfter: runs.r2.createdAt, createdBefore: runs.r4.createdAt }))).toEqual([
      runs.r3.id,
      runs.r2.id,
    ]);
  });

  it("pages with the cursor: every run once, in order", async () => {
    const first = await client.runs.list.query({ limit: 2 });
    expect(ids(first)).toEqual([runs.r5.id, runs.r4.id]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await client.runs.list.query({ limit: 2, cursor: first.nextCursor });
    expect(ids(second)).toEqual([runs.r3.id, runs.r2.id]);
    const third = await client.runs.list.query({ limit: 2, cursor: second.nextCursor });
    expect(ids(third)).toEqual([runs.r1.id]);
    expect(third.nextCursor).toBeNull();
    // the cursor pages a filtered list too
    const failedOrStopped = await client.runs.list.query({ limit: 1, status: ["interrupted", "error"] });
    const rest = await client.runs.list.query({ limit: 1, status: ["interrupted", "error"], cursor: failedOrStopped.nextCursor });
    expect([...ids(failedOrStopped), ...ids(rest)]).toEqual([runs.r5.id, runs.r4.id]);
  });

  it("finds by text in the input or an id, by metadata, and names the page's owners", async () => {
    // r3's input is {request: "list"}; any case finds it
    expect(ids(await client.runs.list.query({ text: "LIST" }))).toEqual([runs.r3.id]);
    expect(ids(await client.runs.list.query({ text: runs.r4.id.slice(-8) }))).toEqual([runs.r4.id]);
    expect(ids(await client.runs.list.query({ text: threadA }))).toEqual([runs.r2.id, runs.r1.id]);
    // blank text is no filter
    expect(ids(await client.runs.list.query({ text: "  " }))).toHaveLength(5);
    expect(ids(await client.runs.list.query({ metadata: { nobody: "has this" } }))).toEqual([]);
    expect(ids(await client.runs.list.query({ ownerId: me.id, status: "error" }))).toEqual([runs.r4.id]);
    const page = await client.runs.list.query({ limit: 1 });
    expect(page.owners).toEqual({ [me.id]: { id: me.id, email: me.email, name: expect.any(String) } });
    const threads = await client.threads.list.query({ text: threadB.slice(-8) });
    expect(threads.items.map((t) => t.id)).toEqual([threadB]);
    expect(Object.keys(threads.owners)).toEqual([me.id]);
  });
});

describe("cancel", () => {
  it("interrupt with wait: returns the stopped run, and the thread keeps what the run did", async () => {
    const { client } = await server.user();
    const threadId = await newThread(client);
    const run = await client.runs.create.mutate({ threadId, assistantId: "slow", input: {}, streamMode: ["updates"] });
    await reached(client, run.id, firstUpdate);
    const stopped = await client.runs.cancel.mutate({ runId: run.id, wait: true });
    expect(stopped).toMatchObject({ id: run.id, status: "interrupted", rolledBackAt: null });
    expect(stopped.endedAt).toBeInstanceOf(Date);
    expect(await client.runs.get.query({ runId: run.id })).toEqual(stopped);
    expect((await stepsOn(client, threadId))[0]).toBe("plan");
    expect((await stepsOn(client, threadId)).length).toBeLessThan(5);
  });

  it("rollback with wait: returns the stopped run, marked rolled back, and the thread is as before it", async () => {
    const { client } = await server.user();
    const threadId = await newThread(client);
    const run = await client.runs.create.mutate({ threadId, assistantId: "slow", input: {}, streamMode: ["updates"] });
    await reached(client, run.id, firstUpdate);
    const stopped = await client.runs.cancel.mutate({ runId: run.id, action: "rollback", wait: true });
    expect(stopped).toMatchObject({ id: run.id, status: "interrupted" });
    expect(stopped.rolledBackAt).toBeInstanceOf(Date);
    expect(await stepsOn(client, threadId)).toEqual([]);
    expect((await client.threads.get.query({ threadId })).status).toBe("idle");
  });

  it("without wait: returns at once, before the run has stopped; the run then ends interrupted", async () => {
    const { client } = await server.user();
    const run = await client.runs.create.mutate({ threadId: null, onCompletion: "keep", assistantId: "slow", input: {} });
    await reached(client, run.id);
    const answer = await client.runs.cancel.mutate({ runId: run.id, wait: false });
    expect(answer).toMatchObject({ id: run.id, status: "running", endedAt: null });
    const stopped = await client.runs.join.query({ runId: run.id });
    expect(stopped.status).toBe("interrupted");
  });

  it("rollback without wait: the run later ends interrupted and rolled back", async () => {
    const { client } = await server.user();
    const run = await client.runs.create.mutate({ threadId: null, onCompletion: "keep", assistantId: "slow", input: {} });
    await reached(client, run.id);
    expect((await client.runs.cancel.mutate({ runId: run.id, action: "rollback" })).status).toBe("running");
    const stopped = await client.runs.join.query({ runId: run.id });
    expect(stopped.status).toBe("interrupted");
    expect(stopped.rolledBackAt).toBeInstanceOf(Date);
  });

  it("a queued run is cancelled before it ever starts", async () => {
    const { client } = await server.user();
    const threadId = await newThread(client);
    const first = await client.runs.create.mutate({
      threadId,
      assistantId: "slow",
      input: {},
      config: { configurable: { step_delay_ms: 200 } },
    });
    const queued = await client.runs.create.mutate({ threadId, assistantId: "slow", input: {}, multitaskStrategy: "enqueue" });
    const stopped = await client.runs.cancel.mutate({ runId: queued.id, wait: true });
    expect(stopped).toMatchObject({ status: "interrupted", startedAt: null });
    expect((await client.runs.join.query({ runId: first.id })).status).toBe("success");
    expect(await client.runs.get.query({ runId: queued.id })).toMatchObject({ status: "interrupted", startedAt: null });
  });

  it("cancelling a finished run returns it unchanged", async () => {
    const { client } = await server.user();
    const run = await client.runs.create.mutate({ threadId: null, onCompletion: "keep", assistantId: "trivial", input: { count: 1 } });
    const done = await client.runs.join.query({ runId: run.id });
    expect(await client.runs.cancel.mutate({ runId: run.id, wait: true })).toEqual(done);
    expect(await client.runs.cancel.mutate({ runId: run.id, action: "rollback" })).toEqual(done);
    expect(await client.runs.get.query({ runId: run.id })).toEqual(done);
  });
});

describe("human in the loop", () => {
  it("a run stops at the graph's interrupt(); a run with command.resume continues it", async () => {
    const { client } = await server.user();
    const threadId = await newThread(client);
    const asked = await client.runs.create.mutate({ threadId, assistantId: "human", input: { request: "deploy v2" } });
    expect((await client.runs.join.query({ runId: asked.id })).status).toBe("success");
    const waiting = await client.threads.get.query({ threadId });
    expect(waiting.status).toBe("interrupted");
    expect(waiting.interrupts).toMatchObject([{ value: { question: 'Approve "deploy v2"?', options: ["yes", "no"] } }]);

    const resumed = await client.runs.create.mutate({ threadId, assistantId: "human", command: { resume: "yes" } });
    expect(resumed.kwargs).toMatchObject({ command: { resume: "yes" } });
    expect((await client.runs.join.query({ runId: resumed.id })).status).toBe("success");
    const thread = await client.threads.get.query({ threadId });
    expect(thread.status).toBe("idle");
    expect(thread.values).toEqual({ request: "deploy v2", answer: "yes", approved: true, outcome: "approved" });
  });
});

describe("isolation between users", () => {
  it("a user cannot reach another's runs or threads, and watches only its own runs; an admin watches all", async () => {
    const owner = await server.user();
    const other = await server.user();
    const watches = {
      owner: record<WatchItem>((h) => owner.client.runs.watch.subscribe(undefined, h)),
      other: record<WatchItem>((h) => other.client.runs.watch.subscribe(undefined, h)),
      admin: record<WatchItem>((h) => server.admin.runs.watch.subscribe(undefined, h)),
    };
    await Promise.all(Object.values(watches).map((w) => w.started));

    const threadId = await newThread(owner.client);
    const run = await owner.client.runs.create.mutate({ threadId, assistantId: "trivial", input: { count: 1 } });
    await owner.client.runs.join.query({ runId: run.id });

    const runId = run.id;
    expect((await failure(other.client.runs.get.query({ runId }))).code).toBe("NOT_FOUND");
    expect((await failure(other.client.runs.join.query({ runId }))).code).toBe("NOT_FOUND");
    expect((await failure(other.client.runs.cancel.mutate({ runId, wait: true }))).code).toBe("NOT_FOUND");
    await expect(streamOf(other.client, runId).done).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    const onTheirThread = await failure(other.client.runs.create.mutate({ threadId, assistantId: "trivial", input: { count: 1 } }));
    expect(onTheirThread.code).toBe("NOT_FOUND");
    expect(await failure(other.client.runs.create.mutate({ threadId, assistantId: "trivial", ifNotExists: "create" }))).toMatchObject({
      code: "NOT_FOUND",
    });

    const own = await other.client.runs.create.mutate({
      threadId: null,
      onCompletion: "keep",
      assistantId: "trivial",
      input: { count: 1 },
    });
    await other.client.runs.join.query({ runId: own.id });
    expect((await other.client.runs.list.query()).items.map((r) => r.id)).toEqual([own.id]);
    expect((await other.client.runs.list.query({ threadId })).items).toEqual([]);
    // the owner's run is untouched by the other's attempts
    expect(await owner.client.runs.get.query({ runId })).toMatchObject({ status: "success" });
    expect((await owner.client.runs.list.query({ threadId })).items.map((r) => r.id)).toEqual([runId]);

    // the watch feed is one ordered stream: once the other's own run has reached it, the
    // owner's earlier run would have too, had it been sent
    const finished = (id: string) => (item: WatchItem) => item.run.id === id && item.run.status === "success";
    await watches.other.waitFor(finished(own.id));
    await watches.owner.waitFor(finished(runId));
    await watches.admin.waitFor(finished(own.id));
    const seen = (w: Recording<WatchItem>) => [...new Set(w.items.map((i) => i.run.id))];
    expect(seen(watches.other)).toEqual([own.id]);
    expect(seen(watches.owner)).toEqual([runId]);
    expect(seen(watches.admin)).toEqual(expect.arrayContaining([runId, own.id]));
    const statuses = (w: Recording<WatchItem>, id: string) =>
      w.items.filter((i) => i.run.id === id).map((i) => `${i.type}:${i.run.status}`);
    expect(statuses(watches.owner, runId)).toEqual(["created:pending", "status:running", "status:success"]);
    expect(statuses(watches.admin, runId)).toEqual(["created:pending", "status:running", "status:success"]);
    expect(statuses(watches.admin, own.id)).toEqual(["created:pending", "status:running", "status:success"]);
    for (const w of Object.values(watches)) w.stop();
  });
});
