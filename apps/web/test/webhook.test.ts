/**
 * Run webhooks through the real server (apps/web/server.ts in its own process):
 * WEBHOOK_ALLOW as the server reads it, webhook URLs refused at creation through
 * both API doors (tRPC and the official SDK on the REST door) with the field
 * named, and the POST reaching an internal receiver that WEBHOOK_ALLOW names,
 * without the run's config secrets. Send-time checks (DNS, redirects) are
 * tested in packages/runtime/test/webhook.test.ts.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@langchain/langgraph-sdk";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../../packages/api/src/client.ts";
import { startTestServer, type TestServer } from "../../../packages/api/test/support/test-server.ts";
import { ConfigError, loadServerConfig, loadWorkerConfig } from "../src/server/config.ts";

const options = { dev: false, baseDir: "/srv/app" };

describe("WEBHOOK_ALLOW", () => {
  it("is empty by default, and read as comma-separated hosts, addresses and CIDRs", () => {
    expect(loadServerConfig({}, options).webhookAllow).toEqual([]);
    const env = { WEBHOOK_ALLOW: " hooks.internal, 10.0.0.0/8 ,127.0.0.1,[::1],fd00::/8," };
    expect(loadServerConfig(env, options).webhookAllow).toEqual(["hooks.internal", "10.0.0.0/8", "127.0.0.1", "[::1]", "fd00::/8"]);
  });

  it.each(["10.0.0.0/33", "http://hooks.internal", "hooks internal", "fd00::/129"])(
    "stops start-up on %s with one line naming it",
    (entry) => {
      let error: unknown;
      try {
        loadServerConfig({ WEBHOOK_ALLOW: `127.0.0.1,${entry}` }, options);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).not.toContain("\n");
      expect(message).toContain("WEBHOOK_ALLOW");
      expect(message).toContain(`"${entry}"`);
    },
  );

  it("is read by the worker too (it sends the webhooks of the runs it executes)", () => {
    const env = {
      DATABASE_URL: "postgresql://app:pw@db.internal:5432/app",
      REDIS_URL: "redis://127.0.0.1:6379",
      WEBHOOK_ALLOW: "10.1.0.0/16",
    };
    expect(loadWorkerConfig(env, options).webhookAllow).toEqual(["10.1.0.0/16"]);
    expect(() => loadWorkerConfig({ ...env, WEBHOOK_ALLOW: "300.1.1.1/8" }, options)).toThrow(/WEBHOOK_ALLOW/);
  });
});

/** An internal receiver: 127.0.0.2 (loopback, so refused unless WEBHOOK_ALLOW names it). */
let hook: Server;
let hookUrl: string;
const received: { path: string; body: string }[] = [];
let server: TestServer;
let trpc: ApiClient;
let sdk: Client;

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body });
      res.end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.2", resolve));
  hookUrl = `http://127.0.0.2:${(hook.address() as AddressInfo).port}`;
  server = await startTestServer({ env: { WEBHOOK_ALLOW: "127.0.0.2" } });
  const user = await server.user();
  trpc = user.client;
  sdk = new Client({ apiUrl: `${server.url}/api/langgraph`, apiKey: user.key });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => hook?.close(resolve));
});

const REFUSED = [
  "file:///etc/passwd",
  "ftp://example.com/hook",
  "http://127.0.0.1:9/hook",
  "http://[::1]:9/hook",
  "http://10.1.2.3/hook",
  "http://169.254.169.254/latest/meta-data/",
  "http://[::ffff:127.0.0.1]:9/hook",
];

describe("webhook URLs at run creation, through both doors", () => {
  it.each(REFUSED)("tRPC refuses %s: BAD_REQUEST naming webhook", async (webhook) => {
    const threadId = (await trpc.threads.create.mutate({})).id;
    const err = await trpc.runs.create.mutate({ threadId, assistantId: "slow", webhook }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    const data = (err as TRPCClientError<never>).data as unknown as { code: string; issues?: { path: string }[] };
    expect(data.code).toBe("BAD_REQUEST");
    expect(data.issues?.map((i) => i.path)).toContain("webhook");
    expect((await trpc.runs.list.query({ threadId })).items).toEqual([]);
  });

  it.each(REFUSED)("REST refuses %s: 422 naming body.webhook", async (webhook) => {
    const thread = await sdk.threads.create();
    const err = (await sdk.runs.create(thread.thread_id, "slow", { webhook }).catch((e: unknown) => e)) as {
      status?: number;
      message: string;
    };
    expect(err.status).toBe(422);
    expect(err.message).toContain("body.webhook");
    expect(await sdk.runs.list(thread.thread_id)).toEqual([]);
  });

  it("an allowed internal receiver gets the finished run, without its config or context", async () => {
    const thread = await sdk.threads.create();
    const run = await sdk.runs.create(thread.thread_id, "slow", {
      input: {},
      config: { configurable: { step_delay_ms: 1, api_key: "sk-secret-config" } },
      context: { token: "secret-context" },
      metadata: { team: "blue" },
      webhook: `${hookUrl}/done?sig=abc`,
    });
    await sdk.runs.join(thread.thread_id, run.run_id);
    // the webhook is sent right after the run's end is recorded: give it that moment
    for (let i = 0; i < 200 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received.map((r) => r.path)).toEqual(["/done?sig=abc"]);
    const body = JSON.parse(received[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ run_id: run.run_id, thread_id: thread.thread_id, status: "success", metadata: { team: "blue" } });
    expect(received[0]!.body).not.toMatch(/secret|configurable|step_delay_ms/);
  });
});
