import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL, PrismaCheckpointSaver, PrismaStore, repositories, type Repositories, type Run } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { createRuntime, type Runtime } from "../src/runtime.ts";
import { testGraphs as source } from "./fixtures/test-graphs.ts";
import { ConflictError, NotFoundError } from "../src/errors.ts";
import type { BridgeItem } from "../src/bridge/index.ts";
import type { Actor } from "../src/actor.ts";

describe.each(testTargets)("runs on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let runtime: Runtime;
  let repos: Repositories;
  let owner: string;

  beforeAll(async () => {
    runtime = createRuntime({ db: database(), graphs: source, concurrency: 4 });
    repos = repositories(database());
    await runtime.start();
    owner = (await repos.users.createUser({ email: `o-${Date.now()}@x.dev`, name: "owner" })).id;
  });

  afterAll(async () => {
    await runtime.shutdown(1000);
  });

  const scope = () => ({ ownerId: owner });
  const actor = (): Actor => ({ userId: owner, scope: scope() });
  async function newThread(): Promise<string> {
    return (await repos.threads.create({ ownerId: owner })).id;
  }
  function start(threadId: string, assistantId: string, extra: Record<string, unknown> = {}): Promise<Run> {
    return runtime.runs.create(actor(), { threadId, assistantId, input: { steps: [] }, ...extra });
  }
  async function stateOf(threadId: string) {
    const checkpointer = new PrismaCheckpointSaver(database().prisma);
    const graph = await source.compile("slow", { checkpointer, store: new PrismaStore(database().prisma) });
    const s = await graph.getState({ configurable: { thread_id: threadId } });
    const history: string[] = [];
    for await (const t of checkpointer.list({ configurable: { thread_id: threadId } })) history.push(t.checkpoint.id);
    return { values: s.values, history };
  }
  /** Resolves once the run has finished (and checkpointed) the named step: its values event lists it. */
  async function untilStep(runId: string, step: string): Promise<void> {
    for await (const item of (await runtime.runs.stream(actor(), runId)).items) {
      if (item.type === "event" && item.event === "values" && (item.data as { steps: string[] }).steps.includes(step)) return;
    }
    throw new Error(`run ${runId} ended before step ${step}`);
  }
  async function eventsOf(runId: string): Promise<BridgeItem[]> {
    const items: BridgeItem[] = [];
    for await (const item of (await runtime.runs.stream(actor(), runId)).items) items.push(item);
    return items;
  }

  it("runs a graph to success, events first with metadata, and the thread ends idle with its values", async () => {
    const threadId = await newThread();
    const run = await start(threadId, "quick", { streamMode: ["values", "updates"] });
    const done = await runtime.runs.join(actor(), run.id);
    expect(done.status).toBe("success");
    const items = await eventsOf(run.id);
    expect(items[0]).toEqual({ type: "event", id: 1, event: "metadata", data: { run_id: run.id, attempt: 1 } });
    expect(items.map((i) => (i.type === "event" ? i.event : i.type))).toContain("updates");
    expect(items.at(-2)).toMatchObject({ event: "values", data: { steps: ["only"] } });
    expect(items.at(-1)).toEqual({ type: "end", status: "success" });
    const mine = items.filter((i) => i.type === "event");
    const thread = await repos.threads.get(scope(), threadId);
    expect([thread?.status, thread?.values]).toEqual(["idle", { steps: ["only"] }]);
    const stored = await repos.events.list(run.id);
    expect(stored.items.map((e) => [e.seq, e.event, e.data])).toEqual(mine.map((i) => [i.id, i.event, i.data]));
  });

  it("reject refuses a second run while one is in flight", async () => {
    const threadId = await newThread();
    const first = await start(threadId, "slow");
    await expect(start(threadId, "slow", { multitaskStrategy: "reject" })).rejects.toBeInstanceOf(ConflictError);
    expect((await runtime.runs.join(actor(), first.id)).status).toBe("success");
  });

  it("enqueue runs the thread's runs one after another in order", async () => {
    const threadId = await newThread();
    const a = await start(threadId, "slow", { config: { configurable: { step_delay_ms: 20 } } });
    const b = await start(threadId, "slow", { multitaskStrategy: "enqueue", config: { configurable: { step_delay_ms: 20 } } });
    const c = await start(threadId, "quick", { multitaskStrategy: "enqueue" });
    const [ra, rb, rc] = await Promise.all([a, b, c].map((r) => runtime.runs.join(actor(), r.id)));
    expect([ra!.status, rb!.status, rc!.status]).toEqual(["success", "success", "success"]);
    expect(ra!.endedAt!.getTime()).toBeLessThanOrEqual(rb!.startedAt!.getTime());
    expect(rb!.endedAt!.getTime()).toBeLessThanOrEqual(rc!.startedAt!.getTime());
    const { values } = await stateOf(threadId);
    expect((values as { steps: string[] }).steps).toEqual(["one", "two", "three", "four", "one", "two", "three", "four", "only"]);
  });

  it("interrupt cancels the running run, keeps its checkpoints, then runs the new one", async () => {
    const threadId = await newThread();
    const first = await start(threadId, "slow");
    await untilStep(first.id, "one");
    const second = await start(threadId, "quick", { multitaskStrategy: "interrupt" });
    const [r1, r2] = await Promise.all([runtime.runs.join(actor(), first.id), runtime.runs.join(actor(), second.id)]);
    expect([r1.status, r2.status]).toEqual(["interrupted", "success"]);
    expect(r1.rolledBackAt).toBeNull();
    const steps = ((await stateOf(threadId)).values as { steps: string[] }).steps;
    expect(steps[0]).toBe("one"); // the interrupted run's finished step is kept
    expect(steps.at(-1)).toBe("only");
  });

  it("rollback of a running run leaves the thread exactly as before it, and the run marked rolled back", async () => {
    const threadId = await newThread();
    await runtime.runs.join(actor(), (await start(threadId, "quick")).id);
    const before = await stateOf(threadId);
    const run = await start(threadId, "slow");
    await untilStep(run.id, "one");
    const stopped = await runtime.runs.cancel(actor(), run.id, { action: "rollback", wait: true });
    expect(stopped.status).toBe("interrupted");
    expect(stopped.rolledBackAt).toBeInstanceOf(Date);
    expect(await stateOf(threadId)).toEqual(before);
    expect((await repos.threads.get(scope(), threadId))?.status).toBe("idle");
  });

  it("rollback strategy replaces the running run and starts from the state before it", async () => {
    const threadId = await newThread();
    await runtime.runs.join(actor(), (await start(threadId, "quick")).id);
    const first = await start(threadId, "slow");
    await untilStep(first.id, "one");
    const second = await start(threadId, "quick", { multitaskStrategy: "rollback" });
    const [r1, r2] = await Promise.all([runtime.runs.join(actor(), first.id), runtime.runs.join(actor(), second.id)]);
    expect([r1.status, r2.status, Boolean(r1.rolledBackAt)]).toEqual(["interrupted", "success", true]);
    expect(((await stateOf(threadId)).values as { steps: string[] }).steps).toEqual(["only", "only"]);
  });

  it("cancels a pending run both ways: it never starts", async () => {
    const threadId = await newThread();
    const first = await start(threadId, "slow", { config: { configurable: { step_delay_ms: 60 } } });
    const queued = await start(threadId, "quick", { multitaskStrategy: "enqueue" });
    const rolled = await start(threadId, "quick", { multitaskStrategy: "enqueue" });
    const a = await runtime.runs.cancel(actor(), queued.id, { action: "interrupt" });
    const b = await runtime.runs.cancel(actor(), rolled.id, { action: "rollback" });
    expect([a.status, a.startedAt, b.status, Boolean(b.rolledBackAt)]).toEqual(["interrupted", null, "interrupted", true]);
    expect((await runtime.runs.join(actor(), first.id)).status).toBe("success");
    expect(((await stateOf(threadId)).values as { steps: string[] }).steps).toEqual(["one", "two", "three", "four"]);
  });

  it("cancel without wait returns at once; with wait it returns the stopped run", async () => {
    const threadId = await newThread();
    const run = await start(threadId, "slow");
    await untilStep(run.id, "one");
    const immediate = await runtime.runs.cancel(actor(), run.id);
    expect(immediate.status).toBe("running");
    expect((await runtime.runs.join(actor(), run.id)).status).toBe("interrupted");
  });

  it('cancels a run when its subscriber leaves early with onDisconnect "cancel", and keeps it running without', async () => {
    const kept = await start(await newThread(), "slow", { config: { configurable: { step_delay_ms: 40 } } });
    const dropped = await start(await newThread(), "slow", { config: { configurable: { step_delay_ms: 40 } } });
    for (const [run, onDisconnect] of [
      [kept, "continue"],
      [dropped, "cancel"],
    ] as const) {
      const leave = new AbortController();
      for await (const item of (await runtime.runs.stream(actor(), run.id, { signal: leave.signal, onDisconnect })).items) {
        if (item.type === "event" && item.event === "values" && (item.data as { steps: string[] }).steps.includes("one")) leave.abort();
      }
    }
    expect((await runtime.runs.join(actor(), kept.id)).status).toBe("success");
    expect((await runtime.runs.join(actor(), dropped.id)).status).toBe("interrupted");
  });

  it("resumes a graph interrupt with a command", async () => {
    const threadId = await newThread();
    const asked = await runtime.runs.join(actor(), (await start(threadId, "human")).id);
    expect(asked.status).toBe("success");
    const waiting = await repos.threads.get(scope(), threadId);
    expect(waiting?.status).toBe("interrupted");
    expect(waiting?.interrupts).toMatchObject([{ value: { question: "approve?" } }]);
    const resumed = await runtime.runs.join(
      actor(),
      (await runtime.runs.create(actor(), { threadId, assistantId: "human", command: { resume: "yes" } })).id,
    );
    expect(resumed.status).toBe("success");
    const thread = await repos.threads.get(scope(), threadId);
    expect([thread?.status, thread?.values]).toEqual(["idle", { steps: ["done"], answer: "yes" }]);
  });

  it("records a failing graph's error on the run, an error event, and the thread in error", async () => {
    const threadId = await newThread();
    const run = await runtime.runs.join(actor(), (await start(threadId, "failing")).id);
    expect(run.status).toBe("error");
    expect(run.error).toEqual({ type: "Error", message: "the failing graph failed on purpose" });
    expect((await eventsOf(run.id)).slice(-2)).toMatchObject([
      { type: "event", event: "error", data: { message: "the failing graph failed on purpose" } },
      { type: "end", status: "error" },
    ]);
    expect((await repos.threads.get(scope(), threadId))?.status).toBe("error");
  });

  it("creates a missing thread only when asked, and hides other owners' threads and runs", async () => {
    const missing = crypto.randomUUID();
    await expect(start(missing, "quick")).rejects.toBeInstanceOf(NotFoundError);
    const run = await start(missing, "quick", { ifNotExists: "create" });
    expect((await runtime.runs.join(actor(), run.id)).status).toBe("success");
    const strangerId = (await repos.users.createUser({ email: `s-${Date.now()}@x.dev`, name: "s" })).id;
    const stranger: Actor = { userId: strangerId, scope: { ownerId: strangerId } };
    await expect(runtime.runs.create(stranger, { threadId: missing, assistantId: "quick" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(runtime.runs.cancel(stranger, run.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(runtime.runs.get(stranger, run.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("starts a delayed run no earlier than after_seconds", async () => {
    const threadId = await newThread();
    // from the request: the run's createdAt can be later (its insert may wait for the database)
    const asked = Date.now();
    const run = await start(threadId, "quick", { afterSeconds: 0.3 });
    const done = await runtime.runs.join(actor(), run.id);
    expect(done.startedAt!.getTime() - asked).toBeGreaterThanOrEqual(295);
  });

  it("runs a stateless run on a thread of its own", async () => {
    const run = await runtime.runs.create(actor(), { threadId: null, assistantId: "quick", input: {}, onCompletion: "keep" });
    expect((await runtime.runs.join(actor(), run.id)).status).toBe("success");
    expect((await repos.threads.get(scope(), run.threadId))?.values).toEqual({ steps: ["only"] });
  });

  it("records every LLM call's usage by model and caller, summed on the run and the thread", async () => {
    const threadId = await newThread();
    const run = await runtime.runs.join(actor(), (await start(threadId, "chat")).id);
    expect([run.inputTokens, run.outputTokens, run.totalTokens]).toEqual([20, 16, 36]);
    const byThread = await runtime.usage.byThread(actor(), threadId);
    expect(byThread.byCaller.map((c) => [c.caller, c.totalTokens])).toEqual([
      ["lead_agent", 18],
      ["subagent", 18],
    ]);
    expect(byThread.byModel.map((m) => [m.model, m.calls])).toEqual([
      ["helper-model", 1],
      ["lead-model", 1],
    ]);
  });

  it("admin scope sees every owner's runs", async () => {
    const run = await start(await newThread(), "quick");
    expect((await runtime.runs.get({ userId: "server", scope: ALL }, run.id)).id).toBe(run.id);
  });
});
