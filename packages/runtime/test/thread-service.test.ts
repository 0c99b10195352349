import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL, PrismaCheckpointSaver, repositories, type Repositories, type Run } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { FAILURE_MESSAGE, SLOW_STEPS } from "@lgrs/graphs";
import { createRuntime, GraphRegistry, type Runtime, type ThreadStateView } from "../src/index.ts";
import { ConflictError, InvalidRequestError, NotFoundError } from "../src/errors.ts";

type Messages = { messages: { type: string; content: string }[] };
type Steps = { steps: string[] };

/** The thread service on the bundled graphs, with real runs: what the API and the REST shim return. */
describe.each(testTargets)("thread service on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let runtime: Runtime;
  let repos: Repositories;
  let owner: string;
  let stranger: string;

  beforeAll(async () => {
    runtime = createRuntime({ db: database(), graphs: await GraphRegistry.load(), concurrency: 4 });
    await runtime.start();
    repos = repositories(database());
    owner = (await repos.users.createUser({ email: `t-${Date.now()}@x.dev`, name: "owner" })).id;
    stranger = (await repos.users.createUser({ email: `s-${Date.now()}@x.dev`, name: "stranger" })).id;
  });
  afterAll(() => runtime.shutdown(1000));

  const scope = () => ({ ownerId: owner });
  const actor = () => ({ userId: owner, scope: scope() });

  function start(threadId: string, assistantId: string, extra: Record<string, unknown> = {}): Promise<Run> {
    return runtime.runs.create(actor(), { threadId, assistantId, ifNotExists: "create", ...extra });
  }
  /** Runs `assistantId` on the thread (a new one by default) to its end. */
  async function runToEnd(assistantId: string, extra: Record<string, unknown> = {}, threadId: string = randomUUID()) {
    const run = await runtime.runs.join(actor(), (await start(threadId, assistantId, extra)).id);
    return { threadId, run };
  }
  const chat = (text: string) => ({
    input: { messages: [{ role: "user", content: text }] },
    config: { configurable: { token_delay_ms: 1 } },
  });
  const quickSlow = { input: {}, config: { configurable: { step_delay_ms: 1 } } };
  /** Resolves once the run is executing: its first event (metadata) is published when it starts. */
  async function untilRunning(runId: string): Promise<void> {
    for await (const item of (await runtime.runs.stream(actor(), runId)).items) if (item.type === "event") return;
    throw new Error(`run ${runId} ended before it started`);
  }
  const ids = (views: ThreadStateView[]) => views.map((v) => v.checkpoint!.checkpointId);

  it("state after a run has the reply as a plain message dict, its checkpoint and metadata", async () => {
    const { threadId, run } = await runToEnd("agent", chat("hello"));
    expect(run.status).toBe("success");
    const state = await runtime.threads.state(actor(), threadId);
    const { messages } = state.values as Messages;
    expect(messages.map((m) => m.type)).toEqual(["human", "ai"]);
    expect(messages[1]!.content).toMatch(/^You said: "hello"/);
    expect(state.next).toEqual([]);
    expect(state.tasks).toEqual([]);
    expect(state.interrupts).toEqual([]);
    expect(state.checkpoint).toMatchObject({ threadId, checkpointNs: "", checkpointId: expect.any(String) });
    expect(state.parentCheckpoint).toMatchObject({ threadId, checkpointId: expect.any(String) });
    expect(state.parentCheckpoint!.checkpointId < state.checkpoint!.checkpointId).toBe(true);
    expect(state.metadata).toMatchObject({ source: "loop", step: 1 });
    expect(Number.isNaN(Date.parse(state.createdAt!))).toBe(false);
    // what the REST shim sends as is: it survives JSON unchanged
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it("finds the graph of a thread created before its first run through that run", async () => {
    const thread = await runtime.threads.create(actor());
    await runToEnd("trivial", { input: {} }, thread.id);
    expect((await runtime.threads.state(actor(), thread.id)).values).toEqual({ count: 1 });
  });

  it("state of a thread waiting in the human graph shows the next node and its interrupt", async () => {
    const { threadId } = await runToEnd("human", { input: { request: "deploy" } });
    const state = await runtime.threads.state(actor(), threadId);
    const interrupt = { id: expect.any(String), value: { question: 'Approve "deploy"?', options: ["yes", "no"] } };
    expect(state.next).toEqual(["review"]);
    expect(state.interrupts).toEqual([interrupt]);
    expect(state.tasks).toMatchObject([{ name: "review", error: null, interrupts: [interrupt], state: null, checkpoint: null }]);
    expect(state.values).toEqual({ request: "deploy" });
    expect((await runtime.threads.get(actor(), threadId)).status).toBe("interrupted");
  });

  it("state after a failed run shows the failing task with its error", async () => {
    const { threadId, run } = await runToEnd("failing", { input: {} });
    expect(run.status).toBe("error");
    const state = await runtime.threads.state(actor(), threadId);
    expect(state.tasks).toMatchObject([{ name: "fail", error: expect.stringContaining(FAILURE_MESSAGE) }]);
  });

  it("a thread no run has started has the empty state and no history, and cannot be updated", async () => {
    const thread = await runtime.threads.create(actor());
    expect(await runtime.threads.state(actor(), thread.id)).toEqual({
      values: {},
      next: [],
      tasks: [],
      checkpoint: null,
      metadata: {},
      createdAt: null,
      parentCheckpoint: null,
      interrupts: [],
    });
    expect(await runtime.threads.history(actor(), thread.id)).toEqual([]);
    await expect(runtime.threads.updateState(actor(), thread.id, { values: { steps: ["x"] } })).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it("state at a checkpoint id is the thread as it was then; an unknown checkpoint is not found", async () => {
    const { threadId } = await runToEnd("slow", quickSlow);
    const history = await runtime.threads.history(actor(), threadId);
    const earlier = history.find((v) => v.metadata.step === 2)!;
    expect((earlier.values as Steps).steps).toEqual(SLOW_STEPS.slice(0, 2));
    const state = await runtime.threads.state(actor(), threadId, { checkpointId: earlier.checkpoint!.checkpointId });
    expect(state).toEqual(earlier);
    expect(state.next).toEqual([SLOW_STEPS[2]]);
    const latest = await runtime.threads.state(actor(), threadId);
    expect((latest.values as Steps).steps).toEqual([...SLOW_STEPS]);
    await expect(runtime.threads.state(actor(), threadId, { checkpointId: randomUUID() })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("history lists checkpoints newest first, 10 by default, with limit, before, metadata and checkpoint filters", async () => {
    const threadId = randomUUID();
    await runToEnd("slow", quickSlow, threadId);
    await runToEnd("slow", quickSlow, threadId);
    const all = await runtime.threads.history(actor(), threadId, { limit: 100 });
    expect(all).toHaveLength(2 * (SLOW_STEPS.length + 2)); // per run: its input, the start, one per step
    expect(all[0]).toEqual(await runtime.threads.state(actor(), threadId));
    expect(ids(all)).toEqual([...ids(all)].sort().reverse());
    all.slice(0, -1).forEach((view, i) => expect(view.parentCheckpoint).toEqual(all[i + 1]!.checkpoint));
    expect(all.at(-1)!.parentCheckpoint).toBeNull();
    const lengths = all.map((v) => ((v.values as Partial<Steps>).steps ?? []).length);
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));

    expect(ids(await runtime.threads.history(actor(), threadId))).toEqual(ids(all.slice(0, 10)));
    expect(ids(await runtime.threads.history(actor(), threadId, { limit: 3 }))).toEqual(ids(all.slice(0, 3)));
    const before = await runtime.threads.history(actor(), threadId, { before: all[2]!.checkpoint!.checkpointId, limit: 2 });
    expect(ids(before)).toEqual(ids(all.slice(3, 5)));
    const inputs = await runtime.threads.history(actor(), threadId, { metadata: { source: "input" } });
    expect(inputs).toHaveLength(2);
    const one = await runtime.threads.history(actor(), threadId, { checkpointId: all[4]!.checkpoint!.checkpointId });
    expect(ids(one)).toEqual([all[4]!.checkpoint!.checkpointId]);
  });

  it("updateState makes a new checkpoint whose values show in state, history and the thread row", async () => {
    const { threadId } = await runToEnd("slow", quickSlow);
    const before = await runtime.threads.state(actor(), threadId);
    const { checkpoint } = await runtime.threads.updateState(actor(), threadId, { values: { steps: ["edited"] }, asNode: "publish" });
    expect(checkpoint).toMatchObject({ threadId, checkpointNs: "" });
    expect(checkpoint.checkpointId).not.toBe(before.checkpoint!.checkpointId);
    const after = await runtime.threads.state(actor(), threadId);
    expect(after.checkpoint).toEqual(checkpoint);
    expect(after.parentCheckpoint).toEqual(before.checkpoint);
    expect(after.metadata).toMatchObject({ source: "update" });
    expect((after.values as Steps).steps).toEqual([...SLOW_STEPS, "edited"]);
    expect((await runtime.threads.history(actor(), threadId, { limit: 1 }))[0]).toEqual(after);
    expect((await runtime.threads.get(actor(), threadId)).values).toEqual({ steps: [...SLOW_STEPS, "edited"] });

    // from an earlier checkpoint: a fork off it
    const first = (await runtime.threads.history(actor(), threadId, { metadata: { step: 1 } }))[0]!;
    const fork = await runtime.threads.updateState(actor(), threadId, {
      values: { steps: ["forked"] },
      asNode: SLOW_STEPS[0],
      checkpointId: first.checkpoint!.checkpointId,
    });
    const forked = await runtime.threads.state(actor(), threadId);
    expect(forked.checkpoint).toEqual(fork.checkpoint);
    expect(forked.parentCheckpoint).toEqual(first.checkpoint);
    expect((forked.values as Steps).steps).toEqual([SLOW_STEPS[0], "forked"]);

    await expect(runtime.threads.updateState(actor(), threadId, { values: {}, asNode: "nope" })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(runtime.threads.updateState(actor(), threadId, { values: {}, checkpointId: randomUUID() })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("updateState answering the human graph's question clears the interrupt, and the next run finishes from it", async () => {
    const { threadId } = await runToEnd("human", { input: { request: "ship it" } });
    await runtime.threads.updateState(actor(), threadId, { values: { answer: "yes", approved: true }, asNode: "review" });
    const state = await runtime.threads.state(actor(), threadId);
    expect([state.next, state.interrupts]).toEqual([["finish"], []]);
    expect((await runtime.threads.get(actor(), threadId)).interrupts).toEqual([]);
    await runToEnd("human", { input: null }, threadId);
    expect((await runtime.threads.state(actor(), threadId)).values).toMatchObject({ outcome: "approved" });
  });

  it("updateState is refused while a run is running, and leaves the state as the run made it", async () => {
    const threadId = randomUUID();
    const run = await start(threadId, "slow", { input: {} });
    await untilRunning(run.id);
    await expect(runtime.threads.updateState(actor(), threadId, { values: { steps: ["x"] }, asNode: "publish" })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await runtime.runs.cancel(actor(), run.id, { wait: true });
    const history = await runtime.threads.history(actor(), threadId, { limit: 100 });
    expect(history.some((v) => v.metadata.source === "update")).toBe(false);
    expect(history.flatMap((v) => (v.values as Partial<Steps>).steps ?? [])).not.toContain("x");
  });

  it("delete cancels the thread's running and queued runs, then removes it with its runs, events and checkpoints", async () => {
    const threadId = randomUUID();
    const running = await start(threadId, "slow", { input: {} });
    const queued = await start(threadId, "slow", { input: {}, multitaskStrategy: "enqueue" });
    await untilRunning(running.id);
    const ended = new Map<string, string>();
    const watching = new AbortController();
    const changes = runtime.runs.watch(actor(), watching.signal);
    const watched = (async () => {
      for await (const { run } of changes) {
        if (run.status === "interrupted" || run.status === "success") ended.set(run.id, run.status);
      }
    })();
    try {
      await runtime.threads.delete(actor(), threadId);
    } finally {
      watching.abort();
      await watched.catch(() => {});
    }
    expect(Object.fromEntries(ended)).toEqual({ [running.id]: "interrupted", [queued.id]: "interrupted" });
    expect(runtime.runs.runningCount).toBe(0);
    expect(await repos.threads.get(ALL, threadId)).toBeNull();
    expect(await repos.runs.get(ALL, running.id)).toBeNull();
    expect(await repos.runs.get(ALL, queued.id)).toBeNull();
    expect((await repos.events.list(running.id)).items).toEqual([]);
    const left: unknown[] = [];
    for await (const tuple of new PrismaCheckpointSaver(database().prisma).list({ configurable: { thread_id: threadId } }))
      left.push(tuple);
    expect(left).toEqual([]);
    await expect(runtime.threads.state(actor(), threadId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(runtime.threads.delete(actor(), threadId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("copy gives a new thread with the same metadata and state that then goes its own way", async () => {
    const source = await runtime.threads.create(actor(), { metadata: { topic: "greetings" } });
    await runToEnd("agent", chat("first"), source.id);
    const copy = await runtime.threads.copy(actor(), source.id);
    expect(copy.id).not.toBe(source.id);
    expect(copy.ownerId).toBe(owner);
    // the copy has no run to find its graph by, so it records it
    expect(copy.metadata).toEqual({ topic: "greetings", graph_id: "agent", assistant_id: expect.any(String) });
    const [original, copied] = await Promise.all([runtime.threads.state(actor(), source.id), runtime.threads.state(actor(), copy.id)]);
    expect(copied.values).toEqual(original.values);
    expect(copied.checkpoint).toEqual({ ...original.checkpoint, threadId: copy.id });
    expect(copy.values).toEqual(original.values);
    expect(copy.status).toBe("idle");
    expect(ids(await runtime.threads.history(actor(), copy.id))).toEqual(ids(await runtime.threads.history(actor(), source.id)));

    await runToEnd("agent", chat("second"), copy.id);
    expect((await runtime.threads.state(actor(), copy.id)).values).toMatchObject({ messages: { length: 4 } });
    expect(await runtime.threads.state(actor(), source.id)).toEqual(original);
    await runtime.threads.delete(actor(), source.id);
    expect(((await runtime.threads.state(actor(), copy.id)).values as Messages).messages).toHaveLength(4);
  });

  it("subgraphs includes the state of a subgraph task", async () => {
    const { threadId } = await runToEnd("subgraph", { input: { topic: "owls" }, interruptBefore: ["research"] });
    const plain = await runtime.threads.state(actor(), threadId);
    expect(plain.next).toEqual(["research"]);
    expect(plain.tasks).toMatchObject([{ name: "research", state: null }]);
    const deep = await runtime.threads.state(actor(), threadId, { subgraphs: true });
    expect(deep.tasks).toMatchObject([{ name: "research", state: { values: {}, next: [], tasks: [] } }]);
  });

  it("another owner's thread is not found by any method, and stays as it was", async () => {
    const { threadId } = await runToEnd("agent", chat("mine"));
    const before = await runtime.threads.state(actor(), threadId);
    const other = { userId: stranger, scope: { ownerId: stranger } };
    const attempts: (() => Promise<unknown>)[] = [
      () => runtime.threads.state(other, threadId),
      () => runtime.threads.state(other, threadId, { checkpointId: before.checkpoint!.checkpointId }),
      () => runtime.threads.history(other, threadId),
      () => runtime.threads.updateState(other, threadId, { values: { messages: [] } }),
      () => runtime.threads.delete(other, threadId),
      () => runtime.threads.copy(other, threadId),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(NotFoundError);
    expect(await runtime.threads.state(actor(), threadId)).toEqual(before);
    expect((await runtime.threads.list(other)).items).toEqual([]);
  });
});
