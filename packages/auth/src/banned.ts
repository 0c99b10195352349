/** Whether a user is banned now: banned with no end, or with an end still to come. */
export function isBanned(user: { banned?: boolean | null; banExpires?: Date | null }): boolean {
  if (!user.banned) return false;
  return !user.banExpires || user.banExpires.getTime() > Date.now();
}
