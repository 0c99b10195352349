import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositories } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { createRuntime, GraphRegistry, type Actor, type Runtime } from "../src/index.ts";
import { ConflictError, InvalidRequestError, NotFoundError } from "../src/errors.ts";

/** The rules the thread, assistant and store services hold for every door, on the bundled graphs. */
describe.each(testTargets)("thread, assistant and store rules on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let runtime: Runtime;
  let alice: Actor;
  let bob: Actor;
  const admin = (userId: string): Actor => ({ userId, scope: { all: true } });

  beforeAll(async () => {
    runtime = createRuntime({ db: database(), graphs: await GraphRegistry.load(), concurrency: 2 });
    await runtime.start();
    const users = repositories(database()).users;
    const a = (await users.createUser({ email: `a-${Date.now()}@x.dev`, name: "alice" })).id;
    const b = (await users.createUser({ email: `b-${Date.now()}@x.dev`, name: "bob" })).id;
    alice = { userId: a, scope: { ownerId: a } };
    bob = { userId: b, scope: { ownerId: b } };
  });
  afterAll(() => runtime.shutdown(1000));

  /** The error a call fails with, to look at its kind and field. */
  async function failure(call: Promise<unknown>): Promise<Error & { field?: string }> {
    try {
      await call;
    } catch (err) {
      return err as Error & { field?: string };
    }
    throw new Error("expected the call to fail");
  }

  describe("threads", () => {
    it("creates with a chosen id once; do_nothing gives the caller's own back; another owner's id is a conflict that shows nothing", async () => {
      const threadId = randomUUID();
      const made = await runtime.threads.create(alice, { threadId, metadata: { v: 1 } });
      expect(made).toMatchObject({ id: threadId, ownerId: alice.userId, status: "idle", metadata: { v: 1 } });
      await expect(runtime.threads.create(alice, { threadId })).rejects.toBeInstanceOf(ConflictError);
      expect(await runtime.threads.create(alice, { threadId, ifExists: "do_nothing", metadata: { v: 2 } })).toEqual(made);
      const theirs = await failure(runtime.threads.create(bob, { threadId, ifExists: "do_nothing" }));
      expect(theirs).toBeInstanceOf(ConflictError);
      expect(theirs.message).not.toContain("v");
      // the admin sees every thread, so do_nothing gives it back
      expect(await runtime.threads.create(admin(bob.userId), { threadId, ifExists: "do_nothing" })).toEqual(made);
    });

    it("two creates of one id at once: one thread, and the other caller gets it (do_nothing) or a conflict (raise)", async () => {
      const threadId = randomUUID();
      const results = await Promise.allSettled([1, 2, 3].map(() => runtime.threads.create(alice, { threadId, ifExists: "do_nothing" })));
      expect(results.map((r) => (r.status === "fulfilled" ? r.value.id : String(r.reason)))).toEqual([threadId, threadId, threadId]);
      const raisedId = randomUUID();
      const raced = await Promise.allSettled([1, 2, 3].map(() => runtime.threads.create(bob, { threadId: raisedId })));
      expect(raced.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of raced) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ConflictError);
    });

    it("merges metadata on update; an update without metadata gives the thread as it is; another owner's is not found", async () => {
      const made = await runtime.threads.create(alice, { metadata: { a: 1, b: 1 } });
      expect((await runtime.threads.update(alice, made.id, { metadata: { b: 2 } })).metadata).toEqual({ a: 1, b: 2 });
      expect((await runtime.threads.update(alice, made.id, {})).metadata).toEqual({ a: 1, b: 2 });
      await expect(runtime.threads.update(bob, made.id, { metadata: { x: 1 } })).rejects.toBeInstanceOf(NotFoundError);
      await expect(runtime.threads.get(bob, made.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it("searches, counts and pages in the database; a bad window names its field", async () => {
      const tag = randomUUID();
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await runtime.threads.create(alice, { metadata: { tag, i } }));
      const page = await runtime.threads.search(alice, { metadata: { tag }, sortBy: "createdAt", sortOrder: "asc", offset: 1, limit: 2 });
      expect(page.items.map((t) => t.id)).toEqual(made.slice(1, 3).map((t) => t.id));
      expect(page.hasMore).toBe(true);
      expect(await runtime.threads.count(alice, { metadata: { tag } })).toBe(5);
      expect(await runtime.threads.count(bob, { metadata: { tag } })).toBe(0);
      expect((await failure(runtime.threads.search(alice, { limit: 0 }))).field).toBe("limit");
      expect((await failure(runtime.threads.search(alice, { offset: -3 }))).field).toBe("offset");
    });

    it("values a graph's reducers refuse are the caller's mistake, naming the values", async () => {
      const thread = await runtime.threads.create(alice);
      const run = await runtime.runs.create(alice, {
        threadId: thread.id,
        assistantId: "agent",
        input: { messages: [{ role: "user", content: "hi" }] },
        config: { configurable: { token_delay_ms: 1 } },
      });
      await runtime.runs.join(alice, run.id);
      const refused = await failure(runtime.threads.updateState(alice, thread.id, { values: { messages: [{ bogus: 1 }] } }));
      expect(refused).toBeInstanceOf(InvalidRequestError);
      expect(refused.field).toBe("values");
      expect(refused.message).toMatch(/^the graph refused the update: /);
    });
  });

  describe("assistants", () => {
    it("an assistant or graph id with a lone surrogate names nothing: not found, wherever an assistant is looked up", async () => {
      for (const assistantId of ["\ud800", "agent\udfff"]) {
        await expect(runtime.assistants.get(alice, assistantId)).rejects.toBeInstanceOf(NotFoundError);
        await expect(runtime.runs.create(alice, { threadId: null, assistantId })).rejects.toBeInstanceOf(NotFoundError);
        await expect(runtime.feedback.summary(alice, { assistantId })).rejects.toBeInstanceOf(NotFoundError);
      }
    });

    it("refuses an unknown graph (naming graphId) and the reserved system metadata", async () => {
      const unknown = await failure(runtime.assistants.create(alice, { graphId: "no-such-graph" }));
      expect(unknown).toBeInstanceOf(InvalidRequestError);
      expect(unknown.field).toBe("graphId");
      expect(unknown.message).toContain("no-such-graph");
      const reserved = await failure(runtime.assistants.create(alice, { graphId: "agent", metadata: { created_by: "system" } }));
      expect(reserved).toBeInstanceOf(InvalidRequestError);
      expect(reserved.field).toBe("metadata.created_by");
    });

    it("never changes or deletes a default assistant, by id or by graph id", async () => {
      const agent = await runtime.assistants.get(alice, "agent");
      for (const id of [agent.id, "agent"]) {
        await expect(runtime.assistants.update(alice, id, { name: "mine" })).rejects.toBeInstanceOf(ConflictError);
        await expect(runtime.assistants.delete(admin(alice.userId), id)).rejects.toBeInstanceOf(ConflictError);
      }
      expect(await runtime.assistants.get(alice, agent.id)).toEqual(agent);
    });

    it("creates with a chosen id once, merges metadata on update as a new version, and lists the versions", async () => {
      const assistantId = randomUUID();
      const made = await runtime.assistants.create(alice, { assistantId, graphId: "agent", metadata: { a: 1 } });
      expect(made).toMatchObject({ id: assistantId, name: "agent", version: 1, ownerId: alice.userId });
      await expect(runtime.assistants.create(bob, { assistantId, graphId: "agent" })).rejects.toBeInstanceOf(ConflictError);
      expect(await runtime.assistants.create(bob, { assistantId, graphId: "trivial", ifExists: "do_nothing" })).toEqual(made);
      const updated = await runtime.assistants.update(alice, assistantId, { metadata: { b: 2 }, graphId: "trivial" });
      expect(updated).toMatchObject({ graphId: "trivial", version: 2, metadata: { a: 1, b: 2 } });
      await expect(runtime.assistants.update(alice, assistantId, { graphId: "nope" })).rejects.toBeInstanceOf(InvalidRequestError);
      expect((await runtime.assistants.versions(alice, assistantId)).map((v) => v.version)).toEqual([2, 1]);
      expect((await runtime.assistants.versions(alice, assistantId, { metadata: { b: 2 } })).map((v) => v.version)).toEqual([2]);
    });

    it("setLatest makes a version current without adding one, under an update's rules", async () => {
      const made = await runtime.assistants.create(alice, { graphId: "trivial", name: "one", config: { tags: ["one"] } });
      await runtime.assistants.update(alice, made.id, { name: "two", graphId: "agent", metadata: { v: 2 } });
      const back = await runtime.assistants.setLatest(alice, made.id, 1);
      expect(back).toMatchObject({ id: made.id, version: 1, name: "one", graphId: "trivial", config: { tags: ["one"] }, metadata: {} });
      expect(await runtime.assistants.get(bob, made.id)).toEqual(back);
      expect((await runtime.assistants.versions(alice, made.id)).map((v) => v.version)).toEqual([2, 1]);
      expect((await runtime.assistants.update(alice, made.id, { name: "three" })).version).toBe(3);

      const missing = await failure(runtime.assistants.setLatest(alice, made.id, 9));
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(missing.message).toContain("no version 9");
      expect(await failure(runtime.assistants.setLatest(alice, made.id, 0))).toMatchObject({ field: "version" });
      expect(await failure(runtime.assistants.setLatest(bob, made.id, 1))).toBeInstanceOf(NotFoundError);
      expect(await failure(runtime.assistants.setLatest(admin(bob.userId), "trivial", 1))).toBeInstanceOf(ConflictError);
      expect((await runtime.assistants.setLatest(admin(bob.userId), made.id, 2)).name).toBe("two");
    });

    it("refuses to delete an assistant with a run in flight, then deletes it with the caller's threads when asked", async () => {
      const slow = await runtime.assistants.create(alice, { graphId: "slow", config: { configurable: { step_delay_ms: 300 } } });
      const thread = await runtime.threads.create(alice);
      const run = await runtime.runs.create(alice, { threadId: thread.id, assistantId: slow.id, input: {} });
      const refused = await failure(runtime.assistants.delete(alice, slow.id));
      expect(refused).toBeInstanceOf(ConflictError);
      expect(refused.message).toContain("run in flight");
      await runtime.runs.join(alice, run.id);
      await runtime.assistants.delete(alice, slow.id, { deleteThreads: true });
      await expect(runtime.assistants.get(alice, slow.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(runtime.threads.get(alice, thread.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(runtime.assistants.delete(alice, slow.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it("everyone reads and runs an assistant; only its owner or an admin changes or deletes it, anyone else finds it missing", async () => {
      const tag = randomUUID();
      const mine = await runtime.assistants.create(alice, {
        graphId: "trivial",
        config: { configurable: { who: "alice" } },
        metadata: { tag },
      });
      // shared for reading and running, as on LangGraph Platform
      expect(await runtime.assistants.get(bob, mine.id)).toEqual(mine);
      expect((await runtime.assistants.search(bob, { metadata: { tag } })).items.map((a) => a.id)).toEqual([mine.id]);
      expect(await runtime.assistants.count(bob, { metadata: { tag } })).toBe(1);
      expect((await runtime.assistants.versions(bob, mine.id)).map((v) => v.version)).toEqual([1]);
      const thread = await runtime.threads.create(bob);
      const run = await runtime.runs.join(
        bob,
        (await runtime.runs.create(bob, { threadId: thread.id, assistantId: mine.id, input: {} })).id,
      );
      expect(run.status).toBe("success");

      const changed = await failure(runtime.assistants.update(bob, mine.id, { config: { configurable: { who: "bob" } } }));
      expect(changed).toBeInstanceOf(NotFoundError);
      expect(changed.message).toContain("only its owner or an admin");
      await expect(runtime.assistants.delete(bob, mine.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(runtime.assistants.delete(bob, mine.id, { deleteThreads: true })).rejects.toBeInstanceOf(NotFoundError);
      expect(await runtime.assistants.get(alice, mine.id)).toEqual(mine);

      expect((await runtime.assistants.update(alice, mine.id, { name: "by the owner" })).version).toBe(2);
      expect((await runtime.assistants.update(admin(bob.userId), mine.id, { name: "by an admin" })).version).toBe(3);
      // the owner's and the admin's updates leave the owner as it was
      expect((await runtime.assistants.get(bob, mine.id)).ownerId).toBe(alice.userId);
    });

    it("never deletes another user's runs with an assistant: refuses (naming why) until they are gone, then takes the owner's own", async () => {
      const mine = await runtime.assistants.create(alice, { graphId: "trivial" });
      const aliceThread = await runtime.threads.create(alice, { metadata: { assistant_id: mine.id } });
      const aliceRun = await runtime.runs.join(
        alice,
        (await runtime.runs.create(alice, { threadId: aliceThread.id, assistantId: mine.id, input: {} })).id,
      );
      const bobThread = await runtime.threads.create(bob, { metadata: { assistant_id: mine.id } });
      const bobRun = await runtime.runs.join(
        bob,
        (await runtime.runs.create(bob, { threadId: bobThread.id, assistantId: mine.id, input: {} })).id,
      );

      for (const [actor, options] of [
        [alice, {}],
        [alice, { deleteThreads: true }],
        [admin(alice.userId), {}],
      ] as const) {
        const refused = await failure(runtime.assistants.delete(actor, mine.id, options));
        expect(refused).toBeInstanceOf(ConflictError);
        expect(refused.message).toContain("1 run(s) of other users");
      }
      // nothing was deleted: not the assistant, not a run, not the owner's thread (deleteThreads)
      expect((await runtime.assistants.get(bob, mine.id)).id).toBe(mine.id);
      expect((await runtime.runs.get(bob, bobRun.id)).status).toBe("success");
      expect((await runtime.runs.get(alice, aliceRun.id)).status).toBe("success");
      expect((await runtime.threads.get(alice, aliceThread.id)).id).toBe(aliceThread.id);

      await runtime.threads.delete(bob, bobThread.id);
      await runtime.assistants.delete(alice, mine.id);
      await expect(runtime.assistants.get(alice, mine.id)).rejects.toBeInstanceOf(NotFoundError);
      // the owner's own run went with the assistant; the owner's thread stays (deleteThreads was not asked)
      await expect(runtime.runs.get(alice, aliceRun.id)).rejects.toBeInstanceOf(NotFoundError);
      expect((await runtime.threads.get(alice, aliceThread.id)).id).toBe(aliceThread.id);
    });

    it("an admin deletes another user's assistant and its owner's runs; an owner-less assistant is the admin's alone", async () => {
      const theirs = await runtime.assistants.create(bob, { graphId: "trivial" });
      const thread = await runtime.threads.create(bob);
      const run = await runtime.runs.join(
        bob,
        (await runtime.runs.create(bob, { threadId: thread.id, assistantId: theirs.id, input: {} })).id,
      );
      await runtime.assistants.delete(admin(alice.userId), theirs.id);
      await expect(runtime.runs.get(bob, run.id)).rejects.toBeInstanceOf(NotFoundError);

      // made before owners were recorded, or whose owner's account is gone
      const ownerless = await repositories(database()).assistants.create({ graphId: "trivial", name: "legacy" });
      expect(ownerless.ownerId).toBeNull();
      await expect(runtime.assistants.update(alice, ownerless.id, { name: "x" })).rejects.toBeInstanceOf(NotFoundError);
      await expect(runtime.assistants.delete(alice, ownerless.id)).rejects.toBeInstanceOf(NotFoundError);
      const used = await runtime.runs.join(
        alice,
        (await runtime.runs.create(alice, { threadId: (await runtime.threads.create(alice)).id, assistantId: ownerless.id, input: {} })).id,
      );
      expect((await runtime.assistants.update(admin(alice.userId), ownerless.id, { name: "y" })).version).toBe(2);
      const refused = await failure(runtime.assistants.delete(admin(alice.userId), ownerless.id));
      expect(refused).toBeInstanceOf(ConflictError);
      expect(refused.message).toContain("it has no owner");
      await runtime.runs.delete(alice, used.id);
      await runtime.assistants.delete(admin(alice.userId), ownerless.id);
      await expect(runtime.assistants.get(alice, ownerless.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it("describes an assistant with its graph, gives its schemas and subgraphs", async () => {
      const described = await runtime.assistants.describe(alice, "subgraph");
      expect(described.graph?.nodes.map((n) => n.id)).toContain("research");
      expect((await runtime.assistants.schemas(alice, "agent")).graphId).toBe("agent");
      const [research, ...more] = await runtime.assistants.subgraphs(alice, "subgraph");
      expect(more).toEqual([]);
      expect(research).toMatchObject({ namespace: "research", graphId: "subgraph" });
      expect(Object.keys(research?.schemas.state?.properties ?? {})).toEqual(["topic", "notes", "lookups"]);
      expect(await runtime.assistants.subgraphs(alice, "agent")).toEqual([]);
    });
  });

  describe("store", () => {
    it("puts, gets, searches, lists and deletes; a missing item is not found", async () => {
      const root = `r${randomUUID().slice(0, 8)}`;
      await runtime.store.put(alice, { namespace: [root, "a"], key: "k", value: { n: 1 } });
      expect(await runtime.store.get(bob, { namespace: [root, "a"], key: "k" })).toMatchObject({ value: { n: 1 }, key: "k" });
      expect((await runtime.store.search(alice, [root], { filter: { n: { $gte: 1 } } })).map((i) => i.key)).toEqual(["k"]);
      expect(await runtime.store.listNamespaces(alice, { prefix: [root] })).toEqual([[root, "a"]]);
      await runtime.store.delete(alice, { namespace: [root, "a"], key: "k" });
      await expect(runtime.store.get(alice, { namespace: [root, "a"], key: "k" })).rejects.toBeInstanceOf(NotFoundError);
    });

    it("refuses a namespace the store cannot hold, naming the namespace", async () => {
      for (const namespace of [["langgraph", "x"], [], ["a.b"]]) {
        const refused = await failure(runtime.store.put(alice, { namespace, key: "k", value: {} }));
        expect(refused, JSON.stringify(namespace)).toBeInstanceOf(InvalidRequestError);
        expect(refused.field).toBe("namespace");
      }
    });

    it("a prefix or suffix longer than any namespace finds nothing (SQLite would refuse its LIKE pattern)", async () => {
      const root = `r${randomUUID().slice(0, 8)}`;
      await runtime.store.put(alice, { namespace: [root], key: "k", value: {} });
      const long = "x".repeat(100_000);
      expect(await runtime.store.search(alice, [long])).toEqual([]);
      expect(await runtime.store.search(alice, [root, long])).toEqual([]);
      expect(await runtime.store.listNamespaces(alice, { prefix: [long] })).toEqual([]);
      expect(await runtime.store.listNamespaces(alice, { suffix: [long] })).toEqual([]);
      expect(await runtime.store.search(alice, [root])).toHaveLength(1);
    });
  });
});
