import { describe, expect, it } from "vitest";
import { clientAddress, PEER_ADDRESS_HEADER } from "../src/client-address.ts";
import { allowedOrigins, crossSiteWriteRefusal } from "../src/cross-site.ts";

/**
 * The one rule every door asks (the doors' own tests send it real requests over
 * HTTP: packages/api/test/cross-site.test.ts); here, its cases one by one.
 */
describe("a cross-site write with the session cookie", () => {
  const allowed = allowedOrigins("https://runs.example.com/some/path", ["http://localhost:3000"]);
  const check = (method: string, headers: Record<string, string>, write?: boolean) =>
    crossSiteWriteRefusal({ method, headers: new Headers(headers) }, allowed, write);
  const cookie = "better-auth.session_token=abc";

  it("is refused from a foreign or null Origin, naming it", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "post"]) {
      expect(check(method, { cookie, origin: "https://evil.example" })).toMatch(
        /^cross-site request refused: Origin "https:\/\/evil\.example" is not/,
      );
    }
    expect(check("POST", { cookie, origin: "null" })).toMatch(/Origin "null"/);
    // a look-alike is another origin: scheme and port count
    expect(check("POST", { cookie, origin: "http://runs.example.com" })).not.toBeNull();
    expect(check("POST", { cookie, origin: "https://runs.example.com:8443" })).not.toBeNull();
  });

  it("falls back to the Referer, and is refused with neither", () => {
    expect(check("POST", { cookie, referer: "https://runs.example.com/threads?x=1" })).toBeNull();
    expect(check("POST", { cookie, referer: "https://evil.example/runs.example.com" })).toMatch(/Referer/);
    expect(check("POST", { cookie, referer: "not a url" })).toMatch(/Referer/);
    expect(check("DELETE", { cookie })).toMatch(/must send an Origin \(or Referer\)/);
    // a present Origin decides, whatever the Referer says
    expect(check("POST", { cookie, origin: "https://evil.example", referer: "https://runs.example.com/" })).not.toBeNull();
  });

  it("is allowed from the server's own and trusted origins", () => {
    expect(check("POST", { cookie, origin: "https://runs.example.com" })).toBeNull();
    expect(check("PATCH", { cookie, origin: "http://localhost:3000" })).toBeNull();
  });

  it("is not what a read, an API-key call or a cookie-less call is", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) expect(check(method, { cookie, origin: "https://evil.example" })).toBeNull();
    expect(check("POST", { cookie, origin: "https://evil.example", "x-api-key": "lgrs_k" })).toBeNull();
    expect(check("POST", { cookie, origin: "https://evil.example", authorization: "Bearer lgrs_k" })).toBeNull();
    expect(check("POST", { origin: "https://evil.example" })).toBeNull();
  });

  it("follows the door's say over the method's (a tRPC mutation is a write whatever the method)", () => {
    expect(check("GET", { cookie, origin: "https://evil.example" }, true)).not.toBeNull();
    expect(check("POST", { cookie, origin: "https://evil.example" }, false)).toBeNull();
  });
});

describe("the client address", () => {
  const peer = { [PEER_ADDRESS_HEADER]: "::ffff:192.0.2.7" };
  const address = (headers: Record<string, string>, proxy: Parameters<typeof clientAddress>[1]) =>
    clientAddress(new Headers(headers), proxy);

  it("is the peer without a trusted proxy, whatever the client wrote", () => {
    expect(address({ ...peer, "x-forwarded-for": "198.51.100.1", "x-real-ip": "198.51.100.2" }, null)).toBe("192.0.2.7");
    expect(address({ [PEER_ADDRESS_HEADER]: "::1" }, null)).toBe("::1");
    expect(address({}, null)).toBeNull();
    expect(address({ [PEER_ADDRESS_HEADER]: "not-an-ip" }, null)).toBeNull();
  });

  it("is the trusted header's entry as many places from the right as there are proxies", () => {
    const xff = { header: "x-forwarded-for" };
    expect(address({ ...peer, "x-forwarded-for": "198.51.100.1" }, xff)).toBe("198.51.100.1");
    expect(address({ ...peer, "x-forwarded-for": "6.6.6.6, 198.51.100.1" }, xff)).toBe("198.51.100.1");
    expect(address({ ...peer, "x-forwarded-for": "6.6.6.6, 198.51.100.1, 10.0.0.2" }, { ...xff, hops: 2 })).toBe("198.51.100.1");
    expect(address({ ...peer, "x-real-ip": "2001:db8::5" }, { header: "x-real-ip" })).toBe("2001:db8::5");
  });

  it("falls back to the peer when the trusted header is missing, short or not an address", () => {
    const xff = { header: "x-forwarded-for", hops: 2 };
    expect(address(peer, xff)).toBe("192.0.2.7");
    expect(address({ ...peer, "x-forwarded-for": "198.51.100.1" }, xff)).toBe("192.0.2.7");
    expect(address({ ...peer, "x-forwarded-for": "unknown, 10.0.0.2" }, xff)).toBe("192.0.2.7");
  });
});
