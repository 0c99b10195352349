export { AuthService, createAuth } from "./auth-service.ts";
export type { AuthOptions } from "./better-auth.ts";
export type { Caller } from "./caller.ts";
export { PEER_ADDRESS_HEADER, type TrustedProxy } from "./client-address.ts";
export { FIRST_START_ADMIN, BOOTSTRAP_KEY_OWNER, type BootstrapSettings } from "./bootstrap.ts";
export { generateApiKey } from "./operators.ts";
export { VERIFIED_KEY_TTL_MS } from "./verified-keys.ts";
