// `npm run db:migrate`: applies the checked-in migrations to DATABASE_URL (default: the
// embedded SQLite file), the same way start-up does.
//   npm run db:migrate                           apply what is pending
//   npm run db:migrate -- --status               show applied / pending / failed, change nothing
//   npm run db:migrate -- --rolled-back NAME     mark a failed migration as rolled back so it is retried
import { parseDatabaseUrl, migrate, migrationStatus, markRolledBack, DatabaseStartupError, redactUrl } from "../src/index.ts";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const config = parseDatabaseUrl(process.env.DATABASE_URL, process.env.INIT_CWD ?? process.cwd());
  const where = config.provider === "sqlite" ? config.file : redactUrl(config.url);
  if (args[0] === "--status") {
    const s = await migrationStatus(config);
    console.log(
      `${where}: ${s.applied.length} applied, ${s.pending.length} pending${s.failed.length ? `, failed: ${s.failed.map((f) => f.name).join(", ")}` : ""}`,
    );
    for (const name of s.pending) console.log(`  pending ${name}`);
    process.exitCode = s.failed.length ? 1 : 0;
    return;
  }
  if (args[0] === "--rolled-back") {
    const name = args[1];
    if (!name) throw new DatabaseStartupError("--rolled-back needs the migration's folder name.");
    if (!(await markRolledBack(config, name))) throw new DatabaseStartupError(`No failed migration named ${name} in ${where}.`);
    console.log(`marked ${name} as rolled back; it will be applied again on the next migrate`);
    return;
  }
  const s = await migrate(config, { log: (line) => console.log(line) });
  console.log(`${where}: up to date (${s.applied.length} migrations applied)`);
}

main().catch((err) => {
  console.error(err instanceof DatabaseStartupError ? `error: ${err.message}` : err);
  process.exit(1);
});
