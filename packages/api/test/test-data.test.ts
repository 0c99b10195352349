/**
 * testing.resetData, which end-to-end suites call between tests: on a server in test
 * mode an admin empties threads, runs (a running one is stopped first), the store,
 * feedback and usage, while users, keys and assistants stay; without test mode even
 * an admin is refused with a message saying how to turn it on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCode } from "./support/api-errors.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "./support/test-server.ts";

let testMode: TestServer;
let deployed: TestServer;

beforeAll(async () => {
  [testMode, deployed] = await Promise.all([startTestServer({ env: { LGRS_TEST_MODE: "1" } }), startTestServer()]);
});

afterAll(async () => {
  await Promise.all([testMode?.stop(), deployed?.stop()]);
});

async function putStoreItem(server: TestServer, key: string): Promise<number> {
  const res = await fetch(`${server.url}/api/langgraph/store/items`, {
    method: "PUT",
    headers: { "x-api-key": ADMIN_KEY, "content-type": "application/json" },
    body: JSON.stringify({ namespace: ["notes"], key, value: { text: "kept?" } }),
  });
  return res.status;
}

async function storeItemStatus(server: TestServer, key: string): Promise<number> {
  const res = await fetch(`${server.url}/api/langgraph/store/items?namespace=notes&key=${key}`, { headers: { "x-api-key": ADMIN_KEY } });
  return res.status;
}

describe("testing.resetData", () => {
  it("in test mode, empties threads, runs, the store, feedback and usage, and stops a running run first", async () => {
    const { admin } = testMode;
    const { client: user } = await testMode.user();
    const thread = await user.threads.create.mutate({});
    const done = await user.runs.create.mutate({
      threadId: thread.id,
      assistantId: "agent",
      input: { messages: [{ role: "user", content: "hi" }] },
    });
    expect((await user.runs.join.query({ runId: done.id })).status).toBe("success");
    await user.feedback.create.mutate({ runId: done.id, key: "k", score: 1 });
    const busy = await admin.threads.create.mutate({});
    const running = await admin.runs.create.mutate({
      threadId: busy.id,
      assistantId: "slow",
      input: {},
      config: { configurable: { step_delay_ms: 60_000 } },
    });
    expect(await putStoreItem(testMode, "a")).toBe(204);
    const assistant = await admin.assistants.create.mutate({ graphId: "trivial", name: "stays" });

    const counts = await admin.testing.resetData.mutate({});
    expect(counts).toMatchObject({ threads: 2, runs: 2, feedback: 1, storeItems: 1 });
    expect(counts.usage).toBeGreaterThan(0);

    expect(await admin.threads.count.query({})).toBe(0);
    expect((await admin.runs.list.query({})).items).toEqual([]);
    await expectCode(admin.runs.get.query({ runId: running.id }), "NOT_FOUND");
    expect(await storeItemStatus(testMode, "a")).toBe(404);
    // users, their keys and assistants stay: the suite goes on signed in
    expect((await user.account.me.query()).role).toBe("user");
    expect((await admin.assistants.get.query({ assistantId: assistant.id })).name).toBe("stays");
    // and the server takes runs as before
    const after = await user.threads.create.mutate({});
    const again = await user.runs.create.mutate({ threadId: after.id, assistantId: "trivial", input: {} });
    expect((await user.runs.join.query({ runId: again.id })).status).toBe("success");
  });

  it("without test mode, refuses even an admin and deletes nothing", async () => {
    const thread = await deployed.admin.threads.create.mutate({});
    const refused = await expectCode(deployed.admin.testing.resetData.mutate({}), "FORBIDDEN");
    expect(refused.message).toBe("resetData is only served in test mode: start the server with LGRS_TEST_MODE=1");
    expect((await deployed.admin.threads.get.query({ threadId: thread.id })).id).toBe(thread.id);
  });

  it("refuses a non-admin in test mode", async () => {
    const { client } = await testMode.user();
    const refused = await expectCode(client.testing.resetData.mutate({}), "FORBIDDEN");
    expect(refused.message).toContain("needs an admin");
  });
});
