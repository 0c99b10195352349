import { ConfigError, type Env } from "./config.ts";

/**
 * LGRS_TEST_MODE=1 lets an admin empty the data between end-to-end tests
 * (`testing.resetData`). Kept out of the main settings: no deployment should set it.
 */
export function testModeFrom(env: Env = process.env): boolean {
  const value = env["LGRS_TEST_MODE"]?.trim().toLowerCase() ?? "";
  if (value === "" || value === "0" || value === "false") return false;
  if (value === "1" || value === "true") return true;
  throw new ConfigError(`LGRS_TEST_MODE: "${env["LGRS_TEST_MODE"]}" is neither 1 nor 0 (set LGRS_TEST_MODE=1 only for test suites)`);
}
