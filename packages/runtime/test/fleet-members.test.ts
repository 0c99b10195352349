// Fleet members in one test process (each with its own Redis connections, one
// PostgreSQL database): what one member admits, another executes, and every
// member follows, waits for, cancels and watches it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL, repositories } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { createRuntime, type Runtime } from "../src/runtime.ts";
import type { Actor } from "../src/actor.ts";
import type { RedisConnection } from "../src/fleet/redis.ts";
import type { BridgeItem } from "../src/bridge/index.ts";
import type { RunChange } from "../src/runs/types.ts";
import { testGraphs } from "./fixtures/test-graphs.ts";
import { connectTest, dropKeys, testPrefix } from "./redis-helpers.ts";

const postgres = testTargets.filter((t) => t.provider === "postgresql");

async function collect(items: AsyncIterable<BridgeItem>): Promise<BridgeItem[]> {
  const out: BridgeItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe.each(postgres)("fleet members on $provider", (target) => {
  const database = useMigratedDatabase(target);
  const prefix = testPrefix();
  const connections: RedisConnection[] = [];
  let serving: Runtime;
  let worker: Runtime;
  let other: Runtime;
  let actor: Actor;

  async function member(isWorker: boolean): Promise<Runtime> {
    const redis = await connectTest(prefix);
    connections.push(redis);
    const runtime = createRuntime({ db: database(), graphs: testGraphs, fleet: { redis, worker: isWorker, leaseMs: 2000 } });
    await runtime.start();
    return runtime;
  }

  beforeAll(async () => {
    serving = await member(false);
    worker = await member(true);
    other = await member(false);
    const owner = (await repositories(database()).users.createUser({ email: "fleet@example.com", name: "Fleet" })).id;
    actor = { userId: owner, scope: { ownerId: owner } };
  });

  afterAll(async () => {
    for (const runtime of [serving, worker, other]) await runtime?.shutdown(1000);
    if (connections[0]) await dropKeys(connections[0]);
    for (const c of connections) await c.close();
  });

  it("runs what another member admitted, and every member streams the same events and joins it", async () => {
    const thread = await serving.threads.create(actor, {});
    const watched: RunChange[] = [];
    const stopWatching = new AbortController();
    const watching = (async () => {
      for await (const change of other.runs.watch(actor, stopWatching.signal)) watched.push(change);
    })();
    const run = await serving.runs.create(actor, {
      threadId: thread.id,
      assistantId: "slow",
      input: {},
      streamMode: ["values", "updates"],
      config: { configurable: { step_delay_ms: 100 } },
    });
    const [fromServing, fromOther] = await Promise.all([
      serving.runs.stream(actor, run.id).then((s) => collect(s.items)),
      other.runs.stream(actor, run.id).then((s) => collect(s.items)),
    ]);
    const ended = await other.runs.join(actor, run.id);
    expect(ended).toMatchObject({ status: "success", workerId: expect.any(String), attempt: 1 });
    expect(fromServing.at(-1)).toEqual({ type: "end", status: "success" });
    const ids = fromServing.flatMap((i) => (i.type === "event" ? [i.id] : []));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    expect(fromOther).toEqual(fromServing);
    expect(fromServing.some((i) => i.type === "event" && i.event === "updates")).toBe(true);
    // the finished run's events are in the database: a late reader gets them all
    expect(await collect((await worker.runs.stream(actor, run.id)).items)).toEqual(fromServing);
    stopWatching.abort();
    await watching;
    expect(watched.filter((c) => c.run.id === run.id).map((c) => c.run.status)).toEqual(["pending", "running", "success"]);
  });

  it("answers a stateless wait on one member with the values of the run another member executed, then deletes its thread", async () => {
    const outcome = await serving.runs.createAndWait(actor, { threadId: null, assistantId: "quick", input: {} });
    expect(outcome.run.status).toBe("success");
    expect(outcome.values).toEqual({ steps: ["only"] });
    expect(await repositories(database()).threads.get(ALL, outcome.run.threadId)).toBeNull();
  });

  it("cancels from a member that does not execute the run, with interrupt and with rollback", async () => {
    const thread = await serving.threads.create(actor, {});
    const first = await serving.runs.create(actor, { threadId: thread.id, assistantId: "quick", input: {} });
    await serving.runs.join(actor, first.id);
    const slow = { assistantId: "slow", input: {}, config: { configurable: { step_delay_ms: 400 } } };

    const interrupted = await serving.runs.create(actor, { threadId: thread.id, ...slow });
    await waitForStatus(interrupted.id, "running");
    await other.runs.cancel(actor, interrupted.id, { action: "interrupt" });
    const ended = await serving.runs.join(actor, interrupted.id);
    expect(ended.status).toBe("interrupted");
    // who stopped it is on the run, whichever member asked and whichever executed it
    expect(ended.stopReason).toMatchObject({ kind: "operator", action: "interrupt", by: { userId: actor.userId } });
    const stepsOf = async () => ((await other.threads.state(actor, thread.id)).values as { steps: string[] }).steps;
    const before = await stepsOf();

    const rolled = await serving.runs.create(actor, { threadId: thread.id, ...slow, multitaskStrategy: "enqueue" });
    await waitForStatus(rolled.id, "running");
    await new Promise((r) => setTimeout(r, 500)); // a step is checkpointed
    const stopped = await other.runs.cancel(actor, rolled.id, { action: "rollback", wait: true });
    expect([stopped.status, stopped.rolledBackAt !== null]).toEqual(["interrupted", true]);
    // the rolled-back run left nothing: the thread holds what the runs before it wrote
    expect(before[0]).toBe("only");
    expect(await stepsOf()).toEqual(before);
    const pending = await serving.runs.create(actor, { threadId: thread.id, ...slow, afterSeconds: 30 });
    const cancelled = await other.runs.cancel(actor, pending.id);
    expect(cancelled.status).toBe("interrupted");
  });

  it("a worker shutting down releases its unfinished run, and another worker resumes it from its last checkpoint", async () => {
    const leaving = await member(true);
    const thread = await serving.threads.create(actor, {});
    const run = await serving.runs.create(actor, {
      threadId: thread.id,
      assistantId: "slow",
      input: {},
      streamMode: ["updates"],
      config: { configurable: { step_delay_ms: 300 } },
    });
    const reading = serving.runs.stream(actor, run.id).then((s) => collect(s.items));
    await waitForStatus(run.id, "running");
    const executing = (await repositories(database()).runs.get(ALL, run.id))!.workerId;
    // stop whichever member executes it, after its first step
    await new Promise((r) => setTimeout(r, 450));
    const who = (await leaving.health()).running > 0 ? leaving : worker;
    await who.shutdown(50);
    const ended = await serving.runs.join(actor, run.id);
    expect(ended.status).toBe("success");
    expect(ended.workerId).not.toBe(executing);
    const items = await reading;
    const ids = items.flatMap((i) => (i.type === "event" ? [i.id] : []));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    // every node ran once: the one checkpointed before the release did not run again
    const steps = ((await serving.threads.state(actor, thread.id)).values as { steps: string[] }).steps;
    expect(steps).toEqual(["one", "two", "three", "four"]);
    if (who === worker) worker = leaving;
  });

  async function waitForStatus(runId: string, status: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await repositories(database()).runs.get(ALL, runId))?.status === status) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`run ${runId} never became ${status}`);
  }
});
