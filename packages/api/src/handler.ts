import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createContext, type ApiServices } from "./context.ts";
import { appRouter } from "./router.ts";

export const TRPC_ENDPOINT = "/api/trpc";

/** Serves the API for a fetch Request (the Next.js route handler calls this). */
export function handleTrpcRequest(services: ApiServices, req: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req,
    router: appRouter,
    createContext: () => createContext(services, req),
    // answered 400 before any call runs: a batch is bounded like a body
    maxBatchSize: services.runtime.limits.maxBatchSize,
    onError({ error, path }) {
      // only our own faults are worth a log line; the caller got a clear error for the rest
      if (error.code === "INTERNAL_SERVER_ERROR") services.runtime.reportError(`trpc: ${path ?? "?"}`, error.cause ?? error);
    },
  });
}
