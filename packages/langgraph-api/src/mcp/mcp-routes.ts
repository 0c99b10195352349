import { Hono, type Context } from "hono";
import { findUnstorable } from "@lgrs/runtime";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  InitializeRequestSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { ShimEnv } from "../env.ts";
import { invalid } from "../http-errors.ts";
import { createMcpServer } from "./mcp-server.ts";

/**
 * The stateless endpoint has no stream of its own to offer on GET and no session to
 * end on DELETE: 405, which MCP clients take as "no such stream" (the spec's answer).
 */
function notAllowed(c: Context<ShimEnv>) {
  c.header("Allow", "POST");
  return c.json({ detail: `${c.req.method} /mcp: this MCP endpoint is stateless; send JSON-RPC messages with POST` }, 405);
}

/** The SDK's own schema of each request this server answers. */
const REQUESTS: Record<
  string,
  { safeParse(value: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }
> = {
  initialize: InitializeRequestSchema,
  ping: PingRequestSchema,
  "tools/list": ListToolsRequestSchema,
  "tools/call": CallToolRequestSchema,
};

/**
 * A request whose params do not fit its method's schema, answered as JSON-RPC's
 * invalid params naming each bad field; null when it fits (or is not a request we
 * answer: the server reports those itself). The SDK would parse them inside its
 * handler wrapper and answer an internal error instead.
 */
function invalidParams(message: unknown): object | null {
  if (!message || typeof message !== "object" || Array.isArray(message)) return null;
  const { id, method } = message as { id?: unknown; method?: unknown };
  const schema = typeof method === "string" && Object.hasOwn(REQUESTS, method) ? REQUESTS[method] : undefined;
  if (id === undefined || !schema) return null;
  const parsed = schema.safeParse(message);
  if (parsed.success) return null;
  const fields = (parsed.error?.issues ?? []).map((issue) => `${issue.path.map(String).join(".") || "request"}: ${issue.message}`);
  return { jsonrpc: "2.0", id, error: { code: ErrorCode.InvalidParams, message: `invalid ${method} request: ${fields.join("; ")}` } };
}

/**
 * POST /mcp: MCP's streamable HTTP transport (the official SDK's), stateless: every
 * assistant the caller may run is a tool. Auth is the door's: the request got here
 * with a caller.
 */
async function handle(c: Context<ShimEnv>): Promise<Response> {
  const text = await c.req.text();
  let parsedBody: unknown;
  try {
    parsedBody = JSON.parse(text);
  } catch {
    parsedBody = undefined; // the transport answers malformed JSON with its JSON-RPC parse error
  }
  if (parsedBody !== undefined) {
    // the same refusal as every body of the door: a value no database can take never reaches a run
    const problem = findUnstorable(parsedBody, c.var.services.runtime.limits.maxJsonDepth, "body");
    if (problem) throw invalid([problem]);
    const refusals = (Array.isArray(parsedBody) ? parsedBody : [parsedBody]).map(invalidParams);
    if (refusals.some(Boolean)) {
      // one bad request refuses the whole batch: a batch is answered as one
      const answers = refusals.filter(Boolean);
      return c.json(Array.isArray(parsedBody) ? answers : answers[0]!);
    }
  }
  // A client that takes event streams gets one: keep-alive comments flow while a tool's run
  // goes on, and its leaving is seen (the stream is cancelled), which a pending JSON answer
  // never tells. Any other client (curl) gets one JSON answer.
  const accept = c.req.header("accept") ?? "";
  const streamed = accept.includes("text/event-stream");
  const headers = new Headers(c.req.raw.headers);
  headers.set("accept", "application/json, text/event-stream");
  const request = new Request(c.req.raw.url, { method: "POST", headers, body: parsedBody === undefined ? text : null });

  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: !streamed });
  const server = createMcpServer(c.var.services.runtime, c.var.caller);
  await server.connect(transport);
  const close = () => void server.close();
  let response: Response;
  try {
    response = await transport.handleRequest(request, parsedBody === undefined ? {} : { parsedBody });
  } catch (err) {
    close();
    throw err;
  }
  if (!response.body || !response.headers.get("content-type")?.includes("text/event-stream")) {
    // a complete answer (JSON, or 202 for notifications): nothing of this request's server stays behind
    close();
    return response;
  }
  return new Response(closingWith(response.body, close), { status: response.status, headers: response.headers });
}

/**
 * The event stream as it is, calling `close` once it ends (every answer sent) or is
 * cancelled (the client left): closing the server aborts the tool calls still in
 * flight, and an aborted call cancels its run.
 */
function closingWith(body: ReadableStream<Uint8Array>, close: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        close();
      } else controller.enqueue(value);
    },
    cancel(reason) {
      close();
      return reader.cancel(reason);
    },
  });
}

export const mcpRoutes = new Hono<ShimEnv>().post("/mcp", handle).get("/mcp", notAllowed).delete("/mcp", notAllowed);
