import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ALL, hashApiKey, usersRepository } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { runAdminCommand } from "../src/admin/commands.ts";
import { type AuthService, BOOTSTRAP_KEY_OWNER, createAuth, FIRST_START_ADMIN, VERIFIED_KEY_TTL_MS } from "../src/index.ts";

const BASE_URL = "http://localhost:3999";

/**
 * What the doors ask of auth, on a real database: who a request's caller is
 * (API key or session cookie), the caller's own keys, the start-up accounts.
 */
describe.each(testTargets)("auth service on $provider", (target) => {
  const database = useMigratedDatabase(target);
  const users = () => usersRepository(database());
  let service: AuthService | undefined;
  const auth = () => (service ??= createAuth(database(), { secret: randomBytes(32).toString("base64url"), baseURL: BASE_URL }));

  let made = 0;
  async function newUser(role: "admin" | "user" = "user") {
    return users().createUser({ email: `u${++made}-${Date.now()}@example.com`, name: `User ${made}`, role });
  }

  /** Signs in through better-auth's own endpoint, as the sign-in form does; the session cookie. */
  async function signIn(email: string, password: string): Promise<string> {
    const res = await auth().handler(
      new Request(`${BASE_URL}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: BASE_URL, "x-forwarded-for": `192.0.2.${made}` },
        body: JSON.stringify({ email, password }),
      }),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    return res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .join("; ");
  }

  it("on an empty database, bootstrap makes the first-start admin and tells its password once, even when instances start together", async () => {
    const said: string[] = [];
    // three instances of a fleet starting at once on the empty database: one makes the admin, the others find it
    await Promise.all([1, 2, 3].map(() => auth().bootstrap({}, (l) => said.push(l))));
    expect(said).toHaveLength(1);
    expect(await users().countUsers()).toBe(1);
    const password = /with password (\S+) /.exec(said[0]!)?.[1];
    expect(said[0]).toContain(FIRST_START_ADMIN);

    const cookie = await signIn(FIRST_START_ADMIN, password!);
    const caller = await auth().callerOf(new Headers({ cookie }));
    expect(caller).toMatchObject({ email: FIRST_START_ADMIN, role: "admin", scope: ALL, via: "session" });
    expect((await auth().session(new Headers({ cookie })))?.user.email).toBe(FIRST_START_ADMIN);

    // users exist now: a second start makes no one and says nothing
    await auth().bootstrap({}, (l) => said.push(l));
    expect(said).toHaveLength(1);
  });

  it("a bootstrap key belongs to an admin, made once across restarts", async () => {
    const apiKey = `bootstrap-${randomBytes(16).toString("hex")}`;
    await auth().bootstrap({ apiKey });
    await auth().bootstrap({ apiKey });
    const caller = await auth().callerOf(new Headers({ "x-api-key": apiKey }));
    expect(caller).toMatchObject({ email: BOOTSTRAP_KEY_OWNER, role: "admin", scope: ALL, via: "api-key" });
    expect((await auth().listApiKeys(caller!.userId)).items.filter((k) => k.name === "bootstrap")).toHaveLength(1);
  });

  it("a key made for a user calls as that user, by x-api-key or Bearer, until revoked", async () => {
    const user = await newUser();
    const issued = await auth().createApiKey(user.id, { name: "ci" });
    expect(issued.key).toMatch(/^lgrs_/);
    const presented: Record<string, string>[] = [{ "x-api-key": issued.key }, { authorization: `Bearer ${issued.key}` }];
    for (const headers of presented) {
      expect(await auth().callerOf(new Headers(headers))).toEqual({
        userId: user.id,
        email: user.email,
        role: "user",
        scope: { ownerId: user.id },
        via: "api-key",
        // which key: a run this caller stops records it
        apiKey: { id: issued.id, name: "ci" },
      });
    }

    const listed = await auth().listApiKeys(user.id);
    expect(listed.items.map((k) => [k.id, k.name])).toEqual([[issued.id, "ci"]]);
    expect(JSON.stringify(listed)).not.toContain(issued.key);

    const stranger = await newUser();
    expect(await auth().revokeApiKey(stranger.id, issued.id)).toBe(false);
    expect(await auth().callerOf(new Headers({ "x-api-key": issued.key }))).not.toBeNull();
    expect(await auth().revokeApiKey(user.id, issued.id)).toBe(true);
    expect(await auth().revokeApiKey(user.id, issued.id)).toBe(false);
    expect(await auth().callerOf(new Headers({ "x-api-key": issued.key }))).toBeNull();
  });

  it("no credentials, an unknown key or an expired key is no caller; a wrong key is not rescued by a cookie", async () => {
    expect(await auth().callerOf(new Headers())).toBeNull();
    expect(await auth().callerOf(new Headers({ "x-api-key": "lgrs_not-a-key" }))).toBeNull();

    const user = await newUser();
    const expired = await auth().createApiKey(user.id, { expiresAt: new Date(Date.now() - 1000) });
    expect(await auth().callerOf(new Headers({ "x-api-key": expired.key }))).toBeNull();

    const email = `op${++made}-${Date.now()}@example.com`;
    await runAdminCommand(["user", "create", "--email", email, "--password", "operator-password"], { db: database(), print: () => {} });
    const cookie = await signIn(email, "operator-password");
    expect(await auth().callerOf(new Headers({ cookie }))).toMatchObject({ email, via: "session" });
    expect(await auth().callerOf(new Headers({ cookie, "x-api-key": "lgrs_not-a-key" }))).toBeNull();
  });

  it("a banned user is no caller until the ban ends", async () => {
    const user = await newUser();
    const { key } = await auth().createApiKey(user.id);
    const headers = new Headers({ "x-api-key": key });
    await database().prisma.user.update({ where: { id: user.id }, data: { banned: true, banExpires: new Date(Date.now() + 60_000) } });
    expect(await auth().callerOf(headers)).toBeNull();
    await database().prisma.user.update({ where: { id: user.id }, data: { banExpires: new Date(Date.now() - 1000) } });
    expect(await auth().callerOf(headers)).toMatchObject({ userId: user.id });
  });
  describe("verified keys", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** The key's row goes as another process would take it away: this service is not told. */
    async function deleteBehindItsBack(key: string) {
      const { count } = await database().prisma.apikey.deleteMany({ where: { key: hashApiKey(key) } });
      expect(count).toBe(1);
    }

    it("a key verified once is believed without asking the database, for VERIFIED_KEY_TTL_MS at most", async () => {
      const user = await newUser();
      const { key } = await auth().createApiKey(user.id);
      const headers = new Headers({ "x-api-key": key });
      vi.useFakeTimers({ toFake: ["Date"] });
      expect(await auth().callerOf(headers)).toMatchObject({ userId: user.id });

      await deleteBehindItsBack(key);
      // no query ran: the row is gone, yet the caller is known
      vi.advanceTimersByTime(VERIFIED_KEY_TTL_MS - 1);
      expect(await auth().callerOf(headers)).toMatchObject({ userId: user.id });
      vi.advanceTimersByTime(2);
      expect(await auth().callerOf(headers)).toBeNull();
    });

    it("a verified key still ends at its own expiry, within the few seconds it is believed", async () => {
      const user = await newUser();
      const { key } = await auth().createApiKey(user.id, { expiresAt: new Date(Date.now() + 1_000) });
      const headers = new Headers({ "x-api-key": key });
      vi.useFakeTimers({ toFake: ["Date"] });
      expect(await auth().callerOf(headers)).toMatchObject({ userId: user.id });
      vi.advanceTimersByTime(1_001);
      expect(await auth().callerOf(headers)).toBeNull();
    });

    it("revoking here refuses a verified key on the very next call, and leaves others' keys verified", async () => {
      const [user, other] = [await newUser(), await newUser()];
      const mine = await auth().createApiKey(user.id);
      const theirs = await auth().createApiKey(other.id);
      expect(await auth().callerOf(new Headers({ "x-api-key": mine.key }))).toMatchObject({ userId: user.id });
      expect(await auth().callerOf(new Headers({ "x-api-key": theirs.key }))).toMatchObject({ userId: other.id });

      await deleteBehindItsBack(theirs.key);
      expect(await auth().revokeApiKey(user.id, mine.id)).toBe(true);
      expect(await auth().callerOf(new Headers({ "x-api-key": mine.key }))).toBeNull();
      // the other user's key was not forgotten (its row is gone, so only the kept verification answers)
      expect(await auth().callerOf(new Headers({ "x-api-key": theirs.key }))).toMatchObject({ userId: other.id });
    });

    it("a ban, a role change or a removal by better-auth's admin endpoints reaches a verified key at once", async () => {
      const email = `admin${++made}-${Date.now()}@example.com`;
      await runAdminCommand(["user", "create", "--email", email, "--password", "admin-password", "--role", "admin"], {
        db: database(),
        print: () => {},
      });
      const cookie = await signIn(email, "admin-password");
      async function adminEndpoint(name: string, body: object) {
        const res = await auth().handler(
          new Request(`${BASE_URL}/api/auth/admin/${name}`, {
            method: "POST",
            headers: { "content-type": "application/json", origin: BASE_URL, cookie },
            body: JSON.stringify(body),
          }),
        );
        expect(res.status, await res.text()).toBe(200);
      }
      const user = await newUser();
      const { key } = await auth().createApiKey(user.id);
      const headers = new Headers({ "x-api-key": key });
      expect(await auth().callerOf(headers)).toMatchObject({ role: "user" });

      await adminEndpoint("set-role", { userId: user.id, role: "admin" });
      expect(await auth().callerOf(headers)).toMatchObject({ role: "admin", scope: ALL });
      await adminEndpoint("ban-user", { userId: user.id });
      expect(await auth().callerOf(headers)).toBeNull();
      await adminEndpoint("unban-user", { userId: user.id });
      expect(await auth().callerOf(headers)).toMatchObject({ userId: user.id });
      await adminEndpoint("remove-user", { userId: user.id });
      expect(await auth().callerOf(headers)).toBeNull();
    });
  });
});
