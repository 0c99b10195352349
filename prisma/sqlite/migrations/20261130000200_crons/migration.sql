-- CreateTable
CREATE TABLE "cron" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT NOT NULL,
    "assistantId" TEXT NOT NULL,
    "threadId" TEXT,
    "schedule" TEXT NOT NULL,
    "timezone" TEXT,
    "payload" JSONB NOT NULL,
    "metadata" JSONB NOT NULL,
    "endTime" DATETIME,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "nextRunAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "cron_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "cron_assistantId_fkey" FOREIGN KEY ("assistantId") REFERENCES "assistant" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "cron_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "thread" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "threadId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "assistantId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "multitaskStrategy" TEXT NOT NULL DEFAULT 'reject',
    "kwargs" JSONB NOT NULL,
    "metadata" JSONB NOT NULL,
    "error" JSONB,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "checkpointId" TEXT,
    "rolledBackAt" DATETIME,
    "notBefore" DATETIME,
    "onCompletion" TEXT,
    "workerId" TEXT,
    "leaseExpiresAt" DATETIME,
    "leaseToken" TEXT,
    "cancelRequest" TEXT,
    "cronId" TEXT,
    "cronTick" DATETIME,
    "inputTokens" INTEGER NOT NULL DEFAULT 0,
    "outputTokens" INTEGER NOT NULL DEFAULT 0,
    "totalTokens" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    CONSTRAINT "run_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "thread" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "run_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "run_assistantId_fkey" FOREIGN KEY ("assistantId") REFERENCES "assistant" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "run_cronId_fkey" FOREIGN KEY ("cronId") REFERENCES "cron" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_run" ("assistantId", "attempt", "cancelRequest", "checkpointId", "createdAt", "endedAt", "error", "id", "inputTokens", "kwargs", "leaseExpiresAt", "leaseToken", "metadata", "multitaskStrategy", "notBefore", "onCompletion", "outputTokens", "ownerId", "rolledBackAt", "startedAt", "status", "threadId", "totalTokens", "updatedAt", "workerId") SELECT "assistantId", "attempt", "cancelRequest", "checkpointId", "createdAt", "endedAt", "error", "id", "inputTokens", "kwargs", "leaseExpiresAt", "leaseToken", "metadata", "multitaskStrategy", "notBefore", "onCompletion", "outputTokens", "ownerId", "rolledBackAt", "startedAt", "status", "threadId", "totalTokens", "updatedAt", "workerId" FROM "run";
DROP TABLE "run";
ALTER TABLE "new_run" RENAME TO "run";
CREATE INDEX "run_threadId_createdAt_idx" ON "run"("threadId", "createdAt");
CREATE INDEX "run_status_createdAt_idx" ON "run"("status", "createdAt");
CREATE INDEX "run_ownerId_createdAt_idx" ON "run"("ownerId", "createdAt");
CREATE INDEX "run_assistantId_createdAt_idx" ON "run"("assistantId", "createdAt");
CREATE INDEX "run_onCompletion_status_idx" ON "run"("onCompletion", "status");
CREATE UNIQUE INDEX "run_cronId_cronTick_key" ON "run"("cronId", "cronTick");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "cron_enabled_nextRunAt_idx" ON "cron"("enabled", "nextRunAt");

-- CreateIndex
CREATE INDEX "cron_ownerId_createdAt_id_idx" ON "cron"("ownerId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "cron_threadId_idx" ON "cron"("threadId");

-- CreateIndex
CREATE INDEX "cron_assistantId_idx" ON "cron"("assistantId");

