import { usersRepository, type Database, type PageRequest, type UsersRepository } from "@lgrs/db";
import { createBetterAuth, type AuthOptions, type BetterAuth } from "./better-auth.ts";
import { bootstrapAuth, type BootstrapSettings } from "./bootstrap.ts";
import { isBanned } from "./banned.ts";
import { resolveCaller, type Caller } from "./caller.ts";
import { CLIENT_ADDRESS_HEADER, clientAddress, type TrustedProxy } from "./client-address.ts";
import { allowedOrigins, crossSiteWriteRefusal, type WriteRequest } from "./cross-site.ts";
import { issueApiKey } from "./operators.ts";
import { VerifiedKeys } from "./verified-keys.ts";

/**
 * Auth as the API doors and the web server see it: who is calling, the caller's
 * own API keys, better-auth's sign-in endpoints, the start-up accounts. It keeps
 * the better-auth instance and the users table to itself, so no door reads users
 * or keys, and every door answers "who is this" by the same rules.
 */
export class AuthService {
  private readonly library: BetterAuth;
  private readonly users: UsersRepository;
  /** keys verified recently: forgotten on every change made here, believed for a few seconds otherwise */
  private readonly keys: VerifiedKeys;
  private readonly origins: ReadonlySet<string>;
  private readonly trustedProxy: TrustedProxy | null;

  constructor(db: Database, options: AuthOptions) {
    this.users = usersRepository(db);
    this.keys = new VerifiedKeys(this.users);
    this.library = createBetterAuth(db, options, { userChanged: (userId) => this.keys.forgetUser(userId) });
    this.origins = allowedOrigins(options.baseURL, options.trustedOrigins);
    this.trustedProxy = options.trustedProxy ?? null;
  }

  /**
   * better-auth's endpoints, mounted at /api/auth: sign-in, sign-out, the session.
   * better-auth checks the origin of their writes itself, against the same origins
   * as crossSiteWrite; its sign-in limit keys on the client address resolved here.
   */
  handler(request: Request): Promise<Response> {
    const headers = new Headers(request.headers);
    const address = clientAddress(headers, this.trustedProxy);
    if (address) headers.set(CLIENT_ADDRESS_HEADER, address);
    else headers.delete(CLIENT_ADDRESS_HEADER);
    // a copy from its parts: the request may be the API server's light Request, which Request() cannot copy
    const bodyless = request.method === "GET" || request.method === "HEAD";
    const init: RequestInit & { duplex: "half" } = {
      method: request.method,
      headers,
      body: bodyless ? null : request.body,
      signal: request.signal,
      duplex: "half",
    };
    return this.library.handler(new Request(request.url, init));
  }

  /**
   * Why the request is a write riding on the session cookie from a page of another
   * site, or null when it is not one (see crossSiteWriteRefusal). Every door asks
   * this before it serves a write and answers a refusal with 403 and this message.
   * `write` overrides the method's say (tRPC: true for a mutation).
   */
  crossSiteWrite(request: WriteRequest, write?: boolean): string | null {
    return crossSiteWriteRefusal(request, this.origins, write);
  }

  /** The caller of a request (API key or session cookie), or null when it presents no valid credentials. */
  callerOf(headers: Headers): Promise<Caller | null> {
    return resolveCaller(this.library, this.keys, headers);
  }

  /** The signed-in browser session a request carries (the dashboard pages), or null; a banned user has none, as for callerOf. */
  async session(headers: Headers) {
    const session = await this.library.api.getSession({ headers });
    return session && !isBanned(session.user) ? session : null;
  }

  /** The bootstrap admin and key, or on a first start an admin whose password goes to `log` once. */
  async bootstrap(settings: BootstrapSettings, log?: (line: string) => void): Promise<void> {
    await bootstrapAuth(this.library, this.users, settings, log);
    // it may have made a key's owner an admin
    this.keys.forgetAll();
  }

  /** A new API key for the user. The key is in this result only: the database keeps its hash. */
  createApiKey(userId: string, input: { name?: string; expiresAt?: Date | null } = {}) {
    return issueApiKey(this.users, userId, input);
  }

  /** The user's keys, newest first, without the keys themselves. */
  listApiKeys(userId: string, page: PageRequest = {}) {
    return this.users.listApiKeys(userId, page);
  }

  /** Revokes one of the user's keys; false when the user has no such key. */
  async revokeApiKey(userId: string, keyId: string): Promise<boolean> {
    const revoked = await this.users.revokeApiKey(userId, keyId);
    // refused from the next request on, not once the verified key's few seconds run out
    this.keys.forgetUser(userId);
    return revoked;
  }
}

/** The process's auth, over its database (the web server makes one at start-up). */
export function createAuth(db: Database, options: AuthOptions): AuthService {
  return new AuthService(db, options);
}
