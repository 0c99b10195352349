import { execFileSync } from "node:child_process";
import path from "node:path";
import { signIn as signInAs, test as fixtures, type RunServer } from "@lgrs/playwright";
import type { Page } from "@playwright/test";

/**
 * The suite on @lgrs/playwright's fixtures: each worker has its own server, and
 * this module knows it (one worker is one process), so the specs' helpers can
 * name its origin and admin without passing the fixture around.
 */
let current: RunServer | undefined;

export const test = fixtures.extend<object, { suiteServer: undefined }>({
  suiteServer: [
    async ({ server }, use) => {
      current = server;
      await use(undefined);
      current = undefined;
    },
    { scope: "worker", auto: true },
  ],
});
export { expect } from "@lgrs/playwright";

function server(): RunServer {
  if (!current) throw new Error("no suite server: import test from e2e/support/session.ts");
  return current;
}

/** The worker's server origin (the pages' baseURL). */
export function baseUrl(): string {
  return server().url;
}

/** The worker's server's DATABASE_URL (for specs that set up a state no API call makes). */
export function databaseUrl(): string {
  return server().databaseUrl;
}

/** The admin the worker's server created at start. */
export function admin(): { email: string; password: string } {
  return server().admin;
}

/** Signs the page's browser context in through the auth API (for tests of other things than the sign-in form). */
export async function signIn(page: Page, who: { email: string; password: string } = admin()): Promise<void> {
  await signInAs(page, server(), who);
}

let made = 0;

/** A new non-admin operator on the worker's database, made with `npm run admin` as an operator would. */
export function createOperator(): { email: string; password: string } {
  // starting the admin CLI (tsx, Prisma) takes seconds on a busy machine: the test gets more time
  fixtures.slow();
  const email = `operator${++made}-${Date.now()}-${process.pid}@example.com`;
  const password = `pw-${Date.now()}-${made}-secret`;
  execFileSync(process.execPath, ["--import", "tsx", "src/admin/cli.ts", "user", "create", "--email", email, "--password", password], {
    cwd: path.resolve(import.meta.dirname, "../../packages/auth"),
    env: { ...process.env, DATABASE_URL: server().databaseUrl, INIT_CWD: "" },
    stdio: "pipe",
  });
  return { email, password };
}
