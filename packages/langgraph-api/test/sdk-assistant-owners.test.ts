/**
 * Assistants have owners, through the LangGraph door with the official SDK, on SQLite
 * and PostgreSQL: shared for reading and running (as on LangGraph Platform), changed
 * or deleted only by their owner or an admin (anyone else gets 404, as LangGraph's
 * auth filters answer), and deleting one never takes another user's runs (409).
 */
import { Client } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { expectStatus } from "./support/sdk-failure.ts";

describe.each(testTargets)("assistant owners through the SDK on $provider", (target) => {
  let server: TestServer;
  let alice: Client;
  let bob: Client;
  let admin: Client;
  beforeAll(async () => {
    server = await startTestServer({ target });
    const api = `${server.url}/api/langgraph`;
    const sdk = (apiKey: string) => new Client({ apiUrl: api, apiKey, callerOptions: { maxRetries: 0 } });
    const [a, b] = await Promise.all([server.user(), server.user()]);
    alice = sdk(a.key);
    bob = sdk(b.key);
    admin = sdk(ADMIN_KEY);
  }, 120_000);
  afterAll(() => server?.stop());

  async function ranOn(client: Client, assistantId: string) {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, assistantId, { input: {} });
    await client.runs.join(thread.thread_id, run.run_id);
    return { threadId: thread.thread_id, runId: run.run_id };
  }

  it("another user reads, searches and runs it but gets 404 updating or deleting it; the owner and an admin update it", async () => {
    const made = await alice.assistants.create({ graphId: "trivial", config: { configurable: { who: "alice" } } });
    expect((await bob.assistants.get(made.assistant_id)).assistant_id).toBe(made.assistant_id);
    expect((await bob.assistants.search({ graphId: "trivial", limit: 100 })).map((a) => a.assistant_id)).toContain(made.assistant_id);
    await ranOn(bob, made.assistant_id);

    const text = await expectStatus(bob.assistants.update(made.assistant_id, { config: { configurable: { who: "bob" } } }), 404);
    expect(text).toContain("only its owner or an admin");
    await expectStatus(bob.assistants.delete(made.assistant_id), 404);
    expect((await alice.assistants.get(made.assistant_id)).config).toEqual({ configurable: { who: "alice" } });

    expect((await alice.assistants.update(made.assistant_id, { name: "owner" })).version).toBe(2);
    expect((await admin.assistants.update(made.assistant_id, { name: "admin" })).version).toBe(3);
    expect((await alice.assistants.getVersions(made.assistant_id)).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it("deleting answers 409 while another user's runs use it and keeps them; then the owner deletes it with their own runs", async () => {
    const made = await alice.assistants.create({ graphId: "trivial" });
    const own = await ranOn(alice, made.assistant_id);
    const theirs = await ranOn(bob, made.assistant_id);
    for (const client of [alice, admin]) {
      expect(await expectStatus(client.assistants.delete(made.assistant_id), 409)).toContain("run(s) of other users");
    }
    expect((await bob.runs.get(theirs.threadId, theirs.runId)).status).toBe("success");

    await bob.threads.delete(theirs.threadId);
    await alice.assistants.delete(made.assistant_id);
    await expectStatus(alice.assistants.get(made.assistant_id), 404);
    await expectStatus(alice.runs.get(own.threadId, own.runId), 404);
  });

  it("an admin deletes another user's assistant with that user's runs", async () => {
    const made = await bob.assistants.create({ graphId: "trivial" });
    const { threadId, runId } = await ranOn(bob, made.assistant_id);
    await admin.assistants.delete(made.assistant_id);
    await expectStatus(bob.assistants.get(made.assistant_id), 404);
    await expectStatus(bob.runs.get(threadId, runId), 404);
  });
});
