import type { Page, Repositories } from "@lgrs/db";
import type { Actor } from "./actor.ts";

/** Who owns rows of a list: shown to an admin, who sees every operator's rows. */
export interface OwnerName {
  id: string;
  email: string;
  name: string;
}

/** A list page with the names of its rows' owners, by owner id, read once per page rather than per row. */
export type PageWithOwners<T> = Page<T> & { owners: Record<string, OwnerName> };

export async function withOwners<T extends { ownerId: string }>(repos: Repositories, page: Page<T>): Promise<PageWithOwners<T>> {
  const names = await repos.users.ownerNames(page.items.map((r) => r.ownerId));
  return { ...page, owners: Object.fromEntries(names.map((n) => [n.id, n])) };
}

/** The most owners a filter offers: a team's operators, not a user base. */
export const MAX_OWNERS = 500;

/** The owners a caller may filter lists by: every user for an admin (who sees every row), else only themselves. */
export class OwnerService {
  constructor(private readonly repos: Repositories) {}

  async list(actor: Actor, limit = MAX_OWNERS): Promise<OwnerName[]> {
    const capped = Math.min(Math.max(1, limit), MAX_OWNERS);
    if ("all" in actor.scope) return this.repos.users.directory(capped);
    return this.repos.users.ownerNames([actor.scope.ownerId]);
  }
}
