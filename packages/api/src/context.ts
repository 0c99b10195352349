import type { Runtime } from "@lgrs/runtime";
import type { AuthService, Caller } from "@lgrs/auth";

/** What the API is served over: built once per process by the web app. */
export interface ApiServices {
  runtime: Runtime;
  auth: AuthService;
}

export interface Context extends ApiServices {
  /** null for a request without valid credentials */
  caller: Caller | null;
}

export async function createContext(services: ApiServices, headers: Headers): Promise<Context> {
  const caller = await services.auth.callerOf(headers);
  return { ...services, caller };
}
