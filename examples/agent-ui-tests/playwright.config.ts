import { existsSync } from "node:fs";
import type { RunServerOptions } from "@lgrs/playwright";
import { defineConfig } from "@playwright/test";

/**
 * Each Playwright worker gets its own run server (LGRS_SERVER_DIR: apps/web of a
 * built checkout of the server) serving ./langgraph.json over a throwaway database.
 */
export default defineConfig<RunServerOptions>({
  testDir: "tests",
  fullyParallel: true,
  reporter: "list",
  use: {
    launchOptions: {
      // CHROMIUM_PATH, else Debian's Chromium when present, else Playwright's own (`npx playwright install chromium`)
      executablePath: process.env["CHROMIUM_PATH"] || (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined),
      args: ["--no-sandbox", "--disable-gpu"],
    },
  },
});
