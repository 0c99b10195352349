/**
 * What one request through the tRPC door may carry: a batch over MAX_BATCH_SIZE is a
 * 400 before any call runs, a body over MAX_BODY_BYTES a 413 in tRPC's own envelope
 * (so the typed client reports it), and values no database can store, nesting past
 * MAX_JSON_DEPTH, dates and delays out of range are BAD_REQUEST naming the field,
 * the same on SQLite and PostgreSQL, with nothing stored. The server keeps serving.
 */
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../src/client.ts";
import { expectCode, expectInvalidField } from "./support/api-errors.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

const LIMITS = { MAX_BODY_BYTES: "200000", MAX_BATCH_SIZE: "12", MAX_JSON_DEPTH: "20" };

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe.each(testTargets)("request limits of the tRPC door on $provider", (target) => {
  let server: TestServer;
  let key: string;
  let client: ApiClient;
  beforeAll(async () => {
    server = await startTestServer({ target, env: LIMITS });
    ({ key, client } = await server.user());
  }, 120_000);
  afterAll(() => server?.stop());

  async function raw(path: string, init: RequestInit = {}) {
    const res = await fetch(`${server.url}/api/trpc/${path}`, {
      ...init,
      headers: { "x-api-key": key, "content-type": "application/json", ...init.headers },
    });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  const threadCount = async () => (await client.threads.list.query({ limit: 500 })).items.length;

  it("a batch over MAX_BATCH_SIZE is a 400 and runs none of its calls; the client's own batches stay under it", async () => {
    const calls = Array.from({ length: 100 }, () => "threads.list").join(",");
    const input = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [i, { json: {} }]))));
    const answer = await raw(`${calls}?batch=1&input=${input}`);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/Batch call exceeds maximum size/);

    // 30 calls at once: the client splits them into batches the server takes
    const pages = await Promise.all(Array.from({ length: 30 }, () => client.threads.list.query({})));
    expect(pages).toHaveLength(30);
  });

  it("a body over MAX_BODY_BYTES is PAYLOAD_TOO_LARGE through the typed client, and nothing is stored", async () => {
    const before = await threadCount();
    const err = await expectCode(client.threads.create.mutate({ metadata: { blob: "x".repeat(250_000) } }), "PAYLOAD_TOO_LARGE");
    expect(err.message).toMatch(/200000 bytes.*MAX_BODY_BYTES/);
    expect(await threadCount()).toBe(before);
    await client.threads.create.mutate({ metadata: { blob: "x".repeat(100_000) } });
    expect(await threadCount()).toBe(before + 1);
  });

  it("NUL, lone surrogates and over-long keys are BAD_REQUEST naming the field, and store nothing", async () => {
    const before = await threadCount();
    await expectInvalidField(client.threads.create.mutate({ metadata: { note: "a\u0000b" } }), "metadata.note", /NUL/);
    await expectInvalidField(client.threads.create.mutate({ metadata: { list: ["ok", "\ud800"] } }), "metadata.list.1", /surrogate/);
    await expectInvalidField(client.threads.create.mutate({ metadata: { ["k\u0000"]: 1 } }), "metadata", /key that contains a NUL/);
    await expectInvalidField(
      client.threads.create.mutate({ metadata: { ["k".repeat(300)]: 1 } }),
      `metadata.${"k".repeat(32)}…`,
      /longer than 256/,
    );
    await expectInvalidField(client.assistants.create.mutate({ graphId: "trivial", name: "\udfffname" }), "name", /surrogate/);
    expect(await threadCount()).toBe(before);
  });

  it("nesting past MAX_JSON_DEPTH is BAD_REQUEST naming where; 5,000 levels leave the server serving", async () => {
    // sent raw: the typed client's own serializer would not take 5,000 levels
    const body = `{"json":{"metadata":{"deep":${"[".repeat(5000)}${"]".repeat(5000)}}}}`;
    const answer = await raw("threads.create", { method: "POST", body });
    expect(answer.status).toBe(400);
    const error = (answer.body as { error: { json: { message: string; data: { code: string } } } }).error.json;
    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/^metadata\.deep(\.0)+: is nested more than 20 levels deep$/);
    await expectInvalidField(
      client.threads.create.mutate({ metadata: { deep: nested(25) } }),
      `metadata.deep${".0".repeat(18)}`,
      /20 levels/,
    );
    expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);
  });

  it("dates outside 1970..9999 and a delay past 30 days are BAD_REQUEST naming them", async () => {
    await expectInvalidField(client.usage.summary.query({ from: new Date(8.64e15) }), "from", /9999/);
    await expectInvalidField(client.runs.list.query({ createdAfter: new Date(-1e12) }), "createdAfter", /1970/);
    const thread = await client.threads.create.mutate({});
    await expectInvalidField(
      client.runs.create.mutate({ threadId: thread.id, assistantId: "trivial", input: {}, afterSeconds: 1e12 }),
      "afterSeconds",
    );
    expect((await client.runs.list.query({ threadId: thread.id })).items).toEqual([]);
  });

  it("keys superjson guards against (constructor, prototype) are stored and read back as plain keys; __proto__ pollutes nothing", async () => {
    // written through the LangGraph door, as any SDK client may
    const res = await fetch(`${server.url}/api/langgraph/threads`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: '{"metadata":{"constructor":1,"nested":{"__proto__":{"polluted":true},"prototype":"p"}}}',
    });
    expect(res.status).toBe(200);
    const { thread_id } = (await res.json()) as { thread_id: string };
    const metadata = (await client.threads.get.query({ threadId: thread_id })).metadata as Record<string, unknown>;
    expect(Object.keys(metadata)).toEqual(expect.arrayContaining(["constructor", "nested"]));
    expect(metadata.constructor).toBe(1);
    const nested = metadata.nested as Record<string, unknown>;
    // `__proto__` never makes it in (the door's parsing drops it), the others do
    expect(Object.getOwnPropertyNames(nested)).toEqual(["prototype"]);
    expect(Object.getPrototypeOf(nested)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await client.threads.list.query({ limit: 500 })).items.some((t) => t.id === thread_id)).toBe(true);

    // and through the tRPC door itself
    const made = await client.threads.create.mutate({ metadata: JSON.parse('{"prototype":{"constructor":"x"}}') });
    expect((await client.threads.get.query({ threadId: made.id })).metadata).toEqual(JSON.parse('{"prototype":{"constructor":"x"}}'));
  });
});
