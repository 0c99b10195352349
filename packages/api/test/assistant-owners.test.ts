/**
 * Assistants have owners, through the tRPC door on SQLite and PostgreSQL: everyone
 * reads and runs an assistant, only its owner or an admin changes or deletes it
 * (anyone else gets NOT_FOUND), and deleting it never takes another user's runs.
 */
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../src/client.ts";
import { expectCode } from "./support/api-errors.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

describe.each(testTargets)("assistant owners on $provider", (target) => {
  let server: TestServer;
  let alice: ApiClient;
  let bob: ApiClient;
  beforeAll(async () => {
    server = await startTestServer({ target });
    [alice, bob] = (await Promise.all([server.user(), server.user()])).map((u) => u.client) as [ApiClient, ApiClient];
  }, 120_000);
  afterAll(() => server?.stop());

  async function ranOn(client: ApiClient, assistantId: string) {
    const thread = await client.threads.create.mutate({});
    const run = await client.runs.create.mutate({ threadId: thread.id, assistantId, input: {} });
    return { thread, run: await client.runs.join.query({ runId: run.id }) };
  }

  it("another user reads and runs it but cannot update or delete it; the owner and an admin can update it", async () => {
    const made = await alice.assistants.create.mutate({ graphId: "trivial", config: { configurable: { who: "alice" } } });
    expect((await bob.assistants.get.query({ assistantId: made.id })).id).toBe(made.id);
    expect((await ranOn(bob, made.id)).run.status).toBe("success");

    const update = await expectCode(
      bob.assistants.update.mutate({ assistantId: made.id, config: { configurable: { who: "bob" } } }),
      "NOT_FOUND",
    );
    expect(update.message).toContain("only its owner or an admin");
    await expectCode(bob.assistants.delete.mutate({ assistantId: made.id }), "NOT_FOUND");
    await expectCode(bob.assistants.delete.mutate({ assistantId: made.id, deleteThreads: true }), "NOT_FOUND");
    expect((await alice.assistants.get.query({ assistantId: made.id })).config).toEqual({ configurable: { who: "alice" } });

    expect((await alice.assistants.update.mutate({ assistantId: made.id, name: "owner" })).version).toBe(2);
    expect((await server.admin.assistants.update.mutate({ assistantId: made.id, name: "admin" })).version).toBe(3);
  });

  it("deleting refuses (CONFLICT, naming why) while another user's runs use it, and never takes them", async () => {
    const made = await alice.assistants.create.mutate({ graphId: "trivial" });
    const own = await ranOn(alice, made.id);
    const theirs = await ranOn(bob, made.id);
    for (const client of [alice, server.admin]) {
      const refused = await expectCode(client.assistants.delete.mutate({ assistantId: made.id }), "CONFLICT");
      expect(refused.message).toContain("run(s) of other users");
    }
    expect((await bob.runs.get.query({ runId: theirs.run.id })).status).toBe("success");

    await bob.threads.delete.mutate({ threadId: theirs.thread.id });
    expect(await alice.assistants.delete.mutate({ assistantId: made.id })).toEqual({ assistantId: made.id, deleted: true });
    await expectCode(alice.runs.get.query({ runId: own.run.id }), "NOT_FOUND");
  });

  it("an admin deletes another user's assistant with that user's runs", async () => {
    const made = await bob.assistants.create.mutate({ graphId: "trivial" });
    const { run } = await ranOn(bob, made.id);
    expect(await server.admin.assistants.delete.mutate({ assistantId: made.id })).toEqual({ assistantId: made.id, deleted: true });
    await expectCode(bob.runs.get.query({ runId: run.id }), "NOT_FOUND");
  });
});
