/**
 * Fan-out subscribers in a thread of their own: each worker joins `count` SDK
 * subscribers to the run it is told of and reports when each got what. Fifty
 * subscribers are fifty clients; in one event loop, the SDK's parsing of fifty
 * streams and the GET each makes as its stream ends queue behind one another and
 * would be measured as the server's fan-out.
 */
import { parentPort, workerData } from "node:worker_threads";
import { sdkClient } from "./sdk-client.ts";
import { clock, type SubscriberReading } from "./stats.ts";

export interface FanoutWorkerData {
  apiUrl: string;
  apiKey: string;
  count: number;
}

const { apiUrl, apiKey, count } = workerData as FanoutWorkerData;
const client = sdkClient(apiUrl, apiKey);

async function subscribe(threadId: string, runId: string): Promise<SubscriberReading> {
  const joinedAt = clock();
  let firstAt = Number.NaN;
  let lastAt = Number.NaN;
  let events = 0;
  for await (const part of client.runs.joinStream(threadId, runId, { lastEventId: "-1" })) {
    events++;
    lastAt = clock();
    if (Number.isNaN(firstAt) && part.event !== "metadata") firstAt = lastAt;
  }
  return { joinedAt, firstAt, lastAt, endAt: clock(), events };
}

/** `{ threadId, runId, warmUp }`: warm-up joins of a finished run (replayed; the SDK's code JIT-compiled), then the measured one. */
parentPort!.on("message", async ({ threadId, runId, warmUp }: { threadId: string; runId: string; warmUp?: number }) => {
  try {
    if (warmUp) {
      for (let i = 0; i < warmUp; i++) await Promise.all(Array.from({ length: count }, () => subscribe(threadId, runId)));
      parentPort!.postMessage({ ready: true });
      return;
    }
    parentPort!.postMessage({ readings: await Promise.all(Array.from({ length: count }, () => subscribe(threadId, runId))) });
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
parentPort!.postMessage({ ready: true });
