/**
 * The `threads` procedures over HTTP, as a user of the typed client sees them:
 * every procedure, input validation, owner isolation and authentication.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, type ApiClient } from "../src/client.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";
import { failure, expectCode, expectInvalidField } from "./support/api-errors.ts";

let server: TestServer;
/** owns the threads under test */
let alice: ApiClient;
/** another normal user */
let bob: ApiClient;
let aliceId: string;

beforeAll(async () => {
  server = await startTestServer();
  const [a, b] = await Promise.all([server.user(), server.user()]);
  alice = a.client;
  aliceId = a.user.id;
  bob = b.client;
}, 120_000);
afterAll(() => server?.stop());

type Message = { type: string; content: string };
type ChatValues = { messages: Message[] };

const chat = (text: string) => ({
  input: { messages: [{ role: "user", content: text }] },
  config: { configurable: { token_delay_ms: 1 } },
});

/** Starts a run and waits for its final status. */
async function runOn(client: ApiClient, threadId: string, assistantId: string, extra: Record<string, unknown> = {}) {
  const run = await client.runs.create.mutate({ threadId, assistantId, ...extra });
  return client.runs.join.query({ runId: run.id });
}

describe("threads.create and get", () => {
  it("creates a thread with a new id, owned by the caller, idle, with the given metadata", async () => {
    const thread = await alice.threads.create.mutate({ metadata: { purpose: "create-test", n: 1 } });
    expect(thread.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(thread).toMatchObject({ ownerId: aliceId, status: "idle", metadata: { purpose: "create-test", n: 1 } });
    expect(thread.createdAt).toBeInstanceOf(Date);
    expect(await alice.threads.get.query({ threadId: thread.id })).toEqual(thread);
  });

  it("creates a thread with a chosen id", async () => {
    const threadId = randomUUID();
    const thread = await alice.threads.create.mutate({ threadId });
    expect(thread.id).toBe(threadId);
    expect(thread.metadata).toEqual({});
    expect((await alice.threads.get.query({ threadId })).id).toBe(threadId);
  });

  it("refuses an existing id by default, and returns the existing thread unchanged with ifExists do_nothing", async () => {
    const threadId = randomUUID();
    const first = await alice.threads.create.mutate({ threadId, metadata: { version: 1 } });
    await expectCode(alice.threads.create.mutate({ threadId, metadata: { version: 2 } }), "CONFLICT");
    await expectCode(alice.threads.create.mutate({ threadId, ifExists: "raise" }), "CONFLICT");
    const again = await alice.threads.create.mutate({ threadId, metadata: { version: 2 }, ifExists: "do_nothing" });
    expect(again).toEqual(first);
    expect((await alice.threads.get.query({ threadId })).metadata).toEqual({ version: 1 });
  });

  it("never hands another user's thread over through ifExists do_nothing", async () => {
    const threadId = randomUUID();
    await alice.threads.create.mutate({ threadId, metadata: { secret: "alice" } });
    await expectCode(bob.threads.create.mutate({ threadId, ifExists: "do_nothing" }), "CONFLICT");
    await expectCode(bob.threads.get.query({ threadId }), "NOT_FOUND");
  });

  it("gets NOT_FOUND for an id no thread has", async () => {
    await expectCode(alice.threads.get.query({ threadId: randomUUID() }), "NOT_FOUND");
  });
});

describe("threads.list", () => {
  it("filters by metadata and by status", async () => {
    const tag = randomUUID();
    const plain = await alice.threads.create.mutate({ metadata: { tag, kind: "plain" } });
    const other = await alice.threads.create.mutate({ metadata: { tag, kind: "other" } });
    const waiting = await alice.threads.create.mutate({ metadata: { tag, kind: "waiting" } });
    const broken = await alice.threads.create.mutate({ metadata: { tag, kind: "broken" } });
    const [human, failing] = await Promise.all([
      runOn(alice, waiting.id, "human", { input: { request: "list" } }),
      runOn(alice, broken.id, "failing", { input: {} }),
    ]);
    // a run that stops at interrupt() has done its work: the thread is what waits
    expect(human.status).toBe("success");
    expect(failing.status).toBe("error");

    const all = await alice.threads.list.query({ metadata: { tag } });
    expect(all.items.map((t) => t.id).sort()).toEqual([plain.id, other.id, waiting.id, broken.id].sort());
    expect(all.nextCursor).toBeNull();

    const byKind = await alice.threads.list.query({ metadata: { tag, kind: "plain" } });
    expect(byKind.items.map((t) => t.id)).toEqual([plain.id]);

    const interrupted = await alice.threads.list.query({ metadata: { tag }, status: "interrupted" });
    expect(interrupted.items.map((t) => t.id)).toEqual([waiting.id]);
    const errored = await alice.threads.list.query({ metadata: { tag }, status: "error" });
    expect(errored.items.map((t) => t.id)).toEqual([broken.id]);
    const idle = await alice.threads.list.query({ metadata: { tag }, status: "idle" });
    expect(idle.items.map((t) => t.id).sort()).toEqual([plain.id, other.id].sort());
    expect((await alice.threads.list.query({ metadata: { tag }, status: "busy" })).items).toEqual([]);

    expect((await alice.threads.list.query({ metadata: { tag: randomUUID() } })).items).toEqual([]);
  });

  it("pages through every thread, newest first, with no duplicates or omissions", async () => {
    const tag = randomUUID();
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await alice.threads.create.mutate({ metadata: { tag, i } })).id);

    const pages: { id: string; createdAt: Date }[][] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof alice.threads.list.query>> = await alice.threads.list.query({
        metadata: { tag },
        limit: 3,
        cursor,
      });
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 10);

    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const seen = pages.flat();
    expect(new Set(seen.map((t) => t.id)).size).toBe(7);
    expect(seen.map((t) => t.id).sort()).toEqual([...made].sort());
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1]!.createdAt.getTime()).toBeGreaterThanOrEqual(seen[i]!.createdAt.getTime());
    // the one-shot list agrees with the pages
    expect((await alice.threads.list.query({ metadata: { tag }, limit: 50 })).items.map((t) => t.id)).toEqual(seen.map((t) => t.id));
  });

  it("refuses a cursor it did not make", async () => {
    await expectCode(alice.threads.list.query({ cursor: "not-a-cursor" }), "BAD_REQUEST");
  });
});

