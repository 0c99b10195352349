/**
 * Cross-site writes and the sign-in limit, against the real server over HTTP, on
 * all three doors: a write that rides on the session cookie must come from this
 * server's origin (tRPC mutations, LangGraph REST writes, better-auth's
 * sign-out); API keys and reads are not checked. The sign-in limit keys on the
 * connection's peer unless TRUSTED_PROXY_HEADER names the header to believe.
 *
 * Two servers: one behind a pretend proxy (TRUSTED_PROXY_HEADER=x-forwarded-for,
 * so each test signs in from its own address), one without the setting.
 */
import { afterAll, beforeAll, describe, it, type ExpectStatic } from "vitest";
import { createApiClient } from "../src/client.ts";
import { failure } from "./support/api-errors.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "./support/test-server.ts";

const EMAIL = "csrf-admin@example.com";
const PASSWORD = "csrf-admin-password";
const EVIL = "https://evil.example";
// TEST unset: better-auth must check origins as deployed (the server forces it on anyway)
const BASE_ENV = { TEST: "", AUTH_BOOTSTRAP_EMAIL: EMAIL, AUTH_BOOTSTRAP_PASSWORD: PASSWORD };

let proxied: TestServer;
let direct: TestServer;
beforeAll(async () => {
  [proxied, direct] = await Promise.all([
    startTestServer({ env: { ...BASE_ENV, TRUSTED_PROXY_HEADER: "x-forwarded-for" } }),
    startTestServer({ env: BASE_ENV }),
  ]);
}, 120_000);
afterAll(() => Promise.all([proxied?.stop(), direct?.stop()]));

let clientNumber = 0;
function signInRequest(url: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url, "x-forwarded-for": `192.0.2.${++clientNumber}`, ...headers },
    body: JSON.stringify({ email: EMAIL, password }),
  });
}

/** A fresh session cookie on the proxied server (each from its own address). */
async function signIn(expect: ExpectStatic): Promise<string> {
  const res = await signInRequest(proxied.url, PASSWORD);
  expect(res.status, await res.clone().text()).toBe(200);
  const setCookies = res.headers.getSetCookie().filter((c) => /session_token=./.test(c));
  expect(setCookies.length).toBeGreaterThan(0);
  // the first line of defence stays: the browser does not send it on cross-site posts
  for (const c of setCookies) expect(c).toMatch(/SameSite=Lax/i);
  return setCookies.map((c) => c.split(";")[0]!).join("; ");
}

async function json(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { text };
  }
}

