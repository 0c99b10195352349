/**
 * Assistant versions and graph schemas through the LangGraph door with the official
 * SDK, on SQLite and PostgreSQL. Every update is a version; `getVersions` lists them
 * newest first (metadata filter, limit, offset); `setLatest` makes one current, so
 * `get` answers it and new runs use its config, with the same rules as an update
 * (owner or admin, never a default assistant). `getSchemas` gives JSON Schema for each
 * kind of state LangGraph.js declares: Annotation, MessagesAnnotation, zod 3 and 4,
 * StateSchema (graphs in packages/graphs/src/state-kinds).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { expectStatus } from "./support/sdk-failure.ts";

const GRAPHS_SRC = path.resolve(import.meta.dirname, "../../graphs/src");

/** The bundled graphs and one graph of each state kind, in a langgraph.json of a temporary folder. */
function writeGraphsConfig(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lgrs-sdk-versions-graphs-"));
  const at = (file: string, name = "graph") => `${path.join(GRAPHS_SRC, file)}:${name}`;
  const graphs = {
    trivial: at("trivial.ts"),
    agent: at("agent.ts"),
    annotation: at("state-kinds/annotation.ts"),
    messages: at("state-kinds/messages.ts"),
    messages_plain: at("state-kinds/messages.ts", "plain"),
    zod_v3: at("state-kinds/zod-v3.ts"),
    zod_v4: at("state-kinds/zod-v4.ts"),
    state_schema: at("state-kinds/state-schema.ts"),
  };
  writeFileSync(path.join(dir, "langgraph.json"), JSON.stringify({ graphs }));
  return dir;
}

/** The properties of an object schema ({} when there is none). */
function propertiesOf(schema: { properties?: unknown } | null | undefined): Record<string, unknown> {
  return (schema?.properties as Record<string, unknown> | undefined) ?? {};
}

