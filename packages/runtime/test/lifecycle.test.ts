import { spawn } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ALL, PrismaCheckpointSaver, repositories } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { createRuntime, type Runtime } from "../src/runtime.ts";
import { NO_OBSERVER } from "../src/observe/run-observer.ts";
import { NotFoundError, ShuttingDownError } from "../src/errors.ts";
import type { Actor } from "../src/actor.ts";
import { sleep, testGraphs } from "./fixtures/test-graphs.ts";

const PACKAGE_DIR = path.resolve(import.meta.dirname, "..");

/** The server itself: sees every run. */
const SERVER: Actor = { userId: "server", scope: ALL };
const actorOf = (ownerId: string): Actor => ({ userId: ownerId, scope: { ownerId } });

/** Starts the crash worker and resolves with its run ids once its first run is running. */
function startWorker(databaseUrl: string, ownerId: string) {
  // node itself with tsx's loader, not the tsx CLI: the CLI runs node as a child that
  // a SIGKILL of the CLI would leave running
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/crash-worker.ts"], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, DATABASE_URL: databaseUrl, OWNER_ID: ownerId },
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const ids = new Promise<{ threadId: string; running: string; queued: string; stateless: string; statelessThread: string }>(
    (resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => resolve(JSON.parse(d.toString())));
      child.on("exit", (code) => reject(new Error(`worker exited ${code}: ${stderr}`)));
    },
  );
  return { child, ids };
}

