import { randomBytes } from "node:crypto";
import type { User, UsersRepository } from "@lgrs/db";
import type { BetterAuth } from "./better-auth.ts";

export type Role = "admin" | "user";

/** A new API key: a recognisable prefix and 32 random bytes. Only its hash is stored. */
export function generateApiKey(): string {
  return `lgrs_${randomBytes(32).toString("base64url")}`;
}

/** A new API key for the user. The key is in this result only: the database keeps its hash. */
export async function issueApiKey(users: UsersRepository, userId: string, input: { name?: string; expiresAt?: Date | null } = {}) {
  const key = generateApiKey();
  const info = await users.createApiKey({ userId, plainKey: key, name: input.name, expiresAt: input.expiresAt });
  return { key, ...info };
}

/** A password for a generated account (first start), long enough to never be guessed. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

/**
 * Makes sure the user exists with this role and, when given, this password.
 * Users are created through better-auth so the credential account and password
 * hash are the library's own.
 */
export async function ensureOperator(
  auth: BetterAuth,
  users: UsersRepository,
  input: { email: string; name?: string; role: Role; password?: string },
): Promise<User> {
  let user = await users.getUserByEmail(input.email);
  if (!user) return createOperator(auth, users, input);
  if (user.role !== input.role) user = await users.setRole(user.id, input.role);
  if (input.password !== undefined) await setPassword(auth, user.id, input.password);
  return user;
}

/** Makes a new operator; fails when the email is taken. */
export async function createOperator(
  auth: BetterAuth,
  users: UsersRepository,
  input: { email: string; name?: string; role: Role; password?: string },
): Promise<User> {
  // better-auth's createUser takes any password, even an empty one: hold new users to the same rule
  if (input.password !== undefined) await checkPassword(auth, input.password);
  await auth.api.createUser({
    body: { email: input.email, name: input.name ?? input.email.split("@")[0]!, role: input.role, password: input.password },
  });
  return (await users.getUserByEmail(input.email))!;
}

/** Sets (or first gives) the user a password sign-in. */
export async function setPassword(auth: BetterAuth, userId: string, password: string): Promise<void> {
  const ctx = await auth.$context;
  await checkPassword(auth, password);
  const hash = await ctx.password.hash(password);
  const accounts = await ctx.internalAdapter.findAccounts(userId);
  if (accounts.some((a) => a.providerId === "credential")) await ctx.internalAdapter.updatePassword(userId, hash);
  else await ctx.internalAdapter.linkAccount({ userId, providerId: "credential", accountId: userId, password: hash });
}

/** The library's password length rules, which its admin createUser does not apply. */
async function checkPassword(auth: BetterAuth, password: string): Promise<void> {
  const { minPasswordLength: min, maxPasswordLength: max } = (await auth.$context).password.config;
  if (password.length < min) throw new Error(`password must be at least ${min} characters long`);
  if (password.length > max) throw new Error(`password must be at most ${max} characters long`);
}