describe("cross-site writes with the session cookie", { concurrent: true }, () => {
  describe("tRPC", () => {
    it("refuses a mutation from a foreign Origin, or with neither Origin nor Referer, with 403 FORBIDDEN naming the origin", async ({
      expect,
    }) => {
      const cookie = await signIn(expect);
      // marked, so the threads the tests beside this one make (they run concurrently) are told apart
      const refused = { metadata: { refused: "cross-site" } };
      const foreign = await failure(
        createApiClient({ url: proxied.url, headers: { cookie, origin: EVIL } }).threads.create.mutate(refused),
      );
      expect(foreign.data?.code).toBe("FORBIDDEN");
      expect(foreign.data?.httpStatus).toBe(403);
      expect(foreign.message).toContain(`"${EVIL}"`);
      expect(foreign.message).toMatch(/cross-site request refused/);

      const bare = await failure(createApiClient({ url: proxied.url, headers: { cookie } }).threads.create.mutate(refused));
      expect(bare.data?.httpStatus).toBe(403);
      expect(bare.message).toMatch(/must send an Origin \(or Referer\)/);

      const badReferer = await failure(
        createApiClient({ url: proxied.url, headers: { cookie, referer: `${EVIL}/page` } }).threads.create.mutate(refused),
      );
      expect(badReferer.data?.httpStatus).toBe(403);
      expect(badReferer.message).toMatch(/Referer/);
      const made = (await proxied.admin.threads.list.query({ limit: 500 })).items.filter((t) =>
        JSON.stringify(t.metadata).includes("cross-site"),
      );
      expect(made).toEqual([]);
    });

    it("does not serve a mutation sent raw as text/plain from a foreign Origin", async ({ expect }) => {
      const cookie = await signIn(expect);
      const res = await fetch(`${proxied.url}/api/trpc/threads.create`, {
        method: "POST",
        headers: { cookie, origin: EVIL, "content-type": "text/plain" },
        body: JSON.stringify({ json: {} }),
      });
      // tRPC takes JSON only (415 for text/plain), so no form of another site reaches a procedure either way
      expect([403, 415]).toContain(res.status);
      expect(await json(res)).toHaveProperty("error");
    });

    it("a mutation sent as GET is not served either", async ({ expect }) => {
      const cookie = await signIn(expect);
      const input = encodeURIComponent(JSON.stringify({ json: { metadata: { via: "get" } } }));
      const res = await fetch(`${proxied.url}/api/trpc/threads.create?input=${input}`, { headers: { cookie, origin: EVIL } });
      await res.arrayBuffer();
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });

    it("serves a mutation from the server's own origin (Origin, or Referer alone)", async ({ expect }) => {
      const cookie = await signIn(expect);
      const byOrigin = createApiClient({ url: proxied.url, headers: { cookie, origin: proxied.url } });
      expect(await byOrigin.threads.create.mutate({ metadata: { via: "origin" } })).toMatchObject({ metadata: { via: "origin" } });
      // 127.0.0.1 is the same server under its other local name (a trusted origin)
      const other = proxied.url.replace("localhost", "127.0.0.1");
      const byOther = createApiClient({ url: proxied.url, headers: { cookie, origin: other } });
      expect(await byOther.threads.create.mutate({})).toHaveProperty("id");
      const byReferer = createApiClient({ url: proxied.url, headers: { cookie, referer: `${proxied.url}/threads` } });
      expect(await byReferer.threads.create.mutate({})).toHaveProperty("id");
    });

    it("serves reads from a foreign Origin, and an API key from anywhere", async ({ expect }) => {
      const cookie = await signIn(expect);
      const reader = createApiClient({ url: proxied.url, headers: { cookie, origin: EVIL } });
      expect(await reader.account.me.query()).toMatchObject({ email: EMAIL, via: "session" });
      const keyed = createApiClient({ url: proxied.url, apiKey: ADMIN_KEY, headers: { origin: EVIL } });
      expect(await keyed.threads.create.mutate({ metadata: { via: "key" } })).toMatchObject({ metadata: { via: "key" } });
      // a key decides alone, even beside a cookie
      const both = createApiClient({ url: proxied.url, apiKey: ADMIN_KEY, headers: { cookie, origin: EVIL } });
      expect(await both.threads.create.mutate({})).toHaveProperty("id");
    });
  });

  describe("LangGraph REST", () => {
    const api = () => `${proxied.url}/api/langgraph`;

    it("refuses POST (text/plain and JSON), PATCH and DELETE from a foreign Origin with 403 { detail } naming it", async ({ expect }) => {
      const cookie = await signIn(expect);
      const own = { cookie, origin: proxied.url, "content-type": "application/json" };
      const created = await fetch(`${api()}/threads`, {
        method: "POST",
        headers: own,
        body: JSON.stringify({ metadata: { owner: "me" } }),
      });
      expect(created.status).toBe(200);
      const { thread_id: threadId } = (await created.json()) as { thread_id: string };

      const attempts: [string, string, Record<string, string>, string | undefined][] = [
        ["POST", "/threads", { "content-type": "text/plain" }, JSON.stringify({ metadata: { evil: true } })],
        ["POST", "/threads", { "content-type": "application/json" }, JSON.stringify({ metadata: { evil: true } })],
        ["PATCH", `/threads/${threadId}`, { "content-type": "application/json" }, JSON.stringify({ metadata: { evil: true } })],
        ["DELETE", `/threads/${threadId}`, {}, undefined],
      ];
      for (const [method, path, headers, body] of attempts) {
        for (const from of [{ origin: EVIL }, { referer: `${EVIL}/x` }, {}] as Record<string, string>[]) {
          const res = await fetch(`${api()}${path}`, { method, headers: { cookie, ...headers, ...from }, body });
          const answer = await json(res);
          expect(res.status, `${method} ${path} ${JSON.stringify(from)}: ${JSON.stringify(answer)}`).toBe(403);
          expect(answer.detail).toMatch(/^cross-site request refused: /);
          if ("origin" in from) expect(answer.detail).toContain(`"${EVIL}"`);
        }
      }
      // nothing was written: the thread is as it was, and no thread says evil
      const after = await fetch(`${api()}/threads/${threadId}`, { headers: { cookie, origin: EVIL } });
      expect(after.status).toBe(200);
      expect(((await after.json()) as { metadata: Record<string, unknown> }).metadata).not.toHaveProperty("evil");
      const search = await fetch(`${api()}/threads/search`, {
        method: "POST",
        headers: { "x-api-key": ADMIN_KEY, "content-type": "application/json" },
        body: JSON.stringify({ metadata: { evil: true } }),
      });
      expect(await search.json()).toEqual([]);
    });

    it("serves writes from the server's own origin, reads from anywhere, and API keys from anywhere", async ({ expect }) => {
      const cookie = await signIn(expect);
      const own = { cookie, origin: proxied.url, "content-type": "application/json" };
      const created = await fetch(`${api()}/threads`, { method: "POST", headers: own, body: "{}" });
      expect(created.status).toBe(200);
      const { thread_id: threadId } = (await created.json()) as { thread_id: string };
      const patched = await fetch(`${api()}/threads/${threadId}`, {
        method: "PATCH",
        headers: { cookie, referer: `${proxied.url}/threads/${threadId}`, "content-type": "application/json" },
        body: JSON.stringify({ metadata: { patched: true } }),
      });
      expect(patched.status).toBe(200);

      const read = await fetch(`${api()}/threads/${threadId}`, { headers: { cookie, origin: EVIL } });
      expect(read.status).toBe(200);
      expect(((await read.json()) as { metadata: Record<string, unknown> }).metadata).toMatchObject({ patched: true });

      const keyed = await fetch(`${api()}/threads`, {
        method: "POST",
        headers: { "x-api-key": ADMIN_KEY, origin: EVIL, "content-type": "text/plain" },
        body: "{}",
      });
      expect(keyed.status).toBe(200);
      const bearer = await fetch(`${api()}/threads/${threadId}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${ADMIN_KEY}`, origin: EVIL },
      });
      expect(bearer.status).toBeLessThan(300);
      await bearer.arrayBuffer();

      const { thread_id: keyedId } = (await keyed.json()) as { thread_id: string };
      const removed = await fetch(`${api()}/threads/${keyedId}`, { method: "DELETE", headers: own });
      expect(removed.status).toBeLessThan(300);
      await removed.arrayBuffer();
    });
  });

  describe("auth (better-auth's own origin check)", () => {
    it("refuses sign-out from a foreign Origin or without one; the session lives on until a same-origin sign-out", async ({ expect }) => {
      const cookie = await signIn(expect);
      const me = () => createApiClient({ url: proxied.url, headers: { cookie } }).account.me.query();
      const signOut = (headers: Record<string, string>) =>
        fetch(`${proxied.url}/api/auth/sign-out`, {
          method: "POST",
          headers: { cookie, "content-type": "application/json", ...headers },
          body: "{}",
        });

      const foreign = await signOut({ origin: EVIL });
      expect(foreign.status).toBe(403);
      expect(await json(foreign)).toMatchObject({ code: "INVALID_ORIGIN", message: expect.stringMatching(/origin/i) });
      const bare = await signOut({});
      expect(bare.status).toBe(403);
      expect(await json(bare)).toMatchObject({ code: "MISSING_OR_NULL_ORIGIN" });
      expect(await me()).toMatchObject({ email: EMAIL });

      const own = await signOut({ origin: proxied.url });
      expect(own.status).toBe(200);
      await own.arrayBuffer();
      const after = await failure(me());
      expect(after.data?.httpStatus).toBe(401);
    });

    it("refuses sign-in from a foreign Origin, with no cookie", async ({ expect }) => {
      const res = await signInRequest(proxied.url, PASSWORD, { origin: EVIL });
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie().filter((c) => /session_token=./.test(c))).toEqual([]);
      await res.arrayBuffer();
    });
  });
});

