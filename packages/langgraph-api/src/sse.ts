import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { Scope } from "@lgrs/db";
import type { Run, Runtime } from "@lgrs/runtime";

/** Idle streams get a comment this often: it keeps proxies from cutting them and arms the SDK's idle watchdog. */
export const HEARTBEAT_MS = 5_000;

/** The heartbeat interval: LANGGRAPH_SSE_HEARTBEAT_MS (at least 50 ms) when set, else HEARTBEAT_MS. */
export function heartbeatMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = Number(env["LANGGRAPH_SSE_HEARTBEAT_MS"]);
  return Number.isFinite(raw) && raw >= 50 ? raw : HEARTBEAT_MS;
}

/** Read once: the environment does not change while the server runs. */
const HEARTBEAT_INTERVAL = heartbeatMs();

export interface RunStreamOptions {
  /** resume after this event id (`Last-Event-ID`); -1 or absent: from the first event */
  lastEventId?: number;
  /** the client leaving before the end cancels the run (`on_disconnect=cancel`) */
  cancelOnDisconnect?: boolean;
  /** only events of these stream modes (join with `stream_mode`); `metadata` and `error` always pass */
  modes?: string[];
}

/** The paths the SDK reads from a stream's headers: the run (its id), and where to reconnect. */
export function runLocation(run: Run): { contentLocation: string; location: string } {
  const path = `/threads/${run.threadId}/runs/${run.id}`;
  return { contentLocation: path, location: `${path}/stream` };
}

function passes(event: string, modes: string[] | undefined): boolean {
  if (!modes?.length || event === "metadata" || event === "error") return true;
  const mode = event.split("|")[0]!.split("/")[0]!;
  return modes.some((m) => m === mode || (m === "messages-tuple" && mode === "messages"));
}

/**
 * A run's events as server-sent events, exactly as the LangGraph SDK reads them:
 * `event:` the stream mode (`mode|ns` for subgraphs), `data:` JSON, `id:` the
 * event's id on every frame, heartbeat comments while idle; the response closes
 * after the run's last event.
 */
export function runStreamResponse(c: Context, runtime: Runtime, scope: Scope, run: Run, options: RunStreamOptions = {}): Response {
  const { contentLocation, location } = runLocation(run);
  c.header("Content-Location", contentLocation);
  c.header("Location", location);
  c.header("X-Accel-Buffering", "no");
  return streamSSE(c, async (stream) => {
    const abort = new AbortController();
    stream.onAbort(() => abort.abort());
    c.req.raw.signal.addEventListener("abort", () => abort.abort(), { once: true });
    const heartbeat = setInterval(() => {
      stream.write(": heartbeat\n\n").catch(() => abort.abort());
    }, HEARTBEAT_INTERVAL);
    try {
      const lastEventId = options.lastEventId !== undefined && options.lastEventId >= 0 ? options.lastEventId : undefined;
      const items = runtime.runs.stream(scope, run.id, {
        lastEventId,
        signal: abort.signal,
        cancelOnDisconnect: options.cancelOnDisconnect,
      });
      for await (const item of items) {
        if (item.type === "end") break;
        if (item.type === "event" && passes(item.event, options.modes)) {
          await stream.writeSSE({ id: String(item.id), event: item.event, data: JSON.stringify(item.data) });
        }
      }
    } finally {
      clearInterval(heartbeat);
    }
  });
}
