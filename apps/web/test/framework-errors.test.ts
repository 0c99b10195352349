/**
 * The errors the server gives on its own, before or beside the two API doors: a
 * path it cannot decode, dot segments, oversized headers, a malformed request line,
 * a wrong method, an unknown path under /api. Each is JSON with a message, in the
 * shape of the door the path belongs to: tRPC's envelope under /api/trpc, the
 * LangGraph door's `{ detail }` elsewhere. Requests go over raw sockets, since
 * fetch and node:http clients would normalise or refuse these paths.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startTestServer, type TestServer } from "../../../packages/api/test/support/test-server.ts";

let server: TestServer;
let port: number;

beforeAll(async () => {
  server = await startTestServer();
  port = Number(new URL(server.url).port);
});
afterAll(() => server?.stop());

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `head` (request line and headers, no final blank line) and `body` as written, reads the answer until the server closes. */
function exchange(head: string, body = ""): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const [statusLine = "", ...lines] = text.slice(0, split).split("\r\n");
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
      );
      let rest = text.slice(split + 4);
      if (headers["transfer-encoding"] === "chunked") rest = unchunk(rest);
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: rest });
    });
    socket.write(`${head}\r\n\r\n${body}`);
  });
}

function unchunk(text: string): string {
  let out = "";
  let at = 0;
  for (;;) {
    const eol = text.indexOf("\r\n", at);
    const size = Number.parseInt(text.slice(at, eol), 16);
    if (!size) return out;
    out += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/** `method target` with the admin key; the connection closes after the answer. */
function ask(method: string, target: string, extraHeaders: string[] = []): Promise<Answer> {
  return exchange(
    [`${method} ${target} HTTP/1.1`, "Host: localhost", `x-api-key: ${ADMIN_KEY}`, "Connection: close", ...extraHeaders].join("\r\n"),
  );
}

/** The LangGraph door's error body: `{ detail }` with a message. */
function expectDetail(answer: Answer, status: number, message?: RegExp): void {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  const body = JSON.parse(answer.body) as { detail?: unknown };
  expect(typeof body.detail === "string" && body.detail.length > 0, answer.body).toBe(true);
  if (message) expect(body.detail).toMatch(message);
}

/** tRPC's error envelope (superjson transformer), as the tRPC door sends it. */
function expectTrpcError(answer: Answer, status: number, code: string): { message: string; code: number; data: Record<string, unknown> } {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  const { error } = JSON.parse(answer.body) as { error: { json: { message: string; code: number; data: Record<string, unknown> } } };
  expect(error.json.message.length).toBeGreaterThan(0);
  expect(error.json.data).toMatchObject({ code, httpStatus: status });
  return error.json;
}

describe("paths that cannot be decoded", () => {
  it("a bad % escape is a 400 with a message on both doors and on pages", async () => {
    expectDetail(await ask("GET", "/api/langgraph/threads/%E0%A4%A"), 400, /percent-escape/);
    expectDetail(await ask("GET", "/api/langgraph/threads/%zz"), 400, /percent-escape/);
    expectTrpcError(await ask("GET", "/api/trpc/threads.get%"), 400, "BAD_REQUEST");
    expectTrpcError(await ask("POST", "/api/trpc/threads.create%C0", ["content-length: 0"]), 400, "BAD_REQUEST");
    expectDetail(await ask("GET", "/threads/%E0%A4%A"), 400, /percent-escape/);
  });
});

describe("dot segments", () => {
  it("are not resolved into another endpoint: 404 in the shape of the door asked for", async () => {
    expectDetail(await ask("GET", "/api/langgraph/../x"), 404, /no endpoint/);
    expectDetail(await ask("GET", "/api/langgraph/./info"), 404, /no endpoint/);
    expectDetail(await ask("GET", "/api/langgraph/%2E%2E/health"), 404, /no endpoint/);
    expectDetail(await ask("GET", "/api/../api/health"), 404, /no endpoint/);
    expectDetail(await ask("GET", "/dashboard/../api/health"), 404, /no endpoint/);
    expectTrpcError(await ask("GET", "/api/trpc/%2e%2e/x"), 404, "NOT_FOUND");
    expectTrpcError(await ask("GET", "/api/trpc/%2e%2e/langgraph/info"), 404, "NOT_FOUND");
    expectTrpcError(await ask("GET", "/api/trpc\\..\\langgraph\\info"), 404, "NOT_FOUND");
  });
});

describe("requests Node's parser refuses", () => {
  const long = "a".repeat(20_000);

  it("a URL over the header limit is a 431 with a message; under /api/trpc in tRPC's shape", async () => {
    const trpc = await ask("GET", `/api/trpc/threads.list?input=${long}`);
    expectTrpcError(trpc, 431, "PAYLOAD_TOO_LARGE");
    expect(trpc.headers.connection).toBe("close");
    expectDetail(await ask("GET", `/api/langgraph/threads/${long}`), 431, /too large/);
  });

  it("a client still sending an oversized URL after the answer came is not cut off: it reads the 431", async () => {
    const answer = await new Promise<{ text: string; writeError: Error | null }>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      let text = "";
      let writeError: Error | null = null;
      socket.on("data", (d: Buffer) => {
        const first = text === "";
        text += d.toString("utf8");
        // the rest of the URL goes out only now, once the parser has refused the request
        if (first) for (let i = 0; i < 8; i++) socket.write("b".repeat(64_000), (err) => void (err && (writeError ??= err)));
        if (first) socket.end(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
      });
      socket.on("error", reject);
      socket.on("close", () => resolve({ text, writeError }));
      socket.write(`GET /api/langgraph/threads/${long}`);
    });
    expect(answer.writeError).toBeNull();
    expect(answer.text).toMatch(/^HTTP\/1\.1 431 /);
  });

  it("a header over the limit is a 431 with a message", async () => {
    expectDetail(await ask("GET", "/api/langgraph/info", [`x-big: ${long}`]), 431, /too large/);
  });

  it("a malformed request line is a 400 with a message", async () => {
    expectDetail(await exchange("FOO /api/x HTTP/1.1\r\nHost: localhost"), 400, /malformed/);
    expectDetail(await exchange("GET /api/health HTTP/1.1\r\nHost: localhost\r\nbad header line"), 400, /malformed/);
  });

  it("the server keeps serving afterwards", async () => {
    const health = await ask("GET", "/api/health/live");
    expect(health.status).toBe(200);
  });
});

describe("wrong methods", () => {
  it("on a tRPC procedure: 405 in tRPC's shape, naming the methods it takes", async () => {
    for (const method of ["PUT", "PATCH", "DELETE", "TRACE", "PROPFIND"]) {
      const answer = await ask(method, "/api/trpc/threads.list", ["content-length: 0"]);
      expectTrpcError(answer, 405, "METHOD_NOT_SUPPORTED");
      expect(answer.headers.allow).toBe("GET, POST, OPTIONS");
    }
  });

  it("HEAD on a tRPC procedure is a 405 without a body (tRPC would answer any path 204)", async () => {
    for (const path of ["/api/trpc/threads.list", "/api/trpc/no.such.procedure"]) {
      const answer = await ask("HEAD", path);
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe("GET, POST, OPTIONS");
      expect(answer.body).toBe("");
    }
  });

  it("on the other routes: 405 with { detail } and Allow", async () => {
    const health = await ask("POST", "/api/health", ["content-length: 0"]);
    expectDetail(health, 405, /POST/);
    expect(health.headers.allow).toBe("GET, HEAD, OPTIONS");
    expectDetail(await ask("DELETE", "/api/health/live"), 405, /DELETE/);
    expectDetail(await ask("PUT", "/api/health/ready", ["content-length: 0"]), 405, /PUT/);
    const auth = await ask("PUT", "/api/auth/get-session", ["content-length: 0"]);
    expectDetail(auth, 405, /PUT/);
    expect(auth.headers.allow).toBe("GET, POST");
    expectDetail(await ask("PROPFIND", "/api/langgraph/threads"), 405, /PROPFIND/);
  });

  it("CONNECT (a proxy tunnel) is a 405 with a message", async () => {
    expectDetail(await exchange("CONNECT localhost:80 HTTP/1.1\r\nHost: localhost:80"), 405, /CONNECT/);
  });
});

describe("unknown paths under /api", () => {
  it("are JSON 404s, not the dashboard's HTML page", async () => {
    for (const path of ["/api", "/api/nope", "/api/health/nope", "/api/threads", "/api/auth/nope"]) {
      expectDetail(await ask("GET", path), 404, /no endpoint/);
    }
    expectDetail(await ask("POST", "/api/nope", ["content-length: 0"]), 404, /no endpoint POST/);
    expectDetail(await ask("GET", "/api/langgraph/nope"), 404, /no endpoint/);
  });

  it("under /api/trpc they are tRPC errors with the same envelope as the door's own", async () => {
    const own = expectTrpcError(await ask("GET", "/api/trpc/no.such.procedure"), 404, "NOT_FOUND");
    const bare = expectTrpcError(await ask("GET", "/api/trpc"), 404, "NOT_FOUND");
    expect(bare.code).toBe(own.code);
    // the door names the procedure it could not find; with no procedure asked for there is none to name
    const { path: _path, ...ownData } = own.data;
    expect(Object.keys(bare.data).sort()).toEqual(Object.keys(ownData).sort());
  });
});

describe("what worked keeps working", () => {
  it("both doors, health, CORS preflights and pages answer as before", async () => {
    const list = await ask("GET", `/api/trpc/threads.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`);
    expect(list.status, list.body).toBe(200);
    expect(JSON.parse(list.body)).toHaveProperty("result.data.json");
    const created = await exchange(
      [
        "POST /api/trpc/threads.create HTTP/1.1",
        "Host: localhost",
        `x-api-key: ${ADMIN_KEY}`,
        "content-type: application/json",
        "content-length: 11",
        "Connection: close",
      ].join("\r\n"),
      '{"json":{}}',
    );
    expect(created.status, created.body).toBe(200);
    const options = await ask("OPTIONS", "/api/trpc/threads.list");
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe("GET, POST, OPTIONS");

    expect((await ask("GET", "/api/langgraph/info")).status).toBe(200);
    expect((await ask("HEAD", "/api/langgraph/info")).status).toBe(200);
    const preflight = await ask("OPTIONS", "/api/langgraph/threads", [
      "Origin: https://app.example",
      "Access-Control-Request-Method: POST",
    ]);
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("*");

    expect((await ask("GET", "/api/health")).status).toBe(200);
    const live = await ask("HEAD", "/api/health/live");
    expect(live.status).toBe(200);
    expect(live.body).toBe("");
    expect((await ask("GET", "/api/auth/get-session")).status).toBe(200);
    // pages: dot segments outside /api are resolved by Next.js as before (to the sign-in redirect)
    expect((await ask("GET", "/runs/../threads")).status).toBe(307);
    expect((await ask("OPTIONS", "*")).status).toBe(204);
  });
});
