/**
 * A fleet of three worker processes on one PostgreSQL database and one Redis
 * (fleet-harness.ts), with this test process as a serve-only member creating runs
 * and following them, as an API instance does. Node executions are counted in a
 * side-effect table the graphs write (fleet-graphs.ts), not taken from the
 * runtime's word.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Run } from "@lgrs/db";
import { insertThreads } from "@lgrs/db/testing";
import type { BridgeItem } from "../src/bridge/index.ts";
import { SIX_NODES, readEffects } from "./fixtures/fleet-graphs.ts";
import { allFinished, pidOf, postgres, until, useFleet, type Member } from "./fixtures/fleet-harness.ts";

/**
 * Short, so a killed worker's run is taken over within seconds (swept every leaseMs / 2), yet long
 * enough that a busy worker on two loaded cores still renews its leases in time.
 */
const LEASE_MS = 4000;

/** Settled results of `promises`: how many were admitted, and the errors of the others. */
async function settle<T>(promises: Promise<T>[]): Promise<{ ok: T[]; errors: Error[] }> {
  const results = await Promise.allSettled(promises);
  return {
    ok: results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : [])),
  };
}

function expectConsecutive(items: BridgeItem[], status: string): void {
  const events = items.filter((i) => i.type === "event");
  expect(items.filter((i) => i.type === "gap")).toEqual([]);
  expect(events.map((e) => e.id)).toEqual(events.map((_, n) => n + 1));
  expect(items.at(-1)).toEqual({ type: "end", status });
}

