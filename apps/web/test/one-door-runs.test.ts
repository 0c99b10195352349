/**
 * The rules of runs have one home, the runtime: the same request gives the same
 * outcome through both API doors. Against the real server (apps/web/server.ts in
 * its own process), each rule is checked through the typed tRPC client and
 * through the official `@langchain/langgraph-sdk` Client on the REST door:
 * stateless runs' temporary threads, the stream-mode filter of a join,
 * on_disconnect for streams, joins and waits, rolled-back runs, bulk cancel,
 * deleting a run in flight, and the reject multitask strategy.
 */
import { Client } from "@langchain/langgraph-sdk";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../../packages/api/src/client.ts";
import { record } from "../../../packages/api/test/support/recorder.ts";
import { startTestServer, type TestServer } from "../../../packages/api/test/support/test-server.ts";

const STEPS = ["plan", "research", "draft", "review", "publish"];
/**
 * The LangGraph API's on_completion values. The SDK (1.15) types `onCompletion`
 * as "complete" | "continue", but sends whatever it is given.
 */
const KEEP = "keep" as unknown as "complete";

let server: TestServer;
/** one user, through both doors */
let trpc: ApiClient;
let sdk: Client;
let apiUrl: string;
let key: string;

beforeAll(async () => {
  server = await startTestServer();
  apiUrl = `${server.url}/api/langgraph`;
  ({ client: trpc, key } = await server.user());
  sdk = new Client({ apiUrl, apiKey: key });
}, 120_000);
afterAll(() => server?.stop());

/** `config` for the slow graph: each of its five steps takes `ms`. */
const slow = (ms: number) => ({ configurable: { step_delay_ms: ms } });

type WatchHandlers = NonNullable<Parameters<ApiClient["runs"]["watch"]["subscribe"]>[1]>;
type WatchItem = Parameters<NonNullable<WatchHandlers["onData"]>>[0];
type StreamHandlers = NonNullable<Parameters<ApiClient["runs"]["stream"]["subscribe"]>[1]>;
type StreamItem = Parameters<NonNullable<StreamHandlers["onData"]>>[0];

/** What a failed call says, in each door's words: the tRPC code, or the HTTP status. */
async function trpcCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    if (err instanceof TRPCClientError) return (err.data as { code: string }).code;
    throw err;
  }
  throw new Error("expected the call to fail");
}
async function httpStatus(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (typeof status === "number") return status;
    throw err;
  }
  throw new Error("expected the request to fail");
}

/** A thread's status through the REST door: 200 while it exists, 404 once it is gone. */
function threadStatus(threadId: string): Promise<number> {
  return fetch(`${apiUrl}/threads/${threadId}`, { headers: { "x-api-key": key } }).then((r) => r.status);
}

/**
 * Asks for the thread until it is gone (the server deletes a temporary thread right
 * after its run's end, in the background: re-asking covers the race, no sleeping).
 */
async function goneEventually(threadId: string): Promise<number> {
  let status = 0;
  for (let i = 0; i < 100 && status !== 404; i++) status = await threadStatus(threadId);
  return status;
}

async function newThread(): Promise<string> {
  return (await trpc.threads.create.mutate({})).id;
}

/** Resolves once the run has published an event matching `match` (read through a tRPC join of its stream). */
async function reached(runId: string, match: (item: StreamItem) => boolean = (i) => i.data.type === "event"): Promise<void> {
  const rec = record<StreamItem>((h) => trpc.runs.stream.subscribe({ runId }, h));
  try {
    await rec.waitFor(match);
  } finally {
    rec.stop();
  }
}
const firstUpdate = (i: StreamItem) => i.data.type === "event" && i.data.event === "updates";

