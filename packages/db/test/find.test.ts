import { beforeAll, describe, expect, it } from "vitest";
import { ALL, repositories, type Repositories } from "../src/index.ts";
import { testTargets } from "./databases.ts";
import { useMigratedDatabase } from "./setup-database.ts";

const ids = (page: { items: { id: string }[] }) => page.items.map((r) => r.id);

describe.each(testTargets)("finding runs and threads by text, metadata and owner on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let repo: Repositories;
  let alice: string;
  let bob: string;
  const runs: Record<string, string> = {};
  const threads: Record<string, string> = {};

  beforeAll(async () => {
    repo = repositories(database());
    alice = (await repo.users.createUser({ email: `alice-find-${Date.now()}@example.com`, name: "Alice" })).id;
    bob = (await repo.users.createUser({ email: `bob-find-${Date.now()}@example.com`, name: "Bob" })).id;
    const assistantId = (await repo.assistants.create({ graphId: "agent", name: "agent" })).id;
    const thread = async (key: string, ownerId: string, metadata: Record<string, unknown>, values?: unknown) => {
      const t = await repo.threads.create({ ownerId, metadata });
      if (values !== undefined) await repo.threads.update(ALL, t.id, { values });
      threads[key] = t.id;
      return t.id;
    };
    const run = async (key: string, threadId: string, ownerId: string, input: unknown, metadata: Record<string, unknown> = {}) => {
      runs[key] = (await repo.runs.create({ threadId, ownerId, assistantId, kwargs: { input, config: { tags: ["Zebra"] } }, metadata })).id;
    };
    const a = await thread("a", alice, { project: "Apollo" }, { messages: [{ content: "Weather in Paris?" }] });
    const b = await thread("b", bob, { project: "apollo-2" });
    const c = await thread("c", alice, { note: "100% done_ok" });
    await run("a1", a, alice, { question: "What is the WEATHER in Paris?" }, { team: "red" });
    await run("a2", a, alice, "plain words", { team: "blue" });
    await run("b1", b, bob, { question: "weather in Oslo" }, { team: "red" });
    await run("c1", c, alice, null, { label: "50%_off" });
  });

  it("matches run input and metadata ignoring case, and leaves out config", async () => {
    expect(ids(await repo.runs.list(ALL, { text: "weather" }))).toEqual([runs.b1, runs.a1]);
    expect(ids(await repo.runs.list(ALL, { text: "PLAIN" }))).toEqual([runs.a2]);
    expect(ids(await repo.runs.list(ALL, { text: "blue" }))).toEqual([runs.a2]);
    // the config is not the input: a word only there finds nothing
    expect(ids(await repo.runs.list(ALL, { text: "zebra" }))).toEqual([]);
  });

  it("takes the text literally: % and _ are no wildcards", async () => {
    expect(ids(await repo.runs.list(ALL, { text: "50%_" }))).toEqual([runs.c1]);
    expect(ids(await repo.runs.list(ALL, { text: "5_%" }))).toEqual([]);
    expect(ids(await repo.threads.list(ALL, { text: "100% done_" }))).toEqual([threads.c]);
  });

  it("finds a run by its id, a short id, or its thread's id", async () => {
    expect(ids(await repo.runs.list(ALL, { text: runs.a1! }))).toEqual([runs.a1]);
    expect(ids(await repo.runs.list(ALL, { text: runs.b1!.slice(-8).toUpperCase() }))).toContain(runs.b1);
    expect(ids(await repo.runs.list(ALL, { text: threads.a! }))).toEqual([runs.a2, runs.a1]);
  });

  it("matches thread metadata and values, and ids", async () => {
    expect(ids(await repo.threads.list(ALL, { text: "APOLLO" }))).toEqual([threads.b, threads.a]);
    expect(ids(await repo.threads.list(ALL, { text: "paris" }))).toEqual([threads.a]);
    expect(ids(await repo.threads.list(ALL, { text: threads.c! }))).toEqual([threads.c]);
  });

  it("never reaches past the caller's scope, and filters by owner and metadata", async () => {
    expect(ids(await repo.runs.list({ ownerId: alice }, { text: "weather" }))).toEqual([runs.a1]);
    expect(ids(await repo.runs.list({ ownerId: alice }, { ownerId: bob }))).toEqual([]);
    expect(ids(await repo.runs.list(ALL, { ownerId: bob }))).toEqual([runs.b1]);
    expect(ids(await repo.runs.list(ALL, { metadata: { team: "red" } }))).toEqual([runs.b1, runs.a1]);
    expect(ids(await repo.runs.list(ALL, { metadata: { team: "red" }, text: "paris" }))).toEqual([runs.a1]);
    expect(ids(await repo.threads.list({ ownerId: bob }, { text: "apollo" }))).toEqual([threads.b]);
    expect(ids(await repo.threads.list(ALL, { ownerId: alice, metadata: { project: "Apollo" } }))).toEqual([threads.a]);
  });

  it("pages a filtered list with its cursor", async () => {
    const first = await repo.runs.list(ALL, { text: "e", limit: 1 });
    const seen = [...ids(first)];
    let cursor = first.nextCursor;
    while (cursor) {
      const next = await repo.runs.list(ALL, { text: "e", limit: 1, cursor });
      seen.push(...ids(next));
      cursor = next.nextCursor;
    }
    expect(seen).toEqual(ids(await repo.runs.list(ALL, { text: "e" })));
    expect(seen.length).toBeGreaterThan(1);
    const since = await repo.runs.list(ALL, { createdAfter: new Date(Date.now() - 60_000), createdBefore: new Date(Date.now() + 60_000) });
    expect(since.items).toHaveLength(4);
  });
});