describe.skipIf(!postgres)("a fleet of three workers", () => {
  const fleet = useFleet();
  let workers: Member[] = [];

  beforeAll(async () => {
    workers = await Promise.all([0, 1, 2].map(() => fleet.start({ leaseMs: LEASE_MS, concurrency: 10 })));
  }, 60_000);

  it("every member reports fleet mode, and whether it executes runs", async () => {
    for (const w of workers) expect(await w.health()).toMatchObject({ mode: "fleet", worker: true, redis: { reachable: true } });
    expect(await fleet.api().health()).toMatchObject({ mode: "fleet", worker: false, running: 0, redis: { reachable: true } });
  });

  it("300 runs created on a serve-only member are each executed exactly once, spread over the three workers", async () => {
    const { actor, ownerId } = await fleet.owner();
    // a thread each, made at once (a stateless run would make its own, but that is not what is measured here)
    const now = new Date();
    const threadIds = Array.from({ length: 300 }, () => randomUUID());
    await insertThreads(
      fleet.db(),
      threadIds.map((id) => ({ id, ownerId, status: "idle", metadata: {}, values: null, createdAt: now, updatedAt: now })),
    );
    const started = Date.now();
    const runs: Run[] = [];
    // ten creates at a time: the creates race the workers claiming the first runs
    for (let i = 0; i < 300; i += 10) {
      const batch = threadIds.slice(i, i + 10).map((threadId) =>
        fleet.api().runs.create(actor, {
          threadId,
          assistantId: "effects",
          input: {},
          config: { configurable: { step_delay_ms: 20 } },
        }),
      );
      runs.push(...(await Promise.all(batch)));
    }
    const ids = runs.map((r) => r.id);
    const finished = await allFinished(fleet.db(), ids, 90_000);
    const seconds = (Date.now() - started) / 1000;

    expect(finished.filter((r) => r.status !== "success")).toEqual([]);
    const effects = await readEffects(fleet.db(), ids);
    const perRun = new Map<string, number>();
    for (const e of effects) perRun.set(e.runId, (perRun.get(e.runId) ?? 0) + 1);
    expect(effects).toHaveLength(300);
    expect(perRun.size).toBe(300);
    expect([...perRun.values()].every((n) => n === 1)).toBe(true);
    expect(effects.every((e) => e.attempt === 1)).toBe(true);
    // every worker took a share, and only workers did (this process serves only)
    const perWorker = workers.map((w) => effects.filter((e) => e.pid === w.pid).length);
    expect(perWorker.reduce((a, b) => a + b)).toBe(300);
    for (const n of perWorker) expect(n).toBeGreaterThan(0);
    console.log(`300 runs over 3 workers in ${seconds.toFixed(1)} s; per worker: ${perWorker.join(", ")}`);
  }, 120_000);

  it("twelve concurrent creates on one thread from three processes: `reject` admits exactly one", async () => {
    const { actor, ownerId } = await fleet.owner();
    const threadId = await fleet.thread(ownerId);
    const { ok, errors } = await settle(
      Array.from({ length: 12 }, (_, i) =>
        workers[i % 3]!.create(actor, {
          threadId,
          assistantId: "effects",
          input: {},
          multitaskStrategy: "reject",
          config: { configurable: { step_delay_ms: 500 } },
        }),
      ),
    );
    expect(ok).toHaveLength(1);
    expect(errors).toHaveLength(11);
    for (const e of errors) expect(e.name).toBe("ConflictError");
    const [admitted] = await allFinished(fleet.db(), [ok[0]!.id]);
    expect(admitted!.status).toBe("success");
    expect(await fleet.api().runs.listForThread(actor, threadId, { limit: 100 })).toHaveLength(1);
    expect(await readEffects(fleet.db(), [admitted!.id])).toHaveLength(1);
  }, 30_000);

  it("twelve concurrent creates on one thread from three processes: `enqueue` runs them one at a time, in creation order", async () => {
    const { actor, ownerId } = await fleet.owner();
    const threadId = await fleet.thread(ownerId);
    // a first run holds the thread while the twelve are created, so that all of them wait in its queue
    // (the first to commit would otherwise start at once, whatever its creation time)
    const blocker = await fleet.api().runs.create(actor, {
      threadId,
      assistantId: "effects",
      input: {},
      config: { configurable: { step_delay_ms: 1500 } },
    });
    const { ok, errors } = await settle(
      Array.from({ length: 12 }, (_, i) =>
        workers[i % 3]!.create(actor, {
          threadId,
          assistantId: "effects",
          input: {},
          multitaskStrategy: "enqueue",
          config: { configurable: { step_delay_ms: 100 } },
        }),
      ),
    );
    expect(errors).toEqual([]);
    expect(ok).toHaveLength(12);
    expect((await fleet.run(blocker.id)).status).toBe("running");
    const ids = [blocker.id, ...ok.map((r) => r.id)];
    const finished = await allFinished(fleet.db(), ids);
    expect(finished.map((r) => r.status)).toEqual(Array(13).fill("success"));
    const effects = await readEffects(fleet.db(), ids);
    expect(effects).toHaveLength(13);
    expect(new Set(effects.map((e) => e.runId)).size).toBe(13);
    expect(effects[0]!.runId).toBe(blocker.id);
    // one at a time: each started after the one before it had ended
    for (let i = 1; i < effects.length; i++) {
      expect(effects[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(effects[i - 1]!.endedAt.getTime());
    }
    // in creation order: executed oldest first
    const createdAt = new Map(finished.map((r) => [r.id, r.createdAt.getTime()]));
    const order = effects.map((e) => createdAt.get(e.runId)!);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // and more than one worker took part (the thread's queue is the database's, not one process's)
    console.log(`enqueue: executed by ${new Set(effects.map((e) => e.pid)).size} worker(s)`);
    expect((await fleet.api().threads.get(actor, threadId)).status).toBe("idle");
  }, 60_000);

  it("SIGKILL of the worker executing a six-step run: another worker resumes it from its last checkpoint and the stream held here continues", async () => {
    const { actor, ownerId } = await fleet.owner();
    const threadId = await fleet.thread(ownerId);
    const created = await fleet.api().runs.create(actor, {
      threadId,
      assistantId: "effects6",
      input: {},
      streamMode: ["values", "updates"],
      config: { configurable: { step_delay_ms: 400 } },
    });
    // a client following the run from this (serve-only) process, from its first event
    const live: BridgeItem[] = [];
    const following = (async () => {
      for await (const item of (await fleet.api().runs.stream(actor, created.id)).items) live.push(item);
    })();
    const changes: { at: number; run: Run }[] = [];
    const watching = new AbortController();
    const watched = (async () => {
      for await (const { run } of fleet.api().runs.watch(actor, watching.signal)) {
        if (run.id === created.id) changes.push({ at: Date.now(), run });
      }
    })().catch(() => {});

    // two nodes done (and checkpointed), the third under way: kill its worker
    await until("two nodes to have run", async () => (await readEffects(fleet.db(), [created.id])).length >= 2);
    await new Promise((r) => setTimeout(r, 150));
    const running = await fleet.run(created.id);
    const victim = workers.find((w) => w.pid === pidOf(running));
    expect(victim, `the run's worker ${running.workerId} is one of ours`).toBeDefined();
    const killedAt = Date.now();
    await victim!.kill();
    const before = await readEffects(fleet.db(), [created.id]);
    expect(before.map((e) => e.node)).toEqual(["one", "two"]);

    const outcome = await fleet.api().runs.wait(actor, created.id);
    await following;
    watching.abort();
    await watched;
    const resumed = changes.find((c) => c.run.status === "running" && c.run.attempt === 2);
    expect(resumed, JSON.stringify(changes.map((c) => [c.run.status, c.run.attempt]))).toBeDefined();
    const resumeMs = resumed!.at - killedAt;
    console.log(`SIGKILL to resumption on another worker: ${resumeMs} ms (lease ${LEASE_MS} ms)`);
    expect(resumeMs).toBeLessThan(LEASE_MS * 3);

    expect([outcome.run.status, outcome.run.attempt]).toEqual(["success", 2]);
    expect(outcome.values).toEqual({ steps: [...SIX_NODES] });
    // the nodes checkpointed before the kill did not run again; the rest ran once, elsewhere
    const effects = await readEffects(fleet.db(), [created.id]);
    expect(effects.map((e) => [e.node, e.attempt])).toEqual(SIX_NODES.map((node, i) => [node, i < 2 ? 1 : 2]));
    expect(effects.slice(0, 2).every((e) => e.pid === victim!.pid)).toBe(true);
    const heir = effects[2]!.pid;
    expect(heir).not.toBe(victim!.pid);
    expect(effects.slice(2).every((e) => e.pid === heir)).toBe(true);

    // the client's stream went on across the takeover: every id once, in order, to the end
    expectConsecutive(live, "success");
    // and the database holds the same log: a reader after the end gets exactly it
    const replay: BridgeItem[] = [];
    for await (const item of (await fleet.api().runs.stream(actor, created.id)).items) replay.push(item);
    expect(replay).toEqual(live);
    workers = workers.filter((w) => w !== victim);
  }, 60_000);
});