describe("a stateless run's temporary thread", () => {
  it("is deleted once the run ends, by default (tRPC)", async () => {
    // its end is seen on the watch: a join could come after the run, and its thread, are gone
    const watch = record<WatchItem>((h) => trpc.runs.watch.subscribe(undefined, h));
    await watch.started;
    const run = await trpc.runs.create.mutate({ threadId: null, assistantId: "slow", input: {}, config: slow(20) });
    expect(run.onCompletion).toBe("delete");
    await watch.waitFor((i) => i.run.id === run.id && i.run.status === "success");
    watch.stop();
    expect(await goneEventually(run.threadId)).toBe(404);
    expect(await trpcCode(trpc.threads.get.query({ threadId: run.threadId }))).toBe("NOT_FOUND");
    expect(await trpcCode(trpc.runs.get.query({ runId: run.id }))).toBe("NOT_FOUND");
  });

  it("is deleted once the run ends, by default (REST): wait answers the values first", async () => {
    let created: { run_id: string; thread_id?: string } | undefined;
    const values = await sdk.runs.wait(null, "slow", { input: {}, config: slow(20), onRunCreated: (m) => (created = m) });
    expect(values).toEqual({ steps: STEPS });
    expect(await threadStatus(created!.thread_id!)).toBe(404);
    expect(await trpcCode(trpc.threads.get.query({ threadId: created!.thread_id! }))).toBe("NOT_FOUND");
  });

  it('is kept with onCompletion "keep", with its run and values (both doors)', async () => {
    const viaTrpc = await trpc.runs.create.mutate({
      threadId: null,
      assistantId: "slow",
      input: {},
      config: slow(1),
      onCompletion: "keep",
    });
    const viaRest = await sdk.runs.create(null, "slow", { input: {}, config: slow(1), onCompletion: KEEP });
    expect((await trpc.runs.join.query({ runId: viaTrpc.id })).status).toBe("success");
    expect(await sdk.runs.join(viaRest.thread_id, viaRest.run_id)).toEqual({ steps: STEPS });
    for (const [threadId, runId] of [
      [viaTrpc.threadId, viaTrpc.id],
      [viaRest.thread_id, viaRest.run_id],
    ] as const) {
      expect((await trpc.threads.get.query({ threadId })).values).toEqual({ steps: STEPS });
      expect((await sdk.threads.getState(threadId)).values).toEqual({ steps: STEPS });
      expect((await sdk.runs.get(threadId, runId)).status).toBe("success");
      expect((await trpc.runs.get.query({ runId })).onCompletion).toBe("keep");
    }
  });
});

describe("the stream-mode filter of a join", () => {
  it("gives each door only the modes it asks for, metadata always, the same events with the same ids", async () => {
    const threadId = await newThread();
    const run = await trpc.runs.create.mutate({
      threadId,
      assistantId: "slow",
      input: {},
      config: slow(1),
      streamMode: ["values", "updates"],
    });
    await trpc.runs.join.query({ runId: run.id });

    const viaTrpc = record<StreamItem>((h) => trpc.runs.stream.subscribe({ runId: run.id, streamMode: ["updates"] }, h));
    await viaTrpc.done;
    const trpcEvents = viaTrpc.items.flatMap((i) =>
      i.data.type === "event" ? [{ id: i.id, event: i.data.event, data: i.data.data }] : [],
    );

    const restEvents: { id?: string; event: string; data: unknown }[] = [];
    for await (const part of sdk.runs.joinStream(threadId, run.id, { lastEventId: "-1", streamMode: ["updates"] })) {
      restEvents.push(part as { id?: string; event: string; data: unknown });
    }

    expect([...new Set(trpcEvents.map((e) => e.event))]).toEqual(["metadata", "updates"]);
    expect(trpcEvents.filter((e) => e.event === "updates")).toHaveLength(STEPS.length);
    expect(restEvents).toEqual(trpcEvents);
    // without the filter, values were there too
    const all = record<StreamItem>((h) => trpc.runs.stream.subscribe({ runId: run.id }, h));
    await all.done;
    expect(all.items.some((i) => i.data.type === "event" && i.data.event === "values")).toBe(true);
  });
});

