/**
 * The data model's enums, as the schema declares them: the one source of every
 * status and strategy list. Free of Prisma's runtime, so browser code may import
 * it (`@lgrs/db/enums`, re-exported by `@lgrs/runtime/enums`).
 */
import type { RunStatus } from "./generated/sqlite/enums.ts";

export { MultitaskStrategy, RunStatus, ThreadStatus, UsageCaller } from "./generated/sqlite/enums.ts";

/** Statuses of a run that has not finished: at most one per thread may be running. */
export const IN_FLIGHT = ["pending", "running"] as const satisfies readonly RunStatus[];
