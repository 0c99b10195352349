/**
 * `npm run admin -- <command>`: users and API keys, on the database of DATABASE_URL
 * (the same default as the server). Run from the repository root.
 */
import path from "node:path";
import { parseDatabaseUrl, startDatabase, type Database } from "@lgrs/db";
import { parseAdminArgs, runAdminCommand, UsageError } from "./commands.ts";

async function main(): Promise<void> {
  const baseDir = process.env["INIT_CWD"] ? path.resolve(process.env["INIT_CWD"]) : process.cwd();
  let db: Database | undefined;
  try {
    // a mistyped command must not create or migrate a database
    parseAdminArgs(process.argv.slice(2));
    const config = parseDatabaseUrl(process.env["DATABASE_URL"], baseDir);
    db = await startDatabase(config, { log: () => {} });
    await runAdminCommand(process.argv.slice(2), { db, print: (l) => process.stdout.write(`${l}\n`) });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(err instanceof UsageError && message.startsWith("usage:") ? `${message}\n` : `error: ${message}\n`);
    process.exitCode = 1;
  } finally {
    await db?.close();
  }
}

await main();
