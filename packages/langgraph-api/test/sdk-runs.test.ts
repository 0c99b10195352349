/**
 * Runs through the official `@langchain/langgraph-sdk` Client against the real
 * server (apps/web/server.ts in its own process): every stream mode, the SSE
 * contract the SDK relies on (ids, Content-Location/Location, CORS, heartbeats,
 * errors), joining and resuming streams, cancellation (interrupt, rollback, wait
 * or not, in bulk), every multitask strategy, human-in-the-loop resume, failing
 * graphs, stateless runs, on_disconnect, the SDK's own reconnect after the
 * connection drops mid-run, and the errors a client gets for bad requests.
 *
 * Nothing sleeps or polls: tests wait on streams and joins. The server heartbeats
 * every 250 ms (LANGGRAPH_SSE_HEARTBEAT_MS) so the heartbeat test stays short.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../api/test/support/test-server.ts";

const GRAPHS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../graphs");
const STEPS = ["plan", "research", "draft", "review", "publish"];
const FAILURE_MESSAGE = "the failing graph failed on purpose";
const AGENT_INPUT = { messages: [{ role: "user", content: "stream me a reply" }] };
const AGENT_REPLY =
  'You said: "stream me a reply". This reply comes from the bundled offline model, streamed token by token so you can watch it arrive.';
const HEARTBEAT_MS = 250;
/** A slow run with input {} streamed as values and updates: metadata, then values and updates after each step (an empty input writes no initial values). */
const SLOW_EVENTS = 1 + 5 + 5;
/**
 * The LangGraph API's on_completion values. The SDK (1.15) types `onCompletion`
 * as "complete" | "continue", but sends whatever it is given.
 */
const KEEP = "keep" as unknown as "complete";
const DELETE = "delete" as unknown as "complete";

/** A stream part as the SDK yields it. */
interface Part {
  id?: string;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads are checked field by field in the tests
  data: any;
}

/** What the SDK's HTTP errors carry. */
interface HttpErrorLike {
  status?: number;
  text?: string;
  message: string;
}

let server: TestServer;
let graphsDir: string;
let apiUrl: string;
let key: string;
let otherKey: string;
let client: Client;
let other: Client;

/**
 * The bundled graphs plus `progress`, a graph that writes custom stream events
 * (none of the bundled graphs does), in a langgraph.json of a temporary folder
 * whose node_modules is the graphs package's.
 */
function writeGraphsConfig(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lgrs-sdk-runs-graphs-"));
  symlinkSync(path.join(GRAPHS_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
  writeFileSync(
    path.join(dir, "progress.mjs"),
    `import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
const State = Annotation.Root({ done: Annotation({ reducer: (a, b) => a + b, default: () => 0 }) });
export const graph = new StateGraph(State)
  .addNode("work", async (_state, config) => {
    for (let i = 1; i <= 3; i++) config.writer?.({ progress: i, of: 3 });
    return { done: 1 };
  })
  .addEdge(START, "work")
  .addEdge("work", END)
  .compile();
`,
  );
  const bundled = ["agent", "slow", "human", "failing", "subgraph", "trivial"];
  const graphs: Record<string, string> = Object.fromEntries(bundled.map((g) => [g, `${path.join(GRAPHS_DIR, "src", `${g}.ts`)}:graph`]));
  graphs["progress"] = "./progress.mjs:graph";
  writeFileSync(path.join(dir, "langgraph.json"), JSON.stringify({ graphs }));
  return dir;
}

beforeAll(async () => {
  graphsDir = writeGraphsConfig();
  server = await startTestServer({
    env: { LANGGRAPH_CONFIG: path.join(graphsDir, "langgraph.json"), LANGGRAPH_SSE_HEARTBEAT_MS: String(HEARTBEAT_MS) },
  });
  apiUrl = `${server.url}/api/langgraph`;
  ({ key } = await server.user());
  ({ key: otherKey } = await server.user());
  client = sdk(key);
  other = sdk(otherKey);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (graphsDir) rmSync(graphsDir, { recursive: true, force: true });
});

function sdk(apiKey: string, options: { url?: string; fetch?: typeof fetch } = {}): Client {
  return new Client({ apiUrl: options.url ?? apiUrl, apiKey, ...(options.fetch && { callerOptions: { fetch: options.fetch } }) });
}

/** `config` for the slow graph: each of its five steps takes `ms`. */
function slow(ms: number) {
  return { configurable: { step_delay_ms: ms } };
}

async function collect(iter: AsyncIterable<unknown>): Promise<Part[]> {
  const parts: Part[] = [];
  for await (const part of iter) parts.push(part as Part);
  return parts;
}

/** Reads parts until `until` holds for one, then stops reading (aborting the request with `abort`). */
async function readUntil(iter: AsyncIterable<unknown>, until: (p: Part) => boolean, abort?: AbortController): Promise<Part[]> {
  const parts: Part[] = [];
  for await (const part of iter) {
    parts.push(part as Part);
    if (until(part as Part)) break;
  }
  abort?.abort();
  return parts;
}

function eventsOf(parts: Part[], event: string): Part[] {
  return parts.filter((p) => p.event === event);
}

/** The status of the SDK's rejection (HTTP errors), or throws when the promise fulfils. */
async function rejection(promise: Promise<unknown>): Promise<HttpErrorLike> {
  try {
    await promise;
  } catch (err) {
    return err as HttpErrorLike;
  }
  throw new Error("expected the request to fail");
}

/** A thread's state, its values loosely typed (each graph has its own). */
async function stateOf(threadId: string) {
  const state = await client.threads.getState(threadId);
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the values of several graphs
  return { ...state, values: state.values as Record<string, any> };
}

async function newThread(c: Client = client): Promise<string> {
  return (await c.threads.create()).thread_id;
}

/** A background run on a thread, and the moment it is running (its `metadata` event, read through a join). */
async function startRunning(threadId: string, assistantId: string, payload: Parameters<Client["runs"]["create"]>[2] = {}) {
  const run = await client.runs.create(threadId, assistantId, payload);
  await readUntil(client.runs.joinStream(threadId, run.run_id, { lastEventId: "-1" }), (p) => p.event === "metadata");
  return run;
}

/** A slow run that has written at least one step: the thread has its checkpoints. */
async function slowRunPastFirstStep(threadId: string, stepMs: number, input: Record<string, unknown> = {}) {
  const run = await client.runs.create(threadId, "slow", { input, config: slow(stepMs), streamMode: ["updates"] });
  const abort = new AbortController();
  await readUntil(
    client.runs.joinStream(threadId, run.run_id, { lastEventId: "-1", signal: abort.signal }),
    (p) => p.event === "updates",
    abort,
  );
  return run;
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { "x-api-key": key, "content-type": "application/json", ...extra };
}

// ---- raw SSE

interface Frame {
  comment?: string;
  id?: string;
  event?: string;
  data?: unknown;
}

/** Parses SSE text into frames: comments and events (each field as sent). */
function parseFrames(text: string): Frame[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const frame: Frame = {};
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) frame.comment = line.slice(1).trim();
        else if (line.startsWith("id:")) frame.id = line.slice(3).trim();
        else if (line.startsWith("event:")) frame.event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) frame.data = JSON.parse(data.join("\n"));
      return frame;
    });
}

