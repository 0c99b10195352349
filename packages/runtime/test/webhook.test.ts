/**
 * Run webhooks and their SSRF policy, against real HTTP receivers on loopback:
 * what is refused when the run is created, what is refused when it is sent (a
 * name resolving inside, a redirect), what WEBHOOK_ALLOW lets through, and what
 * the body leaves out. The webhook logic does not depend on the database, so
 * this runs on SQLite only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { repositories, type Run } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { createRuntime, type Runtime, type WebhookOptions } from "../src/runtime.ts";
import { InvalidRequestError, classifyError } from "../src/errors.ts";
import { forbiddenAddress, webhookPolicy, webhookUrlProblem, WebhookAllowError } from "../src/runs/webhook-policy.ts";
import { sendWebhook, systemResolver, type WebhookResolver } from "../src/runs/webhook.ts";
import { testGraphs as source } from "./fixtures/test-graphs.ts";
import type { Actor } from "../src/actor.ts";

/** The literal targets every policy without an allowance refuses at creation. */
const REFUSED = [
  "file:///etc/passwd",
  "ftp://example.com/hook",
  "http://127.0.0.1:9/hook",
  "http://[::1]:9/hook",
  "http://10.1.2.3/hook",
  "http://169.254.169.254/latest/meta-data/",
  "http://[::ffff:127.0.0.1]:9/hook",
];

describe("webhook policy", () => {
  const none = webhookPolicy();

  it.each(REFUSED)("refuses %s without DNS", (url) => {
    expect(webhookUrlProblem(url, none)).not.toBeNull();
  });

  it.each([
    ["http://2130706433/", "decimal 127.0.0.1"],
    ["http://0x7f.1/", "hex 127.0.0.1"],
    ["http://[fd00:ec2::254]/", "AWS IPv6 metadata"],
    ["http://[fe80::1]/", "IPv6 link-local"],
    ["http://[fc00::5]/", "unique local"],
    ["http://100.64.0.1/", "CGNAT"],
    ["http://0.0.0.0/", "unspecified"],
    ["http://224.0.0.1/", "multicast"],
    ["http://192.168.1.1/", "RFC 1918"],
    ["http://172.16.0.1/", "RFC 1918"],
    ["http://[::]/", "IPv6 unspecified"],
    ["http://localhost:3000/", "localhost"],
    ["http://[::ffff:a9fe:a9fe]/", "mapped metadata"],
  ])("refuses %s (%s)", (url) => {
    expect(webhookUrlProblem(url, none)).not.toBeNull();
  });

  it("accepts http(s) to public addresses and names (names are checked when sent)", () => {
    for (const url of ["https://hooks.example.com/x?token=1", "http://93.184.216.34/", "https://[2606:4700::1111]/"]) {
      expect(webhookUrlProblem(url, none), url).toBeNull();
    }
  });

  it("allows what WEBHOOK_ALLOW names: addresses, CIDRs (mapped forms too), host names; metadata only by network", () => {
    const policy = webhookPolicy(["127.0.0.1", "10.0.0.0/8", "[fd00::]/8", "hooks.internal", "::ffff:192.168.0.0/112"]);
    expect(webhookUrlProblem("http://127.0.0.1:8080/", policy)).toBeNull();
    expect(webhookUrlProblem("http://[::ffff:127.0.0.1]/", policy)).toBeNull();
    expect(webhookUrlProblem("http://10.200.1.1/", policy)).toBeNull();
    expect(webhookUrlProblem("http://[fd12::1]/", policy)).toBeNull();
    expect(webhookUrlProblem("http://192.168.7.7/", policy)).toBeNull();
    expect(webhookUrlProblem("http://127.0.0.2/", policy)).not.toBeNull();
    expect(forbiddenAddress("10.9.9.9", "hooks.internal", policy)).toBeNull();
    expect(forbiddenAddress("192.0.2.1", "hooks.internal", policy)).toBeNull();
    expect(forbiddenAddress("169.254.169.254", "hooks.internal", policy)).toMatch(/metadata/);
    expect(forbiddenAddress("169.254.169.254", "x", webhookPolicy(["169.254.169.254"]))).toBeNull();
  });

  it("names the entry it cannot read", () => {
    for (const bad of ["10.0.0.0/33", "http://x", "a b", "::1/200"]) {
      expect(() => webhookPolicy([bad])).toThrow(WebhookAllowError);
      expect(() => webhookPolicy([bad])).toThrow(bad);
    }
  });
});

