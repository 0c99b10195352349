/**
 * The two subscriptions over server-sent events, as a client sees them: a run's
 * `stream` (live, resumable from any event id while the run runs and after it
 * finished, replayed from the database after a restart, resumed by the client
 * itself when the connection breaks) and `watch` (runs created and changing status).
 * Stateless runs keep their temporary thread (`onCompletion: "keep"`): their
 * streams are read again after their end.
 */
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, type ApiClient } from "../src/client.ts";
import { record, type Recording } from "./support/recorder.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

type StreamHandlers = NonNullable<Parameters<ApiClient["runs"]["stream"]["subscribe"]>[1]>;
type StreamItem = Parameters<NonNullable<StreamHandlers["onData"]>>[0];
type WatchHandlers = NonNullable<Parameters<ApiClient["runs"]["watch"]["subscribe"]>[1]>;
type WatchItem = Parameters<NonNullable<WatchHandlers["onData"]>>[0];

let server: TestServer;
let client: ApiClient;
let apiKey: string;
beforeAll(async () => {
  server = await startTestServer();
  ({ client, key: apiKey } = await server.user());
}, 120_000);
afterAll(() => server?.stop());

function streamOf(c: ApiClient, runId: string, lastEventId?: string): Recording<StreamItem> {
  return record<StreamItem>((h) => c.runs.stream.subscribe({ runId, lastEventId }, h));
}

/** Subscribes, keeps the first `k` items, and drops the connection. */
async function firstItems(c: ApiClient, runId: string, k: number): Promise<StreamItem[]> {
  const rec = streamOf(c, runId);
  await rec.waitFor(() => rec.items.length >= k);
  rec.stop();
  return rec.items.slice(0, k);
}

/** Event ids are 1, 2, 3... in order with none missing, and the stream ends with the final status. */
function expectWellFormed(items: StreamItem[], status: string): void {
  const events = items.slice(0, -1);
  expect(events.length).toBeGreaterThan(0);
  expect(events.every((i) => i.data.type === "event")).toBe(true);
  expect(events.map((i) => Number(i.id))).toEqual(events.map((_, n) => n + 1));
  expect(items.at(-1)).toEqual({ id: "end", data: { type: "end", status } });
}

const AGENT_INPUT = { messages: [{ role: "user", content: "stream me a reply" }] };
const AGENT_REPLY =
  'You said: "stream me a reply". This reply comes from the bundled offline model, streamed token by token so you can watch it arrive.';

/** The reply text carried by `messages` (messages-tuple) events: one token per event. */
function tokensOf(items: StreamItem[]): string[] {
  return items.flatMap((i) =>
    i.data.type === "event" && i.data.event === "messages" ? [String((i.data.data as [{ content: string }])[0].content)] : [],
  );
}

