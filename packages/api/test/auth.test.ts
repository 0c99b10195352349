/**
 * Sign-in, sessions, API keys, the bootstrap settings, the first start and
 * `npm run admin`, against the real server over HTTP.
 *
 * Server starts dominate the time, so the suites run side by side: one server
 * with bootstrap settings serves the sign-in, key and admin CLI tests and is then
 * restarted on its database; a second server covers the first start; the invalid
 * settings are separate short-lived processes.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, it, vi, type ExpectStatic } from "vitest";
import { repositories } from "@lgrs/db";
import { createApiClient, type ApiClient } from "../src/client.ts";
import { VERIFIED_KEY_TTL_MS } from "@lgrs/auth";
import { runAdminCommand } from "@lgrs/auth/admin";
import { expectCode } from "./support/api-errors.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "./support/test-server.ts";

const API_DIR = path.resolve(import.meta.dirname, "..");
const AUTH_DIR = path.resolve(API_DIR, "../auth");
const WEB_DIR = path.resolve(API_DIR, "../../apps/web");
const SERVER_START = 120_000;

const tmp = mkdtempSync(path.join(os.tmpdir(), "lgrs-auth-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------- helpers

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a process to its end (its output fully read). */
function run(command: string[], options: { cwd: string; env: Record<string, string | undefined> }): Promise<Exit> {
  const child = spawn(process.execPath, command, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment of the test process without the settings a test must choose itself. */
function cleanEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      key.startsWith("AUTH_") ||
      key.startsWith("TRUSTED_PROXY_") ||
      ["TEST", "PORT", "DATABASE_URL", "LANGGRAPH_CONFIG", "INIT_CWD", "NODE_ENV"].includes(key)
    )
      delete env[key];
  }
  return env;
}

/** `npm run admin -- <args>` (node --import tsx src/admin/cli.ts, as the package script runs it) on a database file. */
function adminCli(dbFile: string, ...args: string[]): Promise<Exit> {
  return run(["--import", "tsx", "src/admin/cli.ts", ...args], { cwd: AUTH_DIR, env: { ...cleanEnv(), DATABASE_URL: `file:${dbFile}` } });
}

/** The same commands in-process, on the server's database (quicker than a process each). */
async function admin(server: TestServer, ...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  await runAdminCommand(args, { db: server.db, print: (l) => lines.push(l) });
  return lines;
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}

let clientNumber = 0;
/**
 * Each sign-in comes from its own client address (as many users would), so
 * better-auth's per-address sign-in limit never decides a test.
 */
function authHeaders(url: string): Record<string, string> {
  return { "content-type": "application/json", origin: url, "x-forwarded-for": `192.0.2.${++clientNumber % 250}` };
}

/** The session cookie (`name=value`) a response sets, if any. */
function sessionCookie(res: Response): string | null {
  const pairs = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!.trim())
    .filter((c) => /session_token=./.test(c));
  return pairs.length ? pairs.join("; ") : null;
}