describe('onDisconnect "cancel"', () => {
  it("a stream the client leaves cancels its run (both doors)", async () => {
    const threadA = await newThread();
    const viaTrpc = await trpc.runs.create.mutate({
      threadId: threadA,
      assistantId: "slow",
      input: {},
      config: slow(300),
      streamMode: ["updates"],
    });
    const sub = record<StreamItem>((h) => trpc.runs.stream.subscribe({ runId: viaTrpc.id, onDisconnect: "cancel" }, h));
    await sub.waitFor(firstUpdate);
    sub.stop();

    const threadB = await newThread();
    let restRunId = "";
    const abort = new AbortController();
    const stream = sdk.runs.stream(threadB, "slow", {
      input: {},
      config: slow(300),
      streamMode: "updates",
      onDisconnect: "cancel",
      signal: abort.signal,
      onRunCreated: (m) => (restRunId = m.run_id),
    });
    for await (const part of stream) if (part.event === "updates") break;
    abort.abort();

    expect((await trpc.runs.join.query({ runId: viaTrpc.id })).status).toBe("interrupted");
    await sdk.runs.join(threadB, restRunId);
    expect((await sdk.runs.get(threadB, restRunId)).status).toBe("interrupted");
  });

  it("a join the client drops cancels its run (both doors); without it the run carries on", async () => {
    const runs = await Promise.all(
      [0, 1, 2].map(async () =>
        trpc.runs.create.mutate({ threadId: await newThread(), assistantId: "slow", input: {}, config: slow(600) }),
      ),
    );
    const [viaTrpc, viaRest, kept] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    for (const run of runs) await reached(run.id);

    const leaveTrpc = new AbortController();
    const trpcJoin = trpc.runs.join.query({ runId: viaTrpc.id, onDisconnect: "cancel" }, { signal: leaveTrpc.signal });
    const leaveRest = new AbortController();
    const restJoin = sdk.runs.join(viaRest.threadId, viaRest.id, { cancelOnDisconnect: true, signal: leaveRest.signal });
    const leaveKept = new AbortController();
    const keptJoin = sdk.runs.join(kept.threadId, kept.id, { signal: leaveKept.signal });
    // nothing tells a client its join has reached the server: give the requests a moment
    // (a join that had not arrived would fail the test, not pass it)
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const leave of [leaveTrpc, leaveRest, leaveKept]) leave.abort();
    await Promise.allSettled([trpcJoin, restJoin, keptJoin]);

    expect((await trpc.runs.join.query({ runId: viaTrpc.id })).status).toBe("interrupted");
    expect((await trpc.runs.join.query({ runId: viaRest.id })).status).toBe("interrupted");
    expect((await trpc.runs.join.query({ runId: kept.id })).status).toBe("success");
  });

  it("a wait the client drops cancels its run (REST runs/wait)", async () => {
    const threadId = await newThread();
    const watch = record<WatchItem>((h) => trpc.runs.watch.subscribe(undefined, h));
    await watch.started;
    const leave = new AbortController();
    const waiting = sdk.runs.wait(threadId, "slow", { input: {}, config: slow(300), onDisconnect: "cancel", signal: leave.signal });
    waiting.catch(() => {});
    // the server has the request once the run exists; it is running once its first event is out
    const { run } = await watch.waitFor((i) => i.run.threadId === threadId && i.run.status === "running");
    watch.stop();
    await reached(run.id);
    leave.abort();
    expect((await trpc.runs.join.query({ runId: run.id })).status).toBe("interrupted");
  });
});

describe("a rolled-back run", () => {
  it("is gone for the REST door, as on LangGraph Platform, and listed, marked, by tRPC", async () => {
    const threadId = await newThread();
    const run = await trpc.runs.create.mutate({ threadId, assistantId: "slow", input: {}, config: slow(300), streamMode: ["updates"] });
    await reached(run.id, firstUpdate);
    const stopped = await trpc.runs.cancel.mutate({ runId: run.id, action: "rollback", wait: true });
    expect(stopped.rolledBackAt).toBeInstanceOf(Date);

    expect(await httpStatus(sdk.runs.get(threadId, run.id))).toBe(404);
    expect(await httpStatus(sdk.runs.join(threadId, run.id))).toBe(404);
    expect(await httpStatus(sdk.runs.delete(threadId, run.id))).toBe(404);
    expect(await sdk.runs.list(threadId)).toEqual([]);

    expect(await trpc.runs.get.query({ runId: run.id })).toMatchObject({ status: "interrupted", rolledBackAt: expect.any(Date) });
    expect((await trpc.runs.list.query({ threadId })).items.map((r) => [r.id, Boolean(r.rolledBackAt)])).toEqual([[run.id, true]]);
  });
});

