import { Client } from "@langchain/langgraph-sdk";

/** A client per bench: the SDK's default queue of 4 calls at a time would measure the client, not the server. */
export function sdkClient(apiUrl: string, apiKey: string): Client {
  return new Client({ apiUrl, apiKey, callerOptions: { maxConcurrency: Number.POSITIVE_INFINITY, maxRetries: 0 } });
}
