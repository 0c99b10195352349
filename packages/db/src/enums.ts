/**
 * The data model's enums, as the schema declares them: the one source of every
 * status and strategy list. Free of Prisma's runtime, so browser code may import
 * it (`@lgrs/db/enums`, re-exported by `@lgrs/runtime/enums`).
 */
export { MultitaskStrategy, RunStatus, ThreadStatus, UsageCaller } from "./generated/sqlite/enums.ts";
