/**
 * The cron settings as the server reads them (CRON_SECONDS, CRON_RECHECK_MS):
 * defaults, overrides, and one clear line for a value that cannot work.
 */
import { DEFAULT_CRON_RECHECK_MS } from "@lgrs/runtime";
import { describe, expect, it } from "vitest";
import { ConfigError, loadServerConfig } from "../src/server/config.ts";

const options = { dev: false, baseDir: "/srv/app" };

function refusal(env: Record<string, string>): string {
  try {
    loadServerConfig(env, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("cron settings", () => {
  it("default to 5-field schedules and a 30 s recheck", () => {
    expect(loadServerConfig({}, options).crons).toEqual({ seconds: false, recheckMs: DEFAULT_CRON_RECHECK_MS });
    expect(DEFAULT_CRON_RECHECK_MS).toBe(30_000);
  });

  it("take a seconds field and another recheck interval when asked", () => {
    expect(loadServerConfig({ CRON_SECONDS: "1", CRON_RECHECK_MS: "500" }, options).crons).toEqual({ seconds: true, recheckMs: 500 });
    expect(loadServerConfig({ CRON_SECONDS: "0" }, options).crons.seconds).toBe(false);
  });

  it("refuse a value that cannot work, saying what to use", () => {
    expect(refusal({ CRON_SECONDS: "yes" })).toMatch(/^CRON_SECONDS "yes" is not valid: use 0 .* or 1/);
    expect(refusal({ CRON_RECHECK_MS: "0" })).toMatch(/^CRON_RECHECK_MS "0" is not valid/);
    expect(refusal({ CRON_RECHECK_MS: "soon" })).toMatch(/^CRON_RECHECK_MS "soon" is not valid/);
  });
});