describe("threads.search, count and copy", () => {
  it("pages in any order from an offset, says whether more follow, and counts the same threads", async () => {
    const tag = randomUUID();
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await alice.threads.create.mutate({ metadata: { tag, i } })).id);
    await runOn(alice, made[3]!, "trivial", { input: {} });
    const page = await alice.threads.search.query({ metadata: { tag }, sortBy: "createdAt", sortOrder: "asc", offset: 2, limit: 2 });
    expect(page.items.map((t) => t.id)).toEqual(made.slice(2, 4));
    expect(page.hasMore).toBe(true);
    const last = await alice.threads.search.query({ metadata: { tag }, sortBy: "createdAt", sortOrder: "asc", offset: 4, limit: 2 });
    expect(last).toMatchObject({ items: [{ id: made[4] }], hasMore: false });
    expect((await alice.threads.search.query({ metadata: { tag }, values: { count: 1 } })).items.map((t) => t.id)).toEqual([made[3]]);
    expect((await alice.threads.list.query({ metadata: { tag }, values: { count: 1 } })).items.map((t) => t.id)).toEqual([made[3]]);
    expect(await alice.threads.count.query({ metadata: { tag } })).toBe(5);
    expect(await alice.threads.count.query({ metadata: { tag }, values: { count: 1 } })).toBe(1);
    expect(await bob.threads.count.query({ metadata: { tag } })).toBe(0);
    await expectInvalidField(alice.threads.search.query({ sortBy: "name" as "status" }), "sortBy");
  });

  it("copies a thread: a new one of the caller with the same metadata and state", async () => {
    const source = await alice.threads.create.mutate({ metadata: { purpose: "copy" } });
    await runOn(alice, source.id, "trivial", { input: {} });
    const copy = await alice.threads.copy.mutate({ threadId: source.id });
    expect(copy).toMatchObject({ ownerId: aliceId, status: "idle", values: { count: 1 } });
    expect(copy.id).not.toBe(source.id);
    expect(copy.metadata).toMatchObject({ purpose: "copy" });
    expect((await alice.threads.state.query({ threadId: copy.id })).values).toEqual({ count: 1 });
    await expectCode(bob.threads.copy.mutate({ threadId: source.id }), "NOT_FOUND");
  });
});

