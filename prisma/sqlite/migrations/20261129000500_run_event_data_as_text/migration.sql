-- A run event's data is kept as the JSON text it was published as, so a replay sends the
-- same bytes a live reader got (jsonb reorders an object's keys).

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_run_event" (
    "runId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "event" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("runId", "seq"),
    CONSTRAINT "run_event_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_run_event" ("createdAt", "data", "event", "runId", "seq") SELECT "createdAt", "data", "event", "runId", "seq" FROM "run_event";
DROP TABLE "run_event";
ALTER TABLE "new_run_event" RENAME TO "run_event";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

