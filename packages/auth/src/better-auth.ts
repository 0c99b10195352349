import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { admin } from "better-auth/plugins";
import { newId, type Database } from "@lgrs/db";
import { CLIENT_ADDRESS_HEADER, type TrustedProxy } from "./client-address.ts";

export interface AuthOptions {
  /** signs session cookies; at least 32 characters */
  secret: string;
  /** the server's public origin, e.g. http://localhost:3000 */
  baseURL: string;
  /** other origins allowed to sign in with cookies (the same server under another host name) */
  trustedOrigins?: string[];
  /** sign-in attempts per minute from one client address; 0 turns the limit off (default 10) */
  signInsPerMinute?: number;
  /** the proxy header that names the client (TRUSTED_PROXY_HEADER); null or absent: the peer address decides */
  trustedProxy?: TrustedProxy | null;
}

/** Told when better-auth changed or removed a user (the admin endpoints: ban, unban, role, remove, update). */
export interface UserChanges {
  userChanged?(userId: string): void;
}

/**
 * Operator sign-in with email and password, and sessions in the database, by
 * better-auth. Public sign-up is off: operators are made by an admin (the
 * `npm run admin` command, or the bootstrap settings).
 */
export function createBetterAuth(db: Database, options: AuthOptions, changes: UserChanges = {}) {
  return betterAuth({
    appName: "LangGraph Run Server",
    secret: options.secret,
    baseURL: options.baseURL,
    basePath: "/api/auth",
    trustedOrigins: options.trustedOrigins ?? [],
    database: prismaAdapter(db.prisma, { provider: db.provider === "postgresql" ? "postgresql" : "sqlite" }),
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8 },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    // on in every mode, not only in production: guessing passwords is slow everywhere
    rateLimit: {
      enabled: (options.signInsPerMinute ?? 10) > 0,
      window: 60,
      max: 600,
      customRules: { "/sign-in/email": { window: 60, max: options.signInsPerMinute ?? 10 } },
    },
    plugins: [admin({ defaultRole: "user", adminRoles: ["admin"] })],
    databaseHooks: {
      user: {
        update: { after: async (user) => changes.userChanged?.(user.id) },
        delete: { after: async (user) => changes.userChanged?.(user.id) },
      },
    },
    advanced: {
      // the same time-ordered ids as every other row
      database: { generateId: () => newId() },
      // better-auth turns its origin (CSRF) check off when TEST or NODE_ENV=test is set: keep it on always
      disableOriginCheck: false,
      disableCSRFCheck: false,
      // the client as AuthService.handler resolved it (peer address or trusted proxy), never a header a client wrote
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
    },
    telemetry: { enabled: false },
  });
}

export type BetterAuth = ReturnType<typeof createBetterAuth>;
