import { Hono, type Context } from "hono";
import { findUnstorable } from "@lgrs/runtime";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
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

/**
 * POST /mcp: MCP's streamable HTTP transport (the official SDK's), stateless and
 * answering JSON. Every assistant the caller may run is a tool. Auth is the door's:
 * the request got here with a caller.
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
  }
  // we always answer JSON (no SSE), so a client that accepts only JSON is served too
  const headers = new Headers(c.req.raw.headers);
  headers.set("accept", "application/json, text/event-stream");
  const request = new Request(c.req.raw.url, { method: "POST", headers, body: parsedBody === undefined ? text : null });

  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  const server = createMcpServer(c.var.services.runtime, c.var.caller);
  await server.connect(transport);
  // the client went away: closing aborts the tool calls in flight, which cancels their runs
  c.req.raw.signal.addEventListener("abort", () => void server.close(), { once: true });
  try {
    return await transport.handleRequest(request, parsedBody === undefined ? {} : { parsedBody });
  } finally {
    // the JSON answer is complete once handleRequest returns: nothing of this request's server stays behind
    await server.close();
  }
}

export const mcpRoutes = new Hono<ShimEnv>().post("/mcp", handle).get("/mcp", notAllowed).delete("/mcp", notAllowed);
