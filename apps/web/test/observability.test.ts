/**
 * What an operator running the server in production reads: JSON request and run
 * logs without secrets, Prometheus metrics on /metrics for admins only, and (with
 * OTEL_EXPORTER_OTLP_ENDPOINT) one trace per run: the HTTP request's span, the
 * run's span under it, a span per graph node under that. Against the real server
 * (server.ts in its own process); the traces go to a small OTLP/HTTP receiver here.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../packages/runtime/test/fixtures/free-port.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../../../packages/api/test/support/test-server.ts";

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function logLines(output: string): LogLine[] {
  return output
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as LogLine);
}

async function eventually<T>(look: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = look();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A thread and a run on it that the REST door waits for; the run's ids. */
async function runToEnd(apiUrl: string, key: string, assistant: string, headers: Record<string, string> = {}) {
  const h = { "x-api-key": key, "content-type": "application/json", ...headers };
  const thread = (await (await fetch(`${apiUrl}/threads`, { method: "POST", headers: h, body: "{}" })).json()) as { thread_id: string };
  const res = await fetch(`${apiUrl}/threads/${thread.thread_id}/runs/wait`, {
    method: "POST",
    headers: h,
    body: JSON.stringify({ assistant_id: assistant, input: {}, config: { configurable: { step_delay_ms: 1 } } }),
  });
  expect(res.status).toBe(200);
  await res.json();
  return { threadId: thread.thread_id, runId: /\/runs\/([^/]+)$/.exec(res.headers.get("content-location") ?? "")?.[1] };
}

const OPERATOR = "operator@example.com";
const PASSWORD = "operator-password-0123456789";

/** An operator's session cookie (`name=value`), as the dashboard holds it after sign-in. */
async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ email: OPERATOR, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!.trim())
    .find((c) => /session_token=./.test(c));
  expect(cookie).toBeDefined();
  return cookie!;
}

describe("logs and metrics", () => {
  let server: TestServer;
  let apiUrl: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { LOG_LEVEL: "info", AUTH_BOOTSTRAP_EMAIL: OPERATOR, AUTH_BOOTSTRAP_PASSWORD: PASSWORD } });
    apiUrl = `${server.url}/api/langgraph`;
  }, 120_000);
  afterAll(() => server?.stop());

  it("logs requests and runs as JSON with ids, and never a key or a cookie", async () => {
    const { key, user } = await server.user();
    const badKey = "lgrs_this-key-does-not-exist-0123456789abcdef";
    const cookie = "better-auth.session_token=cookie-secret-0123456789.abcdef";

    const ok = await fetch(`${apiUrl}/assistants/search`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "x-request-id": "trace-me-42" },
      body: "{}",
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-request-id")).toBe("trace-me-42");
    const bad = await fetch(`${apiUrl}/threads`, { method: "POST", headers: { "x-api-key": badKey, "x-request-id": "no spaces allowed" } });
    expect(bad.status).toBe(401);
    // an id with spaces is not taken: a fresh one is made
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetch(`${server.url}/api/trpc/threads.list`, { headers: { cookie } })).status).toBe(401);
    const session = await signIn(server.url);
    expect((await fetch(`${server.url}/api/trpc/account.me`, { headers: { cookie: session } })).status).toBe(200);
    const { threadId, runId } = await runToEnd(apiUrl, key, "agent");

    const lines = await eventually(() => {
      const all = logLines(server.output());
      return all.some((l) => l.event === "run.finished" && l.runId === runId) ? all : undefined;
    }, "the run's finished log line");
    const request = lines.find((l) => l.msg === "request" && l.reqId === "trace-me-42");
    expect(request).toMatchObject({ method: "POST", route: "/api/langgraph/assistants/search", status: 200 });
    expect(typeof request?.durationMs).toBe("number");
    expect(lines.find((l) => l.msg === "request" && l.status === 401 && l.method === "POST")).toBeDefined();
    const run = lines.filter((l) => l.runId === runId);
    expect(run.map((l) => l.event)).toEqual(["run.queued", "run.started", "run.finished"]);
    for (const l of run) expect(l).toMatchObject({ threadId, ownerId: user.id, assistantId: expect.any(String) });
    expect(run[2]).toMatchObject({ status: "success", durationMs: expect.any(Number) });

    const output = server.output();
    const sessionToken = session.slice(session.indexOf("=") + 1);
    for (const secret of [key, badKey, ADMIN_KEY, "cookie-secret-0123456789", sessionToken, PASSWORD]) expect(output).not.toContain(secret);
  });

  it("logs a WebSocket when it closes, a refused one with its status, and a request the parser refused", async () => {
    const { key } = await server.user();
    const socketUrl = `${server.url.replace(/^http/, "ws")}/api/langgraph/threads/${randomUUID()}/stream/events`;
    const ws = new WebSocket(socketUrl, { headers: { "x-api-key": key, "x-request-id": "socket-7" } });
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    ws.close();
    const refused = new WebSocket(socketUrl, {
      headers: { "x-api-key": "lgrs_wrong-0123456789abcdef0123456789", "x-request-id": "socket-8" },
    });
    expect(await new Promise((resolve) => refused.once("unexpected-response", (_req, res) => resolve(res.statusCode)))).toBe(401);
    const oversized = await fetch(`${apiUrl}/info`, { headers: { "x-big": "a".repeat(20_000) } });
    expect(oversized.status).toBe(431);

    const lines = await eventually(() => {
      const all = logLines(server.output()).filter((l) => l.msg === "request");
      const found = ["socket-7", "socket-8"].map((id) => all.find((l) => l.reqId === id));
      const parser = all.find((l) => l.status === 431);
      return found.every(Boolean) && parser ? { opened: found[0]!, denied: found[1]!, parser } : undefined;
    }, "the sockets' and the refused request's log lines");
    expect(lines.opened).toMatchObject({
      method: "GET",
      route: "/api/langgraph/threads/:id/stream/events",
      status: 101,
      upgrade: "websocket",
    });
    expect(typeof lines.opened.durationMs).toBe("number");
    expect(lines.denied).toMatchObject({ status: 401, upgrade: "websocket" });
    expect(lines.parser).toMatchObject({ path: "/api/langgraph/info", route: "/api/langgraph/info", error: "HPE_HEADER_OVERFLOW" });
  });

  it("serves /metrics to admins only, with the run counted", async () => {
    const { key } = await server.user();
    const before = await fetch(`${server.url}/metrics`, { headers: { "x-api-key": ADMIN_KEY } }).then((r) => r.text());
    const counted = (text: string) => Number(/^lgrs_runs_total\{status="success",assistant_id="[^"]+"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    await runToEnd(apiUrl, key, "agent");

    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { "x-api-key": key } })).status).toBe(403);
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(counted(text)).toBe(counted(before) + 1);
    expect(text).toMatch(/^lgrs_run_duration_seconds_count\{status="success"\} \d+$/m);
    expect(text).toMatch(/^lgrs_run_queue_wait_seconds_count \d+$/m);
    expect(text).toMatch(/^lgrs_run_first_event_seconds_count \d+$/m);
    expect(text).toMatch(/^lgrs_run_queue_depth 0$/m);
    expect(text).toMatch(/^lgrs_active_streams \d+$/m);
    expect(text).toMatch(/^lgrs_stream_subscribers \d+$/m);
    // the agent graph's fake model reports its tokens
    expect(text).toMatch(/^lgrs_llm_tokens_total\{model="[^"]+",kind="output"\} \d+$/m);
    // ids in paths become :id, so each route is one series
    expect(text).toMatch(
      /^lgrs_http_request_duration_seconds_count\{method="POST",route="\/api\/langgraph\/threads\/:id\/runs\/wait",status="200"\} \d+$/m,
    );
  });
});

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string } }[];
}

