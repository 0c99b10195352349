import { hashApiKey, type User, type UsersRepository } from "@lgrs/db";
import { isBanned } from "./banned.ts";

/**
 * How long a verified API key is believed without asking the database again. It
 * bounds how late a change made outside this process takes effect here: a key
 * revoked, a user banned, removed or given another role by `npm run admin` or by
 * another instance of a fleet is refused (or seen in its new role) at most this
 * long after the change. Changes this process makes take effect on the next request.
 */
export const VERIFIED_KEY_TTL_MS = 5_000;

/** Keys kept at most; past it the oldest entry goes (a cache miss costs one query, nothing more). */
export const VERIFIED_KEYS_MAX = 10_000;

/** Which key a request presented (its id and name, never the key): what a run it stops records. */
export interface KeyIdentity {
  id: string;
  name: string | null;
}

interface Verified {
  user: User;
  key: KeyIdentity;
  /** Date.now() past which the key must be verified again: the TTL, or the key's own expiry if sooner */
  until: number;
}

/**
 * API keys verified against the database, by the key's hash (the plain key is
 * never kept), so a client's repeat requests run no SQL to prove who they are.
 */
export class VerifiedKeys {
  private readonly entries = new Map<string, Verified>();
  /** moves on every forget: a lookup that began before one must not store what it read */
  private generation = 0;

  constructor(
    private readonly users: UsersRepository,
    private readonly ttlMs = VERIFIED_KEY_TTL_MS,
    private readonly maxEntries = VERIFIED_KEYS_MAX,
  ) {}

  /** The owner of a usable key (enabled, not expired), or null. Whether the owner is banned is the caller's to judge. */
  async ownerOf(plainKey: string): Promise<User | null> {
    return (await this.verify(plainKey))?.user ?? null;
  }

  /** A usable key's owner and identity (id, name), or null. Whether the owner is banned is the caller's to judge. */
  async verify(plainKey: string): Promise<{ user: User; key: KeyIdentity } | null> {
    const hash = hashApiKey(plainKey);
    const now = Date.now();
    const known = this.entries.get(hash);
    if (known && known.until > now) return { user: known.user, key: known.key };
    if (known) this.entries.delete(hash);

    const generation = this.generation;
    const found = await this.users.findApiKeyByHash(hash, new Date(now));
    if (!found) return null;
    const key = { id: found.id, name: found.name };
    // refused keys (unknown, or a banned owner's) are not remembered: each costs its query, as
    // before, and holds no memory, and the end of a ban is seen at once
    if (!isBanned(found.user) && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(hash, { user: found.user, key, until: Math.min(now + this.ttlMs, found.expiresAt?.getTime() ?? Infinity) });
    }
    return { user: found.user, key };
  }

  /** The user's keys are verified again on their next use (a key revoked, the user changed or removed). */
  forgetUser(userId: string): void {
    this.generation++;
    for (const [hash, entry] of this.entries) {
      if (entry.user.id === userId) this.entries.delete(hash);
    }
  }

  /** Every key is verified again on its next use. */
  forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }
}
