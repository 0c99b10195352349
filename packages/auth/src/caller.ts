import { ALL, type Scope } from "@lgrs/db";
import { isBanned } from "./banned.ts";
import type { BetterAuth } from "./better-auth.ts";
import type { KeyIdentity, VerifiedKeys } from "./verified-keys.ts";

/** Who is calling: every API procedure runs as one. */
export interface Caller {
  userId: string;
  email: string;
  role: "admin" | "user";
  /** the rows the caller may see: its own, or all of them for an admin */
  scope: Scope;
  /** how the caller proved who it is */
  via: "api-key" | "session";
  /** the API key presented (id and name), when `via` is "api-key": a run it stops records it */
  apiKey?: KeyIdentity;
}

/** The API key a request presents: `x-api-key: <key>` or `Authorization: Bearer <key>`. */
export function presentedApiKey(headers: Headers): string | null {
  const header = headers.get("x-api-key")?.trim();
  if (header) return header;
  const match = /^Bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "");
  return match?.[1]?.trim() || null;
}

function callerOf(user: { id: string; email: string; role?: string | null }, via: Caller["via"], apiKey?: KeyIdentity): Caller {
  const role = user.role === "admin" ? "admin" : "user";
  return {
    userId: user.id,
    email: user.email,
    role,
    scope: role === "admin" ? ALL : { ownerId: user.id },
    via,
    ...(apiKey ? { apiKey } : {}),
  };
}

/**
 * The caller of a request, or null when it presents no valid credentials. An API
 * key, when present, decides alone: a wrong key is not rescued by a cookie.
 * Banned users are refused either way.
 */
export async function resolveCaller(auth: BetterAuth, keys: VerifiedKeys, headers: Headers): Promise<Caller | null> {
  const key = presentedApiKey(headers);
  if (key) {
    const verified = await keys.verify(key);
    return verified && !isBanned(verified.user) ? callerOf(verified.user, "api-key", verified.key) : null;
  }
  if (!headers.get("cookie")) return null;
  const session = await auth.api.getSession({ headers });
  return session && !isBanned(session.user) ? callerOf(session.user, "session") : null;
}