describe.each(testTargets)("assistant versions and schemas through the SDK on $provider", (target) => {
  let server: TestServer;
  let graphsDir: string;
  let alice: Client;
  let bob: Client;
  let admin: Client;
  beforeAll(async () => {
    graphsDir = writeGraphsConfig();
    server = await startTestServer({ target, env: { LANGGRAPH_CONFIG: path.join(graphsDir, "langgraph.json") } });
    const api = `${server.url}/api/langgraph`;
    const sdk = (apiKey: string) => new Client({ apiUrl: api, apiKey, callerOptions: { maxRetries: 0 } });
    const [a, b] = await Promise.all([server.user(), server.user()]);
    alice = sdk(a.key);
    bob = sdk(b.key);
    admin = sdk(ADMIN_KEY);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    if (graphsDir) rmSync(graphsDir, { recursive: true, force: true });
  });

  /** The greeting the `annotation` graph's run read from its config. */
  async function greetingOfRun(client: Client, assistantId: string): Promise<unknown> {
    const thread = await client.threads.create();
    const values = (await client.runs.wait(thread.thread_id, assistantId, { input: { topic: "t" } })) as Record<string, unknown>;
    return values.greeting;
  }

  it("every update is a version; getVersions lists them newest first, filtered by metadata, a window at a time", async () => {
    const made = await alice.assistants.create({ graphId: "annotation", name: "v1", metadata: { stage: "draft" } });
    expect(made.version).toBe(1);
    await alice.assistants.update(made.assistant_id, { name: "v2" });
    await alice.assistants.update(made.assistant_id, { name: "v3", metadata: { stage: "final" } });
    const updated = await alice.assistants.update(made.assistant_id, { config: { configurable: { greeting: "hi" } } });
    expect(updated.version).toBe(4);

    const all = await alice.assistants.getVersions(made.assistant_id);
    expect(all.map((v) => [v.version, v.name])).toEqual([
      [4, "v3"],
      [3, "v3"],
      [2, "v2"],
      [1, "v1"],
    ]);
    expect(all[0]).toMatchObject({ assistant_id: made.assistant_id, graph_id: "annotation", config: { configurable: { greeting: "hi" } } });
    // metadata is merged on update, so every version from 3 has stage "final"
    expect((await alice.assistants.getVersions(made.assistant_id, { metadata: { stage: "final" } })).map((v) => v.version)).toEqual([4, 3]);
    expect((await alice.assistants.getVersions(made.assistant_id, { metadata: { stage: "draft" } })).map((v) => v.version)).toEqual([2, 1]);
    expect((await alice.assistants.getVersions(made.assistant_id, { limit: 2, offset: 1 })).map((v) => v.version)).toEqual([3, 2]);
    expect(await alice.assistants.getVersions(made.assistant_id, { offset: 10 })).toEqual([]);
    // anyone may read an assistant's versions (assistants are shared for reading)
    expect((await bob.assistants.getVersions(made.assistant_id)).length).toBe(4);
  });

  it("setLatest makes a version current: get answers it, new runs use its config, and the next update numbers after the newest", async () => {
    const made = await alice.assistants.create({ graphId: "annotation", name: "first", config: { configurable: { greeting: "hello" } } });
    await alice.assistants.update(made.assistant_id, {
      name: "second",
      config: { configurable: { greeting: "bonjour" } },
      metadata: { v: 2 },
    });
    expect(await greetingOfRun(alice, made.assistant_id)).toBe("bonjour");

    const back = await alice.assistants.setLatest(made.assistant_id, 1);
    expect(back).toMatchObject({
      assistant_id: made.assistant_id,
      version: 1,
      name: "first",
      config: { configurable: { greeting: "hello" } },
    });
    expect(back.metadata).toEqual({});
    expect(await alice.assistants.get(made.assistant_id)).toMatchObject({ version: 1, name: "first" });
    // runs of anyone on it use the version set
    expect(await greetingOfRun(alice, made.assistant_id)).toBe("hello");
    expect(await greetingOfRun(bob, made.assistant_id)).toBe("hello");
    // no version was added
    expect((await alice.assistants.getVersions(made.assistant_id)).map((v) => v.version)).toEqual([2, 1]);

    const third = await alice.assistants.update(made.assistant_id, { name: "third" });
    expect(third.version).toBe(3);
    // the update starts from the current (version 1) fields
    expect(third.config).toEqual({ configurable: { greeting: "hello" } });
    expect((await alice.assistants.setLatest(made.assistant_id, 2)).name).toBe("second");
    expect(await greetingOfRun(alice, made.assistant_id)).toBe("bonjour");
  });

  it("setLatest moves the assistant back to the graph its version ran", async () => {
    const made = await alice.assistants.create({ graphId: "trivial" });
    await alice.assistants.update(made.assistant_id, { graphId: "annotation" });
    expect((await alice.assistants.get(made.assistant_id)).graph_id).toBe("annotation");
    expect((await alice.assistants.setLatest(made.assistant_id, 1)).graph_id).toBe("trivial");
    const thread = await alice.threads.create();
    expect(await alice.runs.wait(thread.thread_id, made.assistant_id, { input: {} })).toEqual({ count: 1 });
  });

  it("setLatest refuses: a missing version or assistant 404, a bad version 422, another user 404, a default assistant 409", async () => {
    const made = await alice.assistants.create({ graphId: "annotation", name: "mine" });
    await alice.assistants.update(made.assistant_id, { name: "mine, changed" });

    expect(await expectStatus(alice.assistants.setLatest(made.assistant_id, 7), 404)).toContain("no version 7");
    await expectStatus(alice.assistants.setLatest("00000000-0000-4000-8000-000000000000", 1), 404);
    for (const bad of [0, -1, 1.5])
      expect(await expectStatus(alice.assistants.setLatest(made.assistant_id, bad), 422)).toContain("version");

    expect(await expectStatus(bob.assistants.setLatest(made.assistant_id, 1), 404)).toContain("only its owner or an admin");
    expect((await alice.assistants.get(made.assistant_id)).name).toBe("mine, changed");

    const system = await alice.assistants.get("annotation");
    expect(await expectStatus(alice.assistants.setLatest(system.assistant_id, 1), 409)).toContain("default assistant");
    expect(await expectStatus(admin.assistants.setLatest(system.assistant_id, 1), 409)).toContain("default assistant");

    // an admin may, as with an update
    expect((await admin.assistants.setLatest(made.assistant_id, 1)).name).toBe("mine");
  });

  it("getSchemas describes an Annotation state from its channels and its source; an Annotation context from its source", async () => {
    const s = await alice.assistants.getSchemas("annotation");
    expect(s.graph_id).toBe("annotation");
    const keys = ["topic", "count", "notes", "done", "greeting", "tone", "tags", "source"];
    expect(Object.keys(s.state_schema?.properties ?? {})).toEqual(keys);
    // fields without a default get their types from the graph's TypeScript source
    expect(s.state_schema).toMatchObject({
      type: "object",
      properties: {
        topic: { type: "string" },
        count: { type: "number" },
        notes: { type: "array" },
        done: { type: "boolean" },
        greeting: { type: "string" },
        tone: { type: "string", enum: ["plain", "warm"] },
        tags: { type: "array", items: { type: "string" } },
        source: { type: "object", properties: { url: { type: "string" }, pages: { type: "number" } }, required: ["url"] },
      },
    });
    expect(s.input_schema).toMatchObject({
      type: "object",
      properties: { topic: { type: "string" }, count: { type: "number" }, notes: { type: "array", items: { type: "string" } } },
    });
    expect(s.output_schema?.properties).toEqual(s.state_schema?.properties);
    // LangGraph keeps no Annotation context at run time: the source gives it, as context and config schema
    expect(s.context_schema).toMatchObject({
      type: "object",
      properties: { model: { type: "string", enum: ["small", "large"] }, temperature: { type: "number" }, verbose: { type: "boolean" } },
      required: ["model", "temperature"],
    });
    expect(Object.keys(s.context_schema?.properties ?? {})).toEqual(["model", "temperature", "verbose"]);
    expect(s.config_schema).toEqual(s.context_schema);
  });

  it("getSchemas describes MessagesAnnotation states: messages are a list of messages", async () => {
    for (const graphId of ["messages", "messages_plain"]) {
      const s = await alice.assistants.getSchemas(graphId);
      const messages = propertiesOf(s.state_schema).messages;
      expect(messages).toMatchObject({ type: "array", items: { type: "object", properties: { content: {}, type: { type: "string" } } } });
      const input = propertiesOf(s.input_schema).messages;
      // input takes what the messages reducer takes: messages, { role, content }, strings, [role, content]
      expect(input).toMatchObject({ type: "array", items: { anyOf: expect.arrayContaining([{ type: "string" }]) } });
    }
    expect((await alice.assistants.getSchemas("messages")).state_schema?.properties).toMatchObject({ turns: { type: "number" } });
    expect(Object.keys((await alice.assistants.getSchemas("messages_plain")).state_schema?.properties ?? {})).toEqual(["messages"]);
  });

  it("getSchemas converts zod 4 states and context exactly; the context schema is the config schema, as LangGraph answers", async () => {
    const s = await alice.assistants.getSchemas("zod_v4");
    expect(s.state_schema).toMatchObject({
      type: "object",
      properties: { question: { type: "string" }, answer: { type: "string" }, attempts: { type: "number" } },
      required: ["question", "attempts"],
    });
    expect(s.input_schema).toMatchObject({ properties: { question: { type: "string" } } });
    expect(s.config_schema).toMatchObject({
      type: "object",
      properties: { model: { type: "string", enum: ["small", "large"], default: "small" } },
    });
    expect(s.context_schema).toEqual(s.config_schema);
  });

  it("getSchemas converts zod 3 and StateSchema states exactly", async () => {
    const v3 = await alice.assistants.getSchemas("zod_v3");
    expect(v3.state_schema).toMatchObject({
      type: "object",
      properties: { city: { type: "string" }, forecast: { type: "string" }, days: { type: "integer", minimum: 1, default: 1 } },
      required: ["city"],
    });
    expect(v3.config_schema).toBeNull();

    const ss = await alice.assistants.getSchemas("state_schema");
    expect(ss.state_schema).toMatchObject({
      properties: { title: { type: "string" }, words: { type: "array", items: { type: "string" } } },
      required: ["title"],
    });
    // the reducer's input schema: one word at a time
    expect(ss.input_schema).toMatchObject({ properties: { words: { type: "string" } } });
  });
});
