export { appRouter, type AppRouter } from "./router.ts";
export { handleTrpcRequest, TRPC_ENDPOINT } from "./handler.ts";
export { trpcErrorBody, trpcErrorResponse } from "./error-response.ts";
export type { ApiServices, Context } from "./context.ts";
export type { RunChange } from "./routers/runs.ts";
export type { FieldIssue } from "./trpc.ts";
