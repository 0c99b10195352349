import { ConfigError } from "./config.ts";
import { readSetting, type Env } from "./settings.ts";

/**
 * LGRS_TEST_MODE=1 lets an admin empty the data between end-to-end tests
 * (`testing.resetData`). No deployment should set it.
 */
export function testModeFrom(env: Env = process.env): boolean {
  const raw = readSetting(env, "LGRS_TEST_MODE");
  const value = raw?.trim().toLowerCase() ?? "";
  if (value === "" || value === "0" || value === "false") return false;
  if (value === "1" || value === "true") return true;
  throw new ConfigError(`LGRS_TEST_MODE: "${raw}" is neither 1 nor 0 (set LGRS_TEST_MODE=1 only for test suites)`);
}
