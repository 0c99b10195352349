-- AlterTable
ALTER TABLE "run" ADD COLUMN     "cronId" TEXT,
ADD COLUMN     "cronTick" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "cron" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "assistantId" TEXT NOT NULL,
    "threadId" TEXT,
    "schedule" TEXT NOT NULL,
    "timezone" TEXT,
    "payload" JSONB NOT NULL,
    "metadata" JSONB NOT NULL,
    "endTime" TIMESTAMPTZ(3),
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "nextRunAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cron_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "cron_enabled_nextRunAt_idx" ON "cron"("enabled", "nextRunAt");

-- CreateIndex
CREATE INDEX "cron_ownerId_createdAt_id_idx" ON "cron"("ownerId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "cron_threadId_idx" ON "cron"("threadId");

-- CreateIndex
CREATE INDEX "cron_assistantId_idx" ON "cron"("assistantId");

-- CreateIndex
CREATE UNIQUE INDEX "run_cronId_cronTick_key" ON "run"("cronId", "cronTick");

-- AddForeignKey
ALTER TABLE "run" ADD CONSTRAINT "run_cronId_fkey" FOREIGN KEY ("cronId") REFERENCES "cron"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cron" ADD CONSTRAINT "cron_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cron" ADD CONSTRAINT "cron_assistantId_fkey" FOREIGN KEY ("assistantId") REFERENCES "assistant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cron" ADD CONSTRAINT "cron_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "thread"("id") ON DELETE CASCADE ON UPDATE CASCADE;

