/**
 * Fuzzing of every tRPC procedure, on SQLite and PostgreSQL: a valid input per
 * procedure, changed one field at a time to a hostile value and sent as the
 * client sends it (superjson: GET `?input=` for queries and subscriptions, a POST
 * body for mutations). Whatever comes in, the answer is never a 5xx, an error is
 * tRPC's JSON envelope with a message, a code and the HTTP status, no answer
 * carries Prisma's words, and the server still answers its health check at the
 * end. The procedures are read from the router, so a new one fails here until it
 * has an input below.
 */
import { randomUUID } from "node:crypto";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../src/router.ts";
import {
  BadDate,
  Deep,
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
  toJson,
  ViolationLog,
  type Mutation,
} from "./support/fuzz.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

/** The resources the valid inputs name, made once per database. */
interface Fixture {
  assistantId: string;
  threadId: string;
  runId: string;
  checkpointId: string;
  /** a paused cron (it never fires during the test) */
  cronId: string;
}

const DAY = 86_400_000;

/**
 * One valid input per procedure (undefined: it takes none). Deleting procedures
 * name ids nobody has, so the fixture (and the caller's own API key) survive them.
 */
const INPUTS: Record<string, (f: Fixture) => unknown> = {
  "account.me": () => undefined,

  "testing.resetData": () => ({}),
  "account.createApiKey": () => ({ name: "fuzz", expiresAt: new Date(Date.now() + DAY) }),
  "account.listApiKeys": () => ({ limit: 10, cursor: null }),
  "account.owners": () => ({ limit: 10 }),
  "account.revokeApiKey": () => ({ keyId: randomUUID() }),

  "assistants.list": () => ({ graphId: "trivial", metadata: { k: "v" }, limit: 10 }),
  "assistants.search": () => ({
    graphId: "trivial",
    metadata: { k: "v" },
    name: "fu",
    sortBy: "name",
    sortOrder: "asc",
    offset: 0,
    limit: 10,
  }),
  "assistants.count": () => ({ graphId: "trivial", metadata: { k: "v" }, name: "fu" }),
  "assistants.get": (f) => ({ assistantId: f.assistantId }),
  "assistants.create": () => ({
    graphId: "trivial",
    name: "fuzz",
    description: "d",
    config: { tags: ["a"], configurable: { x: 1 } },
    context: {},
    metadata: { k: "v" },
    ifExists: "raise",
  }),
  "assistants.update": (f) => ({
    assistantId: f.assistantId,
    name: "fuzz2",
    description: null,
    metadata: { k: "v" },
    config: { tags: ["b"] },
  }),
  "assistants.delete": () => ({ assistantId: randomUUID(), deleteThreads: false }),
  "assistants.versions": (f) => ({ assistantId: f.assistantId, metadata: { k: "v" }, offset: 0, limit: 5 }),
  "assistants.setLatest": (f) => ({ assistantId: f.assistantId, version: 1 }),

  "crons.list": (f) => ({
    assistantId: "trivial",
    threadId: f.threadId,
    enabled: false,
    metadata: { k: "v" },
    sortBy: "nextRunAt",
    sortOrder: "asc",
    offset: 0,
    limit: 10,
  }),
  "crons.get": (f) => ({ cronId: f.cronId }),
  "crons.create": (f) => ({
    assistantId: "trivial",
    threadId: f.threadId,
    schedule: "0 9 * * 1-5",
    timezone: "Europe/Paris",
    endTime: new Date(Date.now() + 365 * DAY),
    enabled: false,
    metadata: { k: "v" },
    payload: { input: { count: 1 }, config: { tags: ["a"] }, streamMode: ["values"], multitaskStrategy: "enqueue", onCompletion: "keep" },
  }),
  "crons.update": (f) => ({
    cronId: f.cronId,
    schedule: "15 4 * * *",
    timezone: null,
    endTime: null,
    enabled: false,
    metadata: { k: "v" },
    payload: { input: { count: 2 } },
  }),
  "crons.pause": (f) => ({ cronId: f.cronId, paused: true }),
  "crons.delete": () => ({ cronId: randomUUID() }),

  "feedback.create": (f) => ({ runId: f.runId, key: "k", score: 1, value: { a: 1 }, comment: "c" }),
  "feedback.list": (f) => ({ runId: f.runId, limit: 10, cursor: null }),
  "feedback.delete": () => ({ feedbackId: randomUUID() }),
  "feedback.summary": () => ({ assistantId: "trivial", from: new Date(Date.now() - DAY), to: new Date() }),

  "runs.create": (f) => ({
    threadId: f.threadId,
    assistantId: "trivial",
    input: { count: 1 },
    metadata: { k: "v" },
    config: { tags: ["a"] },
    multitaskStrategy: "enqueue",
    streamMode: ["values"],
    afterSeconds: 0,
  }),
  "runs.get": (f) => ({ runId: f.runId }),
  "runs.list": (f) => ({
    threadId: f.threadId,
    assistantId: "trivial",
    status: "success",
    createdAfter: new Date(Date.now() - DAY),
    createdBefore: new Date(Date.now() + DAY),
    metadata: { k: "v" },
    ownerId: "someone",
    text: "hello",
    limit: 10,
  }),
  "runs.join": (f) => ({ runId: f.runId, onDisconnect: "continue" }),
  "runs.cancel": (f) => ({ runId: f.runId, action: "interrupt", wait: false }),
  "runs.cancelMany": (f) => ({ runIds: [f.runId], action: "interrupt" }),
  "runs.delete": () => ({ runId: randomUUID() }),
  "runs.stream": (f) => ({ runId: f.runId, lastEventId: null, streamMode: ["values"], onDisconnect: "continue" }),
  "runs.watch": () => undefined,
  "runs.trace": (f) => ({ runId: f.runId }),

  "threads.create": () => ({ metadata: { k: "v" }, ifExists: "raise", ttl: { strategy: "delete", minutes: 60 } }),
  "threads.get": (f) => ({ threadId: f.threadId }),
  "threads.list": () => ({ status: "idle", metadata: { k: "v" }, values: { count: 1 }, ownerId: "someone", text: "hello", limit: 10 }),
  "threads.search": (f) => ({
    ids: [f.threadId],
    status: "idle",
    metadata: { k: "v" },
    values: { count: 1 },
    sortBy: "createdAt",
    sortOrder: "desc",
    offset: 0,
    limit: 10,
  }),
  "threads.count": (f) => ({ ids: [f.threadId], status: "idle", metadata: { k: "v" }, values: { count: 1 } }),
  "threads.update": (f) => ({ threadId: f.threadId, metadata: { k: "v" }, ttl: { strategy: "keep_latest", minutes: 60 } }),
  "threads.patchState": (f) => ({ threadId: f.threadId, metadata: { k: "v" }, checkpointId: f.checkpointId }),
  "threads.prune": () => ({ threadIds: [randomUUID()], strategy: "keep_latest" }),
  "threads.stream": (f) => ({ threadId: f.threadId, lastEventId: "-1", streamMode: ["lifecycle", "state_update"] }),
  "threads.delete": () => ({ threadId: randomUUID() }),
  "threads.copy": (f) => ({ threadId: f.threadId }),
  "threads.state": (f) => ({ threadId: f.threadId, checkpointId: f.checkpointId, subgraphs: false }),
  "threads.history": (f) => ({ threadId: f.threadId, cursor: f.checkpointId, limit: 5 }),
  "threads.updateState": (f) => ({ threadId: f.threadId, values: { count: 1 }, asNode: "increment", checkpointId: f.checkpointId }),

  "graphs.status": () => undefined,
  "graphs.reload": () => undefined,
  "usage.byRun": (f) => ({ runId: f.runId }),
  "usage.byThread": (f) => ({ threadId: f.threadId }),
  "usage.summary": () => ({ from: new Date(Date.now() - DAY), to: new Date(), bucket: "hour", groupBy: "model" }),
  "usage.top": () => ({ by: "thread", from: new Date(Date.now() - DAY), to: new Date(), limit: 10 }),
};

