import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAuthConfig, resolveAuthSecret } from "../src/server/auth-config.ts";
import { ConfigError } from "../src/server/config.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "lgrs-auth-config-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the auth secret", () => {
  it("is AUTH_SECRET when set, and nothing is written", () => {
    const dir = path.join(tmp, "set");
    const secret = "s".repeat(40);
    expect(resolveAuthSecret(parseAuthConfig({ AUTH_SECRET: secret }, 3000), dir)).toBe(secret);
    expect(() => statSync(dir)).toThrow();
  });

  it("is generated once, kept owner-only, and read back on the next start", () => {
    const dir = path.join(tmp, "generated");
    const config = parseAuthConfig({}, 3000);
    const first = resolveAuthSecret(config, dir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(path.join(dir, "auth-secret")).mode & 0o777).toBe(0o600);
    expect(resolveAuthSecret(config, dir)).toBe(first);
  });

  it("stops start-up when the kept file holds no usable secret", () => {
    const dir = mkdtempSync(path.join(tmp, "broken-"));
    writeFileSync(path.join(dir, "auth-secret"), "short\n");
    expect(() => resolveAuthSecret(parseAuthConfig({}, 3000), dir)).toThrow(ConfigError);
    expect(() => resolveAuthSecret(parseAuthConfig({}, 3000), dir)).toThrow(/auth-secret holds no usable secret/);
  });
});

describe("auth settings", () => {
  it("trust this server's own local names and the configured origins", () => {
    const config = parseAuthConfig(
      { AUTH_URL: "https://runs.example.com/ignored/path", AUTH_TRUSTED_ORIGINS: "https://ops.example.com, http://10.0.0.5:8080" },
      8080,
    );
    expect(config.baseURL).toBe("https://runs.example.com");
    expect(config.trustedOrigins).toEqual([
      "https://runs.example.com",
      "http://localhost:8080",
      "http://127.0.0.1:8080",
      "https://ops.example.com",
      "http://10.0.0.5:8080",
    ]);
  });

  it("limit sign-ins to 10 a minute unless told otherwise", () => {
    expect(parseAuthConfig({}, 3000).signInsPerMinute).toBe(10);
    expect(parseAuthConfig({ AUTH_SIGNIN_LIMIT: "0" }, 3000).signInsPerMinute).toBe(0);
    expect(() => parseAuthConfig({ AUTH_SIGNIN_LIMIT: "-1" }, 3000)).toThrow(/AUTH_SIGNIN_LIMIT "-1"/);
  });

  it("key the sign-in limit on the peer address unless a trusted proxy header is named", () => {
    expect(parseAuthConfig({}, 3000).trustedProxy).toBeNull();
    expect(parseAuthConfig({ TRUSTED_PROXY_HEADER: "X-Forwarded-For" }, 3000).trustedProxy).toEqual({ header: "x-forwarded-for", hops: 1 });
    expect(parseAuthConfig({ TRUSTED_PROXY_HEADER: "x-real-ip" }, 3000).trustedProxy).toEqual({ header: "x-real-ip", hops: 1 });
    expect(parseAuthConfig({ TRUSTED_PROXY_HEADER: "x-forwarded-for", TRUSTED_PROXY_HOPS: "2" }, 3000).trustedProxy).toEqual({
      header: "x-forwarded-for",
      hops: 2,
    });
  });

  it("stop start-up on a trusted proxy setting that cannot be right, with one line naming it", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [
        { TRUSTED_PROXY_HEADER: "x forwarded for" },
        /^TRUSTED_PROXY_HEADER "x forwarded for" is not a header .* e\.g\. TRUSTED_PROXY_HEADER=x-forwarded-for/,
      ],
      [{ TRUSTED_PROXY_HEADER: "Cookie" }, /^TRUSTED_PROXY_HEADER "Cookie"/],
      [{ TRUSTED_PROXY_HEADER: "x-forwarded-for", TRUSTED_PROXY_HOPS: "0" }, /^TRUSTED_PROXY_HOPS "0" is not valid: .*from 1 to 16/],
      [{ TRUSTED_PROXY_HEADER: "x-forwarded-for", TRUSTED_PROXY_HOPS: "two" }, /^TRUSTED_PROXY_HOPS "two"/],
      [{ TRUSTED_PROXY_HOPS: "1" }, /^TRUSTED_PROXY_HOPS is set without TRUSTED_PROXY_HEADER/],
    ];
    for (const [env, message] of bad) {
      expect(() => parseAuthConfig(env, 3000)).toThrow(ConfigError);
      expect(() => parseAuthConfig(env, 3000)).toThrow(message);
    }
  });
});
