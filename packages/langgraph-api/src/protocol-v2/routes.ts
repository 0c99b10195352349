import { Hono, type Context } from "hono";
import { z } from "zod";
import type { ShimEnv } from "../env.ts";
import { leaveSignal, sseResponse, type SseFrame } from "../sse.ts";
import { body, uuidParam } from "../validate.ts";
import { commandEnvelope, errorFrame, runCommand } from "./commands.ts";
import { matches } from "./filter.ts";
import { threadEvents } from "./thread-events.ts";
import type { EventFilter, ProtocolEvent } from "./types.ts";

type C = Context<ShimEnv>;

/** What `POST /threads/{id}/stream/events` reads: the SDK's union of its subscriptions' filters. */
export const eventFilterBody = z
  .object({
    channels: z.array(z.string().min(1).max(200)).min(1).max(50),
    namespaces: z
      .array(z.array(z.string().max(1000)).max(50))
      .max(100)
      .optional(),
    depth: z.number().int().nonnegative().max(1000).optional(),
    since: z.number().int().nonnegative().optional(),
  })
  .strict();

/** A command: the result as a success frame, a refusal as its 4xx with the error frame and `detail`. */
async function command(c: C) {
  const threadId = uuidParam(c, "thread_id");
  const cmd = await body(c, commandEnvelope);
  try {
    return c.json(await runCommand({ runtime: c.var.services.runtime, caller: c.var.caller, threadId }, cmd));
  } catch (err) {
    const refused = errorFrame(cmd.id, err);
    if (!refused) throw err;
    return c.json({ detail: refused.frame.message, ...refused.frame }, refused.status);
  }
}

/**
 * The thread's events matching the filter, as server-sent events (`id:` the
 * event id, `event:` its method, `data:` the event), heartbeats while idle; open
 * until the client leaves, following the thread from one run to the next.
 */
async function events(c: C) {
  const threadId = uuidParam(c, "thread_id");
  const filter: EventFilter = await body(c, eventFilterBody);
  const leave = leaveSignal(c);
  const stream = await threadEvents(c.var.services.runtime, c.var.caller, threadId, leave.signal);
  return sseResponse(c, matching(filter, stream), leave, { connected: true });
}

async function* matching(filter: EventFilter, stream: AsyncIterable<ProtocolEvent>): AsyncIterable<SseFrame> {
  for await (const event of stream) if (matches(filter, event)) yield { id: event.event_id, event: event.method, data: event };
}

/** The thread-centric protocol over HTTP: commands, and filtered event streams (the SDK's default SSE transport). */
export const protocolRoutes = new Hono<ShimEnv>()
  .post("/threads/:thread_id/commands", command)
  .post("/threads/:thread_id/stream/events", events);
