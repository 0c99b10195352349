import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

/**
 * Browser smoke tests against the production server (`npm run build` first:
 * `npm run test:e2e` does both). The server gets its own throwaway SQLite file,
 * so a run never touches ./data.
 */
const PORT = Number(process.env["E2E_PORT"] ?? 3100);
const BASE_URL = `http://127.0.0.1:${PORT}`;

// Made once by the runner; its workers inherit the variable instead of making their own.
process.env["LGRS_E2E_DB_DIR"] ??= mkdtempSync(path.join(os.tmpdir(), "lgrs-e2e-"));
const DATABASE_URL = `file:${path.join(process.env["LGRS_E2E_DB_DIR"], "e2e.db")}`;

/** The account the server creates on start (AUTH_BOOTSTRAP_*), for tests that sign in; workers inherit these. */
process.env["E2E_AUTH_EMAIL"] ??= "e2e@example.com";
process.env["E2E_AUTH_PASSWORD"] ??= "e2e-password-1234";

/**
 * CHROMIUM_PATH, else Debian's /usr/bin/chromium (machines that cannot download
 * Playwright's browsers), else Playwright's own Chromium (`npx playwright install`).
 */
function chromiumExecutable(): string | undefined {
  const fromEnv = process.env["CHROMIUM_PATH"]?.trim();
  if (fromEnv) return fromEnv;
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return undefined;
}

export default defineConfig({
  testDir: "e2e",
  globalTeardown: "./e2e/global-teardown.ts",
  fullyParallel: true,
  forbidOnly: !!process.env["CI"],
  retries: 0,
  reporter: process.env["CI"] ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: chromiumExecutable(),
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  webServer: {
    command: "npm start",
    url: `${BASE_URL}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      PORT: String(PORT),
      DATABASE_URL,
      NEXT_TELEMETRY_DISABLED: "1",
      AUTH_BOOTSTRAP_EMAIL: process.env["E2E_AUTH_EMAIL"],
      AUTH_BOOTSTRAP_PASSWORD: process.env["E2E_AUTH_PASSWORD"],
      // every browser context of the suite signs in from this one address
      AUTH_SIGNIN_LIMIT: "0",
      // a line per request would bury a failure's own output
      LOG_LEVEL: "warn",
    },
    stdout: "pipe",
    stderr: "pipe",
    // SIGTERM lets the server close the HTTP server and the database itself.
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
