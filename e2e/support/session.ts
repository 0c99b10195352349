import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";

/** The admin the suite's server creates at start (playwright.config.ts). */
export const ADMIN = { email: process.env["E2E_AUTH_EMAIL"]!, password: process.env["E2E_AUTH_PASSWORD"]! };

/** The suite server's origin (playwright.config.ts's baseURL). */
export const BASE_URL = `http://127.0.0.1:${process.env["E2E_PORT"] ?? 3100}`;

/** Signs the page's browser context in through the auth API (for tests of other things than the sign-in form). */
export async function signIn(page: Page, who: { email: string; password: string } = ADMIN): Promise<void> {
  // a fresh connection: a pooled one the server already closed would fail the request
  const res = await page.request.post("/api/auth/sign-in/email", { data: who, headers: { origin: BASE_URL, connection: "close" } });
  expect(res.status(), await res.text()).toBe(200);
}

let made = 0;

/** A new non-admin operator on the suite's database, made with `npm run admin` as an operator would. */
export function createOperator(): { email: string; password: string } {
  // starting the admin CLI (tsx, Prisma) takes seconds on a busy machine: the test gets more time
  test.slow();
  const email = `operator${++made}-${Date.now()}-${process.pid}@example.com`;
  const password = `pw-${Date.now()}-${made}-secret`;
  execFileSync(process.execPath, ["--import", "tsx", "src/admin/cli.ts", "user", "create", "--email", email, "--password", password], {
    cwd: path.resolve(import.meta.dirname, "../../packages/auth"),
    env: { ...process.env, DATABASE_URL: `file:${path.join(process.env["LGRS_E2E_DB_DIR"]!, "e2e.db")}`, INIT_CWD: "" },
    stdio: "pipe",
  });
  return { email, password };
}
