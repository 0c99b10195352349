#!/usr/bin/env node
// Generates the Prisma client for each provider into src/generated/<provider>.
// `prisma generate` needs no schema engine, but Prisma 7's CLI checks for the native
// binary first and tries to download it; a stub that answers --version satisfies the
// check on machines that cannot download it. A real engine the user points at wins.
import { spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const stub = path.join(here, "schema-engine-stub.sh");
chmodSync(stub, 0o755);

for (const provider of ["sqlite", "postgresql"]) {
  const result = spawnSync("prisma", ["generate", "--config", path.join(root, "prisma", provider, "prisma.config.ts")], {
    stdio: "inherit",
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? stub,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
    },
    shell: process.platform === "win32",
  });
  if (result.status !== 0) {
    console.error(`prisma generate failed for ${provider}`);
    process.exit(result.status ?? 1);
  }
}
