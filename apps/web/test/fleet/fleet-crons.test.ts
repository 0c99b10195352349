/**
 * A cron on two real server processes (one PostgreSQL database, one Redis),
 * driven with the official LangGraph SDK: both instances run the ticker and wake
 * for every tick, and each tick makes exactly one run. The servers take 6-field
 * schedules (CRON_SECONDS=1) so a tick comes every second, and look for crons
 * made on the other instance every 300 ms (CRON_RECHECK_MS). Needs the production
 * build (`npm test` makes it first); without one the file is skipped (and fails under CI).
 */
import { Client } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_BUILD, startServerFleet, type ServerFleet } from "./fleet-servers.ts";

const postgres = testTargets.find((t) => t.provider === "postgresql");
if (!HAS_BUILD && process.env["CI"] === "true")
  throw new Error("the fleet cron tests need the production build: run `npm run build` first");
const RUNNABLE = HAS_BUILD && postgres !== undefined;
if (!RUNNABLE) console.warn("fleet cron tests skipped: they need the production build (`npm run build`) and PostgreSQL");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(RUNNABLE)("crons on a fleet of two instances", () => {
  let fleet: ServerFleet;
  let sdk: [Client, Client];

  beforeAll(async () => {
    fleet = await startServerFleet(postgres!, 2, { CRON_SECONDS: "1", CRON_RECHECK_MS: "300" });
    const { key } = await fleet.user();
    sdk = fleet.servers.map((s) => new Client({ apiUrl: `${s.url}/api/langgraph`, apiKey: key, callerOptions: { maxRetries: 0 } })) as [
      Client,
      Client,
    ];
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop();
  });

  it("fires a cron exactly once per tick with both instances running its ticker", async () => {
    const [a, b] = sdk;
    const cron = await a.crons.create("trivial", { schedule: "* * * * * *", input: { count: 1 }, onRunCompleted: "keep" });
    // the other instance sees it (one database), and its ticker within CRON_RECHECK_MS
    expect((await b.crons.search({ limit: 100 })).map((c) => c.cron_id)).toContain(cron.cron_id);
    const startedAt = Date.now();
    await sleep(6000);
    await b.crons.update(cron.cron_id, { enabled: false });
    const elapsed = (Date.now() - startedAt) / 1000;
    const runs = await fleet.db.prisma.run.findMany({
      where: { cronId: cron.cron_id },
      orderBy: { createdAt: "asc" },
      select: { id: true, cronTick: true, threadId: true },
    });
    // one run per tick, in order (the database would refuse a second one for a tick), and no tick
    // left out but at the ends of the window
    const ticks = runs.map((r) => r.cronTick!.getTime());
    expect(new Set(ticks).size, `ticks ${ticks.join(", ")}`).toBe(ticks.length);
    for (const [i, tick] of ticks.entries()) if (i > 0) expect(tick - ticks[i - 1]!).toBeGreaterThanOrEqual(1000);
    // a tick fired late (a loaded machine) passes over the ticks it overran: most, not all, fire
    expect(runs.length).toBeGreaterThanOrEqual(Math.floor(elapsed / 2));
    expect(runs.length).toBeLessThanOrEqual(Math.ceil(elapsed) + 1);
    // each on its own thread, and every one runs to its end on one instance or the other
    expect(new Set(runs.map((r) => r.threadId)).size).toBe(runs.length);
    for (const run of runs) {
      const done = await a.runs.join(run.threadId, run.id);
      expect(done).toMatchObject({ count: expect.any(Number) });
    }
    const paused = runs.length;
    await sleep(2000);
    expect(await fleet.db.prisma.run.count({ where: { cronId: cron.cron_id } })).toBe(paused);
    await a.crons.delete(cron.cron_id);
  }, 60_000);
});
