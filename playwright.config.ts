import { existsSync } from "node:fs";
import path from "node:path";
import type { RunServerOptions } from "@lgrs/playwright";
import { defineConfig, devices } from "@playwright/test";

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

/**
 * Browser tests against the production server (`npm run build` first:
 * `npm run test:e2e` does both), on @lgrs/playwright's fixtures as any user's suite:
 * each worker starts its own server on a free port over a throwaway SQLite file
 * (LGRS_POSTGRES_URL: a throwaway PostgreSQL database), so workers run in parallel
 * and a run never touches ./data.
 */
export default defineConfig<RunServerOptions>({
  testDir: "e2e",
  fullyParallel: true,
  forbidOnly: !!process.env["CI"],
  retries: 0,
  reporter: process.env["CI"] ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    // this checkout's own server; a user's suite points LGRS_SERVER_DIR (or serverDir) at one
    serverDir: path.resolve(import.meta.dirname, "apps/web"),
    // a line per request would bury a failure's own output
    serverEnv: { LOG_LEVEL: "warn" },
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
});