/** A receiver on a loopback address that records the requests it gets. */
interface Receiver {
  url: string;
  requests: { path: string; body: unknown }[];
  /** resolves with the first request's body */
  first: Promise<unknown>;
  close(): Promise<void>;
}

async function receiver(host: string, answer: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => s.end()): Promise<Receiver> {
  const requests: Receiver["requests"] = [];
  let delivered: (body: unknown) => void = () => {};
  const first = new Promise<unknown>((resolve) => (delivered = resolve));
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const parsed = body ? JSON.parse(body) : null;
      requests.push({ path: req.url ?? "", body: parsed });
      delivered(parsed);
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    requests,
    first,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.each(testTargets.filter((t) => t.provider === "sqlite"))("webhooks of runs on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let owner: string;
  const runtimes: Runtime[] = [];
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    owner = (await repositories(database()).users.createUser({ email: `w-${Date.now()}@x.dev`, name: "owner" })).id;
  });
  afterEach(async () => {
    for (const r of runtimes.splice(0)) await r.shutdown(1000);
    for (const r of receivers.splice(0)) await r.close();
  });

  const actor = (): Actor => ({ userId: owner, scope: { ownerId: owner } });

  /** A runtime with these webhook options, whose logged errors are collected. */
  async function runtimeWith(webhooks: WebhookOptions = {}): Promise<{ runtime: Runtime; errors: string[] }> {
    const errors: string[] = [];
    const runtime = createRuntime({
      db: database(),
      graphs: source,
      concurrency: 2,
      webhooks: { timeoutMs: 5000, ...webhooks },
      reportError: (_where, err) => errors.push(err instanceof Error ? err.message : String(err)),
    });
    await runtime.start();
    runtimes.push(runtime);
    return { runtime, errors };
  }

  async function listen(host = "127.0.0.1", answer?: Parameters<typeof receiver>[1]): Promise<Receiver> {
    const r = await receiver(host, answer);
    receivers.push(r);
    return r;
  }

  /** Runs the quick graph with this webhook to its end (the webhook is sent before the run's end is returned by join). */
  async function runWith(runtime: Runtime, webhook: string, extra: Record<string, unknown> = {}): Promise<Run> {
    const threadId = (await repositories(database()).threads.create({ ownerId: owner })).id;
    const run = await runtime.runs.create(actor(), { threadId, assistantId: "quick", input: { steps: [] }, webhook, ...extra });
    return runtime.runs.join(actor(), run.id);
  }

  /** Waits for the run's webhook attempt to be over: an error was logged, or `received` got it. */
  async function settled(errors: string[], runId: string): Promise<string | undefined> {
    for (let i = 0; i < 200; i++) {
      const found = errors.find((e) => e.includes(runId));
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return undefined;
  }

  it.each(REFUSED)("refuses to create a run with webhook %s: invalid, naming the field", async (webhook) => {
    const { runtime } = await runtimeWith();
    const threadId = (await repositories(database()).threads.create({ ownerId: owner })).id;
    const err = await runtime.runs.create(actor(), { threadId, assistantId: "quick", webhook }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(classifyError(err)).toMatchObject({ kind: "invalid", field: "webhook" });
    expect((await runtime.runs.list(actor(), { threadId })).items).toEqual([]);
  });

  it("does not call a public-looking name that resolves to 127.0.0.1", async () => {
    const target = await listen();
    const port = new URL(target.url).port;
    const resolved: string[] = [];
    const resolve: WebhookResolver = async (host) => {
      resolved.push(host);
      return [{ address: "127.0.0.1", family: 4 }];
    };
    const { runtime, errors } = await runtimeWith({ resolve });
    const run = await runWith(runtime, `http://hooks.example.com:${port}/hook?token=secret`);
    expect(run.status).toBe("success");
    const error = await settled(errors, run.id);
    expect(error).toMatch(/hooks\.example\.com resolves to 127\.0\.0\.1, a loopback address/);
    expect(error).not.toContain("token=secret");
    expect(resolved).toEqual(["hooks.example.com"]);
    expect(target.requests).toEqual([]);
  });

  it("refuses a name when any of its addresses is internal", async () => {
    const target = await listen();
    const resolve: WebhookResolver = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.7", family: 4 },
    ];
    const { runtime, errors } = await runtimeWith({ resolve });
    const run = await runWith(runtime, `http://mixed.example.com:${new URL(target.url).port}/`);
    expect(await settled(errors, run.id)).toMatch(/resolves to 10\.0\.0\.7, a private/);
    expect(target.requests).toEqual([]);
  });

  it("with 127.0.0.1 allowed, a local receiver gets the run without its config or context", async () => {
    const target = await listen();
    const { runtime, errors } = await runtimeWith({ allow: ["127.0.0.1"] });
    const run = await runWith(runtime, `${target.url}/hook`, {
      config: { configurable: { api_key: "sk-secret-config" }, tags: ["t"] },
      context: { token: "secret-context" },
      metadata: { team: "blue" },
    });
    const body = (await target.first) as Record<string, unknown>;
    expect(body).toMatchObject({ run_id: run.id, thread_id: run.threadId, status: "success", metadata: { team: "blue" }, error: null });
    expect(body["kwargs"]).toMatchObject({ input: { steps: [] }, webhook: `${target.url}/hook` });
    expect(JSON.stringify(body)).not.toMatch(/secret|configurable|"config"|"context"/);
    expect(target.requests.map((r) => r.path)).toEqual(["/hook"]);
    expect(errors.filter((e) => e.includes(run.id))).toEqual([]);
  });

  it("with a CIDR allowed, a name resolving into it is called at the address that was checked", async () => {
    const target = await listen();
    // the system resolver knows no such name: the POST arriving proves the connection used the checked address
    const resolve: WebhookResolver = async () => [{ address: "127.0.0.1", family: 4 }];
    const { runtime } = await runtimeWith({ allow: ["127.0.0.0/8"], resolve });
    const run = await runWith(runtime, `http://receiver.invalid:${new URL(target.url).port}/named`);
    expect(await target.first).toMatchObject({ run_id: run.id });
    expect(target.requests.map((r) => r.path)).toEqual(["/named"]);
  });

  it("does not follow a redirect to an internal address", async () => {
    const inside = await listen("127.0.0.2");
    const outside = await listen("127.0.0.1", (_req, res) => {
      res.writeHead(307, { location: `${inside.url}/internal` });
      res.end();
    });
    const { runtime, errors } = await runtimeWith({ allow: ["127.0.0.1/32"] });
    const run = await runWith(runtime, `${outside.url}/hook`);
    await outside.first;
    expect(await settled(errors, run.id)).toMatch(/answered 307 .*redirects are not followed/);
    expect(inside.requests).toEqual([]);
  });

  it("gives up on a receiver that does not answer within the timeout, and the run is unchanged", async () => {
    const silent = await listen("127.0.0.1", () => {});
    const { runtime, errors } = await runtimeWith({ allow: ["127.0.0.1"], timeoutMs: 200 });
    const run = await runWith(runtime, `${silent.url}/slow`);
    expect(run.status).toBe("success");
    expect(await settled(errors, run.id)).toMatch(/no answer within 200 ms/);
    expect(silent.requests).toHaveLength(1);
  });

  it("checks again when sending: a stored run's webhook the policy now forbids is not called", async () => {
    const target = await listen();
    const { runtime } = await runtimeWith({ allow: ["127.0.0.1"] });
    const run = await runWith(runtime, `${target.url}/old`);
    await target.first;
    // as a server without the allowance would, executing a run stored with that webhook
    const errors: string[] = [];
    const strict = { policy: webhookPolicy(), resolve: systemResolver, timeoutMs: 1000 };
    await sendWebhook(`${target.url}/old`, run, strict, (err) => errors.push(String(err)));
    expect(errors.join()).toMatch(/127\.0\.0\.1, a loopback address/);
    expect(target.requests).toHaveLength(1);
  });
});
