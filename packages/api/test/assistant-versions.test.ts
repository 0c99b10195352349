/**
 * Assistant versions through the tRPC door on SQLite and PostgreSQL: every update is
 * a version, `versions` lists them newest first, `setLatest` makes one current (what
 * `get` answers and new runs use) under the rules of an update: the owner or an
 * admin only (anyone else NOT_FOUND), never a default assistant (CONFLICT).
 */
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../src/client.ts";
import { expectCode } from "./support/api-errors.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

describe.each(testTargets)("assistant versions on $provider", (target) => {
  let server: TestServer;
  let alice: ApiClient;
  let bob: ApiClient;
  beforeAll(async () => {
    server = await startTestServer({ target });
    [alice, bob] = (await Promise.all([server.user(), server.user()])).map((u) => u.client) as [ApiClient, ApiClient];
  }, 120_000);
  afterAll(() => server?.stop());

  /** The values a new run of the assistant ends with. */
  async function valuesOfRun(client: ApiClient, assistantId: string, input: Record<string, unknown>) {
    const thread = await client.threads.create.mutate({});
    const run = await client.runs.create.mutate({ threadId: thread.id, assistantId, input });
    expect((await client.runs.join.query({ runId: run.id })).status).toBe("success");
    return (await client.threads.state.query({ threadId: thread.id })).values;
  }

  it("versions lists every update newest first, filtered by metadata, a window at a time", async () => {
    const made = await alice.assistants.create.mutate({ graphId: "trivial", name: "one", metadata: { stage: "draft" } });
    await alice.assistants.update.mutate({ assistantId: made.id, name: "two" });
    await alice.assistants.update.mutate({ assistantId: made.id, name: "three", metadata: { stage: "final" } });
    const all = await alice.assistants.versions.query({ assistantId: made.id });
    expect(all.map((v) => [v.version, v.name])).toEqual([
      [3, "three"],
      [2, "two"],
      [1, "one"],
    ]);
    expect((await alice.assistants.versions.query({ assistantId: made.id, metadata: { stage: "draft" } })).map((v) => v.version)).toEqual([
      2, 1,
    ]);
    expect((await alice.assistants.versions.query({ assistantId: made.id, offset: 1, limit: 1 })).map((v) => v.version)).toEqual([2]);
    expect((await bob.assistants.versions.query({ assistantId: made.id })).length).toBe(3);
  });

  it("setLatest makes a version current: get answers it and new runs use its graph and config; no version is added", async () => {
    const made = await alice.assistants.create.mutate({ graphId: "trivial", name: "counting", config: { tags: ["v1"] } });
    await alice.assistants.update.mutate({
      assistantId: made.id,
      graphId: "agent",
      name: "talking",
      config: { configurable: { token_delay_ms: 1 } },
    });
    expect(await valuesOfRun(alice, made.id, { messages: [{ role: "user", content: "hi" }] })).toMatchObject({
      messages: expect.any(Array),
    });

    const back = await alice.assistants.setLatest.mutate({ assistantId: made.id, version: 1 });
    expect(back).toMatchObject({ id: made.id, version: 1, graphId: "trivial", name: "counting", config: { tags: ["v1"] } });
    expect(await alice.assistants.get.query({ assistantId: made.id })).toMatchObject({ version: 1, graphId: "trivial", name: "counting" });
    expect(await valuesOfRun(bob, made.id, {})).toEqual({ count: 1 });
    expect((await alice.assistants.versions.query({ assistantId: made.id })).map((v) => v.version)).toEqual([2, 1]);
    expect((await alice.assistants.update.mutate({ assistantId: made.id, name: "again" })).version).toBe(3);
  });

  it("setLatest refuses a missing version, another user, a default assistant and a bad version", async () => {
    const made = await alice.assistants.create.mutate({ graphId: "trivial", name: "mine" });
    await alice.assistants.update.mutate({ assistantId: made.id, name: "mine, changed" });

    expect((await expectCode(alice.assistants.setLatest.mutate({ assistantId: made.id, version: 5 }), "NOT_FOUND")).message).toContain(
      "no version 5",
    );
    const other = await expectCode(bob.assistants.setLatest.mutate({ assistantId: made.id, version: 1 }), "NOT_FOUND");
    expect(other.message).toContain("only its owner or an admin");
    await expectCode(bob.assistants.setLatest.mutate({ assistantId: made.id, version: 9 }), "NOT_FOUND");
    expect((await alice.assistants.get.query({ assistantId: made.id })).name).toBe("mine, changed");

    for (const client of [alice, server.admin]) {
      const err = await expectCode(client.assistants.setLatest.mutate({ assistantId: "trivial", version: 1 }), "CONFLICT");
      expect(err.message).toContain("default assistant");
    }
    await expectCode(alice.assistants.setLatest.mutate({ assistantId: made.id, version: 0 }), "BAD_REQUEST");
    await expectCode(alice.assistants.setLatest.mutate({ assistantId: made.id, version: 1.5 }), "BAD_REQUEST");

    expect((await server.admin.assistants.setLatest.mutate({ assistantId: made.id, version: 1 })).name).toBe("mine");
  });
});
