import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCLink } from "@trpc/client";
import type { AnyRouter } from "@trpc/server";
import { EventSource } from "eventsource";
import { transformer } from "./transformer.ts";
import type { AppRouter } from "./router.ts";

export interface ApiClientOptions {
  /** the server's origin, e.g. http://localhost:3000 */
  url: string;
  /** sent as `x-api-key` */
  apiKey?: string;
  /** other headers for every call, e.g. a session cookie */
  headers?: Record<string, string>;
}

/**
 * A typed client for Node: queries and mutations batched over HTTP,
 * subscriptions over server-sent events (Node 20 has no global EventSource).
 * `TRouter` is for @lgrs/client, which types it with the router as outside apps see it.
 */
export function createApiClient<TRouter extends AnyRouter = AppRouter>(options: ApiClientOptions) {
  const headers = { ...options.headers, ...(options.apiKey ? { "x-api-key": options.apiKey } : {}) };
  const url = `${options.url.replace(/\/$/, "")}/api/trpc`;
  const link = splitLink<AppRouter>({
    condition: (op) => op.type === "subscription",
    true: httpSubscriptionLink({
      url,
      transformer,
      EventSource,
      eventSourceOptions: () => ({
        fetch: (input: string | URL | Request, init?: RequestInit) =>
          fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
      }),
    }),
    false: httpBatchLink({ url, transformer, headers, maxItems: 10, maxURLLength: 8000 }),
  });
  // A link sees operations, not procedures, and both routers declare the same transformer:
  // the server's link serves any router with its procedures.
  return createTRPCClient<TRouter>({ links: [link as unknown as TRPCLink<TRouter>] });
}

export type ApiClient = ReturnType<typeof createApiClient<AppRouter>>;
