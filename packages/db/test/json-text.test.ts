import { describe, expect, it } from "vitest";
import { jsonText, parseJsonText } from "../src/json-text.ts";

describe("event data as JSON text, made once", () => {
  it("is JSON.stringify's text, null for undefined", () => {
    const data = { b: [1, "two", { three: null }], a: "naïve ✓ \u2028", n: 1e21, z: -0 };
    expect(jsonText(data)).toBe(JSON.stringify(data));
    expect(jsonText(undefined)).toBe("null");
    expect(jsonText(null)).toBe("null");
    expect(jsonText("x")).toBe('"x"');
    expect(jsonText(3)).toBe("3");
  });

  it("gives a value parsed from text that very text, without stringifying it again", () => {
    const text = '{"1":0,"b":[1,2],"a":{"c":"d"}}';
    const value = parseJsonText(text) as Record<string, unknown>;
    expect(value).toEqual({ 1: 0, b: [1, 2], a: { c: "d" } });
    const stringify = JSON.stringify;
    let calls = 0;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      calls++;
      return stringify(...args);
    }) as typeof JSON.stringify;
    try {
      expect(jsonText(value)).toBe(text);
      expect(calls).toBe(0);
      // an object seen once is stringified once, however many times it is written
      const fresh = { token: "hi" };
      expect(jsonText(fresh)).toBe('{"token":"hi"}');
      expect(jsonText(fresh)).toBe('{"token":"hi"}');
      expect(calls).toBe(1);
    } finally {
      JSON.stringify = stringify;
    }
  });
});