describe("threads.update", () => {
  it("merges the metadata into the thread's", async () => {
    const thread = await alice.threads.create.mutate({ metadata: { a: 1, b: "old" } });
    const updated = await alice.threads.update.mutate({ threadId: thread.id, metadata: { b: "new", c: [1, 2] } });
    expect(updated.metadata).toEqual({ a: 1, b: "new", c: [1, 2] });
    expect((await alice.threads.get.query({ threadId: thread.id })).metadata).toEqual({ a: 1, b: "new", c: [1, 2] });
    // the merged metadata is what list filters on
    const listed = await alice.threads.list.query({ metadata: { b: "new", a: 1 } });
    expect(listed.items.map((t) => t.id)).toContain(thread.id);
  });

  it("gets NOT_FOUND for an unknown thread", async () => {
    await expectCode(alice.threads.update.mutate({ threadId: randomUUID(), metadata: { x: 1 } }), "NOT_FOUND");
  });
});

describe("threads.delete", () => {
  it("removes the thread with its runs and its state", async () => {
    const thread = await alice.threads.create.mutate({ metadata: { purpose: "delete" } });
    const run = await runOn(alice, thread.id, "agent", chat("remember this"));
    expect(run.status).toBe("success");

    expect(await alice.threads.delete.mutate({ threadId: thread.id })).toEqual({ threadId: thread.id, deleted: true });

    await expectCode(alice.threads.get.query({ threadId: thread.id }), "NOT_FOUND");
    await expectCode(alice.threads.state.query({ threadId: thread.id }), "NOT_FOUND");
    await expectCode(alice.threads.history.query({ threadId: thread.id }), "NOT_FOUND");
    await expectCode(alice.runs.get.query({ runId: run.id }), "NOT_FOUND");
    expect((await alice.runs.list.query({ threadId: thread.id })).items).toEqual([]);
    expect((await alice.threads.list.query({ metadata: { purpose: "delete" } })).items.map((t) => t.id)).not.toContain(thread.id);
    await expectCode(alice.threads.delete.mutate({ threadId: thread.id }), "NOT_FOUND");

    // a thread made again with the same id starts from nothing: none of the old conversation is left
    await alice.threads.create.mutate({ threadId: thread.id });
    expect(await alice.threads.history.query({ threadId: thread.id })).toEqual({ items: [], nextCursor: null });
    expect((await runOn(alice, thread.id, "agent", chat("fresh start"))).status).toBe("success");
    const { messages } = (await alice.threads.state.query({ threadId: thread.id })).values as ChatValues;
    expect(messages.map((m) => m.type)).toEqual(["human", "ai"]);
    expect(messages[0]!.content).toBe("fresh start");
  });
});

