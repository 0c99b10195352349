/**
 * Every stop of a run records who or what stopped it, once, in the runtime: an
 * operator, an API key, a multitask strategy (with the run that replaced it), a
 * shutdown (whose stream says so before it ends), a client that went away.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ALL, repositories } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { createRuntime, type Runtime } from "../src/runtime.ts";
import type { Actor } from "../src/actor.ts";
import type { BridgeItem } from "../src/bridge/index.ts";
import { testGraphs } from "./fixtures/test-graphs.ts";

const SERVER: Actor = { userId: "server", scope: ALL };

/** Reads a run's items until its first `values` event (the run is under way), and hands back the rest. */
async function underWay(items: AsyncIterable<BridgeItem>): Promise<AsyncIterator<BridgeItem>> {
  const it = items[Symbol.asyncIterator]();
  for (let next = await it.next(); !next.done; next = await it.next())
    if (next.value.type === "event" && next.value.event === "values") break;
  return it;
}

async function rest(it: AsyncIterator<BridgeItem>): Promise<BridgeItem[]> {
  const out: BridgeItem[] = [];
  for (let next = await it.next(); !next.done; next = await it.next()) out.push(next.value);
  return out;
}

describe.each(testTargets)("stop reasons on $provider", (target) => {
  const database = useMigratedDatabase(target);
  const runtimes: Runtime[] = [];
  afterEach(async () => {
    for (const r of runtimes.splice(0)) await r.shutdown(500);
  });

  async function setUp() {
    // ticks every second (a six-field schedule), so a cron's run is there at once
    const rt = createRuntime({ db: database(), graphs: testGraphs, crons: { seconds: true, recheckMs: 100 } });
    runtimes.push(rt);
    await rt.start();
    const repos = repositories(database());
    const email = `alice-${Date.now()}-${Math.random()}@x.dev`;
    const user = await repos.users.createUser({ email, name: "alice" });
    const session: Actor = { userId: user.id, scope: { ownerId: user.id }, email, via: "session" };
    const keyed: Actor = { ...session, via: "api-key", apiKey: { id: "key-1", name: "ci bot" } };
    const thread = await repos.threads.create({ ownerId: user.id });
    const slowRun = () => rt.runs.create(session, { threadId: thread.id, assistantId: "slow", input: {}, multitaskStrategy: "interrupt" });
    return { rt, user, session, keyed, thread, slowRun };
  }

  it("an operator's cancel records the operator, the action and the door; a later stop does not rewrite it", async () => {
    const { rt, user, session, slowRun } = await setUp();
    const run = await slowRun();
    await underWay((await rt.runs.stream(session, run.id)).items);
    await rt.runs.cancel(session, run.id, { action: "interrupt", wait: true, door: "trpc" });
    await rt.runs.cancel(SERVER, run.id, { action: "rollback" });
    const stopped = await rt.runs.get(session, run.id);
    expect(stopped.status).toBe("interrupted");
    expect(stopped.stopReason).toMatchObject({
      kind: "operator",
      action: "interrupt",
      by: { userId: user.id, email: session.email, door: "trpc" },
    });
  });

  it("an API key's cancel records the key's id and name; a pending run's too", async () => {
    const { rt, keyed, thread, slowRun } = await setUp();
    const running = await slowRun();
    const queued = await rt.runs.create(keyed, { threadId: thread.id, assistantId: "quick", multitaskStrategy: "enqueue" });
    const [q, r] = await rt.runs.cancelMany(keyed, { threadId: thread.id, door: "langgraph-api" });
    expect([q?.id, r?.id]).toEqual([queued.id, running.id]);
    expect((await rt.runs.get(keyed, queued.id)).stopReason).toMatchObject({
      kind: "api_key",
      by: { apiKeyId: "key-1", apiKeyName: "ci bot", door: "langgraph-api" },
    });
    expect((await rt.runs.join(keyed, running.id)).stopReason).toMatchObject({ kind: "api_key", by: { apiKeyId: "key-1" } });
  });

  it("a multitask interrupt records the strategy and the run that replaced it", async () => {
    const { rt, session, slowRun } = await setUp();
    const first = await slowRun();
    await underWay((await rt.runs.stream(session, first.id)).items);
    const second = await slowRun();
    const replaced = await rt.runs.join(session, first.id);
    expect(replaced.status).toBe("interrupted");
    expect(replaced.stopReason).toMatchObject({ kind: "multitask", action: "interrupt", replacedBy: second.id });
    await rt.runs.cancel(session, second.id, { wait: true });
  });

  it("a client leaving a stream it asked to cancel on disconnect records on_disconnect", async () => {
    const { rt, session, slowRun } = await setUp();
    const run = await slowRun();
    const leave = new AbortController();
    const it = await underWay((await rt.runs.stream(session, run.id, { signal: leave.signal, onDisconnect: "cancel" })).items);
    leave.abort();
    await rest(it);
    const stopped = await rt.runs.join(session, run.id);
    expect(stopped.status).toBe("interrupted");
    expect(stopped.stopReason).toMatchObject({ kind: "on_disconnect", action: "interrupt" });
  });

  it("removing a cron cancels its ticks' runs that have not started, recording the removal", async () => {
    const { rt, session, thread } = await setUp();
    // the thread is busy with a long run: each tick's run waits its turn (enqueue)
    const holder = await rt.runs.create(session, {
      threadId: thread.id,
      assistantId: "slow",
      input: {},
      config: { configurable: { step_delay_ms: 60_000 } },
    });
    // running: its first event (metadata) is out
    for await (const item of (await rt.runs.stream(session, holder.id)).items) if (item.type === "event") break;
    const leave = new AbortController();
    const changes = rt.runs.watch(session, leave.signal);
    const cron = await rt.crons.create(session, {
      assistantId: "quick",
      threadId: thread.id,
      schedule: "* * * * * *",
      payload: { input: {} },
    });
    let tick: string | undefined;
    for await (const change of changes) {
      if (change.type === "created" && change.run.cronId === cron.id) {
        tick = change.run.id;
        break;
      }
    }
    leave.abort();
    await rt.crons.delete(session, cron.id);
    const cancelled = await rt.runs.get(session, tick!);
    expect(cancelled.status).toBe("interrupted");
    expect(cancelled.stopReason).toMatchObject({ kind: "cron_removed", action: "interrupt", cronId: cron.id });
    await rt.runs.cancel(session, holder.id);
  });

  it("a shutdown ends its runs' streams with an error naming it, and records it on the run", async () => {
    const { rt, session, slowRun } = await setUp();
    const run = await slowRun();
    const it = await underWay((await rt.runs.stream(session, run.id)).items);
    const drained = rt.shutdown(5000);
    const after = await rest(it);
    await drained;
    const error = after.find((i) => i.type === "event" && i.event === "error");
    expect(error).toMatchObject({ data: { error: "ServerShutdown", message: expect.stringMatching(/shutting down/) } });
    expect(after.at(-1)).toEqual({ type: "end", status: "interrupted" });
    const stopped = await repositories(database()).runs.get(ALL, run.id);
    expect(stopped?.status).toBe("interrupted");
    expect(stopped?.error).toMatchObject({ type: "ServerShutdown" });
    expect(stopped?.stopReason).toMatchObject({ kind: "shutdown", detail: "server_stopping", action: "interrupt" });
  });

  it("a run still queued at a shutdown stays queued, and a stream joined to it ends with an error naming the shutdown", async () => {
    const { rt, session, thread, slowRun } = await setUp();
    const holder = await slowRun();
    await underWay((await rt.runs.stream(session, holder.id)).items);
    // the thread is busy: this run waits its turn; its stream is joined with on_disconnect "cancel"
    const queued = await rt.runs.create(session, { threadId: thread.id, assistantId: "quick", input: {}, multitaskStrategy: "enqueue" });
    expect(queued.status).toBe("pending");
    const joined = (await rt.runs.stream(session, queued.id, { onDisconnect: "cancel" })).items[Symbol.asyncIterator]();
    const reading = rest(joined);
    await rt.shutdown(5000);
    const items = await reading;
    expect(items).toEqual([
      {
        type: "event",
        id: 0,
        event: "error",
        data: { error: "ServerShutdown", message: expect.stringMatching(/shutting down.*not stopped/) },
      },
    ]);
    // the server closing the stream is not the client leaving: the run waits for the next start
    const kept = await repositories(database()).runs.get(ALL, queued.id);
    expect(kept?.status).toBe("pending");
    expect(kept?.stopReason ?? null).toBeNull();
    expect(await repositories(database()).events.list(queued.id, { limit: 10 })).toMatchObject({ items: [] });
  });
});
