/**
 * The `assistants` and `account` procedures over HTTP: the bundled graphs'
 * assistants as a user finds them, and API keys from creation to revocation.
 */
import { randomUUID } from "node:crypto";
import { hashApiKey, type User } from "@lgrs/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, type ApiClient } from "../src/client.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";
import { expectCode } from "./support/api-errors.ts";

const BUNDLED_GRAPHS = ["agent", "failing", "human", "slow", "subgraph", "trivial"];

let server: TestServer;
let alice: { user: User; key: string; client: ApiClient };
let bob: { user: User; key: string; client: ApiClient };

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = await Promise.all([server.user(), server.user()]);
}, 120_000);
afterAll(() => server?.stop());

const clientWith = (headers: Record<string, string>) => createApiClient({ url: server.url, headers });

describe("assistants", () => {
  it("list contains the default assistant of each bundled graph", async () => {
    const { items, nextCursor } = await alice.client.assistants.list.query();
    expect(nextCursor).toBeNull();
    expect(items.map((a) => a.graphId).sort()).toEqual(BUNDLED_GRAPHS);
    for (const a of items) {
      expect(a).toMatchObject({ name: a.graphId, metadata: { created_by: "system" } });
      expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    // the admin sees the same ones
    expect((await server.admin.assistants.list.query()).items.map((a) => a.id).sort()).toEqual(items.map((a) => a.id).sort());
  });

  it("list filters by graph and pages", async () => {
    const human = await alice.client.assistants.list.query({ graphId: "human" });
    expect(human.items.map((a) => a.graphId)).toEqual(["human"]);
    expect((await alice.client.assistants.list.query({ graphId: "no-such-graph" })).items).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: Awaited<ReturnType<typeof alice.client.assistants.list.query>> = await alice.client.assistants.list.query({
        limit: 4,
        cursor,
      });
      seen.push(...page.items.map((a) => a.graphId));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen.sort()).toEqual(BUNDLED_GRAPHS);
  });

  it("get by graph id returns the default assistant with its graph's nodes and edges", async () => {
    const agent = await alice.client.assistants.get.query({ assistantId: "agent" });
    expect(agent.graphId).toBe("agent");
    expect(agent.graph).not.toBeNull();
    const nodes = agent.graph!.nodes.map((n) => String(n.id));
    expect(nodes).toEqual(expect.arrayContaining(["__start__", "agent", "__end__"]));
    const edges = agent.graph!.edges.map((e) => [String(e.source), String(e.target)]);
    expect(edges).toEqual(
      expect.arrayContaining([
        ["__start__", "agent"],
        ["agent", "__end__"],
      ]),
    );

    const human = await alice.client.assistants.get.query({ assistantId: "human" });
    expect(human.graph!.nodes.map((n) => String(n.id))).toEqual(expect.arrayContaining(["review", "finish"]));
    expect(human.graph!.edges.map((e) => [String(e.source), String(e.target)])).toEqual(
      expect.arrayContaining([
        ["__start__", "review"],
        ["review", "finish"],
        ["finish", "__end__"],
      ]),
    );
  });

  it("get by assistant id returns the same assistant", async () => {
    const listed = (await alice.client.assistants.list.query({ graphId: "slow" })).items[0]!;
    const byId = await alice.client.assistants.get.query({ assistantId: listed.id });
    const byGraph = await alice.client.assistants.get.query({ assistantId: "slow" });
    expect(byId).toEqual(byGraph);
    expect(byId).toMatchObject({ id: listed.id, graphId: "slow" });
    const nodes = byId.graph!.nodes.map((n) => String(n.id));
    expect(nodes).toEqual(expect.arrayContaining(["plan", "research", "draft", "review", "publish"]));
    expect(byId.graph!.edges.length).toBeGreaterThanOrEqual(6);
  });

  it("an unknown assistant is NOT_FOUND", async () => {
    await expectCode(alice.client.assistants.get.query({ assistantId: "no-such-graph" }), "NOT_FOUND");
    await expectCode(alice.client.assistants.get.query({ assistantId: randomUUID() }), "NOT_FOUND");
  });

  it("bad input is BAD_REQUEST naming the field", async () => {
    const err = await expectCode(alice.client.assistants.get.query({ assistantId: "" }), "BAD_REQUEST");
    expect(err.data?.issues?.map((i) => i.path)).toEqual(["assistantId"]);
    const unknown = await expectCode(
      alice.client.assistants.list.query({ owner: "me" } as unknown as Parameters<typeof alice.client.assistants.list.query>[0]),
      "BAD_REQUEST",
    );
    expect(unknown.data?.issues).toEqual([{ path: "owner", message: "unknown field" }]);
  });

  it("needs a caller", async () => {
    await expectCode(createApiClient({ url: server.url }).assistants.list.query(), "UNAUTHORIZED");
    await expectCode(createApiClient({ url: server.url }).assistants.get.query({ assistantId: "agent" }), "UNAUTHORIZED");
  });

  it("creates, updates as a new version (metadata merged), finds, counts and deletes an assistant", async () => {
    const tag = randomUUID();
    const made = await alice.client.assistants.create.mutate({
      graphId: "agent",
      name: `Helper ${tag}`,
      config: { configurable: { token_delay_ms: 1 } },
      metadata: { tag, team: "docs" },
    });
    expect(made).toMatchObject({
      graphId: "agent",
      name: `Helper ${tag}`,
      version: 1,
      ownerId: alice.user.id,
      metadata: { tag, team: "docs" },
    });
    // shared for reading, changed by its owner only (assistant-owners.test.ts)
    const updated = await alice.client.assistants.update.mutate({ assistantId: made.id, graphId: "trivial", metadata: { team: "ops" } });
    expect(updated).toMatchObject({ id: made.id, graphId: "trivial", version: 2, metadata: { tag, team: "ops" }, name: `Helper ${tag}` });
    expect((await alice.client.assistants.versions.query({ assistantId: made.id })).map((v) => v.version)).toEqual([2, 1]);
    const found = await alice.client.assistants.search.query({ name: `helper ${tag}`.toUpperCase() });
    expect(found).toEqual({ items: [updated], hasMore: false });
    expect(await alice.client.assistants.count.query({ metadata: { tag } })).toBe(1);

    expect(await alice.client.assistants.delete.mutate({ assistantId: made.id })).toEqual({ assistantId: made.id, deleted: true });
    await expectCode(alice.client.assistants.get.query({ assistantId: made.id }), "NOT_FOUND");
    await expectCode(alice.client.assistants.delete.mutate({ assistantId: made.id }), "NOT_FOUND");
  });

  it("deletes the caller's threads the assistant ran on, with deleteThreads", async () => {
    const made = await alice.client.assistants.create.mutate({ graphId: "trivial" });
    const thread = await alice.client.threads.create.mutate({});
    const run = await alice.client.runs.create.mutate({ threadId: thread.id, assistantId: made.id, input: {} });
    await alice.client.runs.join.query({ runId: run.id });
    await alice.client.assistants.delete.mutate({ assistantId: made.id, deleteThreads: true });
    await expectCode(alice.client.threads.get.query({ threadId: thread.id }), "NOT_FOUND");
  });

  it("refuses what the runtime refuses, naming the field", async () => {
    const unknown = await expectCode(alice.client.assistants.create.mutate({ graphId: "no-such-graph" }), "BAD_REQUEST");
    expect(unknown.data?.issues?.map((i) => i.path)).toEqual(["graphId"]);
    expect(unknown.message).toContain("no-such-graph");
    const reserved = await expectCode(
      alice.client.assistants.create.mutate({ graphId: "agent", metadata: { created_by: "system" } }),
      "BAD_REQUEST",
    );
    expect(reserved.data?.issues?.map((i) => i.path)).toEqual(["metadata.created_by"]);
    await expectCode(alice.client.assistants.update.mutate({ assistantId: "agent", name: "mine" }), "CONFLICT");
    await expectCode(server.admin.assistants.delete.mutate({ assistantId: "agent" }), "CONFLICT");
  });
});

