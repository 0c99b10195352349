import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../api/test/support/test-server.ts";

let server: TestServer;
let apiUrl: string;
let key: string;

beforeAll(async () => {
  server = await startTestServer({});
  apiUrl = `${server.url}/api/langgraph`;
  ({ key } = await server.user());
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe("smoke", () => {
  it("quick start over SSE", async () => {
    const client = new Client({ apiUrl, apiKey: key });
    const thread = client.threads.stream({ assistantId: "agent" });
    await thread.run.start({ input: { messages: [{ role: "user", content: "hello" }] } });
    let text = "";
    for await (const message of thread.messages) {
      for await (const token of message.text) text += token;
    }
    const output = await thread.output;
    await thread.close();
    console.log(text, JSON.stringify(output).slice(0, 300));
    expect(text).toContain("hello");
  });
});
