/**
 * STORE_SCOPE=owner through the official SDK, on SQLite and PostgreSQL: a caller reaches
 * only store namespaces that start with its own user id. Another user's items read as
 * missing, cannot be written or deleted, and never show in searches or namespace lists;
 * an admin reaches every namespace. (The default, `shared`, is LangGraph Platform's one
 * store for everyone, pinned by sdk-isolation.test.ts.)
 */
import { Client } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { failure } from "./support/sdk-failure.ts";

describe.each(testTargets)("store scoped to owners on $provider", (target) => {
  let server: TestServer;
  let alice: Client;
  let bob: Client;
  let admin: Client;
  let aliceId: string;
  let bobId: string;
  beforeAll(async () => {
    server = await startTestServer({ target, env: { STORE_SCOPE: "owner" } });
    const api = `${server.url}/api/langgraph`;
    const sdk = (apiKey: string) => new Client({ apiUrl: api, apiKey, callerOptions: { maxRetries: 0 } });
    const [a, b] = await Promise.all([server.user(), server.user()]);
    alice = sdk(a.key);
    bob = sdk(b.key);
    admin = sdk(ADMIN_KEY);
    aliceId = a.user.id;
    bobId = b.user.id;
    await alice.store.putItem([aliceId, "notes"], "secret", { text: "alice only" });
    await bob.store.putItem([bobId, "notes"], "mine", { text: "bob's" });
  }, 120_000);
  afterAll(() => server?.stop());

  it("a caller reads, searches and lists its own namespaces", async () => {
    expect((await alice.store.getItem([aliceId, "notes"], "secret"))?.value).toEqual({ text: "alice only" });
    expect((await alice.store.searchItems([aliceId])).items.map((i) => i.key)).toEqual(["secret"]);
    // an empty prefix means "mine"
    expect((await alice.store.searchItems([])).items.map((i) => i.key)).toEqual(["secret"]);
    expect((await alice.store.listNamespaces()).namespaces).toEqual([[aliceId, "notes"]]);
  });

  it("another user's item reads as missing, cannot be overwritten or deleted, and never shows in a search", async () => {
    expect((await failure(bob.store.getItem([aliceId, "notes"], "secret"))).status).toBe(404);
    const write = await failure(bob.store.putItem([aliceId, "notes"], "secret", { text: "bob was here" }));
    expect(write.status).toBe(422);
    expect(write.text).toContain("namespace must start with your user id");
    expect((await failure(bob.store.deleteItem([aliceId, "notes"], "secret"))).status).toBe(422);
    expect((await bob.store.searchItems([aliceId])).items).toEqual([]);
    expect((await bob.store.searchItems([])).items.map((i) => i.key)).toEqual(["mine"]);
    expect((await bob.store.listNamespaces({ prefix: [aliceId] })).namespaces).toEqual([]);
    expect((await bob.store.listNamespaces()).namespaces).toEqual([[bobId, "notes"]]);
    expect((await alice.store.getItem([aliceId, "notes"], "secret"))?.value).toEqual({ text: "alice only" });
  });

  it("a namespace outside any user id is refused to users and open to admins", async () => {
    expect((await failure(alice.store.putItem(["shared"], "k", { v: 1 }))).status).toBe(422);
    await admin.store.putItem(["shared"], "k", { v: 1 });
    expect((await admin.store.getItem([aliceId, "notes"], "secret"))?.value).toEqual({ text: "alice only" });
    const all = (await admin.store.listNamespaces()).namespaces;
    expect(all).toEqual(expect.arrayContaining([[aliceId, "notes"], [bobId, "notes"], ["shared"]]));
  });
});
