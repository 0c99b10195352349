import type { Caller } from "@lgrs/auth";
import { LANGGRAPH_BASE_PATH } from "../app.ts";
import type { LanggraphServices } from "../env.ts";
import { ProtocolWsSession, type ProtocolSocket } from "./ws-session.ts";

const SOCKET_PATH = new RegExp(`^${LANGGRAPH_BASE_PATH}/threads/([^/]+)/stream/events$`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether an upgrade request is for the protocol's socket (`/threads/{id}/stream/events`), by its path alone. */
export function isProtocolSocketPath(url: string): boolean {
  return SOCKET_PATH.test(url.split("?", 1)[0]!);
}

export type Admission =
  | { ok: true; open(socket: ProtocolSocket): ProtocolWsSession }
  | { ok: false; status: 401 | 403 | 404 | 422; detail: string };

/**
 * Decides an upgrade before the socket opens, with the REST door's rules: a
 * caller by API key (`x-api-key`, `Authorization: Bearer`: programs) or by the
 * session cookie (browsers, which cannot set headers on a WebSocket); a cookie
 * from another site's page is refused, as a cross-site write is. The thread may
 * not exist yet (`run.start` on the socket creates it); a foreign one reads as
 * missing on every command and subscription, as over REST.
 */
export async function admitProtocolSocket(services: LanggraphServices, request: { url: string; headers: Headers }): Promise<Admission> {
  const match = SOCKET_PATH.exec(request.url.split("?", 1)[0]!);
  if (!match) return { ok: false, status: 404, detail: "no WebSocket endpoint here" };
  let threadId: string;
  try {
    threadId = decodeURIComponent(match[1]!);
  } catch {
    return { ok: false, status: 422, detail: "path.thread_id: not a UUID" };
  }
  if (!UUID.test(threadId)) return { ok: false, status: 422, detail: `path.thread_id: "${threadId}" is not a UUID` };
  const refusal = services.auth.crossSiteWrite({ method: "POST", headers: request.headers }, true);
  if (refusal) return { ok: false, status: 403, detail: refusal };
  const caller: Caller | null = await services.auth.callerOf(request.headers);
  if (!caller)
    return { ok: false, status: 401, detail: "missing or invalid credentials: send an API key as `x-api-key`, or the session cookie" };
  const id = threadId.toLowerCase();
  return { ok: true, open: (socket) => new ProtocolWsSession(services.runtime, caller, id, socket) };
}
