import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { ThreadStreamEvent } from "@lgrs/runtime";
import { heartbeatMs } from "./sse.ts";

/** Read once: the environment does not change while the server runs. */
const HEARTBEAT_INTERVAL = heartbeatMs();

/**
 * A thread's stream as server-sent events: `event:` and `data:` as in a run's stream,
 * `id:` the thread-wide event id (what Last-Event-ID resumes from), heartbeat comments
 * while no run is going. It stays open until the client leaves (as LangGraph's does):
 * `leave` aborts then, which ends the runtime's iteration.
 */
export function threadStreamResponse(c: Context, events: AsyncIterable<ThreadStreamEvent>, leave: AbortController): Response {
  c.header("X-Accel-Buffering", "no");
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => leave.abort());
    const heartbeat = setInterval(() => {
      stream.write(": heartbeat\n\n").catch(() => leave.abort());
    }, HEARTBEAT_INTERVAL);
    try {
      for await (const e of events) await stream.writeSSE({ id: e.id, event: e.event, data: JSON.stringify(e.data) });
    } finally {
      clearInterval(heartbeat);
    }
  });
}
