import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { Run, RunEvents } from "@lgrs/runtime";

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
  c.header("X-Accel-Buffering", "no");
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => leave.abort());
    const heartbeat = setInterval(() => {
      stream.write(": heartbeat\n\n").catch(() => leave.abort());
    }, HEARTBEAT_INTERVAL);
    try {
      for await (const item of items) {
        if (item.type === "end") break;
        if (item.type === "event") await stream.writeSSE({ id: String(item.id), event: item.event, data: JSON.stringify(item.data) });
      }
    } finally {
      clearInterval(heartbeat);
    }
  });
}

/** An abort controller that fires when the request's client goes away, for the runtime calls that follow a run. */
export function leaveSignal(c: Context): AbortController {
  const leave = new AbortController();
  const signal = c.req.raw.signal;
  if (signal.aborted) leave.abort();
  else signal.addEventListener("abort", () => leave.abort(), { once: true });
  return leave;
}
