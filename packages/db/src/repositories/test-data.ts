import type { Database } from "../client.ts";

/** How many rows of each kind a reset removed. */
export interface ResetCounts {
  threads: number;
  runs: number;
  crons: number;
  feedback: number;
  usage: number;
  storeItems: number;
  checkpoints: number;
}

/**
 * What a test suite empties between tests (test mode only: the runtime guards it).
 * Users, their keys and sessions, and assistants stay: a suite signs in once.
 */
export function testDataRepository(db: Database) {
  const { prisma } = db;
  return {
    /** Deletes every thread, run (with its events), cron, feedback, token usage, checkpoint and store item, in one transaction. */
    async emptyAll(): Promise<ResetCounts> {
      return prisma.$transaction(async (tx) => {
        // children first: the counts say what was there, not what a cascade took along
        const feedback = (await tx.feedback.deleteMany({})).count;
        const usage = (await tx.tokenUsage.deleteMany({})).count;
        await tx.runEvent.deleteMany({});
        const runs = (await tx.run.deleteMany({})).count;
        const crons = (await tx.cron.deleteMany({})).count;
        await tx.checkpointWrite.deleteMany({});
        const checkpoints = (await tx.checkpoint.deleteMany({})).count;
        const threads = (await tx.thread.deleteMany({})).count;
        const storeItems = (await tx.storeItem.deleteMany({})).count;
        return { threads, runs, crons, feedback, usage, storeItems, checkpoints };
      });
    },
  };
}
