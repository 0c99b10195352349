import type { ApiServices } from "@lgrs/api";
import type { Caller } from "@lgrs/auth";

/** What every handler of the shim finds on its context. */
export type ShimEnv = {
  Variables: {
    services: ApiServices;
    caller: Caller;
  };
};
