/**
 * Three real server processes (A, B, C) on one PostgreSQL database and one Redis,
 * talked to with the official LangGraph SDK and the tRPC client, as users do: any
 * instance serves any run. Each instance serves HTTP and executes runs; which one
 * executes a given run is the fleet's choice. Needs the production build (`npm
 * test` makes it first); without one the file is skipped (and fails under CI).
 */
import { Client } from "@langchain/langgraph-sdk";
import { createApiClient } from "@lgrs/api/client";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_BUILD, startBalancer, startServerFleet, type ServerFleet } from "./fleet-servers.ts";

const postgres = testTargets.find((t) => t.provider === "postgresql");
if (!HAS_BUILD && process.env["CI"] === "true")
  throw new Error("the fleet HTTP tests need the production build: run `npm run build` first");
const RUNNABLE = HAS_BUILD && postgres !== undefined;
if (!RUNNABLE) console.warn("fleet HTTP tests skipped: they need the production build (`npm run build`) and PostgreSQL");

/** The bundled slow graph's steps; with input {} and modes values+updates: metadata, then values and updates per step. */
const STEPS = ["plan", "research", "draft", "review", "publish"];
const SLOW_EVENTS = 1 + 5 + 5;
/** Short, so a run whose instance was killed is taken over within seconds. */
const LEASE_MS = 3000;

interface Part {
  id?: string;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: payloads are compared whole
  data: any;
}

let fleet: ServerFleet;
let key: string;
/** one SDK client per instance */
let sdk: Client[];

const clientOf = (url: string) => new Client({ apiUrl: `${url}/api/langgraph`, apiKey: key });
const slow = (ms: number) => ({ configurable: { step_delay_ms: ms } });

async function collect(iter: AsyncIterable<unknown>, onPart?: (part: Part, all: Part[]) => void): Promise<Part[]> {
  const parts: Part[] = [];
  for await (const part of iter) {
    parts.push(part as Part);
    onPart?.(part as Part, parts);
  }
  return parts;
}

/** Reads a stream until `done` holds for a part, then leaves it. */
async function readUntil(iter: AsyncIterable<unknown>, done: (part: Part) => boolean): Promise<void> {
  for await (const part of iter) if (done(part as Part)) return;
}

async function rejection(promise: Promise<unknown>): Promise<{ status?: number; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { status?: number; message: string };
  }
  throw new Error("expected the request to fail");
}

