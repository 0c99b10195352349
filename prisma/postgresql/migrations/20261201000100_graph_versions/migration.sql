-- AlterTable
ALTER TABLE "run" ADD COLUMN     "graphLoadedAt" TIMESTAMPTZ(3),
ADD COLUMN     "graphVersion" TEXT;

