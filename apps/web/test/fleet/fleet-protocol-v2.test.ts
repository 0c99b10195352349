/**
 * The thread-centric protocol (`client.threads.stream`, SDK 1.15) across two real
 * server processes on one PostgreSQL database and one Redis: a stream started on
 * one instance is read, answered and inspected from the other, over SSE and over
 * WebSocket. Needs the production build, as the other fleet tests.
 */
import { Client } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { HAS_BUILD, startServerFleet, type ServerFleet } from "./fleet-servers.ts";

const postgres = testTargets.find((t) => t.provider === "postgresql");
if (!HAS_BUILD && process.env["CI"] === "true")
  throw new Error("the fleet protocol tests need the production build: run `npm run build` first");
const RUNNABLE = HAS_BUILD && postgres !== undefined;
if (!RUNNABLE) console.warn("fleet protocol tests skipped: they need the production build (`npm run build`) and PostgreSQL");

const STEPS = ["plan", "research", "draft", "review", "publish"];

let fleet: ServerFleet;
let key: string;
let a: Client;
let b: Client;

describe.skipIf(!RUNNABLE)("protocol v2 on two instances", () => {
  beforeAll(async () => {
    fleet = await startServerFleet(postgres!, 2, { LANGGRAPH_SSE_HEARTBEAT_MS: "500" });
    ({ key } = await fleet.user());
    [a, b] = fleet.servers.map((s) => new Client({ apiUrl: `${s.url}/api/langgraph`, apiKey: key })) as [Client, Client];
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop();
  });

  it("a run started on A is followed live from B, to the same output", async () => {
    const onA = a.threads.stream({ assistantId: "slow" });
    await onA.run.start({ input: {}, config: { configurable: { step_delay_ms: 200 } } });
    // B joins while it runs: it replays the run from its first event, then follows it
    const onB = b.threads.stream(onA.threadId, { assistantId: "slow" });
    const seen: string[][] = [];
    for await (const values of onB.values) seen.push((values as { steps?: string[] }).steps ?? []);
    expect(await onB.output).toEqual({ steps: STEPS });
    expect(seen.at(-1)).toEqual(STEPS);
    expect(await onA.output).toEqual({ steps: STEPS });
    const tree = (await onB.agent.getTree()) as { tree: { status: string } };
    expect(tree.tree.status).toBe("completed");
    await Promise.all([onA.close(), onB.close()]);
  }, 30_000);

  it("an interrupt raised by a run started on A is answered from B over WebSocket, and A sees the end", async () => {
    const onA = a.threads.stream({ assistantId: "human" });
    await onA.run.start({ input: { request: "ship it" } });
    await onA.output;
    expect(onA.interrupted).toBe(true);

    const bare = new Client({ apiUrl: `${fleet.servers[1]!.url}/api/langgraph`, apiKey: null as unknown as string });
    const onB = bare.threads.stream(onA.threadId, {
      assistantId: "human",
      transport: "websocket",
      webSocketFactory: (url: string) => new WebSocket(url, { headers: { "x-api-key": key } }) as unknown as globalThis.WebSocket,
    });
    await onB.output;
    expect(onB.interrupted).toBe(true);
    const [question] = onB.interrupts;
    await onB.respondInput({ interrupt_id: question!.interruptId, namespace: question!.namespace, response: "yes" });

    // the resumed run ends (whichever instance ran it), and A serves the state it left
    for (;;) {
      const runs = await a.runs.list(onA.threadId);
      if (runs.length === 2 && runs.every((r) => r.status === "success")) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const state = (await onA.state.get({ namespace: [] })) as { values: Record<string, unknown> };
    expect(state.values).toMatchObject({ answer: "yes", outcome: "approved" });
    const later = a.threads.stream(onA.threadId, { assistantId: "human" });
    expect(await later.output).toMatchObject({ outcome: "approved" });
    expect(later.interrupted).toBe(false);

    // time travel from B: a fork of A's first checkpoint, run by whichever instance claims it
    const { checkpoints } = (await onB.state.listCheckpoints({})) as { checkpoints: { id: string; step: number }[] };
    const first = checkpoints.find((c) => c.step === -1)!;
    const forked = (await onB.state.fork({ checkpoint_id: first.id, input: { request: "hold it" } })) as { run_id: string };
    await a.runs.join(onA.threadId, forked.run_id);
    expect((await a.threads.getState(onA.threadId)).values).toMatchObject({ request: "hold it" });
    await Promise.all([onA.close(), onB.close(), later.close()]);
  }, 30_000);
});
