import type { Context } from "hono";
import { jsonText, type Run, type RunEvents } from "@lgrs/runtime";

/** Idle streams get a comment this often: it keeps proxies from cutting them and arms the SDK's idle watchdog. */
export const HEARTBEAT_MS = 5_000;

/** The heartbeat interval: LANGGRAPH_SSE_HEARTBEAT_MS (at least 50 ms) when set, else HEARTBEAT_MS. */
export function heartbeatMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = Number(env["LANGGRAPH_SSE_HEARTBEAT_MS"]);
  return Number.isFinite(raw) && raw >= 50 ? raw : HEARTBEAT_MS;
}

/** Read once: the environment does not change while the server runs. */
const HEARTBEAT_INTERVAL = heartbeatMs();

/** The paths the SDK reads from a stream's headers: the run (its id), and where to reconnect. */
export function runLocation(run: Run): { contentLocation: string; location: string } {
  const path = `/threads/${run.threadId}/runs/${run.id}`;
  return { contentLocation: path, location: `${path}/stream` };
}

/**
 * A run's events as server-sent events, exactly as the LangGraph SDK reads them:
 * `event:` the stream mode (`mode|ns` for subgraphs), `data:` JSON, `id:` the
 * event's id on every frame, heartbeat comments while idle; the response closes
 * after the run's last event. `leave` is the signal the events were opened with:
 * it aborts when the client goes away.
 */
export function runStreamResponse(c: Context, { run, items }: RunEvents, leave: AbortController): Response {
  const { contentLocation, location } = runLocation(run);
  c.header("Content-Location", contentLocation);
  c.header("Location", location);
  return sseResponse(c, frames(items), leave);
}

/** A run's items as SSE frames, up to its end marker. */
async function* frames(items: RunEvents["items"]): AsyncIterable<SseFrame> {
  for await (const item of items) {
    if (item.type === "end") return;
    if (item.type === "event") yield { id: String(item.id), event: item.event, data: item.data };
  }
}

/** One server-sent event: `data` is sent as JSON. */
export interface SseFrame {
  id: string;
  event: string;
  data: unknown;
}

/**
 * Frames as server-sent events, with heartbeat comments while idle (proxies keep the
 * connection, the SDK's idle watchdog stays armed). `leave` aborts when the client goes
 * away, which ends the iteration behind `frames`. A stream that may wait long for its
 * first frame (one that follows a thread) says `connected` at once: the headers go out
 * with the first bytes, and the client must not wait for them.
 *
 * The body is one ReadableStream that pulls the next frame when the server has written
 * the last: each event costs a single hop to the socket (hono's streamSSE passes it
 * through a writer, a TransformStream and a second ReadableStream, which was several
 * promises per token).
 */
export function sseResponse(
  c: Context,
  frames: AsyncIterable<SseFrame>,
  leave: AbortController,
  options: { connected?: boolean } = {},
): Response {
  const iterator = frames[Symbol.asyncIterator]();
  let heartbeat: NodeJS.Timeout | undefined;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    leave.abort();
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (options.connected) controller.enqueue(CONNECTED);
      heartbeat = setInterval(() => {
        try {
          controller.enqueue(HEARTBEAT);
        } catch {
          // the stream has closed under the timer: nobody is listening any more
          finish();
        }
      }, HEARTBEAT_INTERVAL);
    },
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) {
          finish();
          controller.close();
        } else {
          controller.enqueue(encoder.encode(frameText(next.value)));
        }
      } catch (err) {
        // the events failed mid-stream: the status has gone out, so the stream just ends (and the error is logged)
        finish();
        c.var.services.runtime.reportError(`langgraph-api: stream of ${c.req.method} ${c.req.path}`, err);
        controller.close();
      }
    },
    cancel() {
      // the client went away
      finish();
      void iterator.return?.()?.catch(() => {});
    },
  });
  c.header("Content-Type", "text/event-stream");
  c.header("Cache-Control", "no-cache");
  c.header("Connection", "keep-alive");
  c.header("X-Accel-Buffering", "no");
  return c.newResponse(body);
}

const encoder = new TextEncoder();
const CONNECTED = encoder.encode(": connected\n\n");
const HEARTBEAT = encoder.encode(": heartbeat\n\n");

/**
 * One frame's text. JSON has no raw line breaks (they are escaped inside strings), so
 * the data is one `data:` line. An event name is a stream mode with the namespace a
 * graph's node names make: a line break there would end the frame early, so it is cut.
 */
function frameText(frame: SseFrame): string {
  const event = frame.event.replace(LINE_BREAKS, "");
  return `${event ? `event: ${event}\n` : ""}data: ${jsonText(frame.data)}\nid: ${frame.id}\n\n`;
}

const LINE_BREAKS = /[\r\n]/g;

/** An abort controller that fires when the request's client goes away, for the runtime calls that follow a run. */
export function leaveSignal(c: Context): AbortController {
  const leave = new AbortController();
  const signal = c.req.raw.signal;
  if (signal.aborted) leave.abort();
  else signal.addEventListener("abort", () => leave.abort(), { once: true });
  return leave;
}
