/**
 * The thread-centric streaming protocol (`client.threads.stream`, the SDK 1.15
 * default) through the official `@langchain/langgraph-sdk` Client against the
 * real server, on SQLite and PostgreSQL: the SDK README's quick start as written
 * (SSE) and over WebSocket, an interrupt answered with `respondInput`, a dropped
 * event stream the SDK reconnects and de-duplicates, a second reader that joins
 * late and replays, cancel and rollback through the ordinary runs API, and
 * ownership (another key's owner can neither read nor command the thread; a
 * socket without credentials is refused).
 */
import { randomUUID } from "node:crypto";
import { Client } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { settledRuns, socketFactory, type WireEvent } from "./support/protocol-v2.ts";

type TypedClient = Awaited<ReturnType<TestServer["user"]>>["client"];

const AGENT_REPLY =
  'You said: "hello". This reply comes from the bundled offline model, streamed token by token so you can watch it arrive.';
const QUICK_START_INPUT = { messages: [{ role: "user", content: "hello" }] };

describe.each(testTargets)("protocol v2 through the SDK on $provider", (target) => {
  let server: TestServer;
  let apiUrl: string;
  let key: string;
  let otherKey: string;
  /** the typed (tRPC) API as the same user: what the dashboard reads */
  let typed: TypedClient;
  let client: Client;
  let other: Client;
  /** no default headers: the SDK refuses them on a WebSocket (a browser could not send them) */
  let bare: Client;

  beforeAll(async () => {
    server = await startTestServer({ target });
    apiUrl = `${server.url}/api/langgraph`;
    ({ key, client: typed } = await server.user());
    ({ key: otherKey } = await server.user());
    client = new Client({ apiUrl, apiKey: key });
    other = new Client({ apiUrl, apiKey: otherKey });
    bare = new Client({ apiUrl, apiKey: null as unknown as string });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("the README's quick start, as written (SSE)", async () => {
    const thread = client.threads.stream({ assistantId: "agent" });

    await thread.run.start({ input: QUICK_START_INPUT });

    let text = "";
    let messages = 0;
    for await (const message of thread.messages) {
      messages++;
      for await (const token of message.text) text += token;
    }
    const output = (await thread.output) as { messages: { text: string }[] };
    await thread.close();

    expect(messages).toBe(1);
    expect(text).toBe(AGENT_REPLY);
    expect(output.messages.map((m) => m.text)).toEqual(["hello", AGENT_REPLY]);
    // an ordinary run: the runs API lists it, finished
    const runs = await settledRuns(client, thread.threadId);
    expect(runs.map((r) => r.status)).toEqual(["success"]);
    expect((await client.threads.get(thread.threadId)).status).toBe("idle");
  });

  it("the README's quick start over WebSocket", async () => {
    const thread = bare.threads.stream({ assistantId: "agent", transport: "websocket", webSocketFactory: socketFactory(key) });

    await thread.run.start({ input: QUICK_START_INPUT });

    let text = "";
    for await (const message of thread.messages) {
      for await (const token of message.text) text += token;
    }
    const output = (await thread.output) as { messages: { text: string }[] };
    await thread.close();

    expect(text).toBe(AGENT_REPLY);
    expect(output.messages.map((m) => m.text)).toEqual(["hello", AGENT_REPLY]);
    // the thread is the key owner's
    expect((await client.threads.get(thread.threadId)).status).toBe("idle");
    await expect(other.threads.get(thread.threadId)).rejects.toMatchObject({ status: 404 });
  });

  for (const transport of ["sse", "websocket"] as const) {
    it(`an interrupt answered with respondInput (${transport})`, async () => {
      const thread =
        transport === "sse"
          ? client.threads.stream({ assistantId: "human" })
          : bare.threads.stream({ assistantId: "human", transport, webSocketFactory: socketFactory(key) });
      await thread.run.start({ input: { request: "ship it" } });
      const paused = (await thread.output) as Record<string, unknown>;
      expect(paused).toMatchObject({ request: "ship it" });
      expect(paused).not.toHaveProperty("__interrupt__");
      expect(thread.interrupted).toBe(true);
      expect(thread.interrupts).toHaveLength(1);
      const [question] = thread.interrupts;
      expect(question!.payload).toEqual({ question: 'Approve "ship it"?', options: ["yes", "no"] });
      expect((await client.threads.get(thread.threadId)).status).toBe("interrupted");

      await thread.respondInput({ interrupt_id: question!.interruptId, namespace: question!.namespace, response: "yes" });
      const runs = await settledRuns(client, thread.threadId);
      expect(runs.map((r) => r.status)).toEqual(["success", "success"]);
      const state = await client.threads.getState(thread.threadId);
      expect(state.values).toMatchObject({ request: "ship it", answer: "yes", approved: true, outcome: "approved" });
      await thread.close();

      // a reader that comes afterwards replays the latest run: the resumed one, completed
      const later = client.threads.stream(thread.threadId, { assistantId: "human" });
      expect(await later.output).toMatchObject({ outcome: "approved" });
      expect(later.interrupted).toBe(false);
      await later.close();
    });
  }

  it("an interrupt id the thread is not waiting on is refused, naming the field", async () => {
    const thread = client.threads.stream({ assistantId: "human" });
    await thread.run.start({ input: { request: "x" } });
    await thread.output;
    await expect(thread.respondInput({ interrupt_id: "not-an-interrupt", namespace: [], response: "yes" })).rejects.toThrow(/interrupt_id/);
    await thread.close();
  });

  it("a dropped event stream is reconnected by the SDK and replayed without duplicates (SSE)", async () => {
    let cut = 0;
    // the first event stream is cut after its first chunk, as a proxy dropping the connection would
    const cutting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).endsWith("/stream/events") || cut > 0 || !res.body) return res;
      cut++;
      const reader = res.body.getReader();
      const first = await reader.read();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          if (!first.done) controller.enqueue(first.value);
          controller.close();
          void reader.cancel();
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const thread = client.threads.stream({ assistantId: "agent", fetch: cutting, reconnectDelayMs: () => 10 });
    await thread.run.start({ input: QUICK_START_INPUT, config: { configurable: { token_delay_ms: 5 } } });
    let text = "";
    for await (const message of thread.messages) {
      for await (const token of message.text) text += token;
    }
    await thread.close();
    expect(cut).toBe(1);
    expect(text).toBe(AGENT_REPLY);
  });

  it("a dropped WebSocket is reopened by the SDK, which subscribes again and gets the replay without duplicates", async () => {
    let sockets = 0;
    const dropping = (url: string) => {
      const ws = new WebSocket(url, { headers: { "x-api-key": key } });
      if (++sockets === 1) {
        // the first socket dies after a few frames, as a network drop would
        let frames = 0;
        ws.on("message", () => {
          if (++frames === 8) ws.terminate();
        });
      }
      return ws as unknown as globalThis.WebSocket;
    };
    const thread = bare.threads.stream({
      assistantId: "agent",
      transport: "websocket",
      webSocketFactory: dropping,
      reconnectDelayMs: () => 10,
    });
    await thread.run.start({ input: QUICK_START_INPUT, config: { configurable: { token_delay_ms: 10 } } });
    let text = "";
    for await (const message of thread.messages) {
      for await (const token of message.text) text += token;
    }
    await thread.close();
    expect(sockets).toBe(2);
    expect(text).toBe(AGENT_REPLY);
  });

  it("a reader joining mid-run (a reload) replays the run from its first event, then follows it live", async () => {
    const first = client.threads.stream({ assistantId: "slow" });
    await first.run.start({ input: {}, config: { configurable: { step_delay_ms: 150 } } });
    const seen: unknown[] = [];
    for await (const values of first.values) {
      seen.push(values);
      if (seen.length === 2) break;
    }
    await first.close();

    for (const transport of ["sse", "websocket"] as const) {
      const again =
        transport === "sse"
          ? client.threads.stream(first.threadId, { assistantId: "slow" })
          : bare.threads.stream(first.threadId, { assistantId: "slow", transport, webSocketFactory: socketFactory(key) });
      const snapshots: { steps?: string[] }[] = [];
      for await (const values of again.values) snapshots.push(values as { steps?: string[] });
      expect(await again.output).toEqual({ steps: ["plan", "research", "draft", "review", "publish"] });
      // from the first step on, each once
      expect(snapshots.map((s) => s.steps?.length ?? 0)).toEqual([1, 2, 3, 4, 5]);
      await again.close();
    }
  });

  for (const action of ["interrupt", "rollback"] as const) {
    it(`a run it started is cancelled (${action}) through the ordinary runs API`, async () => {
      const thread = client.threads.stream({ assistantId: "slow" });
      const lifecycle: string[] = [];
      thread.onEvent((event) => {
        const e = event as unknown as WireEvent;
        if (e.method === "lifecycle" && e.params.namespace.length === 0) lifecycle.push(e.params.data.event ?? "");
      });
      const started = (await thread.run.start({ input: {}, config: { configurable: { step_delay_ms: 300 } } })) as { run_id: string };
      expect(started.run_id).toMatch(/^[0-9a-f-]{36}$/);
      for await (const values of thread.values) {
        if (((values as { steps?: string[] }).steps?.length ?? 0) >= 1) break;
      }
      await client.runs.cancel(thread.threadId, started.run_id, true, action);
      expect(await thread.output).toBeDefined();
      await thread.close();

      if (action === "interrupt") {
        expect((await client.runs.get(thread.threadId, started.run_id)).status).toBe("interrupted");
        const state = await client.threads.getState(thread.threadId);
        expect((state.values as { steps: string[] }).steps.length).toBeGreaterThanOrEqual(1);
      } else {
        // rolled back: gone from the LangGraph API, the thread as before the run
        await expect(client.runs.get(thread.threadId, started.run_id)).rejects.toMatchObject({ status: 404 });
        const state = await client.threads.getState(thread.threadId);
        expect(state.values).toEqual({});
      }
      expect(lifecycle[0]).toBe("running");
      expect(lifecycle.at(-1)).toBe("interrupted");
    });
  }

  it("its runs are the typed API's too: listed there while running, and rolled back from there", async () => {
    const thread = client.threads.stream({ assistantId: "slow" });
    const { run_id: runId } = (await thread.run.start({ input: {}, config: { configurable: { step_delay_ms: 300 } } })) as {
      run_id: string;
    };
    for await (const values of thread.values) {
      if (((values as { steps?: string[] }).steps?.length ?? 0) >= 1) break;
    }
    const listed = await typed.runs.get.query({ runId });
    expect(listed).toMatchObject({ threadId: thread.threadId, status: "running", assistantId: expect.any(String) });
    expect((await typed.runs.list.query({ threadId: thread.threadId })).items.map((r) => r.id)).toEqual([runId]);

    const cancelled = await typed.runs.cancel.mutate({ runId, action: "rollback", wait: true });
    expect(cancelled.status).toBe("interrupted");
    expect((await typed.runs.get.query({ runId })).rolledBackAt).not.toBeNull();
    expect(await thread.output).toBeDefined();
    expect(thread.interrupted).toBe(true);
    await thread.close();
    expect((await client.threads.getState(thread.threadId)).values).toEqual({});
  });

  it("another key's owner can neither read nor command the thread", async () => {
    const thread = client.threads.stream({ assistantId: "agent" });
    await thread.run.start({ input: QUICK_START_INPUT });
    await thread.output;
    await thread.close();

    const intruder = other.threads.stream(thread.threadId, { assistantId: "agent" });
    await expect(intruder.run.start({ input: QUICK_START_INPUT })).rejects.toMatchObject({ status: 404 });
    await intruder.close();
    const reader = other.threads.stream(thread.threadId, { assistantId: "agent" });
    await expect(reader.state.get({ namespace: [] })).rejects.toMatchObject({ status: 404 });
    await reader.close();

    const raw = (path: string, body: unknown) =>
      fetch(`${apiUrl}/threads/${thread.threadId}${path}`, {
        method: "POST",
        headers: { "x-api-key": otherKey, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await raw("/stream/events", { channels: ["values", "messages", "lifecycle"] })).status).toBe(404);
    expect((await raw("/commands", { id: 1, method: "state.get", params: {} })).status).toBe(404);
    expect((await raw("/commands", { id: 1, method: "run.start", params: { assistant_id: "agent", input: {} } })).status).toBe(404);

    // over WebSocket: the subscription is refused, and so is a run.start
    const ws = bare.threads.stream(thread.threadId, {
      assistantId: "agent",
      transport: "websocket",
      webSocketFactory: socketFactory(otherKey),
    });
    await expect(ws.run.start({ input: QUICK_START_INPUT })).rejects.toThrow(/not found/);
    await ws.close();
    // nothing was added to the owner's thread
    expect((await client.runs.list(thread.threadId)).length).toBe(1);
  });

  it("a WebSocket without credentials (or with a wrong key) is refused before it opens", async () => {
    const url = `${apiUrl.replace(/^http/, "ws")}/threads/${randomUUID()}/stream/events`;
    for (const headers of [{}, { "x-api-key": "not-a-key" }]) {
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(url, { headers });
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("open", () => reject(new Error("the socket opened")));
        ws.on("error", () => undefined);
      });
      expect(status).toBe(401);
    }
    // and the SDK reports it (a 4xx is not retried)
    const thread = bare.threads.stream({ assistantId: "agent", transport: "websocket", webSocketFactory: socketFactory(undefined) });
    await expect(thread.run.start({ input: QUICK_START_INPUT })).rejects.toThrow();
    await thread.close();
  });

  it("bad commands are 4xx naming the field", async () => {
    const threadId = randomUUID();
    const post = async (body: unknown) => {
      const res = await fetch(`${apiUrl}/threads/${threadId}/commands`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { detail: string; error?: string } };
    };
    expect(await post({ method: "run.start" })).toMatchObject({ status: 422, body: { detail: expect.stringContaining("body.id") } });
    expect(await post({ id: 1, method: "run.start", params: {} })).toMatchObject({
      status: 422,
      body: { error: "invalid_argument", detail: expect.stringContaining("body.params.assistant_id") },
    });
    expect(await post({ id: 2, method: "no.such" })).toMatchObject({ status: 400, body: { error: "unknown_command" } });
    expect(await post({ id: 3, method: "run.start", params: { assistant_id: "agent", multitask_strategy: "sometimes" } })).toMatchObject({
      status: 422,
      body: { detail: expect.stringContaining("body.params.multitask_strategy") },
    });
  });
});