type ProcedureType = "query" | "mutation" | "subscription";

/** Every procedure of the router with its type. */
function procedures(): [string, ProcedureType][] {
  const all = appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureType } }>;
  return Object.entries(all)
    .map(([path, p]) => [path, p._def.type] as [string, ProcedureType])
    .sort(([a], [b]) => a.localeCompare(b));
}

/**
 * The input as superjson sends it: `{ json, meta }`, each Date (or a BadDate, a
 * date string that is not one) listed in meta so the server revives it as a Date.
 */
function superjsonText(input: unknown): string {
  const dates: Record<string, ["Date"]> = {};
  let rootDate = false;
  const walk = (value: unknown, path: string[]) => {
    if (value instanceof Date || value instanceof BadDate) {
      if (path.length === 0) rootDate = true;
      else dates[path.map((p) => p.replace(/\./g, "\\.")).join(".")] = ["Date"];
      return;
    }
    if (value === null || typeof value !== "object" || value instanceof Deep || path.length > 4) return;
    if (Array.isArray(value)) value.slice(0, 5).forEach((v, i) => walk(v, [...path, String(i)]));
    else for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(input, []);
  const meta = rootDate ? { values: ["Date"] } : Object.keys(dates).length > 0 ? { values: dates } : undefined;
  return toJson(meta ? { json: input ?? null, meta } : { json: input ?? null }) ?? "{}";
}

/** tRPC's error envelope (superjson puts it under `json`): its message when it has a code and status too. */
function envelopeMessage(status: number) {
  return (body: unknown): unknown => {
    const error = (body as { error?: { json?: unknown } }).error;
    const shape = (error?.json ?? error) as { message?: unknown; data?: { code?: unknown; httpStatus?: unknown } } | undefined;
    if (typeof shape?.data?.code !== "string" || shape.data.httpStatus !== status) return undefined;
    return shape.message;
  };
}

/** The errors a subscription's event stream carries (`event: serialized-error`), as their statuses and messages. */
function streamErrors(text: string): { status: unknown; message: unknown }[] {
  const out: { status: unknown; message: unknown }[] = [];
  for (const block of text.split("\n\n")) {
    if (!/^event: serialized-error/m.test(block)) continue;
    const data = block.match(/^data: (.*)$/m)?.[1] ?? "null";
    try {
      const parsed = JSON.parse(data) as { json?: { message?: unknown; data?: { httpStatus?: unknown } } } | null;
      const shape = parsed?.json ?? (parsed as { message?: unknown; data?: { httpStatus?: unknown } } | null);
      out.push({ status: shape?.data?.httpStatus, message: shape?.message });
    } catch {
      out.push({ status: undefined, message: undefined });
    }
  }
  return out;
}

const seed = fuzzSeed("fuzz-trpc");
const PROCEDURES = procedures();

it("every tRPC procedure has an input to fuzz, and every input a procedure", () => {
  const names = PROCEDURES.map(([path]) => path);
  expect(
    names.filter((p) => !(p in INPUTS)),
    "procedures without an input in INPUTS",
  ).toEqual([]);
  expect(
    Object.keys(INPUTS).filter((p) => !names.includes(p)),
    "inputs for procedures the router does not have",
  ).toEqual([]);
});

describe.each(testTargets)("tRPC fuzz on $provider", (target) => {
  let server: TestServer;
  let key: string;
  let fixture: Fixture;
  const all = new ViolationLog();

  beforeAll(async () => {
    server = await startTestServer({ target });
    const user = await server.user();
    key = user.key;
    const api = user.client;
    const assistant = await api.assistants.create.mutate({ graphId: "trivial", name: "fuzz", metadata: { k: "v" } });
    const thread = await api.threads.create.mutate({ metadata: { k: "v" } });
    const run = await api.runs.create.mutate({ threadId: thread.id, assistantId: "trivial", input: { count: 1 } });
    await api.runs.join.query({ runId: run.id });
    const state = await api.threads.state.query({ threadId: thread.id });
    await api.feedback.create.mutate({ runId: run.id, key: "k", score: 1 });
    const cron = await api.crons.create.mutate({ assistantId: "trivial", schedule: "0 0 1 1 *", enabled: false });
    fixture = {
      assistantId: assistant.id,
      threadId: thread.id,
      runId: run.id,
      checkpointId: state.checkpoint!.checkpointId,
      cronId: cron.id,
    };
  }, 120_000);

  afterAll(async () => {
    if (all.size > 0) console.log(`tRPC fuzz on ${target.provider}:\n${all.report(seed)}`);
    await server?.stop();
  });

  /** The HTTP request the client would make for this input (the mutation's `body` is the input). */
  function request(path: string, type: ProcedureType, input: unknown, m: Mutation | null) {
    const headers: Record<string, string> = { "x-api-key": key };
    const url = `${server.url}/api/trpc/${path}`;
    const text = m?.kind === "raw-body" ? m.raw! : superjsonText(input);
    if (type === "mutation") return { method: "POST", url, headers: { ...headers, "content-type": "application/json" }, body: text };
    if (type === "subscription") headers.accept = "text/event-stream";
    return { method: "GET", url: `${url}?input=${encodeComponent(text)}`, headers };
  }

  for (const [path, type] of PROCEDURES) {
    it(`${path} (${type}): no 5xx, every error in tRPC's envelope with a message`, async () => {
      const make = INPUTS[path];
      expect(make, `no input for ${path}`).toBeDefined();
      const valid = make!(fixture);
      // the input is the request's body as far as mutations go: its fields are the places
      const cases = sampleMutations(mutations(placesOf("body", valid ?? {}), { hasBody: true, hasQuery: false }), seed ^ hashName(path));
      const found = new ViolationLog();
      for (const m of [null, ...cases]) {
        const input = m && m.kind !== "raw-body" ? mutate(valid ?? {}, m.place.keys, m) : valid;
        const answer = await probe(request(path, type, input, m), server.output, { bodyMs: type === "subscription" ? 1_500 : 15_000 });
        const problems: string[] = [];
        if (answer.status === 0) problems.push(answer.text);
        else if (answer.status >= 500) problems.push(`server error: ${short(answer.text)}`);
        else if (answer.status >= 400) {
          const problem = errorBodyProblem(answer.contentType, answer.text, envelopeMessage(answer.status));
          if (problem) problems.push(problem);
        } else if (!m && answer.status >= 300) problems.push(`the valid input was answered ${answer.status}`);
        for (const e of streamErrors(answer.text)) {
          if (typeof e.status === "number" && e.status >= 500) problems.push(`server error in the event stream: ${short(e.message)}`);
          else if (typeof e.message !== "string" || e.message === "") problems.push("an error event without a message");
        }
        if (PRISMA_TEXT.test(answer.text)) problems.push(`Prisma text in the answer: ${short(answer.text.match(PRISMA_TEXT)?.[0])}`);
        for (const problem of problems) {
          const v = {
            endpoint: path,
            input: m ? describeMutation(m).replace(/^body/, "input") : "the valid input",
            status: answer.status,
            problem,
            log: answer.log,
          };
          found.add(v);
          all.add(v);
        }
      }
      expect(found.size, found.report(seed)).toBe(0);
    }, 120_000);
  }

  it("the server still answers its health check and the caller's own calls", async () => {
    const health = await fetch(`${server.url}/api/health`).catch((err: unknown) => {
      throw new Error(`the server does not answer (${String(err)}); its last output:\n${server.output().slice(-3_000)}`);
    });
    expect(health.status).toBe(200);
    const me = await fetch(`${server.url}/api/trpc/account.me`, { headers: { "x-api-key": key } });
    expect(me.status, await me.text()).toBe(200);
    const thread = await fetch(
      `${server.url}/api/trpc/threads.get?input=${encodeURIComponent(JSON.stringify({ json: { threadId: fixture.threadId } }))}`,
      {
        headers: { "x-api-key": key },
      },
    );
    // the fuzzed updates left the thread's metadata as they made it: it must still be readable
    expect(thread.status, await thread.text()).toBe(200);
  });
});
