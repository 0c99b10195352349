-- AlterTable
ALTER TABLE "run" ADD COLUMN "graphLoadedAt" DATETIME;
ALTER TABLE "run" ADD COLUMN "graphVersion" TEXT;

