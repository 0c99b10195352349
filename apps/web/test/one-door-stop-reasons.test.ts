/**
 * Who or what stopped a run is recorded once, by the runtime, and both doors
 * return it: the tRPC door as the run's `stopReason`, the LangGraph door as an
 * extra top-level `stop_reason` the SDK's Run type leaves alone. Against the real
 * server: an API key's cancel through each door, a multitask interrupt, a client
 * leaving a stream with on_disconnect "cancel", and a shutdown, whose open streams
 * (SSE, a tRPC subscription, the v2 protocol over SSE and WebSocket) each get an
 * error naming it before their connection closes (the last test: it stops the server).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { ALL, openDatabase, parseDatabaseUrl, repositories } from "@lgrs/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../../packages/api/src/client.ts";
import { record } from "../../../packages/api/test/support/recorder.ts";
import { startTestServer, type TestServer } from "../../../packages/api/test/support/test-server.ts";
import { socketFactory, type WireEvent } from "../../../packages/langgraph-api/test/support/protocol-v2.ts";

type StreamHandlers = NonNullable<Parameters<ApiClient["runs"]["stream"]["subscribe"]>[1]>;
type StreamItem = Parameters<NonNullable<StreamHandlers["onData"]>>[0];

/** `config` for the slow graph: each of its five steps takes `ms`. */
const slow = (ms: number) => ({ configurable: { step_delay_ms: ms } });

/** The LangGraph door's run, with the field the SDK's Run type does not declare. */
async function wireRun(sdk: Client, threadId: string, runId: string): Promise<{ status: string; stop_reason?: Record<string, unknown> }> {
  return (await sdk.runs.get(threadId, runId)) as unknown as { status: string; stop_reason?: Record<string, unknown> };
}

/** the server's database folder: the shutdown test reads what the stopped server left there */
const dir = mkdtempSync(path.join(os.tmpdir(), "lgrs-stop-"));
let server: TestServer;
let trpc: ApiClient;
let sdk: Client;
let key: string;
let userId: string;
let email: string;

