import type { Client } from "@langchain/langgraph-sdk";
import WebSocket from "ws";

/** A protocol v2 event as the SDK hands it to `onEvent`. */
export interface WireEvent {
  method: string;
  params: { namespace: string[]; data: { event?: string } };
}

/** Node has no global WebSocket: the SDK takes a factory, which sets the API key header (a browser would send its cookie). */
export function socketFactory(apiKey: string | undefined) {
  return (url: string) => new WebSocket(url, apiKey ? { headers: { "x-api-key": apiKey } } : {}) as unknown as globalThis.WebSocket;
}

/** The thread's runs once none is in flight. */
export async function settledRuns(client: Client, threadId: string) {
  const runs = await client.runs.list(threadId);
  for (const run of runs) await client.runs.join(threadId, run.run_id);
  return client.runs.list(threadId);
}
