/**
 * The same request gives the same outcome through both doors: tRPC (the typed
 * client) and the LangGraph REST API (the official `@langchain/langgraph-sdk`
 * Client), against the real server. Threads, assistants and the store: every rule
 * lives once, in the runtime, so each case is asked of both and compared.
 */
import { randomUUID } from "node:crypto";
import { Client } from "@langchain/langgraph-sdk";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../../packages/api/src/client.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../../../packages/api/test/support/test-server.ts";

let server: TestServer;
/** each user through both doors */
let alice: { trpc: ApiClient; sdk: Client };
let bob: { trpc: ApiClient; sdk: Client };
let admin: { trpc: ApiClient; sdk: Client };
let aliceKey: string;

function sdk(apiKey: string): Client {
  return new Client({ apiUrl: `${server.url}/api/langgraph`, apiKey, callerOptions: { maxRetries: 0 } });
}

beforeAll(async () => {
  server = await startTestServer();
  const [a, b] = await Promise.all([server.user(), server.user()]);
  aliceKey = a.key;
  alice = { trpc: a.client, sdk: sdk(a.key) };
  bob = { trpc: b.client, sdk: sdk(b.key) };
  admin = { trpc: server.admin, sdk: sdk(ADMIN_KEY) };
}, 120_000);
afterAll(() => server?.stop());

type Kind = "not_found" | "conflict" | "invalid" | "other";

/** What a caller notices: the value, or the kind of refusal, the field it names and why. */
type Outcome = { ok: true; value: unknown } | { ok: false; kind: Kind; field?: string; message: string };

const TRPC_KINDS: Record<string, Kind> = { NOT_FOUND: "not_found", CONFLICT: "conflict", BAD_REQUEST: "invalid" };
const HTTP_KINDS: Record<number, Kind> = { 404: "not_found", 409: "conflict", 422: "invalid" };

/** A field named by the REST door (`body.graph_id`, `body.metadata.created_by`) as tRPC names it: the body field renamed, keys within it as they are. */
function camelField(field: string): string {
  const [name = "", ...within] = field.replace(/^body\./, "").split(".");
  return [name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), ...within].join(".");
}

/** The reason without the field name each door puts in front of it. */
function reason(message: string, field: string | undefined): string {
  return field ? message.replace(/^[\w.]+: /, "") : message;
}

async function viaTrpc<T>(call: Promise<T>, map: (value: T) => unknown = (v) => v): Promise<Outcome> {
  try {
    return { ok: true, value: map(await call) };
  } catch (err) {
    if (!(err instanceof TRPCClientError)) throw err;
    const issue = (err.data as { issues?: { path: string }[] | null } | undefined)?.issues?.[0];
    const field = issue?.path;
    return {
      ok: false,
      kind: TRPC_KINDS[err.data?.code as string] ?? "other",
      ...(field ? { field } : {}),
      message: reason(err.message, field),
    };
  }
}

async function viaRest<T>(call: Promise<T>, map: (value: T) => unknown = (v) => v): Promise<Outcome> {
  try {
    return { ok: true, value: map(await call) };
  } catch (err) {
    const e = err as { status?: number; text?: string };
    if (typeof e.status !== "number") throw err;
    const body = JSON.parse(e.text ?? "{}") as { detail: string; errors?: { field: string }[] };
    const field = body.errors?.[0] ? camelField(body.errors[0].field) : undefined;
    return { ok: false, kind: HTTP_KINDS[e.status] ?? "other", ...(field ? { field } : {}), message: reason(body.detail, field) };
  }
}

/** Both doors' outcomes, checked equal; the one outcome returned. */
async function same(trpc: Promise<Outcome>, rest: Promise<Outcome>): Promise<Outcome> {
  const [t, r] = await Promise.all([trpc, rest]);
  expect(t).toEqual(r);
  return t;
}

/** A thread as both doors show it, in the tRPC names. */
const threadOf = (t: { id: string; status: string; metadata: unknown; createdAt: Date }) => ({
  id: t.id,
  status: t.status,
  metadata: t.metadata,
  createdAt: t.createdAt.toISOString(),
});
const wireThread = (t: { thread_id: string; status: string; metadata: unknown; created_at: string }) => ({
  id: t.thread_id,
  status: t.status,
  metadata: t.metadata,
  createdAt: t.created_at,
});

// ---------------------------------------------------------------------------

