-- A run event's data is kept as the JSON text it was published as, so a replay sends the
-- same bytes a live reader got (jsonb reorders an object's keys).

-- AlterTable
ALTER TABLE "run_event" ALTER COLUMN "data" SET DATA TYPE TEXT USING "data"::text;

