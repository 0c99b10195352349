import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { repositories, type Repositories } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { RunEventWriter } from "../src/runs/event-writer.ts";

/** The writer every run executed in one process shares for its events. */
describe.each(testTargets)("RunEventWriter on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let repos: Repositories;
  let owner: string;
  let assistantId: string;

  beforeAll(async () => {
    repos = repositories(database());
    owner = (await repos.users.createUser({ email: `w-${randomUUID()}@x.dev`, name: "w" })).id;
    assistantId = (await repos.assistants.create({ graphId: "agent", name: "agent" })).id;
  });

  async function newRun(): Promise<string> {
    const thread = await repos.threads.create({ ownerId: owner });
    return (await repos.runs.create({ threadId: thread.id, ownerId: owner, assistantId, kwargs: {} })).id;
  }

  /** A run's stored events as [seq, data], every page. */
  async function seqs(runId: string): Promise<unknown[][]> {
    const found: unknown[][] = [];
    let cursor: string | null = null;
    do {
      const page = await repos.events.list(runId, { limit: 500, cursor });
      found.push(...page.items.map((e) => [e.seq, e.data]));
      cursor = page.nextCursor;
    } while (cursor);
    return found;
  }

  it("stores the events of runs writing at once, each run's in order", async () => {
    const writer = new RunEventWriter(repos.events, () => 3);
    const runs = await Promise.all([newRun(), newRun(), newRun()]);
    const writes = runs.flatMap((runId, r) =>
      [1, 2, 3].map((seq) => writer.write(runId, [{ seq, event: "values", data: { run: r, seq } }])),
    );
    await Promise.all(writes);
    for (const [r, runId] of runs.entries()) {
      expect(await seqs(runId)).toEqual([1, 2, 3].map((seq) => [seq, { run: r, seq }]));
    }
  });

  it("a write that fails (its run is gone) fails alone: the other runs' events of the same write are stored", async () => {
    const writer = new RunEventWriter(repos.events, () => 3);
    const [first, second] = await Promise.all([newRun(), newRun()]);
    const gone = randomUUID();
    // the first goes out at once; the three below gather into one shared write
    await writer.write(first!, [{ seq: 1, event: "metadata", data: {} }]);
    const results = await Promise.allSettled([
      writer.write(first!, [{ seq: 2, event: "values", data: { n: 2 } }]),
      writer.write(gone, [{ seq: 1, event: "values", data: {} }]),
      writer.write(second!, [{ seq: 1, event: "values", data: { n: 1 } }]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await seqs(first!)).toEqual([
      [1, {}],
      [2, { n: 2 }],
    ]);
    expect(await seqs(second!)).toEqual([[1, { n: 1 }]]);
    expect(await seqs(gone)).toEqual([]);
  });

  it("a batch larger than one statement's rows is written whole", async () => {
    const writer = new RunEventWriter(repos.events, () => 3);
    const runId = await newRun();
    const events = Array.from({ length: 1200 }, (_, i) => ({ seq: i + 1, event: "messages", data: { i } }));
    await Promise.all([writer.write(runId, events.slice(0, 700)), writer.write(runId, events.slice(700))]);
    expect((await seqs(runId)).map(([seq]) => seq)).toEqual(events.map((e) => e.seq));
  });
});
