-- A fleet's workers claim runs with a lease: the claim's token fences every write of the
-- run, and a cancel request is kept on the run until its worker has stopped it.

-- AlterTable
ALTER TABLE "run" ADD COLUMN "leaseToken" TEXT;
ALTER TABLE "run" ADD COLUMN "cancelRequest" TEXT;
