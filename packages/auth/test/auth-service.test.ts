import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ALL, usersRepository } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { runAdminCommand } from "../src/admin/commands.ts";
import { type AuthService, BOOTSTRAP_KEY_OWNER, createAuth, FIRST_START_ADMIN } from "../src/index.ts";

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
});
