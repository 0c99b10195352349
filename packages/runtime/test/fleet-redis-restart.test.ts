/**
 * Redis dies and comes back (empty: no persistence) while a fleet of two workers
 * executes runs: the runs finish or end with a clear error, none stays running,
 * every event of a finished run is in the database, the streams followed from
 * this serve-only process end, and the fleet takes new runs afterwards. The test
 * has its own redis-server on a free port: the shared one is never touched.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Run } from "@lgrs/db";
import type { BridgeItem } from "../src/bridge/index.ts";
import { SIX_NODES } from "./fixtures/fleet-graphs.ts";
import { allFinished, postgres, until, useFleet, useRedisServer, type Member } from "./fixtures/fleet-harness.ts";

const LEASE_MS = 3000;

/** Follows a run from this process until its end, or fails after `timeoutMs`. */
async function follow(stream: AsyncIterable<BridgeItem>, timeoutMs: number): Promise<BridgeItem[]> {
  const items: BridgeItem[] = [];
  const read = (async () => {
    for await (const item of stream) items.push(item);
    return items;
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`stream still open after ${timeoutMs} ms; read: ${JSON.stringify(items.map((i) => (i.type === "event" ? i.id : i)))}`),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(!postgres)("Redis restarted mid-run", () => {
  const redis = useRedisServer();
  const fleet = useFleet({ apiRedisUrl: () => redis.url() });
  let workers: Member[] = [];

  beforeAll(async () => {
    workers = await Promise.all([0, 1].map(() => fleet.start({ leaseMs: LEASE_MS, redisUrl: redis.url() })));
  }, 60_000);

  it("runs finish or end with a clear error, none stays running, the database keeps every event, streams end", async () => {
    const { actor, ownerId } = await fleet.owner();
    const long = { assistantId: "effects6", input: {}, streamMode: ["values" as const], config: { configurable: { step_delay_ms: 300 } } };
    const runs: Run[] = [];
    for (let i = 0; i < 4; i++) runs.push(await fleet.api().runs.create(actor, { threadId: await fleet.thread(ownerId), ...long }));
    // a thread's queue: the second and third start only when the one before ends (a wake-up through Redis)
    const queueThread = await fleet.thread(ownerId);
    for (let i = 0; i < 3; i++) {
      runs.push(
        await fleet.api().runs.create(actor, {
          threadId: queueThread,
          assistantId: "effects",
          input: {},
          multitaskStrategy: "enqueue",
          config: { configurable: { step_delay_ms: 700 } },
        }),
      );
    }
    const streams = runs.slice(0, 2).map(async (run) => follow((await fleet.api().runs.stream(actor, run.id)).items, 45_000));

    await until("the long runs to be running", async () => {
      const rows = await Promise.all(runs.slice(0, 4).map((r) => fleet.run(r.id)));
      return rows.every((r) => r.status === "running");
    });
    await new Promise((r) => setTimeout(r, 400));
    await redis.stop();
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start();

    const finished = await allFinished(
      fleet.db(),
      runs.map((r) => r.id),
      45_000,
    );
    for (const run of finished) {
      expect(["success", "error"]).toContain(run.status);
      if (run.status === "error") {
        const error = run.error as { type?: string; message?: string } | null;
        expect(error?.type, JSON.stringify(error)).toBeTruthy();
        expect(error?.message, JSON.stringify(error)).toBeTruthy();
      }
    }
    const statuses = finished.map((r) => r.status);
    console.log(
      `after a Redis restart: ${statuses.filter((s) => s === "success").length} success, ${statuses.filter((s) => s === "error").length} error`,
    );

    // a finished run's events are all in the database: ids 1..N, the last values hold every step
    for (const run of finished.filter((r) => r.status === "success")) {
      const events = await fleet.db().prisma.runEvent.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } });
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      const last = events.filter((e) => e.event === "values").at(-1);
      const values = last ? (JSON.parse(last.data) as { steps: string[] }) : undefined;
      // a long run on its own thread: its six nodes; the k-th run of the queue's thread: k times its one node
      const k = runs.findIndex((r) => r.id === run.id) - 3;
      const graphSteps = k <= 0 ? [...SIX_NODES] : Array(k).fill("only");
      expect(values?.steps).toEqual(graphSteps);
      // and a reader after the end gets exactly them
      const replay: BridgeItem[] = [];
      for await (const item of (await fleet.api().runs.stream(actor, run.id)).items) replay.push(item);
      expect(replay.filter((i) => i.type === "event").map((i) => i.id)).toEqual(events.map((e) => e.seq));
      expect(replay.at(-1)).toEqual({ type: "end", status: "success" });
    }

    // the streams followed across the outage ended with the runs, with no id missing or repeated
    for (const [i, items] of (await Promise.all(streams)).entries()) {
      const run = finished.find((r) => r.id === runs[i]!.id)!;
      const events = items.filter((item) => item.type === "event");
      expect(items.filter((item) => item.type === "gap")).toEqual([]);
      expect(events.map((e) => e.id)).toEqual(events.map((_, n) => n + 1));
      expect(items.at(-1)).toEqual({ type: "end", status: run.status });
    }

    // the fleet works after the restart: a new run is taken and finishes
    const after = await fleet.api().runs.create(actor, {
      threadId: null,
      onCompletion: "keep",
      assistantId: "effects",
      input: {},
      config: { configurable: { step_delay_ms: 10 } },
    });
    const [done] = await allFinished(fleet.db(), [after.id], 20_000);
    expect(done!.status).toBe("success");
    for (const w of workers) expect(await w.health()).toMatchObject({ redis: { reachable: true } });
  }, 120_000);
});
