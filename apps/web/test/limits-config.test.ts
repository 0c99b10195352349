/**
 * The request limits and the store scope as the server reads them (MAX_BODY_BYTES, MAX_JSON_DEPTH,
 * MAX_BATCH_SIZE, MAX_STORE_VALUE_BYTES): defaults, overrides, and one clear line
 * for a value that cannot work.
 */
import { DEFAULT_INPUT_LIMITS } from "@lgrs/runtime";
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

describe("request limit settings", () => {
  it("default to 4 MiB bodies, 100 levels, batches of 20 and 1 MiB store values", () => {
    expect(loadServerConfig({}, options).limits).toEqual(DEFAULT_INPUT_LIMITS);
    expect(DEFAULT_INPUT_LIMITS).toEqual({ maxBodyBytes: 4_194_304, maxJsonDepth: 100, maxBatchSize: 20, maxStoreValueBytes: 1_048_576 });
  });

  it("read every limit", () => {
    const env = { MAX_BODY_BYTES: "1000000", MAX_JSON_DEPTH: "32", MAX_BATCH_SIZE: "50", MAX_STORE_VALUE_BYTES: "65536" };
    expect(loadServerConfig(env, options).limits).toEqual({
      maxBodyBytes: 1_000_000,
      maxJsonDepth: 32,
      maxBatchSize: 50,
      maxStoreValueBytes: 65_536,
    });
  });

  it("stop start-up on a limit that is not a positive whole number, naming it", () => {
    expect(refusal({ MAX_BODY_BYTES: "4MB" })).toMatch(/^MAX_BODY_BYTES "4MB" is not valid: use a whole number/);
    expect(refusal({ MAX_JSON_DEPTH: "0" })).toMatch(/^MAX_JSON_DEPTH "0" is not valid/);
    expect(refusal({ MAX_STORE_VALUE_BYTES: "-1" })).toMatch(/^MAX_STORE_VALUE_BYTES "-1" is not valid/);
  });

  it("stop start-up on MAX_BATCH_SIZE below what the dashboard sends in one batch", () => {
    expect(refusal({ MAX_BATCH_SIZE: "5" })).toMatch(/^MAX_BATCH_SIZE "5" is too small: the dashboard batches up to 10 calls/);
  });
});

describe("store scope setting", () => {
  it("is shared by default, owner when asked, and stops start-up on anything else", () => {
    expect(loadServerConfig({}, options).storeScope).toBe("shared");
    expect(loadServerConfig({ STORE_SCOPE: "owner" }, options).storeScope).toBe("owner");
    expect(refusal({ STORE_SCOPE: "private" })).toMatch(/^STORE_SCOPE "private" is not valid: use shared .* or owner/);
  });
});