describe("stream", () => {
  it("delivers a run's events live, in order, then its final status, and completes", async () => {
    const threadId = (await client.threads.create.mutate({})).id;
    const run = await client.runs.create.mutate({
      threadId,
      assistantId: "agent",
      input: AGENT_INPUT,
      streamMode: ["messages-tuple"],
      config: { configurable: { token_delay_ms: 40 } },
    });
    const rec = streamOf(client, run.id);
    // live: the first token arrives while the run is still running
    await rec.waitFor((i) => i.data.type === "event" && i.data.event === "messages");
    expect((await client.runs.get.query({ runId: run.id })).status).toBe("running");

    await rec.done;
    expectWellFormed(rec.items, "success");
    expect(rec.items[0]!.data).toEqual({ type: "event", event: "metadata", data: { run_id: run.id, attempt: 1 } });
    const tokens = tokensOf(rec.items);
    expect(tokens.length).toBeGreaterThan(10);
    expect(tokens.join("")).toBe(AGENT_REPLY);
    expect((await client.runs.get.query({ runId: run.id })).status).toBe("success");
  });

  it("resumes from lastEventId while the run is running: no event lost or repeated", async () => {
    const run = await client.runs.create.mutate({
      threadId: null,
      onCompletion: "keep",
      assistantId: "slow",
      input: {},
      streamMode: ["messages", "updates", "values"],
    });
    const full = streamOf(client, run.id);
    const head = await firstItems(client, run.id, 4);
    expect((await client.runs.get.query({ runId: run.id })).status).toBe("running");

    const rest = streamOf(client, run.id, head.at(-1)!.id);
    await Promise.all([rest.done, full.done]);
    expect(rest.items[0]!.id).toBe("5");
    expect([...head, ...rest.items]).toEqual(full.items);
    expectWellFormed(full.items, "success");
    expect(full.items.filter((i) => i.data.type === "event" && i.data.event === "updates")).toHaveLength(5);
  });

  it("two concurrent subscribers get identical events", async () => {
    const run = await client.runs.create.mutate({
      threadId: null,
      onCompletion: "keep",
      assistantId: "agent",
      input: AGENT_INPUT,
      streamMode: ["messages-tuple", "values"],
    });
    const a = streamOf(client, run.id);
    const b = streamOf(client, run.id);
    await Promise.all([a.done, b.done]);
    expectWellFormed(a.items, "success");
    expect(b.items).toEqual(a.items);
    expect(tokensOf(a.items).join("")).toBe(AGENT_REPLY);
  });

  it("after the end, lastEventId 'end' gets only the final status", async () => {
    const run = await client.runs.create.mutate({ threadId: null, onCompletion: "keep", assistantId: "trivial", input: { count: 1 } });
    await client.runs.join.query({ runId: run.id });
    const rec = streamOf(client, run.id, "end");
    await rec.done;
    expect(rec.items).toEqual([{ id: "end", data: { type: "end", status: "success" } }]);
  });

  it("a failed run's stream carries the error event and ends with status error", async () => {
    const run = await client.runs.create.mutate({ threadId: null, onCompletion: "keep", assistantId: "failing", input: {} });
    const rec = streamOf(client, run.id);
    await rec.done;
    expectWellFormed(rec.items, "error");
    expect(rec.items.at(-2)!.data).toMatchObject({
      type: "event",
      event: "error",
      data: { message: "the failing graph failed on purpose" },
    });
  });

  it("a cancelled run's stream ends with status interrupted", async () => {
    const run = await client.runs.create.mutate({
      threadId: null,
      onCompletion: "keep",
      assistantId: "slow",
      input: {},
      streamMode: ["updates"],
    });
    const rec = streamOf(client, run.id);
    await rec.waitFor((i) => i.data.type === "event" && i.data.event === "updates");
    await client.runs.cancel.mutate({ runId: run.id });
    await rec.done;
    expectWellFormed(rec.items, "interrupted");
  });
});

describe("stream after a restart: replayed from the database", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lgrs-api-restart-"));
  let restarted: TestServer | undefined;
  afterAll(async () => {
    await restarted?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("replays a finished run exactly as it was streamed live, and resumes from lastEventId", async () => {
    const first = await startTestServer({ dir });
    let live: StreamItem[];
    let runId: string;
    let key: string;
    try {
      const user = await first.user();
      key = user.key;
      const run = await user.client.runs.create.mutate({
        threadId: null,
        onCompletion: "keep",
        assistantId: "slow",
        input: {},
        streamMode: ["updates", "messages", "values"],
        config: { configurable: { step_delay_ms: 20 } },
      });
      runId = run.id;
      const rec = streamOf(user.client, run.id);
      await rec.done;
      live = rec.items;
    } finally {
      await first.stop();
    }
    expectWellFormed(live, "success");

    // a new process: no live log of the run is left, only what the database kept
    restarted = await startTestServer({ dir });
    const again = createApiClient({ url: restarted.url, apiKey: key });
    expect((await again.runs.get.query({ runId })).status).toBe("success");
    const replay = streamOf(again, runId);
    await replay.done;
    expect(replay.items).toEqual(live);

    const head = await firstItems(again, runId, 3);
    const rest = streamOf(again, runId, head.at(-1)!.id);
    await rest.done;
    expect([...head, ...rest.items]).toEqual(live);

    const end = streamOf(again, runId, "end");
    await end.done;
    expect(end.items).toEqual([live.at(-1)]);
  }, 180_000);
});

describe("stream across a crash: every event a client received is replayed", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lgrs-api-crash-"));
  let restarted: TestServer | undefined;
  afterAll(async () => {
    await restarted?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("SIGKILL right after a client received events: the next process replays every one of them, byte for byte", async () => {
    const first = await startTestServer({ dir });
    const user = await first.user();
    const run = await user.client.runs.create.mutate({
      threadId: null,
      onCompletion: "keep",
      assistantId: "slow",
      input: {},
      streamMode: ["updates", "values"],
      config: { configurable: { step_delay_ms: 400 } },
    });
    const live = streamOf(user.client, run.id);
    // the server dies the moment the client holds a few events, mid-run
    await live.waitFor(() => live.items.length >= 4);
    await first.kill();
    live.stop();
    const received = live.items.filter((i) => i.data.type === "event");
    expect(received.length).toBeGreaterThanOrEqual(4);

    restarted = await startTestServer({ dir });
    const again = createApiClient({ url: restarted.url, apiKey: user.key });
    expect((await again.runs.get.query({ runId: run.id })).status).toBe("error");
    const replay = streamOf(again, run.id);
    await replay.done;
    // every event the client had is there, same id, same bytes
    const replayed = replay.items.filter((i) => i.data.type === "event");
    expect(JSON.stringify(replayed.slice(0, received.length))).toBe(JSON.stringify(received));
  }, 180_000);
});

/** A TCP proxy to the server whose connections the test can cut, as a flaky network would. */
interface Proxy {
  url: string;
  /** the `runs.stream` requests that went through, with the Last-Event-ID header each carried */
  streamRequests: { lastEventId: string | null }[];
  /** cuts every open connection */
  drop(): void;
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<Proxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const streamRequests: Proxy["streamRequests"] = [];
  const proxy = net.createServer((downstream) => {
    const upstream = net.connect(Number(port), hostname);
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    downstream.on("data", (chunk: Buffer) => {
      const head = chunk.toString("latin1");
      if (/^GET \/api\/trpc\/runs\.stream/.test(head)) {
        streamRequests.push({ lastEventId: /^last-event-id:\s*(.*?)\s*$/im.exec(head)?.[1] ?? null });
      }
    });
    downstream.pipe(upstream).pipe(downstream);
    downstream.on("close", () => upstream.destroy());
    upstream.on("close", () => downstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port: proxyPort } = proxy.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    streamRequests,
    drop: () => sockets.forEach((s) => s.destroy()),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => resolve());
      }),
  };
}