describe("threads.state", () => {
  it("is empty for a thread no run has started", async () => {
    const thread = await alice.threads.create.mutate({});
    const state = await alice.threads.state.query({ threadId: thread.id });
    expect(state).toMatchObject({ values: {}, next: [], tasks: [], checkpoint: null, interrupts: [] });
  });

  it("shows the agent's reply after a run", async () => {
    const thread = await alice.threads.create.mutate({});
    const run = await runOn(alice, thread.id, "agent", chat("hi there"));
    expect(run.status).toBe("success");

    const state = await alice.threads.state.query({ threadId: thread.id });
    const { messages } = state.values as ChatValues;
    expect(messages.map((m) => m.type)).toEqual(["human", "ai"]);
    expect(messages[0]!.content).toBe("hi there");
    expect(messages[1]!.content).toMatch(/^You said: "hi there"/);
    expect(state.next).toEqual([]);
    expect(state.interrupts).toEqual([]);
    expect(state.checkpoint).toMatchObject({ threadId: thread.id, checkpointId: expect.any(String) });
    expect((await alice.threads.get.query({ threadId: thread.id })).status).toBe("idle");
  });

  it("of the human graph shows the node it waits in and its question", async () => {
    const thread = await alice.threads.create.mutate({});
    const run = await runOn(alice, thread.id, "human", { input: { request: "ship it" } });
    expect(run.status).toBe("success");

    const state = await alice.threads.state.query({ threadId: thread.id });
    expect(state.next).toEqual(["review"]);
    expect(state.interrupts).toHaveLength(1);
    expect(state.interrupts[0]).toMatchObject({ value: { question: 'Approve "ship it"?', options: ["yes", "no"] } });
    expect(state.tasks).toMatchObject([{ name: "review", interrupts: state.interrupts }]);
    expect(state.values).toMatchObject({ request: "ship it" });
    expect((await alice.threads.get.query({ threadId: thread.id })).status).toBe("interrupted");

    // resuming answers it: nothing is waiting any more
    expect((await runOn(alice, thread.id, "human", { command: { resume: "yes" } })).status).toBe("success");
    const after = await alice.threads.state.query({ threadId: thread.id });
    expect(after).toMatchObject({ next: [], interrupts: [], values: { request: "ship it", approved: true, outcome: "approved" } });
  });

  it("of an earlier checkpoint shows the values then; an unknown checkpoint is NOT_FOUND", async () => {
    const thread = await alice.threads.create.mutate({});
    await runOn(alice, thread.id, "agent", chat("first"));
    const before = await alice.threads.state.query({ threadId: thread.id });
    await runOn(alice, thread.id, "agent", chat("second"));

    const then = await alice.threads.state.query({ threadId: thread.id, checkpointId: before.checkpoint!.checkpointId });
    expect((then.values as ChatValues).messages).toHaveLength(2);
    expect(((await alice.threads.state.query({ threadId: thread.id })).values as ChatValues).messages).toHaveLength(4);
    await expectCode(alice.threads.state.query({ threadId: thread.id, checkpointId: randomUUID() }), "NOT_FOUND");
  });
});

describe("threads.history", () => {
  it("lists checkpoints newest first and pages through them with the cursor", async () => {
    const thread = await alice.threads.create.mutate({});
    const slow = { input: {}, config: { configurable: { step_delay_ms: 1 } } };
    expect((await runOn(alice, thread.id, "slow", slow)).status).toBe("success");

    const full = await alice.threads.history.query({ threadId: thread.id, limit: 100 });
    expect(full.nextCursor).toBeNull();
    // the input, the start, and one per step
    expect(full.items).toHaveLength(7);
    const state = await alice.threads.state.query({ threadId: thread.id });
    expect(full.items[0]!.checkpoint).toEqual(state.checkpoint);
    expect(full.items[0]!.values).toEqual({ steps: ["plan", "research", "draft", "review", "publish"] });
    expect(full.items.at(-1)!.values).toEqual({ steps: [] });
    for (let i = 1; i < full.items.length; i++) {
      // each checkpoint's parent is the next one in the list
      expect(full.items[i - 1]!.parentCheckpoint?.checkpointId).toBe(full.items[i]!.checkpoint?.checkpointId);
      expect(full.items[i - 1]!.metadata.step as number).toBeGreaterThan(full.items[i]!.metadata.step as number);
    }

    const ids: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof alice.threads.history.query>> = await alice.threads.history.query({
        threadId: thread.id,
        limit: 3,
        cursor,
      });
      sizes.push(page.items.length);
      ids.push(...page.items.map((s) => s.checkpoint!.checkpointId));
      cursor = page.nextCursor;
    } while (cursor && sizes.length < 10);
    expect(sizes).toEqual([3, 3, 1]);
    expect(ids).toEqual(full.items.map((s) => s.checkpoint!.checkpointId));

    // a last page that is exactly full has no cursor to an empty page after it
    expect(await alice.threads.history.query({ threadId: thread.id, limit: 7 })).toEqual(full);
    const firstFour = await alice.threads.history.query({ threadId: thread.id, limit: 4 });
    const lastThree = await alice.threads.history.query({ threadId: thread.id, limit: 3, cursor: firstFour.nextCursor });
    expect(lastThree.nextCursor).toBeNull();
    expect([...firstFour.items, ...lastThree.items]).toEqual(full.items);

    // the default page is ten
    expect((await alice.threads.history.query({ threadId: thread.id })).items).toHaveLength(7);
  });

  it("is empty for a thread that never ran", async () => {
    const thread = await alice.threads.create.mutate({});
    expect(await alice.threads.history.query({ threadId: thread.id })).toEqual({ items: [], nextCursor: null });
  });
});

