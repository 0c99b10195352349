/**
 * Using the run server's typed tRPC API from a Node script.
 *
 * Creates a thread, starts a run of the `agent` graph and prints its events as
 * they arrive (the reply grows token by token), then starts a run of the `slow`
 * graph, cancels it after its first step and prints how it ended.
 *
 *   SERVER_URL=http://localhost:3000 API_KEY=<your key> node --import tsx examples/trpc-client.ts
 *
 * (from packages/api, where its dependencies are installed)
 */
import { createApiClient } from "@lgrs/api/client";

const SERVER_URL = process.env["SERVER_URL"] ?? "http://localhost:3000";
const API_KEY = process.env["API_KEY"];
if (!API_KEY) {
  console.error("Set API_KEY to an API key of the server (and SERVER_URL to its address, default http://localhost:3000).");
  process.exit(1);
}

// Queries and mutations go batched over HTTP; subscriptions over server-sent events, with
// the API key sent through the `eventsource` package's fetch (Node has no EventSource of
// its own, and a browser's cannot send headers). Outside this repository, @lgrs/client's
// createClient is this same client.
const client = createApiClient({ url: SERVER_URL, apiKey: API_KEY });

/**
 * Follows a run's event stream: calls `onEvent` for each event as it arrives and
 * resolves with the run's final status. Should the connection break, the client
 * reconnects by itself and resumes after the last event id it received.
 */
function follow(runId: string, onEvent: (event: string, data: unknown, id: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const subscription = client.runs.stream.subscribe(
      { runId },
      {
        onData({ id, data: item }) {
          if (item.type === "event") onEvent(item.event, item.data, id);
          else if (item.type === "gap") console.log(`  (events ${item.fromId}-${item.toId} are no longer kept)`);
          else {
            subscription.unsubscribe();
            resolve(item.status);
          }
        },
        onError: reject,
      },
    );
  });
}

async function main(): Promise<void> {
  const thread = await client.threads.create.mutate({ metadata: { source: "trpc-client example" } });
  console.log(`thread ${thread.id}`);

  // 1. An agent run: its reply arrives token by token as `messages` events ([chunk, metadata]).
  const run = await client.runs.create.mutate({
    threadId: thread.id,
    assistantId: "agent",
    input: { messages: [{ role: "user", content: "Hello from the tRPC example" }] },
    streamMode: ["messages-tuple"],
  });
  console.log(`agent run ${run.id}: ${run.status}`);
  let reply = "";
  const status = await follow(run.id, (event, data, id) => {
    if (event === "messages") {
      const [chunk] = data as [{ content: unknown }, unknown];
      reply += typeof chunk.content === "string" ? chunk.content : "";
      console.log(`  #${id} ${reply}`);
    } else {
      console.log(`  #${id} ${event}`);
    }
  });
  console.log(`agent run ended: ${status}`);
  console.log(`reply: ${reply}`);

  // 2. A slow run (five steps), cancelled once its first step is done. It is stateless
  //    (no thread of ours); its temporary thread is kept so the run can be looked at later.
  const slow = await client.runs.create.mutate({
    threadId: null,
    onCompletion: "keep",
    assistantId: "slow",
    input: {},
    streamMode: ["updates"],
  });
  console.log(`slow run ${slow.id}: ${slow.status}`);
  let cancelled: Promise<{ status: string }> | undefined;
  const streamEnd = await follow(slow.id, (event, data, id) => {
    console.log(`  #${id} ${event} ${JSON.stringify(data)}`);
    // `wait: true` answers once the run has stopped
    if (event === "updates") cancelled ??= client.runs.cancel.mutate({ runId: slow.id, action: "interrupt", wait: true });
  });
  console.log(`slow run stream ended: ${streamEnd}`);
  console.log(`slow run cancelled, final status: ${(await cancelled)?.status}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