describe("shutdown with a protocol WebSocket open", () => {
  it("closes the socket instead of waiting on it", async () => {
    const server = await startTestServer({});
    const { key } = await server.user();
    const bare = new Client({ apiUrl: `${server.url}/api/langgraph`, apiKey: null as unknown as string });
    const thread = bare.threads.stream({
      assistantId: "agent",
      transport: "websocket",
      webSocketFactory: socketFactory(key),
      maxReconnectAttempts: 0,
    });
    await thread.run.start({ input: QUICK_START_INPUT });
    await thread.output;
    const started = Date.now();
    // the socket stays open, following the thread; the server's stop must not wait for it (it kills after 10 s)
    await server.stop();
    expect(Date.now() - started).toBeLessThan(8_000);
    await thread.close();
  }, 60_000);
});

describe("a browser's WebSocket, signed in by its session cookie", () => {
  const EMAIL = "browser@example.com";
  const PASSWORD = "browser-password-1234";
  let server: TestServer;
  let cookie: string;

  beforeAll(async () => {
    server = await startTestServer({ env: { AUTH_BOOTSTRAP_EMAIL: EMAIL, AUTH_BOOTSTRAP_PASSWORD: PASSWORD } });
    const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .filter((c) => /session_token=./.test(c))
      .join("; ");
    expect(cookie).not.toBe("");
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** What a browser page sends on its socket: its cookie, and the origin it was loaded from. */
  const asBrowser =
    (origin: string, sent = cookie) =>
    (url: string) =>
      new WebSocket(url, { headers: { cookie: sent, origin } }) as unknown as globalThis.WebSocket;

  async function upgradeStatus(origin: string, sent: string): Promise<number | "open"> {
    const url = `${server.url.replace(/^http/, "ws")}/api/langgraph/threads/${randomUUID()}/stream/events`;
    return new Promise((resolve) => {
      const ws = new WebSocket(url, { headers: { cookie: sent, origin } });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => {
        ws.close();
        resolve("open");
      });
      ws.on("error", () => undefined);
    });
  }

  it("streams the quick start from the server's own origin", async () => {
    const bare = new Client({ apiUrl: `${server.url}/api/langgraph`, apiKey: null as unknown as string });
    const thread = bare.threads.stream({ assistantId: "agent", transport: "websocket", webSocketFactory: asBrowser(server.url) });
    await thread.run.start({ input: QUICK_START_INPUT });
    let text = "";
    for await (const message of thread.messages) {
      for await (const token of message.text) text += token;
    }
    await thread.close();
    expect(text).toBe(AGENT_REPLY);
  });

  it("is refused from another site's page (403) and without a valid session (401)", async () => {
    expect(await upgradeStatus(server.url, cookie)).toBe("open");
    expect(await upgradeStatus("https://evil.example", cookie)).toBe(403);
    expect(await upgradeStatus(server.url, "better-auth.session_token=forged")).toBe(401);
  });
});
