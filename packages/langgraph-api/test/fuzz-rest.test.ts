/**
 * Fuzzing of every LangGraph REST endpoint, on SQLite and PostgreSQL: a valid
 * request per endpoint, changed one field at a time (body, query and path) to a
 * hostile value. Whatever comes in, the answer is never a 5xx, an error is JSON
 * with a `detail`, no answer carries Prisma's words, and the server still answers
 * its health check at the end. The endpoints are read from the Hono app, so a new
 * one fails here until it has a request below.
 */
import { randomUUID } from "node:crypto";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  asText,
  describeMutation,
  encodeComponent,
  errorBodyProblem,
  fuzzSeed,
  hashName,
  mutate,
  mutations,
  PRISMA_TEXT,
  placesOf,
  probe,
  sampleMutations,
  short,
  ViolationLog,
  toJson,
  type Mutation,
} from "../../api/test/support/fuzz.ts";
import { startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { createLanggraphApp, LANGGRAPH_BASE_PATH } from "../src/app.ts";

/** The resources the valid requests name, made once per database. */
interface Fixture {
  assistantId: string;
  threadId: string;
  runId: string;
  checkpointId: string;
  /** a paused cron (it never fires during the test) */
  cronId: string;
}

/** A valid request: path parameters, query and (JSON) body. */
interface Template {
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
}

const runBody = { assistant_id: "trivial", input: { count: 1 }, metadata: { fuzz: true }, config: { tags: ["fuzz"] } };

/**
 * One valid request per endpoint, keyed `METHOD /path` as the app declares it.
 * Deleting endpoints name ids nobody has, so the fixture survives them.
 */
const TEMPLATES: Record<string, (f: Fixture) => Template> = {
  "GET /ok": () => ({}),
  "GET /info": () => ({}),
  "POST /admin/graphs/reload": () => ({}),

  "POST /assistants": () => ({
    body: {
      graph_id: "trivial",
      name: "fuzz",
      description: "d",
      metadata: { k: "v" },
      config: { tags: ["a"] },
      context: {},
      if_exists: "do_nothing",
    },
  }),
  "POST /assistants/search": () => ({
    body: {
      graph_id: "trivial",
      metadata: { k: "v" },
      name: "fu",
      limit: 10,
      offset: 0,
      sort_by: "name",
      sort_order: "asc",
      select: ["assistant_id"],
    },
  }),
  "POST /assistants/count": () => ({ body: { graph_id: "trivial", metadata: { k: "v" }, name: "fu" } }),
  "GET /assistants/:assistant_id": (f) => ({ params: { assistant_id: f.assistantId } }),
  "PATCH /assistants/:assistant_id": (f) => ({
    params: { assistant_id: f.assistantId },
    body: { name: "fuzz2", description: "d2", metadata: { k: "v" }, config: { tags: ["b"] }, context: {} },
  }),
  "DELETE /assistants/:assistant_id": () => ({ params: { assistant_id: randomUUID() }, query: { delete_threads: "false" } }),
  "GET /assistants/:assistant_id/graph": (f) => ({ params: { assistant_id: f.assistantId }, query: { xray: "true" } }),
  "GET /assistants/:assistant_id/schemas": (f) => ({ params: { assistant_id: f.assistantId } }),
  "GET /assistants/:assistant_id/subgraphs": (f) => ({ params: { assistant_id: f.assistantId }, query: { recurse: "true" } }),
  "GET /assistants/:assistant_id/subgraphs/:namespace": (f) => ({
    params: { assistant_id: f.assistantId, namespace: "child" },
    query: { recurse: "false" },
  }),
  "POST /assistants/:assistant_id/versions": (f) => ({
    params: { assistant_id: f.assistantId },
    body: { metadata: { k: "v" }, limit: 5, offset: 0 },
  }),
  "POST /assistants/:assistant_id/latest": (f) => ({ params: { assistant_id: f.assistantId }, body: { version: 1 } }),

  "POST /threads": () => ({ body: { metadata: { k: "v" }, if_exists: "do_nothing", ttl: { ttl: 5, strategy: "delete" } } }),
  "POST /threads/search": (f) => ({
    body: {
      metadata: { k: "v" },
      values: { count: 1 },
      status: "idle",
      ids: [f.threadId],
      limit: 10,
      offset: 0,
      sort_by: "created_at",
      sort_order: "desc",
      select: ["thread_id"],
    },
  }),
  "POST /threads/prune": () => ({ body: { thread_ids: [randomUUID()], strategy: "keep_latest" } }),
  "POST /threads/count": () => ({ body: { metadata: { k: "v" }, values: { count: 1 }, status: "idle" } }),
  "GET /threads/:thread_id": (f) => ({ params: { thread_id: f.threadId }, query: { include: "ttl" } }),
  "PATCH /threads/:thread_id": (f) => ({ params: { thread_id: f.threadId }, body: { metadata: { k: "v" }, ttl: 5 } }),
  "DELETE /threads/:thread_id": () => ({ params: { thread_id: randomUUID() } }),
  "POST /threads/:thread_id/copy": (f) => ({ params: { thread_id: f.threadId }, body: {} }),
  "GET /threads/:thread_id/state": (f) => ({ params: { thread_id: f.threadId }, query: { subgraphs: "true", select: "values" } }),
  "POST /threads/:thread_id/state": (f) => ({
    params: { thread_id: f.threadId },
    body: { values: { count: 1 }, as_node: "increment", checkpoint: { checkpoint_id: f.checkpointId, checkpoint_ns: "" } },
  }),
  "PATCH /threads/:thread_id/state": (f) => ({
    params: { thread_id: f.threadId },
    body: { metadata: { k: "v" }, checkpoint_id: f.checkpointId },
  }),
  "GET /threads/:thread_id/stream": (f) => ({ params: { thread_id: f.threadId }, query: { stream_mode: "lifecycle" } }),
  "POST /threads/:thread_id/state/checkpoint": (f) => ({
    params: { thread_id: f.threadId },
    body: { checkpoint: { checkpoint_id: f.checkpointId, checkpoint_ns: "" }, subgraphs: false, select: ["values"] },
  }),
  "GET /threads/:thread_id/state/:checkpoint_id": (f) => ({
    params: { thread_id: f.threadId, checkpoint_id: f.checkpointId },
    query: { subgraphs: "false" },
  }),
  "GET /threads/:thread_id/history": (f) => ({ params: { thread_id: f.threadId }, query: { limit: "5", before: f.checkpointId } }),
  "POST /threads/:thread_id/history": (f) => ({
    params: { thread_id: f.threadId },
    body: { limit: 5, before: { configurable: { checkpoint_id: f.checkpointId } }, metadata: { source: "loop" }, select: ["values"] },
  }),

  "POST /threads/:thread_id/runs": (f) => ({ params: { thread_id: f.threadId }, body: { ...runBody, multitask_strategy: "enqueue" } }),
  "POST /threads/:thread_id/runs/stream": (f) => ({
    params: { thread_id: f.threadId },
    body: { ...runBody, stream_mode: ["values", "updates"], multitask_strategy: "enqueue" },
  }),
  "POST /threads/:thread_id/runs/wait": (f) => ({ params: { thread_id: f.threadId }, body: { ...runBody, multitask_strategy: "enqueue" } }),
  "POST /runs": () => ({ body: { ...runBody, on_completion: "delete", after_seconds: 0 } }),
  "POST /runs/stream": () => ({ body: { ...runBody, stream_mode: "values" } }),
  "POST /threads/:thread_id/commands": (f) => ({
    params: { thread_id: f.threadId },
    body: {
      id: 1,
      method: "run.start",
      params: { assistant_id: "trivial", input: { count: 1 }, metadata: { fuzz: true }, multitask_strategy: "enqueue" },
    },
  }),
  "POST /threads/:thread_id/stream/events": (f) => ({
    params: { thread_id: f.threadId },
    body: { channels: ["values", "lifecycle"], namespaces: [["a"]], depth: 1, since: 0 },
  }),

  "POST /runs/wait": () => ({ body: { ...runBody, interrupt_before: ["increment"] } }),
  "POST /runs/batch": () => ({ body: [runBody, { ...runBody, input: { count: 2 } }] }),
  "POST /runs/cancel": (f) => ({ query: { action: "interrupt" }, body: { run_ids: [f.runId] } }),
  "GET /threads/:thread_id/runs": (f) => ({ params: { thread_id: f.threadId }, query: { limit: "10", offset: "0", status: "success" } }),
  "GET /threads/:thread_id/runs/:run_id": (f) => ({ params: { thread_id: f.threadId, run_id: f.runId } }),
  "DELETE /threads/:thread_id/runs/:run_id": (f) => ({ params: { thread_id: f.threadId, run_id: randomUUID() } }),
  "GET /threads/:thread_id/runs/:run_id/join": (f) => ({
    params: { thread_id: f.threadId, run_id: f.runId },
    query: { cancel_on_disconnect: "false" },
  }),
  "GET /threads/:thread_id/runs/:run_id/stream": (f) => ({
    params: { thread_id: f.threadId, run_id: f.runId },
    query: { stream_mode: "values", cancel_on_disconnect: "0" },
  }),
  "GET /runs/:run_id/stream": (f) => ({ params: { run_id: f.runId }, query: { stream_mode: "values", cancel_on_disconnect: "0" } }),
  "POST /threads/:thread_id/runs/:run_id/stream": (f) => ({
    params: { thread_id: f.threadId, run_id: f.runId },
    query: { action: "interrupt" },
  }),
  "POST /threads/:thread_id/runs/:run_id/cancel": (f) => ({
    params: { thread_id: f.threadId, run_id: f.runId },
    query: { wait: "false", action: "interrupt", reason: "fuzz" },
  }),

  // MCP and A2A speak JSON-RPC: the fuzzed fields are the envelope's and the method's params
  "POST /mcp": () => ({ body: { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "trivial", arguments: { count: 1 } } } }),
  "GET /mcp": () => ({}),
  "DELETE /mcp": () => ({}),
  "POST /a2a/:assistant_id": (f) => ({
    params: { assistant_id: f.assistantId },
    body: {
      jsonrpc: "2.0",
      id: 1,
      method: "message/send",
      params: {
        message: { kind: "message", role: "user", messageId: "m-1", contextId: f.threadId, parts: [{ kind: "data", data: { count: 1 } }] },
        configuration: { blocking: true },
      },
    },
  }),
  "GET /.well-known/agent-card.json": (f) => ({ query: { assistant_id: f.assistantId } }),
  "POST /runs/crons": () => ({
    body: {
      ...runBody,
      schedule: "0 9 * * 1-5",
      timezone: "Europe/Paris",
      end_time: "2099-01-01T00:00:00Z",
      on_run_completed: "keep",
      stream_mode: ["values"],
      enabled: false,
    },
  }),
  "POST /threads/:thread_id/runs/crons": (f) => ({
    params: { thread_id: f.threadId },
    body: { ...runBody, schedule: "30 6 1 * *", multitask_strategy: "enqueue", webhook: "https://example.com/hook", enabled: false },
  }),
  "POST /runs/crons/search": (f) => ({
    body: {
      assistant_id: "trivial",
      thread_id: f.threadId,
      enabled: false,
      metadata: { fuzz: true },
      limit: 10,
      offset: 0,
      sort_by: "next_run_date",
      sort_order: "asc",
      select: ["cron_id", "schedule"],
    },
  }),
  "POST /runs/crons/count": (f) => ({ body: { assistant_id: f.assistantId, thread_id: f.threadId, metadata: { fuzz: true } } }),
  "PATCH /runs/crons/:cron_id": (f) => ({
    params: { cron_id: f.cronId },
    body: {
      schedule: "15 4 * * *",
      timezone: "America/New_York",
      end_time: null,
      enabled: false,
      metadata: { k: "v" },
      input: { count: 2 },
    },
  }),
  "DELETE /runs/crons/:cron_id": () => ({ params: { cron_id: randomUUID() } }),

  "PUT /store/items": () => ({ body: { namespace: ["fuzz", "ns"], key: "item", value: { a: 1 }, index: false, ttl: 5 } }),
  "GET /store/items": () => ({ query: { namespace: "fuzz.ns", key: "item", refresh_ttl: "false" } }),
  "DELETE /store/items": () => ({ body: { namespace: ["fuzz", "ns"], key: "not-there" } }),
  "POST /store/items/search": () => ({
    body: { namespace_prefix: ["fuzz"], filter: { a: { $gte: 1 } }, limit: 10, offset: 0, query: "a", refresh_ttl: false },
  }),
  "POST /store/namespaces": () => ({ body: { prefix: ["fuzz"], suffix: ["*"], max_depth: 2, limit: 10, offset: 0 } }),
};

