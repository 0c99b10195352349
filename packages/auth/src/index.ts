export { createAuth, type Auth, type AuthOptions } from "./better-auth.ts";
export { resolveCaller, presentedApiKey, type Caller } from "./caller.ts";
export { bootstrapAuth, FIRST_START_ADMIN, BOOTSTRAP_KEY_OWNER, type BootstrapSettings } from "./bootstrap.ts";
export { ensureOperator, setPassword, generateApiKey } from "./operators.ts";
