-- Time to live: a thread records what its expiry does (ttlStrategy) and after how many minutes
-- (ttlMinutes); the sweeper acts once expiresAt has passed. A store item keeps its ttl so
-- a read can refresh its expiry.

-- AlterTable
ALTER TABLE "thread" ADD COLUMN "expiresAt" DATETIME;
ALTER TABLE "thread" ADD COLUMN "ttlMinutes" REAL;
ALTER TABLE "thread" ADD COLUMN "ttlStrategy" TEXT;

-- AlterTable
ALTER TABLE "store_item" ADD COLUMN "ttlMinutes" REAL;

-- CreateIndex
CREATE INDEX "thread_expiresAt_idx" ON "thread"("expiresAt");