/** `METHOD /path` of every endpoint the app serves (its middlewares are registered for ALL methods). */
function endpoints(): string[] {
  const app = createLanggraphApp({} as never);
  const keys = app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path.slice(LANGGRAPH_BASE_PATH.length)}`);
  return [...new Set(keys)].sort();
}

/** Endpoints that answer JSON-RPC: an error is `{ error: { code, message } }`, and a server fault hides in a 200 as code -32603. */
const JSON_RPC = new Set(["POST /mcp", "POST /a2a/:assistant_id"]);

/** What an error answer says: the door's `detail`, or a JSON-RPC error's message. */
function errorMessage(endpoint: string, json: unknown): unknown {
  const { detail, error } = (json ?? {}) as { detail?: unknown; error?: { message?: unknown } };
  return detail ?? (JSON_RPC.has(endpoint) ? error?.message : undefined);
}

function internalRpcError(text: string): boolean {
  try {
    return (JSON.parse(text) as { error?: { code?: unknown } }).error?.code === -32603;
  } catch {
    return false;
  }
}

/** Endpoints whose answer is an event stream or a wait on a run: they may still be going when the read stops. */
const LONG = /\/(stream|wait|join)$/;
/** Endpoints that follow a thread and never end by themselves: their answer is read briefly. */
const FOLLOWING = /(\/stream\/events|^GET \/threads\/:thread_id\/stream)$/;

const seed = fuzzSeed("fuzz-rest");
const ENDPOINTS = endpoints();

it("every REST endpoint has a request to fuzz, and every request an endpoint", () => {
  expect(
    ENDPOINTS.filter((e) => !(e in TEMPLATES)),
    "endpoints without a request in TEMPLATES",
  ).toEqual([]);
  expect(
    Object.keys(TEMPLATES).filter((e) => !ENDPOINTS.includes(e)),
    "requests for endpoints the app does not have",
  ).toEqual([]);
});

describe.each(testTargets)("REST fuzz on $provider", (target) => {
  let server: TestServer;
  let key: string;
  let fixture: Fixture;
  const all = new ViolationLog();

  async function call(method: string, path: string, body?: unknown) {
    const res = await fetch(`${server.url}${LANGGRAPH_BASE_PATH}${path}`, {
      method,
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${await res.text()}`);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  }

  beforeAll(async () => {
    server = await startTestServer({ target });
    ({ key } = await server.user());
    const assistant = await call("POST", "/assistants", { graph_id: "trivial", name: "fuzz", metadata: { k: "v" } });
    const thread = await call("POST", "/threads", { metadata: { k: "v" } });
    const threadId = thread.thread_id as string;
    const run = await call("POST", `/threads/${threadId}/runs`, runBody);
    await call("GET", `/threads/${threadId}/runs/${run.run_id as string}/join`);
    const state = await call("GET", `/threads/${threadId}/state`);
    await call("PUT", "/store/items", { namespace: ["fuzz", "ns"], key: "item", value: { a: 1 } });
    const cron = await call("POST", "/runs/crons", { assistant_id: "trivial", schedule: "0 0 1 1 *", enabled: false });
    fixture = {
      cronId: cron.cron_id as string,
      assistantId: assistant.assistant_id as string,
      threadId,
      runId: run.run_id as string,
      checkpointId: (state.checkpoint as { checkpoint_id: string }).checkpoint_id,
    };
  }, 120_000);

  afterAll(async () => {
    if (all.size > 0) console.log(`REST fuzz on ${target.provider}:\n${all.report(seed)}`);
    await server?.stop();
  });

  /** The request a mutation makes of the endpoint's valid one. */
  function request(endpoint: string, template: Template, m: Mutation | null) {
    const [method, pattern] = endpoint.split(" ") as [string, string];
    let params: Record<string, unknown> = template.params ?? {};
    let q: unknown = template.query ?? {};
    let body: unknown = template.body;
    let raw: string | undefined;
    if (m?.kind === "raw-body") raw = m.raw;
    else if (m?.place.where === "path") params = mutate(params, m.place.keys, m) as Record<string, unknown>;
    else if (m?.place.where === "query") q = mutate(q, m.place.keys, m);
    else if (m?.place.where === "body") body = mutate(body ?? {}, m.place.keys, m);

    const path = pattern.replace(/:(\w+)/g, (_, name: string) => (name in params ? encodeComponent(asText(params[name])) : ""));
    const searchText: string[] = [];
    const entries = q !== null && typeof q === "object" && !Array.isArray(q) ? Object.entries(q) : [["q", q] as const];
    for (const [k, v] of entries) {
      for (const item of Array.isArray(v) ? v : [v]) searchText.push(`${encodeComponent(k)}=${encodeComponent(asText(item))}`);
    }
    const url = `${server.url}${LANGGRAPH_BASE_PATH}${path}${searchText.length ? `?${searchText.join("&")}` : ""}`;
    const payload = raw ?? (body === undefined ? undefined : toJson(body));
    return { method, url, headers: { "x-api-key": key, "content-type": "application/json" }, body: payload };
  }

  for (const endpoint of ENDPOINTS) {
    it(`${endpoint}: no 5xx, every error JSON with a detail`, async () => {
      const make = TEMPLATES[endpoint];
      expect(make, `no request for ${endpoint}`).toBeDefined();
      const template = make!(fixture);
      const method = endpoint.split(" ")[0]!;
      const places = [
        ...placesOf("path", template.params ?? {}),
        ...placesOf("query", template.query ?? {}),
        ...placesOf("body", template.body ?? {}),
      ];
      const cases = sampleMutations(mutations(places, { hasBody: method !== "GET", hasQuery: true }), seed ^ hashName(endpoint));
      const found = new ViolationLog();
      // the valid request first: it must not fail on its own
      for (const m of [null, ...cases]) {
        const p = request(endpoint, template, m);
        const answer = await probe(p, server.output, { bodyMs: FOLLOWING.test(endpoint) ? 200 : LONG.test(endpoint) ? 3_000 : 15_000 });
        const input = m ? describeMutation(m) : "the valid request";
        const problems: string[] = [];
        if (answer.status === 0) problems.push(answer.text);
        else if (answer.status >= 500) problems.push(`server error: ${short(answer.text)}`);
        else if (answer.status >= 400) {
          const problem = errorBodyProblem(answer.contentType, answer.text, (j) => errorMessage(endpoint, j));
          if (problem) problems.push(problem);
        } else if (JSON_RPC.has(endpoint) && internalRpcError(answer.text)) problems.push(`JSON-RPC internal error: ${short(answer.text)}`);
        else if (!m && answer.status >= 300) problems.push(`the valid request was answered ${answer.status}`);
        if (PRISMA_TEXT.test(answer.text)) problems.push(`Prisma text in the answer: ${short(answer.text.match(PRISMA_TEXT)?.[0])}`);
        for (const problem of problems) {
          const v = { endpoint, input, status: answer.status, problem, log: answer.log };
          found.add(v);
          all.add(v);
        }
      }
      expect(found.size, found.report(seed)).toBe(0);
    }, 120_000);
  }

  it("the server still answers its health checks", async () => {
    const ok = await fetch(`${server.url}${LANGGRAPH_BASE_PATH}/ok`).catch((err: unknown) => {
      throw new Error(`the server does not answer (${String(err)}); its last output:\n${server.output().slice(-3_000)}`);
    });
    expect(ok.status).toBe(200);
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    await call("GET", `/threads/${fixture.threadId}`);
  });
});
