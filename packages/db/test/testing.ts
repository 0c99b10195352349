// Test helpers other packages' tests use: `import { testTargets, useMigratedDatabase } from "@lgrs/db/testing"`.
export { testTargets, POSTGRES_ADMIN_URL, type TestDatabase, type TestTarget } from "./databases.ts";
export { useMigratedDatabase } from "./setup-database.ts";
export { insertThreads, type BulkThread } from "./bulk-threads.ts";