describe("thread create with ifExists", () => {
  it("a taken id is a conflict; do_nothing gives the caller's own thread, whichever door made it", async () => {
    const viaSdk = randomUUID();
    const viaRpc = randomUUID();
    await alice.sdk.threads.create({ threadId: viaSdk, metadata: { door: "rest" } });
    await alice.trpc.threads.create.mutate({ threadId: viaRpc, metadata: { door: "trpc" } });
    for (const threadId of [viaSdk, viaRpc]) {
      const raised = await same(
        viaTrpc(alice.trpc.threads.create.mutate({ threadId })),
        viaRest(alice.sdk.threads.create({ threadId, ifExists: "raise" })),
      );
      expect(raised).toMatchObject({ ok: false, kind: "conflict" });
      const kept = await same(
        viaTrpc(alice.trpc.threads.create.mutate({ threadId, ifExists: "do_nothing", metadata: { door: "again" } }), threadOf),
        viaRest(alice.sdk.threads.create({ threadId, ifExists: "do_nothing", metadata: { door: "again" } }), wireThread),
      );
      expect(kept).toMatchObject({ ok: true, value: { id: threadId, status: "idle" } });
      expect((kept as { value: { metadata: { door: string } } }).value.metadata.door).not.toBe("again");
    }
  });

  it("another owner's id is a conflict through both doors, with do_nothing too, and shows nothing of the thread", async () => {
    const threadId = randomUUID();
    await alice.trpc.threads.create.mutate({ threadId, metadata: { secret: "alice's" } });
    for (const ifExists of ["raise", "do_nothing"] as const) {
      const outcome = await same(
        viaTrpc(bob.trpc.threads.create.mutate({ threadId, ifExists })),
        viaRest(bob.sdk.threads.create({ threadId, ifExists })),
      );
      expect(outcome).toMatchObject({ ok: false, kind: "conflict" });
      expect(JSON.stringify(outcome)).not.toContain("alice's");
    }
    const hidden = await same(viaTrpc(bob.trpc.threads.get.query({ threadId })), viaRest(bob.sdk.threads.get(threadId)));
    expect(hidden).toMatchObject({ ok: false, kind: "not_found" });
  });
});

describe("thread search and count", () => {
  const tag = randomUUID();
  const made: string[] = [];

  beforeAll(async () => {
    // six threads, made in order; three have run the trivial graph (values { count: 1 }), one is interrupted
    for (const [i, kind] of ["plain", "counted", "plain", "counted", "waiting", "counted"].entries()) {
      const thread = await alice.sdk.threads.create({ metadata: { tag, kind, i } });
      made.push(thread.thread_id);
      if (kind === "counted") await alice.sdk.runs.wait(thread.thread_id, "trivial", { input: {} });
      if (kind === "waiting") await alice.sdk.runs.wait(thread.thread_id, "human", { input: { request: "search" } });
    }
  }, 60_000);

  const ids = (rows: { id: string }[]) => rows.map((t) => t.id);
  const wireIds = (rows: { thread_id: string }[]) => rows.map((t) => t.thread_id);
  const SORTS = [
    ["createdAt", "created_at"],
    ["updatedAt", "updated_at"],
    ["threadId", "thread_id"],
    ["status", "status"],
  ] as const;

  it("finds the same threads, in the same order, from the same offset, for every filter and sort", async () => {
    const filters = [
      { metadata: { tag } },
      { metadata: { tag, kind: "plain" } },
      { metadata: { tag }, values: { count: 1 } },
      { metadata: { tag }, values: { request: "search" } },
      { metadata: { tag }, status: "idle" as const },
      { metadata: { tag }, status: "interrupted" as const },
      { ids: [made[0]!, made[4]!, randomUUID()] },
    ];
    for (const filter of filters) {
      for (const [sortBy, sort_by] of SORTS) {
        for (const sortOrder of ["asc", "desc"] as const) {
          for (const [offset, limit] of [
            [0, 10],
            [1, 2],
            [4, 3],
          ] as const) {
            const outcome = await same(
              viaTrpc(alice.trpc.threads.search.query({ ...filter, sortBy, sortOrder, offset, limit }), (page) => ids(page.items)),
              viaRest(alice.sdk.threads.search({ ...filter, sortBy: sort_by, sortOrder, offset, limit }), wireIds),
            );
            expect(outcome.ok, JSON.stringify({ filter, sortBy, sortOrder, offset })).toBe(true);
          }
        }
      }
    }
    // and they are the threads asked for: oldest first, the second and third
    const page = await alice.trpc.threads.search.query({ metadata: { tag }, sortBy: "createdAt", sortOrder: "asc", offset: 1, limit: 2 });
    expect(ids(page.items)).toEqual(made.slice(1, 3));
    expect(page.hasMore).toBe(true);
    const counted = await alice.trpc.threads.search.query({ metadata: { tag }, values: { count: 1 }, limit: 10 });
    expect(ids(counted.items)).toEqual([made[5], made[3], made[1]]);
  });

  it("counts the same, for the owner, another user and the admin", async () => {
    const cases = [
      { metadata: { tag } },
      { metadata: { tag, kind: "counted" } },
      { metadata: { tag }, values: { count: 1 } },
      { metadata: { tag }, status: "interrupted" as const },
      { metadata: { tag }, values: { count: 2 } },
    ];
    const expected = [6, 3, 3, 1, 0];
    for (const [i, filter] of cases.entries()) {
      expect(await same(viaTrpc(alice.trpc.threads.count.query(filter)), viaRest(alice.sdk.threads.count(filter)))).toEqual({
        ok: true,
        value: expected[i],
      });
    }
    expect(
      await same(viaTrpc(bob.trpc.threads.count.query({ metadata: { tag } })), viaRest(bob.sdk.threads.count({ metadata: { tag } }))),
    ).toEqual({
      ok: true,
      value: 0,
    });
    expect(
      await same(viaTrpc(admin.trpc.threads.count.query({ metadata: { tag } })), viaRest(admin.sdk.threads.count({ metadata: { tag } }))),
    ).toEqual({ ok: true, value: 6 });
  });

  it("refuses the same bad window", async () => {
    // the REST body takes a limit up to 1000 and the tRPC input the same: both refuse 1001, naming it
    const outcome = await same(
      viaTrpc(alice.trpc.threads.search.query({ limit: 1001 })),
      viaRest(alice.sdk.threads.search({ limit: 1001 })),
    );
    expect(outcome).toMatchObject({ ok: false, kind: "invalid", field: "limit" });
  });
});

