import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts", "scripts/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // database tests create their own databases, so files can run in parallel
    pool: "forks",
    // at least two files at a time, where Vitest's default (one fewer than the CPUs) is one on
    // a 2-CPU machine: most files wait on servers, databases and browsers rather than compute,
    // and two at a time took the whole suite from about 26 to 17 minutes on 2 CPUs
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
