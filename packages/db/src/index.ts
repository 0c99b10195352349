export { DatabaseStartupError, lostRaceKind, refusedValue } from "./errors.ts";
export { parseDatabaseUrl, redactUrl, DEFAULT_DATABASE_URL, type DatabaseConfig, type Provider } from "./config.ts";
export { openDatabase, startDatabase, createPrismaClient, type Database, type PrismaDb } from "./client.ts";
export { migrate, migrationStatus, markRolledBack, readMigrations, PRISMA_DIR, type MigrationStatus } from "./migrate.ts";
export { checkHealth, type DatabaseHealth } from "./health.ts";
export * from "./repositories/index.ts";
export { PrismaCheckpointSaver } from "./langgraph/checkpointer.ts";
export { PrismaStore } from "./langgraph/store.ts";
export { newId } from "./ids.ts";
