// The fleet's run queue: claims, leases, fencing and sweeps, on PostgreSQL (the
// only database a fleet runs on).
import { beforeAll, describe, expect, it } from "vitest";
import { emptyCheckpoint } from "@langchain/langgraph-checkpoint";
import { ALL, LeaseLostError, PrismaCheckpointSaver, repositories, type Repositories } from "../src/index.ts";
import { testTargets } from "./databases.ts";
import { useMigratedDatabase } from "./setup-database.ts";

const postgres = testTargets.filter((t) => t.provider === "postgresql");
const LEASE_MS = 60_000;

describe.each(postgres)("run leases on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let repo: Repositories;
  let owner: string;
  let assistantId: string;

  beforeAll(async () => {
    repo = repositories(database());
    owner = (await repo.users.createUser({ email: "lease@example.com", name: "Lease" })).id;
    assistantId = (await repo.assistants.create({ graphId: "agent", name: "agent" })).id;
  });

  async function pendingRuns(count: number, threadId?: string, notBefore?: Date) {
    const thread = threadId ?? (await repo.threads.create({ ownerId: owner })).id;
    const runs = [];
    for (let i = 0; i < count; i++)
      runs.push(await repo.runs.create({ threadId: thread, ownerId: owner, assistantId, kwargs: {}, notBefore }));
    return { threadId: thread, runs };
  }

  /** Ends every earlier test's runs, so each test starts with an empty queue. */
  async function drain(): Promise<void> {
    await database().prisma.run.updateMany({ where: { status: { in: ["pending", "running"] } }, data: { status: "success" } });
  }

  /** Makes the run's lease already expired (as if its worker stopped renewing it). */
  async function expire(runId: string): Promise<void> {
    await database().prisma.run.update({ where: { id: runId }, data: { leaseExpiresAt: new Date(Date.now() - 1000) } });
  }

  it("claims a thread's runs one at a time, oldest first, and none before its not-before time", async () => {
    await drain();
    const { runs } = await pendingRuns(3);
    const later = await pendingRuns(1, undefined, new Date(Date.now() + 60_000));
    const first = await repo.leases.claim("w1", LEASE_MS);
    expect(first?.run.id).toBe(runs[0]!.id);
    expect(first?.run).toMatchObject({ status: "running", workerId: "w1", leaseToken: first?.lease.token });
    // the thread is busy and its later runs wait; the other run is not due yet
    expect(await repo.leases.claim("w2", LEASE_MS)).toBeNull();
    expect((await repo.leases.nextNotBefore())?.getTime()).toBe(later.runs[0]!.notBefore!.getTime());
    await repo.runs.transition(runs[0]!.id, { status: "success", endedAt: new Date() }, first!.lease);
    expect((await repo.leases.claim("w2", LEASE_MS))?.run.id).toBe(runs[1]!.id);
  });

  it("hands each run to exactly one of many concurrent claimers, and never two runs of one thread", async () => {
    await drain();
    const single = await Promise.all(Array.from({ length: 10 }, () => pendingRuns(1)));
    const shared = await pendingRuns(5);
    const claims = await Promise.all(Array.from({ length: 30 }, (_, i) => repo.leases.claim(`w${i}`, LEASE_MS)));
    const claimed = claims.flatMap((c) => (c ? [c.run] : []));
    expect(new Set(claimed.map((r) => r.id)).size).toBe(claimed.length);
    const expected = [...single.map((s) => s.runs[0]!.id), shared.runs[0]!.id];
    expect(claimed.map((r) => r.id).sort()).toEqual(expected.sort());
  });

  it("fences writes: once the lease is swept, the old worker can write neither status, events nor checkpoints", async () => {
    await drain();
    const { threadId, runs } = await pendingRuns(1);
    const claim = (await repo.leases.claim("w1", 50))!;
    const saver = new PrismaCheckpointSaver(database().prisma).forRun(claim.lease);
    const config = { configurable: { thread_id: threadId, checkpoint_ns: "", run_id: runs[0]!.id } };
    await saver.put(
      config,
      { ...emptyCheckpoint(), id: "00000000-0000-6000-8000-000000000001" },
      { source: "input", step: -1, parents: {} },
      {},
    );
    await repo.events.append(runs[0]!.id, [{ seq: 1, event: "metadata", data: {} }], claim.lease);
    expect((await repo.leases.renew(claim.lease, 50)).held).toBe(true);

    await expire(runs[0]!.id);
    const swept = await repo.leases.sweep(3);
    expect(swept.requeued.map((r) => [r.id, r.status, r.attempt])).toEqual([[runs[0]!.id, "pending", 2]]);
    expect(await repo.leases.renew(claim.lease, LEASE_MS)).toEqual({ held: false, cancel: null });
    await expect(repo.runs.transition(runs[0]!.id, { status: "success" }, claim.lease)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(repo.events.append(runs[0]!.id, [{ seq: 2, event: "values", data: {} }], claim.lease)).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    await expect(
      saver.put(config, { ...emptyCheckpoint(), id: "00000000-0000-6000-8000-000000000002" }, { source: "loop", step: 0, parents: {} }, {}),
    ).rejects.toBeInstanceOf(LeaseLostError);
    // task writes of both kinds (a special channel's and a regular one's) in one fenced transaction
    const written = { configurable: { ...config.configurable, checkpoint_id: "00000000-0000-6000-8000-000000000001" } };
    await expect(
      saver.putWrites(
        written,
        [
          ["__error__", "boom"],
          ["messages", 1],
        ],
        "task-1",
      ),
    ).rejects.toBeInstanceOf(LeaseLostError);
    // and a regular write alone (one statement)
    await expect(saver.putWrites(written, [["messages", 2]], "task-2")).rejects.toBeInstanceOf(LeaseLostError);
    expect(await database().prisma.checkpointWrite.count({ where: { threadId } })).toBe(0);
    expect((await repo.runs.get(ALL, runs[0]!.id))?.status).toBe("pending");
    expect(await repo.events.lastSeq(runs[0]!.id)).toBe(1);
    expect(await saver.hasRunCheckpoints(threadId, runs[0]!.id)).toBe(true);
    expect(await saver.hasRunCheckpoints(threadId, "another-run")).toBe(false);

    // the next worker resumes it, attempt 2, and its writes go through
    const next = (await repo.leases.claim("w2", LEASE_MS))!;
    expect([next.run.id, next.run.attempt]).toEqual([runs[0]!.id, 2]);
    await new PrismaCheckpointSaver(database().prisma).forRun(next.lease).putWrites(
      written,
      [
        ["__error__", "boom"],
        ["messages", 1],
      ],
      "task-1",
    );
    expect(await database().prisma.checkpointWrite.count({ where: { threadId } })).toBe(2);
    await repo.runs.transition(runs[0]!.id, { status: "success", endedAt: new Date() }, next.lease);
  });

  it("gives a run up after its last attempt, ends a run whose cancel was waiting, and releases without spending an attempt", async () => {
    await drain();
    const { runs } = await pendingRuns(1);
    for (let attempt = 1; attempt <= 2; attempt++) {
      await repo.leases.claim("w", LEASE_MS);
      await expire(runs[0]!.id);
      await repo.leases.sweep(2);
    }
    const failed = await repo.runs.get(ALL, runs[0]!.id);
    expect([failed?.status, failed?.attempt]).toEqual(["error", 2]);
    expect(failed?.error).toMatchObject({ type: "WorkerLost", message: expect.stringMatching(/attempt 2 of 2/) });

    const cancelled = (await pendingRuns(1)).runs[0]!;
    await repo.leases.claim("w", LEASE_MS);
    expect(await repo.leases.requestCancel(cancelled.id, "rollback")).toBe(true);
    // an interrupt asked after a rollback does not weaken it
    expect(await repo.leases.requestCancel(cancelled.id, "interrupt")).toBe(true);
    await expire(cancelled.id);
    const swept = await repo.leases.sweep(3);
    expect(swept.cancelled.map((c) => [c.run.id, c.run.status, c.action])).toEqual([[cancelled.id, "interrupted", "rollback"]]);
    expect(await repo.leases.requestCancel(cancelled.id, "interrupt")).toBe(false);

    const released = (await pendingRuns(1)).runs[0]!;
    const claim = (await repo.leases.claim("w", LEASE_MS))!;
    expect(await repo.leases.renew(claim.lease, LEASE_MS)).toEqual({ held: true, cancel: null });
    const stale = { runId: cancelled.id, token: "not-the-token" };
    expect(await repo.leases.renewAll([claim.lease, stale], LEASE_MS)).toEqual(new Map([[released.id, null]]));
    expect(await repo.leases.release(claim.lease)).toBe(true);
    const back = await repo.runs.get(ALL, released.id);
    expect([back?.status, back?.attempt, back?.workerId]).toEqual(["pending", 1, null]);
    expect((await repo.leases.renew(claim.lease, LEASE_MS)).held).toBe(false);
  });
});