/** A collector's OTLP/HTTP JSON endpoint: what the server's exporter sends, kept here. */
async function otlpReceiver(): Promise<{ server: Server; url: string; spans: OtlpSpan[] }> {
  const spans: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const doc = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, spans };
}

describe("traces, and metrics on a port of their own", () => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let metricsPort: number;
  beforeAll(async () => {
    receiver = await otlpReceiver();
    metricsPort = await freePort();
    server = await startTestServer({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: "50",
        LOG_LEVEL: "warn",
        METRICS_PORT: String(metricsPort),
      },
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    receiver?.server.close();
  });

  it("follows one run: its HTTP request, the run, each graph node, in the caller's trace", async () => {
    const { key } = await server.user();
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const { runId } = await runToEnd(`${server.url}/api/langgraph`, key, "slow", {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    const steps = ["plan", "research", "draft", "review", "publish"];
    const spans = await eventually(() => {
      const mine = receiver.spans.filter((s) => s.traceId === traceId);
      return mine.filter((s) => s.name.startsWith("node ")).length >= steps.length && mine.some((s) => s.name === "run") ? mine : undefined;
    }, "the run's spans");
    const http = spans.find((s) => s.name === "POST /api/langgraph/threads/:id/runs/wait");
    expect(http).toBeDefined();
    // the caller's span is the request's parent: the trace started outside continues here
    expect(http!.parentSpanId).toBe("00f067aa0ba902b7");
    const run = spans.find((s) => s.name === "run")!;
    expect(run.parentSpanId).toBe(http!.spanId);
    expect(run.attributes).toContainEqual({ key: "lgrs.run_id", value: { stringValue: runId } });
    const nodes = spans.filter((s) => s.name.startsWith("node "));
    expect(nodes.map((s) => s.name).sort()).toEqual(steps.map((s) => `node ${s}`).sort());
    for (const node of nodes) expect(node.parentSpanId).toBe(run.spanId);
  });

  it("serves /metrics without credentials on METRICS_PORT, and still to admins only on PORT", async () => {
    const res = await fetch(`http://localhost:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^# TYPE lgrs_runs_total counter$/m);
    expect((await fetch(`http://localhost:${metricsPort}/api/health`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  });
});