describe("assistants", () => {
  it("a default assistant cannot be changed or deleted, by id or by graph id", async () => {
    const agent = await alice.trpc.assistants.get.query({ assistantId: "agent" });
    for (const id of [agent.id, "agent"]) {
      const changed = await same(
        viaTrpc(alice.trpc.assistants.update.mutate({ assistantId: id, name: "mine" })),
        viaRest(alice.sdk.assistants.update(id, { name: "mine" })),
      );
      expect(changed).toMatchObject({ ok: false, kind: "conflict" });
      expect((changed as { message: string }).message).toContain("default assistant");
      const deleted = await same(
        viaTrpc(admin.trpc.assistants.delete.mutate({ assistantId: id })),
        viaRest(admin.sdk.assistants.delete(id)),
      );
      expect(deleted).toMatchObject({ ok: false, kind: "conflict" });
    }
    const after = await alice.trpc.assistants.get.query({ assistantId: "agent" });
    expect({ name: after.name, version: after.version }).toEqual({ name: agent.name, version: agent.version });
  });

  it('metadata.created_by "system" is reserved, on create and on update', async () => {
    const created = await same(
      viaTrpc(alice.trpc.assistants.create.mutate({ graphId: "agent", metadata: { created_by: "system" } })),
      viaRest(alice.sdk.assistants.create({ graphId: "agent", metadata: { created_by: "system" } })),
    );
    expect(created).toMatchObject({ ok: false, kind: "invalid", field: "metadata.created_by" });
    const mine = await alice.trpc.assistants.create.mutate({ graphId: "agent", name: "mine" });
    const updated = await same(
      viaTrpc(alice.trpc.assistants.update.mutate({ assistantId: mine.id, metadata: { created_by: "system" } })),
      viaRest(alice.sdk.assistants.update(mine.id, { metadata: { created_by: "system" } })),
    );
    expect(updated).toMatchObject({ ok: false, kind: "invalid", field: "metadata.created_by" });
  });

  it("a graph that is not loaded is refused on create and on update, naming graphId", async () => {
    const created = await same(
      viaTrpc(alice.trpc.assistants.create.mutate({ graphId: "no-such-graph" })),
      viaRest(alice.sdk.assistants.create({ graphId: "no-such-graph" })),
    );
    expect(created).toMatchObject({ ok: false, kind: "invalid", field: "graphId" });
    expect((created as { message: string }).message).toContain("no-such-graph");
    const mine = await alice.sdk.assistants.create({ graphId: "trivial" });
    const moved = await same(
      viaTrpc(alice.trpc.assistants.update.mutate({ assistantId: mine.assistant_id, graphId: "nope" })),
      viaRest(alice.sdk.assistants.update(mine.assistant_id, { graphId: "nope" })),
    );
    expect(moved).toMatchObject({ ok: false, kind: "invalid", field: "graphId" });
  });

  it("a chosen id is taken once; do_nothing gives the existing assistant", async () => {
    const assistantId = randomUUID();
    const first = await alice.trpc.assistants.create.mutate({ assistantId, graphId: "agent", name: "first" });
    expect(
      await same(
        viaTrpc(bob.trpc.assistants.create.mutate({ assistantId, graphId: "agent" })),
        viaRest(bob.sdk.assistants.create({ assistantId, graphId: "agent" })),
      ),
    ).toMatchObject({ ok: false, kind: "conflict" });
    const kept = await same(
      viaTrpc(bob.trpc.assistants.create.mutate({ assistantId, graphId: "trivial", ifExists: "do_nothing" }), (a) => ({
        id: a.id,
        name: a.name,
      })),
      viaRest(bob.sdk.assistants.create({ assistantId, graphId: "trivial", ifExists: "do_nothing" }), (a) => ({
        id: a.assistant_id,
        name: a.name,
      })),
    );
    expect(kept).toEqual({ ok: true, value: { id: first.id, name: "first" } });
  });

  it("searches and counts the same assistants in the same order", async () => {
    const tag = randomUUID();
    for (const name of ["Charlie", "alpha", "Bravo"])
      await alice.sdk.assistants.create({ graphId: "trivial", name: `${name}-${tag}`, metadata: { tag } });
    for (const [sortBy, sort_by] of [
      ["name", "name"],
      ["createdAt", "created_at"],
      ["assistantId", "assistant_id"],
    ] as const) {
      const outcome = await same(
        viaTrpc(alice.trpc.assistants.search.query({ metadata: { tag }, sortBy, sortOrder: "asc", offset: 1, limit: 2 }), (p) =>
          p.items.map((a) => a.name),
        ),
        viaRest(alice.sdk.assistants.search({ metadata: { tag }, sortBy: sort_by, sortOrder: "asc", offset: 1, limit: 2 }), (rows) =>
          rows.map((a) => a.name),
        ),
      );
      expect(outcome.ok).toBe(true);
    }
    expect(
      await same(
        viaTrpc(alice.trpc.assistants.count.query({ name: `bravo-${tag}` })),
        viaRest(alice.sdk.assistants.count({ name: `bravo-${tag}` })),
      ),
    ).toEqual({ ok: true, value: 1 });
  });
});