describe("stream over a connection that breaks", () => {
  it("the client reconnects by itself with the last event id and misses nothing", async () => {
    const proxy = await startProxy(server.url);
    try {
      const viaProxy = createApiClient({ url: proxy.url, apiKey });
      // five steps of a second: the client's reconnect (3 s later) lands while the run still runs
      const run = await client.runs.create.mutate({
        threadId: null,
        onCompletion: "keep",
        assistantId: "slow",
        input: {},
        streamMode: ["updates", "values"],
        config: { configurable: { step_delay_ms: 1000 } },
      });
      const direct = streamOf(client, run.id);
      const rec = streamOf(viaProxy, run.id);
      await rec.waitFor((i) => i.data.type === "event" && i.data.event === "updates");
      expect(proxy.streamRequests).toEqual([{ lastEventId: null }]);
      proxy.drop();

      await Promise.all([rec.done, direct.done]);
      expect(rec.items).toEqual(direct.items);
      expectWellFormed(rec.items, "success");
      // it was resumed, not restarted: the second request named the last event the client had
      expect(proxy.streamRequests).toHaveLength(2);
      const resumedAfter = proxy.streamRequests[1]!.lastEventId;
      expect(resumedAfter).toMatch(/^\d+$/);
      expect(Number(resumedAfter)).toBeLessThan(rec.items.length - 1);
    } finally {
      await proxy.close();
    }
  }, 30_000);
});

describe("watch", () => {
  it("shows a run created pending, then running, then success, in order", async () => {
    const { client: watcher } = await server.user();
    const rec = record<WatchItem>((h) => watcher.runs.watch.subscribe(undefined, h));
    await rec.started;
    const statuses = (runId: string) => rec.items.filter((i) => i.run.id === runId).map((i) => `${i.type}:${i.run.status}`);

    const run = await watcher.runs.create.mutate({
      threadId: null,
      onCompletion: "keep",
      assistantId: "slow",
      input: {},
      config: { configurable: { step_delay_ms: 10 } },
    });
    const done = await rec.waitFor((i) => i.run.id === run.id && i.run.status === "success");
    expect(statuses(run.id)).toEqual(["created:pending", "status:running", "status:success"]);
    expect(done.run).toEqual(await watcher.runs.get.query({ runId: run.id }));
    expect(rec.items.find((i) => i.type === "created")!.run).toEqual(run);

    const cancelled = await watcher.runs.create.mutate({ threadId: null, onCompletion: "keep", assistantId: "slow", input: {} });
    await rec.waitFor((i) => i.run.id === cancelled.id && i.run.status === "running");
    await watcher.runs.cancel.mutate({ runId: cancelled.id });
    const stopped = await rec.waitFor((i) => i.run.id === cancelled.id && i.run.status === "interrupted");
    expect(statuses(cancelled.id)).toEqual(["created:pending", "status:running", "status:interrupted"]);
    expect(stopped.run.endedAt).toBeInstanceOf(Date);
    rec.stop();
  });
});
