/**
 * The thread stream and thread ttl in a fleet: two real server processes on one
 * PostgreSQL database and one Redis, talked to with the official SDK. A reader on B
 * follows the runs created on A (executed by whichever member claims them), with
 * their lifecycle; a replay from A gives the same ids; an expired thread is swept
 * once though both members sweep. Needs the production build, as fleet-http does.
 */
import { Client } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_BUILD, startServerFleet, type ServerFleet } from "./fleet-servers.ts";

const postgres = testTargets.find((t) => t.provider === "postgresql");
const RUNNABLE = HAS_BUILD && postgres !== undefined;

interface Part {
  id?: string;
  event: string;
  data: unknown;
}

/** Reads until `done` holds, then leaves (a thread stream stays open until its reader goes). */
async function readUntil(iter: (signal: AbortSignal) => AsyncIterable<Part>, done: (parts: Part[]) => boolean): Promise<Part[]> {
  const leave = new AbortController();
  const timer = setTimeout(() => leave.abort(), 30_000);
  const parts: Part[] = [];
  try {
    for await (const part of iter(leave.signal)) {
      parts.push(part);
      if (done(parts)) break;
    }
  } catch (err) {
    if (!leave.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    leave.abort();
  }
  return parts;
}

const runDone = (parts: Part[]) => parts.filter((p) => p.event === "run_done").length;

describe.skipIf(!RUNNABLE)("thread stream and ttl across two instances", () => {
  let fleet: ServerFleet;
  let a: Client;
  let b: Client;

  beforeAll(async () => {
    fleet = await startServerFleet(postgres!, 2, { TTL_SWEEP_MS: "200", LANGGRAPH_SSE_HEARTBEAT_MS: "500" });
    const { key } = await fleet.user();
    [a, b] = fleet.servers.map((s) => new Client({ apiUrl: `${s.url}/api/langgraph`, apiKey: key, callerOptions: { maxRetries: 0 } })) as [
      Client,
      Client,
    ];
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop();
  });

  it("B follows two runs created on A with their lifecycle; A replays the same ids", async () => {
    const threadId = (await a.threads.create()).thread_id;
    const modes = ["run_modes", "lifecycle"] as ("run_modes" | "lifecycle")[];
    const live = readUntil(
      (signal) => b.threads.joinStream(threadId, { streamMode: modes, signal }),
      (p) => runDone(p) === 2,
    );
    await new Promise((r) => setTimeout(r, 500));
    const config = { configurable: { step_delay_ms: 50 } };
    const first = await a.runs.create(threadId, "slow", { input: {}, config });
    const second = await a.runs.create(threadId, "slow", { input: {}, config, multitaskStrategy: "enqueue" });
    const parts = await live;
    const lifecycle = parts.filter((p) => p.event === "lifecycle").map((p) => p.data as { event: string; run_id: string });
    expect(lifecycle.map((l) => `${l.event}:${l.run_id}`)).toEqual([
      `started:${first.run_id}`,
      `completed:${first.run_id}`,
      `started:${second.run_id}`,
      `completed:${second.run_id}`,
    ]);
    expect(parts.filter((p) => p.event === "values")).toHaveLength(10);
    const replay = await readUntil(
      (signal) => a.threads.joinStream(threadId, { streamMode: modes, lastEventId: "-1", signal }),
      (p) => runDone(p) === 2,
    );
    expect(replay).toEqual(parts);
  }, 60_000);

  it("an expired thread is swept once, whichever member gets to it", async () => {
    const threadId = (await a.threads.create({ ttl: 0.005 })).thread_id;
    const until = Date.now() + 15_000;
    for (;;) {
      const gone = await b.threads.get(threadId).then(
        () => false,
        (err: { status?: number }) => err.status === 404,
      );
      if (gone) break;
      if (Date.now() > until) throw new Error("the thread was never swept");
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const s of fleet.servers) expect(s.output()).not.toMatch(/runtime:.*(Error|error)/);
  }, 30_000);
});
