import type { AuthService, Caller } from "@lgrs/auth";
import type { Runtime } from "@lgrs/runtime";

/** What the LangGraph door is served over: built once per process by the web app. */
export interface LanggraphServices {
  runtime: Runtime;
  auth: AuthService;
}

/** What every handler of the shim finds on its context. */
export type ShimEnv = {
  Variables: {
    services: LanggraphServices;
    caller: Caller;
  };
};