async function signIn(url: string, email: string, password: string): Promise<{ status: number; cookie: string | null }> {
  const res = await fetch(`${url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: authHeaders(url),
    body: JSON.stringify({ email, password }),
  });
  await res.arrayBuffer();
  return { status: res.status, cookie: sessionCookie(res) };
}

/** Signs in and returns the cookie, failing the test when sign-in does not work. */
async function cookieFor(expect: ExpectStatic, url: string, email: string, password: string): Promise<string> {
  const { status, cookie } = await signIn(url, email, password);
  expect(status, `sign-in of ${email}`).toBe(200);
  expect(cookie).toBeTruthy();
  return cookie!;
}

/** A client of the session cookie, as the dashboard's pages are: from the server's own origin (writes need it). */
function withCookie(url: string, cookie: string, headers: Record<string, string> = {}): ApiClient {
  return createApiClient({ url, headers: { cookie, origin: url, ...headers } });
}

async function expectUnauthorized(expect: ExpectStatic, call: Promise<unknown>): Promise<void> {
  const err = await expectCode(call, "UNAUTHORIZED");
  expect(err.data?.httpStatus).toBe(401);
}

/**
 * A change made outside the server (npm run admin, the database itself) reaches a key
 * the server verified moments before within VERIFIED_KEY_TTL_MS: `check` passes by then.
 */
function withinKeyBound(check: () => Promise<void>): Promise<void> {
  return vi.waitFor(check, { timeout: VERIFIED_KEY_TTL_MS + 2_000, interval: 250 });
}

/** better-auth's admin endpoint `name` (ban-user, set-role, ...), as an admin's dashboard session calls it. */
async function adminEndpoint(expect: ExpectStatic, url: string, cookie: string, name: string, body: object): Promise<void> {
  const res = await fetch(`${url}/api/auth/admin/${name}`, {
    method: "POST",
    headers: { ...authHeaders(url), cookie },
    body: JSON.stringify(body),
  });
  expect(res.status, `${name}: ${await res.text()}`).toBe(200);
}

let emailNumber = 0;
function newEmail(name: string): string {
  return `${name}-${++emailNumber}-${Date.now()}@example.com`;
}

// ---------------------------------------------------------------- one server with bootstrap settings

/**
 * Vitest sets TEST=true, which the servers would inherit, and better-auth then
 * skips its origin (CSRF) check: these servers run without it, as users run them.
 */
const AS_USERS_RUN_IT = {
  TEST: "",
  // the sign-ins of these tests come from many clients (authHeaders), as behind a proxy that names them
  TRUSTED_PROXY_HEADER: "x-forwarded-for",
};
const BOOT_EMAIL = "boot@example.com";
const BOOT_PASSWORD = "first-bootstrap-password";
const BOOT_ENV = { ...AS_USERS_RUN_IT, AUTH_BOOTSTRAP_EMAIL: BOOT_EMAIL, AUTH_BOOTSTRAP_PASSWORD: BOOT_PASSWORD };

describe("a server with bootstrap settings", { concurrent: true }, () => {
  const dir = path.join(tmp, "bootstrap");
  const dbFile = path.join(dir, "test.db");
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dir, env: BOOT_ENV });
  }, SERVER_START);
  afterAll(() => server?.stop());

  describe("sign-in with email and password", () => {
    it("gives a session cookie that calls the API as the admin, until sign-out", async ({ expect }) => {
      const cookie = await cookieFor(expect, server.url, BOOT_EMAIL, BOOT_PASSWORD);
      const session = withCookie(server.url, cookie);
      expect(await session.account.me.query()).toMatchObject({ email: BOOT_EMAIL, role: "admin", via: "session" });

      const out = await fetch(`${server.url}/api/auth/sign-out`, {
        method: "POST",
        headers: { ...authHeaders(server.url), cookie },
        body: "{}",
      });
      expect(out.status).toBe(200);
      await expectUnauthorized(expect, session.account.me.query());
    });

    it("refuses a wrong password or an unknown email, with no cookie", async ({ expect }) => {
      for (const [email, password] of [
        [BOOT_EMAIL, "not-the-password"],
        [BOOT_EMAIL.toUpperCase(), "not-the-password"],
        ["nobody@example.com", BOOT_PASSWORD],
      ] as const) {
        const res = await signIn(server.url, email, password);
        expect(res.status, `${email} / ${password}`).toBe(401);
        expect(res.cookie).toBeNull();
      }
    });

    it("refuses an address after 10 sign-in attempts in a minute, even with the right password", async ({ expect }) => {
      const attempt = (password: string, address: string) =>
        fetch(`${server.url}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { ...authHeaders(server.url), "x-forwarded-for": address },
          body: JSON.stringify({ email: BOOT_EMAIL, password }),
        }).then(async (res) => {
          await res.arrayBuffer();
          return res.status;
        });
      const guesser = "203.0.113.77";
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push(await attempt(`guess-${i}`, guesser));
      expect(statuses).toEqual(Array(10).fill(401));
      expect(await attempt(BOOT_PASSWORD, guesser)).toBe(429);
      // the limit is per address: the admin elsewhere still signs in
      expect(await attempt(BOOT_PASSWORD, "203.0.113.78")).toBe(200);
    });

    it("refuses a sign-in from another origin", async ({ expect }) => {
      const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { ...authHeaders(server.url), origin: "https://evil.example.com" },
        body: JSON.stringify({ email: BOOT_EMAIL, password: BOOT_PASSWORD }),
      });
      expect(res.status).toBe(403);
      expect(sessionCookie(res)).toBeNull();
    });

    it("refuses public sign-up", async ({ expect }) => {
      const email = newEmail("signup");
      const res = await fetch(`${server.url}/api/auth/sign-up/email`, {
        method: "POST",
        headers: authHeaders(server.url),
        body: JSON.stringify({ email, password: "a-long-enough-password", name: "Mallory" }),
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(sessionCookie(res)).toBeNull();
      expect(await repositories(server.db).users.getUserByEmail(email)).toBeNull();
      expect((await signIn(server.url, email, "a-long-enough-password")).status).toBe(401);
    });
  });

  describe("users made with npm run admin", () => {
    it("a user can sign in and sees only its own threads; an admin sees everyone's", async ({ expect }) => {
      const email = newEmail("alice");
      const created = await adminCli(dbFile, "user", "create", "--email", email, "--name", "Alice", "--password", "alice-password-1");
      expect(created.code, created.stderr).toBe(0);
      expect(lines(created.stdout)).toEqual([expect.stringMatching(new RegExp(`^created user ${email} \\(\\S+\\)$`))]);

      const alice = withCookie(server.url, await cookieFor(expect, server.url, email, "alice-password-1"));
      expect(await alice.account.me.query()).toMatchObject({ email, role: "user", via: "session" });
      const other = await server.user();

      const own = await alice.threads.create.mutate({ metadata: { by: "alice" } });
      const admins = await server.admin.threads.create.mutate({ metadata: { by: "admin" } });
      const others = await other.client.threads.create.mutate({ metadata: { by: "other" } });

      const seen = (await alice.threads.list.query({ limit: 500 })).items.map((t) => t.id);
      expect(seen).toEqual([own.id]);
      await expectCode(alice.threads.get.query({ threadId: admins.id }), "NOT_FOUND");
      await expectCode(alice.threads.get.query({ threadId: others.id }), "NOT_FOUND");

      const all = (await server.admin.threads.list.query({ limit: 500 })).items.map((t) => t.id);
      expect(all).toEqual(expect.arrayContaining([own.id, admins.id, others.id]));
      expect(await server.admin.threads.get.query({ threadId: own.id })).toMatchObject({ id: own.id });
    });
  });

  describe("API keys", () => {
    it("are accepted as x-api-key and as Authorization: Bearer", async ({ expect }) => {
      const viaHeader = createApiClient({ url: server.url, headers: { "x-api-key": ADMIN_KEY } });
      const viaBearer = createApiClient({ url: server.url, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      for (const client of [viaHeader, viaBearer]) {
        expect(await client.account.me.query()).toMatchObject({ email: BOOT_EMAIL, role: "admin", via: "api-key" });
      }
      await expectUnauthorized(expect, createApiClient({ url: server.url }).account.me.query());
    });

    it("a wrong key is refused even with a valid session cookie", async ({ expect }) => {
      const cookie = await cookieFor(expect, server.url, BOOT_EMAIL, BOOT_PASSWORD);
      expect(await withCookie(server.url, cookie).account.me.query()).toMatchObject({ via: "session" });
      await expectUnauthorized(expect, withCookie(server.url, cookie, { "x-api-key": "lgrs_not-a-real-key" }).account.me.query());
      await expectUnauthorized(expect, withCookie(server.url, cookie, { authorization: "Bearer lgrs_not-a-real-key" }).account.me.query());
    });

    it("a key made by `key create` works until `key revoke` (within the verified-key bound)", async ({ expect }) => {
      const { user } = await server.user();
      const made = await admin(server, "key", "create", "--email", user.email, "--name", "ci");
      const id = /^created key (\S+) for /.exec(made[0]!)?.[1];
      const key = /^key: (\S+)$/.exec(made[1]!)?.[1];
      expect(id && key, made.join("\n")).toBeTruthy();
      const client = createApiClient({ url: server.url, apiKey: key });
      expect(await client.account.me.query()).toMatchObject({ email: user.email, role: "user", via: "api-key" });

      expect(await admin(server, "key", "revoke", "--email", user.email, "--id", id!)).toEqual([`revoked key ${id}`]);
      // `npm run admin` writes the database from another process: the server sees it within the bound
      await withinKeyBound(() => expectUnauthorized(expect, client.account.me.query()));
    });

    it("an expired key is refused", async ({ expect }) => {
      const { user, client } = await server.user();
      const expired = `lgrs_expired-${randomBytes(16).toString("hex")}`;
      await repositories(server.db).users.createApiKey({ userId: user.id, plainKey: expired, expiresAt: new Date(Date.now() - 60_000) });
      expect(await client.account.me.query()).toMatchObject({ email: user.email });
      await expectUnauthorized(expect, createApiClient({ url: server.url, apiKey: expired }).account.me.query());
    });

    it("a user banned through the admin endpoints is refused at once, by key and by session; unbanned, served at once", async ({
      expect,
    }) => {
      const email = newEmail("banned");
      await admin(server, "user", "create", "--email", email, "--password", "banned-password-1");
      const { id: userId } = (await repositories(server.db).users.getUserByEmail(email))!;
      const session = withCookie(server.url, await cookieFor(expect, server.url, email, "banned-password-1"));
      const { key } = await session.account.createApiKey.mutate({ name: "mine" });
      const byKey = createApiClient({ url: server.url, apiKey: key });
      // verified once: the server now knows the key
      expect(await byKey.account.me.query()).toMatchObject({ email });

      const adminCookie = await cookieFor(expect, server.url, BOOT_EMAIL, BOOT_PASSWORD);
      await adminEndpoint(expect, server.url, adminCookie, "ban-user", { userId });
      await expectUnauthorized(expect, byKey.account.me.query());
      await expectUnauthorized(expect, session.account.me.query());
      expect((await signIn(server.url, email, "banned-password-1")).cookie).toBeNull();

      await adminEndpoint(expect, server.url, adminCookie, "unban-user", { userId });
      expect(await byKey.account.me.query()).toMatchObject({ email });
    });

    it("role changes and removal through the admin endpoints reach a known key at once", async ({ expect }) => {
      const { user, client } = await server.user();
      expect(await client.account.me.query()).toMatchObject({ role: "user" });
      const adminCookie = await cookieFor(expect, server.url, BOOT_EMAIL, BOOT_PASSWORD);
      await adminEndpoint(expect, server.url, adminCookie, "set-role", { userId: user.id, role: "admin" });
      expect(await client.account.me.query()).toMatchObject({ role: "admin" });
      await adminEndpoint(expect, server.url, adminCookie, "remove-user", { userId: user.id });
      await expectUnauthorized(expect, client.account.me.query());
    });

    it("a ban written to the database from outside is refused by key within the bound, by session at once, until the ban ends", async ({
      expect,
    }) => {
      const email = newEmail("banned");
      await admin(server, "user", "create", "--email", email, "--password", "banned-password-1");
      const cookie = await cookieFor(expect, server.url, email, "banned-password-1");
      const session = withCookie(server.url, cookie);
      const { key } = await session.account.createApiKey.mutate({ name: "mine" });
      const byKey = createApiClient({ url: server.url, apiKey: key });
      expect(await byKey.account.me.query()).toMatchObject({ email });

      await server.db.prisma.user.update({ where: { email }, data: { banned: true } });
      await expectUnauthorized(expect, session.account.me.query());
      await withinKeyBound(() => expectUnauthorized(expect, byKey.account.me.query()));
      expect((await signIn(server.url, email, "banned-password-1")).cookie).toBeNull();

      // a refused key is not remembered: the end of the ban is seen at once
      await server.db.prisma.user.update({ where: { email }, data: { banExpires: new Date(Date.now() - 1000) } });
      expect(await byKey.account.me.query()).toMatchObject({ email });
    });
  });

  describe("npm run admin", () => {
    it("user create without --password prints a generated password once, and it signs in", async ({ expect }) => {
      const email = newEmail("bob");
      const out = await admin(server, "user", "create", "--email", email);
      expect(out).toHaveLength(2);
      expect(out[0]).toMatch(new RegExp(`^created user ${email} `));
      const password = /^password: (\S{12,})$/.exec(out[1]!)?.[1];
      expect(password, out.join("\n")).toBeTruthy();
      await cookieFor(expect, server.url, email, password!);
    });

    it("user create refuses an email that exists, with exit code 1", async ({ expect }) => {
      const before = await repositories(server.db).users.getUserByEmail(BOOT_EMAIL);
      const dup = await adminCli(dbFile, "user", "create", "--email", BOOT_EMAIL.toUpperCase(), "--password", "another-password");
      expect(dup.code).toBe(1);
      expect(dup.stdout).toBe("");
      expect(lines(dup.stderr)).toEqual([`error: a user with email ${BOOT_EMAIL.toUpperCase()} already exists`]);
      expect(await server.db.prisma.user.findMany({ where: { email: BOOT_EMAIL } })).toEqual([before]);
      await cookieFor(expect, server.url, BOOT_EMAIL, BOOT_PASSWORD);
    });

    it("an unknown command prints the usage and exits 1", async ({ expect }) => {
      const res = await adminCli(dbFile, "user", "delete", "--email", BOOT_EMAIL);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe("");
      expect(res.stderr).toMatch(/^error: unknown command "user delete"/);
      expect(res.stderr).toMatch(/^usage: npm run admin -- <command>/m);
      expect(res.stderr).toContain("key revoke --email <email> --id <key id>");
    });

    it("user create refuses a password too short to sign in with", async ({ expect }) => {
      for (const password of ["short", ""]) {
        const email = newEmail("short");
        await expect(admin(server, "user", "create", "--email", email, `--password=${password}`)).rejects.toThrow(/at least 8 characters/);
        expect(await repositories(server.db).users.getUserByEmail(email)).toBeNull();
      }
    });

    it("user role makes a user an admin (within the verified-key bound)", async ({ expect }) => {
      const { user, client } = await server.user();
      const theirs = await client.threads.create.mutate({});
      const others = await server.admin.threads.create.mutate({});
      await expectCode(client.threads.get.query({ threadId: others.id }), "NOT_FOUND");

      // `npm run admin` writes the database from another process: the server sees it within the verified-key bound
      expect(await admin(server, "user", "role", "--email", user.email, "--role", "admin")).toEqual([`${user.email} is now admin`]);
      await withinKeyBound(async () => expect(await client.account.me.query()).toMatchObject({ role: "admin" }));
      expect(await client.threads.get.query({ threadId: others.id })).toMatchObject({ id: others.id });

      await admin(server, "user", "role", "--email", user.email, "--role", "user");
      await withinKeyBound(async () => expect(await client.account.me.query()).toMatchObject({ role: "user" }));
      expect((await client.threads.list.query({ limit: 500 })).items.map((t) => t.id)).toEqual([theirs.id]);
      await expect(admin(server, "user", "role", "--email", user.email, "--role", "root")).rejects.toThrow(/admin or user/);
    });

    it("user password replaces the password: the new one signs in, the old one no longer", async ({ expect }) => {
      const email = newEmail("carol");
      await admin(server, "user", "create", "--email", email, "--password", "carol-old-password");
      await cookieFor(expect, server.url, email, "carol-old-password");

      expect(await admin(server, "user", "password", "--email", email, "--password", "carol-new-password")).toEqual([
        `password of ${email} changed`,
      ]);
      await cookieFor(expect, server.url, email, "carol-new-password");
      expect((await signIn(server.url, email, "carol-old-password")).status).toBe(401);

      const generated = await admin(server, "user", "password", "--email", email);
      const password = /^password: (\S+)$/.exec(generated[1]!)?.[1];
      await cookieFor(expect, server.url, email, password!);
      await expect(admin(server, "user", "password", "--email", email, "--password", "short")).rejects.toThrow(/at least 8/);
    });

    it("key list shows a user's keys without the keys themselves", async ({ expect }) => {
      const { user } = await server.user();
      const made = await admin(server, "key", "create", "--email", user.email, "--name", "deploy", "--expires-days", "30");
      const id = /^created key (\S+) for .*, expires \d{4}-/.exec(made[0]!)?.[1];
      const key = /^key: (\S+)$/.exec(made[1]!)?.[1];
      expect(id && key, made.join("\n")).toBeTruthy();

      const listed = await admin(server, "key", "list", "--email", user.email);
      const line = listed.find((l) => l.startsWith(id!));
      expect(line).toContain("deploy");
      expect(listed.join("\n")).not.toContain(key!);
      // at most a short prefix of the key, never enough to use it
      const shown = line!.split(/\s+/)[1]!.replace("…", "");
      expect(key!.startsWith(shown) && shown.length <= 8).toBe(true);
    });
  });

  // after everything above, on the same database
  describe("restarts", { sequential: true }, () => {
    it(
      "with the same settings: the same admins, the bootstrap key and password still work",
      async ({ expect }) => {
        const repos = repositories(server.db);
        const admins = async (s: TestServer) =>
          (await s.db.prisma.user.findMany({ where: { role: "admin" }, orderBy: { id: "asc" } })).map((u) => u.email);
        const before = { admins: await admins(server), users: await repos.users.countUsers() };
        const cookie = await cookieFor(expect, server.url, BOOT_EMAIL, BOOT_PASSWORD);
        await server.stop();

        server = await startTestServer({ dir, env: BOOT_ENV });
        expect(server.output()).not.toMatch(/first start|admin@lgrs\.local/);
        expect(await admins(server)).toEqual(before.admins);
        expect(await repositories(server.db).users.countUsers()).toBe(before.users);
        expect(await server.db.prisma.apikey.count({ where: { name: "bootstrap" } })).toBe(1);
        expect(await server.admin.account.me.query()).toMatchObject({ email: BOOT_EMAIL, role: "admin", via: "api-key" });
        await cookieFor(expect, server.url, BOOT_EMAIL, BOOT_PASSWORD);
        expect(await withCookie(server.url, cookie).account.me.query()).toMatchObject({ email: BOOT_EMAIL, via: "session" });
      },
      SERVER_START,
    );

    it(
      "with a new AUTH_BOOTSTRAP_PASSWORD: the new password signs in, the old one no longer",
      async ({ expect }) => {
        await server.stop();
        server = await startTestServer({ dir, env: { ...BOOT_ENV, AUTH_BOOTSTRAP_PASSWORD: "second-bootstrap-password" } });
        await cookieFor(expect, server.url, BOOT_EMAIL, "second-bootstrap-password");
        const old = await signIn(server.url, BOOT_EMAIL, BOOT_PASSWORD);
        expect(old.status).toBe(401);
        expect(old.cookie).toBeNull();
        expect(await server.admin.account.me.query()).toMatchObject({ email: BOOT_EMAIL, role: "admin" });
      },
      SERVER_START,
    );
  });
});

