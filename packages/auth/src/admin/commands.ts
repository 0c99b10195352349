/** The commands of `npm run admin`: users and API keys. */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { usersRepository, type Database, type UsersRepository } from "@lgrs/db";
import { createBetterAuth } from "../better-auth.ts";
import { ensureOperator, generatePassword, issueApiKey, setPassword, type Role } from "../operators.ts";

export const USAGE = `usage: npm run admin -- <command> [options]

  user create --email <email> [--name <name>] [--role admin|user] [--password <password>]
  user list
  user role --email <email> --role admin|user
  user password --email <email> [--password <password>]
  key create --email <email> [--name <name>] [--expires-days <days>]
  key list --email <email>
  key revoke --email <email> --id <key id>

A password or key that is not given is generated and printed once.
DATABASE_URL selects the database (default file:./data/langgraph.db).`;

export class UsageError extends Error {}

export interface Tools {
  db: Database;
  print(line: string): void;
}

function required(values: Record<string, string | undefined>, name: string): string {
  const v = values[name];
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
}

function role(raw: string | undefined, fallback: Role): Role {
  if (raw === undefined) return fallback;
  if (raw !== "admin" && raw !== "user") throw new UsageError(`--role must be admin or user, not "${raw}"`);
  return raw;
}

async function userByEmail(users: UsersRepository, email: string) {
  const user = await users.getUserByEmail(email);
  if (!user) throw new UsageError(`no user with email ${email}`);
  return user;
}

const COMMANDS = ["user create", "user list", "user role", "user password", "key create", "key list", "key revoke"];

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      email: { type: "string" },
      name: { type: "string" },
      role: { type: "string" },
      password: { type: "string" },
      id: { type: "string" },
      "expires-days": { type: "string" },
    },
  });
}

/** The command and its options; a UsageError for anything else, before any database is touched. */
export function parseAdminArgs(args: string[]) {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
  const command = parsed.positionals.join(" ");
  if (!COMMANDS.includes(command)) throw new UsageError(command ? `unknown command "${command}"\n\n${USAGE}` : USAGE);
  return { command, values: parsed.values };
}

export async function runAdminCommand(args: string[], tools: Tools): Promise<void> {
  const { command, values } = parseAdminArgs(args);
  const { db, print } = tools;
  // the commands sign no one in: the secret only satisfies the library
  const auth = createBetterAuth(db, { secret: randomBytes(32).toString("base64url"), baseURL: "http://localhost" });
  const users = usersRepository(db);
  switch (command) {
    case "user create": {
      const email = required(values, "email");
      if (await users.getUserByEmail(email)) throw new UsageError(`a user with email ${email} already exists`);
      const password = values.password ?? generatePassword();
      const user = await ensureOperator(auth, users, { email, name: values.name, role: role(values.role, "user"), password });
      print(`created ${user.role} ${user.email} (${user.id})`);
      if (!values.password) print(`password: ${password}`);
      return;
    }
    case "user list": {
      let cursor: string | null = null;
      do {
        const page = await users.listUsers({ cursor, limit: 200 });
        for (const u of page.items) print(`${u.id}  ${u.role ?? "user"}  ${u.email}`);
        cursor = page.nextCursor;
      } while (cursor);
      return;
    }
    case "user role": {
      const user = await userByEmail(users, required(values, "email"));
      await users.setRole(user.id, role(required(values, "role"), "user"));
      print(`${user.email} is now ${values.role}`);
      return;
    }
    case "user password": {
      const user = await userByEmail(users, required(values, "email"));
      const password = values.password ?? generatePassword();
      await setPassword(auth, user.id, password);
      print(`password of ${user.email} changed`);
      if (!values.password) print(`password: ${password}`);
      return;
    }
    case "key create": {
      const user = await userByEmail(users, required(values, "email"));
      const days = values["expires-days"];
      if (days !== undefined && !/^\d+$/.test(days)) throw new UsageError("--expires-days must be a whole number of days");
      const { key, ...info } = await issueApiKey(users, user.id, {
        name: values.name,
        expiresAt: days ? new Date(Date.now() + Number(days) * 86_400_000) : null,
      });
      print(`created key ${info.id} for ${user.email}${info.expiresAt ? `, expires ${info.expiresAt.toISOString()}` : ""}`);
      print(`key: ${key}`);
      return;
    }
    case "key list": {
      const user = await userByEmail(users, required(values, "email"));
      const page = await users.listApiKeys(user.id, { limit: 500 });
      for (const k of page.items) print(`${k.id}  ${k.start ?? ""}…  ${k.name ?? ""}  ${k.expiresAt?.toISOString() ?? "no expiry"}`);
      return;
    }
    case "key revoke": {
      const user = await userByEmail(users, required(values, "email"));
      const id = required(values, "id");
      if (!(await users.revokeApiKey(user.id, id))) throw new UsageError(`${user.email} has no key ${id}`);
      print(`revoked key ${id}`);
      return;
    }
    default:
      throw new UsageError(USAGE);
  }
}
