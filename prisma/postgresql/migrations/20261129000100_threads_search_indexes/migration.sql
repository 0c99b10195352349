-- DropIndex
DROP INDEX "thread_ownerId_updatedAt_idx";

-- CreateIndex
CREATE INDEX "assistant_createdAt_id_idx" ON "assistant"("createdAt", "id");

-- CreateIndex
CREATE INDEX "thread_ownerId_createdAt_id_idx" ON "thread"("ownerId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "thread_ownerId_updatedAt_id_idx" ON "thread"("ownerId", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "thread_ownerId_status_createdAt_idx" ON "thread"("ownerId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "thread_createdAt_id_idx" ON "thread"("createdAt", "id");

-- CreateIndex
CREATE INDEX "thread_metadata_idx" ON "thread" USING GIN ("metadata" jsonb_path_ops);

