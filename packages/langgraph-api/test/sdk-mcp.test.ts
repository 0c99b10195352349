/**
 * /mcp through the official MCP SDK's own client (`Client` over
 * `StreamableHTTPClientTransport`) against the real server, on SQLite and
 * PostgreSQL: each assistant the caller may run is a tool with its graph's input
 * schema, calling it runs the graph as an ordinary run (listed by tRPC with its
 * final state), and the door's auth holds (no key: 401; another user's tool call
 * is their own run, never the owner's).
 */
import { Client as LanggraphClient } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { LANGGRAPH_BASE_PATH } from "../src/app.ts";

type ApiClient = Awaited<ReturnType<TestServer["user"]>>["client"];

describe.each(testTargets)("MCP through the official SDK on $provider", (target) => {
  let server: TestServer;
  let mcpUrl: URL;
  let alice: { key: string; client: ApiClient; mcp: Client };
  let bob: { key: string; client: ApiClient; mcp: Client };
  const opened: Client[] = [];

  async function connect(key?: string): Promise<Client> {
    const client = new Client({ name: "lgrs-test", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers: key ? { "x-api-key": key } : {} } });
    await client.connect(transport);
    opened.push(client);
    return client;
  }

  beforeAll(async () => {
    server = await startTestServer({ target });
    mcpUrl = new URL(`${server.url}${LANGGRAPH_BASE_PATH}/mcp`);
    const [a, b] = await Promise.all([server.user(), server.user()]);
    alice = { ...a, mcp: await connect(a.key) };
    bob = { ...b, mcp: await connect(b.key) };
  }, 120_000);
  afterAll(async () => {
    for (const client of opened) await client.close().catch(() => {});
    await server?.stop();
  });

  function textOf(result: Awaited<ReturnType<Client["callTool"]>>): string {
    const [first] = result.content as { type: string; text?: string }[];
    expect(first?.type).toBe("text");
    return first!.text!;
  }

  it("lists every bundled graph's assistant as a tool, with the input schema the assistant's schemas give", async () => {
    const sdk = new LanggraphClient({ apiUrl: `${server.url}${LANGGRAPH_BASE_PATH}`, apiKey: alice.key });
    const { tools } = await alice.mcp.listTools();
    const names = tools.map((t) => t.name);
    for (const graph of ["agent", "trivial", "human", "slow"]) expect(names).toContain(graph);
    for (const graph of ["agent", "trivial"]) {
      const tool = tools.find((t) => t.name === graph)!;
      const { input_schema } = await sdk.assistants.getSchemas(graph);
      // the graph's own schema when the registry derives one, else any object
      expect(tool.inputSchema).toEqual({ ...(input_schema ?? {}), type: "object" });
      expect(tool.description).toContain(graph);
    }
  });

  it("calling a tool runs the graph and answers its final state; the run is an ordinary run", async () => {
    const result = await alice.mcp.callTool({ name: "trivial", arguments: { count: 41 } });
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(textOf(result))).toEqual({ count: 42 });
    const runId = (result._meta as { run_id: string }).run_id;
    const run = await alice.client.runs.get.query({ runId });
    expect(run).toMatchObject({ id: runId, status: "success", metadata: expect.objectContaining({ source: "mcp", mcp_tool: "trivial" }) });
    const listed = await alice.client.runs.list.query({ assistantId: "trivial", limit: 50 });
    expect(listed.items.map((r) => r.id)).toContain(runId);
  });

  it("the agent graph answers a conversation", async () => {
    const result = await alice.mcp.callTool({
      name: "agent",
      arguments: { messages: [{ role: "user", content: "hello from mcp" }] },
    });
    const values = JSON.parse(textOf(result)) as { messages: { content: string }[] };
    expect(values.messages.at(-1)!.content).toContain('You said: "hello from mcp"');
  });

  it("a user's own assistant is a tool named after it; a failing graph is a tool error, an unknown tool a protocol error", async () => {
    const sdk = new LanggraphClient({ apiUrl: `${server.url}${LANGGRAPH_BASE_PATH}`, apiKey: alice.key });
    const made = await sdk.assistants.create({ graphId: "trivial", name: "alice's counter", description: "counts for alice" });
    const { tools } = await alice.mcp.listTools();
    const tool = tools.find((t) => t.name === "alice_s_counter");
    expect(tool).toMatchObject({ description: "counts for alice", _meta: { assistant_id: made.assistant_id } });
    expect(JSON.parse(textOf(await alice.mcp.callTool({ name: "alice_s_counter", arguments: { count: 1 } })))).toEqual({ count: 2 });

    const failed = await alice.mcp.callTool({ name: "failing", arguments: {} });
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toContain("the run failed");
    await expect(alice.mcp.callTool({ name: "no-such-tool", arguments: {} })).rejects.toThrow(/not found/);
  });

  it("another user's call is their own run: the owner's runs list does not grow, theirs does not show the owner's", async () => {
    const result = await bob.mcp.callTool({ name: "trivial", arguments: { count: 1 } });
    const runId = (result._meta as { run_id: string }).run_id;
    expect((await bob.client.runs.get.query({ runId })).status).toBe("success");
    await expect(alice.client.runs.get.query({ runId })).rejects.toThrow(/not found/);
    const bobs = await bob.client.runs.list.query({ limit: 100 });
    expect(bobs.items.every((r) => (r.metadata as { mcp_tool?: string }).mcp_tool !== "alice_s_counter")).toBe(true);
  });

  it("a client that disconnects during a call cancels its run", async () => {
    const leaving = await connect(alice.key);
    const call = leaving.callTool({ name: "slow", arguments: { steps: [] } });
    // the run starts, then the client leaves
    let running: { id: string } | undefined;
    for (let i = 0; i < 100 && !running; i++) {
      const page = await alice.client.runs.list.query({ assistantId: "slow", status: "running", limit: 10 });
      running = page.items.find((r) => (r.metadata as { source?: string }).source === "mcp");
      if (!running) await new Promise((r) => setTimeout(r, 50));
    }
    expect(running, "the tool call's run never started").toBeDefined();
    await leaving.close();
    await expect(call).rejects.toThrow();
    let status = "";
    for (let i = 0; i < 100 && status !== "interrupted"; i++) {
      status = (await alice.client.runs.get.query({ runId: running!.id })).status;
      if (status !== "interrupted") await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe("interrupted");
  });

  it("without an API key, or with a wrong one, the endpoint answers 401", async () => {
    for (const key of [undefined, "not-a-key"]) {
      const err = await connect(key).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StreamableHTTPError);
      expect((err as StreamableHTTPError).code).toBe(401);
    }
    const get = await fetch(mcpUrl, { headers: { "x-api-key": alice.key } });
    expect(get.status).toBe(405);
  });
});
