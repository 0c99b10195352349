import type { Caller } from "@lgrs/auth";
import type { Runtime } from "@lgrs/runtime";
import { ProtocolFramer } from "./frames.ts";
import type { ProtocolEvent } from "./types.ts";

/**
 * The thread's protocol events for this caller, from its latest run on (a reader
 * that comes late or comes back replays the run from its first event, clients
 * drop what they already have by `event_id`), then every run the thread gets
 * next, until `signal` aborts. Resolves once the thread is known to be the
 * caller's: a missing or foreign thread is the runtime's NotFoundError.
 */
export async function threadEvents(
  runtime: Runtime,
  caller: Caller,
  threadId: string,
  signal: AbortSignal,
): Promise<AsyncIterable<ProtocolEvent>> {
  const items = await runtime.runs.followThread(caller, threadId, signal);
  const framer = new ProtocolFramer();
  return (async function* () {
    for await (const item of items) yield* framer.frame(item);
  })();
}
