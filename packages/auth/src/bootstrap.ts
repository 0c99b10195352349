import type { UsersRepository } from "@lgrs/db";
import type { BetterAuth } from "./better-auth.ts";
import { createOperator, ensureOperator, generatePassword } from "./operators.ts";

export interface BootstrapSettings {
  /** AUTH_BOOTSTRAP_EMAIL and AUTH_BOOTSTRAP_PASSWORD: this admin exists after start-up */
  email?: string;
  password?: string;
  /** AUTH_BOOTSTRAP_API_KEY: an admin key with this value exists after start-up */
  apiKey?: string;
}

/** The admin that owns a bootstrap API key when no bootstrap email is set. */
export const BOOTSTRAP_KEY_OWNER = "bootstrap@lgrs.local";
/** The admin made on a first start with no bootstrap settings. */
export const FIRST_START_ADMIN = "admin@lgrs.local";

/**
 * Start-up accounts: the bootstrap admin and key when configured; otherwise, on
 * the very first start (no users at all), an admin with a generated password,
 * printed once to the console so the operator can sign in.
 */
export async function bootstrapAuth(
  auth: BetterAuth,
  users: UsersRepository,
  settings: BootstrapSettings,
  log: (line: string) => void = console.log,
): Promise<void> {
  try {
    await makeStartupAccounts(auth, users, settings, log);
  } catch {
    // Instances of a fleet starting together on an empty database race to make the same
    // accounts: the losers fail on an account the winner just made. Looking again finds
    // them (and says nothing: only the winner's password is real). Any other failure
    // happens again here and is thrown.
    await makeStartupAccounts(auth, users, settings, log);
  }
}

async function makeStartupAccounts(
  auth: BetterAuth,
  users: UsersRepository,
  settings: BootstrapSettings,
  log: (line: string) => void,
): Promise<void> {
  const configured = settings.email !== undefined || settings.apiKey !== undefined;
  if (!configured) {
    if ((await users.countUsers()) > 0) return;
    const password = generatePassword();
    // made, never updated: an admin that appears meanwhile was made by an instance starting
    // with this one, which tells its own password (changing it would make that one wrong)
    if (await users.getUserByEmail(FIRST_START_ADMIN)) return;
    try {
      await createOperator(auth, users, { email: FIRST_START_ADMIN, name: "Admin", role: "admin", password });
    } catch (err) {
      if (await users.getUserByEmail(FIRST_START_ADMIN)) return;
      throw err;
    }
    log(
      `auth: first start, created admin ${FIRST_START_ADMIN} with password ${password} (shown once; change it with \`npm run admin -- user password\`)`,
    );
    return;
  }
  const admin = settings.email
    ? await ensureOperator(auth, users, { email: settings.email, name: "Admin", role: "admin", password: settings.password })
    : undefined;
  if (settings.apiKey) {
    const existing = await users.findUserByApiKey(settings.apiKey);
    if (existing) {
      if (existing.role !== "admin") await users.setRole(existing.id, "admin");
      return;
    }
    const owner = admin ?? (await ensureOperator(auth, users, { email: BOOTSTRAP_KEY_OWNER, name: "Bootstrap", role: "admin" }));
    await users.createApiKey({ userId: owner.id, plainKey: settings.apiKey, name: "bootstrap" });
  }
}
