import type { Database } from "../client.ts";
import { assistantsRepository } from "./assistants.ts";
import { cronsRepository } from "./crons.ts";
import { eventsRepository } from "./events.ts";
import { feedbackRepository } from "./feedback.ts";
import { leasesRepository } from "./leases.ts";
import { runsRepository } from "./runs.ts";
import { testDataRepository } from "./test-data.ts";
import { threadsRepository } from "./threads.ts";
import { usageRepository } from "./usage.ts";
import { usersRepository } from "./users.ts";

export * from "./assistants.ts";
export * from "./crons.ts";
export * from "./events.ts";
export * from "./feedback.ts";
export { LeaseLostError, type Lease, type CancelRequest, type Sweep, type LeasesRepository } from "./leases.ts";
export * from "./runs.ts";
export type { ResetCounts } from "./test-data.ts";
export * from "./threads.ts";
export * from "./usage.ts";
export * from "./users.ts";
export * from "./pagination.ts";
export {
  DEFAULT_SEARCH_LIMIT,
  MAX_SEARCH_LIMIT,
  MAX_SEARCH_OFFSET,
  windowOf,
  type OffsetPage,
  type OffsetWindow,
  type SortOrder,
} from "./search.ts";
export * from "./scope.ts";
export { asObject, type JsonObject } from "./json.ts";

/** Every repository over one database. */
export function repositories(db: Database) {
  return {
    assistants: assistantsRepository(db),
    crons: cronsRepository(db),
    events: eventsRepository(db),
    feedback: feedbackRepository(db),
    leases: leasesRepository(db),
    runs: runsRepository(db),
    testData: testDataRepository(db),
    threads: threadsRepository(db),
    usage: usageRepository(db),
    users: usersRepository(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;
