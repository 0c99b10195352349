-- Who or what stopped a run (an operator, an API key, a multitask strategy, a shutdown, a
-- client that went away, a cron removal): written once by the runtime when it stops the run.

-- AlterTable
ALTER TABLE "run" ADD COLUMN "stopReason" JSONB;