describe("bulk cancel", () => {
  it("cancels a thread's running and queued runs (both doors)", async () => {
    for (const door of ["trpc", "rest"] as const) {
      const threadId = await newThread();
      const running = await trpc.runs.create.mutate({ threadId, assistantId: "slow", input: {}, config: slow(5_000) });
      const queued = await trpc.runs.create.mutate({ threadId, assistantId: "slow", input: {}, multitaskStrategy: "enqueue" });
      await reached(running.id);
      if (door === "trpc") {
        const cancelled = await trpc.runs.cancelMany.mutate({ threadId });
        expect(cancelled.map((r) => r.id).sort()).toEqual([running.id, queued.id].sort());
      } else {
        await sdk.runs.cancelMany({ threadId });
      }
      expect((await trpc.runs.join.query({ runId: running.id })).status).toBe("interrupted");
      expect(await trpc.runs.join.query({ runId: queued.id })).toMatchObject({ status: "interrupted", startedAt: null });
    }
  });

  it("cancels nothing when one of the runs is unknown (both doors), and needs a filter", async () => {
    const run = await trpc.runs.create.mutate({ threadId: await newThread(), assistantId: "slow", input: {}, config: slow(200) });
    const unknown = crypto.randomUUID();
    expect(await trpcCode(trpc.runs.cancelMany.mutate({ runIds: [run.id, unknown] }))).toBe("NOT_FOUND");
    expect(await httpStatus(sdk.runs.cancelMany({ runIds: [run.id, unknown] }))).toBe(404);
    expect(await trpcCode(trpc.runs.cancelMany.mutate({}))).toBe("BAD_REQUEST");
    expect(await httpStatus(sdk.runs.cancelMany({}))).toBe(422);
    expect((await trpc.runs.join.query({ runId: run.id })).status).toBe("success");
  });
});

describe("deleting a run", () => {
  it("is refused while it is in flight (CONFLICT / 409), allowed once it has stopped (both doors)", async () => {
    const threadId = await newThread();
    const a = await trpc.runs.create.mutate({ threadId, assistantId: "slow", input: {}, config: slow(5_000) });
    expect(await trpcCode(trpc.runs.delete.mutate({ runId: a.id }))).toBe("CONFLICT");
    expect(await httpStatus(sdk.runs.delete(threadId, a.id))).toBe(409);
    await trpc.runs.cancel.mutate({ runId: a.id, wait: true });
    await sdk.runs.delete(threadId, a.id);
    expect(await trpcCode(trpc.runs.get.query({ runId: a.id }))).toBe("NOT_FOUND");

    const b = await trpc.runs.create.mutate({ threadId, assistantId: "trivial", input: { count: 1 } });
    await trpc.runs.join.query({ runId: b.id });
    expect(await trpc.runs.delete.mutate({ runId: b.id })).toEqual({ runId: b.id, deleted: true });
    expect(await httpStatus(sdk.runs.get(threadId, b.id))).toBe(404);
  });
});

describe("the reject multitask strategy", () => {
  it("refuses a second run on a busy thread (CONFLICT / 409), and the first carries on", async () => {
    const threadId = await newThread();
    const first = await trpc.runs.create.mutate({ threadId, assistantId: "slow", input: {}, config: slow(50) });
    expect(await trpcCode(trpc.runs.create.mutate({ threadId, assistantId: "slow", input: {}, multitaskStrategy: "reject" }))).toBe(
      "CONFLICT",
    );
    expect(await httpStatus(sdk.runs.create(threadId, "slow", { input: {}, multitaskStrategy: "reject" }))).toBe(409);
    expect((await trpc.runs.join.query({ runId: first.id })).status).toBe("success");
    expect((await trpc.runs.list.query({ threadId })).items.map((r) => r.id)).toEqual([first.id]);
  });
});

describe("the server", () => {
  it("logged no internal error while serving all of the above", () => {
    expect(server.output()).not.toMatch(/langgraph-api: (GET|POST|PUT|PATCH|DELETE) /);
    expect(server.output()).not.toMatch(/runtime:/);
  });
});