describe("threads.updateState", () => {
  it("writes values as a node, making a new checkpoint that state and history show", async () => {
    const thread = await alice.threads.create.mutate({});
    await runOn(alice, thread.id, "trivial", { input: {} });
    const before = await alice.threads.state.query({ threadId: thread.id });
    expect(before.values).toEqual({ count: 1 });

    const { checkpoint } = await alice.threads.updateState.mutate({ threadId: thread.id, values: { count: 10 }, asNode: "increment" });
    expect(checkpoint).toMatchObject({ threadId: thread.id, checkpointId: expect.any(String) });
    expect(checkpoint.checkpointId).not.toBe(before.checkpoint!.checkpointId);

    const after = await alice.threads.state.query({ threadId: thread.id });
    expect(after.checkpoint!.checkpointId).toBe(checkpoint.checkpointId);
    expect(after.values).toEqual({ count: 11 });
    expect(after.parentCheckpoint?.checkpointId).toBe(before.checkpoint!.checkpointId);
    const history = await alice.threads.history.query({ threadId: thread.id, limit: 1 });
    expect(history.items[0]!.checkpoint!.checkpointId).toBe(checkpoint.checkpointId);
    // the thread's own copy of its values follows
    expect((await alice.threads.get.query({ threadId: thread.id })).values).toEqual({ count: 11 });

    // and the next run continues from it
    await runOn(alice, thread.id, "trivial", { input: {} });
    expect((await alice.threads.state.query({ threadId: thread.id })).values).toEqual({ count: 12 });
  });

  it("updating from an earlier checkpoint forks from it", async () => {
    const thread = await alice.threads.create.mutate({});
    await runOn(alice, thread.id, "trivial", { input: {} });
    const first = await alice.threads.state.query({ threadId: thread.id });
    await runOn(alice, thread.id, "trivial", { input: {} });
    expect((await alice.threads.state.query({ threadId: thread.id })).values).toEqual({ count: 2 });

    await alice.threads.updateState.mutate({
      threadId: thread.id,
      values: { count: 100 },
      asNode: "increment",
      checkpointId: first.checkpoint!.checkpointId,
    });
    expect((await alice.threads.state.query({ threadId: thread.id })).values).toEqual({ count: 101 });
  });

  it("is refused on a thread no run has started, and while a run is in flight", async () => {
    const fresh = await alice.threads.create.mutate({});
    await expectCode(alice.threads.updateState.mutate({ threadId: fresh.id, values: { count: 1 } }), "BAD_REQUEST");

    const thread = await alice.threads.create.mutate({});
    const run = await alice.runs.create.mutate({
      threadId: thread.id,
      assistantId: "slow",
      input: {},
      config: { configurable: { step_delay_ms: 200 } },
    });
    await expectCode(alice.threads.updateState.mutate({ threadId: thread.id, values: { steps: ["x"] } }), "CONFLICT");
    expect((await alice.runs.join.query({ runId: run.id })).status).toBe("success");
    // nothing was written by the refused update
    expect((await alice.threads.state.query({ threadId: thread.id })).values).toEqual({
      steps: ["plan", "research", "draft", "review", "publish"],
    });
  });

  it("an unknown node is BAD_REQUEST", async () => {
    const thread = await alice.threads.create.mutate({});
    await runOn(alice, thread.id, "trivial", { input: {} });
    await expectCode(
      alice.threads.updateState.mutate({ threadId: thread.id, values: { count: 1 }, asNode: "no-such-node" }),
      "BAD_REQUEST",
    );
  });
});