beforeAll(async () => {
  server = await startTestServer({ dir });
  ({
    client: trpc,
    key,
    user: { id: userId, email },
  } = await server.user());
  sdk = new Client({ apiUrl: `${server.url}/api/langgraph`, apiKey: key });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("stop reasons through both doors", () => {
  const newThread = async () => (await trpc.threads.create.mutate({})).id;

  /** Resolves once the run has published its first update (read through a tRPC join of its stream). */
  async function underWay(runId: string): Promise<void> {
    const rec = record<StreamItem>((h) => trpc.runs.stream.subscribe({ runId }, h));
    try {
      await rec.waitFor((i) => i.data.type === "event" && i.data.event === "values");
    } finally {
      rec.stop();
    }
  }

  it("an API key's cancel through the LangGraph door is read back through both doors", async () => {
    const threadId = await newThread();
    const run = await sdk.runs.create(threadId, "slow", { input: {}, config: slow(2_000) });
    await underWay(run.run_id);
    await sdk.runs.cancel(threadId, run.run_id, true, "rollback");
    const wire = await wireRun(sdk, threadId, run.run_id).catch(() => null);
    // a rolled-back run is gone from the LangGraph door's reads, as on LangGraph Platform; tRPC shows it, marked
    expect(wire).toBeNull();
    const typed = await trpc.runs.get.query({ runId: run.run_id });
    expect(typed.rolledBackAt).not.toBeNull();
    expect(typed.stopReason).toMatchObject({
      kind: "api_key",
      action: "rollback",
      by: { userId, email, apiKeyName: "test", door: "langgraph-api" },
    });
  });

  it("an API key's cancel through tRPC is read back through both doors", async () => {
    const threadId = await newThread();
    const run = await trpc.runs.create.mutate({ threadId, assistantId: "slow", input: {}, config: slow(2_000) });
    await underWay(run.id);
    const stopped = await trpc.runs.cancel.mutate({ runId: run.id, wait: true });
    expect(stopped.stopReason).toMatchObject({ kind: "api_key", action: "interrupt", by: { email, door: "trpc" } });
    const wire = await wireRun(sdk, threadId, run.id);
    expect(wire.status).toBe("interrupted");
    expect(wire.stop_reason).toMatchObject({
      kind: "api_key",
      action: "interrupt",
      by: { user_id: userId, email, api_key_name: "test", door: "trpc" },
      at: expect.any(String),
    });
    expect(wire.stop_reason?.["by"]).toHaveProperty("api_key_id");
  });

  it("a multitask interrupt names the run that replaced it, in both doors", async () => {
    const threadId = await newThread();
    const first = await sdk.runs.create(threadId, "slow", { input: {}, config: slow(2_000) });
    await underWay(first.run_id);
    const second = await sdk.runs.create(threadId, "trivial", { input: { count: 1 }, multitaskStrategy: "interrupt" });
    await sdk.runs.join(threadId, second.run_id);
    expect((await wireRun(sdk, threadId, first.run_id)).stop_reason).toMatchObject({
      kind: "multitask",
      action: "interrupt",
      replaced_by: second.run_id,
    });
    expect((await trpc.runs.get.query({ runId: first.run_id })).stopReason).toMatchObject({ kind: "multitask", replacedBy: second.run_id });
  });

  it('a client leaving a stream with on_disconnect "cancel" is the recorded reason', async () => {
    const threadId = await newThread();
    let runId = "";
    const leave = new AbortController();
    const stream = sdk.runs.stream(threadId, "slow", {
      input: {},
      config: slow(1_000),
      streamMode: "updates",
      onDisconnect: "cancel",
      signal: leave.signal,
      onRunCreated: (m) => (runId = m.run_id),
    });
    for await (const part of stream) if (part.event === "updates") break;
    leave.abort();
    const ended = await trpc.runs.join.query({ runId });
    expect(ended.status).toBe("interrupted");
    expect(ended.stopReason).toMatchObject({ kind: "on_disconnect", action: "interrupt" });
    expect((await wireRun(sdk, threadId, runId)).stop_reason).toMatchObject({ kind: "on_disconnect" });
  });
});

describe("a shutdown", () => {
  it("ends every open stream with an error naming it, and records it on the run", async () => {
    const apiUrl = `${server.url}/api/langgraph`;
    const bare = new Client({ apiUrl, apiKey: null as unknown as string });
    const config = slow(5_000);

    // the older SSE contract (runs.stream)
    const restThread = await trpc.threads.create.mutate({});
    let restRun = "";
    const restEvents: { event: string; data: unknown }[] = [];
    let started = () => {};
    const restStarted = new Promise<void>((resolve) => (started = resolve));
    const rest = (async () => {
      const stream = sdk.runs.stream(restThread.id, "slow", { input: {}, config, onRunCreated: (m) => (restRun = m.run_id) });
      for await (const part of stream) {
        restEvents.push(part);
        if (part.event === "values") started();
      }
    })();

    // a tRPC subscription
    const trpcRun = await trpc.runs.create.mutate({ threadId: null, assistantId: "slow", input: {}, config, onCompletion: "keep" });
    const sub = record<StreamItem>((h) => trpc.runs.stream.subscribe({ runId: trpcRun.id }, h));

    // the v2 protocol, over SSE and over WebSocket
    const lifecycle = { sse: [] as WireEvent["params"]["data"][], websocket: [] as WireEvent["params"]["data"][] };
    const threads = {
      sse: sdk.threads.stream({ assistantId: "slow" }),
      websocket: bare.threads.stream({ assistantId: "slow", transport: "websocket", webSocketFactory: socketFactory(key) }),
    };
    const v2Runs: string[] = [];
    for (const transport of ["sse", "websocket"] as const) {
      threads[transport].onEvent((event) => {
        const e = event as unknown as WireEvent;
        if (e.method === "lifecycle" && e.params.namespace.length === 0) lifecycle[transport].push(e.params.data);
      });
      v2Runs.push(((await threads[transport].run.start({ input: {}, config })) as { run_id: string }).run_id);
    }
    await restStarted;
    await sub.waitFor((i) => i.data.type === "event" && i.data.event === "values");

    // a run still queued behind the SSE one, joined through the SDK: it stays queued for the next start
    const queued = await sdk.runs.create(restThread.id, "slow", { input: {}, config, multitaskStrategy: "enqueue" });
    const queuedEvents: { id?: string; event: string; data: unknown }[] = [];
    const queuedJoin = (async () => {
      for await (const part of sdk.runs.joinStream(restThread.id, queued.run_id)) queuedEvents.push(part);
    })();
    for (const transport of ["sse", "websocket"] as const) {
      for await (const values of threads[transport].values) if (((values as { steps?: string[] }).steps?.length ?? 0) >= 1) break;
    }

    await server.stop();
    await rest;
    await sub.done;
    await queuedJoin;

    // each stream said why before it closed
    expect(restEvents.find((e) => e.event === "error")?.data).toMatchObject({
      error: "ServerShutdown",
      message: expect.stringMatching(/shutting down/),
    });
    expect(queuedEvents).toEqual([
      { id: "0", event: "error", data: { error: "ServerShutdown", message: expect.stringMatching(/shutting down.*not stopped/) } },
    ]);
    const trpcError = sub.items.find((i) => i.data.type === "event" && i.data.event === "error");
    expect(trpcError?.data).toMatchObject({ data: { error: "ServerShutdown" } });
    for (const transport of ["sse", "websocket"] as const) {
      expect(lifecycle[transport], transport).toContainEqual(
        expect.objectContaining({ event: "interrupted", error: expect.stringMatching(/shutting down/) }),
      );
      await threads[transport].close().catch(() => {});
    }

    // the runs say so: read from the database the server left (the doors' mapping of a reason is checked above)
    const db = openDatabase(parseDatabaseUrl(`file:${path.join(dir, "test.db")}`));
    try {
      for (const runId of [restRun, trpcRun.id, ...v2Runs]) {
        const run = await repositories(db).runs.get(ALL, runId);
        expect(run?.status).toBe("interrupted");
        expect(run?.error).toMatchObject({ type: "ServerShutdown" });
        expect(run?.stopReason).toMatchObject({ kind: "shutdown", detail: "server_stopping", action: "interrupt" });
      }
      expect((await repositories(db).runs.get(ALL, queued.run_id))?.status).toBe("pending");
    } finally {
      await db.close();
    }
  }, 120_000);
});