describe("the sign-in limit", { concurrent: true }, () => {
  async function attempts(url: string, headers: (i: number) => Record<string, string>, count: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const res = await signInRequest(url, `wrong-password-${i}`, headers(i));
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    return statuses;
  }

  it("without TRUSTED_PROXY_HEADER, keys on the connection: a new X-Forwarded-For per attempt does not help", async ({ expect }) => {
    const statuses = await attempts(
      direct.url,
      // and a forged copy of the header the server sets from the socket is replaced
      (i) => ({
        "x-forwarded-for": `198.51.100.${i + 1}`,
        "x-real-ip": `198.51.100.${i + 1}`,
        "x-lgrs-peer-address": `203.0.113.${i + 1}`,
      }),
      14,
    );
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.indexOf(429)).toBeGreaterThanOrEqual(0);
    expect(statuses.indexOf(429)).toBeLessThan(13);
    expect(statuses.slice(10)).toEqual(Array(4).fill(429));
  });

  it("with TRUSTED_PROXY_HEADER=x-forwarded-for, keys on the address the proxy appended", async ({ expect }) => {
    // each attempt from its own client: none is limited
    expect(await attempts(proxied.url, (i) => ({ "x-forwarded-for": `198.51.100.${i + 1}` }), 14)).toEqual(Array(14).fill(401));
    // one client, whatever it wrote to the left of what the proxy appended: limited after 10
    const one = await attempts(proxied.url, (i) => ({ "x-forwarded-for": `10.9.8.${i}, 203.0.113.200` }), 14);
    expect(one.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(one.slice(10)).toEqual(Array(4).fill(429));
    const right = await signInRequest(proxied.url, PASSWORD, { "x-forwarded-for": "203.0.113.200" });
    expect(right.status).toBe(429);
    await right.arrayBuffer();
    // another client still signs in
    const other = await signInRequest(proxied.url, PASSWORD, { "x-forwarded-for": "203.0.113.201" });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
  });
});