describe("account", () => {
  it("me tells the admin who they are", async () => {
    const me = await server.admin.account.me.query();
    expect(me).toMatchObject({ role: "admin", via: "api-key" });
    expect(me.email).toMatch(/@/);
    expect(me.userId).toEqual(expect.any(String));
  });

  it("me tells a user who they are", async () => {
    expect(await alice.client.account.me.query()).toEqual({ userId: alice.user.id, email: alice.user.email, role: "user", via: "api-key" });
    expect((await bob.client.account.me.query()).userId).toBe(bob.user.id);
  });

  it("owners: an admin may filter by every operator, even one with no rows yet; a user only by themselves", async () => {
    // every operator, whether or not they own rows yet
    const all = await server.admin.account.owners.query({});
    expect(all.map((o) => o.id)).toEqual(expect.arrayContaining([alice.user.id, bob.user.id]));
    expect(all.find((o) => o.id === bob.user.id)).toEqual({ id: bob.user.id, email: bob.user.email, name: expect.any(String) });
    const emails = all.map((o) => o.email);
    expect(emails).toEqual([...emails].sort());
    expect(await server.admin.account.owners.query({ limit: 1 })).toHaveLength(1);
    expect((await alice.client.account.owners.query({})).map((o) => o.id)).toEqual([alice.user.id]);
    const tooMany = await expectCode(server.admin.account.owners.query({ limit: 501 }), "BAD_REQUEST");
    expect(tooMany.message).toMatch(/limit/);
  });

  it("me without a key, or with a wrong one, is UNAUTHORIZED", async () => {
    await expectCode(createApiClient({ url: server.url }).account.me.query(), "UNAUTHORIZED");
    await expectCode(createApiClient({ url: server.url, apiKey: "lgrs_wrong" }).account.me.query(), "UNAUTHORIZED");
    await expectCode(clientWith({ authorization: "Bearer lgrs_wrong" }).account.me.query(), "UNAUTHORIZED");
  });

  it("a new API key works as x-api-key and as a bearer token", async () => {
    const created = await alice.client.account.createApiKey.mutate({ name: "laptop" });
    expect(created.key).toMatch(/^lgrs_/);
    expect(created).toMatchObject({ name: "laptop", expiresAt: null, id: expect.any(String) });
    expect(created).not.toHaveProperty("hash");
    expect(JSON.stringify(created)).not.toContain(hashApiKey(created.key));

    const viaHeader = clientWith({ "x-api-key": created.key });
    const viaBearer = clientWith({ authorization: `Bearer ${created.key}` });
    for (const client of [viaHeader, viaBearer]) {
      expect(await client.account.me.query()).toEqual({ userId: alice.user.id, email: alice.user.email, role: "user", via: "api-key" });
    }
    // it acts as alice: what one key makes, the other sees
    const thread = await viaBearer.threads.create.mutate({ metadata: { via: "bearer" } });
    expect((await alice.client.threads.get.query({ threadId: thread.id })).ownerId).toBe(alice.user.id);
    expect((await viaHeader.threads.get.query({ threadId: thread.id })).id).toBe(thread.id);
    await expectCode(bob.client.threads.get.query({ threadId: thread.id }), "NOT_FOUND");
  });

  it("a key with a future expiry works; one that expired already is refused", async () => {
    const expiresAt = new Date(Date.now() + 3_600_000);
    const created = await alice.client.account.createApiKey.mutate({ name: "temporary", expiresAt });
    expect(created.expiresAt).toEqual(expiresAt);
    expect((await clientWith({ "x-api-key": created.key }).account.me.query()).userId).toBe(alice.user.id);

    const past = await expectCode(alice.client.account.createApiKey.mutate({ expiresAt: new Date(Date.now() - 1000) }), "BAD_REQUEST");
    expect(past.message).toMatch(/expiresAt/);
    const keys = await alice.client.account.listApiKeys.query();
    expect(keys.items.every((k) => k.expiresAt === null || k.expiresAt.getTime() > Date.now())).toBe(true);
  });

  it("listApiKeys shows the caller's keys, never the key or its hash", async () => {
    const made = [
      await alice.client.account.createApiKey.mutate({ name: "one" }),
      await alice.client.account.createApiKey.mutate({ name: "two" }),
    ];
    const { items } = await alice.client.account.listApiKeys.query({ limit: 100 });
    const ids = items.map((k) => k.id);
    for (const key of made) expect(ids).toContain(key.id);
    // the key the test server made for alice is there too
    expect(items.map((k) => k.name)).toContain("test");

    const text = JSON.stringify(items);
    for (const secret of [alice.key, ...made.map((m) => m.key)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashApiKey(secret));
    }
    for (const item of items) expect(item).not.toHaveProperty("key");

    // only alice's keys
    const bobs = await bob.client.account.listApiKeys.query();
    expect(bobs.items.map((k) => k.id)).not.toContain(made[0]!.id);
    expect(bobs.items.map((k) => k.name)).toEqual(["test"]);
  });

  it("revokeApiKey makes the key UNAUTHORIZED at once", async () => {
    const created = await alice.client.account.createApiKey.mutate({ name: "to revoke" });
    const viaHeader = clientWith({ "x-api-key": created.key });
    const viaBearer = clientWith({ authorization: `Bearer ${created.key}` });
    expect((await viaHeader.account.me.query()).userId).toBe(alice.user.id);

    expect(await alice.client.account.revokeApiKey.mutate({ keyId: created.id })).toEqual({ keyId: created.id, revoked: true });
    await expectCode(viaHeader.account.me.query(), "UNAUTHORIZED");
    await expectCode(viaBearer.threads.list.query(), "UNAUTHORIZED");
    expect((await alice.client.account.listApiKeys.query({ limit: 100 })).items.map((k) => k.id)).not.toContain(created.id);
    // alice's other key still works, and revoking again finds nothing
    expect((await alice.client.account.me.query()).userId).toBe(alice.user.id);
    await expectCode(alice.client.account.revokeApiKey.mutate({ keyId: created.id }), "NOT_FOUND");
  });

  it("a key can revoke itself", async () => {
    const created = await alice.client.account.createApiKey.mutate({ name: "self" });
    const self = clientWith({ "x-api-key": created.key });
    await self.account.revokeApiKey.mutate({ keyId: created.id });
    await expectCode(self.account.me.query(), "UNAUTHORIZED");
  });

  it("revoking someone else's key is NOT_FOUND and leaves it working", async () => {
    const bobsKey = await bob.client.account.createApiKey.mutate({ name: "bob's" });
    await expectCode(alice.client.account.revokeApiKey.mutate({ keyId: bobsKey.id }), "NOT_FOUND");
    // not even the admin revokes another user's key through its own account
    await expectCode(server.admin.account.revokeApiKey.mutate({ keyId: bobsKey.id }), "NOT_FOUND");
    expect((await clientWith({ authorization: `Bearer ${bobsKey.key}` }).account.me.query()).userId).toBe(bob.user.id);
    await expectCode(alice.client.account.revokeApiKey.mutate({ keyId: randomUUID() }), "NOT_FOUND");
  });

  it("bad input is BAD_REQUEST naming the field", async () => {
    const badId = await expectCode(alice.client.account.revokeApiKey.mutate({ keyId: "key-1" }), "BAD_REQUEST");
    expect(badId.data?.issues?.map((i) => i.path)).toEqual(["keyId"]);
    expect(badId.message).toContain("keyId");
    const badDate = await expectCode(alice.client.account.createApiKey.mutate({ expiresAt: "tomorrow" as unknown as Date }), "BAD_REQUEST");
    expect(badDate.data?.issues?.map((i) => i.path)).toEqual(["expiresAt"]);
    const blankName = await expectCode(alice.client.account.createApiKey.mutate({ name: "  " }), "BAD_REQUEST");
    expect(blankName.data?.issues?.map((i) => i.path)).toEqual(["name"]);
  });

  it("account procedures need a caller", async () => {
    const anonymous = createApiClient({ url: server.url });
    await expectCode(anonymous.account.createApiKey.mutate({}), "UNAUTHORIZED");
    await expectCode(anonymous.account.listApiKeys.query(), "UNAUTHORIZED");
    await expectCode(anonymous.account.revokeApiKey.mutate({ keyId: randomUUID() }), "UNAUTHORIZED");
  });
});
