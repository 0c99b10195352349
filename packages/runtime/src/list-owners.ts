import type { Page, Repositories } from "@lgrs/db";

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
