/** LGRS_TEST_MODE as the server reads it: off unless set to 1, and one clear line for anything else. */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/server/config.ts";
import { testModeFrom } from "../src/server/test-mode.ts";

describe("LGRS_TEST_MODE", () => {
  it("is off by default and with 0, on with 1", () => {
    expect(testModeFrom({})).toBe(false);
    expect(testModeFrom({ LGRS_TEST_MODE: "0" })).toBe(false);
    expect(testModeFrom({ LGRS_TEST_MODE: " 1 " })).toBe(true);
    expect(testModeFrom({ LGRS_TEST_MODE: "true" })).toBe(true);
  });

  it("refuses a value it cannot read, naming the setting", () => {
    expect(() => testModeFrom({ LGRS_TEST_MODE: "yes please" })).toThrow(ConfigError);
    expect(() => testModeFrom({ LGRS_TEST_MODE: "yes please" })).toThrow(/^LGRS_TEST_MODE: "yes please" is neither 1 nor 0/);
  });
});