// ---------------------------------------------------------------- first start

describe("first start with no bootstrap settings", { concurrent: true }, () => {
  const NO_BOOTSTRAP = { ...AS_USERS_RUN_IT, AUTH_BOOTSTRAP_API_KEY: "", AUTH_BOOTSTRAP_EMAIL: "", AUTH_BOOTSTRAP_PASSWORD: "" };
  let server: TestServer | undefined;
  afterAll(() => server?.stop());

  it(
    "prints a generated admin once; the secret is kept owner-only and sessions survive a restart",
    async ({ expect }) => {
      const dir = mkdtempSync(path.join(tmp, "first-"));
      server = await startTestServer({ dir, env: NO_BOOTSTRAP });
      const told = lines(server.output()).filter((l) => /password/i.test(l));
      expect(told).toHaveLength(1);
      const [, email, password] = /(admin@lgrs\.local)\b.*?\bpassword (\S+)/.exec(told[0]!) ?? [];
      expect(email, told[0]).toBe("admin@lgrs.local");
      const cookie = await cookieFor(expect, server.url, email!, password!);
      expect(await withCookie(server.url, cookie).account.me.query()).toMatchObject({ email, role: "admin", via: "session" });
      expect(await repositories(server.db).users.countUsers()).toBe(1);

      const secretFile = path.join(dir, "auth-secret");
      expect(existsSync(secretFile)).toBe(true);
      expect(statSync(secretFile).mode & 0o777).toBe(0o600);
      const secret = readFileSync(secretFile, "utf8");
      expect(secret.trim().length).toBeGreaterThanOrEqual(32);

      await server.stop();
      server = await startTestServer({ dir, env: NO_BOOTSTRAP });
      expect(server.output()).not.toMatch(/password/i);
      expect(server.output()).not.toContain("admin@lgrs.local");
      expect(readFileSync(secretFile, "utf8")).toBe(secret);
      expect(await repositories(server.db).users.countUsers()).toBe(1);
      // the cookie from before the restart, and the printed password, both still work
      expect(await withCookie(server.url, cookie).account.me.query()).toMatchObject({ email, role: "admin", via: "session" });
      await cookieFor(expect, server.url, email!, password!);
    },
    2 * SERVER_START,
  );
});

