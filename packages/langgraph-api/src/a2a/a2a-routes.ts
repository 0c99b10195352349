import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import type { JSONRPCResponse } from "@a2a-js/sdk";
import { A2AError, JsonRpcTransportHandler } from "@a2a-js/sdk/server";
import { findUnstorable } from "@lgrs/runtime";
import type { ShimEnv } from "../env.ts";
import { invalid } from "../http-errors.ts";
import { query } from "../validate.ts";
import { agentCard } from "./agent-card.ts";
import { AssistantAgent } from "./assistant-agent.ts";

type C = Context<ShimEnv>;

/**
 * Where this door is reached from the client's side (the request's URL up to the
 * route's own part): the agent card names its endpoint there.
 */
function doorUrl(c: C, routePart: RegExp): string {
  const url = new URL(c.req.url);
  return `${url.origin}${url.pathname.replace(routePart, "")}`;
}

const RPC_PART = /\/a2a\/[^/]*\/?$/;
const CARD_PART = /\/\.well-known\/agent-card\.json$/;

/** The assistant (an id, or a graph id for its default one) as the caller may see it: the runtime decides; unknown is a 404. */
async function assistantOf(c: C, assistantId: string) {
  return c.var.services.runtime.assistants.get(c.var.caller, assistantId);
}

/** A JSON-RPC error answered before the SDK sees the request (malformed JSON), in its shape. */
function rpcError(c: C, error: A2AError, status: 400) {
  return c.json({ jsonrpc: "2.0", id: null, error: error.toJSONRPCError() }, status);
}

const isStream = (answer: unknown): answer is AsyncGenerator<JSONRPCResponse> =>
  typeof (answer as AsyncGenerator | null)?.[Symbol.asyncIterator] === "function";

/**
 * POST /a2a/{assistant_id}: A2A's JSON-RPC binding, dispatched by the official SDK's
 * transport handler to the assistant as an agent (message/send, message/stream,
 * tasks/get, tasks/cancel). Streams answer server-sent events, one JSON-RPC
 * response per event, as the SDK's clients read them.
 */
async function rpc(c: C) {
  const assistant = await assistantOf(c, c.req.param("assistant_id") ?? "");
  const text = await c.req.text();
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch {
    return rpcError(c, A2AError.parseError("Invalid JSON payload."), 400);
  }
  // the same refusal as every body of the door: a value no database can take never reaches a run
  const problem = findUnstorable(request, c.var.services.runtime.limits.maxJsonDepth, "body");
  if (problem) throw invalid([problem]);

  const agent = new AssistantAgent(c.var.services.runtime, c.var.caller, assistant, agentCard(assistant, doorUrl(c, RPC_PART)));
  const answer = await new JsonRpcTransportHandler(agent).handle(request);
  if (!isStream(answer)) return c.json(answer);
  c.header("X-Accel-Buffering", "no");
  const id = (request as { id?: string | number | null }).id ?? null;
  return streamSSE(c, async (stream) => {
    // the client left: stop following the run (it goes on, and tasks/get finds it)
    stream.onAbort(() => void answer.return(undefined));
    try {
      for await (const response of answer) await stream.writeSSE({ data: JSON.stringify(response) });
    } catch (err) {
      const error = err instanceof A2AError ? err : A2AError.internalError("internal error: the server logged it");
      if (!(err instanceof A2AError)) c.var.services.runtime.reportError("a2a: stream failed", err);
      await stream.writeSSE({ event: "error", data: JSON.stringify({ jsonrpc: "2.0", id, error: error.toJSONRPCError() }) });
    }
  });
}

const cardQuery = z.object({ assistant_id: z.string().min(1) }).strict();

export const a2aRoutes = new Hono<ShimEnv>()
  .post("/a2a/:assistant_id", rpc)
  // LangGraph Platform's layout: one well-known card per assistant, chosen by query
  .get("/.well-known/agent-card.json", async (c) => {
    const { assistant_id } = query(c, cardQuery);
    return c.json(agentCard(await assistantOf(c, assistant_id), doorUrl(c, CARD_PART)));
  });