describe("validation", () => {
  it("a bad UUID is BAD_REQUEST naming the field", async () => {
    await expectInvalidField(alice.threads.get.query({ threadId: "not-a-uuid" }), "threadId", /uuid/i);
    await expectInvalidField(alice.threads.create.mutate({ threadId: "1234" }), "threadId", /uuid/i);
    await expectInvalidField(alice.threads.delete.mutate({ threadId: "" }), "threadId");
    await expectInvalidField(alice.threads.state.query({ threadId: "x" }), "threadId");
    await expectInvalidField(alice.threads.history.query({ threadId: "x" }), "threadId");
    await expectInvalidField(alice.threads.updateState.mutate({ threadId: "x", values: {} }), "threadId");
    await expectInvalidField(alice.threads.update.mutate({ threadId: "x", metadata: {} }), "threadId");
  });

  it("an unknown field is BAD_REQUEST naming it", async () => {
    const err = await expectInvalidField(
      alice.threads.create.mutate({ metadata: {}, colour: "blue" } as unknown as Parameters<typeof alice.threads.create.mutate>[0]),
      "colour",
      /unknown field/,
    );
    expect(err.data?.issues).toEqual([{ path: "colour", message: "unknown field" }]);
    const thread = await alice.threads.create.mutate({});
    await expectInvalidField(
      alice.threads.get.query({ threadId: thread.id, extra: 1 } as unknown as { threadId: string }),
      "extra",
      /unknown field/,
    );
    await expectInvalidField(
      alice.threads.delete.mutate({ threadId: thread.id, force: true } as unknown as { threadId: string }),
      "force",
      /unknown field/,
    );
    // the refused delete did nothing
    await alice.threads.get.query({ threadId: thread.id });
    await expectInvalidField(
      alice.threads.list.query({ sort: "asc" } as unknown as Parameters<typeof alice.threads.list.query>[0]),
      "sort",
      /unknown field/,
    );
  });

  it("a value of the wrong type is BAD_REQUEST naming the field", async () => {
    const thread = await alice.threads.create.mutate({});
    await expectInvalidField(
      alice.threads.update.mutate({ threadId: thread.id, metadata: "tags" as unknown as Record<string, unknown> }),
      "metadata",
    );
    await expectInvalidField(alice.threads.list.query({ limit: "5" as unknown as number }), "limit");
    await expectInvalidField(alice.threads.list.query({ limit: 0 }), "limit");
    await expectInvalidField(alice.threads.list.query({ status: "sleeping" as "idle" }), "status");
    await expectInvalidField(alice.threads.history.query({ threadId: thread.id, limit: 101 }), "limit");
    await expectInvalidField(alice.threads.create.mutate({ ifExists: "ignore" as "raise" }), "ifExists");
    await expectInvalidField(
      alice.threads.updateState.mutate({ threadId: thread.id } as unknown as { threadId: string; values: unknown }),
      "values",
      /required/,
    );
  });

  it("reports every bad field at once", async () => {
    const err = await expectCode(
      alice.threads.update.mutate({ threadId: "x", metadata: 3 } as unknown as { threadId: string; metadata: Record<string, unknown> }),
      "BAD_REQUEST",
    );
    expect(err.data?.issues?.map((i) => i.path).sort()).toEqual(["metadata", "threadId"]);
    expect(err.message).toContain("threadId");
    expect(err.message).toContain("metadata");
  });
});

