import type { Database } from "./client.ts";
import { readMigrations } from "./migrate.ts";

export interface DatabaseHealth {
  provider: string;
  reachable: boolean;
  migrated: boolean;
  appliedMigrations: number;
  pendingMigrations: string[];
  error?: string;
}

/**
 * Asks the live database whether it answers and whether every checked-in
 * migration is recorded as finished, through the same Prisma client the
 * server uses (so a broken pool shows here too).
 */
export async function checkHealth(db: Database, prismaDir?: string): Promise<DatabaseHealth> {
  const expected = readMigrations(db.provider, prismaDir).map((m) => m.name);
  try {
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    const pending = expected.filter((n) => !applied.has(n));
    return {
      provider: db.provider,
      reachable: true,
      migrated: pending.length === 0,
      appliedMigrations: applied.size,
      pendingMigrations: pending,
    };
  } catch (err) {
    return {
      provider: db.provider,
      reachable: false,
      migrated: false,
      appliedMigrations: 0,
      pendingMigrations: expected,
      error: err instanceof Error ? err.message.split("\n")[0] : String(err),
    };
  }
}
