-- A stateless run records what becomes of its temporary thread once it ends, so the
-- deletion survives a restart between the run's end and the deletion.

-- AlterTable
ALTER TABLE "run" ADD COLUMN "onCompletion" TEXT;

-- CreateIndex
CREATE INDEX "run_onCompletion_status_idx" ON "run"("onCompletion", "status");
