import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositories, type Repositories } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { createRuntime, GraphRegistry, type Runtime } from "../src/index.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The ttl sweeper as two members of a fleet run it: both sweep the same database at
 * once (their own timers off, `sweepExpired` called by hand), and each expired thread
 * or item is acted on exactly once; a ttl set again meanwhile is honoured.
 */
describe.each(testTargets)("ttl sweeps by two members on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let one: Runtime;
  let two: Runtime;
  let repos: Repositories;
  let owner: string;

  beforeAll(async () => {
    const graphs = await GraphRegistry.load();
    one = createRuntime({ db: database(), graphs, ttlSweepMs: 0 });
    two = createRuntime({ db: database(), graphs, ttlSweepMs: 0 });
    await one.start();
    await two.start();
    repos = repositories(database());
    owner = (await repos.users.createUser({ email: `ttl-${Date.now()}@x.dev`, name: "owner" })).id;
  });
  afterAll(async () => {
    await one.shutdown(1000);
    await two.shutdown(1000);
  });

  const actor = () => ({ userId: owner, scope: { ownerId: owner } });

  async function ranTwice(): Promise<string> {
    const threadId = randomUUID();
    for (let i = 0; i < 2; i++) {
      const run = await one.runs.create(actor(), { threadId, assistantId: "trivial", input: {}, ifNotExists: "create" });
      await one.runs.join(actor(), run.id);
    }
    return threadId;
  }

  it("deletes each expired thread once, prunes keep_latest ones once, and leaves a thread whose ttl was renewed", async () => {
    const doomed = await Promise.all([0, 1, 2].map(() => one.threads.create(actor(), { ttl: { strategy: "delete", minutes: 0.001 } })));
    const kept = await ranTwice();
    await one.threads.update(actor(), kept, { ttl: { strategy: "keep_latest", minutes: 0.001 } });
    const renewed = await one.threads.create(actor(), { ttl: { strategy: "delete", minutes: 0.001 } });
    const lasting = await one.threads.create(actor(), { ttl: { strategy: "delete", minutes: 60 } });
    await sleep(150);
    await one.threads.update(actor(), renewed.id, { ttl: { strategy: "delete", minutes: 60 } });

    const [a, b] = await Promise.all([one.sweepExpired(), two.sweepExpired()]);
    expect(a.deleted + b.deleted).toBe(doomed.length);
    expect(a.pruned + b.pruned).toBe(1);
    for (const t of doomed) await expect(one.threads.get(actor(), t.id)).rejects.toThrow(/not found/);
    expect((await one.threads.history(actor(), kept, { limit: 100 })).length).toBe(1);
    expect((await one.threads.state(actor(), kept)).values).toEqual({ count: 2 });
    expect((await one.threads.get(actor(), kept)).expiresAt).toBeNull();
    expect((await one.threads.get(actor(), renewed.id)).id).toBe(renewed.id);
    expect((await one.threads.get(actor(), lasting.id)).id).toBe(lasting.id);
    // nothing left to do
    const again = await one.sweepExpired();
    expect(again).toMatchObject({ deleted: 0, pruned: 0 });
  });

  it("leaves an expired thread with a run in flight for a later sweep", async () => {
    const threadId = randomUUID();
    const run = await one.runs.create(actor(), {
      threadId,
      assistantId: "slow",
      input: {},
      config: { configurable: { step_delay_ms: 100 } },
      ifNotExists: "create",
    });
    await one.threads.update(actor(), threadId, { ttl: { strategy: "delete", minutes: 0.001 } });
    await sleep(150);
    expect((await one.sweepExpired()).deleted).toBe(0);
    await one.runs.join(actor(), run.id);
    expect((await one.sweepExpired()).deleted).toBe(1);
  });

  it("sweeps expired store items once; they were invisible already", async () => {
    const namespace = ["ttl", randomUUID()];
    await one.store.put(actor(), { namespace, key: "a", value: { n: 1 }, ttlMinutes: 0.001 });
    await one.store.put(actor(), { namespace, key: "b", value: { n: 2 } });
    await sleep(150);
    expect((await one.store.search(actor(), namespace)).map((i) => i.key)).toEqual(["b"]);
    await expect(one.store.get(actor(), { namespace, key: "a" })).rejects.toThrow(/no item/);
    const [a, b] = await Promise.all([one.sweepExpired(), two.sweepExpired()]);
    expect(a.items + b.items).toBeGreaterThanOrEqual(1);
    expect((await one.store.get(actor(), { namespace, key: "b" })).value).toEqual({ n: 2 });
  });
});