describe("store (REST only: tRPC has no store)", () => {
  /** A raw REST call, as alice: the SDK refuses some bad namespaces before sending them. */
  async function put(body: object): Promise<{ status: number; json: { detail?: string; errors?: { field: string }[] } }> {
    const res = await fetch(`${server.url}/api/langgraph/store/items`, {
      method: "PUT",
      headers: { "x-api-key": aliceKey, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      json: res.status === 204 ? {} : ((await res.json()) as { detail?: string; errors?: { field: string }[] }),
    };
  }

  it("refuses a namespace the store cannot hold, naming the namespace; takes a good one", async () => {
    for (const namespace of [["langgraph", "x"], []]) {
      const refused = await put({ namespace, key: "k", value: {} });
      expect(refused.status, JSON.stringify(namespace)).toBe(422);
      expect(refused.json.errors?.map((e) => e.field)).toEqual(["body.namespace"]);
    }
    const root = `one-door-${randomUUID().slice(0, 8)}`;
    expect((await put({ namespace: [root], key: "k", value: { v: 1 } })).status).toBe(204);
    expect((await alice.sdk.store.getItem([root], "k"))?.value).toEqual({ v: 1 });
    expect((await viaRest(alice.sdk.store.getItem([root], "missing"))).ok).toBe(false);
  });
});

describe("the server", () => {
  it("logged no internal error", () => {
    expect(server.output()).not.toMatch(/internal error|langgraph-api: (GET|POST|PUT|PATCH|DELETE) /);
  });
});