describe.skipIf(!RUNNABLE)("three instances on one database and one Redis", () => {
  beforeAll(async () => {
    fleet = await startServerFleet(postgres!, 3, { RUN_LEASE_MS: String(LEASE_MS), LANGGRAPH_SSE_HEARTBEAT_MS: "500" });
    ({ key } = await fleet.user());
    sdk = fleet.servers.map((s) => clientOf(s.url));
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop();
  });

  it("a run created on A is streamed live from B and C (same events, ids, order) and joined from B", async () => {
    const [a, b, c] = sdk as [Client, Client, Client];
    const threadId = (await a.threads.create()).thread_id;
    const run = await a.runs.create(threadId, "slow", { input: {}, config: slow(200), streamMode: ["values", "updates"] });
    const [fromB, fromC, joined] = await Promise.all([
      collect(b.runs.joinStream(threadId, run.run_id)),
      collect(c.runs.joinStream(threadId, run.run_id)),
      b.runs.join(threadId, run.run_id),
    ]);
    expect(fromB).toHaveLength(SLOW_EVENTS);
    expect(fromB.map((p) => p.id)).toEqual(fromB.map((_, i) => String(i + 1)));
    expect(fromC).toEqual(fromB);
    expect(fromB[0]).toMatchObject({ event: "metadata", data: { run_id: run.run_id } });
    expect(joined).toEqual({ steps: STEPS });
    // after the end, any instance replays the same log from the database
    expect(await collect(a.runs.joinStream(threadId, run.run_id, { lastEventId: "-1" }))).toEqual(fromB);
    expect((await c.runs.get(threadId, run.run_id)).status).toBe("success");
  }, 30_000);

  it("cancel from C: interrupt keeps the steps done, rollback leaves the thread as before the run", async () => {
    const [a, b, c] = sdk as [Client, Client, Client];
    // interrupt: the run stops where it is, its checkpoints stay
    const t1 = (await a.threads.create()).thread_id;
    const r1 = await a.runs.create(t1, "slow", { input: {}, config: slow(400), streamMode: ["updates"] });
    await readUntil(b.runs.joinStream(t1, r1.run_id, { lastEventId: "-1" }), (p) => p.event === "updates");
    await c.runs.cancel(t1, r1.run_id, true, "interrupt");
    expect((await b.runs.get(t1, r1.run_id)).status).toBe("interrupted");
    const kept = (await b.threads.getState<{ steps: string[] }>(t1)).values.steps;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(STEPS.length);
    expect(kept).toEqual(STEPS.slice(0, kept.length));

    // rollback: the thread is exactly as before the run, and the run is gone
    const t2 = (await a.threads.create()).thread_id;
    await a.runs.wait(t2, "slow", { input: { steps: ["before"] }, config: slow(0) });
    const before = await b.threads.getState(t2);
    const r2 = await a.runs.create(t2, "slow", { input: { steps: ["during"] }, config: slow(400), streamMode: ["updates"] });
    await readUntil(b.runs.joinStream(t2, r2.run_id, { lastEventId: "-1" }), (p) => p.event === "updates");
    await c.runs.cancel(t2, r2.run_id, true, "rollback");
    const after = await b.threads.getState(t2);
    expect(after.values).toEqual(before.values);
    expect(after.checkpoint.checkpoint_id).toBe(before.checkpoint.checkpoint_id);
    expect((await rejection(a.runs.get(t2, r2.run_id))).status).toBe(404);
    expect((await b.threads.get(t2)).status).toBe("idle");
  }, 30_000);

  it("B's tRPC runs.watch sees A's runs appear and change status", async () => {
    const watcher = createApiClient({ url: fleet.servers[1]!.url, apiKey: key });
    const seen: { runId: string; change: string }[] = [];
    let onChange: () => void = () => {};
    let ready: () => void = () => {};
    const started = new Promise<void>((resolve) => (ready = resolve));
    const subscription = watcher.runs.watch.subscribe(undefined, {
      onStarted: () => ready(),
      onData: (item) => {
        seen.push({ runId: item.run.id, change: `${item.type}:${item.run.status}` });
        onChange();
      },
    });
    try {
      await started;
      const threadId = (await sdk[0]!.threads.create()).thread_id;
      const run = await sdk[0]!.runs.create(threadId, "slow", { input: {}, config: slow(50) });
      const changes = () => seen.filter((s) => s.runId === run.run_id).map((s) => s.change);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`watch saw only ${JSON.stringify(changes())}`)), 15_000);
        onChange = () => {
          if (changes().includes("status:success")) {
            clearTimeout(timer);
            resolve();
          }
        };
        onChange();
      });
      expect(changes()).toEqual(["created:pending", "status:running", "status:success"]);
    } finally {
      subscription.unsubscribe();
    }
  }, 30_000);

  it("twelve concurrent creates on one thread over the three instances: reject admits one, enqueue runs all in order", async () => {
    const threadId = (await sdk[0]!.threads.create()).thread_id;
    const rejectResults = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        sdk[i % 3]!.runs.create(threadId, "slow", { input: {}, config: slow(300), multitaskStrategy: "reject" }),
      ),
    );
    const admitted = rejectResults.filter((r) => r.status === "fulfilled");
    expect(admitted).toHaveLength(1);
    for (const r of rejectResults.filter((r) => r.status === "rejected")) expect((r.reason as { status?: number }).status).toBe(409);
    await sdk[1]!.runs.join(threadId, (admitted[0] as PromiseFulfilledResult<{ run_id: string }>).value.run_id);

    // enqueue on a fresh thread: each run writes its marker then the five steps into the thread's list. A
    // first run holds the thread while the twelve are created, so that all of them wait in its queue
    // (the first to commit would otherwise start at once, whatever its creation time).
    const queueThread = (await sdk[0]!.threads.create()).thread_id;
    const blocker = await sdk[0]!.runs.create(queueThread, "slow", { input: { steps: ["blocker"] }, config: slow(300) });
    const runs = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        sdk[i % 3]!.runs.create(queueThread, "slow", { input: { steps: [`run-${i}`] }, config: slow(10), multitaskStrategy: "enqueue" }),
      ),
    );
    expect((await sdk[1]!.runs.get(queueThread, blocker.run_id)).status).toBe("running");
    for (const run of runs) await sdk[2]!.runs.join(queueThread, run.run_id);
    const listed = await sdk[1]!.runs.list(queueThread, { limit: 20 });
    expect(listed.map((r) => r.status)).toEqual(Array(13).fill("success"));
    const steps = (await sdk[2]!.threads.getState<{ steps: string[] }>(queueThread)).values.steps;
    // one at a time: every marker is followed by its run's five steps, nothing interleaved
    expect(steps).toHaveLength(13 * 6);
    expect(steps.slice(0, 6)).toEqual(["blocker", ...STEPS]);
    const markers: string[] = [];
    for (let i = 6; i < steps.length; i += 6) {
      expect(steps.slice(i + 1, i + 6)).toEqual(STEPS);
      markers.push(steps[i]!);
    }
    expect(new Set(markers).size).toBe(12);
    // in creation order
    const createdAt = new Map(runs.map((r, i) => [`run-${i}`, r.created_at]));
    const order = markers.map((m) => createdAt.get(m)!);
    expect(order).toEqual([...order].sort());
  }, 60_000);

  // last: it kills an instance
  it("SIGKILL of the instance a client streams from: the SDK reconnects through the balancer to another, with Last-Event-ID, no gap, no duplicate", async () => {
    const balancer = await startBalancer(fleet.servers);
    try {
      const viaBalancer = clientOf(balancer.url);
      const threadId = (await sdk[0]!.threads.create()).thread_id;
      let runId = "";
      let killed: string | undefined;
      let executor: string | undefined;
      const nameOf = (workerId: string | null | undefined) =>
        fleet.servers.find((s) => workerId?.startsWith(`${s.child.pid}-`))?.name ?? String(workerId);
      const parts = await collect(
        viaBalancer.runs.stream(threadId, "slow", {
          input: {},
          config: slow(400),
          streamMode: ["values", "updates"],
          onRunCreated: (m) => (runId = m.run_id),
        }),
        (_part, all) => {
          if (all.length === 3 && !killed) {
            const streaming = balancer.connections.find((c) => c.head.startsWith(`POST /api/langgraph/threads/${threadId}/runs/stream`));
            const server = fleet.servers.find((s) => s.name === streaming?.target)!;
            killed = server.name;
            void server.kill();
            void fleet.db.prisma.run.findUnique({ where: { id: runId } }).then((r) => (executor = nameOf(r?.workerId)));
          }
        },
      );
      expect(killed).toBeDefined();
      const alive = sdk[fleet.servers.findIndex((s) => s.name !== killed)]!;
      const joined = await collect(alive.runs.joinStream(threadId, runId, { lastEventId: "-1" }));
      expect(parts.map((p) => p.id)).toEqual(parts.map((_, i) => String(i + 1)));
      expect(parts).toEqual(joined);
      expect((await alive.runs.get(threadId, runId)).status).toBe("success");
      expect((await alive.threads.getState<{ steps: string[] }>(threadId)).values.steps).toEqual(STEPS);
      // the SDK came back on the run's stream, after the last event it had, to another instance
      const resumed = balancer.connections.filter((c) => c.head.startsWith(`GET /api/langgraph/threads/${threadId}/runs/${runId}/stream`));
      expect(resumed.length).toBeGreaterThanOrEqual(1);
      expect(resumed[0]!.head).toMatch(/\r\nlast-event-id: 3\r\n/i);
      expect(resumed.every((c) => c.target !== killed)).toBe(true);
      const final = await fleet.db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      console.log(
        `killed ${killed} (the run was executing on ${executor}); the SDK resumed on ${resumed.map((c) => c.target).join(", ")}; the run ended on ${nameOf(final.workerId)}, attempt ${final.attempt}`,
      );
    } finally {
      await balancer.close();
    }
  }, 60_000);
});
