import { createHash } from "node:crypto";
import type { Database } from "../client.ts";
import { newId } from "../ids.ts";
import type { Apikey, User } from "../generated/sqlite/client.ts";
import { afterCreatedCursor, createdCursor, newestFirst, pageSize, toPage, type Page, type PageRequest } from "./pagination.ts";

export type { User };

/** An API key as its owner may see it: never the hash. */
export type ApiKeyInfo = Omit<Apikey, "key">;

/**
 * The stored form of an API key: SHA-256, base64url without padding, the same
 * hash better-auth's api-key plugin stores, so keys made here and keys made
 * through the auth library verify alike.
 */
export function hashApiKey(plainKey: string): string {
  return createHash("sha256").update(plainKey).digest("base64url");
}

export interface NewUser {
  id?: string;
  email: string;
  name: string;
  role?: "admin" | "user";
}

export interface NewApiKey {
  userId: string;
  /** the key itself; only its hash is stored */
  plainKey: string;
  name?: string | null;
  expiresAt?: Date | null;
}

function withoutHash({ key: _hash, ...info }: Apikey): ApiKeyInfo {
  return info;
}

export function usersRepository(db: Database) {
  const { prisma } = db;

  /** A usable key by its stored hash (enabled, not expired at `at`): when it expires, and its owner. */
  function findApiKeyByHash(
    hash: string,
    at: Date = new Date(),
  ): Promise<{ id: string; name: string | null; expiresAt: Date | null; user: User } | null> {
    return prisma.apikey.findFirst({
      where: { key: hash, enabled: { not: false }, OR: [{ expiresAt: null }, { expiresAt: { gt: at } }] },
      select: { id: true, name: true, expiresAt: true, user: true },
    });
  }

  return {
    createUser(input: NewUser): Promise<User> {
      return prisma.user.create({
        data: { id: input.id ?? newId(), email: input.email.toLowerCase(), name: input.name, role: input.role ?? "user" },
      });
    },

    getUser(id: string): Promise<User | null> {
      return prisma.user.findUnique({ where: { id } });
    },

    /** The email and name of each of these users (those that exist): how a list names the owners of its rows. */
    ownerNames(ids: string[]): Promise<{ id: string; email: string; name: string }[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return prisma.user.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, email: true, name: true } });
    },

    /** Users by email, at most `limit`: the owners an admin can filter lists by, whether or not their rows are loaded. */
    directory(limit: number): Promise<{ id: string; email: string; name: string }[]> {
      return prisma.user.findMany({ orderBy: { email: "asc" }, take: limit, select: { id: true, email: true, name: true } });
    },

    getUserByEmail(email: string): Promise<User | null> {
      return prisma.user.findUnique({ where: { email: email.toLowerCase() } });
    },

    async listUsers(request: PageRequest = {}): Promise<Page<User>> {
      const limit = pageSize(request);
      const rows = await prisma.user.findMany({
        where: afterCreatedCursor(request.cursor),
        orderBy: newestFirst,
        take: limit + 1,
      });
      return toPage(rows, limit, createdCursor);
    },

    setRole(id: string, role: "admin" | "user"): Promise<User> {
      return prisma.user.update({ where: { id }, data: { role } });
    },

    countUsers(): Promise<number> {
      return prisma.user.count();
    },

    async createApiKey(input: NewApiKey): Promise<ApiKeyInfo> {
      const now = new Date();
      const row = await prisma.apikey.create({
        data: {
          id: newId(),
          referenceId: input.userId,
          key: hashApiKey(input.plainKey),
          start: input.plainKey.slice(0, 6),
          name: input.name ?? null,
          expiresAt: input.expiresAt ?? null,
          // programmatic clients call often: no per-key rate limit unless one is configured
          rateLimitEnabled: false,
          createdAt: now,
          updatedAt: now,
        },
      });
      return withoutHash(row);
    },

    /** The owner of a presented key, if the key exists, is enabled and has not expired. */
    async findUserByApiKey(plainKey: string, at: Date = new Date()): Promise<User | null> {
      return (await findApiKeyByHash(hashApiKey(plainKey), at))?.user ?? null;
    },

    findApiKeyByHash,

    async listApiKeys(userId: string, request: PageRequest = {}): Promise<Page<ApiKeyInfo>> {
      const limit = pageSize(request);
      const rows = await prisma.apikey.findMany({
        where: { referenceId: userId, ...afterCreatedCursor(request.cursor) },
        orderBy: newestFirst,
        take: limit + 1,
      });
      return toPage(rows.map(withoutHash), limit, createdCursor);
    },

    /** Revokes (deletes) a key; only its owner's call finds it. */
    async revokeApiKey(userId: string, keyId: string): Promise<boolean> {
      const { count } = await prisma.apikey.deleteMany({ where: { id: keyId, referenceId: userId } });
      return count > 0;
    },
  };
}

export type UsersRepository = ReturnType<typeof usersRepository>;
