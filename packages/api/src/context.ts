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
  /** why a mutation in this request would be a cross-site write with the session cookie (auth decides), or null */
  crossSiteWrite: string | null;
}

export async function createContext(services: ApiServices, req: { method: string; headers: Headers }): Promise<Context> {
  const caller = await services.auth.callerOf(req.headers);
  // asked as if it were a write: what counts as one here is the procedure's kind, not the HTTP method
  return { ...services, caller, crossSiteWrite: services.auth.crossSiteWrite(req, true) };
}
