/**
 * What one request through the LangGraph door may carry, on SQLite and PostgreSQL: a body
 * over MAX_BODY_BYTES (declared or chunked) and a store value over MAX_STORE_VALUE_BYTES
 * are 413s; a value no database can store (NUL, half a surrogate pair, an over-long key),
 * nesting past MAX_JSON_DEPTH and numbers out of range are 4xx answers naming the field,
 * the same on both databases; nothing of a refused request is stored, and the server stays up.
 * The server runs with small limits, so the test also shows they are settings.
 */
import { Client } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../api/test/support/test-server.ts";

const LIMITS = { MAX_BODY_BYTES: "200000", MAX_STORE_VALUE_BYTES: "50000", MAX_JSON_DEPTH: "20" };

interface Answer {
  status: number;
  body: { detail?: string; errors?: { field: string; message: string }[] };
}

describe.each(testTargets)("request limits of the LangGraph door on $provider", (target) => {
  let server: TestServer;
  let key: string;
  let api: string;
  let sdk: Client;
  beforeAll(async () => {
    server = await startTestServer({ target, env: LIMITS });
    key = (await server.user()).key;
    api = `${server.url}/api/langgraph`;
    sdk = new Client({ apiUrl: api, apiKey: key, callerOptions: { maxRetries: 0 } });
  }, 120_000);
  afterAll(() => server?.stop());

  async function send(method: string, path: string, body?: string | ReadableStream<Uint8Array>): Promise<Answer> {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { "x-api-key": key, "content-type": "application/json" },
      body,
      ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  }

  /** A 4xx whose errors name `field` and whose detail says so too. */
  function expectRefused(answer: Answer, status: number, field: string, message?: RegExp) {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    const named = answer.body.errors?.find((e) => e.field === field);
    expect(named, `errors ${JSON.stringify(answer.body.errors)} should name ${field}`).toBeDefined();
    if (message) expect(named!.message).toMatch(message);
    expect(answer.body.detail).toContain(field);
  }

  async function threadCount(): Promise<number> {
    return sdk.threads.count({});
  }

  it("a body over MAX_BODY_BYTES is a 413 whether its length is declared or it comes chunked, and nothing is stored", async () => {
    const before = await threadCount();
    const big = JSON.stringify({ metadata: { blob: "x".repeat(250_000) } });
    const declared = await send("POST", "/threads", big);
    expect(declared.status).toBe(413);
    expect(declared.body.detail).toMatch(/200000 bytes.*MAX_BODY_BYTES/);

    const bytes = new TextEncoder().encode(big);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 16_384) controller.enqueue(bytes.slice(at, at + 16_384));
        controller.close();
      },
    });
    expect((await send("POST", "/threads", chunked)).status).toBe(413);

    // just under the limit is fine
    expect((await send("POST", "/threads", JSON.stringify({ metadata: { blob: "x".repeat(150_000) } }))).status).toBe(200);
    expect(await threadCount()).toBe(before + 1);
  });

  it("a store value over MAX_STORE_VALUE_BYTES is a 413 naming body.value; a key or namespace too long to index is a 422", async () => {
    const value = { text: "y".repeat(60_000) };
    expectRefused(await send("PUT", "/store/items", JSON.stringify({ namespace: ["limits"], key: "big", value })), 413, "body.value");
    expect((await send("GET", "/store/items?namespace=limits&key=big")).status).toBe(404);

    const longKey = "k".repeat(100_000);
    expectRefused(await send("PUT", "/store/items", JSON.stringify({ namespace: ["limits"], key: longKey, value: {} })), 422, "body.key");
    const wide = Array.from({ length: 8 }, (_, i) => `${i}`.repeat(200));
    expectRefused(await send("PUT", "/store/items", JSON.stringify({ namespace: wide, key: "k", value: {} })), 422, "body.namespace");

    await sdk.store.putItem(["limits"], "small", { text: "fits" });
    expect((await sdk.store.getItem(["limits"], "small"))?.value).toEqual({ text: "fits" });
  });

  it("NUL and lone surrogates are 422s naming the field, in values, keys, ids, the path and the query, and store nothing", async () => {
    const before = await threadCount();
    // written as JSON escapes, as a hostile client sends them
    expectRefused(await send("POST", "/threads", '{"metadata":{"note":"a\\u0000b"}}'), 422, "body.metadata.note", /NUL/);
    expectRefused(
      await send("POST", "/threads", '{"metadata":{"bad\\u0000key":1}}'),
      422,
      "body.metadata",
      /has a key that contains a NUL/,
    );
    expectRefused(await send("POST", "/threads", '{"metadata":{"tags":["ok","\\ud800x"]}}'), 422, "body.metadata.tags.1", /surrogate/);
    expectRefused(await send("POST", "/assistants/search", '{"graph_id":"\\udc00"}'), 422, "body.graph_id", /surrogate/);
    expectRefused(await send("GET", "/assistants/abc%00def"), 422, "path", /NUL/);
    expectRefused(await send("GET", "/store/items?namespace=a&key=k%00"), 422, "query.key", /NUL/);
    expect(await threadCount()).toBe(before);
  });

  it("a key longer than 256 characters and nesting past MAX_JSON_DEPTH are 422s; a 5,000-deep body does not hurt the server", async () => {
    const longKey = "m".repeat(300);
    const keyed = await send("POST", "/threads", JSON.stringify({ metadata: { [longKey]: 1 } }));
    expect(keyed.status).toBe(422);
    expect(keyed.body.detail).toMatch(/longer than 256/);

    const deep = `{"metadata":{"a":${"[".repeat(5000)}${"]".repeat(5000)}}}`;
    const answer = await send("POST", "/threads", deep);
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toMatch(/nested more than 20 levels/);
    expect(answer.body.errors?.[0]?.field).toMatch(/^body\.metadata\.a(\.0)+$/);
    expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);
  });

  it("after_seconds past 30 days and offsets past a million are 422s naming them", async () => {
    const thread = await sdk.threads.create();
    for (const after of [1e12, 1e308, -1]) {
      const body = JSON.stringify({ assistant_id: "trivial", input: {}, after_seconds: after });
      expectRefused(await send("POST", `/threads/${thread.thread_id}/runs`, body), 422, "body.after_seconds");
    }
    expect(await sdk.runs.list(thread.thread_id)).toEqual([]);
    expectRefused(await send("POST", "/threads/search", JSON.stringify({ offset: 1e308 })), 422, "body.offset");
    expectRefused(await send("POST", "/assistants/search", JSON.stringify({ offset: 2_000_000 })), 422, "body.offset");
    // a run that waits a day is fine
    const later = await sdk.runs.create(thread.thread_id, "trivial", { input: {}, afterSeconds: 86_400 });
    expect(later.status).toBe("pending");
    await sdk.runs.cancel(thread.thread_id, later.run_id);
  });
});
