export { appRouter, type AppRouter } from "./router.ts";
export { handleTrpcRequest, TRPC_ENDPOINT } from "./handler.ts";
export type { ApiServices, Context } from "./context.ts";
export type { RunChange } from "./routers/runs.ts";
export type { FieldIssue } from "./trpc.ts";
export { createAuth, type Auth, type AuthOptions } from "./auth/auth.ts";
export { resolveCaller, presentedApiKey, type Caller } from "./auth/caller.ts";
export { bootstrapAuth, FIRST_START_ADMIN, BOOTSTRAP_KEY_OWNER, type BootstrapSettings } from "./auth/bootstrap.ts";
export { ensureOperator, setPassword, generateApiKey } from "./auth/operators.ts";
