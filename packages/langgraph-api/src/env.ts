import type { ApiServices, Caller } from "@lgrs/api";

/** What every handler of the shim finds on its context. */
export type ShimEnv = {
  Variables: {
    services: ApiServices;
    caller: Caller;
  };
};