describe.each(testTargets)("runtime lifecycle on $provider", (target) => {
  const database = useMigratedDatabase(target);
  const repos = () => repositories(database());
  const runtimes: Runtime[] = [];
  /** the ends each runtime reported to its observer, as `status` */
  let ends: string[] = [];
  function newRuntime(): Runtime {
    const observer = { ...NO_OBSERVER, ended: (run: { status: string }) => void ends.push(run.status) };
    const runtime = createRuntime({ db: database(), graphs: testGraphs, observer });
    runtimes.push(runtime);
    return runtime;
  }
  afterEach(async () => {
    for (const r of runtimes.splice(0)) await r.shutdown(500);
    ends = [];
  });

  /** A started runtime with one run of `assistantId` on a new owner's new thread. */
  async function runningRun(assistantId: string) {
    const rt = newRuntime();
    await rt.start();
    const owner = (await repos().users.createUser({ email: `${assistantId}-${Date.now()}@x.dev`, name: assistantId })).id;
    const thread = await repos().threads.create({ ownerId: owner });
    const run = await rt.runs.create(actorOf(owner), { threadId: thread.id, assistantId, input: {} });
    return { rt, owner, thread, run };
  }

  it("after a process is killed mid-run, the next start ends its running run in error and runs the queued one", async () => {
    const first = newRuntime();
    const owner = (await repos().users.createUser({ email: `k-${Date.now()}@x.dev`, name: "k" })).id;
    const config = database().config;
    const url = config.provider === "sqlite" ? `file:${config.file}` : config.url;
    const { child, ids } = startWorker(url, owner);
    const { threadId, running, queued, stateless, statelessThread } = await ids;
    // readable here, but its live stream lives in the other process
    expect((await first.runs.get(SERVER, running)).status).toBe("running");
    await expect(first.runs.stream(SERVER, running)).rejects.toThrow(/in another server process/);
    expect((await first.runs.get(SERVER, stateless)).status).toBe("running");
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("close", resolve));

    const next = newRuntime();
    await next.start();
    const crashed = await next.runs.get(SERVER, running);
    expect(crashed.status).toBe("error");
    expect(crashed.error).toMatchObject({ type: "ServerRestart" });
    // what stopped it is on the run: its server process went away
    expect(crashed.stopReason).toMatchObject({ kind: "shutdown", detail: "worker_lost" });
    const after = await next.runs.join(SERVER, queued);
    expect([after.status, after.error]).toEqual(["success", null]);
    // the queued run was the thread's latest, so the thread follows it, not the crashed one
    expect((await repos().threads.get(ALL, threadId))?.status).toBe("idle");
    // the stateless run ended with the restart, and its temporary thread went with it
    expect(await repos().threads.get(ALL, statelessThread)).toBeNull();
    await expect(next.runs.get(SERVER, stateless)).rejects.toBeInstanceOf(NotFoundError);
  }, 30_000);

  it("start finishes the deletion of temporary threads a restart cut short, and keeps those asked to be kept", async () => {
    const db = repos();
    const owner = (await db.users.createUser({ email: `t-${Date.now()}@x.dev`, name: "t" })).id;
    const assistant = await db.assistants.create({ graphId: "slow", name: "slow" });
    // what a process leaves when it stops between a stateless run's end and its thread's deletion
    const leftOver = async (onCompletion: "delete" | "keep", status: "success" | "pending") => {
      const thread = await db.threads.create({ ownerId: owner });
      const kwargs = { input: {}, config: { configurable: { step_delay_ms: 50 } } };
      const run = await db.runs.create({ threadId: thread.id, ownerId: owner, assistantId: assistant.id, kwargs, onCompletion });
      if (status === "success") await db.runs.transition(run.id, { status, startedAt: new Date(), endedAt: new Date() });
      return { thread, run };
    };
    const ended = await leftOver("delete", "success");
    const kept = await leftOver("keep", "success");
    const queued = await leftOver("delete", "pending");

    const rt = newRuntime();
    await rt.start();
    // the pending one runs again after the restart (four 50 ms steps); its outcome is read before its thread goes
    const outcome = rt.runs.wait(actorOf(owner), queued.run.id);
    expect(await db.threads.get(ALL, ended.thread.id)).toBeNull();
    expect(await db.runs.get(ALL, ended.run.id)).toBeNull();
    expect(await db.threads.get(ALL, kept.thread.id)).not.toBeNull();
    const { run, values } = await outcome;
    expect([run.status, values]).toEqual(["success", { steps: ["one", "two", "three", "four"] }]);
    expect(await db.threads.get(ALL, queued.thread.id)).toBeNull();
  });

  it("after a restart, a finished run's events are replayed from the database, from any id", async () => {
    const before = newRuntime();
    await before.start();
    const owner = (await repos().users.createUser({ email: `r-${Date.now()}@x.dev`, name: "r" })).id;
    const thread = await repos().threads.create({ ownerId: owner });
    const run = await before.runs.create(actorOf(owner), {
      threadId: thread.id,
      assistantId: "slow",
      input: {},
      streamMode: ["values", "updates"],
      config: { configurable: { step_delay_ms: 5 } },
    });
    const live: unknown[] = [];
    for await (const item of (await before.runs.stream(actorOf(owner), run.id)).items) live.push(item);
    await before.shutdown(1000);

    const after = newRuntime(); // a new process: its bridge has never seen the run
    await after.start();
    const replayed: unknown[] = [];
    for await (const item of (await after.runs.stream(actorOf(owner), run.id)).items) replayed.push(item);
    expect(replayed).toEqual(live);
    const tail: unknown[] = [];
    for await (const item of (await after.runs.stream(actorOf(owner), run.id, { lastEventId: 3 })).items) tail.push(item);
    expect(tail).toEqual(live.slice(3));
  });

  it("marks the thread error when the crashed run was its latest", async () => {
    const rt = newRuntime();
    const db = repos();
    const owner = (await db.users.createUser({ email: `c-${Date.now()}@x.dev`, name: "c" })).id;
    const thread = await db.threads.create({ ownerId: owner });
    const assistant = await db.assistants.create({ graphId: "slow", name: "slow" });
    const run = await db.runs.create({ threadId: thread.id, ownerId: owner, assistantId: assistant.id, kwargs: {} });
    await db.runs.transition(run.id, { status: "running", startedAt: new Date() });
    await rt.start();
    expect((await rt.runs.get(SERVER, run.id)).status).toBe("error");
    expect((await db.threads.get(ALL, thread.id))?.status).toBe("error");
  });

  it("shutdown cancels running runs and waits for them; new runs are refused", async () => {
    const { rt, owner, thread, run } = await runningRun("slow");
    for await (const item of (await rt.runs.stream(actorOf(owner), run.id)).items) {
      if (item.type === "event" && item.event === "values" && (item.data as { steps: string[] }).steps.includes("one")) break;
    }
    await rt.shutdown(5000);
    const stopped = await rt.runs.get(SERVER, run.id);
    expect(stopped.status).toBe("interrupted");
    expect(ends).toEqual(["interrupted"]);
    // the step that finished before shutdown is in the thread's last checkpoint
    const last = await new PrismaCheckpointSaver(database().prisma).getTuple({ configurable: { thread_id: thread.id } });
    expect((last?.checkpoint.channel_values as { steps?: string[] } | undefined)?.steps).toEqual(["one"]);
    await expect(rt.runs.create(actorOf(owner), { threadId: thread.id, assistantId: "quick" })).rejects.toBeInstanceOf(ShuttingDownError);
  });

  it("shutdown is bounded when a run ignores cancellation, and records it interrupted", async () => {
    const { rt, run } = await runningRun("stubborn");
    const t0 = Date.now();
    await rt.shutdown(300);
    expect(Date.now() - t0).toBeLessThan(1000);
    // counted when recorded: the process may exit before the node finishes
    expect(ends).toEqual(["interrupted"]);
    const stopped = await rt.runs.get(SERVER, run.id);
    expect(stopped.status).toBe("interrupted");
    expect(stopped.error).toMatchObject({ type: "ShutdownTimeout" });
    await sleep(1500); // the stubborn node finishes late: it must not overwrite the recorded status
    expect((await rt.runs.get(SERVER, run.id)).status).toBe("interrupted");
    // counted as it was recorded, once, though its execution ended after the shutdown
    expect(ends).toEqual(["interrupted"]);
  });

  it("a run that finishes during the drain keeps its real status", async () => {
    const { rt, run } = await runningRun("quick");
    await rt.runs.join(SERVER, run.id);
    await rt.shutdown(1000);
    expect((await rt.runs.get(SERVER, run.id)).status).toBe("success");
  });
});
