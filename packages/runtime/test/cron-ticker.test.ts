/**
 * The cron ticker on SQLite and PostgreSQL: a tick claimed by several contenders
 * makes exactly one run (the claim and the run are one transaction), a tick that
 * cannot make a run is passed over and the schedule goes on, and a tick missed
 * while no runtime ran fires once at start-up, the schedule then resuming from
 * now. On PostgreSQL, two members of a fleet (with Redis) fire each tick once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL, repositories, type Repositories } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { createRuntime, type Runtime } from "../src/runtime.ts";
import { testGraphs as source } from "./fixtures/test-graphs.ts";
import type { Actor } from "../src/actor.ts";
import { randomBytes } from "node:crypto";
import { connectRedis, type RedisConnection } from "../src/index.ts";
import { deleteKeys, REDIS_URL } from "./fixtures/fleet-processes.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testTargets)("cron ticks on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let repos: Repositories;
  let owner: string;
  const actor = (): Actor => ({ userId: owner, scope: { ownerId: owner } });
  const runtimes: Runtime[] = [];
  function runtime(): Runtime {
    const r = createRuntime({ db: database(), graphs: source, concurrency: 4, crons: { seconds: true, recheckMs: 200 } });
    runtimes.push(r);
    return r;
  }

  beforeAll(async () => {
    repos = repositories(database());
    owner = (await repos.users.createUser({ email: `cron-${Date.now()}@x.dev`, name: "owner" })).id;
  });
  afterAll(async () => {
    for (const r of runtimes) await r.shutdown(1000);
  });

  it("of contenders claiming one tick at once, exactly one creates the run", async () => {
    const r = runtime();
    await r.start();
    // paused while the contenders are set up: the ticker leaves it alone
    const cron = await r.crons.create(actor(), {
      assistantId: "quick",
      schedule: "0 0 1 1 *",
      enabled: false,
      payload: { input: { steps: [] } },
    });
    // no ticker of ours may take the tick first: only the contenders below race for it
    await r.shutdown(1000);
    const from = new Date(Date.now() - 1000);
    await database().prisma.cron.update({ where: { id: cron.id }, data: { enabled: true, nextRunAt: from } });
    const to = new Date(Date.now() + 3_600_000);
    const admissions = await Promise.all(
      Array.from({ length: 6 }, () =>
        repos.runs.admit(
          ALL,
          {
            threadId: crypto.randomUUID(),
            ownerId: owner,
            assistantId: cron.assistantId,
            kwargs: {},
            cronId: cron.id,
            cronTick: from,
            onCompletion: "keep",
          },
          { rejectIfBusy: false, createThread: true, claim: { cronId: cron.id, from, to } },
        ),
      ),
    );
    expect(admissions.filter((a) => a.kind === "created")).toHaveLength(1);
    expect(admissions.filter((a) => a.kind === "claim-lost")).toHaveLength(5);
    expect((await repos.crons.get(ALL, cron.id))?.nextRunAt).toEqual(to);
    // the losers left nothing behind
    expect(await database().prisma.run.count({ where: { cronId: cron.id } })).toBe(1);
    // and should the claim ever be won twice (the cron put back on the same tick), the tick's run is still the one
    await database().prisma.cron.update({ where: { id: cron.id }, data: { nextRunAt: from } });
    const again = await repos.runs.admit(
      ALL,
      { threadId: crypto.randomUUID(), ownerId: owner, assistantId: cron.assistantId, kwargs: {}, cronId: cron.id, cronTick: from },
      { rejectIfBusy: false, createThread: true, claim: { cronId: cron.id, from, to } },
    );
    expect(again.kind).toBe("claim-lost");
    expect(await database().prisma.run.count({ where: { cronId: cron.id } })).toBe(1);
    await repos.crons.delete(ALL, cron.id);
  });

  it("a tick that cannot make a run (its thread busy under reject) is passed over and logged; the schedule goes on", async () => {
    const logged: string[] = [];
    const r = createRuntime({
      db: database(),
      graphs: source,
      concurrency: 4,
      crons: { seconds: true, recheckMs: 200 },
      reportError: (_where, err) => logged.push(String((err as Error).message)),
    });
    runtimes.push(r);
    await r.start();
    const thread = await repos.threads.create({ ownerId: owner });
    // in flight for a day: the thread stays busy
    await r.runs.create(actor(), { threadId: thread.id, assistantId: "quick", input: { steps: [] }, afterSeconds: 86_400 });
    const cron = await r.crons.create(actor(), {
      assistantId: "quick",
      threadId: thread.id,
      schedule: "* * * * * *",
      payload: { input: { steps: [] }, multitaskStrategy: "reject" },
    });
    const first = cron.nextRunAt!;
    await sleep(2500);
    await r.crons.setEnabled(actor(), cron.id, false);
    expect(await database().prisma.run.count({ where: { cronId: cron.id } })).toBe(0);
    expect(logged.some((m) => m.includes(`cron ${cron.id}`) && m.includes("made no run"))).toBe(true);
    expect((await r.crons.get(actor(), cron.id)).nextRunAt!.getTime()).toBeGreaterThan(first.getTime());
    await r.crons.delete(actor(), cron.id);
    await r.runs.cancelMany(actor(), { threadId: thread.id });
    await r.shutdown(1000);
  });

  it("a tick missed while no runtime ran fires once at start-up, then the schedule resumes from now", async () => {
    const r = runtime();
    await r.start();
    const thread = await repos.threads.create({ ownerId: owner });
    const cron = await r.crons.create(actor(), {
      assistantId: "quick",
      threadId: thread.id,
      schedule: "0 * * * *",
      payload: { input: { steps: [] } },
    });
    await r.shutdown(1000);
    // down for hours: three ticks went by
    const missed = new Date(Date.now() - 3 * 3_600_000);
    await database().prisma.cron.update({ where: { id: cron.id }, data: { nextRunAt: missed } });
    const again = runtime();
    await again.start();
    for (let i = 0; i < 50 && (await database().prisma.run.count({ where: { cronId: cron.id } })) === 0; i++) await sleep(100);
    await sleep(500);
    expect(await database().prisma.run.count({ where: { cronId: cron.id } })).toBe(1);
    const next = (await again.crons.get(actor(), cron.id)).nextRunAt!;
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect(next.getUTCMinutes()).toBe(0);
    await again.crons.delete(actor(), cron.id);
  });
});

// two members of a fleet (PostgreSQL + Redis): an embedded runtime serves one process alone, so this is PostgreSQL's
describe.each(testTargets.filter((t) => t.provider === "postgresql"))("cron ticks in a fleet on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let owner: string;
  const actor = (): Actor => ({ userId: owner, scope: { ownerId: owner } });
  const runtimes: Runtime[] = [];

  beforeAll(async () => {
    owner = (await repositories(database()).users.createUser({ email: `cron-fleet-${Date.now()}@x.dev`, name: "owner" })).id;
  });
  afterAll(async () => {
    for (const r of runtimes) await r.shutdown(1000);
  });

  it("two members of a fleet fire each tick of a cron exactly once", async () => {
    const prefix = `lgrs-test-${randomBytes(4).toString("hex")}:`;
    const redis = await Promise.all([0, 1].map(() => connectRedis(REDIS_URL, { keyPrefix: prefix })));
    const member = (r: RedisConnection) => {
      const m = createRuntime({
        db: database(),
        graphs: source,
        concurrency: 4,
        fleet: { redis: r, worker: true },
        crons: { seconds: true, recheckMs: 200 },
      });
      runtimes.push(m);
      return m;
    };
    const [a, b] = [member(redis[0]!), member(redis[1]!)];
    await Promise.all([a.start(), b.start()]);
    const cron = await a.crons.create(actor(), {
      assistantId: "quick",
      schedule: "* * * * * *",
      payload: { input: { steps: [] }, onCompletion: "keep" },
    });
    // b sees it within its recheck interval; from then on both wake for every tick
    const startedAt = Date.now();
    await sleep(4200);
    await a.crons.setEnabled(actor(), cron.id, false);
    const elapsed = (Date.now() - startedAt) / 1000;
    const runs = await database().prisma.run.findMany({
      where: { cronId: cron.id },
      orderBy: { createdAt: "asc" },
      select: { cronTick: true, threadId: true },
    });
    // each run for a tick of its own, on the second, in order
    const ticks = runs.map((r) => r.cronTick!.getTime());
    expect(new Set(ticks).size, `ticks ${ticks.join(", ")}`).toBe(ticks.length);
    for (const [i, tick] of ticks.entries()) {
      expect(tick % 1000).toBe(0);
      if (i > 0) expect(tick).toBeGreaterThan(ticks[i - 1]!);
    }
    // a tick fired late (a loaded machine) passes over the ticks it overran: most, not all, fire
    expect(runs.length).toBeGreaterThanOrEqual(Math.floor(elapsed / 2));
    expect(runs.length).toBeLessThanOrEqual(Math.ceil(elapsed) + 1);
    expect(new Set(runs.map((r) => r.threadId)).size).toBe(runs.length);
    await a.crons.delete(actor(), cron.id);
    await Promise.all([a.shutdown(1000), b.shutdown(1000)]);
    await deleteKeys(redis[0]!, prefix);
    await Promise.all(redis.map((r) => r.close()));
  });
});