describe("isolation", () => {
  let threadId: string;
  let tag: string;

  beforeAll(async () => {
    tag = randomUUID();
    threadId = (await alice.threads.create.mutate({ metadata: { tag, owner: "alice" } })).id;
    await runOn(alice, threadId, "trivial", { input: {} });
  });

  it("another user gets NOT_FOUND for everything about the thread", async () => {
    await expectCode(bob.threads.get.query({ threadId }), "NOT_FOUND");
    await expectCode(bob.threads.update.mutate({ threadId, metadata: { owner: "bob" } }), "NOT_FOUND");
    await expectCode(bob.threads.delete.mutate({ threadId }), "NOT_FOUND");
    await expectCode(bob.threads.state.query({ threadId }), "NOT_FOUND");
    await expectCode(bob.threads.history.query({ threadId }), "NOT_FOUND");
    await expectCode(bob.threads.updateState.mutate({ threadId, values: { count: 5 } }), "NOT_FOUND");

    // and none of it had any effect
    const thread = await alice.threads.get.query({ threadId });
    expect(thread.metadata).toMatchObject({ tag, owner: "alice" });
    expect((await alice.threads.state.query({ threadId })).values).toEqual({ count: 1 });
  });

  it("another user does not see the thread in list", async () => {
    expect((await bob.threads.list.query({ metadata: { tag } })).items).toEqual([]);
    const everything = await bob.threads.list.query({ limit: 500 });
    expect(everything.items.map((t) => t.id)).not.toContain(threadId);
    expect(everything.items.every((t) => t.ownerId !== aliceId)).toBe(true);
  });

  it("the admin sees it", async () => {
    expect((await server.admin.threads.get.query({ threadId })).ownerId).toBe(aliceId);
    expect((await server.admin.threads.list.query({ metadata: { tag } })).items.map((t) => t.id)).toEqual([threadId]);
    expect((await server.admin.threads.state.query({ threadId })).values).toEqual({ count: 1 });
    expect((await server.admin.threads.history.query({ threadId })).items.length).toBeGreaterThan(0);
  });
});

describe("authentication", () => {
  const calls = (client: ApiClient, threadId: string): [string, () => Promise<unknown>][] => [
    ["create", () => client.threads.create.mutate({})],
    ["get", () => client.threads.get.query({ threadId })],
    ["list", () => client.threads.list.query()],
    ["update", () => client.threads.update.mutate({ threadId, metadata: { x: 1 } })],
    ["delete", () => client.threads.delete.mutate({ threadId })],
    ["state", () => client.threads.state.query({ threadId })],
    ["history", () => client.threads.history.query({ threadId })],
    ["updateState", () => client.threads.updateState.mutate({ threadId, values: { count: 1 } })],
  ];

  it("a client without a key gets UNAUTHORIZED for every procedure", async () => {
    const threadId = (await alice.threads.create.mutate({})).id;
    const anonymous = createApiClient({ url: server.url });
    for (const [name, call] of calls(anonymous, threadId)) {
      const err = await failure(call());
      expect(err.data?.code, name).toBe("UNAUTHORIZED");
    }
    // the thread is untouched
    expect((await alice.threads.get.query({ threadId })).metadata).toEqual({});
  });

  it("a wrong key gets UNAUTHORIZED, as x-api-key or as a bearer token", async () => {
    const threadId = (await alice.threads.create.mutate({})).id;
    const wrongKey = createApiClient({ url: server.url, apiKey: "not-a-real-key" });
    const wrongBearer = createApiClient({ url: server.url, headers: { authorization: "Bearer not-a-real-key" } });
    for (const client of [wrongKey, wrongBearer]) {
      for (const [name, call] of calls(client, threadId)) {
        const err = await failure(call());
        expect(err.data?.code, name).toBe("UNAUTHORIZED");
      }
    }
    await alice.threads.get.query({ threadId });
  });
});