/** The frames of an SSE response as they arrive. */
async function* framesOf(res: Response): AsyncGenerator<Frame> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, "\n");
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end + 2);
        buffer = buffer.slice(end + 2);
        yield* parseFrames(block);
      }
    }
    if (buffer.trim()) yield* parseFrames(buffer);
  } finally {
    await reader.cancel().catch(() => {});
  }
}

// ---- a TCP proxy whose connections the test can cut

interface Proxy {
  url: string;
  /** the first bytes of every connection: the request line and headers */
  heads: string[];
  dropAll(): void;
  close(): Promise<void>;
}

async function startProxy(targetPort: number): Promise<Proxy> {
  const sockets = new Set<net.Socket>();
  const heads: string[] = [];
  const proxy = net.createServer((downstream) => {
    const upstream = net.connect(targetPort, "localhost");
    sockets.add(downstream).add(upstream);
    downstream.once("data", (d: Buffer) => heads.push(d.toString("latin1")));
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    const close = () => {
      downstream.destroy();
      upstream.destroy();
      sockets.delete(downstream);
      sockets.delete(upstream);
    };
    downstream.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/langgraph`,
    heads,
    dropAll: () => sockets.forEach((s) => s.destroy()),
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        proxy.close(() => resolve());
      }),
  };
}

// =====================================================================================

describe("runs.stream: every stream mode", () => {
  it("values: metadata first (run_id, attempt), then the state after each step; onRunCreated gets the run and thread", async () => {
    const threadId = await newThread();
    const created: { run_id: string; thread_id?: string }[] = [];
    const parts = await collect(
      client.runs.stream(threadId, "slow", {
        input: { steps: ["go"] },
        config: slow(0),
        streamMode: "values",
        onRunCreated: (m) => created.push(m),
      }),
    );
    expect(created).toHaveLength(1);
    expect(created[0]!.thread_id).toBe(threadId);
    expect(parts[0]).toMatchObject({ event: "metadata", data: { run_id: created[0]!.run_id, attempt: 1 } });
    expect(new Set(parts.map((p) => p.event))).toEqual(new Set(["metadata", "values"]));
    const steps = eventsOf(parts, "values").map((p) => p.data.steps);
    // the state once the input is applied, then after each step
    expect(steps).toEqual([["go"], ...STEPS.map((_, i) => ["go", ...STEPS.slice(0, i + 1)])]);
    const state = await client.threads.getState(threadId);
    expect(state.values).toEqual({ steps: ["go", ...STEPS] });
    expect(state.next).toEqual([]);
    const run = await client.runs.get(threadId, created[0]!.run_id);
    expect(run).toMatchObject({ run_id: created[0]!.run_id, thread_id: threadId, status: "success" });
  });

  it("updates: one per node, keyed by the node", async () => {
    const threadId = await newThread();
    const parts = await collect(client.runs.stream(threadId, "slow", { input: {}, config: slow(0), streamMode: "updates" }));
    expect(parts[0]!.event).toBe("metadata");
    expect(eventsOf(parts, "updates").map((p) => p.data)).toEqual(STEPS.map((s) => ({ [s]: { steps: [s] } })));
  });

  it('messages-tuple: events named "messages", each [chunk, metadata], the tokens spelling the reply', async () => {
    const threadId = await newThread();
    const parts = await collect(client.runs.stream(threadId, "agent", { input: AGENT_INPUT, streamMode: "messages-tuple" }));
    expect(parts[0]!.event).toBe("metadata");
    const messages = eventsOf(parts, "messages");
    expect(messages.length).toBeGreaterThan(10);
    expect(parts.every((p) => p.event === "metadata" || p.event === "messages")).toBe(true);
    for (const m of messages) {
      expect(Array.isArray(m.data)).toBe(true);
      expect(m.data).toHaveLength(2);
      expect(m.data[1]).toMatchObject({ langgraph_node: "agent", thread_id: threadId });
    }
    expect(messages.map((m) => m.data[0].content).join("")).toBe(AGENT_REPLY);
  });

  it("messages: messages/metadata, growing messages/partial, then messages/complete with the whole reply", async () => {
    const threadId = await newThread();
    const parts = await collect(client.runs.stream(threadId, "agent", { input: AGENT_INPUT, streamMode: "messages" }));
    const names = parts.map((p) => p.event);
    expect(names[0]).toBe("metadata");
    expect(names[1]).toBe("messages/metadata");
    const partial = eventsOf(parts, "messages/partial").map((p) => p.data[0].content as string);
    expect(partial.length).toBeGreaterThan(10);
    partial.forEach((text, i) => i > 0 && expect(text.startsWith(partial[i - 1]!)).toBe(true));
    expect(partial.at(-1)).toBe(AGENT_REPLY);
    const complete = eventsOf(parts, "messages/complete");
    expect(complete).toHaveLength(1);
    expect(complete[0]!.data[0].content).toBe(AGENT_REPLY);
    expect(names.at(-1)).toBe("messages/complete");
  });

  it("custom: what the graph writes with config.writer", async () => {
    const threadId = await newThread();
    const parts = await collect(client.runs.stream(threadId, "progress", { input: {}, streamMode: "custom" }));
    expect(parts.map((p) => p.event)).toEqual(["metadata", "custom", "custom", "custom"]);
    expect(eventsOf(parts, "custom").map((p) => p.data)).toEqual([1, 2, 3].map((progress) => ({ progress, of: 3 })));
  });

  it("debug: checkpoints, tasks and task results of every step", async () => {
    const threadId = await newThread();
    const parts = await collect(client.runs.stream(threadId, "slow", { input: {}, config: slow(0), streamMode: "debug" }));
    const debug = eventsOf(parts, "debug").map((p) => p.data);
    expect(debug.length).toBeGreaterThan(STEPS.length);
    expect(new Set(debug.map((d) => d.type))).toEqual(new Set(["checkpoint", "task", "task_result"]));
    expect(debug.filter((d) => d.type === "task").map((d) => d.payload.name)).toEqual(STEPS);
    expect(debug.filter((d) => d.type === "task_result").map((d) => d.payload.name)).toEqual(STEPS);
  });

  it("events: the LangChain callback events, chat model tokens included", async () => {
    const threadId = await newThread();
    const parts = await collect(client.runs.stream(threadId, "agent", { input: AGENT_INPUT, streamMode: "events" }));
    const events = eventsOf(parts, "events").map((p) => p.data);
    const kinds = new Set(events.map((e) => e.event));
    for (const kind of ["on_chain_start", "on_chain_end", "on_chat_model_start", "on_chat_model_stream", "on_chat_model_end"]) {
      expect(kinds).toContain(kind);
    }
    const tokens = events
      .filter((e) => e.event === "on_chat_model_stream")
      .map((e) => e.data.chunk.kwargs?.content ?? e.data.chunk.content);
    expect(tokens.join("")).toBe(AGENT_REPLY);
  });

  it("tasks: each node's start (with its input) and its result", async () => {
    const threadId = await newThread();
    const parts = await collect(client.runs.stream(threadId, "slow", { input: {}, config: slow(0), streamMode: "tasks" }));
    const tasks = eventsOf(parts, "tasks").map((p) => p.data);
    const starts = tasks.filter((t) => "input" in t);
    const results = tasks.filter((t) => "result" in t);
    expect(starts.map((t) => t.name)).toEqual(STEPS);
    expect(results.map((t) => t.name)).toEqual(STEPS);
    expect(results.map((t) => t.result)).toEqual(STEPS.map((s) => ({ steps: [s] })));
  });

  it("checkpoints: each checkpoint's values and next nodes, the last one final", async () => {
    const threadId = await newThread();
    const parts = await collect(client.runs.stream(threadId, "slow", { input: {}, config: slow(0), streamMode: "checkpoints" }));
    const checkpoints = eventsOf(parts, "checkpoints").map((p) => p.data);
    expect(checkpoints.length).toBeGreaterThanOrEqual(STEPS.length + 1);
    expect(checkpoints.map((c) => c.next[0]).filter(Boolean)).toEqual(expect.arrayContaining(STEPS));
    const last = checkpoints.at(-1);
    expect(last.values).toEqual({ steps: STEPS });
    expect(last.next).toEqual([]);
    expect(last.config.configurable.thread_id).toBe(threadId);
    const state = await client.threads.getState(threadId);
    expect(state.checkpoint.checkpoint_id).toBe(last.config.configurable.checkpoint_id);
  });

  it("several modes at once: each mode's events, interleaved, metadata first", async () => {
    const threadId = await newThread();
    const parts = await collect(
      client.runs.stream(threadId, "agent", { input: AGENT_INPUT, streamMode: ["values", "updates", "messages-tuple"] }),
    );
    expect(parts[0]!.event).toBe("metadata");
    expect(new Set(parts.map((p) => p.event))).toEqual(new Set(["metadata", "values", "updates", "messages"]));
    expect(
      eventsOf(parts, "messages")
        .map((m) => m.data[0].content)
        .join(""),
    ).toBe(AGENT_REPLY);
    expect(eventsOf(parts, "values").at(-1)!.data.messages.at(-1).content).toBe(AGENT_REPLY);
    expect(Object.keys(eventsOf(parts, "updates")[0]!.data)).toEqual(["agent"]);
    // the messages come before the update and the values that carry the whole reply
    const names = parts.map((p) => p.event);
    expect(names.lastIndexOf("messages")).toBeLessThan(names.lastIndexOf("updates"));
  });

  it('streamSubgraphs: the subgraph\'s own events, named "mode|ns"', async () => {
    const threadId = await newThread();
    const parts = await collect(
      client.runs.stream(threadId, "subgraph", { input: { topic: "otters" }, streamMode: ["updates"], streamSubgraphs: true }),
    );
    const parent = eventsOf(parts, "updates").map((p) => Object.keys(p.data)[0]);
    expect(parent).toEqual(["prepare", "research", "write"]);
    const child = parts.filter((p) => /^updates\|research:[^|]+$/.test(p.event));
    expect(child.map((p) => Object.keys(p.data)[0])).toEqual(["gather", "summarise"]);
    expect(child[0]!.data.gather.notes).toEqual(["facts about otters"]);
    expect(new Set(child.map((p) => p.event)).size).toBe(1);

    const flat = await collect(client.runs.stream(await newThread(), "subgraph", { input: { topic: "otters" }, streamMode: ["updates"] }));
    expect(flat.some((p) => p.event.includes("|"))).toBe(false);
  });
});

describe("the SSE contract, over raw HTTP", () => {
  it("every frame has an id (1, 2, 3...), Content-Location is the run, Location its stream, both exposed to browsers", async () => {
    const threadId = await newThread();
    const res = await fetch(`${apiUrl}/threads/${threadId}/runs/stream`, {
      method: "POST",
      headers: headers({ origin: "http://app.example.test" }),
      body: JSON.stringify({ assistant_id: "slow", input: {}, config: slow(0), stream_mode: ["values", "updates"] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const frames = parseFrames(await res.text()).filter((f) => f.comment === undefined);
    expect(frames.length).toBe(SLOW_EVENTS);
    for (const f of frames) {
      expect(f.event).toBeTruthy();
      expect(f.id).toMatch(/^\d+$/);
    }
    expect(frames.map((f) => Number(f.id))).toEqual(frames.map((_, i) => i + 1));
    const runId = (frames[0]!.data as { run_id: string }).run_id;
    expect(frames[0]).toMatchObject({ event: "metadata", data: { run_id: runId, attempt: 1 } });
    expect(res.headers.get("content-location")).toBe(`/threads/${threadId}/runs/${runId}`);
    expect(res.headers.get("location")).toBe(`/threads/${threadId}/runs/${runId}/stream`);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const exposed = (res.headers.get("access-control-expose-headers") ?? "").toLowerCase().split(/\s*,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(["content-location", "location"]));
  });

  it("a heartbeat comment arrives while the run is idle between steps", async () => {
    const threadId = await newThread();
    const res = await fetch(`${apiUrl}/threads/${threadId}/runs/stream`, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({ assistant_id: "slow", input: {}, config: slow(HEARTBEAT_MS * 3), stream_mode: ["updates"] }),
    });
    const seen: Frame[] = [];
    let runId = "";
    for await (const frame of framesOf(res)) {
      seen.push(frame);
      if (frame.event === "metadata") runId = (frame.data as { run_id: string }).run_id;
      // a heartbeat between the first two steps: stop the run, and the stream ends
      if (frame.comment !== undefined && seen.some((f) => f.event === "updates")) {
        await client.runs.cancel(threadId, runId, true);
      }
    }
    const heartbeats = seen.filter((f) => f.comment !== undefined);
    expect(heartbeats.length).toBeGreaterThan(0);
    expect(heartbeats.every((f) => f.comment === "heartbeat")).toBe(true);
    const firstUpdate = seen.findIndex((f) => f.event === "updates");
    expect(seen.slice(firstUpdate + 1).some((f) => f.comment === "heartbeat")).toBe(true);
    expect((await client.runs.get(threadId, runId)).status).toBe("interrupted");
  });

  it("a failing graph's stream ends with an error event carrying the message", async () => {
    const threadId = await newThread();
    const res = await fetch(`${apiUrl}/threads/${threadId}/runs/stream`, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({ assistant_id: "failing", input: {} }),
    });
    const frames = parseFrames(await res.text()).filter((f) => f.comment === undefined);
    expect(frames[0]!.event).toBe("metadata");
    expect(frames.at(-1)).toMatchObject({ event: "error", data: { error: "Error", message: FAILURE_MESSAGE } });
    expect(frames.at(-1)!.id).toMatch(/^\d+$/);
  });
});

describe("joining a run's stream", () => {
  it('joinStream from "-1" after the run replays the original stream exactly', async () => {
    const threadId = await newThread();
    let runId = "";
    const original = await collect(
      client.runs.stream(threadId, "slow", {
        input: {},
        config: slow(0),
        streamMode: ["values", "updates", "tasks"],
        onRunCreated: (m) => (runId = m.run_id),
      }),
    );
    expect(original.length).toBeGreaterThan(10);
    const joined = await collect(client.runs.joinStream(threadId, runId, { lastEventId: "-1" }));
    expect(joined).toEqual(original);
    expect(joined.map((p) => p.id)).toEqual(original.map((_, i) => String(i + 1)));
    // without its thread (`joinStream(null, runId)`): the same run, found by its id
    expect(await collect(client.runs.joinStream(null, runId, { lastEventId: "-1" }))).toEqual(original);
  });

  it("three concurrent joiners of a running run each receive every event", async () => {
    const threadId = await newThread();
    const run = await client.runs.create(threadId, "slow", { input: {}, config: slow(100), streamMode: ["values", "updates"] });
    const joiners = [client, client, sdk(key)].map((c) => collect(c.runs.joinStream(threadId, run.run_id, { lastEventId: "-1" })));
    const [a, b, c] = await Promise.all(joiners);
    const reference = await collect(client.runs.joinStream(threadId, run.run_id, { lastEventId: "-1" }));
    expect(reference.length).toBe(SLOW_EVENTS);
    expect(a).toEqual(reference);
    expect(b).toEqual(reference);
    expect(c).toEqual(reference);
    expect((await client.runs.get(threadId, run.run_id)).status).toBe("success");
  });

  it("joinStream with a Last-Event-ID resumes after that event, live and after the end", async () => {
    const threadId = await newThread();
    const run = await client.runs.create(threadId, "slow", { input: {}, config: slow(100), streamMode: ["values", "updates"] });
    // a client reads three events, goes away, and comes back with the last id it saw
    const abort = new AbortController();
    const head = await readUntil(
      client.runs.joinStream(threadId, run.run_id, { lastEventId: "-1", signal: abort.signal }),
      (p) => p.id === "3",
      abort,
    );
    const tail = await collect(client.runs.joinStream(threadId, run.run_id, { lastEventId: head.at(-1)!.id }));
    const full = await collect(client.runs.joinStream(threadId, run.run_id, { lastEventId: "-1" }));
    expect(head.map((p) => p.id)).toEqual(["1", "2", "3"]);
    expect([...head, ...tail]).toEqual(full);
    // after the end too
    expect(await collect(client.runs.joinStream(threadId, run.run_id, { lastEventId: "7" }))).toEqual(full.slice(7));
    expect(await collect(client.runs.joinStream(threadId, run.run_id, { lastEventId: String(full.length) }))).toEqual([]);
  });
});

describe("cancel", () => {
  /** A client that records the status of each response. */
  function recordingClient() {
    const statuses: { method: string; url: string; status: number }[] = [];
    const recording: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      statuses.push({ method: init?.method ?? "GET", url: String(input), status: res.status });
      return res;
    };
    return { c: sdk(key, { fetch: recording }), statuses };
  }

  it("cancel(wait=false) on a running run answers 202 at once; the run ends interrupted", async () => {
    const { c, statuses } = recordingClient();
    const threadId = await newThread();
    const run = await startRunning(threadId, "slow", { input: {}, config: slow(5_000) });
    const started = performance.now();
    await c.runs.cancel(threadId, run.run_id, false);
    const elapsed = performance.now() - started;
    expect(statuses.find((s) => s.url.includes("/cancel"))).toMatchObject({ method: "POST", status: 202 });
    expect(elapsed).toBeLessThan(2_000);
    await client.runs.join(threadId, run.run_id);
    expect((await client.runs.get(threadId, run.run_id)).status).toBe("interrupted");
    expect((await client.threads.getState(threadId)).values).toEqual({ steps: [] });
    expect((await client.threads.get(threadId)).status).toBe("idle");
  });

  it("cancel(wait=true) answers 204 only once the run has stopped", async () => {
    const { c, statuses } = recordingClient();
    const threadId = await newThread();
    const run = await startRunning(threadId, "slow", { input: {}, config: slow(5_000) });
    await c.runs.cancel(threadId, run.run_id, true);
    // no join: the status is already final when cancel returns
    expect((await client.runs.get(threadId, run.run_id)).status).toBe("interrupted");
    expect(statuses.find((s) => s.url.includes("/cancel"))).toMatchObject({ method: "POST", status: 204 });
    expect(statuses.find((s) => s.url.includes("/cancel"))!.url).toMatch(/wait=1/);
  });

  it('action "rollback" leaves the thread exactly as before the run', async () => {
    const threadId = await newThread();
    await client.runs.wait(threadId, "slow", { input: { steps: ["before"] }, config: slow(0) });
    const before = await stateOf(threadId);
    expect(before.values).toEqual({ steps: ["before", ...STEPS] });

    const run = await slowRunPastFirstStep(threadId, 300, { steps: ["during"] });
    // the run has written checkpoints
    expect((await stateOf(threadId)).values.steps.length).toBeGreaterThan(before.values.steps.length);
    await client.runs.cancel(threadId, run.run_id, true, "rollback");
    const after = await client.threads.getState(threadId);
    expect(after.values).toEqual(before.values);
    expect(after.next).toEqual(before.next);
    expect(after.checkpoint.checkpoint_id).toBe(before.checkpoint.checkpoint_id);
    // as on LangGraph Platform, a rolled-back run is gone
    expect((await rejection(client.runs.get(threadId, run.run_id))).status).toBe(404);
    expect((await rejection(client.runs.join(threadId, run.run_id))).status).toBe(404);
    expect((await client.runs.list(threadId)).map((r) => r.run_id)).not.toContain(run.run_id);
    expect(await client.runs.list(threadId)).toHaveLength(1);
  });

  it("POST /runs/cancel by thread_id: the running and the queued runs of the thread", async () => {
    const threadId = await newThread();
    const first = await startRunning(threadId, "slow", { input: {}, config: slow(5_000) });
    const queued = await client.runs.create(threadId, "slow", { input: {}, config: slow(0), multitaskStrategy: "enqueue" });
    expect(queued.status).toBe("pending");
    await client.runs.cancelMany({ threadId });
    await client.runs.join(threadId, first.run_id);
    await client.runs.join(threadId, queued.run_id);
    expect((await client.runs.get(threadId, first.run_id)).status).toBe("interrupted");
    expect((await client.runs.get(threadId, queued.run_id)).status).toBe("interrupted");
  });

  it("POST /runs/cancel by run_ids, on several threads", async () => {
    const [t1, t2] = [await newThread(), await newThread()];
    const r1 = await startRunning(t1, "slow", { input: {}, config: slow(5_000) });
    const r2 = await startRunning(t2, "slow", { input: {}, config: slow(5_000) });
    await client.runs.cancelMany({ runIds: [r1.run_id, r2.run_id] });
    await client.runs.join(t1, r1.run_id);
    await client.runs.join(t2, r2.run_id);
    expect((await client.runs.get(t1, r1.run_id)).status).toBe("interrupted");
    expect((await client.runs.get(t2, r2.run_id)).status).toBe("interrupted");
  });

  it("POST /runs/cancel by status: every in-flight run of the caller, no one else's", async () => {
    const { key: ownKey } = await server.user();
    const own = sdk(ownKey);
    const mine = await own.threads.create();
    const run = await own.runs.create(mine.thread_id, "slow", { input: {}, config: slow(5_000) });
    const othersThread = await newThread();
    const othersRun = await client.runs.create(othersThread, "slow", { input: {}, config: slow(100) });
    await own.runs.cancelMany({ status: "all" });
    await own.runs.join(mine.thread_id, run.run_id);
    expect((await own.runs.get(mine.thread_id, run.run_id)).status).toBe("interrupted");
    expect(await client.runs.join(othersThread, othersRun.run_id)).toEqual({ steps: STEPS });
    expect((await client.runs.get(othersThread, othersRun.run_id)).status).toBe("success");
  });

  it("POST /runs/cancel without a filter, or with another user's run: errors", async () => {
    const none = await fetch(`${apiUrl}/runs/cancel`, { method: "POST", headers: headers(), body: "{}" });
    expect(none.status).toBe(422);
    const threadId = await newThread();
    const run = await client.runs.wait(threadId, "trivial", { input: {} }).then(() => client.runs.list(threadId));
    expect((await rejection(other.runs.cancelMany({ runIds: [run[0]!.run_id] }))).status).toBe(404);
  });
});

describe("multitask strategies on a busy thread", () => {
  it("reject: 409, and the first run carries on", async () => {
    const threadId = await newThread();
    const first = await startRunning(threadId, "slow", { input: {}, config: slow(100) });
    const err = await rejection(client.runs.create(threadId, "slow", { input: {}, multitaskStrategy: "reject" }));
    expect(err.status).toBe(409);
    // the default strategy is reject too, for streams as well
    expect((await rejection(collect(client.runs.stream(threadId, "slow", { input: {} })))).status).toBe(409);
    expect(await client.runs.join(threadId, first.run_id)).toEqual({ steps: STEPS });
    expect((await client.runs.list(threadId)).map((r) => r.status)).toEqual(["success"]);
  });

  it("interrupt: the first run ends interrupted, its steps kept, then the second runs", async () => {
    const threadId = await newThread();
    const first = await slowRunPastFirstStep(threadId, 300, { steps: ["first"] });
    const second = await client.runs.create(threadId, "slow", {
      input: { steps: ["second"] },
      config: slow(0),
      multitaskStrategy: "interrupt",
    });
    const values = await client.runs.join(threadId, second.run_id);
    expect((await client.runs.get(threadId, first.run_id)).status).toBe("interrupted");
    expect((await client.runs.get(threadId, second.run_id)).status).toBe("success");
    const steps = (await stateOf(threadId)).values.steps as string[];
    expect(values).toEqual({ steps });
    const secondAt = steps.indexOf("second");
    const done = steps.slice(1, secondAt);
    expect(steps[0]).toBe("first");
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(STEPS.length);
    expect(done).toEqual(STEPS.slice(0, done.length));
    expect(steps.slice(secondAt)).toEqual(["second", ...STEPS]);
  });

  it("rollback: the first run is undone; the thread is as before it plus the second run", async () => {
    const threadId = await newThread();
    await client.runs.wait(threadId, "slow", { input: { steps: ["zero"] }, config: slow(0) });
    const first = await slowRunPastFirstStep(threadId, 300, { steps: ["first"] });
    const second = await client.runs.create(threadId, "slow", {
      input: { steps: ["second"] },
      config: slow(0),
      multitaskStrategy: "rollback",
    });
    await client.runs.join(threadId, second.run_id);
    expect((await client.threads.getState(threadId)).values).toEqual({ steps: ["zero", ...STEPS, "second", ...STEPS] });
    expect((await client.runs.get(threadId, second.run_id)).status).toBe("success");
    expect((await rejection(client.runs.get(threadId, first.run_id))).status).toBe(404);
    expect((await client.runs.list(threadId)).map((r) => r.run_id)).toEqual([second.run_id, expect.any(String)]);
  });

  it("enqueue: the second run waits, then both succeed, one after the other", async () => {
    const threadId = await newThread();
    const first = await slowRunPastFirstStep(threadId, 100, { steps: ["first"] });
    const second = await client.runs.create(threadId, "slow", {
      input: { steps: ["second"] },
      config: slow(0),
      multitaskStrategy: "enqueue",
    });
    expect(second.status).toBe("pending");
    expect(second.multitask_strategy).toBe("enqueue");
    expect(await client.runs.join(threadId, second.run_id)).toEqual({ steps: ["first", ...STEPS, "second", ...STEPS] });
    expect((await client.runs.get(threadId, first.run_id)).status).toBe("success");
    expect((await client.runs.get(threadId, second.run_id)).status).toBe("success");
    expect((await client.runs.list(threadId)).map((r) => r.run_id)).toEqual([second.run_id, first.run_id]);
  });
});

describe("human in the loop", () => {
  it("interrupt() stops the run with the question; a command resume finishes it", async () => {
    const threadId = await newThread();
    const parts = await collect(client.runs.stream(threadId, "human", { input: { request: "deploy v2" }, streamMode: ["updates"] }));
    const interrupt = eventsOf(parts, "updates").at(-1)!.data.__interrupt__;
    expect(interrupt[0].value).toEqual({ question: 'Approve "deploy v2"?', options: ["yes", "no"] });

    const waiting = await client.threads.getState(threadId);
    expect(waiting.next).toEqual(["review"]);
    expect(waiting.tasks[0]!.interrupts[0]!.value).toEqual({ question: 'Approve "deploy v2"?', options: ["yes", "no"] });
    expect((await client.threads.get(threadId)).status).toBe("interrupted");

    const values = await client.runs.wait(threadId, "human", { command: { resume: "yes" } });
    expect(values).toEqual({ request: "deploy v2", answer: "yes", approved: true, outcome: "approved" });
    const done = await client.threads.getState(threadId);
    expect(done.next).toEqual([]);
    expect(done.values).toEqual(values);
    expect((await client.threads.get(threadId)).status).toBe("idle");
  });
});

describe("a failing graph", () => {
  it("runs.wait raises the error message; the run and thread end in error", async () => {
    const threadId = await newThread();
    let runId = "";
    const err = await rejection(client.runs.wait(threadId, "failing", { input: {}, onRunCreated: (m) => (runId = m.run_id) }));
    expect(err.message).toBe(`Error: ${FAILURE_MESSAGE}`);
    expect((await client.runs.get(threadId, runId)).status).toBe("error");
    expect((await client.threads.get(threadId)).status).toBe("error");
  });

  it("runs.stream yields an error event with the message, and ends", async () => {
    const parts = await collect(client.runs.stream(await newThread(), "failing", { input: {}, streamMode: ["values", "updates"] }));
    expect(parts.at(-1)).toMatchObject({ event: "error", data: { error: "Error", message: FAILURE_MESSAGE } });
    expect(eventsOf(parts, "error")).toHaveLength(1);
  });
});

describe("stateless runs", () => {
  it("runs.wait(null, ...) returns the final values; the temporary thread is gone", async () => {
    let created: { run_id: string; thread_id?: string } | undefined;
    const values = await client.runs.wait(null, "slow", { input: {}, config: slow(0), onRunCreated: (m) => (created = m) });
    expect(values).toEqual({ steps: STEPS });
    expect(created!.thread_id).toBeTruthy();
    expect((await rejection(client.runs.get(created!.thread_id!, created!.run_id))).status).toBe(404);
  });

  it("runs.stream(null, ...) streams like a thread run", async () => {
    let created: { run_id: string; thread_id?: string } | undefined;
    const parts = await collect(
      client.runs.stream(null, "agent", { input: AGENT_INPUT, streamMode: "messages-tuple", onRunCreated: (m) => (created = m) }),
    );
    expect(parts[0]).toMatchObject({ event: "metadata", data: { run_id: created!.run_id } });
    expect(
      eventsOf(parts, "messages")
        .map((m) => m.data[0].content)
        .join(""),
    ).toBe(AGENT_REPLY);
  });

  it('runs.create(null, ...) with on_completion "keep": the run and its thread stay', async () => {
    const run = await client.runs.create(null, "slow", { input: {}, config: slow(0), onCompletion: KEEP });
    expect(run.thread_id).toBeTruthy();
    expect(await client.runs.join(run.thread_id, run.run_id)).toEqual({ steps: STEPS });
    expect((await client.runs.get(run.thread_id, run.run_id)).status).toBe("success");
    expect((await client.threads.getState(run.thread_id)).values).toEqual({ steps: STEPS });
  });

  it('runs.create(null, ...) with on_completion "delete": the thread is deleted once the run is done', async () => {
    const run = await client.runs.create(null, "slow", { input: {}, config: slow(100), onCompletion: DELETE });
    const parts = await collect(client.runs.joinStream(run.thread_id, run.run_id, { lastEventId: "-1" }));
    expect(parts.at(-1)!.data).toEqual({ steps: STEPS });
    // the server deletes the thread right after the run's end, in the background: by the
    // time the join has answered it is (in practice) gone; re-asking covers the race, no sleeping
    let status = 0;
    for (let i = 0; i < 50 && status !== 404; i++) {
      status = await fetch(`${apiUrl}/threads/${run.thread_id}`, { headers: headers() }).then((r) => r.status);
    }
    expect(status).toBe(404);
  });

  it("runs.createBatch: stateless runs, each on its own thread", async () => {
    const runs = await client.runs.createBatch([
      { assistantId: "slow", input: {}, config: slow(0), onCompletion: KEEP },
      { assistantId: "trivial", input: {}, onCompletion: KEEP },
    ]);
    expect(runs).toHaveLength(2);
    expect(runs[0]!.thread_id).not.toBe(runs[1]!.thread_id);
    expect(await client.runs.join(runs[0]!.thread_id, runs[0]!.run_id)).toEqual({ steps: STEPS });
    expect(await client.runs.join(runs[1]!.thread_id, runs[1]!.run_id)).toEqual({ count: 1 });
  });
});

describe("list, get, delete, join", () => {
  it("lists a thread's runs newest first, gets one, joins for the final values, deletes finished runs only", async () => {
    const threadId = await newThread();
    await client.runs.wait(threadId, "trivial", { input: {} });
    await client.runs.wait(threadId, "trivial", { input: {} });
    const listed = await client.runs.list(threadId);
    expect(listed).toHaveLength(2);
    expect(listed.every((r) => r.thread_id === threadId && r.status === "success")).toBe(true);
    expect(listed[0]!.created_at >= listed[1]!.created_at).toBe(true);
    expect(await client.runs.list(threadId, { limit: 1, offset: 1 })).toEqual([listed[1]]);
    expect(await client.runs.list(threadId, { status: "error" })).toEqual([]);
    expect(await client.runs.get(threadId, listed[0]!.run_id)).toEqual(listed[0]);
    expect(await client.runs.join(threadId, listed[0]!.run_id)).toEqual({ count: 2 });

    const running = await startRunning(threadId, "slow", { input: {}, config: slow(5_000) });
    expect((await rejection(client.runs.delete(threadId, running.run_id))).status).toBe(409);
    await client.runs.cancel(threadId, running.run_id, true);
    await client.runs.delete(threadId, running.run_id);
    expect((await rejection(client.runs.get(threadId, running.run_id))).status).toBe(404);
    await client.runs.delete(threadId, listed[1]!.run_id);
    expect((await client.runs.list(threadId)).map((r) => r.run_id)).toEqual([listed[0]!.run_id]);
  });
});

describe("on_disconnect", () => {
  it('"cancel": the client aborting the stream ends the run interrupted', async () => {
    const threadId = await newThread();
    let runId = "";
    const abort = new AbortController();
    const stream = client.runs.stream(threadId, "slow", {
      input: {},
      config: slow(300),
      streamMode: "updates",
      onDisconnect: "cancel",
      signal: abort.signal,
      onRunCreated: (m) => (runId = m.run_id),
    });
    await readUntil(stream, (p) => p.event === "updates", abort);
    await client.runs.join(threadId, runId);
    expect((await client.runs.get(threadId, runId)).status).toBe("interrupted");
    const steps = (await stateOf(threadId)).values.steps as string[];
    expect(steps.length).toBeLessThan(STEPS.length);
  });

  it('"continue": the run finishes after the client left', async () => {
    const threadId = await newThread();
    let runId = "";
    const abort = new AbortController();
    const stream = client.runs.stream(threadId, "slow", {
      input: {},
      config: slow(100),
      streamMode: "updates",
      onDisconnect: "continue",
      signal: abort.signal,
      onRunCreated: (m) => (runId = m.run_id),
    });
    await readUntil(stream, (p) => p.event === "updates", abort);
    expect(await client.runs.join(threadId, runId)).toEqual({ steps: STEPS });
    expect((await client.runs.get(threadId, runId)).status).toBe("success");
  });
});

describe("the SDK reconnects when the connection drops mid-run", () => {
  it("resumes through Location and Last-Event-ID: every event exactly once, as a join from -1 gives them", async () => {
    const proxy = await startProxy(Number(new URL(server.url).port));
    try {
      const viaProxy = sdk(key, { url: proxy.url });
      const threadId = await newThread();
      let runId = "";
      const parts: Part[] = [];
      const stream = viaProxy.runs.stream(threadId, "slow", {
        input: {},
        config: slow(300),
        streamMode: ["values", "updates"],
        onRunCreated: (m) => (runId = m.run_id),
      });
      for await (const part of stream) {
        parts.push(part as Part);
        if (parts.length === 3) proxy.dropAll();
      }
      const joined = await collect(client.runs.joinStream(threadId, runId, { lastEventId: "-1" }));
      expect(joined.length).toBe(SLOW_EVENTS);
      expect(parts).toEqual(joined);
      expect(parts.map((p) => p.id)).toEqual(joined.map((_, i) => String(i + 1)));
      // the SDK came back on a new connection, to the run's stream, after the last event it had
      const resumed = proxy.heads.filter((h) => h.startsWith(`GET /api/langgraph/threads/${threadId}/runs/${runId}/stream`));
      expect(resumed).toHaveLength(1);
      expect(resumed[0]).toMatch(/\r\nlast-event-id: 3\r\n/i);
      expect((await client.runs.get(threadId, runId)).status).toBe("success");
    } finally {
      await proxy.close();
    }
  });
});

describe("durability", () => {
  /** The checkpoints a run on a fresh thread left, and its final values. */
  async function checkpointsOf(options: Record<string, unknown>): Promise<{ count: number; values: unknown }> {
    const threadId = await newThread();
    await client.runs.wait(threadId, "slow", { input: {}, config: slow(0), ...options });
    const history = await client.threads.getHistory(threadId, { limit: 100 });
    return { count: history.length, values: (await stateOf(threadId)).values };
  }

  it('"exit" saves the run\'s checkpoints only when the graph exits; "sync" and the default save each step; checkpointDuring false is "exit"', async () => {
    const stepwise = await checkpointsOf({});
    const sync = await checkpointsOf({ durability: "sync" });
    const exit = await checkpointsOf({ durability: "exit" });
    const older = await checkpointsOf({ checkpointDuring: false });
    // one per step of the five, and the input's
    expect(stepwise.count).toBeGreaterThanOrEqual(STEPS.length + 1);
    expect(sync.count).toBe(stepwise.count);
    expect(exit.count).toBeLessThan(stepwise.count);
    expect(older.count).toBe(exit.count);
    // the same end state, however it was saved
    for (const run of [sync, exit, older]) expect(run.values).toEqual(stepwise.values);
    // the run keeps what it was asked
    const threadId = await newThread();
    const run = await client.runs.create(threadId, "trivial", { input: {}, durability: "exit" });
    const stored = (await client.runs.get(threadId, run.run_id)) as unknown as { kwargs: Record<string, unknown> };
    expect(stored.kwargs).toMatchObject({ durability: "exit" });
  });

  it("an unknown durability is refused with 422 naming the field, and nothing is created", async () => {
    const threadId = await newThread();
    const refused = await rejection(client.runs.create(threadId, "trivial", { input: {}, durability: "never" as "exit" }));
    expect(refused.status).toBe(422);
    expect(refused.text).toContain("body.durability");
    expect(await client.runs.list(threadId)).toEqual([]);
  });
});

describe("errors", () => {
  it("422 for malformed JSON, a wrong type, an unknown field: the detail names the field", async () => {
    const threadId = await newThread();
    const post = (body: string) => fetch(`${apiUrl}/threads/${threadId}/runs`, { method: "POST", headers: headers(), body });

    const malformed = await post("{ not json");
    expect(malformed.status).toBe(422);
    expect(((await malformed.json()) as { detail: string }).detail).toMatch(/malformed JSON/);

    const wrongType = await post(JSON.stringify({ assistant_id: 5 }));
    expect(wrongType.status).toBe(422);
    const wrong = (await wrongType.json()) as { detail: string; errors: { field: string }[] };
    expect(wrong.detail).toContain("body.assistant_id");
    expect(wrong.errors.map((e) => e.field)).toEqual(["body.assistant_id"]);

    const unknown = await post(JSON.stringify({ assistant_id: "trivial", stream_modes: ["values"] }));
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { detail: string }).detail).toContain("body.stream_modes");

    const badMode = await rejection(client.runs.create(threadId, "trivial", { streamMode: ["nope" as "values"] }));
    expect(badMode.status).toBe(422);
    expect(badMode.text).toContain("body.stream_mode");
    // nothing was created
    expect(await client.runs.list(threadId)).toEqual([]);
  });

  it("404 for an unknown thread or run, and for another user's run", async () => {
    const threadId = await newThread();
    expect((await rejection(client.runs.create(randomUUID(), "trivial", { input: {} }))).status).toBe(404);
    expect((await rejection(client.runs.get(threadId, randomUUID()))).status).toBe(404);
    expect((await rejection(client.runs.join(threadId, randomUUID()))).status).toBe(404);
    expect((await rejection(client.runs.cancel(threadId, randomUUID()))).status).toBe(404);
    expect((await rejection(collect(client.runs.joinStream(threadId, randomUUID())))).status).toBe(404);

    await client.runs.wait(threadId, "trivial", { input: {} });
    const [run] = await client.runs.list(threadId);
    for (const attempt of [
      () => other.runs.get(threadId, run!.run_id),
      () => other.runs.join(threadId, run!.run_id),
      () => other.runs.cancel(threadId, run!.run_id),
      () => other.runs.delete(threadId, run!.run_id),
      () => other.runs.list(threadId),
      () => other.runs.create(threadId, "trivial", { input: {} }),
      () => collect(other.runs.joinStream(threadId, run!.run_id, { lastEventId: "-1" })),
    ]) {
      expect((await rejection(attempt())).status).toBe(404);
    }
    expect((await client.runs.get(threadId, run!.run_id)).status).toBe("success");
  });

  it("401 without a key or with a bad one, as x-api-key or Authorization: Bearer", async () => {
    const threadId = await newThread();
    const url = `${apiUrl}/threads/${threadId}/runs`;
    const get = (h: Record<string, string>) => fetch(url, { headers: h });
    expect((await get({})).status).toBe(401);
    expect((await get({ "x-api-key": "lgrs_not-a-key" })).status).toBe(401);
    expect((await get({ authorization: "Bearer lgrs_not-a-key" })).status).toBe(401);
    expect((await get({ authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await get({ "x-api-key": key })).status).toBe(200);
    const unauthorized = await get({});
    expect(((await unauthorized.json()) as { detail: string }).detail).toMatch(/API key/);
    expect((await rejection(sdk("lgrs_not-a-key").runs.list(threadId))).status).toBe(401);
  });
});

describe("the server", () => {
  it("logged no internal error while serving all of the above", () => {
    expect(server.output()).not.toMatch(/langgraph-api: (GET|POST|PUT|PATCH|DELETE) /);
  });
});