// ---------------------------------------------------------------- invalid settings

describe("invalid auth settings stop start-up", { concurrent: true }, () => {
  const cases: { name: string; env: Record<string, string>; mentions: RegExp; secret?: string }[] = [
    {
      name: "AUTH_SECRET too short",
      env: { AUTH_SECRET: "tooShortSecret123" },
      mentions: /AUTH_SECRET is too short/,
      secret: "tooShortSecret123",
    },
    { name: "AUTH_URL not a URL", env: { AUTH_URL: "runs.example.com" }, mentions: /AUTH_URL "runs\.example\.com"/ },
    {
      name: "AUTH_BOOTSTRAP_EMAIL without a password",
      env: { AUTH_BOOTSTRAP_EMAIL: "ops@example.com" },
      mentions: /AUTH_BOOTSTRAP_EMAIL and AUTH_BOOTSTRAP_PASSWORD/,
    },
    {
      name: "AUTH_BOOTSTRAP_EMAIL not an email",
      env: { AUTH_BOOTSTRAP_EMAIL: "ops.example.com", AUTH_BOOTSTRAP_PASSWORD: "long-enough-password" },
      mentions: /AUTH_BOOTSTRAP_EMAIL "ops\.example\.com"/,
      secret: "long-enough-password",
    },
    {
      name: "AUTH_BOOTSTRAP_PASSWORD too short",
      env: { AUTH_BOOTSTRAP_EMAIL: "ops@example.com", AUTH_BOOTSTRAP_PASSWORD: "Pw12345" },
      mentions: /AUTH_BOOTSTRAP_PASSWORD is too short/,
      secret: "Pw12345",
    },
    { name: "AUTH_SIGNIN_LIMIT not a number", env: { AUTH_SIGNIN_LIMIT: "ten" }, mentions: /AUTH_SIGNIN_LIMIT "ten"/ },
    {
      name: "TRUSTED_PROXY_HEADER not a header that names a client",
      env: { TRUSTED_PROXY_HEADER: "x forwarded for" },
      mentions: /TRUSTED_PROXY_HEADER "x forwarded for" .*e\.g\. TRUSTED_PROXY_HEADER=x-forwarded-for/,
    },
    {
      name: "TRUSTED_PROXY_HOPS without TRUSTED_PROXY_HEADER",
      env: { TRUSTED_PROXY_HOPS: "2" },
      mentions: /TRUSTED_PROXY_HOPS is set without TRUSTED_PROXY_HEADER/,
    },
    {
      name: "AUTH_BOOTSTRAP_API_KEY too short",
      env: { AUTH_BOOTSTRAP_API_KEY: "key-0123456789" },
      mentions: /AUTH_BOOTSTRAP_API_KEY is too short/,
      secret: "key-0123456789",
    },
  ];

  it.for(cases)("$name", async (c, { expect }) => {
    const dbFile = path.join(mkdtempSync(path.join(tmp, "invalid-")), "never.db");
    const result = await run(["--import", "tsx", "server.ts"], {
      cwd: WEB_DIR,
      env: { ...cleanEnv(), PORT: "1", DATABASE_URL: `file:${dbFile}`, ...c.env },
    });
    expect(result.code, result.stderr).toBe(1);
    const errors = lines(result.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: /);
    expect(errors[0]).toMatch(c.mentions);
    if (c.secret) expect(errors[0]).not.toContain(c.secret);
    // nothing was started: no database, no output, never listening
    expect(result.stdout).toBe("");
    expect(existsSync(dbFile)).toBe(false);
  });
});
