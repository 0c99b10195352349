/**
 * The run server's typed tRPC client for apps outside this repository: `AppRouter`
 * and `createClient`, which is @lgrs/api's own client (batched HTTP, subscriptions
 * over server-sent events, the server's superjson transformer) typed with it.
 */
import { createApiClient } from "@lgrs/api/client";
import type { AppRouter } from "./app-router.ts";

export type { AppRouter } from "./app-router.ts";
export type { JsonArray, JsonObject, JsonValue } from "./json.ts";
export type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

export interface ClientOptions {
  /** the server's origin, e.g. http://localhost:3000 */
  url: string;
  /** an API key of the server (`npm run admin -- key create`), sent as `x-api-key` */
  apiKey?: string | undefined;
  /** other headers for every call */
  headers?: Record<string, string> | undefined;
}

/** A typed client of the server at `url`: queries and mutations batched over HTTP, subscriptions over server-sent events. */
export function createClient(options: ClientOptions) {
  return createApiClient<AppRouter>(options);
}

export type Client = ReturnType<typeof createClient>;
